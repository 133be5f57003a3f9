//! Hybrid logical clock: orders ops across laptops whose wall clocks disagree. A stamp
//! is (wall milliseconds, counter); the replica id and op id break remaining ties, so
//! every op has a unique place in one total order ([`crate::op::Op::stamp`]).
//!
//! Unlike HLC crates that reject remote stamps more than 500 ms ahead, we never reject:
//! a laptop whose clock is hours off must still converge. Large drift is reported by
//! [`HlcState::observe`] so the edge can flag it.
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default, TS)]
pub struct Hlc {
    /// Milliseconds since the Unix epoch, as the issuing replica's HLC saw them.
    #[ts(type = "number")]
    pub wall_ms: u64,
    pub counter: u32,
}

/// Remote stamps further ahead of our wall clock than this are reported as drift.
pub const DRIFT_WARNING_MS: u64 = 60_000;

/// The replica's own clock state: the highest stamp it issued or saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HlcState {
    pub last: Hlc,
}

impl HlcState {
    /// A stamp for a local event at wall time `now_ms`, greater than every stamp seen.
    pub fn tick(&mut self, now_ms: u64) -> Hlc {
        let next = if now_ms > self.last.wall_ms {
            Hlc { wall_ms: now_ms, counter: 0 }
        } else {
            Hlc { wall_ms: self.last.wall_ms, counter: self.last.counter.saturating_add(1) }
        };
        self.last = next;
        next
    }

    /// Takes in a remote stamp so later local stamps sort after it. Returns the drift in
    /// milliseconds when the remote is more than [`DRIFT_WARNING_MS`] ahead of `now_ms`.
    pub fn observe(&mut self, remote: Hlc, now_ms: u64) -> Option<u64> {
        if remote > self.last {
            self.last = remote;
        }
        let ahead = remote.wall_ms.saturating_sub(now_ms);
        (ahead > DRIFT_WARNING_MS).then_some(ahead)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_is_monotonic_even_when_the_wall_clock_goes_back() {
        let mut s = HlcState::default();
        let a = s.tick(1_000);
        let b = s.tick(900);
        let c = s.tick(900);
        let d = s.tick(2_000);
        assert!(a < b && b < c && c < d);
        assert_eq!(b, Hlc { wall_ms: 1_000, counter: 1 });
        assert_eq!(d, Hlc { wall_ms: 2_000, counter: 0 });
    }

    #[test]
    fn observing_a_stamp_hours_ahead_is_accepted_and_flagged() {
        let mut s = HlcState::default();
        let remote = Hlc { wall_ms: 10 * 3_600_000, counter: 3 };
        assert_eq!(s.observe(remote, 1_000), Some(10 * 3_600_000 - 1_000));
        let next = s.tick(2_000);
        assert!(next > remote, "local stamps must sort after what was seen");
        assert_eq!(s.observe(Hlc { wall_ms: 5, counter: 0 }, 2_000), None);
    }
}
