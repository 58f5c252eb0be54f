//! Any bytes, read as (lossy) UTF-8 config text: `Config::parse` never panics, and an error
//! always names the file and says something.

#![no_main]

use kokoon::config::Config;
use libfuzzer_sys::fuzz_target;

const FILE: &str = "fuzz.toml";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = Config::parse(FILE, &text) {
        assert!(!e.errors.is_empty(), "an error without a message");
        let shown = e.to_string();
        assert!(shown.starts_with(FILE), "the file is not named: {shown:?}");
        assert!(
            e.errors.iter().all(|x| !x.what.trim().is_empty()),
            "an error says nothing: {shown:?}"
        );
    }
});
