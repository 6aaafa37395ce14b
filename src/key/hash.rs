//! The block hashes the key formats need (SHA-1, SHA-224/256/384/512; FIPS 180-4), one message
//! hashed whole ([`digest`]), and PBKDF2 (RFC 8018, 5.2) with HMAC (RFC 2104) over any of them
//! ([`pbkdf2_hmac`]): PBES2's PRFs, and the first hash of each PKCS#12 KDF block (`pkcs12.rs`).
//!
//! HMAC's inner and outer key blocks are compressed once, then each PBKDF2 iteration is two
//! compressions of one prepared block. It replaces the `pbkdf2` and `hmac` crates, whose generic
//! code is instantiated in this crate: in the npm package's size-optimized `.wasm` (src/lib.rs)
//! that code was built for size, and a PBES2 key with HMAC-SHA256 loaded 17 % slower (0.89 → 1.04
//! ms). SHA-1's compression is our own (`sha1.rs`), SHA-2's the `sha2` crate's. The `pbkdf2`,
//! `sha1` and `sha2` crates are the tests' oracles. No branch or index depends on the password,
//! the salt, the message or the derived key; lengths are public.

use super::sha1;
use sha2::block_api::{compress256, compress512};
use zeroize::{Zeroize, Zeroizing};

/// The largest block (SHA-384/512) and digest (SHA-512) of the family, in bytes.
const MAX_BLOCK: usize = 128;
const MAX_OUT: usize = 64;

/// A Merkle–Damgård hash with a 64-bit big-endian length field, as hashing and PBKDF2-HMAC need
/// it.
pub(crate) trait BlockHash {
    /// The chaining state: five or eight 32- or 64-bit words.
    type State: Copy + Zeroize;
    /// Working space of the compression function (SHA-1's block words and message schedule),
    /// kept for a whole derivation and wiped once at its end.
    type Scratch: Zeroize;
    /// The one-block message PBKDF2's HMAC hashes after its key block in every iteration: a
    /// digest, then the padding of a block-and-a-digest long message. Bytes for the `sha2`
    /// crate's compression functions, words for SHA-1's, whose iterations then never convert.
    type Prepared: Zeroize;
    /// The initial state.
    const H0: Self::State;
    /// Block length in bytes (64 or 128).
    const BLOCK: usize;
    /// Digest length in bytes (20, 28, 32, 48 or 64).
    const OUT: usize;
    /// Fresh working space.
    fn scratch() -> Self::Scratch;
    /// Compresses `blocks`, whole blocks, into `state`.
    fn compress(state: &mut Self::State, blocks: &[u8], scratch: &mut Self::Scratch);
    /// The first `out.len()` bytes of the state, big-endian (`out.len()` a multiple of the word).
    fn store(state: &Self::State, out: &mut [u8]);
    /// The prepared block, padded, with a zero digest.
    fn prepared() -> Self::Prepared;
    /// Puts the digest `state` at the start of the prepared block.
    fn put_digest(block: &mut Self::Prepared, state: &Self::State);
    /// Compresses the prepared block into `state`.
    fn compress_prepared(
        state: &mut Self::State,
        block: &Self::Prepared,
        scratch: &mut Self::Scratch,
    );
    /// `t ^= u`, word by word (a truncated digest is the truncated XOR).
    fn xor(t: &mut Self::State, u: &Self::State);
}

/// SHA-1 (for PBKDF2 and PKCS#12 key derivation only, where its collisions do not matter).
pub(crate) struct Sha1;

/// SHA-1's block as words and its message schedule.
#[derive(Zeroize)]
pub(crate) struct Sha1Scratch {
    words: [u32; 16],
    schedule: [u32; 80],
}

impl BlockHash for Sha1 {
    type State = [u32; 5];
    type Scratch = Sha1Scratch;
    type Prepared = [u32; 16];
    const H0: [u32; 5] = sha1::H0;
    const BLOCK: usize = sha1::BLOCK_LEN;
    const OUT: usize = sha1::DIGEST_LEN;
    fn scratch() -> Sha1Scratch {
        Sha1Scratch {
            words: [0; 16],
            schedule: [0; 80],
        }
    }
    #[inline(always)]
    fn compress(state: &mut [u32; 5], blocks: &[u8], scratch: &mut Sha1Scratch) {
        for block in blocks.chunks_exact(sha1::BLOCK_LEN) {
            sha1::load_be(&mut scratch.words, block);
            sha1::compress(state, &scratch.words, &mut scratch.schedule);
        }
    }
    #[inline(always)]
    fn store(state: &[u32; 5], out: &mut [u8]) {
        sha1::store_be(out, &state[..out.len() / 4]);
    }
    fn prepared() -> [u32; 16] {
        sha1::prepared_block(&[0; 5], 1)
    }
    #[inline(always)]
    fn put_digest(block: &mut [u32; 16], state: &[u32; 5]) {
        block[..5].copy_from_slice(state);
    }
    #[inline(always)]
    fn compress_prepared(state: &mut [u32; 5], block: &[u32; 16], scratch: &mut Sha1Scratch) {
        sha1::compress(state, block, &mut scratch.schedule);
    }
    #[inline(always)]
    fn xor(t: &mut [u32; 5], u: &[u32; 5]) {
        for (t, u) in t.iter_mut().zip(u) {
            *t ^= u;
        }
    }
}

/// The SHA-2 compression functions keep their working space to themselves.
pub(crate) struct NoScratch;

impl Zeroize for NoScratch {
    fn zeroize(&mut self) {}
}

fn compress_32(state: &mut [u32; 8], blocks: &[u8]) {
    compress256(state, blocks.as_chunks::<64>().0);
}

fn compress_64(state: &mut [u64; 8], blocks: &[u8]) {
    compress512(state, blocks.as_chunks::<128>().0);
}

/// One SHA-2 hash: its name, word, block and digest lengths, initial state and compression.
macro_rules! sha2 {
    ($(#[$doc:meta])* $name:ident, $word:ty, $block:literal, $out:literal, $compress:ident, $h0:expr) => {
        $(#[$doc])*
        pub(crate) struct $name;

        impl BlockHash for $name {
            type State = [$word; 8];
            type Scratch = NoScratch;
            type Prepared = [u8; $block];
            const H0: [$word; 8] = $h0;
            const BLOCK: usize = $block;
            const OUT: usize = $out;
            fn scratch() -> NoScratch {
                NoScratch
            }
            #[inline(always)]
            fn compress(state: &mut [$word; 8], blocks: &[u8], _: &mut NoScratch) {
                $compress(state, blocks)
            }
            #[inline(always)]
            fn store(state: &[$word; 8], out: &mut [u8]) {
                const W: usize = core::mem::size_of::<$word>();
                for (bytes, word) in out.chunks_mut(W).zip(state) {
                    bytes.copy_from_slice(&word.to_be_bytes()[..bytes.len()]);
                }
            }
            fn prepared() -> [u8; $block] {
                let mut block = [0u8; $block];
                block[$out] = 0x80;
                block[$block - 8..].copy_from_slice(&((($block + $out) * 8) as u64).to_be_bytes());
                block
            }
            #[inline(always)]
            fn put_digest(block: &mut [u8; $block], state: &[$word; 8]) {
                Self::store(state, &mut block[..$out]);
            }
            #[inline(always)]
            fn compress_prepared(state: &mut [$word; 8], block: &[u8; $block], _: &mut NoScratch) {
                $compress(state, block)
            }
            #[inline(always)]
            fn xor(t: &mut [$word; 8], u: &[$word; 8]) {
                for (t, u) in t.iter_mut().zip(u) {
                    *t ^= u;
                }
            }
        }
    };
}

sha2!(
    /// SHA-224.
    Sha224, u32, 64, 28, compress_32,
    [0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4]
);
sha2!(
    /// SHA-256.
    Sha256, u32, 64, 32, compress_32,
    [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
);
sha2!(
    /// SHA-384.
    Sha384, u64, 128, 48, compress_64,
    [
        0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17, 0x152fecd8f70e5939,
        0x67332667ffc00b31, 0x8eb44a8768581511, 0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4,
    ]
);
sha2!(
    /// SHA-512.
    Sha512, u64, 128, 64, compress_64,
    [
        0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
        0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
    ]
);

/// Hashes `parts`, one message in pieces, into `state`, which has absorbed `prefix` bytes
/// already (whole blocks), then pads (the message's bit length in the last 8 bytes; SHA-384/512's
/// 16-byte length field has its upper half zero): the final state.
fn hash_tail<H: BlockHash>(
    state: &mut H::State,
    prefix: usize,
    parts: &[&[u8]],
    scratch: &mut H::Scratch,
) {
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
                H::compress(state, &buf[..block], scratch);
                fill = 0;
            }
        }
    }
    buf[fill] = 0x80;
    fill += 1;
    if fill > block - block / 8 {
        buf[fill..block].fill(0);
        H::compress(state, &buf[..block], scratch);
        fill = 0;
    }
    buf[fill..block - 8].fill(0);
    buf[block - 8..block].copy_from_slice(&(total * 8).to_be_bytes());
    H::compress(state, &buf[..block], scratch);
}

/// `H` of `parts` (one message in pieces) into `out` (`H::OUT` bytes); the working state is
/// wiped.
pub(crate) fn digest<H: BlockHash>(parts: &[&[u8]], out: &mut [u8]) {
    let mut state = Zeroizing::new(H::H0);
    let mut scratch = Zeroizing::new(H::scratch());
    hash_tail::<H>(&mut state, 0, parts, &mut scratch);
    H::store(&state, out);
}

/// PBKDF2 with HMAC-`H` as its PRF: fills `out` from `password`, `salt` and `iterations` (at
/// least 1; 0 is treated as 1, as the `pbkdf2` crate does). Every intermediate value is wiped.
#[cfg_attr(kcp_optimize_speed, optimize(speed))]
pub(crate) fn pbkdf2_hmac<H: BlockHash>(
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    out: &mut [u8],
) {
    let (block, len) = (H::BLOCK, H::OUT);
    let mut scratch = Zeroizing::new(H::scratch());
    // HMAC's key: the password, or its digest if longer than a block, padded with zeros.
    let mut key = Zeroizing::new([0u8; MAX_BLOCK]);
    if password.len() > block {
        digest::<H>(&[password], &mut key[..len]);
    } else {
        key[..password.len()].copy_from_slice(password);
    }
    let mut pad_state = |pad: u8| {
        let mut padded = Zeroizing::new([0u8; MAX_BLOCK]);
        for (p, k) in padded.iter_mut().zip(key.iter()) {
            *p = k ^ pad;
        }
        let mut state = Zeroizing::new(H::H0);
        H::compress(&mut state, &padded[..block], &mut scratch);
        state
    };
    let inner = pad_state(0x36);
    let outer = pad_state(0x5c);

    let mut u = Zeroizing::new(H::prepared());
    let mut t = Zeroizing::new(H::H0);
    let mut state = Zeroizing::new(H::H0);
    let mut bytes = Zeroizing::new([0u8; MAX_OUT]);
    for (index, chunk) in (1u32..).zip(out.chunks_mut(len)) {
        // U_1 = HMAC(P, S || INT(index)): the inner hash is a general message.
        *state = *inner;
        hash_tail::<H>(
            &mut state,
            block,
            &[salt, &index.to_be_bytes()],
            &mut scratch,
        );
        H::put_digest(&mut u, &state);
        *state = *outer;
        H::compress_prepared(&mut state, &u, &mut scratch);
        *t = *state;
        // U_j = HMAC(P, U_{j-1}): inner and outer hash of the prepared block each.
        for _ in 1..iterations {
            H::put_digest(&mut u, &state);
            *state = *inner;
            H::compress_prepared(&mut state, &u, &mut scratch);
            H::put_digest(&mut u, &state);
            *state = *outer;
            H::compress_prepared(&mut state, &u, &mut scratch);
            H::xor(&mut t, &state);
        }
        H::store(&t, &mut bytes[..len]);
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_rng::Rng;

    /// Against the `pbkdf2` crate over `sha2`'s hashers: passwords from empty to past two blocks
    /// (the digested-key path), salts across the padding boundaries, 1–3 iterations, outputs
    /// from one byte to several PRF blocks.
    fn matches_the_pbkdf2_crate<H: BlockHash>(theirs_of: fn(&[u8], &[u8], u32, &mut [u8])) {
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
    fn every_prf_matches_the_pbkdf2_crate() {
        matches_the_pbkdf2_crate::<Sha1>(pbkdf2::pbkdf2_hmac::<::sha1::Sha1>);
        matches_the_pbkdf2_crate::<Sha224>(pbkdf2::pbkdf2_hmac::<sha2::Sha224>);
        matches_the_pbkdf2_crate::<Sha256>(pbkdf2::pbkdf2_hmac::<sha2::Sha256>);
        matches_the_pbkdf2_crate::<Sha384>(pbkdf2::pbkdf2_hmac::<sha2::Sha384>);
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

    fn sha1_hex(parts: &[&[u8]]) -> String {
        let mut out = [0u8; 20];
        digest::<Sha1>(parts, &mut out);
        hex::encode(out)
    }

    /// FIPS 180 (and NIST's SHA examples) SHA-1 vectors.
    #[test]
    fn sha1_fips_180_vectors() {
        for (message, expected) in [
            (&b""[..], "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            (b"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (
                // 56 bytes: the length no longer fits the first padded block.
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
            ),
            (
                // 112 bytes.
                b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "a49b2446a02c645bf419f995b67091253a04a259",
            ),
        ] {
            assert_eq!(sha1_hex(&[message]), expected, "{message:?}");
        }
        let million = vec![b'a'; 1_000_000];
        let expected = "34aa973cd4c4daa4f61eeb2bdbad27316534016f";
        assert_eq!(sha1_hex(&[&million]), expected);
        // In uneven pieces (buffering across block boundaries).
        let pieces: Vec<&[u8]> = [1, 63, 64, 65, 7, 1000, 55, 56, 57]
            .iter()
            .cycle()
            .scan(0usize, |at, &n| {
                let piece = &million[*at..(*at + n).min(million.len())];
                *at += piece.len();
                (!piece.is_empty()).then_some(piece)
            })
            .collect();
        assert_eq!(sha1_hex(&pieces), expected);
    }

    /// Every padding case of every hash against the `sha1` and `sha2` crates, whole and in random
    /// pieces.
    #[test]
    fn digests_match_the_crates_at_every_padding_boundary() {
        fn check<H: BlockHash, D: sha2::Digest>(rng: &mut Rng) {
            for len in (0..=2 * H::BLOCK + 8).chain([255, 256, 257, 1000, 4096, 4097]) {
                let message = rng.bytes(len);
                let expected = D::digest(&message);
                let mut ours = vec![0u8; H::OUT];
                digest::<H>(&[&message], &mut ours);
                assert_eq!(ours[..], expected[..], "length {len}");
                let mut pieces: Vec<&[u8]> = Vec::new();
                let mut rest = &message[..];
                while !rest.is_empty() {
                    let (piece, tail) = rest.split_at(rng.below(rest.len().min(150)) + 1);
                    pieces.extend([piece, &[][..]]);
                    rest = tail;
                }
                digest::<H>(&pieces, &mut ours);
                assert_eq!(ours[..], expected[..], "length {len}, in pieces");
            }
        }
        let mut rng = Rng(0x0123_4567_89ab_cdef);
        check::<Sha1, ::sha1::Sha1>(&mut rng);
        check::<Sha224, sha2::Sha224>(&mut rng);
        check::<Sha256, sha2::Sha256>(&mut rng);
        check::<Sha384, sha2::Sha384>(&mut rng);
        check::<Sha512, sha2::Sha512>(&mut rng);
    }

    fn pbkdf2_sha1(password: &[u8], salt: &[u8], iterations: u32, len: usize) -> String {
        let mut out = vec![0u8; len];
        pbkdf2_hmac::<Sha1>(password, salt, iterations, &mut out);
        hex::encode(out)
    }

    /// RFC 6070's PBKDF2-HMAC-SHA1 test vectors.
    #[test]
    fn rfc_6070_vectors() {
        assert_eq!(
            pbkdf2_sha1(b"password", b"salt", 1, 20),
            "0c60c80f961f0e71f3a9b524af6012062fe037a6"
        );
        assert_eq!(
            pbkdf2_sha1(b"password", b"salt", 2, 20),
            "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"
        );
        assert_eq!(
            pbkdf2_sha1(b"password", b"salt", 4096, 20),
            "4b007901b765489abead49d926f721d065a429c1"
        );
        assert_eq!(
            pbkdf2_sha1(
                b"passwordPASSWORDpassword",
                b"saltSALTsaltSALTsaltSALTsaltSALTsalt",
                4096,
                25
            ),
            "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038"
        );
        assert_eq!(
            pbkdf2_sha1(b"pass\0word", b"sa\0lt", 4096, 16),
            "56fa6aa75548099dcc37d7f03425e0c3"
        );
    }

    /// RFC 6070's 16,777,216-iteration vector: 33.5 million compressions, seconds in a release
    /// build and minutes unoptimised, so it runs on request only
    /// (`cargo test --release --lib rfc_6070_16m -- --ignored`).
    #[test]
    #[ignore = "slow: 2^24 iterations; run with --release -- --ignored"]
    fn rfc_6070_16m_iterations() {
        assert_eq!(
            pbkdf2_sha1(b"password", b"salt", 16_777_216, 20),
            "eefe3d61cd4da4e4e9945b3d6ba2158c2634e984"
        );
    }
}
