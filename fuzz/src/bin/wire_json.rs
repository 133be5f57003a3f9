//! The sync wire: any body a server (or client) receives parses into the wire types or
//! is an error; what parses serialises again.
#![no_main]
use firebreak_sync::wire::{PullResponse, PushRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(push) = serde_json::from_slice::<PushRequest>(data) {
        assert!(serde_json::to_vec(&push).is_ok());
    }
    if let Ok(pull) = serde_json::from_slice::<PullResponse>(data) {
        assert!(serde_json::to_vec(&pull).is_ok());
    }
    let _ = serde_json::from_slice::<PullResponse<serde_json::Value>>(data);
});
