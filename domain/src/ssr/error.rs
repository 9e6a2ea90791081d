use crate::validation::FieldError;

/// The one error type of the services. Each transport maps it once: an HTTP status and JSON body
/// for REST, a typed error for server functions, a readable sentence in the UI. Database text
/// never reaches a client: `Db` is logged and shown as a generic failure.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The object does not exist, or belongs to another tenant (the two look identical).
    #[error("{0} not found")]
    NotFound(String),
    /// Signed in, but lacking a permission. The message names what is missing.
    #[error("{0}")]
    Forbidden(String),
    /// The request clashes with existing state (duplicate, already used, ...).
    #[error("{0}")]
    Conflict(String),
    /// Bad input; names the field.
    #[error("{0}")]
    Validation(FieldError),
    /// No (valid) session or token.
    #[error("Sign in to continue.")]
    Unauthenticated,
    /// The operation hands out a credential, and this session's sign-in is older than
    /// `REAUTHENTICATE_AFTER`: confirm the password (or sign in again) first.
    #[error(
        "Confirm it is you: enter your password again (or sign in again with single sign-on). This hands out a token, and you signed in more than {} minutes ago.",
        crate::ssr::authorize::REAUTHENTICATE_AFTER.num_minutes()
    )]
    ReauthenticationRequired,
    /// Unknown email or wrong password: deliberately the same message for both.
    #[error("The email or password is incorrect.")]
    InvalidCredentials,
    /// The account exists and the password was right, but the user is deactivated.
    #[error("This account has been deactivated. Ask an administrator to reactivate it.")]
    AccountDeactivated,
    /// A single sign-on that did not end in a session; says why in words for the person.
    #[error("{}", .0.message())]
    SignInRefused(crate::dto::SsoFailure),
    /// Too many attempts for this account or address: failed sign-ins or password checks,
    /// reset requests, or more password work than the server takes at once.
    #[error("Too many attempts. Try again in {} minute(s).", retry_after_secs.div_ceil(60).max(1))]
    RateLimited { retry_after_secs: u64 },
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
    #[error("internal error: {0}")]
    Internal(String),
}

impl DomainError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        DomainError::Validation(FieldError::new(field, message))
    }
}

impl From<FieldError> for DomainError {
    fn from(value: FieldError) -> Self {
        DomainError::Validation(value)
    }
}

impl From<sea_orm::TransactionError<DomainError>> for DomainError {
    fn from(value: sea_orm::TransactionError<DomainError>) -> Self {
        match value {
            sea_orm::TransactionError::Connection(db) => DomainError::Db(db),
            sea_orm::TransactionError::Transaction(inner) => inner,
        }
    }
}

pub type DomainResult<T> = Result<T, DomainError>;
