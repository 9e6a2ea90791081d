//! The instance secret: the pepper for every stored token hash (setup links now; PATs and
//! invitation links later). Passwords use Argon2 instead.

use hmac::{Hmac, Mac};
use rand::Rng;
use rand::distributions::Alphanumeric;
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
        // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
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
