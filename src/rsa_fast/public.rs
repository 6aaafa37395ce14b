//! RSA's public operation, `s^e mod n`, where every value is public: the modulus, the exponent,
//! and the signature (one about to be sent, or one received to be verified). So nothing here
//! takes constant-time care.
//!
//! [`PublicOp`] runs on the fixed-size field of `mont.rs` when the modulus fits it (up to 2070
//! bits: every KCP key), and otherwise on [`Modulus`], the plain Montgomery product (CIOS,
//! 32-bit limbs, a final subtraction when needed) for any odd modulus. The signer checks each
//! of its signatures with it (`CrtKey::sign_pkcs1v15_sha256`), and [`crate::PublicKey`]
//! verifies signatures with it.

use super::LARGE;
use super::mont::{Field, inverse_mod_2_32, limbs_from_be, limbs_to_be};
use crate::asn1::{bit_length, strip_zeros};

/// `s^e mod n` for a public odd modulus `n`.
#[derive(Clone)]
pub(crate) enum PublicOp {
    /// `n` fits the largest fixed size (up to 2070 bits: every KCP key).
    Fixed(Box<Field<LARGE, { 2 * LARGE }>>),
    /// Larger moduli (and any the fixed field refuses).
    Wide(Modulus),
}

impl std::fmt::Debug for PublicOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            PublicOp::Fixed(_) => "Fixed",
            PublicOp::Wide(_) => "Wide",
        };
        f.debug_tuple("PublicOp").field(&kind).finish()
    }
}

impl PublicOp {
    /// The context for an odd `n > 255` given big-endian (leading zeros allowed); `None` for
    /// an even or smaller one.
    pub(crate) fn new(n_be: &[u8]) -> Option<Self> {
        let n_be = strip_zeros(n_be);
        match limbs_from_be::<LARGE>(n_be).and_then(Field::new) {
            Some(field) if n_be.len() >= 2 => Some(Self::Fixed(Box::new(field))),
            _ => Modulus::new(n_be).map(Self::Wide),
        }
    }

    /// `s^e mod n`, big-endian, exactly the modulus' length in bytes, for a big-endian `s < n`
    /// (leading zeros allowed). `None` when `s` is longer than the modulus' limbs; for a longer
    /// `s` below that, a value that is not `s^e mod n` (callers check `s < n` first).
    pub(crate) fn pow(&self, s_be: &[u8], e: u64) -> Option<Vec<u8>> {
        match self {
            PublicOp::Fixed(f) => {
                let s = limbs_from_be::<LARGE>(s_be)?;
                let back = f.leave_mont(&f.pow_public(&f.to_mont(&s), e));
                Some(limbs_to_be(&back, f.bits().div_ceil(8)))
            }
            PublicOp::Wide(n) => n.pow(s_be, e),
        }
    }
}

/// Montgomery arithmetic modulo a public odd `n`, 32-bit limbs, least significant first.
#[derive(Clone)]
pub(crate) struct Modulus {
    n: Vec<u32>,
    /// `-n^-1 mod 2^32`.
    n0: u32,
    /// `R mod n`, `R = 2^(32·len)`: 1 in Montgomery form.
    one: Vec<u32>,
    /// `R^2 mod n`: converts into Montgomery form with one product.
    r2: Vec<u32>,
    /// The modulus' length in bytes.
    bytes: usize,
}

impl Modulus {
    /// The context for an odd `n > 255` given big-endian (leading zeros allowed).
    pub(crate) fn new(n_be: &[u8]) -> Option<Self> {
        let n_be = strip_zeros(n_be);
        let n = from_be(n_be, n_be.len().div_ceil(4));
        if n.first().is_none_or(|&low| low & 1 == 0) || n_be.len() < 2 {
            return None;
        }
        let len = n.len();
        // R mod n: 2^(bits-1) (below n) doubled modulo n up to 2^(32·len), at most 32 steps.
        let top = bit_length(n_be) - 1;
        let mut one = vec![0u32; len];
        one[top / 32] = 1 << (top % 32);
        for _ in top..32 * len {
            double_mod(&mut one, &n);
        }
        // 2^len·R mod n, 2^len in Montgomery form, by `len` more doublings (a doubling costs
        // about 1/(2·len) of a product); five Montgomery squarings raise it to 2^(32·len), whose
        // Montgomery form is 2^(32·len)·R = R^2 mod n.
        let mut r2 = one.clone();
        for _ in 0..len {
            double_mod(&mut r2, &n);
        }
        let mut modulus = Self {
            n0: inverse_mod_2_32(n[0]).wrapping_neg(),
            one,
            r2: Vec::new(),
            bytes: n_be.len(),
            n,
        };
        for _ in 0..5 {
            r2 = modulus.mul(&r2, &r2);
        }
        modulus.r2 = r2;
        Some(modulus)
    }

    /// `a·b·R^-1 mod n`, fully reduced, for `a·b < n·R`.
    #[cfg_attr(kcp_optimize_speed, optimize(speed))]
    fn mul(&self, a: &[u32], b: &[u32]) -> Vec<u32> {
        let s = self.n.len();
        let mut t = vec![0u32; s + 2];
        for &ai in a {
            let mut carry = 0u64;
            for j in 0..s {
                let v = t[j] as u64 + ai as u64 * b[j] as u64 + carry;
                t[j] = v as u32;
                carry = v >> 32;
            }
            let v = t[s] as u64 + carry;
            t[s] = v as u32;
            t[s + 1] = (v >> 32) as u32;
            let m = t[0].wrapping_mul(self.n0) as u64;
            let mut carry = (t[0] as u64 + m * self.n[0] as u64) >> 32;
            for j in 1..s {
                let v = t[j] as u64 + m * self.n[j] as u64 + carry;
                t[j - 1] = v as u32;
                carry = v >> 32;
            }
            let v = t[s] as u64 + carry;
            t[s - 1] = v as u32;
            t[s] = t[s + 1] + (v >> 32) as u32;
        }
        let top = t[s] != 0;
        t.truncate(s);
        if top || !less(&t, &self.n) {
            sub(&mut t, &self.n);
        }
        t
    }

    /// `base^e` in Montgomery form (in and out), `base < n`: square-and-multiply on the bits of
    /// the public exponent.
    #[cfg_attr(kcp_optimize_speed, optimize(speed))]
    fn pow_mont(&self, base: &[u32], e: u64) -> Vec<u32> {
        let mut acc = self.one.clone();
        for bit in (0..64 - e.leading_zeros()).rev() {
            acc = self.mul(&acc, &acc);
            if (e >> bit) & 1 == 1 {
                acc = self.mul(&acc, base);
            }
        }
        acc
    }

    /// `base^e mod n`, big-endian, the modulus' length, for a big-endian `base < n` (leading
    /// zeros allowed); `None` when `base` is longer than the modulus' limbs.
    pub(crate) fn pow(&self, base_be: &[u8], e: u64) -> Option<Vec<u8>> {
        let s = self.n.len();
        let base_be = strip_zeros(base_be);
        if base_be.len() > 4 * s {
            return None;
        }
        let base = self.mul(&from_be(base_be, s), &self.r2);
        let mut plain_one = vec![0u32; s];
        plain_one[0] = 1;
        let out = self.mul(&self.pow_mont(&base, e), &plain_one);
        let mut be = Vec::with_capacity(4 * s);
        for limb in out.iter().rev() {
            be.extend_from_slice(&limb.to_be_bytes());
        }
        Some(be.split_off(4 * s - self.bytes))
    }
}

/// Big-endian bytes into `len` little-endian 32-bit limbs (the bytes must fit).
fn from_be(bytes: &[u8], len: usize) -> Vec<u32> {
    let mut out = vec![0u32; len];
    for (i, &b) in bytes.iter().rev().enumerate() {
        out[i / 4] |= (b as u32) << (8 * (i % 4));
    }
    out
}

/// `x = 2x mod n` for `x < n`.
fn double_mod(x: &mut [u32], n: &[u32]) {
    let mut carry = 0u32;
    for limb in x.iter_mut() {
        let next = *limb >> 31;
        *limb = (*limb << 1) | carry;
        carry = next;
    }
    if carry == 1 || !less(x, n) {
        sub(x, n);
    }
}

/// `a < b` for equal lengths.
fn less(a: &[u32], b: &[u32]) -> bool {
    a.iter().rev().cmp(b.iter().rev()) == std::cmp::Ordering::Less
}

/// `a -= b` modulo `2^(32·len)`.
fn sub(a: &mut [u32], b: &[u32]) {
    let mut borrow = 0u64;
    for (x, &y) in a.iter_mut().zip(b) {
        let v = (*x as u64).wrapping_sub(y as u64).wrapping_sub(borrow);
        *x = v as u32;
        borrow = (v >> 63) & 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_rng::Rng;

    /// A random odd number of exactly `bits` bits, big-endian.
    fn odd(rng: &mut Rng, bits: usize) -> Vec<u8> {
        let mut x: Vec<u8> = (0..bits.div_ceil(8)).map(|_| rng.next() as u8).collect();
        let top = (bits - 1) % 8;
        x[0] &= (1u16 << (top + 1)).wrapping_sub(1) as u8;
        x[0] |= 1 << top;
        *x.last_mut().unwrap() |= 1;
        x
    }

    /// A random number below `n` (big-endian, `n`'s length).
    fn below(rng: &mut Rng, n: &[u8]) -> Vec<u8> {
        loop {
            let mut x: Vec<u8> = n.iter().map(|_| rng.next() as u8).collect();
            x[0] &= (1u16 << (8 - n[0].leading_zeros())).wrapping_sub(1) as u8;
            if x.as_slice() < n {
                return x;
            }
        }
    }

    const EXPONENTS: [u64; 7] = [0, 1, 2, 3, 65537, (1 << 33) - 1, 0x1_2345_6789];

    /// Moduli of 9 to 64 bits against `u128` arithmetic, on both the wide and the fixed field.
    #[test]
    fn small_moduli_against_plain_arithmetic() {
        let mut rng = Rng(1);
        for bits in 9..=64 {
            for _ in 0..20 {
                let n_be = odd(&mut rng, bits);
                let n = n_be.iter().fold(0u128, |acc, &b| (acc << 8) | b as u128);
                let wide = Modulus::new(&n_be).expect("odd, above 255");
                let op = PublicOp::new(&n_be).expect("odd, above 255");
                assert!(matches!(op, PublicOp::Fixed(_)));
                let x_be = below(&mut rng, &n_be);
                let x = x_be.iter().fold(0u128, |acc, &b| (acc << 8) | b as u128);
                for e in EXPONENTS.into_iter().chain([rng.next() >> 31]) {
                    let mut want = 1 % n;
                    for bit in (0..64).rev() {
                        want = want * want % n;
                        if (e >> bit) & 1 == 1 {
                            want = want * x % n;
                        }
                    }
                    let want = want.to_be_bytes()[16 - n_be.len()..].to_vec();
                    assert_eq!(wide.pow(&x_be, e), Some(want.clone()), "n = {n}, e = {e}");
                    assert_eq!(op.pow(&x_be, e), Some(want), "n = {n}, e = {e}");
                }
            }
        }
        assert!(Modulus::new(&[0xff]).is_none(), "below 256");
        assert!(PublicOp::new(&[0, 0xff]).is_none(), "below 256");
    }

    /// The wide field gives what the fixed one gives, for every modulus size the fixed one
    /// takes up to its limit; past it, `PublicOp` is the wide one.
    #[test]
    fn the_wide_and_the_fixed_field_agree() {
        let mut rng = Rng(2);
        for bits in [256, 1000, 1024, 2047, 2048, 2049, 2069, 2070] {
            let n = odd(&mut rng, bits);
            let wide = Modulus::new(&n).expect("odd");
            let fixed = PublicOp::new(&n).expect("odd");
            assert!(matches!(fixed, PublicOp::Fixed(_)), "{bits} bits");
            for e in [3, 65537, (1 << 33) - 1] {
                for _ in 0..3 {
                    let mut x = below(&mut rng, &n);
                    x.insert(0, 0); // leading zeros are allowed
                    let got = wide.pow(&x, e).expect("fits");
                    assert_eq!(got.len(), n.len());
                    assert_eq!(fixed.pow(&x, e), Some(got), "{bits} bits, e = {e}");
                }
            }
        }
        for bits in [2071, 2072, 8192] {
            assert!(matches!(
                PublicOp::new(&odd(&mut rng, bits)),
                Some(PublicOp::Wide(_))
            ));
        }
    }

    /// `s^e mod n` of the `rsa` crate's own PKCS#1 v1.5 signatures gives back the encoded
    /// message, for a 4096-bit key (wider than the fixed field) and a 3072-bit one.
    #[test]
    fn opens_signatures_made_by_the_rsa_crate() {
        use rsa::pkcs8::DecodePrivateKey as _;
        use rsa::signature::{SignatureEncoding as _, Signer as _};
        use rsa::traits::PublicKeyParts as _;
        for pem in [
            include_str!("../../tests/fixtures/rsa4096/pkcs8.pem"),
            include_str!("../../tests/fixtures/rsa3072/pkcs8.pem"),
        ] {
            let key = rsa::PrivateKey::from_pkcs8_pem(pem).expect("fixture");
            let m = Modulus::new(&key.n().to_be_bytes()).expect("odd");
            let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key.clone());
            for msg in [&b"site^tno^STSC"[..], b"", b"another"] {
                let s = signer.sign(msg).to_vec();
                let em = m.pow(&s, 65537).expect("fits");
                assert_eq!(em.len(), s.len());
                assert_eq!(&em[..2], &[0, 1]);
                use sha2::Digest as _;
                assert_eq!(&em[em.len() - 32..], &sha2::Sha256::digest(msg)[..]);
                let mut bad = s.clone();
                bad[7] ^= 1;
                assert_ne!(m.pow(&bad, 65537), Some(em));
            }
        }
        assert!(Modulus::new(&[0x10, 0x00]).is_none(), "even");
    }
}
