//! What every fuzz target shares: the rule that a refusal is one line (anything else is
//! a finding, reported by panicking so libFuzzer saves the input), and a Firebreak
//! instance for targets that need one (opening one costs far more than one input).
use firebreak_api::Firebreak;
use std::sync::{Mutex, OnceLock};

/// Panics (a finding) unless `message` is one line.
pub fn assert_one_line(message: &str) {
    assert!(!message.contains('\n'), "a refusal must be one line: {message:?}");
}

/// The input as text, if it is UTF-8 (every importer takes text).
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Runs `f` with one in-memory Firebreak per process (policy `matrix`, author `fuzz`,
/// a fixed clock so runs reproduce), opened on first use. Inputs that import
/// successfully update it, as they would on a laptop.
pub fn with_firebreak(f: impl FnOnce(&mut Firebreak)) {
    static FB: OnceLock<Mutex<Firebreak>> = OnceLock::new();
    let fb = FB.get_or_init(|| {
        let now = chrono::DateTime::from_timestamp(1_759_741_200, 0).unwrap_or_default();
        let clock = Box::new(firebreak_core::clock::FixedClock(now));
        let mut fb = Firebreak::in_memory(clock).expect("an in-memory store opens");
        fb.set_author("fuzz").expect("the author is set");
        fb.use_policy("matrix").expect("the preset exists");
        Mutex::new(fb)
    });
    let mut guard = fb.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    f(&mut guard);
}
