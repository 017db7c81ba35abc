//! Search on a thread of its own, for a help centre too large to search within a frame.
//!
//! The UI thread sends each query as it is typed and goes on drawing; the worker always takes
//! the newest query waiting (queries typed while it was busy are skipped, never queued), keeps
//! its own cache of earlier keystrokes, and sends the results back. An answer to a query that
//! has since been replaced is dropped. Results are those of a search on the UI thread: the
//! same index, the same cache rules. Answers come back as messages on the console's loop.

use std::sync::Arc;
use std::sync::mpsc::{Sender, channel};
use std::thread::JoinHandle;

use super::event::{Answer, Mailbox, Message, Poster};
use crate::search::{SearchCache, SearchIndex, SearchResults};

struct Request {
    generation: u64,
    query: String,
}

pub struct Searcher {
    requests: Sender<Request>,
    worker: JoinHandle<()>,
    /// The number of the newest query sent; answers to older ones are stale.
    latest: u64,
    /// The answer to the newest query is still to come.
    waiting: bool,
}

impl std::fmt::Debug for Searcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Searcher")
            .field("latest", &self.latest)
            .field("waiting", &self.waiting)
            .finish_non_exhaustive()
    }
}

impl Searcher {
    /// A worker searching `index`, posting its answers with `poster`; it ends when the
    /// searcher is dropped.
    pub fn start(index: Arc<SearchIndex>, poster: Poster) -> Self {
        let (requests, inbox) = channel::<Request>();
        let worker = std::thread::spawn(move || {
            crate::parallel::lower_thread_priority();
            let mut cache = SearchCache::default();
            while let Ok(mut request) = inbox.recv() {
                // Only the newest query matters: the agent has typed past the others.
                while let Ok(newer) = inbox.try_recv() {
                    request = newer;
                }
                let results = index.search_cached(&mut cache, &request.query);
                let answer = Answer {
                    generation: request.generation,
                    results,
                };
                if !poster.post(Message::Searched(Box::new(answer))) {
                    break;
                }
            }
        });
        Self {
            requests,
            worker,
            latest: 0,
            waiting: false,
        }
    }

    /// Sends `query` to be searched; earlier queries' answers will be dropped.
    pub fn ask(&mut self, query: &str) {
        self.latest += 1;
        let request = Request {
            generation: self.latest,
            query: query.to_owned(),
        };
        self.waiting = self.requests.send(request).is_ok();
    }

    /// Forgets the query asked last (the field was cleared).
    pub fn forget(&mut self) {
        self.latest += 1;
        self.waiting = false;
    }

    /// Whether the answer to the newest query is still to come.
    pub fn is_waiting(&self) -> bool {
        self.waiting
    }

    /// The results of `answer` if it answers the newest query (an older one is dropped).
    pub fn take(&mut self, answer: Box<Answer>) -> Option<SearchResults> {
        if !self.waiting || answer.generation != self.latest {
            return None;
        }
        self.waiting = false;
        Some(answer.results)
    }

    /// Waits for the answer to the newest query (the agent acts on the hits: they must be
    /// the query's); other messages that come meanwhile stay in `mailbox` for later. `None`
    /// when none is awaited, or the worker has gone.
    pub fn wait(&mut self, mailbox: &mut Mailbox) -> Option<SearchResults> {
        if !self.waiting {
            return None;
        }
        let latest = self.latest;
        let worker = &self.worker;
        let found = mailbox.wait_for(
            |message| match message {
                Message::Searched(answer) if answer.generation == latest => Ok(answer.results),
                // Answers to queries typed over are of no use to anyone.
                Message::Searched(_) => Err(None),
                other => Err(Some(other)),
            },
            || !worker.is_finished(),
        );
        self.waiting = false;
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content;

    #[test]
    fn the_newest_query_is_answered_as_on_the_ui_thread() {
        let content = content::load_embedded().unwrap();
        let index = Arc::new(SearchIndex::build(&content));
        let mut mailbox = Mailbox::default();
        let mut searcher = Searcher::start(Arc::clone(&index), mailbox.poster());
        for query in ["ㅁ", "멤", "멤버", "멤버십", "멤버십 해지"] {
            searcher.ask(query);
        }
        let results = searcher.wait(&mut mailbox).unwrap();
        let expected = index.search("멤버십 해지");
        assert_eq!(results.total(), expected.len());
        assert_eq!(results.ranked(), &expected[..results.ranked().len()]);
        assert!(!searcher.is_waiting());
        assert!(
            searcher.wait(&mut mailbox).is_none(),
            "nothing more is awaited"
        );
        // A cleared field: the answer still on its way is dropped.
        searcher.ask("가입");
        searcher.forget();
        let Message::Searched(answer) = mailbox.next(None) else {
            panic!("an answer");
        };
        assert!(searcher.take(answer).is_none());
        assert!(searcher.wait(&mut mailbox).is_none());
    }
}
