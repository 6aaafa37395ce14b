//! The crate's JSON reader and writer (`kcp_wasm::json`) against serde_json with
//! `preserve_order`, the configuration the crate used before it had its own.
//!
//! Input: any bytes; those that are UTF-8 are the JSON text.
//!
//! Checked: no panic; both accept or both refuse; an accepted text gives the same value (keys in
//! the same order, each number as serde_json reads its text); writing the value and reading it
//! back gives it again; a value of strings only is written with serde_json's very bytes.
#![no_main]

#[path = "../../tests/support/json_same.rs"]
mod json_same;

use json_same::same;
use kcp_wasm::json::{self, Value};
use libfuzzer_sys::fuzz_target;

fn no_numbers(v: &Value) -> bool {
    match v {
        Value::Number(_) => false,
        Value::Array(a) => a.iter().all(no_numbers),
        Value::Object(o) => o.values().all(no_numbers),
        _ => true,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = json::parse(text);
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    assert_eq!(ours.is_ok(), theirs.is_ok(), "accepted by one only");
    if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
        assert!(same(&ours, &theirs), "different values");
        let written = ours.to_string();
        assert_eq!(json::parse(&written).as_ref(), Ok(&ours), "written and read back");
        if no_numbers(&ours) {
            assert_eq!(written, serde_json::to_string(&theirs).unwrap(), "written differently");
        }
    }
});
