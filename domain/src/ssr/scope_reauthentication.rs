//! Proving again who one is, in a session that is about to hand out a credential
//! (`Operation::hands_out_credential`, `REAUTHENTICATE_AFTER`).

use crate::dto::{ReauthenticationOptions, SignInOption};
use crate::ssr::auth::refuse_password_sign_in_if_off;
use crate::ssr::authorize::{Operation, authorize};
use crate::ssr::entities::{identity_provider, user, user_identity};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::scope::Scope;
use crate::ssr::services::Services;
use crate::ssr::throttle;
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

impl Scope<'_> {
    /// How the signed-in user may confirm who they are: the password, unless they have none
    /// or the tenant turned password sign-in off for them, and the enabled providers they
    /// have linked (a fresh sign-in through one of them counts as well).
    pub async fn reauthentication_options(&self) -> DomainResult<ReauthenticationOptions> {
        let me = authorize(self.actor, Operation::ReauthenticateOwnSession)?;
        let db = self.services.db();
        let found = own_record(self.services, me.user_id.0).await?;
        let password = found.password_hash.is_some()
            && refuse_password_sign_in_if_off(db, &found).await.is_ok();
        let linked: Vec<i64> = user_identity::Entity::find()
            .filter(user_identity::Column::UserId.eq(found.id))
            .all(db)
            .await?
            .into_iter()
            .map(|link| link.provider_id)
            .collect();
        let providers = identity_provider::Entity::find()
            .filter(identity_provider::Column::TenantId.eq(found.tenant_id))
            .filter(identity_provider::Column::Enabled.eq(true))
            .filter(identity_provider::Column::Id.is_in(linked))
            .order_by_asc(identity_provider::Column::DisplayName)
            .all(db)
            .await?
            .into_iter()
            .map(SignInOption::from)
            .collect();
        Ok(ReauthenticationOptions {
            password,
            providers,
        })
    }

    /// Checks the signed-in user's password, so the transport can mark the session as
    /// recently authenticated. Wrong guesses count against the same per-account limit as
    /// sign-in; a user who may not sign in with a password may not confirm with one either.
    pub async fn reauthenticate_with_password(&self, password: &str) -> DomainResult<()> {
        let me = authorize(self.actor, Operation::ReauthenticateOwnSession)?;
        let found = own_record(self.services, me.user_id.0).await?;
        if password.is_empty() {
            return Err(DomainError::validation("password", "Enter your password."));
        }
        if found.password_hash.is_none() {
            return Err(DomainError::validation(
                "password",
                "You have no password here: sign in again with single sign-on instead.",
            ));
        }
        if !check_own_password(self.services, &found, password).await? {
            return Err(DomainError::validation(
                "password",
                "The password is incorrect.",
            ));
        }
        refuse_password_sign_in_if_off(self.services.db(), &found).await?;
        tracing::info!(
            user = me.user_id.0,
            "session re-authenticated with password"
        );
        Ok(())
    }
}

/// The signed-in user's own row.
pub(crate) async fn own_record(services: &Services, user_id: i64) -> DomainResult<user::Model> {
    user::Entity::find_by_id(user_id)
        .one(services.db())
        .await?
        .ok_or_else(|| DomainError::NotFound("User".into()))
}

/// Whether `password` is `found`'s, counted (before hashing, so a burst cannot outrun the
/// count) against the per-account sign-in limit, which a right one clears. A user without a
/// password never matches: callers say why first.
pub(crate) async fn check_own_password(
    services: &Services,
    found: &user::Model,
    password: &str,
) -> DomainResult<bool> {
    let db = services.db();
    let policy = services.config().throttle;
    let account_key = throttle::account_key(found.tenant_id, &found.email);
    throttle::reserve(
        db,
        &account_key,
        policy.account_max_failures,
        &policy,
        Utc::now(),
    )
    .await?;
    let verified = match services
        .hasher()
        .verify(password, found.password_hash.clone())
        .await
    {
        Ok(verified) => verified,
        Err(e) => {
            throttle::release(db, &account_key, policy.account_max_failures).await?;
            return Err(e);
        }
    };
    if verified {
        throttle::clear(db, &account_key).await?;
    }
    Ok(verified)
}
