//! One-time links that set a password: issued by invitations and admin resets, spent on
//! /set-password. Only a keyed hash is stored; a link lives 7 days and works once.

use crate::dto::{PasswordLink, PasswordLinkStatus, UserStatus};
use crate::ids::UserId;
use crate::ssr::auth::{Authenticator, SignedIn, refuse_password_sign_in_if_off};
use crate::ssr::entities::{password_token, user};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::secret::random_token;
use crate::ssr::services::Services;
use crate::ssr::sessions::end_sessions;
use crate::validation::check_password_pair;
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// Hash purpose label for password links (see `Secret::keyed_hash`).
const PASSWORD_LINK_PURPOSE: &str = "password-link";
const LINK_LIFETIME_DAYS: i64 = 7;

/// Why a link was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkPurpose {
    /// After an invitation.
    Set,
    /// After an admin-initiated reset.
    Reset,
}

impl LinkPurpose {
    fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Set => "set",
            LinkPurpose::Reset => "reset",
        }
    }
}

/// Issues a link for `user`, replacing any unused one. The caller runs this inside the
/// transaction that creates or resets the user.
pub(crate) async fn issue(
    db: &impl ConnectionTrait,
    services: &Services,
    user: &user::Model,
    purpose: LinkPurpose,
) -> DomainResult<PasswordLink> {
    password_token::Entity::delete_many()
        .filter(password_token::Column::UserId.eq(user.id))
        .filter(password_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    let token = random_token(43);
    let now = Utc::now();
    let expires_at = now + Duration::days(LINK_LIFETIME_DAYS);
    password_token::ActiveModel {
        tenant_id: Set(user.tenant_id),
        user_id: Set(user.id),
        purpose: Set(purpose.as_str().into()),
        token_hash: Set(services.secret().keyed_hash(PASSWORD_LINK_PURPOSE, &token)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(PasswordLink {
        url: format!(
            "{}/set-password?token={token}",
            services.config().public_url
        ),
        expires_at,
    })
}

const DEAD_LINK: &str =
    "This link is invalid, expired or already used. Ask an administrator for a new one.";

impl Authenticator<'_> {
    /// What /set-password should show for this link.
    pub async fn password_link_status(&self, token: &str) -> DomainResult<PasswordLinkStatus> {
        let db = self.services().db();
        Ok(match open_link(db, self.services(), token).await? {
            Some((_, owner)) => PasswordLinkStatus::Open { email: owner.email },
            None => PasswordLinkStatus::Invalid,
        })
    }

    /// Sets the password of the link's user and spends the link. The user may then sign in;
    /// they are signed in at once, and any other session of theirs ends.
    pub async fn set_password_with_link(
        &self,
        token: &str,
        password: &str,
        confirm: &str,
    ) -> DomainResult<SignedIn> {
        let services = self.services();
        let Some((link, owner)) = open_link(services.db(), services, token).await? else {
            return Err(DomainError::validation("token", DEAD_LINK));
        };
        check_password_pair(password, confirm)?;
        if UserStatus::parse(&owner.status) != Some(UserStatus::Active) {
            return Err(DomainError::AccountDeactivated);
        }
        refuse_password_sign_in_if_off(services.db(), &owner).await?;
        let hash = services.hasher().hash(password).await?;
        let txn = services.begin_write().await?;
        let now = Utc::now();
        let spent = password_token::Entity::update_many()
            .col_expr(password_token::Column::UsedAt, Expr::value(now))
            .filter(password_token::Column::Id.eq(link.id))
            .filter(password_token::Column::UsedAt.is_null())
            .exec(&txn)
            .await?;
        if spent.rows_affected != 1 {
            return Err(DomainError::validation("token", DEAD_LINK));
        }
        let user_id = owner.id;
        let mut active: user::ActiveModel = owner.into();
        active.password_hash = Set(Some(hash));
        active.last_login_at = Set(Some(now));
        active.updated_at = Set(now);
        active.update(&txn).await?;
        end_sessions(&txn, user_id).await?;
        txn.commit().await?;
        tracing::info!(user = user_id, "password set through a one-time link");
        Ok(SignedIn {
            user_id: UserId(user_id),
        })
    }
}

/// The unused, unexpired link for `token` and its user.
async fn open_link(
    db: &impl ConnectionTrait,
    services: &Services,
    token: &str,
) -> DomainResult<Option<(password_token::Model, user::Model)>> {
    let hash = services.secret().keyed_hash(PASSWORD_LINK_PURPOSE, token);
    let Some(link) = password_token::Entity::find()
        .filter(password_token::Column::TokenHash.eq(hash))
        .filter(password_token::Column::UsedAt.is_null())
        .filter(password_token::Column::ExpiresAt.gt(Utc::now()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let owner = user::Entity::find_by_id(link.user_id).one(db).await?;
    Ok(owner.map(|owner| (link, owner)))
}
