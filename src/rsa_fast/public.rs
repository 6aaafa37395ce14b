//! `s^e mod n` for moduli wider than the fixed-size field (over 2070 bits), to check each
//! signature before it is returned. Every value here is public — the modulus, the exponent, and
//! the signature about to be sent — so this is the plain Montgomery product (CIOS, 32-bit
//! limbs, a final subtraction when needed) with no constant-time care at all.

/// Montgomery arithmetic modulo a public odd `n`, 32-bit limbs, least significant first.
pub(crate) struct Modulus {
    n: Vec<u32>,
    /// `-n^-1 mod 2^32`.
    n0: u32,
    /// `R^2 mod n`, `R = 2^(32·len)`.
    r2: Vec<u32>,
    /// The modulus' length in bytes.
    bytes: usize,
}

impl Modulus {
    /// The context for an odd `n > 1` given big-endian (leading zeros allowed).
    pub(crate) fn new(n_be: &[u8]) -> Option<Self> {
        let n_be = crate::asn1::strip_zeros(n_be);
        let n = from_be(n_be, n_be.len().div_ceil(4));
        if n.first().is_none_or(|&low| low & 1 == 0) || n_be.len() < 2 {
            return None;
        }
        let mut inv = n[0];
        for _ in 0..5 {
            inv = inv.wrapping_mul(2u32.wrapping_sub(n[0].wrapping_mul(inv)));
        }
        let mut r2 = vec![0u32; n.len()];
        r2[0] = 1;
        // 1 doubled 64·len times modulo n is R^2 mod n.
        for _ in 0..64 * n.len() {
            let carry = shl1(&mut r2);
            if carry || !less(&r2, &n) {
                sub(&mut r2, &n);
            }
        }
        Some(Self {
            n0: inv.wrapping_neg(),
            r2,
            bytes: n_be.len(),
            n,
        })
    }

    /// `a·b·R^-1 mod n`, fully reduced, for `a·b < n·R`.
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

    /// `base^e mod n`, big-endian, the modulus' length; `base` big-endian, below `2^(32·len)`.
    pub(crate) fn pow(&self, base_be: &[u8], e: u64) -> Vec<u8> {
        let s = self.n.len();
        if base_be.len() > 4 * s {
            return Vec::new();
        }
        let base = self.mul(&from_be(base_be, s), &self.r2);
        let mut one = vec![0u32; s];
        one[0] = 1;
        let mut acc = self.mul(&one, &self.r2);
        for bit in (0..64 - e.leading_zeros()).rev() {
            acc = self.mul(&acc, &acc);
            if (e >> bit) & 1 == 1 {
                acc = self.mul(&acc, &base);
            }
        }
        let out = self.mul(&acc, &one);
        let mut be = Vec::with_capacity(4 * s);
        for limb in out.iter().rev() {
            be.extend_from_slice(&limb.to_be_bytes());
        }
        be.split_off(4 * s - self.bytes)
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

/// `x <<= 1`; the bit shifted out.
fn shl1(x: &mut [u32]) -> bool {
    let mut carry = 0u32;
    for limb in x.iter_mut() {
        let next = *limb >> 31;
        *limb = (*limb << 1) | carry;
        carry = next;
    }
    carry == 1
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
                let em = m.pow(&s, 65537);
                assert_eq!(em.len(), s.len());
                assert_eq!(&em[..2], &[0, 1]);
                use sha2::Digest as _;
                assert_eq!(&em[em.len() - 32..], &sha2::Sha256::digest(msg)[..]);
                let mut bad = s.clone();
                bad[7] ^= 1;
                assert_ne!(m.pow(&bad, 65537), em);
            }
        }
        assert!(Modulus::new(&[0x10, 0x00]).is_none(), "even");
    }
}
