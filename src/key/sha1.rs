//! SHA-1 (FIPS 180-4) and PBKDF2-HMAC-SHA1 (RFC 8018, section 5.2; HMAC of RFC 2104): the
//! library's only SHA-1, for the PKCS#12 KDF of KCP's key (`pkcs12.rs`) and PBES2's
//! hmacWithSHA1 (`pbes2.rs`). SHA-1 serves here only as the PRF of password-based key
//! derivation, where its collision weakness does not matter.
//!
//! Both KDFs spend nearly all their time hashing 20-byte messages (an iterated digest, or the
//! 20-byte `U` of PBKDF2 after HMAC's key block), each exactly one prepared block: the loops
//! compress those blocks directly, with no hasher buffering or finalisation in between.
//! No branch or index depends on the data hashed; lengths are public.

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Digest length in bytes.
pub(crate) const DIGEST_LEN: usize = 20;
/// Block length in bytes.
pub(crate) const BLOCK_LEN: usize = 64;

/// SHA-1's initial state (FIPS 180-4, 5.3.1).
pub(crate) const H0: [u32; 5] = [
    0x6745_2301,
    0xefcd_ab89,
    0x98ba_dcfe,
    0x1032_5476,
    0xc3d2_e1f0,
];

/// SHA-1's compression function (FIPS 180-4, 6.1.2) on one block of 16 big-endian words;
/// `schedule` is scratch space for the message schedule, wiped by the caller.
///
/// The same function as `sha1::block_api::compress` (a test compares them), written for the cold
/// path: a KCP key load runs it about 6,000 times, and the first load of a fresh process runs in
/// V8's baseline tier until the hot code is recompiled. The crate's version spreads a block over
/// small functions that pass `[u32; 4]` through memory; this one is a single function with four
/// short loops, which V8 tiers up after far fewer calls and compiles quickly (measured on its own:
/// 6,144 iterations cold in a fresh Node process 5.0–5.9 → 2.5–3.0 ms; warm 1.1 → 0.95 ms).
/// No branch or index depends on the data.
#[inline(never)]
#[cfg_attr(kcp_optimize_speed, optimize(speed))]
pub(crate) fn compress(state: &mut [u32; 5], block: &[u32; 16], schedule: &mut [u32; 80]) {
    schedule[..16].copy_from_slice(block);
    for i in 16..80 {
        schedule[i] = (schedule[i - 3] ^ schedule[i - 8] ^ schedule[i - 14] ^ schedule[i - 16])
            .rotate_left(1);
    }
    let [mut a, mut b, mut c, mut d, mut e] = *state;
    macro_rules! rounds {
        ($range:expr, $k:expr, |$x:ident, $y:ident, $z:ident| $f:expr) => {
            for &w in &schedule[$range] {
                let ($x, $y, $z) = (b, c, d);
                let t = a
                    .rotate_left(5)
                    .wrapping_add($f)
                    .wrapping_add(e)
                    .wrapping_add($k)
                    .wrapping_add(w);
                e = d;
                d = c;
                c = b.rotate_left(30);
                b = a;
                a = t;
            }
        };
    }
    rounds!(0..20, 0x5a82_7999, |x, y, z| z ^ (x & (y ^ z)));
    rounds!(20..40, 0x6ed9_eba1, |x, y, z| x ^ y ^ z);
    rounds!(40..60, 0x8f1b_bcdc, |x, y, z| (x & y) | (z & (x | y)));
    rounds!(60..80, 0xca62_c1d6, |x, y, z| x ^ y ^ z);
    for (h, v) in state.iter_mut().zip([a, b, c, d, e]) {
        *h = h.wrapping_add(v);
    }
}

/// The one-block message of a 20-byte digest `words` after `prefix_blocks` whole blocks: the
/// digest, the `0x80` marker, zeros and the message's bit length. The KDF loops overwrite
/// `block[..5]` and compress it again.
pub(crate) fn prepared_block(words: &[u32; 5], prefix_blocks: u32) -> [u32; 16] {
    let mut block = [0u32; 16];
    block[..5].copy_from_slice(words);
    block[5] = 0x8000_0000;
    block[15] = 8 * (prefix_blocks * BLOCK_LEN as u32 + DIGEST_LEN as u32);
    block
}

/// `words` from big-endian `bytes`, in place (as many words as both hold).
pub(crate) fn load_be(words: &mut [u32], bytes: &[u8]) {
    for (word, chunk) in words.iter_mut().zip(bytes.chunks_exact(4)) {
        *word = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
}

/// `words` as big-endian `bytes`, in place (as many words as both hold).
pub(crate) fn store_be(bytes: &mut [u8], words: &[u32]) {
    for (chunk, word) in bytes.chunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
}

/// Compresses one block given as bytes, through `words` (scratch, wiped by the caller).
fn compress_bytes(
    state: &mut [u32; 5],
    block: &[u8],
    words: &mut [u32; 16],
    schedule: &mut [u32; 80],
) {
    load_be(words, block);
    compress(state, words, schedule);
}

/// A streaming SHA-1 hasher; wiped when dropped.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct Sha1 {
    state: [u32; 5],
    /// Bytes of a partial block in `buffer[..buffered]`.
    buffer: [u8; BLOCK_LEN],
    buffered: usize,
    /// Bytes hashed so far, including the buffered ones.
    length: u64,
    words: [u32; 16],
    schedule: [u32; 80],
}

impl Sha1 {
    pub(crate) fn new() -> Self {
        Self::resume(H0, 0)
    }

    /// Continues from `state`, the state after `blocks` whole blocks (HMAC's key block).
    fn resume(state: [u32; 5], blocks: u64) -> Self {
        Sha1 {
            state,
            buffer: [0; BLOCK_LEN],
            buffered: 0,
            length: blocks * BLOCK_LEN as u64,
            words: [0; 16],
            schedule: [0; 80],
        }
    }

    /// Compresses one whole block.
    fn block(&mut self, block: &[u8]) {
        compress_bytes(&mut self.state, block, &mut self.words, &mut self.schedule);
    }

    pub(crate) fn update(&mut self, mut data: &[u8]) {
        self.length = self.length.wrapping_add(data.len() as u64);
        if self.buffered > 0 {
            let take = data.len().min(BLOCK_LEN - self.buffered);
            self.buffer[self.buffered..self.buffered + take].copy_from_slice(&data[..take]);
            self.buffered += take;
            data = &data[take..];
            if self.buffered < BLOCK_LEN {
                return;
            }
            compress_bytes(
                &mut self.state,
                &self.buffer,
                &mut self.words,
                &mut self.schedule,
            );
            self.buffered = 0;
        }
        let mut blocks = data.chunks_exact(BLOCK_LEN);
        for block in &mut blocks {
            self.block(block);
        }
        let rest = blocks.remainder();
        self.buffer[..rest.len()].copy_from_slice(rest);
        self.buffered = rest.len();
    }

    /// The digest, as bytes.
    pub(crate) fn finalize(mut self) -> [u8; DIGEST_LEN] {
        let words = self.finalize_words();
        let mut out = [0u8; DIGEST_LEN];
        store_be(&mut out, &words);
        out
    }

    /// The digest, as big-endian words: padding (FIPS 180-4, 5.1.1) and the last one or two
    /// blocks.
    fn finalize_words(&mut self) -> [u32; 5] {
        let bits = self.length.wrapping_mul(8);
        let mut tail = Zeroizing::new([0u8; 2 * BLOCK_LEN]);
        tail[..self.buffered].copy_from_slice(&self.buffer[..self.buffered]);
        tail[self.buffered] = 0x80;
        // One block if the marker and the 8-byte length fit after the data, else two.
        let len = if self.buffered < BLOCK_LEN - 8 {
            BLOCK_LEN
        } else {
            2 * BLOCK_LEN
        };
        tail[len - 8..len].copy_from_slice(&bits.to_be_bytes());
        for block in tail[..len].chunks_exact(BLOCK_LEN) {
            self.block(block);
        }
        self.state
    }

    /// SHA-1 of `data`, in a buffer wiped when dropped.
    pub(crate) fn digest(data: &[u8]) -> Zeroizing<[u8; DIGEST_LEN]> {
        let mut hasher = Sha1::new();
        hasher.update(data);
        Zeroizing::new(hasher.finalize())
    }
}

/// PBKDF2 (RFC 8018, 5.2) with HMAC-SHA1 as its PRF: fills `out` from `password`, `salt` and
/// `iterations` (at least 1; 0 is treated as 1, as the `pbkdf2` crate does).
///
/// HMAC's inner and outer key blocks are compressed once; each iteration is then two compressions
/// of one prepared block (`U` after the key block), and the words stay words between iterations.
/// Every intermediate value is wiped.
pub(crate) fn pbkdf2_hmac_sha1(password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
    // HMAC's key: the password, or its digest if longer than a block, padded with zeros.
    let mut key = Zeroizing::new([0u8; BLOCK_LEN]);
    if password.len() > BLOCK_LEN {
        key[..DIGEST_LEN].copy_from_slice(&*Sha1::digest(password));
    } else {
        key[..password.len()].copy_from_slice(password);
    }
    let mut words = Zeroizing::new([0u32; 16]);
    let mut schedule = Zeroizing::new([0u32; 80]);
    let mut pad_state = |pad: u32| {
        load_be(&mut *words, &*key);
        for word in words.iter_mut() {
            *word ^= pad;
        }
        let mut state = Zeroizing::new(H0);
        compress(&mut state, &words, &mut schedule);
        state
    };
    let inner = pad_state(0x3636_3636);
    let outer = pad_state(0x5c5c_5c5c);

    let mut state = Zeroizing::new([0u32; 5]);
    let mut t = Zeroizing::new([0u32; 5]);
    let mut bytes = Zeroizing::new([0u8; DIGEST_LEN]);
    for (index, chunk) in (1u32..).zip(out.chunks_mut(DIGEST_LEN)) {
        // U_1 = HMAC(P, S || INT(index)): the inner hash is a general message.
        let mut hasher = Sha1::resume(*inner, 1);
        hasher.update(salt);
        hasher.update(&index.to_be_bytes());
        *state = hasher.finalize_words();
        drop(hasher);
        let mut block = Zeroizing::new(prepared_block(&state, 1));
        *state = *outer;
        compress(&mut state, &block, &mut schedule);
        *t = *state;
        // U_j = HMAC(P, U_{j-1}): inner and outer hash of a prepared one-block message each.
        for _ in 1..iterations {
            block[..5].copy_from_slice(&*state);
            *state = *inner;
            compress(&mut state, &block, &mut schedule);
            block[..5].copy_from_slice(&*state);
            *state = *outer;
            compress(&mut state, &block, &mut schedule);
            for (t, u) in t.iter_mut().zip(state.iter()) {
                *t ^= u;
            }
        }
        store_be(&mut *bytes, &*t);
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Big-endian words of a 20-byte digest.
    fn digest_words(digest: &[u8; DIGEST_LEN]) -> [u32; 5] {
        let mut words = [0u32; 5];
        load_be(&mut words, digest);
        words
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    use crate::test_rng::Rng;

    /// FIPS 180 (and NIST's SHA examples) test vectors.
    #[test]
    fn fips_180_vectors() {
        for (message, digest) in [
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
            assert_eq!(hex(&*Sha1::digest(message)), digest, "{message:?}");
        }
    }

    #[test]
    fn a_million_as() {
        let expected = "34aa973cd4c4daa4f61eeb2bdbad27316534016f";
        assert_eq!(hex(&*Sha1::digest(&[b'a'; 1_000_000])), expected);
        // Streamed in uneven pieces (buffering across block boundaries).
        let mut hasher = Sha1::new();
        let mut left = 1_000_000;
        for piece in [1, 63, 64, 65, 7, 1000, 55, 56, 57].iter().cycle() {
            let n = (*piece).min(left);
            hasher.update(&vec![b'a'; n]);
            left -= n;
            if left == 0 {
                break;
            }
        }
        assert_eq!(hex(&hasher.finalize()), expected);
    }

    #[test]
    fn padding_boundaries_match_the_sha1_crate() {
        use sha1::Digest as _;
        let mut rng = Rng(0x0123_4567_89ab_cdef);
        for len in (0..=200).chain([255, 256, 257, 1000, 4096, 4097]) {
            let message = rng.bytes(len);
            let expected: [u8; 20] = sha1::Sha1::digest(&message).into();
            assert_eq!(*Sha1::digest(&message), expected, "length {len}");
            // The same message streamed in random pieces.
            let mut hasher = Sha1::new();
            let mut rest = &message[..];
            while !rest.is_empty() {
                let (piece, tail) = rest.split_at(rng.below(rest.len().min(150)) + 1);
                hasher.update(piece);
                hasher.update(&[]);
                rest = tail;
            }
            assert_eq!(hasher.finalize(), expected, "length {len}, streamed");
        }
    }

    #[test]
    fn compression_is_the_sha1_crates() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut schedule = [0u32; 80];
        for _ in 0..200 {
            let mut ours: [u32; 5] = core::array::from_fn(|_| rng.next() as u32);
            let mut theirs = ours;
            let words: [u32; 16] = core::array::from_fn(|_| rng.next() as u32);
            let mut bytes = [0u8; 64];
            for (chunk, w) in bytes.chunks_exact_mut(4).zip(words) {
                chunk.copy_from_slice(&w.to_be_bytes());
            }
            compress(&mut ours, &words, &mut schedule);
            sha1::block_api::compress(&mut theirs, core::slice::from_ref(&bytes));
            assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn prepared_block_is_the_padded_digest() {
        let digest = Sha1::digest(b"x");
        let mut state = H0;
        compress(
            &mut state,
            &prepared_block(&digest_words(&digest), 0),
            &mut [0; 80],
        );
        assert_eq!(state, digest_words(&Sha1::digest(&*digest)));
    }

    fn pbkdf2(password: &[u8], salt: &[u8], iterations: u32, len: usize) -> String {
        let mut out = vec![0u8; len];
        pbkdf2_hmac_sha1(password, salt, iterations, &mut out);
        hex(&out)
    }

    /// RFC 6070's PBKDF2-HMAC-SHA1 test vectors.
    #[test]
    fn rfc_6070_vectors() {
        assert_eq!(
            pbkdf2(b"password", b"salt", 1, 20),
            "0c60c80f961f0e71f3a9b524af6012062fe037a6"
        );
        assert_eq!(
            pbkdf2(b"password", b"salt", 2, 20),
            "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"
        );
        assert_eq!(
            pbkdf2(b"password", b"salt", 4096, 20),
            "4b007901b765489abead49d926f721d065a429c1"
        );
        assert_eq!(
            pbkdf2(
                b"passwordPASSWORDpassword",
                b"saltSALTsaltSALTsaltSALTsaltSALTsalt",
                4096,
                25
            ),
            "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038"
        );
        assert_eq!(
            pbkdf2(b"pass\0word", b"sa\0lt", 4096, 16),
            "56fa6aa75548099dcc37d7f03425e0c3"
        );
    }

    /// RFC 6070's 16,777,216-iteration vector: 33.5 million compressions, about 5 s in a
    /// release build and minutes unoptimised, so it runs on request only
    /// (`cargo test --release --lib rfc_6070_16m -- --ignored`).
    #[test]
    #[ignore = "slow: 2^24 iterations; run with --release -- --ignored"]
    fn rfc_6070_16m_iterations() {
        assert_eq!(
            pbkdf2(b"password", b"salt", 16_777_216, 20),
            "eefe3d61cd4da4e4e9945b3d6ba2158c2634e984"
        );
    }

    /// Against the `pbkdf2` crate over the `sha1` crate: random passwords (empty, up to a block,
    /// and longer ones that HMAC hashes first), salts across the inner hash's block boundaries,
    /// output lengths of one to four blocks with partial last blocks.
    #[test]
    fn matches_the_pbkdf2_crate() {
        let mut rng = Rng(0xdead_beef_cafe_f00d);
        let check = |password: &[u8], salt: &[u8], iterations: u32, len: usize| {
            let mut theirs = vec![0u8; len];
            pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, iterations, &mut theirs);
            let mut ours = vec![0u8; len];
            pbkdf2_hmac_sha1(password, salt, iterations, &mut ours);
            assert_eq!(
                ours,
                theirs,
                "password {} bytes, salt {} bytes, {iterations} iterations, {len} bytes",
                password.len(),
                salt.len()
            );
        };
        for password_len in [0, 1, 19, 20, 21, 55, 56, 63, 64, 65, 100, 128, 129, 300] {
            for salt_len in [0, 8, 16, 51, 52, 55, 56, 60, 64, 116, 200] {
                let (password, salt) = (rng.bytes(password_len), rng.bytes(salt_len));
                let iterations = 1 + rng.below(5) as u32;
                let len = 1 + rng.below(80);
                check(&password, &salt, iterations, len);
            }
        }
        for _ in 0..200 {
            let (password_len, salt_len) = (rng.below(160), rng.below(100));
            let (password, salt) = (rng.bytes(password_len), rng.bytes(salt_len));
            let iterations = [1, 2, 3, 17, 1000][rng.below(5)];
            let len = 1 + rng.below(90);
            check(&password, &salt, iterations, len);
        }
    }
}
