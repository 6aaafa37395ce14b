//! Certificate parsing: `Certificate::from_pem` (as lossy text) and `Certificate::from_der`.
//!
//! Besides "no panic, hang or over-limit allocation", a certificate that is read must give a
//! `kcp_cert_info` that reads back to the same DER (idempotence), and its accessors must work.
#![no_main]

use kcp_wasm::{Certificate, Error};
use libfuzzer_sys::fuzz_target;

fn check(result: Result<Certificate, Error>) {
    match result {
        Ok(cert) => {
            let info = cert.to_kcp_cert_info();
            assert!(!info.contains(['\n', '\r']));
            let again = Certificate::from_pem(&info).expect("kcp_cert_info must read back");
            assert_eq!(again.der(), cert.der());
            assert_eq!(again.to_kcp_cert_info(), info);
            let _ = (cert.subject(), cert.issuer(), cert.serial_number(), cert.not_before(), cert.not_after());
            let _ = cert.public_key().modulus_bits();
            assert!(!cert.verify("T0000^1^STSC", "AAAA"));
        }
        Err(e) => assert!(
            matches!(e.code(), "CERT_MALFORMED" | "CERT_IS_PRIVATE_KEY"),
            "unexpected code {}",
            e.code()
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    check(Certificate::from_der(data));
    check(Certificate::from_pem(&String::from_utf8_lossy(data)));
});
