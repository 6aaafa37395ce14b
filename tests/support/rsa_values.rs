//! The `rsa` crate's private keys (the reference the tests sign against) as kcp-wasm's
//! `rsa_fast` values. `rsa` is a dev-dependency only, so this lives with the tests rather than in
//! the library. Used by tests/rsa_fast.rs and tests/ctgrind.rs.

#![allow(dead_code)]

use kcp_wasm::rsa_fast::{CrtKey, RsaValues};
use rsa::traits::{PrivateKeyParts as _, PublicKeyParts as _};

/// The PKCS#1 values of a two-prime key with its CRT values; `None` otherwise.
pub fn values_of(key: &rsa::PrivateKey) -> Option<RsaValues> {
    let primes = key.primes();
    if primes.len() != 2 {
        return None;
    }
    let values = [
        key.n().to_be_bytes(),
        key.e().to_be_bytes(),
        key.d().to_be_bytes(),
        primes[0].to_be_bytes(),
        primes[1].to_be_bytes(),
        key.dp()?.to_be_bytes(),
        key.dq()?.to_be_bytes(),
        key.crt_coefficient()?.to_be_bytes(),
    ]
    .map(|b| b.to_vec());
    Some(RsaValues { values })
}

/// The fast key of an `rsa` key; `None` when `rsa_fast` does not take it.
pub fn crt_key_of(key: &rsa::PrivateKey) -> Option<CrtKey> {
    let values = values_of(key)?;
    CrtKey::from_parts(&values.parts()).ok()
}
