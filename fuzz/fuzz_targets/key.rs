//! Key parsing and decryption: `MerchantKey::from_pem` and `MerchantKey::from_der`.
//!
//! Input: one byte `n`, then `n % 32` bytes of password (lossy UTF-8), then the key bytes. The
//! key bytes go through `from_der` as they are and through `from_pem` as (lossy) text. Every
//! outcome must be a value or an `Error` with one of the documented codes — never a panic, a
//! hang or an allocation over the run's `-malloc_limit_mb`. A key that is accepted must sign,
//! and its signature must verify (a key with inconsistent CRT values must be refused instead).
#![no_main]

use kcp_wasm::{Error, MerchantKey};
use libfuzzer_sys::fuzz_target;

fn check(result: Result<MerchantKey, Error>) {
    match result {
        Ok(key) => {
            assert!((2048..=4096).contains(&key.modulus_bits()));
            let message = b"T0000^21234567890123^STSC";
            match key.sign_bytes(message) {
                Ok(signature) => assert!(key.public_key().verify(message, &signature)),
                // A key whose values disagree is allowed to be caught at signing time.
                Err(e) => assert_eq!(e.code(), "KEY_INCONSISTENT"),
            }
        }
        Err(e) => {
            assert!(Error::CODES.contains(&e.code()));
            assert!(e.code().starts_with("KEY_"), "a key error has a KEY_ code, got {}", e.code());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else { return };
    let n = (n as usize % 32).min(rest.len());
    let (password, key) = rest.split_at(n);
    let password = String::from_utf8_lossy(password);
    check(MerchantKey::from_der(key, &password));
    check(MerchantKey::from_pem(&String::from_utf8_lossy(key), &password));
});
