//! `firebreak drill start FILE` and `--script FILE`: any bytes are a scenario (or a
//! drill script) or one line saying why not.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = firebreak_fuzz::text(data) else { return };
    if let Err(e) = firebreak_drill::Scenario::from_yaml(text) {
        firebreak_fuzz::assert_one_line(&e.to_string());
    }
    if let Err(e) = firebreak_api::drill::Script::from_yaml(text) {
        firebreak_fuzz::assert_one_line(&e.message);
    }
});
