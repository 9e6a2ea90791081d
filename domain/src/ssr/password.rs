//! Argon2id password hashing, off the async runtime and with bounded concurrency, so a burst of
//! sign-ins cannot starve request handling or exhaust memory.

use crate::ssr::error::DomainError;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

#[derive(Clone, Debug)]
pub struct PasswordHasher {
    /// One per core: the hashes running at once.
    permits: Arc<Semaphore>,
    /// The hashes running or waiting. Beyond it a request is answered 429 at once instead of
    /// queueing: a burst of guesses (or of anything that verifies a password) cannot pile up
    /// 19 MiB jobs behind each other until requests time out.
    admitted: Arc<Semaphore>,
}

/// How many password hashes may wait per core before more are refused.
const WAITING_PER_CORE: usize = 8;

/// OWASP's recommended Argon2id parameters: 19 MiB of memory, 2 iterations, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = match Params::new(19 * 1024, 2, 1, None) {
        Ok(params) => params,
        Err(_) => unreachable!("constant Argon2 parameters are valid"),
    };
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a random password, verified against when the email is unknown so that an unknown
/// email costs the same time as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let password = crate::ssr::secret::random_token(32);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

impl PasswordHasher {
    pub fn new() -> Self {
        let parallelism = std::thread::available_parallelism().map_or(2, |n| n.get());
        PasswordHasher {
            permits: Arc::new(Semaphore::new(parallelism)),
            admitted: Arc::new(Semaphore::new(parallelism * (WAITING_PER_CORE + 1))),
        }
    }

    /// Hashes a new password into a PHC string.
    pub async fn hash(&self, password: &str) -> Result<String, DomainError> {
        let password = password.to_owned();
        self.run(move || {
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            argon2()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| DomainError::Internal(format!("password hashing failed: {e}")))
        })
        .await
    }

    /// Checks a password against a stored hash. With no stored hash (unknown user, or an
    /// SSO-only user) it still does the work of a verification and answers false.
    pub async fn verify(
        &self,
        password: &str,
        stored: Option<String>,
    ) -> Result<bool, DomainError> {
        let password = password.to_owned();
        self.run(move || {
            let (hash, real) = match stored {
                Some(hash) => (hash, true),
                None => (decoy_hash().to_string(), false),
            };
            let parsed = PasswordHash::new(&hash).map_err(|e| {
                DomainError::Internal(format!("stored password hash is malformed: {e}"))
            })?;
            let matches = argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
            Ok(real && matches)
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, DomainError> + Send + 'static,
    ) -> Result<T, DomainError> {
        let Ok(_admitted) = self.admitted.try_acquire() else {
            tracing::warn!("password hashing saturated: request refused with 429");
            return Err(DomainError::RateLimited {
                retry_after_secs: 1,
            });
        };
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| DomainError::Internal("password hasher closed".into()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| DomainError::Internal(format!("password task failed: {e}")))?
    }
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self::new()
    }
}
