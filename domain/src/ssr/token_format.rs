//! The shape of API tokens: `lk_pat_` (personal access token) or `lk_va_` (virtual account),
//! 32 random base62 characters (about 190 bits), then 6 base62 characters of the CRC-32 of
//! everything before them. The prefix makes a leaked token recognisable to secret scanners;
//! the checksum lets a mistyped or made-up token be refused without a database read.

use crate::ssr::secret::random_token;

const BODY_LEN: usize = 32;
const CHECKSUM_LEN: usize = 6;
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Who a token speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A user's personal access token.
    Personal,
    /// A virtual account's token.
    VirtualAccount,
}

impl TokenKind {
    pub fn prefix(self) -> &'static str {
        match self {
            TokenKind::Personal => "lk_pat_",
            TokenKind::VirtualAccount => "lk_va_",
        }
    }

    /// The value stored in `tokens.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Personal => "pat",
            TokenKind::VirtualAccount => "va",
        }
    }

    pub fn parse(stored: &str) -> Option<TokenKind> {
        match stored {
            "pat" => Some(TokenKind::Personal),
            "va" => Some(TokenKind::VirtualAccount),
            _ => None,
        }
    }
}

/// A new random token of `kind`.
pub fn generate(kind: TokenKind) -> String {
    let mut token = format!("{}{}", kind.prefix(), random_token(BODY_LEN));
    let checksum = checksum(&token);
    token.push_str(&checksum);
    token
}

/// The kind of a well-formed token with a correct checksum; `None` for anything else. Reads
/// no database, so garbage costs nothing.
pub fn check(candidate: &str) -> Option<TokenKind> {
    let kind = [TokenKind::Personal, TokenKind::VirtualAccount]
        .into_iter()
        .find(|kind| candidate.starts_with(kind.prefix()))?;
    let rest = &candidate[kind.prefix().len()..];
    if rest.len() != BODY_LEN + CHECKSUM_LEN || !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let (signed, given) = candidate.split_at(candidate.len() - CHECKSUM_LEN);
    (checksum(signed) == given).then_some(kind)
}

/// CRC-32 of `text` in 6 base62 digits (62^6 > 2^32), most significant first.
fn checksum(text: &str) -> String {
    let mut value = u64::from(crc32fast::hash(text.as_bytes()));
    let mut digits = [b'0'; CHECKSUM_LEN];
    for digit in digits.iter_mut().rev() {
        *digit = BASE62[(value % 62) as usize];
        value /= 62;
    }
    digits.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_pass_their_own_check() {
        for kind in [TokenKind::Personal, TokenKind::VirtualAccount] {
            let token = generate(kind);
            assert!(token.starts_with(kind.prefix()));
            assert_eq!(token.len(), kind.prefix().len() + BODY_LEN + CHECKSUM_LEN);
            assert_eq!(check(&token), Some(kind));
        }
        assert_ne!(generate(TokenKind::Personal), generate(TokenKind::Personal));
    }

    #[test]
    fn a_typo_or_a_foreign_string_fails_the_check() {
        let token = generate(TokenKind::Personal);
        let mut chars: Vec<char> = token.chars().collect();
        let i = TokenKind::Personal.prefix().len() + 5;
        chars[i] = if chars[i] == 'a' { 'b' } else { 'a' };
        let typo: String = chars.into_iter().collect();
        assert_eq!(check(&typo), None);
        assert_eq!(check(&token[..token.len() - 1]), None);
        assert_eq!(check(&format!("{token}x")), None);
        assert_eq!(check(&token.replacen("lk_pat_", "lk_va_", 1)), None);
        assert_eq!(check(""), None);
        assert_eq!(check("Bearer something"), None);
        assert_eq!(check(&token.replacen("lk_pat_", "lk_xx_", 1)), None);
    }

    #[test]
    fn checksum_is_six_base62_digits() {
        assert_eq!(checksum("").len(), 6);
        assert!(
            checksum("lk_pat_x")
                .bytes()
                .all(|b| b.is_ascii_alphanumeric())
        );
    }
}
