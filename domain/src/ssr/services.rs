use crate::dto::UserStatus;
use crate::ids::{RoleId, TenantId, UserId};
use crate::permissions::{BuiltinRole, Permission};
use crate::ssr::actor::{Actor, AuthMethod, UserActor};
use crate::ssr::auth::Authenticator;
use crate::ssr::effective::TenantStanding;
use crate::ssr::entities::{instance_setting, role, role_permission, tenant, user};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::mail::MailTransport;
use crate::ssr::oidc::OidcClient;
use crate::ssr::password::PasswordHasher;
use crate::ssr::scope::Scope;
use crate::ssr::secret::{SECRET_MIN_LEN, Secret};
use crate::ssr::sessions::DbSessionStore;
use crate::ssr::system::SystemScope;
use crate::ssr::throttle::ThrottlePolicy;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, Set, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use tokio::sync::Notify;

/// The slug of the tenant created on first start.
pub(crate) const DEFAULT_TENANT_SLUG: &str = "default";
const SECRET_SETTING_KEY: &str = "secret";

/// Tunables of the services; `Default` is what production uses.
#[derive(Debug, Clone)]
pub struct ServicesConfig {
    pub throttle: ThrottlePolicy,
    /// Name given to the default tenant when it is created.
    pub tenant_name: String,
    /// The console's public URL without a trailing slash; links in invitations start with it.
    pub public_url: String,
    /// Where mail goes (SMTP in production). `None`: nothing is mailed, and one-time links
    /// are shown to the admin who created them instead.
    pub mail: Option<Arc<dyn MailTransport>>,
    /// The OpenID Connect protocol (the server's `openidconnect` client). `None`: single
    /// sign-on and "Test connection" report that no client is configured.
    pub oidc: Option<Arc<dyn OidcClient>>,
    /// How long a started single sign-on may take before its callback is refused.
    pub sso_transaction_lifetime: chrono::Duration,
}

impl Default for ServicesConfig {
    fn default() -> Self {
        ServicesConfig {
            throttle: ThrottlePolicy::default(),
            tenant_name: "Default".into(),
            public_url: "http://127.0.0.1:3000".into(),
            mail: None,
            oidc: None,
            sso_transaction_lifetime: chrono::Duration::minutes(10),
        }
    }
}

/// The services of Latchkey. Cheap to clone. Transports reach data only through
/// `scope(&actor)` (checked), `auth()` (credentials in, identity out) or, for bootstrap and
/// the CLI, `system_scope()` (unchecked, and named so).
#[derive(Clone, Debug)]
pub struct Services {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    db: DatabaseConnection,
    secret: Secret,
    hasher: PasswordHasher,
    config: ServicesConfig,
    /// Wakes the mail delivery loop when a message is queued.
    mail_wakeup: Notify,
}

impl Services {
    /// Builds the services over a migrated database. `configured_secret` is LATCHKEY_SECRET;
    /// without it the secret generated on first start is loaded from the database (or
    /// generated and stored now).
    pub async fn open(
        db: DatabaseConnection,
        configured_secret: Option<String>,
        config: ServicesConfig,
    ) -> DomainResult<Services> {
        let secret = match configured_secret {
            Some(material) if material.len() < SECRET_MIN_LEN => {
                return Err(DomainError::validation(
                    "LATCHKEY_SECRET",
                    format!("LATCHKEY_SECRET must be at least {SECRET_MIN_LEN} characters long."),
                ));
            }
            Some(material) => Secret::new(material),
            None => Secret::new(load_or_create_secret(&db).await?),
        };
        Ok(Services {
            inner: Arc::new(Inner {
                db,
                secret,
                hasher: PasswordHasher::new(),
                config,
                mail_wakeup: Notify::new(),
            }),
        })
    }

    /// The checked way into the services, on behalf of `actor`.
    pub fn scope<'a>(&'a self, actor: &'a Actor) -> Scope<'a> {
        Scope::new(self, actor)
    }

    /// Sign-in and first-admin setup: operations that turn credentials into an identity.
    pub fn auth(&self) -> Authenticator<'_> {
        Authenticator::new(self)
    }

    /// Unchecked operations for start-up and the command line. Never reachable from a request.
    pub fn system_scope(&self) -> SystemScope<'_> {
        SystemScope::new(self)
    }

    /// The store behind the session layer.
    pub fn session_store(&self) -> DbSessionStore {
        DbSessionStore::new(self.inner.db.clone(), self.inner.secret.clone())
    }

    /// Readiness: answers when the database does.
    pub async fn check_database(&self) -> DomainResult<()> {
        self.inner.db.ping().await?;
        Ok(())
    }

    /// Resolves the actor for a user id taken from a session (or, later, a token), with the
    /// permissions they hold right now: their role's and their teams' roles'. `None` when the user no longer exists. A deactivated
    /// user is returned as such; `authorize` refuses them and transports end their sessions.
    pub async fn load_actor(
        &self,
        user_id: UserId,
        auth: AuthMethod,
    ) -> DomainResult<Option<Actor>> {
        let db = self.db();
        let Some((user, Some(role))) = user::Entity::find_by_id(user_id.0)
            .find_also_related(role::Entity)
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(self.actor_of(user, role, auth).await?))
    }

    /// The actor for `user`, who holds `role`, as of now: their teams and the tenant roles
    /// behind their permissions are read here.
    pub(crate) async fn actor_of(
        &self,
        user: user::Model,
        role: role::Model,
        auth: AuthMethod,
    ) -> DomainResult<Actor> {
        let standing = TenantStanding::load(self.db(), user.id, &role).await?;
        let permissions = standing.permissions();
        let is_admin = standing.is_admin();
        Ok(Actor::User(UserActor {
            tenant_id: TenantId(user.tenant_id),
            user_id: UserId(user.id),
            email: user.email,
            display_name: user.display_name,
            status: UserStatus::parse(&user.status).unwrap_or(UserStatus::Deactivated),
            role_id: RoleId(role.id),
            role_name: role.name,
            role_display_name: role.display_name,
            permissions,
            is_admin,
            auth,
            standing: Arc::new(standing),
        }))
    }

    pub(crate) fn db(&self) -> &DatabaseConnection {
        &self.inner.db
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): two writers then queue on the busy timeout, where with a deferred
    /// start the second would fail outright on upgrading a read snapshot the first made stale.
    /// PostgreSQL ignores the mode.
    pub(crate) async fn begin_write(&self) -> DomainResult<DatabaseTransaction> {
        Ok(self
            .inner
            .db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await?)
    }

    pub(crate) fn secret(&self) -> &Secret {
        &self.inner.secret
    }

    pub(crate) fn hasher(&self) -> &PasswordHasher {
        &self.inner.hasher
    }

    /// The console's public URL without a trailing slash.
    pub fn public_url(&self) -> &str {
        &self.config().public_url
    }

    pub(crate) fn config(&self) -> &ServicesConfig {
        &self.inner.config
    }

    pub(crate) fn mail_wakeup(&self) -> &Notify {
        &self.inner.mail_wakeup
    }

    /// The tenant people sign in to. There is one until multi-tenant sign-in arrives.
    pub(crate) async fn default_tenant(
        &self,
        db: &impl ConnectionTrait,
    ) -> DomainResult<tenant::Model> {
        tenant::Entity::find()
            .filter(tenant::Column::Slug.eq(DEFAULT_TENANT_SLUG))
            .one(db)
            .await?
            .ok_or_else(|| {
                DomainError::Internal("the default tenant is missing: run bootstrap first".into())
            })
    }
}

/// Whether a role is the built-in Admin role.
pub(crate) fn is_admin_role(role: &role::Model) -> bool {
    role.builtin && role.name == BuiltinRole::Admin.name()
}

/// The permissions a role grants. Admin holds the whole catalog, whatever is stored.
pub(crate) async fn role_permissions(
    db: &impl ConnectionTrait,
    role: &role::Model,
) -> DomainResult<BTreeSet<Permission>> {
    Ok(permissions_of_roles(db, [role])
        .await?
        .remove(&role.id)
        .unwrap_or_default())
}

/// The roles with these ids, by id.
pub(crate) async fn roles_by_id(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> DomainResult<BTreeMap<i64, role::Model>> {
    Ok(role::Entity::find()
        .filter(role::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect())
}

/// The permissions of each of `roles`, by role id, in one query (none when every role is
/// Admin, which holds the whole catalog whatever is stored).
pub(crate) async fn permissions_of_roles<'r>(
    db: &impl ConnectionTrait,
    roles: impl IntoIterator<Item = &'r role::Model>,
) -> DomainResult<BTreeMap<i64, BTreeSet<Permission>>> {
    let mut by_role: BTreeMap<i64, BTreeSet<Permission>> = BTreeMap::new();
    let mut stored = BTreeSet::new();
    for found in roles {
        if is_admin_role(found) {
            by_role.insert(found.id, Permission::ALL.iter().copied().collect());
        } else {
            by_role.entry(found.id).or_default();
            stored.insert(found.id);
        }
    }
    if stored.is_empty() {
        return Ok(by_role);
    }
    let rows = role_permission::Entity::find()
        .filter(role_permission::Column::RoleId.is_in(stored))
        .all(db)
        .await?;
    // Keys no longer in the catalog are ignored rather than failing the request.
    for row in rows {
        if let Some(permission) = Permission::from_key(&row.permission) {
            by_role.entry(row.role_id).or_default().insert(permission);
        }
    }
    Ok(by_role)
}

async fn load_or_create_secret(db: &DatabaseConnection) -> DomainResult<String> {
    let txn = db.begin().await?;
    if let Some(row) = instance_setting::Entity::find_by_id(SECRET_SETTING_KEY.to_owned())
        .one(&txn)
        .await?
    {
        return Ok(row.value);
    }
    let material = Secret::generate_material();
    instance_setting::Entity::insert(instance_setting::ActiveModel {
        key: Set(SECRET_SETTING_KEY.to_owned()),
        value: Set(material.clone()),
    })
    .exec(&txn)
    .await?;
    txn.commit().await?;
    tracing::info!(
        "generated the instance secret and stored it in the database (set LATCHKEY_SECRET to keep it elsewhere)"
    );
    Ok(material)
}
