use crate::error::AppError;
use chrono::Utc;
use domain::ids::UserId;
use domain::{SESSION_SIGNED_IN_AT_KEY, SESSION_USER_KEY};
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
    Ok(())
}

/// Signs out: deletes the session record and expires the cookie.
pub async fn end_session(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_error)
}

/// Where to go after sign-in: `next` when it is a path on this site, else Access > Users.
/// Anything that could leave the site (`//host`, `https://`, backslashes) is ignored.
pub fn local_redirect_target(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_string()
        }
        _ => "/access/users".to_string(),
    }
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
            assert_eq!(local_redirect_target(Some(bad)), "/access/users", "{bad}");
        }
        assert_eq!(local_redirect_target(None), "/access/users");
    }
}
