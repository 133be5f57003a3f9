//! `firebreak pir import FILE`: any bytes are imported or refused on one line.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = firebreak_fuzz::text(data) else { return };
    firebreak_fuzz::with_firebreak(|fb| {
        if let Err(e) = fb.pir_import_yaml(text) {
            firebreak_fuzz::assert_one_line(&e.message);
        }
    });
});
