//! KCP's key encryption: `pbeWithSHAAnd3-KeyTripleDES-CBC` (RFC 7292, appendix C).
//!
//! RustCrypto's `pkcs8`/`pkcs5` read PBES2 only, and WebCrypto reads no encrypted keys at all, so
//! this module implements the PKCS#12 scheme from its building blocks:
//!
//! * the password becomes a BMPString: UTF-16BE **with a two-byte NUL terminator** (a Korean
//!   password therefore works exactly as in OpenSSL and BouncyCastle);
//! * the PKCS#12 KDF of RFC 7292 appendix B over SHA-1 (u = 20, v = 64) derives the 24-byte
//!   three-key Triple DES key with ID 1 and the 8-byte IV with ID 2 — no PBKDF2, no HMAC;
//! * DES-EDE3 in CBC mode with PKCS#7 padding decrypts the `PrivateKeyInfo` (our own constant-time
//!   Triple DES and unpadding: `des.rs`, `cbc.rs`).

use super::cbc::{self, CbcError};
use super::des::TdesEde3;
use super::hash;
use super::sha1;
use zeroize::Zeroizing;

/// OID 1.2.840.113549.1.12.1.3, DER-encoded (without tag and length).
pub(crate) const OID_PBE_SHA1_3DES: &[u8] =
    &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x03];
/// The arc 1.2.840.113549.1.12.1 under which the other (unsupported) PKCS#12 PBE schemes live.
pub(crate) const OID_PKCS12_PBE_ARC: &[u8] =
    &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01];

const U: usize = sha1::DIGEST_LEN;
const V: usize = sha1::BLOCK_LEN;

/// Key-material purposes of RFC 7292 appendix B.3.
#[derive(Clone, Copy)]
pub(crate) enum Purpose {
    Key = 1,
    Iv = 2,
}

/// The password as a PKCS#12 BMPString: UTF-16BE plus a two-byte NUL terminator.
///
/// `str::encode_utf16` branches on every byte's value; this conversion branches only on the
/// password's *shape* — how many bytes each character takes, which is declassified — and
/// computes each character's bits without a branch on them.
pub(crate) fn bmp_password(password: &str) -> Zeroizing<Vec<u8>> {
    use crate::ct::{Mask, declassify_u32};
    let bytes = password.as_bytes();
    let mut out = Zeroizing::new(Vec::with_capacity(bytes.len() * 2 + 2));
    let mut i = 0;
    while i < bytes.len() {
        let lead = bytes[i] as u32;
        // 1 to 4 bytes (a `str` is valid UTF-8): 0xxxxxxx, 110xxxxx, 1110xxxx, 11110xxx.
        let len = 1
            + Mask::lt(0xbf, lead).keep(1)
            + Mask::lt(0xdf, lead).keep(1)
            + Mask::lt(0xef, lead).keep(1);
        let len = declassify_u32(len) as usize; // the password's shape is public
        let payload = if len == 1 { 0x7f } else { 0xff >> (len + 1) };
        let mut cp = lead & payload;
        for &b in &bytes[i + 1..i + len] {
            cp = (cp << 6) | (b as u32 & 0x3f);
        }
        if len == 4 {
            // Outside the BMP: a surrogate pair.
            let v = cp - 0x1_0000;
            out.extend_from_slice(&((0xd800 | (v >> 10)) as u16).to_be_bytes());
            out.extend_from_slice(&((0xdc00 | (v & 0x3ff)) as u16).to_be_bytes());
        } else {
            out.extend_from_slice(&(cp as u16).to_be_bytes());
        }
        i += len;
    }
    out.extend_from_slice(&[0, 0]);
    out
}

/// The PKCS#12 key-derivation function (RFC 7292, appendix B.2) over SHA-1.
pub(crate) fn kdf(
    bmp_password: &[u8],
    salt: &[u8],
    purpose: Purpose,
    iterations: u32,
    out_len: usize,
) -> Zeroizing<Vec<u8>> {
    fn fill(src: &[u8]) -> Zeroizing<Vec<u8>> {
        // Concatenate copies of `src` up to the next multiple of V (empty stays empty).
        let len = src.len().div_ceil(V) * V;
        Zeroizing::new(src.iter().copied().cycle().take(len).collect())
    }
    let diversifier = [purpose as u8; V];
    let mut i_block = fill(salt);
    i_block.extend_from_slice(&fill(bmp_password));

    let mut out = Zeroizing::new(Vec::with_capacity(out_len.div_ceil(U) * U));
    while out.len() < out_len {
        let mut a = Zeroizing::new([0u8; U]);
        hash::digest::<hash::Sha1>(&[&diversifier, &i_block], &mut *a);
        iterate_sha1(&mut a, iterations);
        out.extend_from_slice(&*a);
        if out.len() >= out_len {
            break;
        }
        // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block I_j of I, B = A repeated.
        let b: Zeroizing<Vec<u8>> = Zeroizing::new(a.iter().copied().cycle().take(V).collect());
        for chunk in i_block.chunks_exact_mut(V) {
            let mut carry = 1u16;
            for (x, y) in chunk.iter_mut().rev().zip(b.iter().rev()) {
                let sum = *x as u16 + *y as u16 + carry;
                *x = sum as u8;
                carry = sum >> 8;
            }
        }
    }
    out.truncate(out_len);
    out
}

/// `a = SHA-1(a)`, `iterations − 1` times: the inner loop of the KDF, and most of its cost.
///
/// A 20-byte message is always one block: the digest, `0x80`, zeros and the bit length 160.
/// Compressing that prepared block directly skips a hasher's buffering and finalisation, which
/// roughly halves the KDF's time in wasm. The words stay words between iterations.
fn iterate_sha1(a: &mut [u8; U], iterations: u32) {
    let mut state = Zeroizing::new([0u32; 5]);
    sha1::load_be(&mut *state, a);
    let mut block = Zeroizing::new(sha1::prepared_block(&state, 0));
    let mut schedule = Zeroizing::new([0u32; 80]);
    for _ in 1..iterations {
        *state = sha1::H0;
        sha1::compress(&mut state, &block, &mut schedule);
        block[..U / 4].copy_from_slice(&*state);
    }
    sha1::store_be(a, &block[..U / 4]);
}

/// Derives key and IV, then decrypts `ciphertext` with DES-EDE3-CBC.
pub(crate) fn decrypt(
    password: &str,
    salt: &[u8],
    iterations: u32,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CbcError> {
    if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(8) {
        return Err(CbcError::BadLength);
    }
    let bmp = bmp_password(password);
    let key = kdf(&bmp, salt, Purpose::Key, iterations, 24);
    let iv = kdf(&bmp, salt, Purpose::Iv, iterations, 8);
    let key: &[u8; 24] = key[..].try_into().map_err(|_| CbcError::BadLength)?;
    cbc::decrypt(&TdesEde3::new(key), &iv, ciphertext)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn bmp_password_is_utf16be_with_a_terminator() {
        for pw in [
            "",
            "changeit",
            "비밀번호",
            "é€𝄞x",
            "\u{7f}\u{80}\u{7ff}\u{800}\u{ffff}\u{10000}\u{10ffff}",
        ] {
            let mut expected: Vec<u8> = pw.encode_utf16().flat_map(u16::to_be_bytes).collect();
            expected.extend_from_slice(&[0, 0]);
            assert_eq!(&bmp_password(pw)[..], &expected[..], "{pw:?}");
        }
    }

    /// The intermediate values KCP-API.md gives for KCP's public test key.
    #[test]
    fn reproduces_kcp_test_key_derivation() {
        let salt = unhex("5bc7e86dd25eea6164749e782517c4546b2be118");
        let bmp = bmp_password("changeit");
        assert_eq!(
            hex(&kdf(&bmp, &salt, Purpose::Key, 2048, 24)),
            "57b3e3c362f9113594d8c41ca7973ed9e944038389810a13"
        );
        assert_eq!(
            hex(&kdf(&bmp, &salt, Purpose::Iv, 2048, 8)),
            "5a2453fb7b9dcbd4"
        );
    }

    #[test]
    fn the_nul_terminator_matters() {
        let salt = unhex("5bc7e86dd25eea6164749e782517c4546b2be118");
        let mut without = bmp_password("changeit").to_vec();
        without.truncate(without.len() - 2);
        assert_ne!(
            hex(&kdf(&without, &salt, Purpose::Key, 2048, 24)),
            "57b3e3c362f9113594d8c41ca7973ed9e944038389810a13"
        );
    }

    #[test]
    fn bmp_string_of_korean_and_empty_passwords() {
        assert_eq!(&*bmp_password("한"), &[0xd5, 0x5c, 0, 0]);
        assert_eq!(&*bmp_password(""), &[0, 0]);
    }

    /// RFC 7292 gives no vectors; these are from BouncyCastle's PKCS12 KDF tests (SHA-1,
    /// password "smeg", salt 0a58cf64530d823f, one iteration).
    #[test]
    fn bouncycastle_vectors() {
        let salt = unhex("0a58cf64530d823f");
        let bmp = bmp_password("smeg");
        assert_eq!(
            hex(&kdf(&bmp, &salt, Purpose::Key, 1, 24)),
            "8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3"
        );
        assert_eq!(
            hex(&kdf(&bmp, &salt, Purpose::Iv, 1, 8)),
            "79993dfe048d3b76"
        );
    }

    #[test]
    fn prepared_block_iteration_is_plain_sha1() {
        let mut a = [7u8; U];
        let mut b = a;
        iterate_sha1(&mut a, 4);
        for _ in 1..4 {
            use ::sha1::Digest as _;
            b = ::sha1::Sha1::digest(b).into();
        }
        assert_eq!(a, b);
    }

    #[test]
    fn refuses_partial_blocks() {
        assert_eq!(
            decrypt("pw", b"salt", 1, &[0u8; 12]).err(),
            Some(CbcError::BadLength)
        );
        assert_eq!(
            decrypt("pw", b"salt", 1, &[]).err(),
            Some(CbcError::BadLength)
        );
    }
}
