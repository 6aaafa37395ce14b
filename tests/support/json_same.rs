//! The comparison the JSON oracle test (tests/json_oracle.rs) and the `json` fuzz target
//! (fuzz/fuzz_targets/json.rs) both make between `kcp_wasm::json` and serde_json.

use kcp_wasm::json::Value;

/// Whether our value is serde_json's, keys in the same order, numbers as serde_json reads
/// their text.
pub fn same(ours: &Value, theirs: &serde_json::Value) -> bool {
    use serde_json::Value as S;
    match (ours, theirs) {
        (Value::Null, S::Null) => true,
        (Value::Bool(a), S::Bool(b)) => a == b,
        (Value::String(a), S::String(b)) => a == b,
        (Value::Number(a), S::Number(b)) => {
            let read: serde_json::Number = serde_json::from_str(a.as_str()).unwrap();
            read == *b && read.as_f64().map(f64::to_bits) == b.as_f64().map(f64::to_bits)
        }
        (Value::Array(a), S::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(a), S::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        _ => false,
    }
}
