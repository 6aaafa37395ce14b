//! A faster, constant-time RSA private-key operation for `kcp_sign_data`.
//!
//! # Why
//! The `rsa` crate's private-key operation works on heap-allocated, variable-width numbers
//! (crypto-bigint's `BoxedUint`), and compiled to wasm it takes 15–25 ms for RSA-2048 on our
//! benchmark machine (`make bench`), against about 0.4 ms for OpenSSL in the same process.
//! Cloudflare's free plan gives a request 10 ms of CPU. This module does the same arithmetic
//! (CRT, two half-size exponentiations) specialised for the sizes RSA keys come in.
//!
//! # How
//! - **Fixed sizes.** Each prime lives in a `[u32; L]` of 28-bit limbs, with `L` a constant:
//!   37 limbs for the 1024-bit primes of RSA-2048, 55 for RSA-3072, 74 for RSA-4096 (any
//!   modulus from 2048 to 4096 bits with balanced primes fits one of these). Every loop runs a
//!   constant number of times, the compiler sees the bounds, and nothing is allocated.
//! - **Radix 2^28 with delayed carries.** wasm has a fast 64-bit multiply but no 64×64→128:
//!   products of 28-bit limbs are below 2^56, so a 64-bit column can take 2·74 of them before it
//!   could overflow. The Montgomery product therefore adds products into 64-bit columns with no
//!   carry handling at all, and propagates one carry per row (the one out of the column the row
//!   retires). 32-bit limbs would need a carry split after every product, which costs more in
//!   wasm than the 17 % extra products of the narrower radix.
//! - **Interleaved (operand-scanning) Montgomery product, two rows per pass.** Multiplication
//!   and reduction run together; each pass over the columns handles two rows of the product and
//!   their two reduction rows: four multiply-adds per column load and store. In V8 the loads
//!   and stores, not the multiplications, set the pace: this ran about 1.5× faster than one row
//!   per pass, and four rows per pass was slower again (register pressure).
//! - **Montgomery multiplication without final subtraction.** With `4p < R = 2^(28·L)`, inputs
//!   in `[0, 2p)` give outputs in `[0, 2p)` (Walter, 1999), so there is no data-dependent
//!   conditional subtraction anywhere in an exponentiation; values are fully reduced only once,
//!   when leaving Montgomery form, by a masked subtraction.
//! - **Squaring in the same pass.** The squaring is the fused two-row product where row `i`
//!   only adds `a_i²` and the doubled cross products `2·a_i·a_j` for `j > i`: 1.5·L² instead of
//!   2·L² multiply-adds in the same single pass. (A textbook squaring — cross products, then a
//!   separate reduction pass — did fewer multiplications but ran slower than the plain
//!   product: in V8 the passes over memory cost more than the multiplications.)
//! - **Fixed 5-bit window, constant-time table reads.** The exponent is processed in windows of
//!   5 bits over every bit position of the prime's length (a public number), with one table
//!   multiplication per window even when the window is zero (the table's entry 0 is 1). The
//!   entry is read by scanning all 32 entries and keeping the wanted one under a mask computed
//!   without comparisons, so neither a branch nor a memory address depends on the exponent.
//! - **CRT recombination** (Garner): `h = qInv·(m_p − m_q) mod p` by one Montgomery product
//!   (`(x·R)·qInv·R^-1 = x·qInv`), then `s = m_q + h·q` by a plain product; no division.
//!
//! # Defence in depth
//! - **Blinding.** The message is multiplied by `r^e` before exponentiation and the result by
//!   `r^-1` after, so the exponentiation never sees a value chosen by whoever picks the message.
//!   It is done per prime (`r^e mod p`, `r^-1 mod p`, and the same mod `q`) in Montgomery form,
//!   which costs four Montgomery products instead of full-width arithmetic modulo `n`. The
//!   pair is drawn at the first signature (never at load or module scope: Workers forbid
//!   randomness there): `r` from `bits(p) + 64` random bits reduced modulo `p` (so its bias is
//!   below 2^-64), `r^e` by the public exponent, and `r^-1` by Bernstein–Yang divsteps in
//!   constant time (`inverse.rs`: no heap, no variable-time inversion; Fermat's `r^(p−2)` made
//!   the first signature cost two). Between draws each signature squares both halves (`(r^e)^2 = (r^2)^e`,
//!   `(r^-1)^2 = (r^2)^-1`); a fresh `r` is drawn every [`BLINDING_USES`] signatures and after
//!   any failure, so learning one `r` gives away at most the rest of its run.
//! - **Every signature is verified with the public key** before it is returned: a fault in a
//!   CRT half would otherwise give away a factor of `n` (Boneh–DeMillo–Lipton). For moduli up
//!   to 2070 bits (every KCP key) `s^e mod n` runs on the 74-limb Montgomery arithmetic this
//!   module already has for RSA-4096's primes (about 0.1 ms in wasm against 0.26 ms through the
//!   `rsa` crate); larger moduli use a plain variable-time Montgomery product on 32-bit limbs
//!   (`public.rs`: every input there is public). The same public operation verifies signatures
//!   for `PublicKey::verify`.
//! - Key material (primes, CRT exponents, Montgomery constants, the blinding pair) is zeroized
//!   on drop; temporaries holding powers of the message are zeroized after use.
//!
//! # simd128 (chosen at build time)
//! Built with `-C target-feature=+simd128`, the Montgomery product keeps column pairs in
//! `v128`s and uses `i64x2.extmul_{low,high}_i32x4_u` (two 32×32→64 products per
//! instruction); rows still go in pairs, so the limb counts are even (38, 56, 74). Without
//! the feature, the scalar product above is compiled and the module contains no SIMD
//! instruction. The package ships both (`scripts/build.sh`): the SIMD module is the default and
//! the scalar one a fallback chosen at load time; `make bench` times both.
//!
//! # Constant time, checked
//! Every secret condition is a `Mask` (`src/ct.rs`) made behind a value barrier, and outcomes
//! that are public by design are declassified where they are made. `tests/ctgrind.rs` runs key
//! loading and signing under valgrind with every private value and the blinding randomness
//! marked secret; any branch or address that depends on them fails `make test`.
//!
//! # Loading
//! [`CrtKey::from_parts`] takes the values straight from the key file's `RSAPrivateKey` and
//! checks that they belong together (`check.rs`: the checks the `rsa` crate makes when it
//! rebuilds a key, by fixed-size products and remainders, in constant time) instead of building
//! an `rsa::PrivateKey`, which recomputed the CRT values by variable-width division and
//! inversion and took about a third of a key load in wasm. Keys this module does not take
//! (unbalanced primes, moduli outside 2048–4096 bits) are refused by the caller before any
//! arithmetic. The `rsa` crate stays the reference every test signs against.

mod check;
mod inverse;
mod mont;
mod public;

pub(crate) use public::PublicOp;

use crate::asn1::{bit_length, strip_zeros};
use crate::ct;
use mont::{Field, LIMB_BITS, MASK, limbs_to_be, wide_from_be};
use std::sync::Mutex;
use zeroize::Zeroize;

/// `DigestInfo` for SHA-256 (RFC 8017, section 9.2, note 1), before the 32-byte hash.
const SHA256_DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// `EM` of RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017, 9.2) for a `k`-byte modulus:
/// `0x00 || 0x01 || PS (0xff…) || 0x00 || DigestInfo || SHA-256(message)`; `None` when `k` is
/// too short to hold it (below 62 bytes). What a signature opens to, for signing and verifying.
pub(crate) fn encode_pkcs1v15_sha256(message: &[u8], k: usize) -> Option<Vec<u8>> {
    use sha2::Digest as _;
    let hash = sha2::Sha256::digest(message);
    let t_len = SHA256_DIGEST_INFO.len() + hash.len();
    if k < t_len + 11 {
        return None;
    }
    let mut em = vec![0xffu8; k];
    em[0] = 0;
    em[1] = 1;
    em[k - t_len - 1] = 0;
    em[k - t_len..k - hash.len()].copy_from_slice(&SHA256_DIGEST_INFO);
    em[k - hash.len()..].copy_from_slice(&hash);
    Some(em)
}

/// How many signatures one blinding value serves (squared between them) before a fresh one is
/// drawn.
pub const BLINDING_USES: u32 = 32;

/// Where the blinding values' random bytes come from: the runtime's CSPRNG in production
/// ([`CrtKey::sign_pkcs1v15_sha256`]), anything in tests.
pub type FillRandom<'a> = &'a mut dyn FnMut(&mut [u8]) -> Result<(), SignError>;

/// The runtime's CSPRNG (`crypto.getRandomValues` in wasm).
fn system_random(bytes: &mut [u8]) -> Result<(), SignError> {
    getrandom::fill(bytes).map_err(|_| SignError::RandomUnavailable)
}

/// Why a signature could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// The runtime gave no randomness for the blinding pair.
    RandomUnavailable,
    /// The key's values do not fit together (e.g. an inverse does not exist).
    KeyInconsistent,
}

/// A private key's CRT values in the fixed-size form this module computes with.
pub struct CrtKey {
    inner: Inner,
    /// Length of the modulus in bytes (the signature's length).
    modulus_len: usize,
    /// The public exponent (public: used to make `r^e`).
    e: u64,
    /// Montgomery arithmetic modulo `n`, to check every signature before it leaves
    /// (`s^e mod n = EM`).
    check_n: PublicOp,
}

impl std::fmt::Debug for CrtKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CrtKey")
            .field("modulus_len", &self.modulus_len)
            .finish_non_exhaustive()
    }
}

// Limbs per prime: 1024-bit primes (RSA-2048), 1536 (RSA-3072), 2048 (RSA-4096), each with two
// bits to spare. The simd128 product takes rows in pairs, so it wants even counts.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const SMALL: usize = 37;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const MEDIUM: usize = 55;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const SMALL: usize = 38;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const MEDIUM: usize = 56;
const LARGE: usize = 74;

enum Inner {
    Small(Box<Crt<SMALL, { 2 * SMALL }>>),
    Medium(Box<Crt<MEDIUM, { 2 * MEDIUM }>>),
    Large(Box<Crt<LARGE, { 2 * LARGE }>>),
}

/// An RSA private key's values, big-endian (leading zeros allowed), as `RSAPrivateKey`
/// (PKCS#1) holds them.
#[derive(Clone, Copy)]
pub struct RsaParts<'a> {
    pub n: &'a [u8],
    pub e: &'a [u8],
    pub d: &'a [u8],
    pub p: &'a [u8],
    pub q: &'a [u8],
    pub dp: &'a [u8],
    pub dq: &'a [u8],
    pub qinv: &'a [u8],
}

/// A private key's PKCS#1 values as owned big-endian bytes, wiped on drop: what the tests (and
/// the valgrind harness, which marks the private ones secret first) build [`RsaParts`] from,
/// taking them from their reference `rsa` key (`rsa` is a dev-dependency only:
/// `tests/support/rsa_values.rs` fills this).
#[cfg(any(test, feature = "internals"))]
pub struct RsaValues {
    /// `n, e, d, p, q, dP, dQ, qInv`, in `RSAPrivateKey`'s order.
    pub values: [Vec<u8>; 8],
}

#[cfg(any(test, feature = "internals"))]
impl RsaValues {
    /// The private values (`d, p, q, dP, dQ, qInv`).
    pub fn private(&self) -> &[Vec<u8>] {
        &self.values[2..]
    }

    /// Borrowed as [`RsaParts`].
    pub fn parts(&self) -> RsaParts<'_> {
        let [n, e, d, p, q, dp, dq, qinv] = &self.values;
        RsaParts {
            n,
            e,
            d,
            p,
            q,
            dp,
            dq,
            qinv,
        }
    }
}

#[cfg(any(test, feature = "internals"))]
impl Drop for RsaValues {
    fn drop(&mut self) {
        self.values.zeroize();
    }
}

/// Why a [`CrtKey`] could not be made from [`RsaParts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PartsError {
    /// A valid key of a shape this module does not compute with: a modulus outside 2048–4096
    /// bits, a prime longer than half the modulus.
    Unsupported,
    /// The values do not belong together (see `check.rs`).
    Inconsistent,
}

impl CrtKey {
    /// The key from its PKCS#1 values, after checking that they belong together: `n = p·q`,
    /// `p ≠ q`, `d < n`, `e` in `[2, 2^33)`, `dP = d mod (p−1)` with `e·dP ≡ 1 (mod p−1)`, the
    /// same for `q`, and `qInv·q ≡ 1 (mod p)` with `qInv < p` — the checks the `rsa` crate makes
    /// when it builds a key and recomputes the CRT values, in constant time (see `check.rs`).
    pub fn from_parts(parts: &RsaParts<'_>) -> Result<Self, PartsError> {
        let key = Self::from_parts_inner(parts);
        scrub_stack();
        key
    }

    // Never inlined, here and in `sign_inner`: the frames that held secret values must lie below
    // the caller's, where `scrub_stack` wipes (the size-optimized .wasm inlined this one, and a
    // copy of `q` outlived the key: tests/js/hostile.test.mjs).
    #[inline(never)]
    fn from_parts_inner(parts: &RsaParts<'_>) -> Result<Self, PartsError> {
        let e = public_exponent(parts.e).ok_or(PartsError::Inconsistent)?;
        let n = strip_zeros(parts.n);
        let modulus_bits = bit_length(n);
        if !(2048..=4096).contains(&modulus_bits) {
            return Err(PartsError::Unsupported);
        }
        // The smallest limb count that holds both primes with two bits to spare (prime lengths
        // are public: half the modulus' size).
        let prime_bits = ct::public_bit_length(parts.p).max(ct::public_bit_length(parts.q));
        let inner = if prime_bits + 2 <= SMALL * LIMB_BITS as usize {
            Inner::Small(Box::new(Crt::from_parts(parts, e)?))
        } else if prime_bits + 2 <= MEDIUM * LIMB_BITS as usize {
            Inner::Medium(Box::new(Crt::from_parts(parts, e)?))
        } else if prime_bits + 2 <= LARGE * LIMB_BITS as usize {
            Inner::Large(Box::new(Crt::from_parts(parts, e)?))
        } else {
            return Err(PartsError::Unsupported);
        };
        // `n` is public: no constant-time concern here.
        let check_n = PublicOp::new(n).ok_or(PartsError::Inconsistent)?;
        Ok(Self {
            inner,
            modulus_len: modulus_bits.div_ceil(8),
            e,
            check_n,
        })
    }

    /// The PKCS#1 v1.5 SHA-256 signature of `message` (RSASSA-PKCS1-v1_5, RFC 8017 8.2.1),
    /// verified with the public key before it is returned.
    pub fn sign_pkcs1v15_sha256(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        self.sign_with_random(message, &mut system_random)
    }

    /// The same with the blinding values' randomness from `random` (tests: a failing source,
    /// the valgrind harness's source whose bytes are marked secret).
    #[cfg(feature = "internals")]
    pub fn sign_pkcs1v15_sha256_with_random(
        &self,
        message: &[u8],
        random: FillRandom<'_>,
    ) -> Result<Vec<u8>, SignError> {
        self.sign_with_random(message, random)
    }

    fn sign_with_random(
        &self,
        message: &[u8],
        random: FillRandom<'_>,
    ) -> Result<Vec<u8>, SignError> {
        let signature = self.sign_inner(message, random);
        if signature.is_err() {
            // A fault or a failed draw: the next signature starts from a fresh blinding value.
            self.forget_blinding();
        }
        scrub_stack();
        signature
    }

    fn forget_blinding(&self) {
        match &self.inner {
            Inner::Small(crt) => crt.forget_blinding(),
            Inner::Medium(crt) => crt.forget_blinding(),
            Inner::Large(crt) => crt.forget_blinding(),
        }
    }

    #[inline(never)]
    fn sign_inner(&self, message: &[u8], random: FillRandom<'_>) -> Result<Vec<u8>, SignError> {
        let em =
            encode_pkcs1v15_sha256(message, self.modulus_len).ok_or(SignError::KeyInconsistent)?;
        let signature = self.private_op(&em, random)?;
        // The signature is public from here on: it is about to be sent.
        ct::declassify(&signature);
        // Boneh–DeMillo–Lipton: a fault in one CRT half would give away a factor of n.
        if self.check_n.pow(&signature, self.e) != Some(em) {
            return Err(SignError::KeyInconsistent);
        }
        Ok(signature)
    }

    /// `c^d mod n` for a big-endian `c < n` of the modulus' length: RSA's raw private-key
    /// operation (blinded, constant time), **not verified**: for the differential tests only.
    #[cfg(feature = "internals")]
    pub fn private_op_unverified(&self, c: &[u8]) -> Result<Vec<u8>, SignError> {
        self.private_op(c, &mut system_random)
    }

    fn private_op(&self, c: &[u8], random: FillRandom<'_>) -> Result<Vec<u8>, SignError> {
        match &self.inner {
            Inner::Small(crt) => crt.private_op(self.e, c, self.modulus_len, random),
            Inner::Medium(crt) => crt.private_op(self.e, c, self.modulus_len, random),
            Inner::Large(crt) => crt.private_op(self.e, c, self.modulus_len, random),
        }
    }

    /// The limbs per prime and whether signatures are checked on the fixed-size field
    /// (`true`) or the plain wide one (tests of the size boundaries only).
    #[cfg(feature = "internals")]
    pub fn shape(&self) -> (usize, bool) {
        let limbs = match &self.inner {
            Inner::Small(_) => SMALL,
            Inner::Medium(_) => MEDIUM,
            Inner::Large(_) => LARGE,
        };
        (limbs, matches!(self.check_n, PublicOp::Fixed(_)))
    }

    /// Damages one CRT exponent after loading, to show that the signature check catches a
    /// faulty half (tests only).
    #[cfg(any(test, feature = "internals"))]
    pub fn inject_fault(&mut self) {
        match &mut self.inner {
            Inner::Small(crt) => crt.dp[3] ^= 1,
            Inner::Medium(crt) => crt.dp[3] ^= 1,
            Inner::Large(crt) => crt.dp[3] ^= 1,
        }
    }
}

/// How much stack [`scrub_stack`] wipes: more than the deepest the key's construction or a
/// signature goes (RSA-4096's 32-entry window table alone is 9.5 KiB).
const SCRUB_BYTES: usize = 64 * 1024;

/// Overwrites the stack below the caller's frame, where the frames of the calls that built a key
/// or made a signature were. Rust moves values by copying them and leaves the old bytes behind:
/// the fixed-size arrays of `p`, `q`, `dP`, `dQ`, `qInv` (returned by value, moved into a `Box`)
/// and the window table would otherwise stay in memory after the key is dropped, in wasm in the
/// linear memory any later code can read. Zeroize's volatile writes cannot be optimized away.
#[inline(never)]
fn scrub_stack() {
    // Words, not bytes: a volatile write each, 8,192 instead of 65,536 (about 4 % of a warm
    // signature's time went to the byte loop).
    let mut area = [0u64; SCRUB_BYTES / 8];
    area.zeroize();
    core::hint::black_box(&area);
}

/// The blinding pair, per prime, in Montgomery form: `u = r^e`, `v = r^-1`.
struct Blinding<const L: usize> {
    up: [u32; L],
    vp: [u32; L],
    uq: [u32; L],
    vq: [u32; L],
    /// Signatures made with this value's run so far.
    uses: u32,
}

impl<const L: usize> Drop for Blinding<L> {
    fn drop(&mut self) {
        self.up.zeroize();
        self.vp.zeroize();
        self.uq.zeroize();
        self.vq.zeroize();
    }
}

struct Crt<const L: usize, const L2: usize> {
    fp: Field<L, L2>,
    fq: Field<L, L2>,
    q: [u32; L],
    dp: [u32; L],
    dq: [u32; L],
    /// `q^-1 mod p`, fully reduced (< p).
    qinv: [u32; L],
    blinding: Mutex<Option<Blinding<L>>>,
}

impl<const L: usize, const L2: usize> Drop for Crt<L, L2> {
    fn drop(&mut self) {
        self.q.zeroize();
        self.dp.zeroize();
        self.dq.zeroize();
        self.qinv.zeroize();
    }
}

impl<const L: usize, const L2: usize> Crt<L, L2> {
    /// Checks the values (see `check.rs`) and puts them in fixed-size form.
    fn from_parts(parts: &RsaParts<'_>, e: u64) -> Result<Self, PartsError> {
        use check::{eq_mask, from_be, lt_mask, mul, rem};
        const BAD: PartsError = PartsError::Inconsistent;
        // A modulus longer than 2L limbs could not be split into c mod p by one REDC.
        let n = from_be(parts.n, L2).ok_or(PartsError::Unsupported)?;
        let limbs = |bytes: &[u8]| from_be(bytes, L).ok_or(BAD);
        let (p, q) = (limbs(parts.p)?, limbs(parts.q)?);
        let (dp, dq, qinv) = (limbs(parts.dp)?, limbs(parts.dq)?, limbs(parts.qinv)?);
        // d ≥ n never fits in fewer limbs than n; a longer d is refused as d ≥ n.
        let d = from_be(parts.d, L2).ok_or(BAD)?;
        let e_limbs = [
            (e & MASK) as u32,
            ((e >> LIMB_BITS) & MASK) as u32,
            (e >> (2 * LIMB_BITS)) as u32,
        ];
        // Prime lengths are public; zero primes (no top limb) are refused here, not divided by.
        let (pm1, qm1) = (minus_one(&p).ok_or(BAD)?, minus_one(&q).ok_or(BAD)?);
        let one = [1u32];
        let ok = eq_mask(&mul(&p, &q), &n)
            .and(eq_mask(&p, &q).not())
            .and(lt_mask(&d, &n))
            .and(eq_mask(&rem(&d, &pm1), &dp))
            .and(eq_mask(&rem(&d, &qm1), &dq))
            .and(eq_mask(&rem(&mul(&e_limbs, &dp), &pm1), &one))
            .and(eq_mask(&rem(&mul(&e_limbs, &dq), &qm1), &one))
            .and(lt_mask(&qinv, &p))
            .and(eq_mask(
                &rem(&mul(&qinv, &q), trimmed(&p).ok_or(BAD)?),
                &one,
            ));
        // The verdict is public: the caller is told whether the key loaded.
        if !ok.declassify() {
            return Err(BAD);
        }
        let array = |limbs: &[u32]| -> [u32; L] { limbs.try_into().expect("L limbs") };
        // `Field::new` refuses an even or tiny prime (n = p·q with n odd rules them out already).
        Ok(Self {
            fp: Field::new(array(&p)).ok_or(BAD)?,
            fq: Field::new(array(&q)).ok_or(BAD)?,
            q: array(&q),
            dp: array(&dp),
            dq: array(&dq),
            qinv: array(&qinv),
            blinding: Mutex::new(None),
        })
    }

    /// A fresh blinding pair: random `r_p`, `r_q` (see [`blinding_half`]), `u = r^e`, `v = r^-1`.
    fn draw_blinding(&self, e: u64, random: FillRandom<'_>) -> Result<Blinding<L>, SignError> {
        let (up, vp) = blinding_half(&self.fp, e, random)?;
        let (uq, vq) = blinding_half(&self.fq, e, random)?;
        Ok(Blinding {
            up,
            vp,
            uq,
            vq,
            uses: 0,
        })
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Blinding<L>>> {
        self.blinding
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The blinding pair for this signature: drawn at the first one and after
    /// [`BLINDING_USES`] signatures, squared in between.
    fn next_blinding(&self, e: u64, random: FillRandom<'_>) -> Result<Blinding<L>, SignError> {
        let mut slot = self.slot();
        let current = match slot.take() {
            Some(b) if b.uses < BLINDING_USES => b,
            _ => self.draw_blinding(e, random)?,
        };
        let next = Blinding {
            up: self.fp.sqr(&current.up),
            vp: self.fp.sqr(&current.vp),
            uq: self.fq.sqr(&current.uq),
            vq: self.fq.sqr(&current.vq),
            uses: current.uses + 1,
        };
        *slot = Some(next);
        Ok(current)
    }

    fn forget_blinding(&self) {
        *self.slot() = None;
    }

    fn private_op(
        &self,
        e: u64,
        c: &[u8],
        k: usize,
        random: FillRandom<'_>,
    ) -> Result<Vec<u8>, SignError> {
        let blinding = self.next_blinding(e, random)?;
        let mut wide = wide_from_be::<L2>(c).ok_or(SignError::KeyInconsistent)?;
        // m_p = ((c·r^e)^dP · r^-1) mod p, in Montgomery form throughout.
        let cp = self.fp.mul(&self.fp.to_mont_wide(&wide), &blinding.up);
        let mut mp = self
            .fp
            .mul(&self.fp.pow_secret(&cp, &self.dp), &blinding.vp);
        let cq = self.fq.mul(&self.fq.to_mont_wide(&wide), &blinding.uq);
        let mq_mont = self
            .fq
            .mul(&self.fq.pow_secret(&cq, &self.dq), &blinding.vq);
        let mut mq = self.fq.leave_mont(&mq_mont); // < q
        // h = qInv · (m_p − m_q) mod p. m_p·R is in [0, 2p); m_q·R mod p by one product.
        let mq_in_p = self.fp.to_mont(&mq); // [0, 2p)
        let mut diff = add_2p_sub(&mp, &self.fp, &mq_in_p); // (m_p − m_q)·R + 2p ∈ (0, 4p)
        let h = self.fp.sub_p_if_ge(&self.fp.mul(&diff, &self.qinv)); // < p
        // s = m_q + h·q < p·q.
        let mut t = [0u64; L2];
        for i in 0..L {
            let hi = h[i] as u64;
            for (tj, &qj) in t[i..i + L].iter_mut().zip(self.q.iter()) {
                *tj += hi * qj as u64;
            }
        }
        for (tj, &m) in t.iter_mut().zip(mq.iter()) {
            *tj += m as u64;
        }
        let mut s = [0u32; L2];
        let mut carry = 0u64;
        for (sj, &tj) in s.iter_mut().zip(t.iter()) {
            let v = tj + carry;
            *sj = (v & MASK) as u32;
            carry = v >> LIMB_BITS;
        }
        let out = limbs_to_be(&s, k);
        mp.zeroize();
        mq.zeroize();
        diff.zeroize();
        t.zeroize();
        s.zeroize();
        wide.zeroize();
        Ok(out)
    }
}

/// `a + 2p − b` for `a, b < 2p` (normalized limbs): in `(0, 4p)`, which is `< R`.
fn add_2p_sub<const L: usize, const L2: usize>(
    a: &[u32; L],
    f: &Field<L, L2>,
    b: &[u32; L],
) -> [u32; L] {
    let p = f.modulus();
    let mut out = [0u32; L];
    let mut carry = 0i64;
    for i in 0..L {
        let v = a[i] as i64 + 2 * p[i] as i64 - b[i] as i64 + carry;
        out[i] = (v & MASK as i64) as u32;
        carry = v >> LIMB_BITS; // arithmetic shift: floors negative values
    }
    out
}

/// One prime's half of a blinding pair, in Montgomery form: `(r^e, r^-1) mod p`.
///
/// `r` is `bits(p) + 64` random bits reduced modulo `p` by one Montgomery reduction (its
/// distribution is within 2^-64 of uniform), `r^-1` by constant-time divsteps
/// ([`Field::invert`]). An `r` of zero modulo `p` (probability about 2^-1024) would
/// give a wrong signature, which the public-key check refuses, and the next draw starts over.
fn blinding_half<const L: usize, const L2: usize>(
    f: &Field<L, L2>,
    e: u64,
    random: FillRandom<'_>,
) -> Result<([u32; L], [u32; L]), SignError> {
    let mut bytes = zeroize::Zeroizing::new(vec![0u8; (f.bits() + 64).div_ceil(8)]);
    random(&mut bytes)?;
    // Below 2^(bits(p)+64) < p·R: one reduction gives r·R mod p, in [0, 2p).
    let mut r = f.to_mont_be(&bytes).ok_or(SignError::KeyInconsistent)?;
    let u = f.pow_public(&r, e);
    let v = f.invert(&r);
    r.zeroize();
    Ok((u, v))
}

/// `e` as a number, when it is in `[2, 2^33)` (the `rsa` crate's bounds).
fn public_exponent(e: &[u8]) -> Option<u64> {
    let e = strip_zeros(e);
    if e.len() > 8 {
        return None;
    }
    let e = e.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64);
    (2..1 << 33).contains(&e).then_some(e)
}

/// `x` without its zero top limbs (how many is public: the size of a prime); `None` for zero.
fn trimmed(x: &[u32]) -> Option<&[u32]> {
    match ct::public_bit_length_le(x.iter().copied(), LIMB_BITS).div_ceil(LIMB_BITS as usize) {
        0 => None,
        len => Some(&x[..len]),
    }
}

/// `p − 1` for an odd `p`, trimmed to its top non-zero limb (the length is public: the prime's
/// size); `None` for an even `p` or `p = 1`, which no key may hold.
fn minus_one(p: &[u32]) -> Option<check::Limbs> {
    // Whether p is odd is public: a key with an even prime is refused.
    if p.first()
        .is_none_or(|&low| ct::declassify_u32(low & 1) == 0)
    {
        return None;
    }
    let mut out = zeroize::Zeroizing::new(p.to_vec());
    out[0] &= !1;
    let len = trimmed(&out)?.len();
    out.truncate(len);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast key of a reference `rsa` key (two primes, CRT values present).
    fn crt_key_of(key: &rsa::PrivateKey) -> CrtKey {
        use rsa::traits::{PrivateKeyParts as _, PublicKeyParts as _};
        let primes = key.primes();
        let values = RsaValues {
            values: [
                key.n().to_be_bytes(),
                key.e().to_be_bytes(),
                key.d().to_be_bytes(),
                primes[0].to_be_bytes(),
                primes[1].to_be_bytes(),
                key.dp().expect("CRT values").to_be_bytes(),
                key.dq().expect("CRT values").to_be_bytes(),
                key.crt_coefficient().expect("CRT values").to_be_bytes(),
            ]
            .map(|b| b.to_vec()),
        };
        CrtKey::from_parts(&values.parts()).expect("handled")
    }

    /// A fault in one CRT half (here: a damaged dP, which the load-time checks would have
    /// refused) must never yield a signature: the public-key check catches it.
    #[test]
    fn a_faulty_crt_half_is_caught_before_the_signature_leaves() {
        use rsa::pkcs8::DecodePrivateKey as _;
        let pem = include_str!("../../tests/fixtures/rsa2048/pkcs8.pem");
        let reference = rsa::PrivateKey::from_pkcs8_pem(pem).expect("fixture");
        let mut key = crt_key_of(&reference);
        assert!(matches!(key.check_n, PublicOp::Fixed(_)));
        assert!(key.sign_pkcs1v15_sha256(b"before").is_ok());
        key.inject_fault();
        assert_eq!(
            key.sign_pkcs1v15_sha256(b"after").err(),
            Some(SignError::KeyInconsistent)
        );
    }
}
