//! `x^-1 mod p` in constant time, for the blinding pair's `r^-1` (issue 12): Bernstein and Yang's
//! divsteps ("Fast constant-time gcd computation and modular inversion", 2019), 28 at a time on
//! the low limbs, with the 2×2 matrix of each batch then applied to the whole numbers, as
//! libsecp256k1's `modinv32` does on 30-bit limbs. About a hundred batches at 1024 bits, where
//! Fermat's `x^(p−2)` took a whole exponentiation (about 1,300 Montgomery products): the first
//! signature of a key, which draws the first blinding pair, no longer costs two signatures.
//!
//! Every step runs the same instructions whatever the values: conditions on `f`, `g`, `δ` and
//! the signs of `d` and `e` are [`Mask`]s, and the number of steps depends only on the prime's
//! (public) length.

use super::mont::{LIMB_BITS, MASK, inverse_mod_2_32};
use crate::ct::Mask;
use zeroize::Zeroize;

/// Divsteps per batch: one limb's worth, so that each matrix entry stays within ±2^28 and each
/// product of an entry and a limb within ±2^56.
const BATCH: usize = LIMB_BITS as usize;

const M: i64 = MASK as i64;

/// Divsteps that bring `g` to zero from `δ = 1` for any odd `f` and `0 ≤ g ≤ f < 2^bits`:
/// Bernstein and Yang, Theorem 11.2.
fn divsteps_needed(bits: usize) -> usize {
    if bits < 46 {
        (49 * bits + 80) / 17
    } else {
        (49 * bits + 57) / 17
    }
}

/// A batch's transition matrix: `2^28·[f', g'] = [[u, v], [q, r]]·[f, g]`.
struct Matrix {
    u: i64,
    v: i64,
    q: i64,
    r: i64,
}

/// 28 divsteps on the low bits of `f` (odd) and `g`; `δ` carries over from batch to batch.
/// One divstep: if `δ > 0` and `g` is odd, `(δ, f, g) ← (1 − δ, g, (g − f)/2)`, else
/// `(1 + δ, f, (g + (g mod 2)·f)/2)`. The matrix records it, with `f`'s row doubled instead of
/// `g` halved, so that its entries stay integers (libsecp256k1's `divsteps_30`).
#[cfg_attr(kcp_optimize_speed, optimize(speed))]
#[inline(never)]
fn divsteps(delta: &mut u32, f0: u32, g0: u32) -> Matrix {
    let (mut f, mut g, mut d) = (f0, g0, *delta);
    let (mut u, mut v, mut q, mut r) = (1u32, 0u32, 0u32, 1u32);
    for _ in 0..BATCH {
        // δ > 0 when −δ is negative (|δ| stays far below 2^31).
        let positive = Mask::from_bit(d.wrapping_neg() >> 31);
        let odd = Mask::from_bit(g & 1);
        // g − f on a swap, g + f when only g is odd (f, u, v negated when δ > 0).
        g = g.wrapping_add(odd.keep(positive.select(f.wrapping_neg(), f)));
        q = q.wrapping_add(odd.keep(positive.select(u.wrapping_neg(), u)));
        r = r.wrapping_add(odd.keep(positive.select(v.wrapping_neg(), v)));
        let swap = positive.and(odd);
        d = swap.select(d.wrapping_neg(), d).wrapping_add(1);
        // On a swap f becomes the old g: f + (g − f).
        f = f.wrapping_add(swap.keep(g));
        u = u.wrapping_add(swap.keep(q));
        v = v.wrapping_add(swap.keep(r));
        g >>= 1;
        u <<= 1;
        v <<= 1;
    }
    *delta = d;
    // Entries within ±2^28, held as 32-bit two's complement.
    Matrix {
        u: u as i32 as i64,
        v: v as i32 as i64,
        q: q as i32 as i64,
        r: r as i32 as i64,
    }
}

/// `[a, b] ← (t·[a, b] + p·[ma, mb]) / 2^28`, where the caller chose `ma`, `mb` so that the
/// division is exact. Signed numbers: limbs below the top one in `[0, 2^28)`, the top one carries
/// the sign. (Slices, not arrays: one copy of the code for every key size.)
#[cfg_attr(kcp_optimize_speed, optimize(speed))]
#[inline(never)]
fn apply(a: &mut [i32], b: &mut [i32], t: &Matrix, p: &[u32], ma: i64, mb: i64) {
    let l = a.len();
    assert!(l >= 2 && b.len() == l && p.len() == l);
    let (mut ca, mut cb) = (0i64, 0i64);
    for i in 0..l {
        ca += t.u * a[i] as i64 + t.v * b[i] as i64 + p[i] as i64 * ma;
        cb += t.q * a[i] as i64 + t.r * b[i] as i64 + p[i] as i64 * mb;
        if i == 0 {
            debug_assert!(ca & M == 0 && cb & M == 0);
        } else {
            a[i - 1] = (ca & M) as i32;
            b[i - 1] = (cb & M) as i32;
        }
        ca >>= LIMB_BITS;
        cb >>= LIMB_BITS;
    }
    a[l - 1] = ca as i32;
    b[l - 1] = cb as i32;
}

/// `[f, g] ← t·[f, g] / 2^28` (exact: the divsteps made the low 28 bits zero).
fn update_fg(f: &mut [i32], g: &mut [i32], t: &Matrix, p: &[u32]) {
    apply(f, g, t, p, 0, 0);
}

/// `[d, e] ← (t·[d, e] + p·[md, me]) / 2^28`, with `md`, `me` chosen so that the division is
/// exact and `d`, `e` stay in `(−2p, p)` (libsecp256k1's `update_de_30`). `p_inv` is
/// `p^-1 mod 2^28`.
fn update_de(d: &mut [i32], e: &mut [i32], t: &Matrix, p: &[u32], p_inv: u32) {
    let l = d.len();
    // Start from [u, q] when d < 0, plus [v, r] when e < 0.
    let d_negative = Mask::from_bit(d[l - 1] as u32 >> 31);
    let e_negative = Mask::from_bit(e[l - 1] as u32 >> 31);
    let mut md = d_negative
        .keep(t.u as u32)
        .wrapping_add(e_negative.keep(t.v as u32)) as i32 as i64;
    let mut me = d_negative
        .keep(t.q as u32)
        .wrapping_add(e_negative.keep(t.r as u32)) as i32 as i64;
    // Then subtract what makes the low 28 bits of t·[d, e] + p·[md, me] zero.
    let cd = t.u * d[0] as i64 + t.v * e[0] as i64;
    let ce = t.q * d[0] as i64 + t.r * e[0] as i64;
    md -= (p_inv.wrapping_mul(cd as u32).wrapping_add(md as u32) as i64) & M;
    me -= (p_inv.wrapping_mul(ce as u32).wrapping_add(me as u32) as i64) & M;
    apply(d, e, t, p, md, me);
}

/// Adds `p` to `x` when `x` is negative, then carries so that the limbs below the top one are
/// in `[0, 2^28)` again.
fn add_p_if_negative(x: &mut [i32], p: &[u32]) {
    let negative = Mask::from_bit(x[x.len() - 1] as u32 >> 31);
    for (xi, &pi) in x.iter_mut().zip(p) {
        *xi = xi.wrapping_add(negative.keep(pi) as i32);
    }
    carry(x);
}

fn carry(x: &mut [i32]) {
    for i in 0..x.len() - 1 {
        x[i + 1] += x[i] >> LIMB_BITS;
        x[i] &= M as i32;
    }
}

/// `x^-1 mod p`, fully reduced, for an odd `p` of `bits` bits (`4p < 2^(28L)`) and `x` in
/// `[0, p)` coprime to `p`; `0` for `x = 0`.
pub(crate) fn inverse<const L: usize>(p: &[u32; L], bits: usize, x: &[u32; L]) -> [u32; L] {
    let p_inv = inverse_mod_2_32(p[0]) & MASK as u32;
    let mut f = p.map(|l| l as i32);
    let mut g = x.map(|l| l as i32);
    let mut d = [0i32; L];
    let mut e = [0i32; L];
    e[0] = 1;
    let mut delta = 1u32;
    // Invariants (mod p): d·x ≡ f and e·x ≡ g. At the end g = 0 and f = ±gcd(p, x) = ±1.
    for _ in 0..divsteps_needed(bits).div_ceil(BATCH) {
        let t = divsteps(&mut delta, f[0] as u32, g[0] as u32);
        update_de(&mut d, &mut e, &t, p, p_inv);
        update_fg(&mut f, &mut g, &t, p);
    }
    // d ∈ (−2p, p) → (−p, p), negated when f = −1, → [0, p).
    add_p_if_negative(&mut d, p);
    let f_negative = Mask::from_bit(f[L - 1] as u32 >> 31);
    for di in d.iter_mut() {
        *di = f_negative.select((*di as u32).wrapping_neg(), *di as u32) as i32;
    }
    carry(&mut d);
    add_p_if_negative(&mut d, p);
    let out = d.map(|l| l as u32);
    f.zeroize();
    g.zeroize();
    d.zeroize();
    e.zeroize();
    delta.zeroize();
    out
}

#[cfg(test)]
mod tests {
    use super::super::check;
    use super::*;
    use crate::test_rng::Rng;

    fn limbs<const L: usize>(bytes: &[u8]) -> [u32; L] {
        super::super::mont::limbs_from_be::<L>(bytes).expect("fits")
    }

    /// `x·inverse(x) ≡ 1 (mod p)`, by the key checks' schoolbook product and remainder.
    fn assert_inverse<const L: usize>(p: &[u32; L], x: &[u32; L], what: &str) {
        let bits = p.iter().rposition(|&l| l != 0).map_or(0, |i| {
            i * LIMB_BITS as usize + (32 - p[i].leading_zeros() as usize)
        });
        let inv = inverse(p, bits, x);
        let trimmed = &p[..p.iter().rposition(|&l| l != 0).unwrap() + 1];
        assert!(
            inv.iter()
                .zip(p)
                .rev()
                .find(|(a, b)| a != b)
                .is_some_and(|(a, b)| a < b),
            "{what}: not below p"
        );
        let product = check::rem(&check::mul(x, &inv), trimmed);
        assert!(
            product[0] == 1 && product[1..].iter().all(|&l| l == 0),
            "{what}: x·x^-1 is not 1 mod p"
        );
    }

    /// The primes of the RSA test keys (1024, 1536 and 2048 bits), with values at the edges and
    /// random ones.
    #[test]
    fn inverts_modulo_the_test_keys_primes() {
        use rsa::pkcs8::DecodePrivateKey as _;
        use rsa::traits::PrivateKeyParts as _;
        let mut rng = Rng(12);
        for pem in [
            include_str!("../../tests/fixtures/rsa2048/pkcs8.pem"),
            include_str!("../../tests/fixtures/rsa3072/pkcs8.pem"),
            include_str!("../../tests/fixtures/rsa4096/pkcs8.pem"),
        ] {
            let key = rsa::PrivateKey::from_pkcs8_pem(pem).expect("fixture");
            for prime in key.primes() {
                let bytes = prime.to_be_bytes();
                match bytes.len() {
                    128 => each_x::<38>(&bytes, &mut rng),
                    192 => each_x::<56>(&bytes, &mut rng),
                    256 => each_x::<74>(&bytes, &mut rng),
                    other => panic!("prime of {other} bytes"),
                }
            }
        }
    }

    fn each_x<const L: usize>(p_be: &[u8], rng: &mut Rng) {
        let p: [u32; L] = limbs(p_be);
        let p_minus = |k: u32| {
            let mut x = p;
            x[0] -= k; // p's low limb is odd and (for these primes) above 2: no borrow
            x
        };
        let small = |k: u32| {
            let mut x = [0u32; L];
            x[0] = k;
            x
        };
        let mut cases = vec![("1", small(1)), ("2", small(2)), ("3", small(3))];
        cases.push(("p − 1", p_minus(1)));
        cases.push(("p − 2", p_minus(2)));
        let mut top = [0u32; L];
        let bits = p_be.len() * 8 - p_be[0].leading_zeros() as usize;
        top[(bits - 2) / LIMB_BITS as usize] = 1 << ((bits - 2) % LIMB_BITS as usize);
        cases.push(("2^(bits−2)", top));
        for (what, x) in &cases {
            assert_inverse(&p, x, what);
        }
        for _ in 0..40 {
            let mut bytes = rng.bytes(p_be.len());
            // Below p: same length, a smaller top byte.
            bytes[0] = (rng.next() as u8) % p_be[0].max(1);
            assert_inverse(&p, &limbs::<L>(&bytes), "random");
        }
    }

    /// Small odd moduli against Euclid's algorithm on machine integers.
    #[test]
    fn small_moduli_against_extended_euclid() {
        let mut rng = Rng(34);
        for _ in 0..3000 {
            let bits = 3 + rng.below(52);
            let m = (rng.next() >> (64 - bits)) | 1 | (1 << (bits - 1));
            let x = rng.next() % m;
            let (mut a, mut b, mut s, mut t) = (x as i128, m as i128, 1i128, 0i128);
            while b != 0 {
                let k = a / b;
                (a, b, s, t) = (b, a - k * b, t, s - k * t);
            }
            let pl = [(m & MASK) as u32, (m >> LIMB_BITS) as u32];
            let xl = [(x & MASK) as u32, (x >> LIMB_BITS) as u32];
            let inv = inverse(&pl, bits, &xl);
            let got = inv[0] as u64 | (inv[1] as u64) << LIMB_BITS;
            if a == 1 {
                assert_eq!(got as i128, s.rem_euclid(m as i128), "{x}^-1 mod {m}");
            }
        }
    }
}
