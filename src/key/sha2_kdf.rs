//! PBKDF2 (RFC 8018, 5.2) with HMAC (RFC 2104) over SHA-224, SHA-256, SHA-384 or SHA-512 (FIPS
//! 180-4): the PBES2 PRFs besides HMAC-SHA1 (`sha1.rs`), on the `sha2` crate's compression
//! functions.
//!
//! The same shape as [`super::sha1::pbkdf2_hmac_sha1`]: HMAC's inner and outer key blocks are
//! compressed once, then each iteration is two compressions of one prepared block. It replaces the
//! `pbkdf2` and `hmac` crates, whose generic code is instantiated in this crate: in the npm
//! package's size-optimized `.wasm` (src/lib.rs) that code was built for size, and a PBES2 key with
//! HMAC-SHA256 loaded 17 % slower (0.89 → 1.04 ms). The `pbkdf2` crate is the tests' oracle.
//! No branch or index depends on the password, the salt or the derived key.

use sha2::block_api::{compress256, compress512};
use zeroize::{Zeroize, Zeroizing};

/// The largest block (SHA-384/512) and digest (SHA-512) of the family, in bytes.
const MAX_BLOCK: usize = 128;
const MAX_OUT: usize = 64;

/// One member of the SHA-2 family, as PBKDF2-HMAC needs it.
pub(crate) trait Sha2 {
    /// The chaining state: eight 32- or 64-bit words.
    type State: Copy + Zeroize;
    /// The initial state.
    const H0: Self::State;
    /// Block length in bytes (64 or 128).
    const BLOCK: usize;
    /// Digest length in bytes (28, 32, 48 or 64).
    const OUT: usize;
    /// Compresses `blocks`, whole blocks, into `state`.
    fn compress(state: &mut Self::State, blocks: &[u8]);
    /// The first `out.len()` bytes of the state, big-endian (`out.len()` a multiple of the word).
    fn store(state: &Self::State, out: &mut [u8]);
}

/// SHA-224.
pub(crate) struct Sha224;
/// SHA-256.
pub(crate) struct Sha256;
/// SHA-384.
pub(crate) struct Sha384;
/// SHA-512.
pub(crate) struct Sha512;

fn compress_32(state: &mut [u32; 8], blocks: &[u8]) {
    compress256(state, blocks.as_chunks::<64>().0);
}

fn compress_64(state: &mut [u64; 8], blocks: &[u8]) {
    compress512(state, blocks.as_chunks::<128>().0);
}

fn store_32(state: &[u32; 8], out: &mut [u8]) {
    for (bytes, word) in out.chunks_mut(4).zip(state) {
        bytes.copy_from_slice(&word.to_be_bytes()[..bytes.len()]);
    }
}

fn store_64(state: &[u64; 8], out: &mut [u8]) {
    for (bytes, word) in out.chunks_mut(8).zip(state) {
        bytes.copy_from_slice(&word.to_be_bytes()[..bytes.len()]);
    }
}

impl Sha2 for Sha224 {
    type State = [u32; 8];
    const H0: [u32; 8] = [
        0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7,
        0xbefa4fa4,
    ];
    const BLOCK: usize = 64;
    const OUT: usize = 28;
    fn compress(state: &mut [u32; 8], blocks: &[u8]) {
        compress_32(state, blocks)
    }
    fn store(state: &[u32; 8], out: &mut [u8]) {
        store_32(state, out)
    }
}

impl Sha2 for Sha256 {
    type State = [u32; 8];
    const H0: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    const BLOCK: usize = 64;
    const OUT: usize = 32;
    fn compress(state: &mut [u32; 8], blocks: &[u8]) {
        compress_32(state, blocks)
    }
    fn store(state: &[u32; 8], out: &mut [u8]) {
        store_32(state, out)
    }
}

impl Sha2 for Sha384 {
    type State = [u64; 8];
    const H0: [u64; 8] = [
        0xcbbb9d5dc1059ed8,
        0x629a292a367cd507,
        0x9159015a3070dd17,
        0x152fecd8f70e5939,
        0x67332667ffc00b31,
        0x8eb44a8768581511,
        0xdb0c2e0d64f98fa7,
        0x47b5481dbefa4fa4,
    ];
    const BLOCK: usize = 128;
    const OUT: usize = 48;
    fn compress(state: &mut [u64; 8], blocks: &[u8]) {
        compress_64(state, blocks)
    }
    fn store(state: &[u64; 8], out: &mut [u8]) {
        store_64(state, out)
    }
}

impl Sha2 for Sha512 {
    type State = [u64; 8];
    const H0: [u64; 8] = [
        0x6a09e667f3bcc908,
        0xbb67ae8584caa73b,
        0x3c6ef372fe94f82b,
        0xa54ff53a5f1d36f1,
        0x510e527fade682d1,
        0x9b05688c2b3e6c1f,
        0x1f83d9abfb41bd6b,
        0x5be0cd19137e2179,
    ];
    const BLOCK: usize = 128;
    const OUT: usize = 64;
    fn compress(state: &mut [u64; 8], blocks: &[u8]) {
        compress_64(state, blocks)
    }
    fn store(state: &[u64; 8], out: &mut [u8]) {
        store_64(state, out)
    }
}

/// Hashes `parts`, one message in pieces, into `state`, which has absorbed `prefix` bytes
/// already (whole blocks), then pads (the message's bit length in the last 8 bytes; SHA-384/512's
/// 16-byte length field has its upper half zero): the final state.
fn hash_tail<H: Sha2>(state: &mut H::State, prefix: usize, parts: &[&[u8]]) {
    let block = H::BLOCK;
    let mut buf = Zeroizing::new([0u8; MAX_BLOCK]);
    let mut fill = 0;
    let mut total = prefix as u64;
    for part in parts {
        total += part.len() as u64;
        for &byte in *part {
            buf[fill] = byte;
            fill += 1;
            if fill == block {
                H::compress(state, &buf[..block]);
                fill = 0;
            }
        }
    }
    buf[fill] = 0x80;
    fill += 1;
    if fill > block - block / 8 {
        buf[fill..block].fill(0);
        H::compress(state, &buf[..block]);
        fill = 0;
    }
    buf[fill..block - 8].fill(0);
    buf[block - 8..block].copy_from_slice(&(total * 8).to_be_bytes());
    H::compress(state, &buf[..block]);
}

/// PBKDF2 with HMAC-`H` as its PRF: fills `out` from `password`, `salt` and `iterations` (at
/// least 1; 0 is treated as 1, as the `pbkdf2` crate does). Every intermediate value is wiped.
#[cfg_attr(kcp_optimize_speed, optimize(speed))]
pub(crate) fn pbkdf2_hmac<H: Sha2>(password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
    let (block, len) = (H::BLOCK, H::OUT);
    // HMAC's key: the password, or its digest if longer than a block, padded with zeros.
    let mut key = Zeroizing::new([0u8; MAX_BLOCK]);
    if password.len() > block {
        let mut state = Zeroizing::new(H::H0);
        hash_tail::<H>(&mut state, 0, &[password]);
        H::store(&state, &mut key[..len]);
    } else {
        key[..password.len()].copy_from_slice(password);
    }
    let pad_state = |pad: u8| {
        let mut padded = Zeroizing::new([0u8; MAX_BLOCK]);
        for (p, k) in padded.iter_mut().zip(key.iter()) {
            *p = k ^ pad;
        }
        let mut state = Zeroizing::new(H::H0);
        H::compress(&mut state, &padded[..block]);
        state
    };
    let inner = pad_state(0x36);
    let outer = pad_state(0x5c);

    // A digest-long message after one key block, padded: U, 0x80, zeros, the bit length. The
    // digest is written over its first `len` bytes.
    let mut u = Zeroizing::new([0u8; MAX_BLOCK]);
    u[len] = 0x80;
    u[block - 8..block].copy_from_slice(&(((block + len) * 8) as u64).to_be_bytes());
    let mut t = Zeroizing::new([0u8; MAX_OUT]);
    let mut state = Zeroizing::new(H::H0);
    for (index, chunk) in (1u32..).zip(out.chunks_mut(len)) {
        // U_1 = HMAC(P, S || INT(index)): the inner hash is a general message.
        *state = *inner;
        hash_tail::<H>(&mut state, block, &[salt, &index.to_be_bytes()]);
        H::store(&state, &mut u[..len]);
        *state = *outer;
        H::compress(&mut state, &u[..block]);
        H::store(&state, &mut u[..len]);
        t[..len].copy_from_slice(&u[..len]);
        // U_j = HMAC(P, U_{j-1}): inner and outer hash of the prepared block each.
        for _ in 1..iterations {
            *state = *inner;
            H::compress(&mut state, &u[..block]);
            H::store(&state, &mut u[..len]);
            *state = *outer;
            H::compress(&mut state, &u[..block]);
            H::store(&state, &mut u[..len]);
            for (t, u) in t.iter_mut().zip(&u[..len]) {
                *t ^= u;
            }
        }
        chunk.copy_from_slice(&t[..chunk.len()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_rng::Rng;

    /// Against the `pbkdf2` crate over `sha2`'s hashers: passwords from empty to past two blocks
    /// (the digested-key path), salts across the padding boundaries, 1–3 iterations, outputs
    /// from one byte to several PRF blocks.
    fn matches_the_pbkdf2_crate<H: Sha2>(theirs_of: fn(&[u8], &[u8], u32, &mut [u8])) {
        let mut rng = Rng(H::OUT as u64);
        for password_len in (0..=2 * H::BLOCK + 3)
            .step_by(7)
            .chain([H::BLOCK, H::BLOCK + 1])
        {
            for salt_len in [
                0,
                1,
                8,
                16,
                H::BLOCK - 13,
                H::BLOCK - 12,
                H::BLOCK - 4,
                H::BLOCK,
                300,
            ] {
                let password = rng.bytes(password_len);
                let salt = rng.bytes(salt_len);
                let iterations = 1 + (rng.next() % 3) as u32;
                let out_len = 1 + (rng.next() % (3 * H::OUT as u64)) as usize;
                let mut theirs = vec![0u8; out_len];
                theirs_of(&password, &salt, iterations, &mut theirs);
                let mut ours = vec![0u8; out_len];
                pbkdf2_hmac::<H>(&password, &salt, iterations, &mut ours);
                assert_eq!(
                    ours, theirs,
                    "password {password_len} B, salt {salt_len} B, {iterations} iterations, {out_len} B"
                );
            }
        }
        // Many iterations, as in a real key file.
        let mut theirs = [0u8; 32];
        let mut ours = [0u8; 32];
        theirs_of(b"changeit", b"salt salt salt", 2048, &mut theirs);
        pbkdf2_hmac::<H>(b"changeit", b"salt salt salt", 2048, &mut ours);
        assert_eq!(ours, theirs);
    }

    #[test]
    fn sha224_matches_the_pbkdf2_crate() {
        matches_the_pbkdf2_crate::<Sha224>(pbkdf2::pbkdf2_hmac::<sha2::Sha224>);
    }

    #[test]
    fn sha256_matches_the_pbkdf2_crate() {
        matches_the_pbkdf2_crate::<Sha256>(pbkdf2::pbkdf2_hmac::<sha2::Sha256>);
    }

    #[test]
    fn sha384_matches_the_pbkdf2_crate() {
        matches_the_pbkdf2_crate::<Sha384>(pbkdf2::pbkdf2_hmac::<sha2::Sha384>);
    }

    #[test]
    fn sha512_matches_the_pbkdf2_crate() {
        matches_the_pbkdf2_crate::<Sha512>(pbkdf2::pbkdf2_hmac::<sha2::Sha512>);
    }

    /// The PBKDF2-HMAC-SHA256 vectors of RFC 7914, section 11.
    #[test]
    fn rfc_7914_vectors() {
        let mut out = [0u8; 64];
        pbkdf2_hmac::<Sha256>(b"passwd", b"salt", 1, &mut out);
        assert_eq!(
            hex::encode(out),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc\
             49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
        );
        pbkdf2_hmac::<Sha256>(b"Password", b"NaCl", 80000, &mut out);
        assert_eq!(
            hex::encode(out),
            "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56\
             a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"
        );
    }
}
