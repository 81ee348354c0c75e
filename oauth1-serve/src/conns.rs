//! The server's connections: which wait for a request head (oldest first), which are in the
//! middle of a request, and which are to be closed, for the limits of [`crate::serve`].

use std::collections::BTreeMap;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// A free slot; at the limit, closes the connection that has waited longest for a request head
/// to make one, or waits until one can be made.
pub(crate) async fn slot(slots: &Arc<Semaphore>, waiting: &Waiting) -> OwnedSemaphorePermit {
    loop {
        if let Ok(permit) = slots.clone().try_acquire_owned() {
            return permit;
        }
        let acquire = slots.clone().acquire_owned();
        if waiting.evict_oldest() {
            // Its task ends as soon as it runs, giving its slot back.
            if let Ok(permit) = acquire.await {
                return permit;
            }
        } else {
            tokio::select! {
                permit = acquire => if let Ok(permit) = permit { return permit },
                () = waiting.became_idle.notified() => {}
            }
        }
    }
}

pub(crate) async fn accept_failed(error: &io::Error, waiting: &Waiting) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    // A connection that failed before it was accepted: nothing to do.
    if matches!(error.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        return;
    }
    // Out of file descriptors (or another resource): free one and back off.
    waiting.evict_oldest();
    tokio::time::sleep(Duration::from_millis(100)).await;
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The server's connections that are waiting for a request head, oldest first.
#[derive(Default)]
pub(crate) struct Waiting {
    queue: Mutex<Queue>,
    /// Notified when a connection starts waiting: at the limit, one can now be closed.
    became_idle: Notify,
}

#[derive(Default)]
struct Queue {
    next_ticket: u64,
    conns: BTreeMap<u64, Arc<Conn>>,
}

impl Queue {
    fn park(&mut self, conn: &Arc<Conn>, state: &mut ConnState) {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.conns.insert(ticket, conn.clone());
        state.ticket = Some(ticket);
        state.idle_since = Instant::now();
    }
}

impl Waiting {
    /// Marks the connection that has waited longest for a request head to be closed; false
    /// when none is waiting.
    fn evict_oldest(&self) -> bool {
        let Some((_, conn)) = lock(&self.queue).conns.pop_first() else { return false };
        {
            let mut state = lock(&conn.state);
            state.ticket = None;
            state.evicted = true;
        }
        conn.wake.notify_one();
        true
    }
}

/// One connection. Lock order: `Waiting::queue`, then `Conn::state`.
struct Conn {
    state: Mutex<ConnState>,
    /// Notified on every change of `state`, for [`Registration::watch`].
    wake: Notify,
}

struct ConnState {
    /// Requests being answered, until their response bodies are sent or dropped.
    in_flight: usize,
    /// Its place in [`Waiting`] while it waits for a request head.
    ticket: Option<u64>,
    /// When it last started to wait for a request head.
    idle_since: Instant,
    /// Closed to make room.
    evicted: bool,
    /// Its task has ended.
    closed: bool,
}

/// A connection's requests start and end through this.
#[derive(Clone)]
pub(crate) struct Tracker {
    waiting: Arc<Waiting>,
    conn: Arc<Conn>,
}

impl Tracker {
    /// A request has started; `None` when the connection is being closed.
    pub(crate) fn begin(&self) -> Option<Busy> {
        {
            let mut queue = lock(&self.waiting.queue);
            let mut state = lock(&self.conn.state);
            if state.evicted || state.closed {
                return None;
            }
            state.in_flight += 1;
            if let Some(ticket) = state.ticket.take() {
                queue.conns.remove(&ticket);
            }
        }
        self.conn.wake.notify_one();
        Some(Busy(self.clone()))
    }
}

/// A request in flight; dropped with its response body.
pub(crate) struct Busy(Tracker);

impl Drop for Busy {
    fn drop(&mut self) {
        let Tracker { waiting, conn } = &self.0;
        let parked = {
            let mut queue = lock(&waiting.queue);
            let mut state = lock(&conn.state);
            state.in_flight = state.in_flight.saturating_sub(1);
            let park = state.in_flight == 0 && !state.evicted && !state.closed;
            if park {
                queue.park(conn, &mut state);
            }
            park
        };
        if parked {
            waiting.became_idle.notify_one();
        }
        conn.wake.notify_one();
    }
}

/// Why a connection is closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Closing {
    /// Chosen to make room for a new connection.
    Evicted,
    /// Waited too long for a request head.
    Idle,
}

/// A connection's place in [`Waiting`], held by its task.
pub(crate) struct Registration(Tracker);

impl Registration {
    /// A new connection, waiting for its first request head.
    pub(crate) fn open(waiting: Arc<Waiting>) -> Self {
        let conn = Arc::new(Conn {
            state: Mutex::new(ConnState {
                in_flight: 0,
                ticket: None,
                idle_since: Instant::now(),
                evicted: false,
                closed: false,
            }),
            wake: Notify::new(),
        });
        {
            let mut queue = lock(&waiting.queue);
            queue.park(&conn, &mut lock(&conn.state));
        }
        Registration(Tracker { waiting, conn })
    }

    pub(crate) fn tracker(&self) -> Tracker {
        self.0.clone()
    }

    /// Ends when the connection is to be closed: it was chosen to make room, or it has waited
    /// `idle_timeout` for a request head.
    pub(crate) async fn watch(&self, idle_timeout: Duration) -> Closing {
        let conn = &self.0.conn;
        loop {
            let wake = conn.wake.notified();
            let deadline = {
                let state = lock(&conn.state);
                if state.evicted {
                    return Closing::Evicted;
                }
                (state.in_flight == 0).then(|| state.idle_since + idle_timeout)
            };
            match deadline {
                Some(deadline) => tokio::select! {
                    () = tokio::time::sleep_until(deadline) => {
                        let state = lock(&conn.state);
                        if state.evicted {
                            return Closing::Evicted;
                        }
                        if state.in_flight == 0 && state.idle_since + idle_timeout <= Instant::now() {
                            return Closing::Idle;
                        }
                    }
                    () = wake => {}
                },
                None => wake.await,
            }
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let Tracker { waiting, conn } = &self.0;
        let mut queue = lock(&waiting.queue);
        let mut state = lock(&conn.state);
        state.closed = true;
        if let Some(ticket) = state.ticket.take() {
            queue.conns.remove(&ticket);
        }
    }
}
