//! Unchecked operations for start-up and the command line. Nothing reachable from a request
//! calls these.

use crate::dto::{IssuedToken, NewToken, UserStatus};
use crate::ids::{TenantId, UserId};
use crate::permissions::BuiltinRole;
use crate::resources::ResourceType;
use crate::ssr::auth::SETUP_TOKEN_PURPOSE;
use crate::ssr::entities::{role, role_permission, setup_token, tenant, user};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::scope_tokens::{issue_personal_token, revoke_all_personal_tokens};
use crate::ssr::secret::random_token;
use crate::ssr::services::{DEFAULT_TENANT_SLUG, Services};
use crate::ssr::users::{insert_admin, tenant_has_users};
use crate::validation::{check_new_password, normalize_display_name, normalize_email};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// What start-up found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BootstrapOutcome {
    /// No user exists yet: this fresh one-time token opens /setup. Earlier unused links are dead.
    SetupRequired { setup_token: String },
    /// The tenant has users; nothing to do.
    Ready,
}

/// An Admin made from the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedAdmin {
    pub user_id: UserId,
    /// Set when no password was supplied: shown once to the operator, stored only hashed.
    pub generated_password: Option<String>,
}

pub struct SystemScope<'a> {
    services: &'a Services,
}

impl<'a> SystemScope<'a> {
    pub(crate) fn new(services: &'a Services) -> Self {
        SystemScope { services }
    }

    /// Makes sure the default tenant and its built-in roles exist (existing roles, possibly
    /// edited by an Admin, are left alone), and issues a setup link while the tenant has no
    /// user. Idempotent; runs at every start.
    pub async fn bootstrap(&self) -> DomainResult<BootstrapOutcome> {
        let txn = self.services.begin_write().await?;
        let now = Utc::now();
        let tenant = match tenant::Entity::find()
            .filter(tenant::Column::Slug.eq(DEFAULT_TENANT_SLUG))
            .one(&txn)
            .await?
        {
            Some(tenant) => tenant,
            None => {
                tenant::ActiveModel {
                    slug: Set(DEFAULT_TENANT_SLUG.into()),
                    name: Set(self.services.config().tenant_name.clone()),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        ensure_builtin_roles(&txn, tenant.id).await?;
        let outcome = if tenant_has_users(&txn, tenant.id).await? {
            BootstrapOutcome::Ready
        } else {
            setup_token::Entity::delete_many()
                .filter(setup_token::Column::TenantId.eq(tenant.id))
                .filter(setup_token::Column::UsedAt.is_null())
                .exec(&txn)
                .await?;
            let token = random_token(43);
            setup_token::ActiveModel {
                tenant_id: Set(tenant.id),
                token_hash: Set(self
                    .services
                    .secret()
                    .keyed_hash(SETUP_TOKEN_PURPOSE, &token)),
                created_at: Set(now),
                used_at: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            BootstrapOutcome::SetupRequired { setup_token: token }
        };
        txn.commit().await?;
        Ok(outcome)
    }

    /// Creates an Admin in the default tenant (the `create-admin` command). Without a password
    /// one is generated and returned once.
    pub async fn create_admin(
        &self,
        email: &str,
        display_name: &str,
        password: Option<String>,
    ) -> DomainResult<CreatedAdmin> {
        let email = normalize_email("email", email)?;
        let display_name = normalize_display_name("name", display_name)?;
        let (password, generated) = match password {
            Some(password) => (password, false),
            None => (random_token(24), true),
        };
        check_new_password("password", &password)?;
        let password_hash = self.services.hasher().hash(&password).await?;

        let txn = self.services.begin_write().await?;
        let tenant = self.services.default_tenant(&txn).await?;
        let taken = user::Entity::find()
            .filter(user::Column::TenantId.eq(tenant.id))
            .filter(user::Column::Email.eq(email.as_str()))
            .one(&txn)
            .await?
            .is_some();
        if taken {
            return Err(DomainError::Conflict(format!(
                "A user with email {email} already exists."
            )));
        }
        let created =
            insert_admin(&txn, tenant.id, email, display_name, password_hash, None).await?;
        txn.commit().await?;
        tracing::info!(user = created.id, "admin created from the command line");
        Ok(CreatedAdmin {
            user_id: UserId(created.id),
            generated_password: generated.then_some(password),
        })
    }

    /// Creates a personal access token for an active user of the default tenant (the
    /// `latchkey token create` command), under the same rules and limits as the console.
    pub async fn create_token_for(&self, email: &str, new: NewToken) -> DomainResult<IssuedToken> {
        let txn = self.services.begin_write().await?;
        let owner = self.active_user_by_email(&txn, email).await?;
        let issued = issue_personal_token(
            &txn,
            self.services.secret(),
            TenantId(owner.tenant_id),
            UserId(owner.id),
            new,
            Utc::now(),
        )
        .await?;
        txn.commit().await?;
        tracing::info!(user_id = owner.id, token_id = %issued.token.id, "personal access token created from the command line");
        Ok(issued)
    }

    /// Revokes every personal access token of a user of the default tenant (the
    /// `latchkey token revoke-all` command); returns how many.
    pub async fn revoke_tokens_of(&self, email: &str) -> DomainResult<u64> {
        let db = self.services.db();
        let email = normalize_email("email", email)?;
        let tenant = self.services.default_tenant(db).await?;
        let owner = user::Entity::find()
            .filter(user::Column::TenantId.eq(tenant.id))
            .filter(user::Column::Email.eq(email.as_str()))
            .one(db)
            .await?
            .ok_or_else(|| DomainError::NotFound(format!("user {email}")))?;
        let revoked = revoke_all_personal_tokens(db, UserId(owner.id), Utc::now()).await?;
        tracing::info!(
            user_id = owner.id,
            revoked,
            "personal access tokens revoked from the command line"
        );
        Ok(revoked)
    }

    async fn active_user_by_email(
        &self,
        db: &impl ConnectionTrait,
        email: &str,
    ) -> DomainResult<user::Model> {
        let email = normalize_email("email", email)?;
        let tenant = self.services.default_tenant(db).await?;
        let found = user::Entity::find()
            .filter(user::Column::TenantId.eq(tenant.id))
            .filter(user::Column::Email.eq(email.as_str()))
            .one(db)
            .await?
            .ok_or_else(|| DomainError::NotFound(format!("user {email}")))?;
        if UserStatus::parse(&found.status) != Some(UserStatus::Active) {
            return Err(DomainError::Conflict(format!(
                "{email} is deactivated: activate them before creating a token."
            )));
        }
        Ok(found)
    }
}

/// Creates the built-in roles a tenant lacks: Admin, Member and Team Manager (whose permissions
/// an Admin may since have edited: existing roles are left alone), and the resource roles of
/// seed 001 for every resource type.
pub(crate) async fn ensure_builtin_roles(
    db: &impl ConnectionTrait,
    tenant_id: i64,
) -> DomainResult<()> {
    let existing: Vec<String> = role::Entity::find()
        .filter(role::Column::TenantId.eq(tenant_id))
        .filter(role::Column::Builtin.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.name)
        .collect();
    let tenant_roles = BuiltinRole::ALL.into_iter().map(|builtin| {
        let permissions = match builtin {
            // Admin's permissions are the whole catalog by definition, never stored.
            BuiltinRole::Admin => Vec::new(),
            _ => builtin.default_permissions(),
        };
        (
            builtin.name(),
            builtin.display_name(),
            builtin.description().to_string(),
            None,
            permissions,
        )
    });
    let resource_roles = ResourceType::ALL.into_iter().flat_map(|resource_type| {
        resource_type.builtin_roles().iter().map(move |r| {
            (
                r.name,
                r.display_name,
                format!("Built-in {} role.", resource_type.label()),
                Some(resource_type.key().to_string()),
                r.permissions.to_vec(),
            )
        })
    });
    let now = Utc::now();
    for (name, display_name, description, resource_type, permissions) in
        tenant_roles.chain(resource_roles)
    {
        if existing.iter().any(|e| e == name) {
            continue;
        }
        let created = role::ActiveModel {
            tenant_id: Set(tenant_id),
            name: Set(name.into()),
            display_name: Set(display_name.into()),
            description: Set(description),
            builtin: Set(true),
            resource_type: Set(resource_type),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        if !permissions.is_empty() {
            let rows = permissions
                .into_iter()
                .map(|p| role_permission::ActiveModel {
                    role_id: Set(created.id),
                    permission: Set(p.key().into()),
                });
            role_permission::Entity::insert_many(rows).exec(db).await?;
        }
    }
    Ok(())
}
