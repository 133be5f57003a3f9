//! The one way the program asks what time it is. Business logic takes instants as
//! arguments; the edges (CLI, shell, scheduler) ask a [`Clock`]. The system clock lives
//! at the edge (crates/api); here are the clocks that need no system call: fixed and
//! stepping clocks for tests, and the scaled clock that drills run on.
use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// How long the real clock must run for this one to read `at` (negative when it has
    /// passed): a scheduler sleeping in real time wakes for a drill-time instant with it.
    /// `None` when this clock is stopped (a paused drill), so no wait reaches `at`.
    fn real_wait(&self, at: DateTime<Utc>) -> Option<Duration> {
        Some(at.signed_duration_since(self.now()))
    }
}

/// Always the same instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// A clock a test moves by hand.
#[derive(Debug)]
pub struct SteppingClock(Mutex<DateTime<Utc>>);

impl SteppingClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(Mutex::new(start))
    }
    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }
    pub fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = to;
    }
}

impl Clock for SteppingClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Drill time: starts at `drill_start` when the real clock reads `real_start` and runs
/// `speed` times as fast; it can be paused and resumed without jumping.
pub struct ScaledClock<C: Clock> {
    real: C,
    state: Mutex<ScaledState>,
}

#[derive(Debug, Clone, Copy)]
struct ScaledState {
    real_anchor: DateTime<Utc>,
    drill_anchor: DateTime<Utc>,
    speed: u32,
    paused: bool,
}

impl<C: Clock> ScaledClock<C> {
    pub fn new(real: C, drill_start: DateTime<Utc>, speed: u32) -> Self {
        let real_anchor = real.now();
        Self {
            real,
            state: Mutex::new(ScaledState {
                real_anchor,
                drill_anchor: drill_start,
                speed: speed.max(1),
                paused: false,
            }),
        }
    }

    fn drill_now(&self, s: &ScaledState) -> DateTime<Utc> {
        if s.paused {
            return s.drill_anchor;
        }
        let real_elapsed = self.real.now() - s.real_anchor;
        s.drill_anchor + real_elapsed * s.speed as i32
    }

    /// Re-anchors so the drill time does not jump when speed or pause changes.
    fn reanchor(&self, change: impl FnOnce(&mut ScaledState)) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = self.drill_now(&s);
        s.drill_anchor = now;
        s.real_anchor = self.real.now();
        change(&mut s);
    }

    pub fn pause(&self) {
        self.reanchor(|s| s.paused = true);
    }
    pub fn resume(&self) {
        self.reanchor(|s| s.paused = false);
    }
    pub fn set_speed(&self, speed: u32) {
        self.reanchor(|s| s.speed = speed.max(1));
    }
    pub fn speed(&self) -> u32 {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).speed
    }
    pub fn is_paused(&self) -> bool {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).paused
    }
}

impl<C: Clock> Clock for ScaledClock<C> {
    fn now(&self) -> DateTime<Utc> {
        let s = *self.state.lock().unwrap_or_else(|e| e.into_inner());
        self.drill_now(&s)
    }

    /// Drill time runs `speed` times as fast: the real wait is the drill wait / speed.
    fn real_wait(&self, at: DateTime<Utc>) -> Option<Duration> {
        let s = *self.state.lock().unwrap_or_else(|e| e.into_inner());
        if s.paused {
            return None;
        }
        Some(at.signed_duration_since(self.drill_now(&s)) / i32::try_from(s.speed).unwrap_or(i32::MAX))
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }

    fn real_wait(&self, at: DateTime<Utc>) -> Option<Duration> {
        (**self).real_wait(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-01T10:00:00Z").unwrap().with_timezone(&Utc)
    }

    #[test]
    fn scaled_clock_runs_fast_pauses_and_changes_speed_without_jumping() {
        let real = Arc::new(SteppingClock::new(t0()));
        let drill_start = t0() - Duration::days(1);
        let c = ScaledClock::new(real.clone(), drill_start, 60);
        real.advance(Duration::seconds(10));
        assert_eq!(c.now(), drill_start + Duration::minutes(10));
        c.pause();
        real.advance(Duration::seconds(30));
        assert_eq!(c.now(), drill_start + Duration::minutes(10));
        c.resume();
        c.set_speed(10);
        real.advance(Duration::seconds(6));
        assert_eq!(c.now(), drill_start + Duration::minutes(11));
        assert_eq!(c.speed(), 10);
    }

    /// A drill at 60× reaches a drill instant ten minutes ahead after ten real seconds;
    /// paused, no real wait reaches it; a plain clock waits the difference itself.
    #[test]
    fn the_real_wait_for_a_drill_instant_follows_speed_and_pause() {
        let real = Arc::new(SteppingClock::new(t0()));
        let c = ScaledClock::new(real.clone(), t0() - Duration::hours(1), 60);
        let at = t0() - Duration::minutes(50);
        assert_eq!(c.real_wait(at), Some(Duration::seconds(10)));
        real.advance(Duration::seconds(10));
        assert_eq!(c.now(), at);
        assert_eq!(c.real_wait(at), Some(Duration::zero()));
        c.pause();
        assert_eq!(c.real_wait(at + Duration::minutes(1)), None);
        let shared: Arc<dyn Clock> = Arc::new(c);
        assert_eq!(shared.real_wait(at), None, "an Arc forwards to the clock it holds");
        assert_eq!(real.real_wait(t0() + Duration::minutes(3)), Some(Duration::minutes(3) - Duration::seconds(10)));
    }

    #[test]
    fn stepping_clock_moves_only_when_told() {
        let c = SteppingClock::new(t0());
        assert_eq!(c.now(), t0());
        c.advance(Duration::minutes(5));
        assert_eq!(c.now(), t0() + Duration::minutes(5));
    }
}
