//! Constant-time selection: the one place where a condition on secret data becomes a mask.
//!
//! A secret condition is a [`Mask`] (all ones or all zeros), never a `bool`: a `bool` invites a
//! branch, and a branch on a secret leaks it through timing. Every mask is made here, and passes
//! [`barrier`] when it is made, so the compiler cannot prove it is 0 or all ones and turn a masked
//! select back into a branch or a secret-dependent address. (LLVM does exactly that with a bare
//! `(x & m) | (y & !m)` when it can see that `m` came from a single bit: a `test`/`js` at
//! opt-level `s`, a branch choosing a `memmove` source at opt-level 3, an `i32.select` in wasm.
//! BoringSSL puts a value barrier on every mask for the same reason.)
//!
//! A mask becomes a `bool` only through [`Mask::declassify`], for outcomes that are public by
//! design (a key check's verdict, a padding check whose result the caller is told anyway).
//! Secret bytes that become public (a finished signature) pass [`declassify`]. Both are no-ops in
//! a normal build; they are where the valgrind test (`scripts/ctgrind.sh`, `tests/ctgrind.rs`)
//! marks memory defined again, so every declassification is visible in the code and nothing else
//! may branch on a secret.

/// Hides `x`'s value from the optimizer: whatever it knew about `x` (e.g. that it is 0 or 1) it
/// no longer knows about the result.
#[inline(always)]
pub(crate) fn barrier(x: u32) -> u32 {
    core::hint::black_box(x)
}

/// A secret condition: `0xffff_ffff` (true) or `0` (false), made only in this module, behind a
/// [`barrier`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub(crate) struct Mask(u32);

impl Mask {
    /// True when `bit` (0 or 1) is 1.
    #[inline(always)]
    pub(crate) fn from_bit(bit: u32) -> Mask {
        debug_assert!(bit <= 1);
        Mask(barrier(bit).wrapping_neg())
    }

    /// True when `x != 0`.
    #[inline(always)]
    pub(crate) fn nonzero(x: u32) -> Mask {
        Mask::from_bit((x | x.wrapping_neg()) >> 31)
    }

    /// True when `a == b`.
    #[inline(always)]
    pub(crate) fn eq(a: u32, b: u32) -> Mask {
        Mask::nonzero(a ^ b).not()
    }

    /// True when `a < b`.
    #[inline(always)]
    pub(crate) fn lt(a: u32, b: u32) -> Mask {
        // The borrow out of a − b (Hacker's Delight 2-13).
        Mask::from_bit(((!a & b) | ((!a | b) & a.wrapping_sub(b))) >> 31)
    }

    /// Not.
    #[inline(always)]
    #[allow(clippy::should_implement_trait)]
    pub(crate) fn not(self) -> Mask {
        Mask(!self.0)
    }

    /// And.
    #[inline(always)]
    pub(crate) fn and(self, other: Mask) -> Mask {
        Mask(self.0 & other.0)
    }

    /// Or.
    #[inline(always)]
    pub(crate) fn or(self, other: Mask) -> Mask {
        Mask(self.0 | other.0)
    }

    /// `x` when true, else 0.
    #[inline(always)]
    pub(crate) fn keep(self, x: u32) -> u32 {
        x & self.0
    }

    /// `a` when true, else `b`.
    #[inline(always)]
    pub(crate) fn select(self, a: u32, b: u32) -> u32 {
        b ^ ((a ^ b) & self.0)
    }

    /// `out[i] = a[i]` when true, else `b[i]`, for every `i` (equal lengths).
    #[inline(always)]
    pub(crate) fn select_limbs(self, a: &[u32], b: &[u32], out: &mut [u32]) {
        debug_assert!(a.len() == b.len() && b.len() == out.len());
        for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
            *o = self.select(x, y);
        }
    }

    /// The condition as a `bool`, for an outcome that is public by design. Each call site says
    /// why its outcome is public.
    #[inline(always)]
    pub(crate) fn declassify(self) -> bool {
        declassify_u32(self.0) == u32::MAX
    }
}

/// The bit length of `x` (0 for 0), without a branch on `x`.
#[inline(always)]
pub(crate) fn bit_length_u32(x: u32) -> u32 {
    // `leading_zeros` is `clz` in wasm and `lzcnt`, or `bsr` with a conditional move, on x86-64.
    32 - x.leading_zeros()
}

/// The bit length of a secret number whose length is public (a prime's is half the modulus'
/// size), given as little-endian words of `word_bits` bits: every word is read, and only the
/// length is declassified.
pub(crate) fn public_bit_length_le(words: impl Iterator<Item = u32>, word_bits: u32) -> usize {
    let mut bits = 0u32;
    for (i, word) in words.enumerate() {
        // The highest non-zero word sets the length.
        let len = i as u32 * word_bits + bit_length_u32(word);
        bits = Mask::nonzero(word).select(len, bits);
    }
    declassify_u32(bits) as usize
}

/// [`public_bit_length_le`] of a big-endian byte string.
pub(crate) fn public_bit_length(bytes: &[u8]) -> usize {
    public_bit_length_le(bytes.iter().rev().map(|&b| b as u32), 8)
}

/// A word that is public from here on (e.g. a length that depends only on the key's size).
#[inline(always)]
pub(crate) fn declassify_u32(x: u32) -> u32 {
    let mut bytes = x.to_ne_bytes();
    declassify(&bytes);
    // Read the word back from memory (where the valgrind hook marked it), not from the register
    // that still holds the secret-marked original.
    core::hint::black_box(&mut bytes);
    u32::from_ne_bytes(bytes)
}

/// Bytes that are public from here on (e.g. a finished signature, which is about to be sent).
/// A no-op, except under the valgrind test, which marks them defined.
#[inline(always)]
pub(crate) fn declassify(bytes: &[u8]) {
    #[cfg(feature = "internals")]
    if let Some(hook) = testing::DECLASSIFY.get() {
        hook(bytes);
    }
    core::hint::black_box(bytes);
}

/// Hooks for the constant-time tests (feature `internals`, never for users).
#[cfg(feature = "internals")]
pub mod testing {
    use std::sync::OnceLock;

    pub(crate) static DECLASSIFY: OnceLock<fn(&[u8])> = OnceLock::new();

    /// Installs the function that marks declassified bytes as public (the valgrind harness marks
    /// them defined). Only the first call counts.
    pub fn set_declassify_hook(hook: fn(&[u8])) {
        let _ = DECLASSIFY.set(hook);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_agree_with_comparisons() {
        let values = [
            0u32,
            1,
            2,
            0x7fff_ffff,
            0x8000_0000,
            0x8000_0001,
            u32::MAX - 1,
            u32::MAX,
        ];
        for &a in &values {
            for &b in &values {
                assert_eq!(Mask::eq(a, b).declassify(), a == b, "{a} == {b}");
                assert_eq!(Mask::lt(a, b).declassify(), a < b, "{a} < {b}");
                assert_eq!(Mask::nonzero(a).declassify(), a != 0);
                let m = Mask::lt(a, b);
                assert_eq!(m.select(a, b), a.min(b));
                assert_eq!(m.keep(a), if a < b { a } else { 0 });
            }
        }
        assert_eq!(Mask::from_bit(1), Mask(u32::MAX));
        assert!(!Mask::from_bit(0).declassify());
        assert!(
            Mask::from_bit(1)
                .and(Mask::from_bit(0))
                .not()
                .or(Mask::from_bit(0))
                .declassify()
        );
        let mut out = [0u32; 3];
        Mask::from_bit(0).select_limbs(&[1, 2, 3], &[4, 5, 6], &mut out);
        assert_eq!(out, [4, 5, 6]);
    }

    #[test]
    fn bit_lengths() {
        for x in [0u32, 1, 2, 3, 0x80, 0xff, 0x100, 0x7fff_ffff, u32::MAX] {
            assert_eq!(bit_length_u32(x), 32 - x.leading_zeros());
        }
        assert_eq!(public_bit_length(&[]), 0);
        assert_eq!(public_bit_length(&[0, 0]), 0);
        assert_eq!(public_bit_length(&[0, 1]), 1);
        assert_eq!(public_bit_length(&[0, 0x80, 0]), 16);
        assert_eq!(public_bit_length(&[0x01, 0xff, 0xff]), 17);
        assert_eq!(public_bit_length(&[0x00, 0x00, 0x03, 0x00]), 10);
        assert_eq!(public_bit_length_le([0, 0, 0].into_iter(), 28), 0);
        assert_eq!(public_bit_length_le([5, 1 << 27, 0].into_iter(), 28), 56);
        assert_eq!(
            public_bit_length_le([(1 << 28) - 1, 0, 3, 0].into_iter(), 28),
            58
        );
    }
}
