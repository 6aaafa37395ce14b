//! Load-time checks that an RSA private key's values belong together, in 28-bit limbs.
//!
//! This replaces building an `rsa::PrivateKey` only to validate the file: that took about a
//! third of a key load in wasm (`make bench`), mostly in variable-width division and modular
//! inversion that recomputed `dP`, `dQ` and `qInv`. Here every check is a product or a remainder
//! by a fixed-size schoolbook method, and the same checks hold:
//!
//! - `n = p·q`, `p ≠ q`, `d < n`;
//! - `dP = d mod (p−1)`, `dQ = d mod (q−1)` (the file's CRT values are the key's own);
//! - `e·dP ≡ 1 (mod p−1)`, `e·dQ ≡ 1 (mod q−1)` (so `d·e ≡ 1` modulo both, as `rsa` checks);
//! - `qInv < p` and `qInv·q ≡ 1 (mod p)`.
//!
//! Everything runs in time that depends only on the lengths (public: the key's size), with no
//! branch or index on a secret value, and the verdict is one flag at the end. Every temporary is
//! zeroized.

use super::mont::{LIMB_BITS, MASK, fill_limbs_from_be};
use crate::ct::Mask;
use zeroize::Zeroizing;

/// Little-endian 28-bit limbs, wiped on drop.
pub(super) type Limbs = Zeroizing<Vec<u32>>;

const BASE: u64 = 1 << LIMB_BITS;

/// Big-endian bytes (leading zeros allowed) as exactly `len` limbs; `None` if they do not fit.
pub(super) fn from_be(bytes: &[u8], len: usize) -> Option<Limbs> {
    let mut out = Zeroizing::new(vec![0u32; len]);
    fill_limbs_from_be(bytes, &mut out).then_some(out)
}

/// `a · b`, normalized, `a.len() + b.len()` limbs. Columns hold at most `min(len)` products
/// below 2^56, so 64-bit columns cannot overflow for fewer than 256 limbs.
pub(super) fn mul(a: &[u32], b: &[u32]) -> Limbs {
    debug_assert!(a.len().min(b.len()) < 256);
    let mut t = Zeroizing::new(vec![0u64; a.len() + b.len()]);
    for (i, &ai) in a.iter().enumerate() {
        for (tj, &bj) in t[i..].iter_mut().zip(b) {
            *tj += ai as u64 * bj as u64;
        }
    }
    let mut out = Zeroizing::new(vec![0u32; t.len()]);
    let mut carry = 0u64;
    for (o, &tj) in out.iter_mut().zip(t.iter()) {
        let v = tj + carry;
        *o = (v & MASK) as u32;
        carry = v >> LIMB_BITS;
    }
    out
}

/// True when `a == b` (compared over the longer length, missing limbs as zero).
pub(super) fn eq_mask(a: &[u32], b: &[u32]) -> Mask {
    let mut diff = 0u32;
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0);
    }
    Mask::eq(diff, 0)
}

/// True when `a < b` (both normalized, same length).
pub(super) fn lt_mask(a: &[u32], b: &[u32]) -> Mask {
    debug_assert_eq!(a.len(), b.len());
    let mut borrow = 0u32;
    for (&x, &y) in a.iter().zip(b) {
        borrow = x.wrapping_sub(y).wrapping_sub(borrow) >> 31;
    }
    Mask::from_bit(borrow)
}

/// `floor((2^64 − 1) / d)` for `0 < d < 2^32`, one bit at a time with no data-dependent branch
/// or hardware division (whose timing can depend on the operands).
fn reciprocal(d: u64) -> u64 {
    let mut quotient = 0u64;
    let mut rem = 0u128;
    for bit in (0..64).rev() {
        rem = (rem << 1) | 1; // the dividend is all ones
        let ge = ((rem.wrapping_sub(d as u128) >> 127) as u64) ^ 1; // 1 when rem >= d
        rem = rem.wrapping_sub((d as u128) & (ge as u128).wrapping_neg());
        quotient |= ge << bit;
    }
    quotient
}

/// `x mod m` as `m.len()` limbs, for normalized `x` and `m` whose top limb is not zero (`m`'s
/// length is public: the size of a prime).
///
/// Schoolbook division in base 2^28 (Knuth's algorithm D, remainder only) without its branches:
/// `m` is shifted so its top limb has bit 27 set; each quotient digit is estimated from the top
/// two limbs of the running remainder times a precomputed reciprocal of `top(m) + 1`, which
/// never overestimates and falls short by at most 3 (the estimate is `≥ num/(top+1) − 1`, the
/// true digit `< (num+1)/top`, and `num < 2^28·(top+1)`, `top ≥ 2^27`); three masked
/// subtractions of `m` then finish the digit.
pub(super) fn rem(x: &[u32], m: &[u32]) -> Limbs {
    let nm = m.len();
    // Whether the top limb is zero is public: the caller trimmed `m` to its (public) length.
    assert!(
        nm > 0 && Mask::nonzero(m[nm - 1]).declassify(),
        "the modulus' top limb is not zero"
    );
    let shift = m[nm - 1].leading_zeros() - (32 - LIMB_BITS);
    let mn = shl(m, shift, nm);
    // One spare zero limb on top: the first window is then below 2^28·m.
    let mut r = shl(x, shift, x.len().max(nm) + 1);
    let top = mn[nm - 1] as u64;
    let recip = reciprocal(top + 1);
    for j in (0..r.len() - nm).rev() {
        let num = ((r[j + nm] as u64) << LIMB_BITS) | r[j + nm - 1] as u64;
        let qhat = ((num as u128 * recip as u128) >> 64) as u64;
        debug_assert!(qhat < BASE);
        let mut carry = 0i64;
        for i in 0..nm {
            let v = r[j + i] as i64 - (qhat * mn[i] as u64) as i64 + carry;
            r[j + i] = (v & MASK as i64) as u32;
            carry = v >> LIMB_BITS; // arithmetic shift: floors a negative value
        }
        r[j + nm] = (r[j + nm] as i64 + carry) as u32;
        for _ in 0..3 {
            sub_if_ge(&mut r[j..j + nm + 1], &mn);
        }
    }
    debug_assert!(r[nm..].iter().all(|&l| l == 0));
    shr(&r[..nm], shift)
}

/// `w − m` if `w ≥ m`, else `w`, in place; `w` is one limb longer than `m`, both normalized.
///
/// Two passes and no scratch buffer: the first only finds whether `w < m` (the borrow out of
/// `w − m`), the second subtracts `m` or zero under that mask. `rem` calls this three times per
/// quotient digit, about 350 times per key load: a buffer per call made the allocator the hottest
/// function of a first key load, which V8 then spent 2 ms promoting to TurboFan (issue 12).
/// Never inlined: inside `rem`, these passes spent `rem`'s tiering budget, and V8 compiled the
/// whole of `rem` with TurboFan (3 ms of CPU) during the one key load that calls it; on its own,
/// this small function is what gets promoted (well under a millisecond).
#[inline(never)]
fn sub_if_ge(w: &mut [u32], m: &[u32]) {
    let mut borrow = 0u32;
    for (i, &wi) in w.iter().enumerate() {
        let v = wi
            .wrapping_sub(m.get(i).copied().unwrap_or(0))
            .wrapping_sub(borrow);
        borrow = v >> 31;
    }
    let subtract = Mask::from_bit(borrow).not(); // w ≥ m
    let mut borrow = 0u32;
    for (i, wi) in w.iter_mut().enumerate() {
        let v = wi
            .wrapping_sub(subtract.keep(m.get(i).copied().unwrap_or(0)))
            .wrapping_sub(borrow);
        *wi = v & MASK as u32;
        borrow = v >> 31;
    }
}

/// `x << shift` (shift < 28) into exactly `len` limbs (the caller leaves room).
fn shl(x: &[u32], shift: u32, len: usize) -> Limbs {
    let mut out = Zeroizing::new(vec![0u32; len]);
    let mut carry = 0u32;
    for (i, o) in out.iter_mut().enumerate() {
        let v = ((x.get(i).copied().unwrap_or(0) as u64) << shift) | carry as u64;
        *o = (v & MASK) as u32;
        carry = (v >> LIMB_BITS) as u32;
    }
    debug_assert_eq!(carry, 0);
    out
}

/// `x >> shift` (shift < 28), same length.
fn shr(x: &[u32], shift: u32) -> Limbs {
    let mut out = Zeroizing::new(vec![0u32; x.len()]);
    for i in 0..x.len() {
        let high = x.get(i + 1).copied().unwrap_or(0) as u64;
        let v = ((high << LIMB_BITS) | x[i] as u64) >> shift;
        out[i] = (v & MASK) as u32;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_rng::Rng;

    fn limbs(rng: &mut Rng, len: usize) -> Vec<u32> {
        (0..len).map(|_| (rng.next() & MASK) as u32).collect()
    }

    /// The reference: bit-serial restoring division, obviously right and slow.
    fn rem_reference(x: &[u32], m: &[u32]) -> Vec<u32> {
        let mut r = vec![0u32; m.len() + 1];
        for i in (0..x.len() * LIMB_BITS as usize).rev() {
            let bit = (x[i / 28] >> (i % 28)) & 1;
            let mut carry = bit;
            for l in r.iter_mut() {
                let v = (*l << 1) | carry;
                *l = v & MASK as u32;
                carry = v >> LIMB_BITS;
            }
            sub_if_ge(&mut r, m);
        }
        r.truncate(m.len());
        r
    }

    #[test]
    fn reciprocal_is_the_floor_quotient() {
        for d in [
            1u64,
            2,
            3,
            (1 << 27) + 1,
            (1 << 28) - 1,
            1 << 28,
            0xffff_ffff,
        ] {
            assert_eq!(reciprocal(d), u64::MAX / d, "d = {d}");
        }
    }

    #[test]
    fn rem_agrees_with_bit_serial_division() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for case in 0..400 {
            let nm = 1 + (rng.next() % 40) as usize;
            let nx = (rng.next() % 80) as usize + 1;
            let mut m = limbs(&mut rng, nm);
            // Top limbs of every shape: 1, a power of two, just below 2^27, full.
            m[nm - 1] = match case % 5 {
                0 => 1,
                1 => 1 << (rng.next() % 28),
                2 => (1 << 27) - 1,
                3 => MASK as u32,
                _ => ((rng.next() & MASK) as u32).max(1),
            };
            let mut x = limbs(&mut rng, nx);
            if case % 7 == 0 {
                // x = k·m + small, x = m, x = m − 1: the corrections' edge cases.
                let len = 1 + (rng.next() % 3) as usize;
                let k = limbs(&mut rng, len);
                x = mul(&m, &k).to_vec();
                x[0] = (x[0] + (case % 3) as u32) & MASK as u32;
            } else if case % 11 == 0 {
                x = m.clone();
            }
            assert_eq!(
                rem(&x, &m).to_vec(),
                rem_reference(&x, &m),
                "case {case}: x {x:?} m {m:?}"
            );
        }
    }

    #[test]
    fn masks() {
        assert!(eq_mask(&[1, 2], &[1, 2, 0]).declassify());
        assert!(!eq_mask(&[1, 2], &[1, 2, 1]).declassify());
        assert!(lt_mask(&[5, 1], &[6, 1]).declassify());
        assert!(!lt_mask(&[6, 1], &[6, 1]).declassify());
        assert!(!lt_mask(&[0, 2], &[MASK as u32, 1]).declassify());
    }

    #[test]
    fn bytes_round_trip_and_refuse_what_does_not_fit() {
        let bytes = [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef];
        let limbs = from_be(&bytes, 3).expect("fits");
        assert_eq!(limbs.as_slice(), &[0x9abcdef, 0x2345678, 0x1]);
        assert!(from_be(&bytes, 2).is_none());
        assert_eq!(
            from_be(&[0, 0, 0, 5], 1).expect("leading zeros").as_slice(),
            &[5]
        );
    }
}
