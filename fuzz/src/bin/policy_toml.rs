//! `firebreak policy use FILE`: any bytes are a policy or one line saying why not.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = firebreak_fuzz::text(data) else { return };
    match firebreak_policy::Policy::from_toml_str(text) {
        // What was read writes back and reads again (the window saves edited policies).
        Ok(policy) => {
            let again = firebreak_policy::Policy::from_toml_str(&policy.to_toml_string());
            assert!(again.is_ok(), "a policy read must write back readably: {again:?}");
        }
        Err(e) => firebreak_fuzz::assert_one_line(&e.to_string()),
    }
});
