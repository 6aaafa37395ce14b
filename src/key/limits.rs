//! Limits checked before any expensive work, so that a hostile or broken key file costs
//! microseconds, not seconds of KDF or gigabytes of memory — in Workers either would take the
//! whole instance down for every request after it.

/// Largest DER key accepted. A 4096-bit PKCS#8 key is about 2.4 KiB.
pub const MAX_KEY_DER_LEN: usize = 16 * 1024;
/// Largest KDF iteration count, for both the PKCS#12 KDF and PBKDF2. KCP and OpenSSL use 2048;
/// OWASP's 2023 advice for PBKDF2-HMAC-SHA256 is 600,000.
pub const MAX_KDF_ITERATIONS: u64 = 1_000_000;
/// Largest scrypt working memory (128 · r · (N + p) bytes).
pub const MAX_SCRYPT_MEMORY: u64 = 32 * 1024 * 1024;
/// Smallest RSA modulus accepted, in bits (KCP issues 2048-bit keys).
pub const MIN_MODULUS_BITS: usize = 2048;
/// Largest RSA modulus accepted, in bits.
pub const MAX_MODULUS_BITS: usize = 4096;
