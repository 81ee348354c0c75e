//! Deleting expired rows: a method, and a background task with a handle.

use std::time::Duration;

use oauth1::store::StoreError;
use tokio::sync::watch;

use crate::sql::PURGE_BATCH;
use crate::{SqlStore, db_error, with_pool};

/// What one [`SqlStore::purge_expired`] deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Purged {
    /// Nonces whose timestamp has left the accepted window.
    pub nonces: u64,
    /// Temporary credentials past their expiry.
    pub temporary: u64,
    /// Token credentials past their expiry.
    pub tokens: u64,
}

impl SqlStore {
    /// Deletes every expired row: nonces whose timestamp has left the window (RFC 5849 §3.3
    /// only asks that a nonce be remembered while its timestamp is accepted), temporary and
    /// token credentials past their expiry. In statements of at most 10,000 rows each, so
    /// that no lock is held long; each statement has the store's timeout.
    pub async fn purge_expired(&self) -> Result<Purged, StoreError> {
        let now = self.now_i64();
        let s = &self.inner.sql;
        let mut purged = Purged::default();
        for (sql, count) in [
            (&s.purge_nonces, &mut purged.nonces),
            (&s.purge_temporary, &mut purged.temporary),
            (&s.purge_tokens, &mut purged.tokens),
        ] {
            loop {
                let deleted = self
                    .timed(async {
                        with_pool!(&self.inner.pool, |pool| sqlx::query(sql)
                            .bind(now)
                            .execute(pool)
                            .await
                            .map(|r| r.rows_affected())
                            .map_err(db_error))
                    })
                    .await?;
                *count += deleted;
                if deleted < PURGE_BATCH {
                    break;
                }
            }
        }
        Ok(purged)
    }

    /// Runs [`purge_expired`](Self::purge_expired) now and then every `every`, in a Tokio task,
    /// until the returned handle is stopped or dropped. A failed round is logged
    /// (`target: "oauth1"`, warning) and retried at the next.
    ///
    /// Must be called within a Tokio runtime.
    pub fn spawn_purge(&self, every: Duration) -> PurgeTask {
        let store = self.clone();
        let (rounds_tx, rounds) = watch::channel(0u64);
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut interval = tokio::time::interval(every.max(Duration::from_millis(1)));
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = interval.tick() => {}
                    _ = stopped.changed() => break,
                }
                match store.purge_expired().await {
                    Ok(p) if p != Purged::default() => {
                        tracing::debug!(target: "oauth1", nonces = p.nonces, temporary = p.temporary,
                            tokens = p.tokens, "oauth1-sqlx: purged expired rows");
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(target: "oauth1", error = %e, "oauth1-sqlx: purge failed"),
                }
                rounds_tx.send_modify(|n| *n += 1);
            }
        });
        PurgeTask { task: Some(task), stop, rounds }
    }
}

/// The background purge of [`SqlStore::spawn_purge`]; dropping it stops the task.
#[derive(Debug)]
pub struct PurgeTask {
    task: Option<tokio::task::JoinHandle<()>>,
    stop: watch::Sender<bool>,
    rounds: watch::Receiver<u64>,
}

impl PurgeTask {
    /// How many rounds have finished (failed ones included).
    pub fn rounds(&self) -> u64 {
        *self.rounds.borrow()
    }

    /// Waits until at least `n` rounds have finished.
    pub async fn wait_for_rounds(&mut self, n: u64) {
        // An error means the task ended: no more rounds will come.
        let _ = self.rounds.wait_for(|&done| done >= n).await;
    }

    /// Lets the task run for as long as its runtime does, without a handle (a process that
    /// purges until it exits).
    pub fn detach(mut self) {
        self.task = None;
    }

    /// Stops the task after its current round and waits for it to end.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for PurgeTask {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
