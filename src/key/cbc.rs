//! CBC decryption and PKCS#7 unpadding for the encrypted key formats, in constant time.
//!
//! Both the PKCS#12 scheme (Triple DES) and PBES2 (AES or Triple DES) end here, so a damaged or
//! tampered ciphertext fails the same way whatever the cipher: the padding check reads every byte
//! of the last block under [`Mask`]s and gives one verdict, declassified once. (An unpadder that
//! stops at the first bad byte — RustCrypto's `block-padding` — tells by its timing how far the
//! padding was right: a padding oracle for whoever can tamper with a stored key file.)

use super::des::TdesEde3;
use crate::ct::{Mask, declassify_u32};
use aes::cipher::{Block, BlockCipherDecrypt, KeyInit};
use zeroize::Zeroizing;

/// A block cipher's decryption, for [`decrypt`].
pub(crate) trait BlockDecrypt {
    /// The block length in bytes (8 or 16).
    const BLOCK: usize;
    /// Decrypts one block of exactly [`Self::BLOCK`] bytes in place.
    fn decrypt_block(&self, block: &mut [u8]);
}

impl BlockDecrypt for TdesEde3 {
    const BLOCK: usize = 8;

    fn decrypt_block(&self, block: &mut [u8]) {
        let mut word = [0u8; 8];
        word.copy_from_slice(block);
        block.copy_from_slice(&self.decrypt(u64::from_be_bytes(word)).to_be_bytes());
        zeroize::Zeroize::zeroize(&mut word);
    }
}

/// AES from the `aes` crate: constant time (fixsliced in software, AES-NI or ARMv8 AES natively).
pub(crate) struct Aes<C>(C);

impl<C: KeyInit> Aes<C> {
    /// `None` when `key` is not the cipher's key length (which the caller has already checked).
    pub(crate) fn new(key: &[u8]) -> Option<Self> {
        C::new_from_slice(key).ok().map(Aes)
    }
}

impl<C: BlockCipherDecrypt> BlockDecrypt for Aes<C> {
    const BLOCK: usize = 16;

    fn decrypt_block(&self, block: &mut [u8]) {
        let block: &mut Block<C> = block.try_into().expect("a 16-byte block");
        self.0.decrypt_block(block);
    }
}

/// Why [`decrypt`] failed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CbcError {
    /// The IV is not one block, or the ciphertext is not a whole, non-zero number of blocks:
    /// visible in the file before anything is decrypted.
    BadLength,
    /// The plaintext's padding is wrong: a wrong password or a damaged ciphertext.
    BadPadding,
}

/// Decrypts `ciphertext` in CBC mode and removes its PKCS#7 padding.
pub(crate) fn decrypt<C: BlockDecrypt>(
    cipher: &C,
    iv: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CbcError> {
    let n = C::BLOCK;
    if iv.len() != n || ciphertext.is_empty() || !ciphertext.len().is_multiple_of(n) {
        return Err(CbcError::BadLength);
    }
    let mut plain = Zeroizing::new(ciphertext.to_vec());
    let previous = core::iter::once(iv).chain(ciphertext.chunks_exact(n));
    for (block, previous) in plain.chunks_exact_mut(n).zip(previous) {
        cipher.decrypt_block(block);
        for (p, c) in block.iter_mut().zip(previous) {
            *p ^= c;
        }
    }
    let len = unpad(&plain, n).ok_or(CbcError::BadPadding)?;
    plain.truncate(len);
    Ok(plain)
}

/// The length of `plain` without its PKCS#7 padding, or `None` when the padding is not valid:
/// the last byte `k` must be 1 to `block`, and so must the `k` bytes that end the text. All of
/// the last block is read whatever `k` is; `plain` is a whole, non-zero number of blocks.
fn unpad(plain: &[u8], block: usize) -> Option<usize> {
    let len = plain.len();
    let last_block = &plain[len - block..];
    let k = last_block[block - 1] as u32;
    let mut ok = Mask::nonzero(k).and(Mask::lt(k, block as u32 + 1));
    for (i, &byte) in last_block.iter().rev().enumerate() {
        let in_padding = Mask::lt(i as u32, k);
        ok = ok.and(in_padding.not().or(Mask::eq(byte as u32, k)));
    }
    // One word holds the whole verdict: 0 for bad padding, else the unpadded length + 1.
    // Declassified because both outcomes are public: a wrong padding means the key did not
    // decrypt, which the caller is told (as KEY_PASSWORD_INCORRECT, the same code as every
    // later failure), and a right one gives the length of the key's DER, which the
    // ciphertext's length already shows to within a block and the DER's own header states.
    let verdict = declassify_u32(ok.keep((len as u32).wrapping_sub(k).wrapping_add(1)));
    verdict.checked_sub(1).map(|len| len as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "Decrypts" by doing nothing, to test the mode and the padding alone.
    struct Identity<const N: usize>;

    impl<const N: usize> BlockDecrypt for Identity<N> {
        const BLOCK: usize = N;
        fn decrypt_block(&self, _: &mut [u8]) {}
    }

    fn unpad_reference(plain: &[u8], block: usize) -> Option<usize> {
        let k = *plain.last()? as usize;
        if k == 0 || k > block || plain[plain.len() - k..].iter().any(|&b| b as usize != k) {
            return None;
        }
        Some(plain.len() - k)
    }

    #[test]
    fn unpad_agrees_with_the_definition_on_every_last_byte() {
        for block in [8usize, 16] {
            for len in [block, 2 * block] {
                for k in 0..=255u8 {
                    // Valid padding of k bytes (when k fits), then every single-byte corruption.
                    let mut plain = vec![0x5au8; len];
                    let fill = (k as usize).min(block);
                    for b in &mut plain[len - fill..] {
                        *b = k;
                    }
                    assert_eq!(unpad(&plain, block), unpad_reference(&plain, block));
                    for i in len - block..len {
                        let mut bad = plain.clone();
                        bad[i] ^= 0x01;
                        assert_eq!(unpad(&bad, block), unpad_reference(&bad, block), "{i}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_whole_block_of_padding_is_removed() {
        assert_eq!(unpad(&[8u8; 8], 8), Some(0));
        assert_eq!(unpad(&[16u8; 16], 16), Some(0));
        assert_eq!(unpad(&[16u8; 16], 8), None);
        assert_eq!(unpad(&[0u8; 8], 8), None);
    }

    #[test]
    fn cbc_xors_the_previous_ciphertext_block() {
        let iv = [0xf0u8; 8];
        let ct: Vec<u8> = (0..16).collect();
        // Identity "decryption": P1 = C1 ^ IV, P2 = C2 ^ C1.
        let mut expected: Vec<u8> = ct[..8].iter().map(|c| c ^ 0xf0).collect();
        expected.extend(ct[8..].iter().zip(&ct[..8]).map(|(a, b)| a ^ b));
        let mut ct_padded = ct.clone();
        // Make the last plaintext byte 1 (valid padding): C2[7] ^ C1[7] = 1.
        ct_padded[15] = ct_padded[7] ^ 1;
        expected[15] = 1;
        let plain = decrypt(&Identity::<8>, &iv, &ct_padded).unwrap();
        assert_eq!(&plain[..], &expected[..15]);
    }

    #[test]
    fn lengths_are_checked_first() {
        let id = Identity::<8>;
        assert_eq!(decrypt(&id, &[0; 8], &[]).err(), Some(CbcError::BadLength));
        assert_eq!(
            decrypt(&id, &[0; 8], &[1; 12]).err(),
            Some(CbcError::BadLength)
        );
        assert_eq!(
            decrypt(&id, &[0; 7], &[1; 8]).err(),
            Some(CbcError::BadLength)
        );
        assert_eq!(decrypt(&id, &[0; 8], &[1; 8]).unwrap().len(), 7);
    }
}
