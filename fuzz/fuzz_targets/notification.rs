//! Notification bodies: `parse_notification` under every charset, `notification_acknowledged`
//! and `is_notifier_ip` on the same bytes.
//!
//! Checked: no panic; an error is `NOTIFICATION_MALFORMED`, in static words; an accepted
//! notification has a `tno` of 1 to 14 digits, its `dedup_key` starts with it, and every field is
//! in `raw`; under `utf-8`, acceptance implies the same result as `auto` (unless every non-ASCII
//! character is a 2-byte one); encoding `raw` back (as UTF-8) and reading it again gives the
//! same fields.
#![no_main]

use kcp_wasm::{
    Charset, Environment, encode_notification, is_notifier_ip, notification_acknowledged,
    parse_notification,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for charset in [Charset::Utf8, Charset::EucKr, Charset::Auto] {
        match parse_notification(data, charset) {
            Ok(n) => {
                assert!((1..=14).contains(&n.tno.len()));
                assert!(n.tno.bytes().all(|b| b.is_ascii_digit()));
                assert!(n.dedup_key.starts_with(&format!("{}:", n.tno)));
                assert!(n.raw.contains_key("tno"));
                if charset == Charset::Utf8 {
                    // `auto` reads valid UTF-8 as UTF-8 unless its only non-ASCII characters
                    // are 2-byte ones (then it is EUC-KR Hangul more likely than not).
                    let text = || {
                        n.raw
                            .iter()
                            .flat_map(|(k, v)| k.chars().chain(v.as_str().unwrap().chars()))
                    };
                    if text().all(|c| c.is_ascii()) || text().any(|c| u32::from(c) >= 0x800) {
                        assert_eq!(parse_notification(data, Charset::Auto).as_ref(), Ok(&n));
                    }
                }
                let fields: Vec<(String, String)> =
                    n.raw
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                    .collect();
                let again = encode_notification(&fields, Charset::Utf8).unwrap();
                if again.len() <= kcp_wasm::MAX_NOTIFICATION_BYTES {
                    let back = parse_notification(&again, Charset::Utf8).unwrap();
                    assert_eq!(back.raw, n.raw);
                }
            }
            Err(e) => {
                assert_eq!(e.code(), "NOTIFICATION_MALFORMED");
                // Static words only: nothing of the body.
                assert!(e.to_string().len() < 200);
            }
        }
    }
    let text = String::from_utf8_lossy(data);
    let _ = notification_acknowledged(&text);
    for env in [Environment::Staging, Environment::Production] {
        if is_notifier_ip(&text, &env) {
            assert!(text.len() <= 22 && text.contains('.'));
        }
    }
});
