//! A tower-sessions store on the application database (SeaORM), so sessions survive restarts,
//! work across replicas, and carry the user id: every session of a user can be ended at once.

use crate::ids::UserId;
use crate::ssr::entities::session;
use crate::ssr::secret::Secret;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// Session data key holding the signed-in user's id.
pub const SESSION_USER_KEY: &str = "user_id";
/// Session data key holding when the user signed in (Unix seconds), for the absolute expiry.
pub const SESSION_SIGNED_IN_AT_KEY: &str = "signed_in_at";

/// Session data key holding when the user last proved who they are in this session (Unix
/// seconds): at sign-in, and again at each password confirmation. Operations that hand out a
/// credential need it recent (`REAUTHENTICATE_AFTER`).
pub const SESSION_AUTHENTICATED_AT_KEY: &str = "authenticated_at";

/// Session data key holding the minute of the last request, so the record (and its idle
/// expiry) is written at most once a minute and slides with activity.
pub const SESSION_ACTIVE_MINUTE_KEY: &str = "active_minute";

/// Hash purpose label for stored session ids.
const SESSION_ID_PURPOSE: &str = "session-id";

/// Stores each record under a keyed hash of its id, so the table (a backup, a read-only
/// database leak) holds nothing a browser could present as a cookie.
#[derive(Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
    secret: Secret,
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbSessionStore").finish_non_exhaustive()
    }
}

impl DbSessionStore {
    pub(crate) fn new(db: DatabaseConnection, secret: Secret) -> Self {
        DbSessionStore { db, secret }
    }

    /// The stored key of a session id.
    fn key(&self, id: &Id) -> String {
        self.secret.keyed_hash(SESSION_ID_PURPOSE, &id.to_string())
    }

    /// Ends every session of a user (deactivation, password reset, deletion).
    pub async fn end_sessions_of(&self, user: UserId) -> Result<u64, sea_orm::DbErr> {
        end_sessions(&self.db, user.0).await
    }

    /// Removes expired records; the server calls this periodically.
    pub async fn delete_expired(&self) -> Result<u64, sea_orm::DbErr> {
        let result = session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lt(Utc::now()))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected)
    }

    fn to_row(&self, record: &Record) -> session_store::Result<session::ActiveModel> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let user_id = record
            .data
            .get(SESSION_USER_KEY)
            .and_then(serde_json::Value::as_i64);
        let expires_at = DateTime::<Utc>::from_timestamp(record.expiry_date.unix_timestamp(), 0)
            .ok_or_else(|| session_store::Error::Encode("session expiry out of range".into()))?;
        Ok(session::ActiveModel {
            id: Set(self.key(&record.id)),
            user_id: Set(user_id),
            data: Set(data),
            expires_at: Set(expires_at),
        })
    }
}

/// Deletes every session record of a user, on `db` (a transaction, when the caller changes the
/// user in the same breath). Returns how many ended.
pub(crate) async fn end_sessions(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<u64, sea_orm::DbErr> {
    let result = session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

fn backend(e: sea_orm::DbErr) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // Ids are 128 random bits; a collision is practically impossible, but a fresh id is
        // cheap, so retry rather than overwrite someone else's session.
        loop {
            let exists = session::Entity::find_by_id(self.key(&record.id))
                .one(&self.db)
                .await
                .map_err(backend)?
                .is_some();
            if !exists {
                break;
            }
            record.id = Id::default();
        }
        session::Entity::insert(self.to_row(record)?)
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    /// Updates an existing record only. A session ended while a request was in flight (sign
    /// out, deactivation, "sign out everywhere") stays ended when that request saves it:
    /// nothing is written back. New sessions go through `create`.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let row = self.to_row(record)?;
        let updated = session::Entity::update_many()
            .set(session::ActiveModel {
                user_id: row.user_id,
                data: row.data,
                expires_at: row.expires_at,
                ..Default::default()
            })
            .filter(session::Column::Id.eq(self.key(&record.id)))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        if updated.rows_affected == 0 {
            tracing::debug!("a session ended during its request was not written back");
        }
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let Some(row) = session::Entity::find_by_id(self.key(session_id))
            .filter(session::Column::ExpiresAt.gt(Utc::now()))
            .one(&self.db)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&row.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expires_at.timestamp())
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *session_id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        session::Entity::delete_by_id(self.key(session_id))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
