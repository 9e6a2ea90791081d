//! One-time links that set a password: issued by invitations, admin resets and "Forgot
//! password?", spent on /set-password. Only a keyed hash is stored; a link works once, and
//! lives 7 days (one an administrator issued) or 1 hour (one anybody could ask for).

use crate::dto::{PasswordLink, PasswordLinkStatus, UserStatus};
use crate::ids::UserId;
use crate::ssr::auth::{Authenticator, SignedIn, refuse_password_sign_in_if_off};
use crate::ssr::entities::{password_token, user};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::mail::{self, MailKind};
use crate::ssr::secret::random_token;
use crate::ssr::services::Services;
use crate::ssr::sessions::end_sessions;
use crate::ssr::throttle;
use crate::validation::{check_password_pair, normalize_email};
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// Hash purpose label for password links (see `Secret::keyed_hash`).
const PASSWORD_LINK_PURPOSE: &str = "password-link";
/// Requests for a reset link per typed address, and per client address, within the throttle
/// window; the request that reaches the limit still counts, the next is refused.
const RESET_REQUESTS_PER_ADDRESS: i32 = 3;
const RESET_REQUESTS_PER_CLIENT: i32 = 10;

/// Why a link was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkPurpose {
    /// After an invitation.
    Set,
    /// After an admin-initiated reset.
    Reset,
    /// Asked for on the login page ("Forgot password?").
    Requested,
}

impl LinkPurpose {
    fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Set => "set",
            LinkPurpose::Reset => "reset",
            LinkPurpose::Requested => "requested",
        }
    }

    /// An administrator's link waits for its user a week; one that anybody may ask for, by
    /// typing an address, lives an hour, so a mailbox read later holds nothing that works.
    fn lifetime(self) -> Duration {
        match self {
            LinkPurpose::Set | LinkPurpose::Reset => Duration::days(7),
            LinkPurpose::Requested => Duration::hours(1),
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
    let expires_at = now + purpose.lifetime();
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
    /// "Forgot password?": mails a link that sets a new password to the active user with this
    /// address, when password sign-in is open to them. The answer is the same whether or not
    /// the address belongs to anyone, so the form tells nobody who has an account; requests
    /// are counted per typed address and per client address, whoever they name. Nothing else
    /// changes until the link is used: the password, sessions and tokens stay, so a stranger's
    /// request signs nobody out. Refused (naming why) when the server sends no mail.
    pub async fn request_password_reset(
        &self,
        email: &str,
        client_address: &str,
    ) -> DomainResult<()> {
        let services = self.services();
        if !services.mail_enabled() {
            return Err(DomainError::Conflict(
                "This server sends no mail, so it cannot mail a reset link. Ask an administrator to reset your password.".into(),
            ));
        }
        let email = normalize_email("email", email)?;
        let db = services.db();
        let policy = services.config().throttle;
        let tenant = services.default_tenant(db).await?;
        let now = Utc::now();
        throttle::reserve(
            db,
            &format!("reset:{}:{email}", tenant.id),
            RESET_REQUESTS_PER_ADDRESS,
            &policy,
            now,
        )
        .await?;
        throttle::reserve(
            db,
            &format!("reset-ip:{client_address}"),
            RESET_REQUESTS_PER_CLIENT,
            &policy,
            now,
        )
        .await?;
        let txn = services.begin_write().await?;
        let found = user::Entity::find()
            .filter(user::Column::TenantId.eq(tenant.id))
            .filter(user::Column::Email.eq(email.as_str()))
            .one(&txn)
            .await?;
        let Some(owner) = found else {
            tracing::info!(
                tenant = tenant.id,
                "password reset asked for an unknown address"
            );
            return Ok(());
        };
        if UserStatus::parse(&owner.status) != Some(UserStatus::Active)
            || refuse_password_sign_in_if_off(&txn, &owner).await.is_err()
        {
            tracing::info!(
                user = owner.id,
                "password reset asked for an account that cannot use a password"
            );
            return Ok(());
        }
        let link = issue(&txn, services, &owner, LinkPurpose::Requested).await?;
        let message =
            mail::password_reset_requested(&mail::tenant_name(&txn, tenant.id).await?, &link);
        mail::enqueue(
            &txn,
            services,
            tenant.id,
            MailKind::PasswordReset,
            &owner.email,
            message,
        )
        .await?;
        txn.commit().await?;
        services.wake_mail_delivery();
        tracing::info!(user = owner.id, "password reset link mailed on request");
        Ok(())
    }

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
