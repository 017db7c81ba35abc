//! Search on a thread of its own, for a help centre too large to search within a frame.
//!
//! The UI thread sends each query as it is typed and goes on drawing; the worker always takes
//! the newest query waiting (queries typed while it was busy are skipped, never queued), keeps
//! its own cache of earlier keystrokes, and sends the results back. An answer to a query that
//! has since been replaced is dropped. Results are those of a search on the UI thread: the
//! same index, the same cache rules.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::search::{SearchCache, SearchIndex, SearchResults};

struct Request {
    generation: u64,
    query: String,
}

struct Answer {
    generation: u64,
    results: SearchResults,
}

pub struct Searcher {
    requests: Sender<Request>,
    answers: Receiver<Answer>,
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
    /// A worker searching `index`; it ends when the searcher is dropped.
    pub fn start(index: Arc<SearchIndex>) -> Self {
        let (requests, inbox) = channel::<Request>();
        let (outbox, answers) = channel();
        std::thread::spawn(move || {
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
                if outbox.send(answer).is_err() {
                    break;
                }
            }
        });
        Self {
            requests,
            answers,
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

    /// The answer to the newest query, if it has come.
    pub fn poll(&mut self) -> Option<SearchResults> {
        while self.waiting {
            let answer = self.answers.try_recv().ok()?;
            if let Some(results) = self.take(answer) {
                return Some(results);
            }
        }
        None
    }

    /// Waits for the answer to the newest query (the agent acts on the hits: they must be
    /// the query's). `None` when none is awaited, or the worker has gone.
    pub fn wait(&mut self) -> Option<SearchResults> {
        while self.waiting {
            let Ok(answer) = self.answers.recv() else {
                self.waiting = false;
                return None;
            };
            if let Some(results) = self.take(answer) {
                return Some(results);
            }
        }
        None
    }

    fn take(&mut self, answer: Answer) -> Option<SearchResults> {
        if answer.generation != self.latest {
            return None;
        }
        self.waiting = false;
        Some(answer.results)
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
        let mut searcher = Searcher::start(Arc::clone(&index));
        for query in ["ㅁ", "멤", "멤버", "멤버십", "멤버십 해지"] {
            searcher.ask(query);
        }
        let results = searcher.wait().unwrap();
        let expected = index.search("멤버십 해지");
        assert_eq!(results.total(), expected.len());
        assert_eq!(results.ranked(), &expected[..results.ranked().len()]);
        assert!(!searcher.is_waiting());
        assert!(searcher.wait().is_none(), "nothing more is awaited");
        // A cleared field: the answer still on its way is dropped.
        searcher.ask("가입");
        searcher.forget();
        assert!(searcher.poll().is_none());
        assert!(searcher.wait().is_none());
    }
}
