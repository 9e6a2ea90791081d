//! Input validation shared by the server (authoritative) and the browser (early feedback).
//! Every failure names the field it is about.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A rejected input: which field, and a sentence a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

pub const EMAIL_MAX: usize = 254;
pub const DISPLAY_NAME_MAX: usize = 100;
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;

/// Trims and lowercases an email, and checks its shape: one `@`, a non-empty local part, a
/// domain with a dot, no spaces or control characters. Deliverability is the mail server's job.
pub fn normalize_email(field: &str, raw: &str) -> Result<String, FieldError> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err(FieldError::new(field, "Enter an email address."));
    }
    if email.chars().count() > EMAIL_MAX {
        return Err(FieldError::new(
            field,
            format!("An email address has at most {EMAIL_MAX} characters."),
        ));
    }
    let well_formed = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if !well_formed {
        return Err(FieldError::new(
            field,
            format!("\"{}\" is not a valid email address.", raw.trim()),
        ));
    }
    Ok(email)
}

/// Most addresses one invitation may carry.
pub const INVITE_MAX: usize = 100;

/// The entries of a list of addresses as typed: commas, semicolons, spaces or new lines
/// between them, unchecked.
pub fn email_list_entries(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|p| !p.is_empty())
}

/// Splits a list of addresses (`email_list_entries`), normalizes each and drops repeats.
/// Every malformed address is named.
pub fn parse_email_list(field: &str, raw: &str) -> Result<Vec<String>, FieldError> {
    let mut emails: Vec<String> = Vec::new();
    let mut invalid = Vec::new();
    for part in email_list_entries(raw) {
        match normalize_email(field, part) {
            Ok(email) if !emails.contains(&email) => emails.push(email),
            Ok(_) => {}
            Err(_) => invalid.push(part.to_string()),
        }
    }
    if !invalid.is_empty() {
        return Err(FieldError::new(
            field,
            format!("Not valid email addresses: {}.", invalid.join(", ")),
        ));
    }
    if emails.is_empty() {
        return Err(FieldError::new(field, "Enter at least one email address."));
    }
    if emails.len() > INVITE_MAX {
        return Err(FieldError::new(
            field,
            format!("Invite at most {INVITE_MAX} addresses at once."),
        ));
    }
    Ok(emails)
}

/// Trims a display name and checks it is present and not over-long.
pub fn normalize_display_name(field: &str, raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(FieldError::new(field, "Enter a name."));
    }
    if name.chars().count() > DISPLAY_NAME_MAX {
        return Err(FieldError::new(
            field,
            format!("A name has at most {DISPLAY_NAME_MAX} characters."),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "A name cannot contain control characters.",
        ));
    }
    Ok(name.to_string())
}

pub const ROLE_NAME_MAX: usize = 64;
pub const DESCRIPTION_MAX: usize = 500;

/// A role name (seed 001: alphanumeric characters and hyphens): letters of either case,
/// digits and single hyphens between them (`custom-deployer`, `MLOps-Admin`). Names are unique
/// without regard to case; the caller checks that.
pub fn check_role_name(field: &str, raw: &str) -> Result<String, FieldError> {
    check_name(field, raw, "custom-deployer", |c| c.is_ascii_alphanumeric())
}

/// A team name, with the same rules as a role name (`ml-engineers`).
pub fn check_team_name(field: &str, raw: &str) -> Result<String, FieldError> {
    check_slug(field, raw, "ml-engineers")
}

/// An identity provider's slug, which names it in its redirect URL (`okta`, `google-corp`).
pub fn check_provider_slug(field: &str, raw: &str) -> Result<String, FieldError> {
    check_slug(field, raw, "okta-corp")
}

pub const TOKEN_NAME_MIN: usize = 3;
pub const TOKEN_NAME_MAX: usize = 36;

/// A personal access token's or virtual account's name (TrueFoundry's rule): 3 to 36
/// characters, lowercase letters, digits and hyphens, starting with a letter.
pub fn check_token_name(field: &str, raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(FieldError::new(field, "Enter a name."));
    }
    let length = name.chars().count();
    let well_formed = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !(TOKEN_NAME_MIN..=TOKEN_NAME_MAX).contains(&length) || !well_formed {
        return Err(FieldError::new(
            field,
            format!(
                "A name has {TOKEN_NAME_MIN} to {TOKEN_NAME_MAX} characters: lowercase letters, digits and hyphens, starting with a letter (for example ci-deploy)."
            ),
        ));
    }
    Ok(name.to_string())
}

/// Lowercase letters, digits and single hyphens between them; `example` shows the shape.
fn check_slug(field: &str, raw: &str, example: &str) -> Result<String, FieldError> {
    check_name(field, raw, example, |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit()
    })
}

/// A name of parts made of `allowed` characters, joined by single hyphens.
fn check_name(
    field: &str,
    raw: &str,
    example: &str,
    allowed: impl Fn(char) -> bool,
) -> Result<String, FieldError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(FieldError::new(field, "Enter a name."));
    }
    if name.len() > ROLE_NAME_MAX {
        return Err(FieldError::new(
            field,
            format!("A name has at most {ROLE_NAME_MAX} characters."),
        ));
    }
    let well_formed = name
        .split('-')
        .all(|part| !part.is_empty() && part.chars().all(&allowed));
    if !well_formed {
        let letters = if allowed('A') {
            "letters"
        } else {
            "lowercase letters"
        };
        return Err(FieldError::new(
            field,
            format!(
                "\"{name}\" is not a valid name: use {letters}, digits and hyphens, like {example}."
            ),
        ));
    }
    Ok(name.to_string())
}

/// A required description of at most 500 characters.
pub fn normalize_description(field: &str, raw: &str) -> Result<String, FieldError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(FieldError::new(field, "Enter a description."));
    }
    if text.chars().count() > DESCRIPTION_MAX {
        return Err(FieldError::new(
            field,
            format!("A description has at most {DESCRIPTION_MAX} characters."),
        ));
    }
    Ok(text.to_string())
}

/// An optional description of at most 500 characters (empty is fine).
pub fn normalize_optional_description(field: &str, raw: &str) -> Result<String, FieldError> {
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    normalize_description(field, raw)
}

/// Checks a new password's length (8 to 128 characters). Passwords are never trimmed.
pub fn check_new_password(field: &str, password: &str) -> Result<(), FieldError> {
    let len = password.chars().count();
    if len < PASSWORD_MIN {
        return Err(FieldError::new(
            field,
            format!("A password has at least {PASSWORD_MIN} characters."),
        ));
    }
    if len > PASSWORD_MAX {
        return Err(FieldError::new(
            field,
            format!("A password has at most {PASSWORD_MAX} characters."),
        ));
    }
    Ok(())
}

/// Checks the "password twice" pair of a form.
pub fn check_password_pair(password: &str, confirm: &str) -> Result<(), FieldError> {
    check_new_password("password", password)?;
    if password != confirm {
        return Err(FieldError::new(
            "password_confirm",
            "The two passwords do not match.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_names() {
        assert_eq!(
            check_token_name("name", " ci-deploy ").unwrap(),
            "ci-deploy"
        );
        assert_eq!(check_token_name("name", "a12").unwrap(), "a12");
        for bad in [
            "",
            "ab",
            "1abc",
            "-abc",
            "CI-deploy",
            "ci_deploy",
            "ci deploy",
            &"a".repeat(37),
        ] {
            let error = check_token_name("name", bad).unwrap_err();
            assert_eq!(error.field, "name", "{bad}");
        }
        assert!(check_token_name("name", &"a".repeat(36)).is_ok());
    }

    #[test]
    fn emails() {
        assert_eq!(
            normalize_email("email", "  Ada@Example.COM ").as_deref(),
            Ok("ada@example.com")
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "ada@@example.com",
            "ada@.example.com",
            "ada@example..com",
        ] {
            let err = normalize_email("email", bad).expect_err(bad);
            assert_eq!(err.field, "email");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(normalize_email("email", &long).is_err());
    }

    #[test]
    fn email_lists() {
        assert_eq!(
            parse_email_list(
                "emails",
                "a@example.com, B@example.com;\nc@example.com a@example.com"
            )
            .unwrap(),
            ["a@example.com", "b@example.com", "c@example.com"]
        );
        let err = parse_email_list("emails", "a@example.com, nope, also-bad@").unwrap_err();
        assert_eq!(err.field, "emails");
        assert!(err.message.contains("nope, also-bad@"), "{err}");
        assert!(parse_email_list("emails", " ,; ").is_err());
        let many: Vec<String> = (0..101).map(|i| format!("u{i}@example.com")).collect();
        assert!(parse_email_list("emails", &many.join(",")).is_err());
    }

    #[test]
    fn names() {
        assert_eq!(
            normalize_display_name("display_name", " Ada ").as_deref(),
            Ok("Ada")
        );
        assert!(normalize_display_name("display_name", "   ").is_err());
        assert!(normalize_display_name("display_name", &"x".repeat(101)).is_err());
        assert!(normalize_display_name("display_name", &"x".repeat(100)).is_ok());
    }

    #[test]
    fn role_names() {
        assert_eq!(
            check_role_name("name", " custom-deployer ").as_deref(),
            Ok("custom-deployer")
        );
        assert!(check_role_name("name", "ops2").is_ok());
        assert_eq!(
            check_role_name("name", "MLOps-Admin").as_deref(),
            Ok("MLOps-Admin")
        );
        for bad in ["", "a_b", "-a", "a-", "a--b", "a b", "ä"] {
            assert_eq!(check_role_name("name", bad).expect_err(bad).field, "name");
        }
        assert!(check_role_name("name", &"a".repeat(65)).is_err());
        assert!(normalize_description("description", "  ").is_err());
        assert!(normalize_description("description", &"d".repeat(501)).is_err());
    }

    #[test]
    fn passwords() {
        assert!(check_new_password("password", "1234567").is_err());
        assert!(check_new_password("password", "12345678").is_ok());
        assert!(check_new_password("password", &"p".repeat(128)).is_ok());
        assert!(check_new_password("password", &"p".repeat(129)).is_err());
        let err = check_password_pair("correct horse", "correct house").expect_err("mismatch");
        assert_eq!(err.field, "password_confirm");
    }
}
