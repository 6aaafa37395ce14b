//! SHA-1's compression function (FIPS 180-4) and what the key derivations need around it: the
//! library's only SHA-1, for the PKCS#12 KDF of KCP's key (`pkcs12.rs`) and, through
//! [`super::hash`], PBES2's hmacWithSHA1. SHA-1 serves here only as the PRF of password-based key
//! derivation, where its collision weakness does not matter.
//!
//! The PKCS#12 KDF spends nearly all its time hashing 20-byte messages (an iterated digest), each
//! exactly one prepared block ([`prepared_block`]): its loop compresses those blocks directly, with
//! no buffering or finalisation in between, and the words stay words.
//! No branch or index depends on the data hashed; lengths are public.

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

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

    /// Compressing the prepared block of a digest from H0 is SHA-1 of that digest.
    #[test]
    fn prepared_block_is_the_padded_digest() {
        use sha1::Digest as _;
        let digest: [u8; DIGEST_LEN] = sha1::Sha1::digest(b"x").into();
        let again: [u8; DIGEST_LEN] = sha1::Sha1::digest(digest).into();
        let (mut words, mut expected) = ([0u32; 5], [0u32; 5]);
        load_be(&mut words, &digest);
        load_be(&mut expected, &again);
        let mut state = H0;
        compress(&mut state, &prepared_block(&words, 0), &mut [0; 80]);
        assert_eq!(state, expected);
    }
}
