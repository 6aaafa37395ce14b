//! `rsa` 0.10 as it comes: PKCS#1 v1.5 SHA-256 signing with blinding (`try_sign_with_rng`),
//! exactly what kcp-wasm's `MerchantKey::sign_bytes` did before `src/rsa_fast`.
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::pkcs1v15::SigningKey;
use rsa::signature::{RandomizedSigner as _, SignatureEncoding as _};
use sha2::Sha256;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct BaselineKey {
    signing: SigningKey<Sha256>,
}

#[wasm_bindgen]
impl BaselineKey {
    /// An unencrypted PKCS#8 PEM key.
    #[wasm_bindgen(js_name = fromPkcs8Pem)]
    pub fn from_pkcs8_pem(pem: &str) -> Result<BaselineKey, JsError> {
        let key = rsa::PrivateKey::from_pkcs8_pem(pem).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(BaselineKey { signing: SigningKey::<Sha256>::new(key) })
    }

    /// The raw signature bytes.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, JsError> {
        let sig = self
            .signing
            .try_sign_with_rng(&mut getrandom::SysRng, message)
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(sig.to_vec())
    }
}
