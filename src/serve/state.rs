//! What the server knows about the site it serves: which build generation is live,
//! where it is mounted (the base path), and the error of the last failed rebuild.
//! One value, owned by the server and shared by reference with the request and watch
//! threads (no global state); a condition variable wakes the live-reload streams.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::limits::{MAX_CONNECTIONS, MAX_EVENT_STREAMS};

/// How a page should catch up with a new build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reload {
    /// Reload the whole page.
    Page,
    /// Only stylesheets changed: re-fetch them and keep the page (and its scroll).
    Css,
}

/// A consistent copy of the state, taken under the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Snapshot {
    /// Bumped after every rebuild, good or failed, so open pages catch up.
    pub(super) generation: u64,
    /// What the last bump asks open pages to do.
    pub(super) reload: Reload,
    /// The last rebuild's error (its `Display`, with file:line), until a build succeeds.
    pub(super) error: Option<String>,
    /// Where the last good build is mounted, e.g. `/` or `/blog/`.
    pub(super) base_path: String,
}

/// The server's state, shared by reference between its threads.
#[derive(Debug)]
pub(super) struct State {
    /// Tells this run's generations from a previous server's on the same port, so a
    /// page left open across a restart reloads too.
    nonce: u128,
    current: Mutex<Snapshot>,
    changed: Condvar,
    /// Open connections and, among them, live-reload streams: each holds a thread.
    connections: AtomicUsize,
    streams: AtomicUsize,
}

/// One of a limited number of places, given back when dropped.
pub(super) struct Slot<'a>(&'a AtomicUsize);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn take(count: &AtomicUsize, limit: usize) -> Option<Slot<'_>> {
    count
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            (n < limit).then_some(n + 1)
        })
        .ok()
        .map(|_| Slot(count))
}

impl State {
    pub(super) fn new(base_path: String, error: Option<String>) -> Self {
        let nonce = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        State {
            nonce,
            current: Mutex::new(Snapshot {
                generation: 0,
                reload: Reload::Page,
                error,
                base_path,
            }),
            changed: Condvar::new(),
            connections: AtomicUsize::new(0),
            streams: AtomicUsize::new(0),
        }
    }

    /// A place for a connection, unless the limit of them is open.
    pub(super) fn take_connection(&self) -> Option<Slot<'_>> {
        take(&self.connections, MAX_CONNECTIONS)
    }

    /// A place for a live-reload stream, unless the limit of them is open.
    pub(super) fn take_stream(&self) -> Option<Slot<'_>> {
        take(&self.streams, MAX_EVENT_STREAMS)
    }

    pub(super) fn snapshot(&self) -> Snapshot {
        self.lock().clone()
    }

    /// What a page embeds and the event stream announces: equal tokens mean the page
    /// shows the current build.
    pub(super) fn token(&self, generation: u64) -> String {
        format!("{}-{generation}", self.nonce)
    }

    /// A rebuild succeeded: clear the error and tell open pages.
    pub(super) fn succeeded(&self, base_path: String, reload: Reload) {
        let mut s = self.lock();
        // A page showing the error overlay must reload to lose it, even for CSS.
        s.reload = if s.error.is_some() {
            Reload::Page
        } else {
            reload
        };
        s.error = None;
        s.base_path = base_path;
        s.generation += 1;
        drop(s);
        self.changed.notify_all();
    }

    /// A rebuild failed: keep the last good build, and have open pages reload to show
    /// the error over it.
    pub(super) fn failed(&self, error: String) {
        let mut s = self.lock();
        s.error = Some(error);
        s.reload = Reload::Page;
        s.generation += 1;
        drop(s);
        self.changed.notify_all();
    }

    /// Waits until the generation moves past `seen`, or `timeout` passes (`None`).
    pub(super) fn wait_past(&self, seen: u64, timeout: Duration) -> Option<Snapshot> {
        let guard = self.lock();
        let (s, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |s| s.generation == seen)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        (s.generation != seen).then(|| s.clone())
    }

    fn lock(&self) -> MutexGuard<'_, Snapshot> {
        // The snapshot is replaced field by field under the lock and never left half
        // written by a panic, so a poisoned lock still holds a usable value.
        self.current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_then_success_reloads_the_page_even_for_css() {
        let state = State::new("/".into(), None);
        state.failed("boom".into());
        assert_eq!(state.snapshot().error.as_deref(), Some("boom"));
        state.succeeded("/blog/".into(), Reload::Css);
        let s = state.snapshot();
        assert_eq!((s.generation, s.reload, s.error), (2, Reload::Page, None));
        assert_eq!(s.base_path, "/blog/");
        state.succeeded("/blog/".into(), Reload::Css);
        assert_eq!(state.snapshot().reload, Reload::Css);
    }

    #[test]
    fn slots_are_limited_and_given_back() {
        let state = State::new("/".into(), None);
        let streams: Vec<_> = (0..MAX_EVENT_STREAMS)
            .map(|_| state.take_stream().unwrap())
            .collect();
        assert!(state.take_stream().is_none());
        drop(streams);
        assert!(state.take_stream().is_some());
    }

    #[test]
    fn waiting_returns_on_a_new_generation_or_times_out() {
        let state = State::new("/".into(), None);
        assert!(state.wait_past(0, Duration::from_millis(1)).is_none());
        std::thread::scope(|scope| {
            scope.spawn(|| state.succeeded("/".into(), Reload::Page));
            let s = state.wait_past(0, Duration::from_secs(10)).unwrap();
            assert_eq!(s.generation, 1);
        });
    }
}
