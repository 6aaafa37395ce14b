//! Fixed-size Montgomery arithmetic modulo one RSA prime, radix 2^28 with delayed carries.
//!
//! Numbers are `[u32; L]` arrays of 28-bit limbs, least significant first. `L2` is always
//! `2 * L` (stable Rust cannot write `[u64; 2 * L]` in a generic signature, so the caller names
//! both). Every loop bound here is a constant of the monomorphized size, never a value.

use crate::ct::{self, Mask};
use zeroize::Zeroize;

pub(crate) const LIMB_BITS: u32 = 28;
pub(crate) const MASK: u64 = (1 << LIMB_BITS) - 1;

/// Window of the fixed-window exponentiation: 2^5 = 32 table entries.
const WINDOW: usize = 5;
const TABLE: usize = 1 << WINDOW;

/// Montgomery arithmetic modulo an odd `p` with `4p < R = 2^(28 L)`.
///
/// Values in Montgomery form are kept in `[0, 2p)`, never fully reduced: with `4p < R`,
/// `mul(a, b) < 2p` whenever `a, b < 2p` (Walter's bound), so no data-dependent final
/// subtraction is ever needed inside an exponentiation.
#[derive(Clone)]
pub(crate) struct Field<const L: usize, const L2: usize> {
    p: [u32; L],
    /// `-p^-1 mod 2^28`.
    n0: u64,
    /// `R mod p`: 1 in Montgomery form, fully reduced.
    one: [u32; L],
    /// `R^2 mod p` (< 2p): converts `x < R/4` into Montgomery form with one `mul`.
    r2: [u32; L],
    /// `R^3 mod p` (< 2p): converts `REDC(c)` of a double-width `c` into Montgomery form.
    r3: [u32; L],
    /// Bit length of `p` (public: half the modulus size): the exponent bits processed.
    bits: usize,
    /// `p` spread for the simd128 product.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    pp: [core::arch::wasm32::v128; L],
}

impl<const L: usize, const L2: usize> Drop for Field<L, L2> {
    fn drop(&mut self) {
        self.p.zeroize();
        self.one.zeroize();
        self.r2.zeroize();
        self.r3.zeroize();
        self.n0.zeroize();
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            self.pp = [core::arch::wasm32::u32x4_splat(0); L];
            core::hint::black_box(&self.pp);
        }
    }
}

impl<const L: usize, const L2: usize> Field<L, L2> {
    /// The context for the odd modulus `p` (limbs), or `None` when it does not fit `4p < R`.
    pub(crate) fn new(p: [u32; L]) -> Option<Self> {
        debug_assert_eq!(L2, 2 * L);
        // The length of a prime is public (half the modulus' size).
        let bits = ct::public_bit_length_le(p.iter().copied(), LIMB_BITS);
        // Whether p is odd is public: every RSA prime is.
        if ct::declassify_u32(p[0] & 1) == 0 || bits < 2 || bits + 2 > L * LIMB_BITS as usize {
            return None;
        }
        let n0 = (inverse_mod_2_32(p[0]).wrapping_neg() as u64) & MASK;
        let mut field = Field {
            p,
            n0,
            one: [0; L],
            r2: [0; L],
            r3: [0; L],
            bits,
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            pp: spread(&p),
        };
        // R mod p by doubling 2^(bits-1) (< p) modulo p, one constant-time step at a time.
        let mut x = [0u32; L];
        let top = bits - 1;
        x[top / LIMB_BITS as usize] = 1 << (top % LIMB_BITS as usize);
        for _ in top..L * LIMB_BITS as usize {
            x = field.double_mod(&x);
        }
        field.one = x;
        // 2R mod p is 2 in Montgomery form; raising it to the (public) power 28·L gives
        // 2^(28L)·R = R^2 mod p; R^3 = mul(R^2, R^2).
        let two = field.double_mod(&field.one);
        let r2 = field.pow_public(&two, (L * LIMB_BITS as usize) as u64);
        field.r2 = r2;
        field.r3 = field.mul(&field.r2, &field.r2);
        Some(field)
    }

    /// The modulus' limbs.
    pub(crate) fn modulus(&self) -> &[u32; L] {
        &self.p
    }

    /// The modulus' bit length.
    pub(crate) fn bits(&self) -> usize {
        self.bits
    }

    /// `2x mod p` for a fully reduced `x`, in constant time.
    #[cfg_attr(kcp_optimize_speed, optimize(speed))]
    fn double_mod(&self, x: &[u32; L]) -> [u32; L] {
        let mut y = [0u32; L];
        let mut carry = 0u32;
        for i in 0..L {
            let v = (x[i] << 1) | carry;
            y[i] = v & MASK as u32;
            carry = v >> LIMB_BITS;
        }
        // y < 2p < R fits: carry is 0 here.
        self.sub_p_if_ge(&y)
    }

    /// `x - p` if `x >= p`, else `x`, for `x < 2p`, normalized limbs, constant time.
    pub(crate) fn sub_p_if_ge(&self, x: &[u32; L]) -> [u32; L] {
        let mut d = [0u32; L];
        let mut borrow = 0u32;
        for i in 0..L {
            let v = x[i].wrapping_sub(self.p[i]).wrapping_sub(borrow);
            d[i] = v & MASK as u32;
            borrow = v >> 31; // the limbs are < 2^28: a negative difference sets the top bit
        }
        // borrow == 1: x < p, keep x.
        let mut out = [0u32; L];
        Mask::from_bit(borrow).select_limbs(x, &d, &mut out);
        out
    }

    /// Montgomery reduction of a double-width `t` (28-bit limbs in 64-bit words, unnormalized
    /// columns allowed): `t · R^-1 mod p`, in `[0, 2p)` when `t < p·R`.
    #[cfg_attr(kcp_optimize_speed, optimize(speed))]
    fn redc(&self, t: &mut [u64; L2]) -> [u32; L] {
        for i in 0..L {
            let m = ((t[i] & MASK) * self.n0) & MASK;
            let row: &mut [u64; L] = (&mut t[i..i + L]).try_into().expect("L-wide row");
            mac_row(row, m, &self.p);
            let carry = t[i] >> LIMB_BITS;
            t[i + 1] += carry;
        }
        let mut out = [0u32; L];
        let mut carry = 0u64;
        for j in 0..L {
            let v = t[L + j] + carry;
            out[j] = (v & MASK) as u32;
            carry = v >> LIMB_BITS;
        }
        out
    }

    /// `a · b · R^-1 mod p` in `[0, 2p)`, for `a · b < p·R` (e.g. both `< 2p`).
    ///
    /// Operand scanning with the reduction interleaved and carries delayed: every 64-bit column
    /// collects at most 2L products below 2^56 (L ≤ 74 keeps the sum under 2^64), and only the
    /// carry out of the column being retired is propagated. Rows go two at a time, so each pass
    /// over the columns does four products per load and store.
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    #[cfg_attr(kcp_optimize_speed, optimize(speed))]
    pub(crate) fn mul(&self, a: &[u32; L], b: &[u32; L]) -> [u32; L] {
        let (p, n0) = (&self.p, self.n0);
        let (b0, b1, p0, p1) = (b[0] as u64, b[1] as u64, p[0] as u64, p[1] as u64);
        // t[j] is column i + j of the running sum: the window slides as rows are retired.
        let mut t = [0u64; L];
        let mut i = 0;
        while i + 2 <= L {
            let (x0, x1) = (a[i] as u64, a[i + 1] as u64);
            // Row i retires column i; row i + 1 needs column i + 1 complete to choose its m.
            let c0 = t[0] + x0 * b0;
            let m0 = ((c0 & MASK) * n0) & MASK;
            let c1 = t[1] + x0 * b1 + m0 * p1 + ((c0 + m0 * p0) >> LIMB_BITS) + x1 * b0;
            let m1 = ((c1 & MASK) * n0) & MASK;
            let carry = (c1 + m1 * p0) >> LIMB_BITS;
            mac4_shift2(&mut t, x0, m0, x1, m1, b, p);
            t[0] += carry;
            i += 2;
        }
        if i < L {
            let x = a[i] as u64;
            let c0 = t[0] + x * b0;
            let m = ((c0 & MASK) * n0) & MASK;
            let carry = (c0 + m * p0) >> LIMB_BITS;
            mac2_shift(&mut t, x, b, m, p);
            t[0] += carry;
        }
        normalize(&t)
    }

    /// The same product with wasm SIMD: column pairs in `v128`s (two 64-bit columns each), rows
    /// in pairs, and `i64x2.extmul_{low,high}_i32x4_u` for two 32×32→64 products per
    /// instruction. A pass computes, for each column pair,
    /// `T[v] ← T[v+1] + x0·(b[2v+2], b[2v+3]) + x1·(b[2v+1], b[2v+2]) + m0·(p…) + m1·(p…)`
    /// from `b` spread as `(b[2v+2], b[2v+3], b[2v+1], b[2v+2])` and `(x0, x0, x1, x1)`.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[cfg_attr(kcp_optimize_speed, optimize(speed))]
    pub(crate) fn mul(&self, a: &[u32; L], b: &[u32; L]) -> [u32; L] {
        use core::arch::wasm32::*;
        const {
            assert!(
                L.is_multiple_of(2),
                "the simd128 product takes rows in pairs"
            )
        };
        let pairs = L / 2;
        let bb = spread(b);
        let (p, n0) = (&self.p, self.n0);
        let (b0, b1, p0, p1) = (b[0] as u64, b[1] as u64, p[0] as u64, p[1] as u64);
        // t[v] holds columns i + 2v and i + 2v + 1; t[pairs] stays zero (padding).
        let mut t = [u64x2_splat(0); L];
        let mut i = 0;
        while i < L {
            let (x0, x1) = (a[i] as u64, a[i + 1] as u64);
            let (t0, t1) = (u64x2_extract_lane::<0>(t[0]), u64x2_extract_lane::<1>(t[0]));
            let c0 = t0 + x0 * b0;
            let m0 = ((c0 & MASK) * n0) & MASK;
            let c1 = t1 + x0 * b1 + m0 * p1 + ((c0 + m0 * p0) >> LIMB_BITS) + x1 * b0;
            let m1 = ((c1 & MASK) * n0) & MASK;
            let carry = (c1 + m1 * p0) >> LIMB_BITS;
            let xv = u32x4(x0 as u32, x0 as u32, x1 as u32, x1 as u32);
            let mv = u32x4(m0 as u32, m0 as u32, m1 as u32, m1 as u32);
            for v in 0..pairs {
                // Re-reading the multipliers inside the loop keeps LLVM from hoisting their
                // zero-extension out of it, which would leave `i64x2.mul` (emulated in V8 on
                // x64 by several instructions) instead of `extmul` (one `pmuludq`). Unrolling
                // to re-read them less often measured no faster.
                let (xv, mv) = core::hint::black_box((xv, mv));
                let (bv, pv) = (bb[v], self.pp[v]);
                let products = i64x2_add(
                    i64x2_add(
                        u64x2_extmul_low_u32x4(bv, xv),
                        u64x2_extmul_high_u32x4(bv, xv),
                    ),
                    i64x2_add(
                        u64x2_extmul_low_u32x4(pv, mv),
                        u64x2_extmul_high_u32x4(pv, mv),
                    ),
                );
                t[v] = i64x2_add(t[v + 1], products);
            }
            t[0] = i64x2_add(t[0], u64x2(carry, 0));
            i += 2;
        }
        let mut out = [0u32; L];
        let mut carry = 0u64;
        for j in 0..L {
            let column = if j % 2 == 0 {
                u64x2_extract_lane::<0>(t[j / 2])
            } else {
                u64x2_extract_lane::<1>(t[j / 2])
            };
            let v = column + carry;
            out[j] = (v & MASK) as u32;
            carry = v >> LIMB_BITS;
        }
        out
    }

    /// `a^2 · R^-1 mod p` with the simd128 product (which has no dedicated squaring).
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    pub(crate) fn sqr(&self, a: &[u32; L]) -> [u32; L] {
        self.mul(a, a)
    }

    /// `a^2 · R^-1 mod p`: the fused two-row product of [`Self::mul`] where row `i` only adds
    /// `a_i²` at its own column and `2·a_i·a_j` for `j > i` (each cross product once), so a
    /// pass does the full reduction but only the upper part of the product: 1.5·L² instead of
    /// 2·L² multiply-adds, in the same single pass over memory. (A squaring with a separate
    /// reduction pass was slower than the plain product.) Which columns get which terms
    /// depends only on the row index, a public loop counter.
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    #[cfg_attr(kcp_optimize_speed, optimize(speed))]
    pub(crate) fn sqr(&self, a: &[u32; L]) -> [u32; L] {
        let (p, n0) = (&self.p, self.n0);
        let mut a2 = [0u32; L];
        for (d, &x) in a2.iter_mut().zip(a.iter()) {
            *d = x << 1; // < 2^29: products stay below 2^57, columns within the 2^64 bound
        }
        let (p0, p1) = (p[0] as u64, p[1] as u64);
        let mut t = [0u64; L];
        let mut i = 0;
        while i + 2 <= L {
            let (x0, x1) = (a[i] as u64, a[i + 1] as u64);
            // Columns i and i+1: only row 0 has product terms there (a_0², 2·a_0·a_1).
            let (d0, d1) = if i == 0 {
                (x0 * a[0] as u64, x0 * a2[1] as u64)
            } else {
                (0, 0)
            };
            let c0 = t[0] + d0;
            let m0 = ((c0 & MASK) * n0) & MASK;
            let c1 = t[1] + d1 + m0 * p1 + ((c0 + m0 * p0) >> LIMB_BITS);
            let m1 = ((c1 & MASK) * n0) & MASK;
            let carry = (c1 + m1 * p0) >> LIMB_BITS;
            let red = |t: &mut [u64; L], k: usize| {
                t[k] = t[k + 2] + m0 * p[k + 2] as u64 + m1 * p[k + 1] as u64;
            };
            let full = |t: &mut [u64; L], k: usize| {
                t[k] = t[k + 2]
                    + x0 * a2[k + 2] as u64
                    + m0 * p[k + 2] as u64
                    + x1 * a2[k + 1] as u64
                    + m1 * p[k + 1] as u64;
            };
            // k < i−2: below both rows' first product: reduction only.
            let mut k = 0;
            let end = i.saturating_sub(2);
            while k + 4 <= end {
                red(&mut t, k);
                red(&mut t, k + 1);
                red(&mut t, k + 2);
                red(&mut t, k + 3);
                k += 4;
            }
            while k < end {
                red(&mut t, k);
                k += 1;
            }
            if i >= 2 {
                // k = i−2: row i's square; k = i−1: row i's first doubled cross product.
                t[i - 2] = t[i] + x0 * a[i] as u64 + m0 * p[i] as u64 + m1 * p[i - 1] as u64;
                t[i - 1] =
                    t[i + 1] + x0 * a2[i + 1] as u64 + m0 * p[i + 1] as u64 + m1 * p[i] as u64;
            }
            // k ≥ i: both rows' cross products; at k = i, row i+1's term is its square.
            let mut k = i;
            while k + 4 <= L - 2 {
                full(&mut t, k);
                full(&mut t, k + 1);
                full(&mut t, k + 2);
                full(&mut t, k + 3);
                k += 4;
            }
            while k < L - 2 {
                full(&mut t, k);
                k += 1;
            }
            if i < L - 2 {
                t[i] -= x1 * a[i + 1] as u64; // 2·a_(i+1)² was added; the square counts once
            }
            let top = if i + 2 == L { a[L - 1] } else { a2[L - 1] };
            t[L - 2] = x1 * top as u64 + m1 * p[L - 1] as u64;
            t[L - 1] = 0;
            t[0] += carry;
            i += 2;
        }
        if i < L {
            // The last row (odd L): only its square, at the top column.
            let x = a[i] as u64;
            let c0 = t[0];
            let m = ((c0 & MASK) * n0) & MASK;
            let carry = (c0 + m * p0) >> LIMB_BITS;
            let mut last = [0u32; L];
            last[L - 1] = a[L - 1];
            mac2_shift(&mut t, x, &last, m, p);
            t[0] += carry;
        }
        normalize(&t)
    }

    /// Montgomery form of a big-endian number below `p·R` (one reduction); `None` when it
    /// needs more than `2L` limbs.
    pub(crate) fn to_mont_be(&self, bytes: &[u8]) -> Option<[u32; L]> {
        let mut wide = wide_from_be::<L2>(bytes)?;
        let out = self.to_mont_wide(&wide);
        wide.zeroize();
        Some(out)
    }

    /// Montgomery form of a double-width number `c < p·R` given as 28-bit limbs.
    pub(crate) fn to_mont_wide(&self, c: &[u64; L2]) -> [u32; L] {
        let mut t = *c;
        let reduced = self.redc(&mut t);
        self.mul(&reduced, &self.r3)
    }

    /// Montgomery form of `x < R/4`.
    pub(crate) fn to_mont(&self, x: &[u32; L]) -> [u32; L] {
        self.mul(x, &self.r2)
    }

    /// `a^-1` in Montgomery form for `a` in Montgomery form (`x = a·R`, in `[0, 2p)`), in
    /// constant time: `x^-1 = a^-1·R^-1` by divsteps (`inverse.rs`), times `R^3` by one product.
    pub(crate) fn invert(&self, x: &[u32; L]) -> [u32; L] {
        let mut reduced = self.sub_p_if_ge(x);
        let mut inv = super::inverse::inverse(&self.p, self.bits, &reduced);
        let out = self.mul(&inv, &self.r3);
        reduced.zeroize();
        inv.zeroize();
        out
    }

    /// Out of Montgomery form, fully reduced into `[0, p)`.
    pub(crate) fn leave_mont(&self, x: &[u32; L]) -> [u32; L] {
        let mut one = [0u32; L];
        one[0] = 1;
        // (x + m·p) / R ≤ p for x < 2p: one conditional subtraction finishes it.
        self.sub_p_if_ge(&self.mul(x, &one))
    }

    /// `base^e` for a public exponent (square-and-multiply on its bits; `e` is not secret).
    #[cfg_attr(kcp_optimize_speed, optimize(speed))]
    pub(crate) fn pow_public(&self, base: &[u32; L], e: u64) -> [u32; L] {
        let mut acc = self.one;
        for bit in (0..64 - e.leading_zeros()).rev() {
            acc = self.sqr(&acc);
            if (e >> bit) & 1 == 1 {
                acc = self.mul(&acc, base);
            }
        }
        acc
    }

    /// `base^e` (Montgomery form in and out) for a secret exponent `e < 2^bits(p)`, in
    /// constant time: a fixed 5-bit window over every bit position up to the prime's length,
    /// a multiplication for every window (by 1 when the window is zero), and the table entry
    /// read by scanning the whole table under a mask.
    #[cfg_attr(kcp_optimize_speed, optimize(speed))]
    pub(crate) fn pow_secret(&self, base: &[u32; L], e: &[u32; L]) -> [u32; L] {
        let mut table = [[0u32; L]; TABLE];
        table[0] = self.one;
        table[1] = *base;
        for k in 2..TABLE {
            table[k] = if k % 2 == 0 {
                self.sqr(&table[k / 2])
            } else {
                self.mul(&table[k - 1], base)
            };
        }
        let windows = self.bits.div_ceil(WINDOW);
        let mut acc = [0u32; L];
        let mut entry = [0u32; L];
        for w in (0..windows).rev() {
            let digit = window_digit(e, w * WINDOW);
            select(&table, digit, &mut entry);
            if w == windows - 1 {
                acc = entry;
            } else {
                for _ in 0..WINDOW {
                    acc = self.sqr(&acc);
                }
                acc = self.mul(&acc, &entry);
            }
        }
        for row in table.iter_mut() {
            row.zeroize();
        }
        entry.zeroize();
        acc
    }
}

/// `row[j] += x·b[j]` for the whole fixed-width row, four columns per step (the release
/// profile optimizes for size and would not unroll it).
#[inline(always)]
fn mac_row<const L: usize>(row: &mut [u64; L], x: u64, b: &[u32; L]) {
    let mut j = 0;
    while j + 4 <= L {
        row[j] += x * b[j] as u64;
        row[j + 1] += x * b[j + 1] as u64;
        row[j + 2] += x * b[j + 2] as u64;
        row[j + 3] += x * b[j + 3] as u64;
        j += 4;
    }
    while j < L {
        row[j] += x * b[j] as u64;
        j += 1;
    }
}

/// One row of the interleaved Montgomery product, shifting the window down one column:
/// `t[j−1] = t[j] + x·b[j] + m·p[j]` for j = 1..L, and `t[L−1] = 0`.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn mac2_shift<const L: usize>(t: &mut [u64; L], x: u64, b: &[u32; L], m: u64, p: &[u32; L]) {
    let mut j = 1;
    while j + 4 <= L {
        t[j - 1] = t[j] + x * b[j] as u64 + m * p[j] as u64;
        t[j] = t[j + 1] + x * b[j + 1] as u64 + m * p[j + 1] as u64;
        t[j + 1] = t[j + 2] + x * b[j + 2] as u64 + m * p[j + 2] as u64;
        t[j + 2] = t[j + 3] + x * b[j + 3] as u64 + m * p[j + 3] as u64;
        j += 4;
    }
    while j < L {
        t[j - 1] = t[j] + x * b[j] as u64 + m * p[j] as u64;
        j += 1;
    }
    t[L - 1] = 0;
}

/// Two rows of the interleaved Montgomery product at once, shifting the window down two
/// columns: `t[k] = t[k+2] + x0·b[k+2] + m0·p[k+2] + x1·b[k+1] + m1·p[k+1]`.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn mac4_shift2<const L: usize>(
    t: &mut [u64; L],
    x0: u64,
    m0: u64,
    x1: u64,
    m1: u64,
    b: &[u32; L],
    p: &[u32; L],
) {
    let col = |t: &mut [u64; L], k: usize| {
        t[k] = t[k + 2]
            + x0 * b[k + 2] as u64
            + m0 * p[k + 2] as u64
            + x1 * b[k + 1] as u64
            + m1 * p[k + 1] as u64;
    };
    let mut k = 0;
    while k + 4 <= L - 2 {
        col(t, k);
        col(t, k + 1);
        col(t, k + 2);
        col(t, k + 3);
        k += 4;
    }
    while k < L - 2 {
        col(t, k);
        k += 1;
    }
    t[L - 2] = x1 * b[L - 1] as u64 + m1 * p[L - 1] as u64;
    t[L - 1] = 0;
}

/// `x` laid out for the simd128 product: `(x[2v+2], x[2v+3], x[2v+1], x[2v+2])`, zero past the end.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn spread<const L: usize>(x: &[u32; L]) -> [core::arch::wasm32::v128; L] {
    let get = |j: usize| if j < L { x[j] } else { 0 };
    let mut out = [core::arch::wasm32::u32x4_splat(0); L];
    for (v, o) in out.iter_mut().enumerate().take(L / 2) {
        *o = core::arch::wasm32::u32x4(
            get(2 * v + 2),
            get(2 * v + 3),
            get(2 * v + 1),
            get(2 * v + 2),
        );
    }
    out
}

/// Unnormalized 64-bit columns into 28-bit limbs (the value must fit L limbs).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn normalize<const L: usize>(t: &[u64; L]) -> [u32; L] {
    let mut out = [0u32; L];
    let mut carry = 0u64;
    for j in 0..L {
        let v = t[j] + carry;
        out[j] = (v & MASK) as u32;
        carry = v >> LIMB_BITS;
    }
    out
}

/// `x^-1 mod 2^32` for an odd `x`, by Newton's iteration (each step doubles the correct low
/// bits): the Montgomery constants here and in `public.rs`, and the divsteps' `p^-1 mod 2^28`.
pub(crate) fn inverse_mod_2_32(x: u32) -> u32 {
    let mut inv = x;
    for _ in 0..5 {
        inv = inv.wrapping_mul(2u32.wrapping_sub(x.wrapping_mul(inv)));
    }
    inv
}

/// The `WINDOW` bits of `e` starting at bit `at` (a public position).
#[inline(always)]
fn window_digit<const L: usize>(e: &[u32; L], at: usize) -> u32 {
    let mut digit = 0u32;
    for t in 0..WINDOW {
        let bit = at + t;
        let limb = bit / LIMB_BITS as usize;
        if limb < L {
            digit |= ((e[limb] >> (bit % LIMB_BITS as usize)) & 1) << t;
        }
    }
    digit
}

/// `out = table[index]`, reading every entry (the index is secret).
///
/// Never inlined: a fresh process runs its first exponentiations in V8's baseline tier, which has
/// no on-stack replacement, so a scan inside `pow_secret` would stay baseline code until that
/// call returns; as a function of its own, called once per window, it is promoted after a few
/// dozen calls (issue 12: a fresh process's first signature).
#[inline(never)]
#[cfg_attr(kcp_optimize_speed, optimize(speed))]
fn select<const L: usize>(table: &[[u32; L]; TABLE], index: u32, out: &mut [u32; L]) {
    out.fill(0);
    for (k, row) in table.iter().enumerate() {
        let mask = Mask::eq(k as u32, index);
        // Four limbs per step: the size-optimized build would not unroll it.
        let mut j = 0;
        while j + 4 <= L {
            out[j] |= mask.keep(row[j]);
            out[j + 1] |= mask.keep(row[j + 1]);
            out[j + 2] |= mask.keep(row[j + 2]);
            out[j + 3] |= mask.keep(row[j + 3]);
            j += 4;
        }
        while j < L {
            out[j] |= mask.keep(row[j]);
            j += 1;
        }
    }
}

/// Big-endian bytes as `N` 28-bit limbs in 64-bit columns (the form a double-width number
/// takes before a Montgomery reduction); `None` when the value needs more than `N` limbs.
pub(crate) fn wide_from_be<const N: usize>(bytes: &[u8]) -> Option<[u64; N]> {
    let mut limbs = limbs_from_be::<N>(bytes)?;
    let mut wide = [0u64; N];
    for (w, &l) in wide.iter_mut().zip(limbs.iter()) {
        *w = l as u64;
    }
    limbs.zeroize();
    Some(wide)
}

/// Big-endian bytes into 28-bit limbs; `None` when the value needs more than `N` limbs.
/// Reads every byte whatever its value (the inputs include the key's secret CRT values).
pub(crate) fn limbs_from_be<const N: usize>(bytes: &[u8]) -> Option<[u32; N]> {
    let mut out = [0u32; N];
    fill_limbs_from_be(bytes, &mut out).then_some(out)
}

/// Big-endian bytes into `out`'s 28-bit limbs, least significant first; `false` when the value
/// needs more limbs than `out` has. Every byte is read whatever its value.
pub(crate) fn fill_limbs_from_be(bytes: &[u8], out: &mut [u32]) -> bool {
    let mut acc = 0u64;
    let mut acc_bits = 0u32;
    let mut i = 0usize;
    let mut excess = 0u64;
    for &b in bytes.iter().rev() {
        acc |= (b as u64) << acc_bits;
        acc_bits += 8;
        if acc_bits >= LIMB_BITS {
            match out.get_mut(i) {
                Some(limb) => *limb = (acc & MASK) as u32,
                None => excess |= acc & MASK,
            }
            i += 1;
            acc >>= LIMB_BITS;
            acc_bits -= LIMB_BITS;
        }
    }
    match out.get_mut(i) {
        Some(limb) => *limb = acc as u32,
        None => excess |= acc,
    }
    acc.zeroize();
    // Whether the value fits is public: it depends only on its length (a key's sizes).
    !Mask::nonzero((excess | (excess >> 32)) as u32).declassify()
}

/// Normalized 28-bit limbs into exactly `len` big-endian bytes (the value must fit).
pub(crate) fn limbs_to_be(limbs: &[u32], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    let mut acc = 0u64;
    let mut acc_bits = 0u32;
    let mut pos = len;
    for &limb in limbs {
        if pos == 0 {
            break; // the rest is zero (the caller's value fits `len` bytes)
        }
        acc |= (limb as u64) << acc_bits;
        acc_bits += LIMB_BITS;
        while acc_bits >= 8 && pos > 0 {
            pos -= 1;
            out[pos] = acc as u8;
            acc >>= 8;
            acc_bits -= 8;
        }
    }
    while acc_bits > 0 && pos > 0 {
        pos -= 1;
        out[pos] = acc as u8;
        acc >>= 8;
        acc_bits = acc_bits.saturating_sub(8);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::check;
    use super::*;

    /// `a·b ≡ mul(a, b)·R (mod p)` and `mul(a, b) < 2p`, checked with the schoolbook product
    /// and remainder of `check.rs` (themselves tested against bit-serial division).
    fn assert_mont_product<const L: usize, const L2: usize>(
        f: &Field<L, L2>,
        a: &[u32; L],
        b: &[u32; L],
    ) {
        let p = f.modulus();
        let top = p.iter().rposition(|&l| l != 0).unwrap() + 1;
        let p = &p[..top];
        let mut r = vec![0u32; L + 1];
        r[L] = 1;
        for (got, what) in [
            (f.mul(a, b), "mul"),
            (if a == b { f.sqr(a) } else { f.mul(b, a) }, "sqr/commuted"),
        ] {
            let twice_p = check::mul(p, &[2]);
            assert!(
                check::lt_mask(&pad(&got, twice_p.len()), &twice_p).declassify(),
                "{what} < 2p (L = {L})"
            );
            assert_eq!(
                &check::rem(&check::mul(&got, &r), p)[..],
                &check::rem(&check::mul(a, b), p)[..],
                "{what} is a·b·R^-1 mod p (L = {L})"
            );
        }
    }

    fn pad(x: &[u32], len: usize) -> Vec<u32> {
        let mut v = x.to_vec();
        v.resize(len, 0);
        v
    }

    /// `x` as normalized limbs of a `u32` limb array of `L` (`x` given as little-endian limbs).
    fn limbs<const L: usize>(x: &[u32]) -> [u32; L] {
        let mut out = [0u32; L];
        out[..x.len()].copy_from_slice(x);
        out
    }

    /// `2p − k` as normalized limbs.
    fn two_p_minus<const L: usize>(p: &[u32; L], k: u32) -> [u32; L] {
        let mut out = [0u32; L];
        let mut carry = -(k as i64);
        for i in 0..L {
            let v = 2 * p[i] as i64 + carry;
            out[i] = (v & MASK as i64) as u32;
            carry = v >> LIMB_BITS;
        }
        out
    }

    /// Moduli at both ends of what a limb count takes (the largest with 4p < R, and one limb
    /// shorter), inputs at the edges of [0, 2p): every column's delayed carries at their largest.
    fn extremes<const L: usize, const L2: usize>() {
        let full = MASK as u32;
        let mut largest = [full; L];
        largest[L - 1] = full >> 2; // bits = 28L − 2: 4p < R exactly
        let mut shorter = [full; L];
        shorter[L - 1] = 0;
        shorter[L - 2] = full >> 1;
        let mut sparse = [0u32; L];
        sparse[0] = 1;
        sparse[L - 1] = 1 << (LIMB_BITS - 3);
        for p in [largest, shorter, sparse] {
            let f = Field::<L, L2>::new(p).expect("odd, fits");
            let edge = [
                two_p_minus(&p, 1),
                two_p_minus(&p, 2),
                p,
                two_p_minus(&p, 0x1234),
                limbs(&[1]),
                limbs(&[0]),
                limbs(&[full, full, full]),
            ];
            for a in &edge {
                for b in &edge {
                    assert_mont_product(&f, a, b);
                }
                assert_mont_product(&f, a, a);
            }
            // Out of Montgomery form, values are fully reduced.
            let x = f.leave_mont(&two_p_minus(&p, 1));
            assert!(check::lt_mask(&x, &p).declassify());
        }
    }

    /// Every limb count the signer uses, with whichever product this build compiles: the
    /// scalar one natively, the simd128 one (even counts only) in `scripts/wasm-unit-tests.sh`.
    #[test]
    fn montgomery_products_at_the_edges_for_every_limb_count() {
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        {
            extremes::<37, 74>();
            extremes::<55, 110>();
        }
        extremes::<38, 76>();
        extremes::<56, 112>();
        extremes::<74, 148>();
    }
}
