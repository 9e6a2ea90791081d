use crate::error::AppError;
use chrono::Utc;
use domain::ids::UserId;
use domain::{SESSION_AUTHENTICATED_AT_KEY, SESSION_SIGNED_IN_AT_KEY, SESSION_USER_KEY};
use tower_sessions::Session;

fn session_error(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store error");
    AppError::Internal
}

/// Signs `user` in on this session, under a new session id so that an id planted before
/// sign-in (session fixation) is worthless.
pub async fn start_session(session: &Session, user: UserId) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(SESSION_USER_KEY, user.0)
        .await
        .map_err(session_error)?;
    session
        .insert(SESSION_SIGNED_IN_AT_KEY, Utc::now().timestamp())
        .await
        .map_err(session_error)?;
    mark_authenticated(session).await
}

/// Records that the user proved who they are just now (sign-in, a password confirmation or
/// change), which lets this session hand out credentials for `REAUTHENTICATE_AFTER`.
pub async fn mark_authenticated(session: &Session) -> Result<(), AppError> {
    session
        .insert(SESSION_AUTHENTICATED_AT_KEY, Utc::now().timestamp())
        .await
        .map_err(session_error)
}

/// Signs out: deletes the session record and expires the cookie.
pub async fn end_session(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_error)
}

/// Where to go when `next` is missing or could leave the site.
const DEFAULT_TARGET: &str = "/";

/// The origin every `next` must resolve within. `.invalid` is reserved (RFC 2606): it names
/// no real host, so nothing is ever fetched or trusted there.
const LOCAL_BASE: &str = "http://latchkey.invalid/";

/// Where to go after sign-in: `next` when it is a path on this site, else the home page (`/`).
///
/// `next` is resolved as a browser would resolve it against a page of this site, and is
/// followed only when the result stays on this site's origin; what is returned is the
/// resolved path, query and fragment, so the browser reads exactly what was checked. Refused
/// outright: anything not starting with a single `/`, control characters, whitespace and
/// backslashes (browsers drop tabs and newlines and read `\` as `/`, so `/\t/evil.example`
/// and `/\evil.example` are `//evil.example` to them), the same percent-encoded in the path
/// (`/%09/evil.example`, `/%5Cevil.example`, `/%2F/evil.example`, for whatever decodes it
/// once more), and paths that resolve to `//...` (`/.//evil.example`).
pub fn local_redirect_target(next: Option<&str>) -> String {
    next.and_then(local_path)
        .unwrap_or_else(|| DEFAULT_TARGET.to_string())
}

fn local_path(next: &str) -> Option<String> {
    if !next.starts_with('/') || next.starts_with("//") {
        return None;
    }
    let unsafe_char = |c: char| c.is_control() || c.is_whitespace() || c == '\\';
    if next.chars().any(unsafe_char) {
        return None;
    }
    let raw_path = next.split(['?', '#']).next().unwrap_or_default();
    let decoded_path = percent_decoded(raw_path);
    if decoded_path.chars().any(|c| c.is_control() || c == '\\')
        || decoded_path
            .chars()
            .nth(1)
            .is_some_and(|c| c == '/' || c.is_whitespace())
    {
        return None;
    }
    let base = url::Url::parse(LOCAL_BASE).ok()?;
    let resolved = base.join(next).ok()?;
    if resolved.origin() != base.origin()
        || !resolved.username().is_empty()
        || resolved.password().is_some()
    {
        return None;
    }
    let mut target = resolved.path().to_string();
    // Dot segments can leave an empty first segment behind: `/.//evil.example` is `//evil.example`.
    if !target.starts_with('/') || target.starts_with("//") {
        return None;
    }
    if let Some(query) = resolved.query() {
        target.push('?');
        target.push_str(query);
    }
    if let Some(fragment) = resolved.fragment() {
        target.push('#');
        target.push_str(fragment);
    }
    Some(target)
}

/// `text` with its `%XX` escapes decoded (invalid UTF-8 replaced), for checks only.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(&high), Some(&low)) = (bytes.get(i + 1), bytes.get(i + 2))
            && let (Some(high), Some(low)) = (hex(high), hex(low))
        {
            decoded.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::local_redirect_target;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            local_redirect_target(Some("/access/users?q=a")),
            "/access/users?q=a"
        );
        for bad in [
            "",
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "access",
        ] {
            assert_eq!(local_redirect_target(Some(bad)), "/", "{bad}");
        }
        assert_eq!(local_redirect_target(None), "/");
    }

    #[test]
    fn paths_a_browser_would_take_off_site_are_refused() {
        for bad in [
            // Tabs and newlines, raw or percent-encoded, vanish in a browser: `//evil.example`.
            "/%09/evil.example",
            "/\t/evil.example",
            "/%0a/evil.example",
            "/%0D/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            // Backslashes are slashes to a browser.
            "/%5Cevil.example",
            "/%5cevil.example",
            "\\\\evil.example",
            "/\\/evil.example",
            "//evil.example",
            "///evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/ /evil.example",
            "/%20/evil.example",
            " /access/users",
            "https:evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "data:text/html,hi",
            // Dot segments that leave `//evil.example` behind.
            "/.//evil.example",
            "/..//evil.example",
            "/a/..//evil.example",
            "/./%2e//evil.example",
            "/\u{0}/evil.example",
            "/\u{7f}/evil.example",
            "/\u{a0}/evil.example",
            "/\u{2028}/evil.example",
            "?next=//evil.example",
            "#//evil.example",
            "evil.example",
            ".",
        ] {
            assert_eq!(local_redirect_target(Some(bad)), "/", "{bad:?}");
        }
    }

    #[test]
    fn local_paths_come_back_as_resolved() {
        for (next, target) in [
            ("/", "/"),
            ("/access/teams", "/access/teams"),
            (
                "/access/users?q=ada%20lovelace&page=2",
                "/access/users?q=ada%20lovelace&page=2",
            ),
            ("/resources/7#collaborators", "/resources/7#collaborators"),
            ("/access/./teams", "/access/teams"),
            ("/settings/../access/teams", "/access/teams"),
            ("/../access/teams", "/access/teams"),
            (
                "/access/users?next=//evil.example",
                "/access/users?next=//evil.example",
            ),
            ("/profile/é", "/profile/%C3%A9"),
        ] {
            assert_eq!(local_redirect_target(Some(next)), target, "{next:?}");
        }
    }
}
