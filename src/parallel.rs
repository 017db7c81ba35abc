//! Work split into consecutive shares, one per core, with the results kept in order.

use std::ops::Range;

const MAX_WORKERS: usize = 8;

/// How much lower than the console's own thread background work runs (a nice value).
const BACKGROUND_NICENESS: libc::c_int = 10;

/// Lowers the calling thread's priority for work nobody waits on key by key (the search
/// worker, background builds and stores): when the agent presses a key, the console's
/// thread and the terminal that draws its frame get a core at once instead of after the
/// search's shares have run (on two cores a search on both held the echo of a key back by
/// its whole time, 36 ms at p90). Threads it starts inherit the lower priority. A system
/// that refuses it leaves the priority as it was: only the speed of the frame depends on it.
pub(crate) fn lower_thread_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid and setpriority take and return plain integers; on Linux the nice
    // value of PRIO_PROCESS with a thread id is that thread's own.
    unsafe {
        let thread = libc::gettid();
        let Ok(thread) = libc::id_t::try_from(thread) else {
            return;
        };
        let _ = libc::setpriority(libc::PRIO_PROCESS, thread, BACKGROUND_NICENESS);
    }
}

/// The cores this process may use, counted once: asking the system reads the cgroup's files
/// (about 0.1 ms a time here), and a keystroke's search splits its work several times.
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES
        .get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
}

/// Runs `work` on consecutive shares of `0..len`, no share smaller than `min_share` (below
/// that, starting a thread costs more than it saves), and returns the results in order.
pub(crate) fn in_shares<R: Send>(
    len: usize,
    min_share: usize,
    work: impl Fn(Range<usize>) -> R + Sync,
) -> Vec<R> {
    let shares = share_ranges(len, min_share);
    if shares.len() <= 1 {
        return vec![work(0..len)];
    }
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = shares
            .iter()
            .skip(1)
            .map(|share| {
                let share = share.clone();
                scope.spawn(move || work(share))
            })
            .collect();
        // This thread takes the first share itself.
        let mut results = Vec::with_capacity(shares.len());
        results.extend(shares.first().cloned().map(work));
        for handle in handles {
            match handle.join() {
                Ok(result) => results.push(result),
                // A panic in a worker is a bug; raise it here rather than lose its share.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        results
    })
}

/// The consecutive shares [`in_shares`] splits `0..len` into (one when it is not worth
/// splitting).
pub(crate) fn share_ranges(len: usize, min_share: usize) -> Vec<Range<usize>> {
    let most = len / min_share.max(1);
    let workers = if most <= 1 {
        1
    } else {
        cores().min(MAX_WORKERS).min(most)
    };
    if workers == 1 {
        return std::iter::once(0..len).collect();
    }
    let size = len.div_ceil(workers);
    (0..len)
        .step_by(size)
        .map(|start| start..(start + size).min(len))
        .collect()
}

/// `slice` cut into consecutive parts of `lengths` (the rest of it, if any, in none): parts
/// of one array that [`each_part`] can have written on every core.
pub(crate) fn split_into<T>(
    mut slice: &mut [T],
    lengths: impl IntoIterator<Item = usize>,
) -> Vec<&mut [T]> {
    let mut parts = Vec::new();
    for length in lengths {
        let whole = std::mem::take(&mut slice);
        let (part, rest) = whole.split_at_mut(length.min(whole.len()));
        parts.push(part);
        slice = rest;
    }
    parts
}

/// Runs `work` on each of `parts` (work that needs no other part, such as writing its own
/// slice of one array), a core to each, and returns the results in order.
pub(crate) fn each_part<T: Send, R: Send>(parts: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<R> {
    let parts: Vec<std::sync::Mutex<Option<T>>> = parts
        .into_iter()
        .map(|part| std::sync::Mutex::new(Some(part)))
        .collect();
    in_shares(parts.len(), 1, |share| {
        share
            .filter_map(|p| parts[p].lock().ok().and_then(|mut part| part.take()))
            .map(&work)
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_cover_everything_once_in_order() {
        for len in [0, 1, 5, 100, 1_001] {
            let ranges = in_shares(len, 10, |range| range);
            let covered: Vec<usize> = ranges.into_iter().flatten().collect();
            assert_eq!(covered, (0..len).collect::<Vec<_>>());
            let mut values: Vec<usize> = (0..len).collect();
            let lengths = share_ranges(len, 10).into_iter().map(|range| range.len());
            let parts = split_into(&mut values, lengths);
            let covered: Vec<usize> = parts.into_iter().flatten().map(|v| *v).collect();
            assert_eq!(covered, (0..len).collect::<Vec<_>>());
            let parts = each_part(share_ranges(len, 10), |range| range);
            let covered: Vec<usize> = parts.into_iter().flatten().collect();
            assert_eq!(covered, (0..len).collect::<Vec<_>>());
        }
    }
}
