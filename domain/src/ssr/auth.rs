//! Operations that turn credentials into an identity: password sign-in and the first-admin
//! setup link. They run before there is an actor, so they sit beside the `Scope`, not in it.

use crate::dto::{SetupForm, SetupStatus, UserStatus};
use crate::ids::{TenantId, UserId};
use crate::ssr::entities::{role, setup_token, user};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::scope_tokens::load_security_settings;
use crate::ssr::services::Services;
use crate::ssr::services::is_admin_role;
use crate::ssr::throttle;
use crate::ssr::users::{insert_admin, tenant_has_users};
use crate::validation::{
    PASSWORD_MAX, check_password_pair, normalize_display_name, normalize_email,
};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// Hash purpose label for setup links (see `Secret::keyed_hash`).
pub(crate) const SETUP_TOKEN_PURPOSE: &str = "setup-link";

/// A successful sign-in: the transport starts a session for this user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedIn {
    pub user_id: UserId,
}

pub struct Authenticator<'a> {
    services: &'a Services,
}

impl<'a> Authenticator<'a> {
    pub(crate) fn new(services: &'a Services) -> Self {
        Authenticator { services }
    }

    pub(crate) fn services(&self) -> &'a Services {
        self.services
    }

    /// Password sign-in to the default tenant. Unknown email and wrong password give the same
    /// error after the same work; failures are throttled per account and per client address;
    /// deactivated users are refused even with the right password, and so is everyone but
    /// Admins (break-glass) when the tenant turned password sign-in off.
    pub async fn sign_in_with_password(
        &self,
        email: &str,
        password: &str,
        client_address: &str,
    ) -> DomainResult<SignedIn> {
        let email = normalize_email("email", email)?;
        if password.is_empty() {
            return Err(DomainError::validation("password", "Enter your password."));
        }
        if password.chars().count() > PASSWORD_MAX {
            return Err(DomainError::validation(
                "password",
                format!("A password has at most {PASSWORD_MAX} characters."),
            ));
        }
        let db = self.services.db();
        let policy = self.services.config().throttle;
        let tenant = self.services.default_tenant(db).await?;
        let account_key = throttle::account_key(tenant.id, &email);
        let address_key = format!("ip:{client_address}");
        let now = Utc::now();
        // Counted before the password is checked, so parallel guesses cannot all be judged
        // before the first failure is recorded.
        throttle::reserve(db, &account_key, policy.account_max_failures, &policy, now).await?;
        if let Err(refused) =
            throttle::reserve(db, &address_key, policy.address_max_failures, &policy, now).await
        {
            throttle::release(db, &account_key, policy.account_max_failures).await?;
            return Err(refused);
        }

        let found = user::Entity::find()
            .filter(user::Column::TenantId.eq(tenant.id))
            .filter(user::Column::Email.eq(email.as_str()))
            .one(db)
            .await?;
        let stored_hash = found.as_ref().and_then(|u| u.password_hash.clone());
        let password_ok = match self.services.hasher().verify(password, stored_hash).await {
            Ok(ok) => ok,
            Err(e) => {
                // Not judged (the hasher was saturated or failed): the attempt gives its
                // places back.
                throttle::release(db, &account_key, policy.account_max_failures).await?;
                throttle::release(db, &address_key, policy.address_max_failures).await?;
                return Err(e);
            }
        };
        let Some(found) = found.filter(|_| password_ok) else {
            tracing::info!(
                tenant = tenant.id,
                "password sign-in refused: bad credentials"
            );
            return Err(DomainError::InvalidCredentials);
        };
        throttle::clear(db, &account_key).await?;
        throttle::release(db, &address_key, policy.address_max_failures).await?;
        if UserStatus::parse(&found.status) != Some(UserStatus::Active) {
            tracing::info!(
                user = found.id,
                "password sign-in refused: account deactivated"
            );
            return Err(DomainError::AccountDeactivated);
        }
        // Checked after the password, so the answer tells nothing to someone without it.
        refuse_password_sign_in_if_off(db, &found).await?;
        let user_id = UserId(found.id);
        let mut active: user::ActiveModel = found.into();
        active.last_login_at = Set(Some(now));
        active.update(db).await?;
        tracing::info!(user = user_id.0, "password sign-in");
        Ok(SignedIn { user_id })
    }

    /// What /setup should show for this link.
    pub async fn setup_status(&self, token: &str) -> DomainResult<SetupStatus> {
        let db = self.services.db();
        let tenant = self.services.default_tenant(db).await?;
        if tenant_has_users(db, tenant.id).await? {
            return Ok(SetupStatus::Completed);
        }
        let hash = self
            .services
            .secret()
            .keyed_hash(SETUP_TOKEN_PURPOSE, token);
        let open = setup_token::Entity::find()
            .filter(setup_token::Column::TenantId.eq(tenant.id))
            .filter(setup_token::Column::TokenHash.eq(hash))
            .filter(setup_token::Column::UsedAt.is_null())
            .one(db)
            .await?
            .is_some();
        Ok(if open {
            SetupStatus::Open
        } else {
            SetupStatus::InvalidLink
        })
    }

    /// Creates the first Admin from the setup form and spends the link. Nothing is written
    /// unless the link is valid, unused, no user exists yet, and every field is valid.
    pub async fn complete_setup(&self, form: SetupForm) -> DomainResult<SignedIn> {
        match self.setup_status(&form.token).await? {
            SetupStatus::Open => {}
            SetupStatus::Completed => {
                return Err(DomainError::Conflict(
                    "Setup is already complete: this link no longer works. Sign in instead.".into(),
                ));
            }
            SetupStatus::InvalidLink => {
                return Err(DomainError::validation(
                    "token",
                    "This setup link is invalid or has already been used. Use the newest link from the server log.",
                ));
            }
        }
        let email = normalize_email("email", &form.email)?;
        let display_name = normalize_display_name("display_name", &form.display_name)?;
        check_password_pair(&form.password, &form.password_confirm)?;
        let password_hash = self.services.hasher().hash(&form.password).await?;
        let token_hash = self
            .services
            .secret()
            .keyed_hash(SETUP_TOKEN_PURPOSE, &form.token);

        let txn = self.services.begin_write().await?;
        let tenant = self.services.default_tenant(&txn).await?;
        let now = Utc::now();
        // Spend the link first, conditionally: of two concurrent submissions only one wins.
        let spent = setup_token::Entity::update_many()
            .col_expr(setup_token::Column::UsedAt, Expr::value(now))
            .filter(setup_token::Column::TenantId.eq(tenant.id))
            .filter(setup_token::Column::TokenHash.eq(token_hash))
            .filter(setup_token::Column::UsedAt.is_null())
            .exec(&txn)
            .await?;
        if spent.rows_affected != 1 || tenant_has_users(&txn, tenant.id).await? {
            return Err(DomainError::Conflict(
                "Setup is already complete: this link no longer works. Sign in instead.".into(),
            ));
        }
        let created = insert_admin(
            &txn,
            tenant.id,
            email,
            display_name,
            password_hash,
            Some(now),
        )
        .await?;
        txn.commit().await?;
        tracing::info!(
            user = created.id,
            "first admin created through the setup link"
        );
        Ok(SignedIn {
            user_id: UserId(created.id),
        })
    }
}

/// With password sign-in turned off for the tenant, only Admins (break-glass) sign in with a
/// password, whether typed at /login or just set through a one-time link.
pub(crate) async fn refuse_password_sign_in_if_off(
    db: &impl ConnectionTrait,
    found: &user::Model,
) -> DomainResult<()> {
    if load_security_settings(db, TenantId(found.tenant_id))
        .await?
        .password_sign_in
    {
        return Ok(());
    }
    let role = role::Entity::find_by_id(found.role_id).one(db).await?;
    if role.as_ref().is_some_and(is_admin_role) {
        tracing::warn!(user = found.id, "break-glass password sign-in by an Admin");
        return Ok(());
    }
    tracing::info!(
        user = found.id,
        "password sign-in refused: turned off for the tenant"
    );
    Err(DomainError::Forbidden(
        "Password sign-in is turned off here. Sign in with your identity provider instead.".into(),
    ))
}
