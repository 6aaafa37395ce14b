//! DES and Triple DES (EDE, three keys), written from FIPS 46-3 so that no step depends on the
//! key by its timing: the key files KCP issues are encrypted with Triple DES, and the key that
//! decrypts them comes from the merchant's password.
//!
//! Table-driven DES implementations (RustCrypto's `des` among them) read each S-box at an index
//! made of key and data bits: a secret-dependent memory address, which a cache-timing attacker
//! (or valgrind with the secrets marked undefined) sees. Here:
//!
//! * the permutations are fixed bit operations: IP, IP⁻¹, PC-1 and PC-2 a loop over the table's
//!   public bit positions, one bit at a time; E (in every round) rotations that bring each
//!   S-box's six bits down together; P (in every round) 19 masked rotations derived from its
//!   table at compile time. Tests check both shortcuts against the printed tables;
//! * each S-box row (16 entries of 4 bits) is packed into one `u64`; an entry is read by shifting
//!   all four rows right by 4 × column and choosing the row with two [`Mask`]s — no table
//!   index, no branch. A `u64` shift by a secret amount is one constant-time instruction on
//!   x86-64, aarch64 and wasm (`i64.shr_u`); on 32-bit CPUs a compiler may split it with a
//!   branch on the amount, which is why wasm, not a 32-bit native build, is the target.
//!
//! Bits are numbered as in the standard: bit 1 is the most significant bit of the first byte.
//! Only what the key decryption needs is here, plus encryption (Triple DES decryption runs DES
//! encryption in its middle stage).

use crate::ct::Mask;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Initial permutation IP (FIPS 46-3): output bit i + 1 is input bit `IP[i]`.
const IP: [u8; 64] = [
    58, 50, 42, 34, 26, 18, 10, 2, //
    60, 52, 44, 36, 28, 20, 12, 4, //
    62, 54, 46, 38, 30, 22, 14, 6, //
    64, 56, 48, 40, 32, 24, 16, 8, //
    57, 49, 41, 33, 25, 17, 9, 1, //
    59, 51, 43, 35, 27, 19, 11, 3, //
    61, 53, 45, 37, 29, 21, 13, 5, //
    63, 55, 47, 39, 31, 23, 15, 7,
];

/// Inverse initial permutation IP⁻¹.
const FP: [u8; 64] = [
    40, 8, 48, 16, 56, 24, 64, 32, //
    39, 7, 47, 15, 55, 23, 63, 31, //
    38, 6, 46, 14, 54, 22, 62, 30, //
    37, 5, 45, 13, 53, 21, 61, 29, //
    36, 4, 44, 12, 52, 20, 60, 28, //
    35, 3, 43, 11, 51, 19, 59, 27, //
    34, 2, 42, 10, 50, 18, 58, 26, //
    33, 1, 41, 9, 49, 17, 57, 25,
];

/// E bit-selection table: 32 bits to 48. `expand` computes it by rotations; the table is
/// the reference its test checks against.
#[cfg(test)]
const E: [u8; 48] = [
    32, 1, 2, 3, 4, 5, //
    4, 5, 6, 7, 8, 9, //
    8, 9, 10, 11, 12, 13, //
    12, 13, 14, 15, 16, 17, //
    16, 17, 18, 19, 20, 21, //
    20, 21, 22, 23, 24, 25, //
    24, 25, 26, 27, 28, 29, //
    28, 29, 30, 31, 32, 1,
];

/// Permutation P, applied to the S-boxes' 32 output bits.
const P: [u8; 32] = [
    16, 7, 20, 21, 29, 12, 28, 17, //
    1, 15, 23, 26, 5, 18, 31, 10, //
    2, 8, 24, 14, 32, 27, 3, 9, //
    19, 13, 30, 6, 22, 11, 4, 25,
];

/// Permuted choice 1: the 56 key bits that are not parity bits, as C₀ then D₀.
const PC1: [u8; 56] = [
    57, 49, 41, 33, 25, 17, 9, //
    1, 58, 50, 42, 34, 26, 18, //
    10, 2, 59, 51, 43, 35, 27, //
    19, 11, 3, 60, 52, 44, 36, //
    63, 55, 47, 39, 31, 23, 15, //
    7, 62, 54, 46, 38, 30, 22, //
    14, 6, 61, 53, 45, 37, 29, //
    21, 13, 5, 28, 20, 12, 4,
];

/// Permuted choice 2: 48 of the 56 bits of CₙDₙ form the round key Kₙ.
const PC2: [u8; 48] = [
    14, 17, 11, 24, 1, 5, //
    3, 28, 15, 6, 21, 10, //
    23, 19, 12, 4, 26, 8, //
    16, 7, 27, 20, 13, 2, //
    41, 52, 31, 37, 47, 55, //
    30, 40, 51, 45, 33, 48, //
    44, 49, 39, 56, 34, 53, //
    46, 42, 50, 36, 29, 32,
];

/// Left shifts of C and D before each round.
const SHIFTS: [u32; 16] = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];

/// The S-boxes S1…S8, as printed: four rows of sixteen columns.
const S: [[[u8; 16]; 4]; 8] = [
    [
        [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7],
        [0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8],
        [4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0],
        [15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
    ],
    [
        [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10],
        [3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5],
        [0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15],
        [13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
    ],
    [
        [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8],
        [13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1],
        [13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7],
        [1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
    ],
    [
        [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15],
        [13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9],
        [10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4],
        [3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
    ],
    [
        [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9],
        [14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6],
        [4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14],
        [11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
    ],
    [
        [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11],
        [10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8],
        [9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6],
        [4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
    ],
    [
        [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1],
        [13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6],
        [1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2],
        [6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
    ],
    [
        [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7],
        [1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2],
        [7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8],
        [2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
    ],
];

/// Each S-box row packed into a `u64`: column `c`'s entry in bits `4c..4c + 4`.
const S_PACKED: [[u64; 4]; 8] = pack_sboxes();

const fn pack_sboxes() -> [[u64; 4]; 8] {
    let mut packed = [[0u64; 4]; 8];
    let mut s = 0;
    while s < 8 {
        let mut row = 0;
        while row < 4 {
            let mut col = 0;
            while col < 16 {
                packed[s][row] |= (S[s][row][col] as u64) << (4 * col);
                col += 1;
            }
            row += 1;
        }
        s += 1;
    }
    packed
}

/// Applies a permutation table to the low `in_bits` bits of `input` (bit 1 = the most
/// significant of them); the output has `table.len()` bits. The table and widths are public, so
/// every shift amount is too; the key or data bits only travel through `&` and `|`.
#[inline(always)]
fn permute(input: u64, in_bits: u32, table: &[u8]) -> u64 {
    table.iter().fold(0, |out, &pos| {
        (out << 1) | ((input >> (in_bits - pos as u32)) & 1)
    })
}

/// P as rotations: P moves each bit of the S-boxes' output left by some number of places
/// (cyclically); bits that move by the same amount move together. `P_MASKS[r]` holds the bits
/// that move by `r`; `P_ROTATIONS` lists the amounts that occur (19 of 32). Derived from the table
/// at compile time and checked against it by a test.
const P_MASKS: [u32; 32] = {
    let mut masks = [0u32; 32];
    let mut i = 0;
    while i < 32 {
        // Output bit i + 1 is input bit P[i]: from bit index 32 − P[i] to bit index 31 − i.
        let r = (P[i] as usize + 31 - i) % 32;
        masks[r] |= 1 << (32 - P[i] as u32);
        i += 1;
    }
    masks
};

const P_ROTATION_COUNT: usize = {
    let mut count = 0;
    let mut r = 0;
    while r < 32 {
        if P_MASKS[r] != 0 {
            count += 1;
        }
        r += 1;
    }
    count
};

/// `(r, P_MASKS[r])` for every `r` that occurs.
const P_ROTATIONS: [(u32, u32); P_ROTATION_COUNT] = {
    let mut out = [(0u32, 0u32); P_ROTATION_COUNT];
    let (mut r, mut n) = (0, 0);
    while r < 32 {
        if P_MASKS[r] != 0 {
            out[n] = (r as u32, P_MASKS[r]);
            n += 1;
        }
        r += 1;
    }
    out
};

/// Permutation P: 19 masked rotations instead of 32 single-bit moves (P is the one permutation
/// in every round). The masks and amounts are constants; only `x` is secret.
#[inline(always)]
fn permute_p(x: u32) -> u32 {
    let mut out = 0;
    for &(r, mask) in &P_ROTATIONS {
        out |= (x & mask).rotate_left(r);
    }
    out
}

/// S-box `s` (0-based) at the 6-bit input `x`: the row is the outer bits (1 and 6), the column
/// the inner four. All four rows are shifted by the column; the masks of the two row bits then
/// choose one, without a branch or an index.
#[inline(always)]
fn sbox(s: usize, x: u32) -> u32 {
    let rows = &S_PACKED[s];
    let col = (x >> 1) & 0xf;
    let entry = |row: usize| ((rows[row] >> (4 * col)) & 0xf) as u32;
    let bit6 = Mask::from_bit(x & 1);
    let bit1 = Mask::from_bit((x >> 5) & 1);
    let outer0 = bit6.select(entry(1), entry(0)); // rows 0b00 and 0b01
    let outer1 = bit6.select(entry(3), entry(2)); // rows 0b10 and 0b11
    bit1.select(outer1, outer0)
}

/// The six bits of E(R) that go into S-box `s` (0-based): E's rows are R's bits 4s … 4s + 5,
/// cyclically (bit 0 is bit 32), so a rotation by a public amount brings them down together.
/// Same result as `permute(r, 32, &E)`, six bits at a time (checked by a test).
#[inline(always)]
fn expand(r: u32, s: usize) -> u32 {
    r.rotate_left(4 * s as u32 + 5) & 0x3f
}

/// The cipher function f(R, K): expand, add the round key, S-boxes, permute.
#[inline(always)]
fn f(r: u32, k: u64) -> u32 {
    let mut out = 0u32;
    for s in 0..8 {
        let k6 = ((k >> (42 - 6 * s)) & 0x3f) as u32;
        out = (out << 4) | sbox(s, expand(r, s) ^ k6);
    }
    permute_p(out)
}

/// One DES key: its sixteen 48-bit round keys K₁…K₁₆.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct Des {
    round_keys: [u64; 16],
}

impl Des {
    /// The key schedule. The parity bits (8, 16, …, 64) are ignored, as the standard says.
    pub(crate) fn new(key: &[u8; 8]) -> Des {
        let cd = permute(u64::from_be_bytes(*key), 64, &PC1);
        let (mut c, mut d) = ((cd >> 28) as u32, (cd & 0x0fff_ffff) as u32);
        let rotate = |half: u32, by: u32| ((half << by) | (half >> (28 - by))) & 0x0fff_ffff;
        let mut round_keys = [0u64; 16];
        for (k, &by) in round_keys.iter_mut().zip(&SHIFTS) {
            c = rotate(c, by);
            d = rotate(d, by);
            *k = permute(((c as u64) << 28) | d as u64, 56, &PC2);
        }
        Des { round_keys }
    }

    /// Sixteen rounds on (L, R), already through IP; returns R₁₆L₁₆, the block before IP⁻¹.
    ///
    /// A function of its own, compiled for speed, that V8 promotes to TurboFan early and quickly
    /// (a 0.3 KB body). Inlined three times into the block function, the key load's Triple DES ran
    /// in baseline code and V8 recompiled the whole 1.3 KB block function with TurboFan near its
    /// end: a fresh process's first key load was 1.2–1.4 ms slower (issue 12; warm unchanged).
    #[cfg_attr(kcp_optimize_speed, optimize(speed))]
    #[inline(never)]
    fn rounds(&self, (mut l, mut r): (u32, u32), decrypt: bool) -> (u32, u32) {
        for i in 0..16 {
            // Decryption uses the same rounds with the round keys in reverse order.
            let k = self.round_keys[if decrypt { 15 - i } else { i }];
            (l, r) = (r, l ^ f(r, k));
        }
        (r, l)
    }
}

/// IP, split into L₀ and R₀.
fn initial(block: u64) -> (u32, u32) {
    let x = permute(block, 64, &IP);
    ((x >> 32) as u32, x as u32)
}

/// IP⁻¹ of R₁₆L₁₆.
fn last((l, r): (u32, u32)) -> u64 {
    permute(((l as u64) << 32) | r as u64, 64, &FP)
}

impl Des {
    #[cfg(test)]
    pub(crate) fn encrypt(&self, block: u64) -> u64 {
        last(self.rounds(initial(block), false))
    }

    #[cfg(test)]
    pub(crate) fn decrypt(&self, block: u64) -> u64 {
        last(self.rounds(initial(block), true))
    }
}

/// Triple DES with three keys, EDE (NIST SP 800-67): C = E_K3(D_K2(E_K1(P))).
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct TdesEde3 {
    k1: Des,
    k2: Des,
    k3: Des,
}

impl TdesEde3 {
    /// The 24-byte key K1 ‖ K2 ‖ K3.
    pub(crate) fn new(key: &[u8; 24]) -> TdesEde3 {
        let part = |i: usize| {
            let mut k = [0u8; 8];
            k.copy_from_slice(&key[8 * i..8 * i + 8]);
            let des = Des::new(&k);
            k.zeroize();
            des
        };
        TdesEde3 {
            k1: part(0),
            k2: part(1),
            k3: part(2),
        }
    }

    /// P = D_K1(E_K2(D_K3(C))). IP⁻¹ at the end of one stage and IP at the start of the next
    /// cancel, so they are applied once, around all 48 rounds.
    #[cfg_attr(kcp_optimize_speed, optimize(speed))]
    pub(crate) fn decrypt(&self, block: u64) -> u64 {
        let lr = initial(block);
        let lr = self.k3.rounds(lr, true);
        let lr = self.k2.rounds(lr, false);
        last(self.k1.rounds(lr, true))
    }

    /// C = E_K3(D_K2(E_K1(P))).
    #[cfg(test)]
    pub(crate) fn encrypt(&self, block: u64) -> u64 {
        let lr = initial(block);
        let lr = self.k1.rounds(lr, false);
        let lr = self.k2.rounds(lr, true);
        last(self.k3.rounds(lr, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn des(key: u64) -> Des {
        Des::new(&key.to_be_bytes())
    }

    #[test]
    fn every_sbox_row_is_a_permutation_of_0_to_15() {
        for (s, rows) in S.iter().enumerate() {
            for (r, row) in rows.iter().enumerate() {
                let mut seen = [false; 16];
                for &v in row {
                    seen[v as usize] = true;
                }
                assert!(seen.iter().all(|&x| x), "S{} row {r}", s + 1);
            }
        }
    }

    #[test]
    fn packed_sboxes_read_like_the_printed_ones() {
        for (s, printed) in S.iter().enumerate() {
            for x in 0..64u32 {
                let row = (((x >> 4) & 2) | (x & 1)) as usize;
                let col = ((x >> 1) & 0xf) as usize;
                assert_eq!(
                    sbox(s, x),
                    printed[row][col] as u32,
                    "S{} at {x:06b}",
                    s + 1
                );
            }
        }
    }

    #[test]
    fn expansion_by_rotation_is_the_e_table() {
        let mut r = 0x0123_4567u32;
        for _ in 0..100 {
            let e = permute(r as u64, 32, &E);
            for s in 0..8 {
                assert_eq!(
                    expand(r, s) as u64,
                    (e >> (42 - 6 * s)) & 0x3f,
                    "{r:08x} S{}",
                    s + 1
                );
            }
            r = r.wrapping_mul(0x9e37_79b9).rotate_left(7) ^ 0x5a5a_a5a5;
        }
    }

    #[test]
    fn p_by_rotation_is_the_p_table() {
        let mut x = 0x0123_4567u32;
        for _ in 0..100 {
            assert_eq!(permute_p(x) as u64, permute(x as u64, 32, &P), "{x:08x}");
            x = x.wrapping_mul(0x9e37_79b9).rotate_left(7) ^ 0x5a5a_a5a5;
        }
        for bit in 0..32 {
            assert_eq!(permute_p(1 << bit) as u64, permute(1 << bit, 32, &P));
        }
    }

    #[test]
    fn fp_undoes_ip() {
        for x in [
            0u64,
            1,
            0x8000_0000_0000_0000,
            0x0123_4567_89ab_cdef,
            u64::MAX,
        ] {
            assert_eq!(permute(permute(x, 64, &IP), 64, &FP), x);
        }
    }

    /// FIPS 81 (DES modes of operation), appendix B, table B1: ECB encryption of
    /// "Now is the time for all " with key 0123456789abcdef.
    #[test]
    fn fips81_ecb_example() {
        let key = des(0x0123_4567_89ab_cdef);
        let pairs = [
            (0x4e6f_7720_6973_2074, 0x3fa4_0e8a_984d_4815), // "Now is t"
            (0x6865_2074_696d_6520, 0x6a27_1787_ab88_83f9), // "he time "
            (0x666f_7220_616c_6c20, 0x893d_51ec_4b56_3b53), // "for all "
        ];
        for (plain, cipher) in pairs {
            assert_eq!(key.encrypt(plain), cipher, "{plain:016x}");
            assert_eq!(key.decrypt(cipher), plain, "{cipher:016x}");
        }
    }

    /// NIST SP 800-20 (Modes of Operation Validation System for the Triple DES algorithm),
    /// appendix A: the first entries of the variable-plaintext known-answer test (key
    /// 0101010101010101, the all-zero key with odd parity) and of the variable-key known-answer
    /// test (plaintext 0). With K1 = K2 = K3 these are single DES.
    #[test]
    fn sp800_20_known_answers() {
        let zero = des(0x0101_0101_0101_0101);
        for (plain, cipher) in [
            (0x8000_0000_0000_0000u64, 0x95f8_a5e5_dd31_d900u64),
            (0x4000_0000_0000_0000, 0xdd7f_121c_a501_5619),
            (0x2000_0000_0000_0000, 0x2e86_5310_4f38_34ea),
        ] {
            assert_eq!(zero.encrypt(plain), cipher, "{plain:016x}");
            assert_eq!(zero.decrypt(cipher), plain);
        }
        for (key, cipher) in [
            (0x8001_0101_0101_0101u64, 0x95a8_d728_13da_a94du64),
            (0x4001_0101_0101_0101, 0x0eec_1487_dd8c_26d5),
        ] {
            assert_eq!(des(key).encrypt(0), cipher, "key {key:016x}");
            assert_eq!(des(key).decrypt(cipher), 0);
        }
    }

    #[test]
    fn triple_des_with_one_key_three_times_is_des() {
        let k = 0x0123_4567_89ab_cdefu64.to_be_bytes();
        let mut key = [0u8; 24];
        for part in key.chunks_exact_mut(8) {
            part.copy_from_slice(&k);
        }
        let tdes = TdesEde3::new(&key);
        let single = Des::new(&k);
        for x in [0u64, 0x4e6f_7720_6973_2074, u64::MAX] {
            assert_eq!(tdes.encrypt(x), single.encrypt(x));
            assert_eq!(tdes.decrypt(x), single.decrypt(x));
        }
    }

    #[test]
    fn triple_des_decrypt_undoes_encrypt() {
        let key: [u8; 24] = core::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0x5a);
        let tdes = TdesEde3::new(&key);
        let mut x = 0x0123_4567_89ab_cdefu64;
        for _ in 0..64 {
            let c = tdes.encrypt(x);
            assert_ne!(c, x);
            assert_eq!(tdes.decrypt(c), x);
            x = c;
        }
    }
}
