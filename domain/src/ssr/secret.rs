//! The instance secret: the pepper for every stored token hash (setup and password links;
//! PATs later) and the key for data sealed at rest (queued mail). Passwords use Argon2 instead.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, Mac};
use rand::distributions::Alphanumeric;
use rand::{Rng, RngCore};
use sha2::Sha256;
use std::fmt;

/// Minimum length accepted for LATCHKEY_SECRET.
pub const SECRET_MIN_LEN: usize = 32;

#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Wraps configured secret material. Callers check the length first (`SECRET_MIN_LEN`).
    pub fn new(material: impl Into<Vec<u8>>) -> Self {
        Secret(material.into())
    }

    /// 64 random alphanumeric characters (~380 bits), for a secret generated on first start.
    pub fn generate_material() -> String {
        random_token(64)
    }

    /// HMAC-SHA-256 of `value` under this secret, with a purpose label so a hash made for one
    /// kind of token can never match another kind. Hex encoded.
    pub fn keyed_hash(&self, purpose: &str, value: &str) -> String {
        hex::encode(self.mac(purpose, value.as_bytes()))
    }

    /// Encrypts `plaintext` with ChaCha20-Poly1305 under a key derived from this secret and
    /// `purpose` (which is also bound as associated data). Hex of nonce then ciphertext.
    /// Changing LATCHKEY_SECRET makes what was sealed before unreadable.
    pub fn seal(&self, purpose: &str, plaintext: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: purpose.as_bytes(),
        };
        // Encryption fails only for messages longer than 2^38 bytes.
        let Ok(ciphertext) = self
            .cipher(purpose)
            .encrypt(Nonce::from_slice(&nonce), payload)
        else {
            unreachable!("ChaCha20-Poly1305 encrypts any message shorter than 256 GiB")
        };
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        hex::encode(sealed)
    }

    /// Opens what `seal` made with the same purpose; `None` when it was sealed under another
    /// secret or purpose, or was altered.
    pub fn unseal(&self, purpose: &str, sealed: &str) -> Option<String> {
        let bytes = hex::decode(sealed).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let payload = Payload {
            msg: ciphertext,
            aad: purpose.as_bytes(),
        };
        let plaintext = self
            .cipher(purpose)
            .decrypt(Nonce::from_slice(nonce), payload)
            .ok()?;
        String::from_utf8(plaintext).ok()
    }

    fn cipher(&self, purpose: &str) -> ChaCha20Poly1305 {
        let key = self.mac("sealing-key", purpose.as_bytes());
        ChaCha20Poly1305::new(Key::from_slice(&key))
    }

    /// HMAC-SHA-256 of `purpose`, a zero byte and `value`, keyed with the secret.
    fn mac(&self, purpose: &str, value: &[u8]) -> [u8; 32] {
        // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(value);
        mac.finalize().into_bytes().into()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// A random string of `len` characters from [A-Za-z0-9], from the operating system's CSPRNG.
pub fn random_token(len: usize) -> String {
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(material: &str) -> Secret {
        Secret::new(material.repeat(4))
    }

    #[test]
    fn sealed_text_opens_only_with_the_same_secret_and_purpose() {
        let a = secret("first-secret-material");
        let sealed = a.seal(
            "mail",
            "set your password: https://x/set-password?token=abc",
        );
        assert!(!sealed.contains("token=abc"));
        assert_eq!(
            a.unseal("mail", &sealed).as_deref(),
            Some("set your password: https://x/set-password?token=abc")
        );
        assert_eq!(a.unseal("other", &sealed), None);
        assert_eq!(
            secret("second-secret-material").unseal("mail", &sealed),
            None
        );
        let mut altered = sealed.clone();
        altered.replace_range(30..31, if &sealed[30..31] == "0" { "1" } else { "0" });
        assert_eq!(a.unseal("mail", &altered), None);
        assert_eq!(a.unseal("mail", "not hex"), None);
    }

    #[test]
    fn sealing_twice_gives_different_ciphertexts() {
        let a = secret("first-secret-material");
        assert_ne!(a.seal("mail", "same"), a.seal("mail", "same"));
    }
}
