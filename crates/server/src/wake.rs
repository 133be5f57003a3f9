//! Held pulls (long-polls): the slots they take, capped per member and per team so one
//! laptop or one team cannot hold all of the server's connections, and the wake-up each
//! team's pollers wait on. A push through this instance wakes them at once; a push
//! through another instance sharing the PostgreSQL database wakes them through
//! LISTEN/NOTIFY (`storage::PgStorage::listen`). A slow safety re-check in the pull
//! handler covers a notification lost while the listener reconnects.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

/// Default for `--max-polls-per-member`: a person's window, a `sync --watch` and a
/// spare laptop or two.
pub const MAX_POLLS_PER_MEMBER: usize = 8;
/// Default for `--max-polls-per-team`.
pub const MAX_POLLS_PER_TEAM: usize = 500;

/// How many pulls may be held at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollLimits {
    pub per_member: usize,
    pub per_team: usize,
}

impl Default for PollLimits {
    fn default() -> Self {
        PollLimits { per_member: MAX_POLLS_PER_MEMBER, per_team: MAX_POLLS_PER_TEAM }
    }
}

/// Why a pull could not be held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Busy {
    Member(usize),
    Team(usize),
}

#[derive(Default)]
struct Team {
    notify: Arc<Notify>,
    held: usize,
    by_member: HashMap<String, usize>,
}

/// Every team's held pulls on this instance.
#[derive(Default)]
pub struct Waiters {
    teams: Mutex<HashMap<i64, Team>>,
    limits: PollLimits,
}

impl std::fmt::Debug for Waiters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waiters").field("limits", &self.limits).finish_non_exhaustive()
    }
}

impl Waiters {
    pub fn new(limits: PollLimits) -> Self {
        Waiters { teams: Mutex::default(), limits }
    }

    fn teams(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Team>> {
        self.teams.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a slot for a pull held by `member` of `team`, or says which cap is full.
    pub fn hold(self: &Arc<Self>, team: i64, member: &str) -> Result<HeldPoll, Busy> {
        let mut teams = self.teams();
        let t = teams.entry(team).or_default();
        let mine = t.by_member.get(member).copied().unwrap_or(0);
        if mine >= self.limits.per_member {
            return Err(Busy::Member(self.limits.per_member));
        }
        if t.held >= self.limits.per_team {
            return Err(Busy::Team(self.limits.per_team));
        }
        t.held += 1;
        *t.by_member.entry(member.to_string()).or_default() += 1;
        Ok(HeldPoll { waiters: self.clone(), team, member: member.to_string(), notify: t.notify.clone() })
    }

    /// Wakes the held pulls of one team (`Some`) or of every team (`None`, after the
    /// cross-instance listener reconnected and may have missed notifications).
    pub fn wake(&self, team: Option<i64>) {
        let teams = self.teams();
        match team {
            Some(id) => {
                if let Some(t) = teams.get(&id) {
                    t.notify.notify_waiters();
                }
            }
            None => teams.values().for_each(|t| t.notify.notify_waiters()),
        }
    }

    /// Pulls held now for a team (for tests and logs).
    pub fn held(&self, team: i64) -> usize {
        self.teams().get(&team).map_or(0, |t| t.held)
    }
}

/// A held pull's slot; given back when dropped (also when the client goes away and
/// the request future is dropped).
pub struct HeldPoll {
    waiters: Arc<Waiters>,
    team: i64,
    member: String,
    notify: Arc<Notify>,
}

impl HeldPoll {
    /// What a push to this team notifies.
    pub fn notify(&self) -> &Notify {
        &self.notify
    }
}

impl Drop for HeldPoll {
    fn drop(&mut self) {
        let mut teams = self.waiters.teams();
        if let Some(t) = teams.get_mut(&self.team) {
            t.held = t.held.saturating_sub(1);
            if let Some(n) = t.by_member.get_mut(&self.member) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    t.by_member.remove(&self.member);
                }
            }
            if t.held == 0 {
                teams.remove(&self.team);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_capped_per_member_and_per_team_and_given_back_on_drop() {
        let w = Arc::new(Waiters::new(PollLimits { per_member: 2, per_team: 3 }));
        let a1 = w.hold(1, "ana").unwrap();
        let _a2 = w.hold(1, "ana").unwrap();
        assert_eq!(w.hold(1, "ana").err(), Some(Busy::Member(2)));
        let _b1 = w.hold(1, "ben").unwrap();
        assert_eq!(w.hold(1, "cy").err(), Some(Busy::Team(3)));
        // Another team has its own slots.
        let _other = w.hold(2, "ana").unwrap();
        drop(a1);
        assert_eq!(w.held(1), 2);
        let _a3 = w.hold(1, "ana").unwrap();
        assert_eq!(w.held(1), 3);
    }

    #[tokio::test]
    async fn a_wake_reaches_only_its_teams_pollers() {
        let w = Arc::new(Waiters::new(PollLimits::default()));
        let one = w.hold(1, "ana").unwrap();
        let two = w.hold(2, "ana").unwrap();
        let (n1, n2) = (one.notify().notified(), two.notify().notified());
        tokio::pin!(n1, n2);
        n1.as_mut().enable();
        n2.as_mut().enable();
        w.wake(Some(1));
        let woke = tokio::time::timeout(std::time::Duration::from_millis(100), &mut n1).await;
        assert!(woke.is_ok(), "team 1 is woken");
        let other = tokio::time::timeout(std::time::Duration::from_millis(100), &mut n2).await;
        assert!(other.is_err(), "team 2 is not");
        w.wake(None);
        assert!(tokio::time::timeout(std::time::Duration::from_millis(100), n2).await.is_ok());
    }
}
