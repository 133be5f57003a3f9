//! The sync client: push the outbox in batches, pull pages after the cursor, detect a
//! restored server, and the long-running loop with backoff. Generic over [`Transport`]
//! (HTTP in production, an in-memory server in the simulation) and [`StoreHandle`]
//! (the store is locked only for each local step, never across a network wait).
use crate::backoff::Backoff;
use crate::error::{Result, SyncError};
use crate::wire::{AckStatus, PullResponse, PushRequest, PushResponse, MAX_PUSH_OPS};
use firebreak_core::clock::Clock;
use firebreak_core::ids::OpId;
use firebreak_store::Store;
use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// How ops reach the server.
pub trait Transport: Send + Sync {
    fn push(&self, req: &PushRequest) -> impl Future<Output = Result<PushResponse>> + Send;
    /// Ops after `after`; with `wait`, the server may hold the request until one exists.
    fn pull(&self, after: i64, limit: u32, wait: Option<Duration>)
        -> impl Future<Output = Result<PullResponse>> + Send;
}

/// Access to the local store for one short step at a time.
pub trait StoreHandle: Send + Sync {
    fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R;
}

impl StoreHandle for Mutex<Store> {
    fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        f(&mut self.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl StoreHandle for Mutex<&mut Store> {
    fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        f(&mut self.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl<T: StoreHandle> StoreHandle for Arc<T> {
    fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        (**self).with_store(f)
    }
}

#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Ops per push request (at most [`MAX_PUSH_OPS`]).
    pub push_batch: usize,
    /// Ops per pull page.
    pub pull_page: u32,
    /// How long a live pull is held by the server in [`SyncClient::run`].
    pub live_wait: Duration,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            push_batch: 500,
            pull_page: 1_000,
            live_wait: Duration::from_secs(25),
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushReport {
    /// Ops the server acknowledged (stored now or before).
    pub acknowledged: usize,
    /// Ops the server already had under the same id with other content; it kept our
    /// version in its conflicts table. Should never happen; shown to the person.
    pub conflicts: Vec<OpId>,
    /// The server's epoch changed since we last talked to it: our ops were queued
    /// again (and are being pushed by this same call).
    pub server_restored: bool,
    /// Ops the server refused (moved from the outbox to the store's rejected list).
    pub rejected: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullReport {
    /// Ops new to this replica.
    pub applied: usize,
    /// Ops from a newer Firebreak, kept to apply after an upgrade.
    pub newer: usize,
    /// Ops that failed validation here, kept in quarantine.
    pub quarantined: usize,
    pub pages: usize,
    pub cursor: i64,
    /// The server was restored or replaced: our ops were queued again.
    pub server_restored: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub push: PushReport,
    pub pull: PullReport,
}

pub struct SyncClient<T> {
    transport: T,
    clock: Arc<dyn Clock>,
    options: SyncOptions,
}

impl<T: Transport> SyncClient<T> {
    pub fn new(transport: T, clock: Arc<dyn Clock>, options: SyncOptions) -> Self {
        SyncClient { transport, clock, options }
    }

    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Sends the outbox in batches until it is empty. Each batch leaves the outbox
    /// only after the server acknowledged it.
    pub async fn push(&self, store: &impl StoreHandle) -> Result<PushReport> {
        let mut report = PushReport::default();
        let batch = self.options.push_batch.clamp(1, MAX_PUSH_OPS);
        loop {
            let ops = store.with_store(|s| s.outbox_batch(batch))?;
            if ops.is_empty() {
                return Ok(report);
            }
            let sent: HashSet<OpId> = ops.iter().map(|o| o.op_id).collect();
            let resp = self.transport.push(&PushRequest { ops }).await?;
            let acked: Vec<OpId> = resp.acks.iter().map(|a| a.op_id).collect();
            let acked_set: HashSet<OpId> = acked.iter().copied().collect();
            if acked_set != sent {
                return Err(SyncError::Protocol(format!(
                    "pushed {} ops, {} acknowledged",
                    sent.len(),
                    acked_set.intersection(&sent).count()
                )));
            }
            // The epoch goes on record before the acks, so a restore of this server is
            // noticed even if no pull ever completes.
            if store.with_store(|s| s.adopt_server_epoch(&resp.epoch))? {
                tracing::warn!("the sync server's epoch changed; pushing all local ops again");
                report.server_restored = true;
            }
            let refused: Vec<(OpId, String)> = resp
                .acks
                .iter()
                .filter(|a| a.status == AckStatus::Rejected)
                .map(|a| (a.op_id, a.reason.clone().unwrap_or_else(|| "refused by the server".into())))
                .collect();
            if !refused.is_empty() {
                tracing::warn!(count = refused.len(), "the sync server refused some ops; kept locally");
                let now = self.clock.now();
                store.with_store(|s| s.reject_outbox(&refused, now))?;
                report.rejected += refused.len();
            }
            let stored: Vec<OpId> =
                resp.acks.iter().filter(|a| a.status != AckStatus::Rejected).map(|a| a.op_id).collect();
            store.with_store(|s| s.ack_outbox(&stored))?;
            report.acknowledged += stored.len();
            report.conflicts.extend(resp.acks.iter().filter(|a| a.status == AckStatus::Conflict).map(|a| a.op_id));
        }
    }

    /// Pulls pages after the cursor until caught up. `wait` holds only the first
    /// request (a live pull); later pages are fetched at once.
    pub async fn pull(&self, store: &impl StoreHandle, mut wait: Option<Duration>) -> Result<PullReport> {
        let mut report = PullReport::default();
        loop {
            let cursor = store.with_store(|s| s.sync_cursor())?;
            let after = cursor.as_ref().map_or(0, |c| c.1);
            let page = self.transport.pull(after, self.options.pull_page, wait.take()).await?;
            if let Some((epoch, seq)) = &cursor {
                if *epoch != page.epoch || *seq > page.max_seq {
                    tracing::warn!(
                        cursor = seq,
                        server_max = page.max_seq,
                        epoch_changed = *epoch != page.epoch,
                        "the sync server was restored or replaced; pushing all local ops again"
                    );
                    if *epoch == page.epoch {
                        store.with_store(|s| s.requeue_all_local_ops())?;
                    }
                    store.with_store(|s| s.adopt_server_epoch(&page.epoch))?;
                    report.server_restored = true;
                    continue;
                }
            }
            let next = check_page(&page, after)?;
            let bodies: Vec<&str> = page.ops.iter().map(|s| s.op.get()).collect();
            let now = self.clock.now();
            let intake = store.with_store(|s| s.apply_pulled_page(&bodies, &page.epoch, next, now))?;
            if intake.newer + intake.quarantined > 0 {
                tracing::warn!(
                    newer = intake.newer,
                    quarantined = intake.quarantined,
                    "some pulled ops were held instead of applied"
                );
            }
            report.applied += intake.applied;
            report.newer += intake.newer;
            report.quarantined += intake.quarantined;
            report.pages += 1;
            report.cursor = next;
            if !page.more {
                return Ok(report);
            }
        }
    }

    /// One full round: push, pull, and after a detected restore push and pull again.
    pub async fn sync_once(&self, store: &impl StoreHandle) -> Result<SyncReport> {
        self.round(store, None).await
    }

    /// A round whose first pull may be held by the server for `wait` (a live pull).
    async fn round(&self, store: &impl StoreHandle, wait: Option<Duration>) -> Result<SyncReport> {
        let mut report = SyncReport { push: self.push(store).await?, pull: self.pull(store, wait).await? };
        if report.pull.server_restored || report.push.server_restored {
            let again = self.push(store).await?;
            report.push.acknowledged += again.acknowledged;
            report.push.conflicts.extend(again.conflicts);
            report.push.rejected += again.rejected;
            let pull = self.pull(store, None).await?;
            report.pull.applied += pull.applied;
            report.pull.newer += pull.newer;
            report.pull.quarantined += pull.quarantined;
            report.pull.pages += pull.pages;
            report.pull.cursor = pull.cursor;
        }
        let now = self.clock.now();
        // Ops held because their stamp was too far ahead become acceptable as this clock
        // moves on.
        report.pull.applied += store.with_store(|s| s.release_held(now, false))?;
        store.with_store(|s| s.mark_synced(now))?;
        Ok(report)
    }

    /// Syncs until `shutdown` completes: pushes, then holds a live pull open so other
    /// replicas' ops arrive within moments. `local_change` should be notified after
    /// every local commit so it is pushed at once instead of after the live pull.
    /// Transient failures back off exponentially with jitter (a local change retries at
    /// once); refusals (bad token, wrong team, invalid data) end the loop with the error.
    pub async fn run(
        &self,
        store: &impl StoreHandle,
        local_change: &Notify,
        shutdown: impl Future<Output = ()>,
    ) -> Result<()> {
        self.run_observed(store, local_change, shutdown, |_| {}).await
    }

    /// [`Self::run`], telling `observe` how each round ended (for a status display).
    pub async fn run_observed(
        &self,
        store: &impl StoreHandle,
        local_change: &Notify,
        shutdown: impl Future<Output = ()>,
        mut observe: impl FnMut(Round<'_>),
    ) -> Result<()> {
        tokio::pin!(shutdown);
        let mut backoff = Backoff::new(self.options.backoff_base, self.options.backoff_max);
        let mut wait = None;
        loop {
            let outcome = tokio::select! {
                _ = &mut shutdown => return Ok(()),
                _ = local_change.notified() => None,
                r = self.round(store, wait) => Some(r),
            };
            match outcome {
                None => {}
                Some(Ok(report)) => {
                    observe(Round::Synced(&report));
                    backoff.reset();
                    wait = Some(self.options.live_wait);
                }
                Some(Err(e)) if e.is_transient() => {
                    observe(Round::Failed(&e));
                    let delay = backoff.next_delay(&mut rand::thread_rng());
                    tracing::warn!(error = %e, retry_in_ms = delay.as_millis() as u64, "sync failed; retrying");
                    tokio::select! {
                        _ = &mut shutdown => return Ok(()),
                        _ = local_change.notified() => {}
                        _ = tokio::time::sleep(delay) => {}
                    }
                    wait = None;
                }
                Some(Err(e)) => {
                    observe(Round::Failed(&e));
                    return Err(e);
                }
            }
        }
    }
}

/// How one round of [`SyncClient::run_observed`] ended.
#[derive(Debug)]
pub enum Round<'a> {
    /// Pushed and pulled (the pull may have waited for news).
    Synced(&'a SyncReport),
    Failed(&'a SyncError),
}

/// Checks that a page is ascending and after the cursor; returns the new cursor.
fn check_page(page: &PullResponse, after: i64) -> Result<i64> {
    let mut last = after;
    for s in &page.ops {
        if s.seq <= last {
            return Err(SyncError::Protocol(format!("sequence {} after {last} is not ascending", s.seq)));
        }
        last = s.seq;
    }
    Ok(last)
}
