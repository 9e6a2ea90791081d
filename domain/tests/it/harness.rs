use chrono::Utc;
use domain::dto::{SetupForm, UserStatus};
use domain::entities::{role, role_permission, tenant, user};
use domain::ids::UserId;
use domain::permissions::BuiltinRole;
use domain::{Actor, AuthMethod, BootstrapOutcome, Services, ServicesConfig};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    EntityTrait, QueryFilter, Set,
};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

static SESSION_COUNTER: AtomicU32 = AtomicU32::new(0);

pub const TEST_SECRET: &str = "test-secret-test-secret-test-secret-0123";
pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "correct horse battery";

/// Runs a test body on SQLite and, when configured, on PostgreSQL, as two test functions.
macro_rules! db_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let ctx = $crate::harness::TestCtx::sqlite().await;
                ($body)(ctx).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(ctx) = $crate::harness::TestCtx::postgres().await else {
                    eprintln!("skipped: LATCHKEY_TEST_POSTGRES_URL is not set");
                    return;
                };
                ($body)(ctx).await;
            }
        }
    };
}
pub(crate) use db_test;

pub struct TestCtx {
    pub db: DatabaseConnection,
    pub services: Services,
}

impl TestCtx {
    pub async fn sqlite() -> TestCtx {
        // One connection: every pooled connection to `sqlite::memory:` would be its own database.
        let mut options = ConnectOptions::new("sqlite::memory:");
        options
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        let db = Database::connect(options).await.expect("connect sqlite");
        Self::finish(db).await
    }

    pub async fn postgres() -> Option<TestCtx> {
        let url = std::env::var("LATCHKEY_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let schema = format!(
            "lk_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            Utc::now().timestamp_micros()
        );
        let admin = Database::connect(&url).await.expect("connect postgres");
        admin
            .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
            .await
            .expect("create schema");
        admin.close().await.ok();
        let mut options = ConnectOptions::new(url);
        options
            .max_connections(4)
            .sqlx_logging(false)
            .set_schema_search_path(schema);
        let db = Database::connect(options)
            .await
            .expect("connect postgres schema");
        Some(Self::finish(db).await)
    }

    async fn finish(db: DatabaseConnection) -> TestCtx {
        Migrator::up(&db, None).await.expect("migrate");
        let services = Services::open(
            db.clone(),
            Some(TEST_SECRET.into()),
            ServicesConfig::default(),
        )
        .await
        .expect("open services");
        TestCtx { db, services }
    }

    /// Services over the same database that deliver mail through `transport`.
    pub async fn services_with_mail(
        &self,
        transport: std::sync::Arc<dyn domain::MailTransport>,
    ) -> Services {
        self.services_with(ServicesConfig {
            mail: Some(transport),
            ..ServicesConfig::default()
        })
        .await
    }

    /// Services over the same database, configured otherwise.
    pub async fn services_with(&self, config: ServicesConfig) -> Services {
        Services::open(self.db.clone(), Some(TEST_SECRET.into()), config)
            .await
            .expect("open services")
    }

    /// Bootstraps the default tenant and returns the setup token.
    pub async fn bootstrap(&self) -> String {
        match self
            .services
            .system_scope()
            .bootstrap()
            .await
            .expect("bootstrap")
        {
            BootstrapOutcome::SetupRequired { setup_token } => setup_token,
            BootstrapOutcome::Ready => panic!("expected a fresh tenant"),
        }
    }

    /// Bootstraps and creates the first Admin through the setup link.
    pub async fn with_admin(&self) -> UserId {
        let token = self.bootstrap().await;
        self.services
            .auth()
            .complete_setup(setup_form(&token))
            .await
            .expect("setup")
            .user_id
    }

    pub async fn default_tenant(&self) -> tenant::Model {
        tenant::Entity::find()
            .filter(tenant::Column::Slug.eq("default"))
            .one(&self.db)
            .await
            .expect("query")
            .expect("default tenant")
    }

    /// Inserts a user directly (quicker than inviting one and setting a password), with a
    /// password so they can sign in.
    pub async fn add_user(
        &self,
        tenant_id: i64,
        email: &str,
        role: BuiltinRole,
        status: UserStatus,
    ) -> UserId {
        self.add_user_with_role(tenant_id, email, role.name(), status)
            .await
    }

    /// As `add_user`, with any role of the tenant, by name.
    pub async fn add_user_with_role(
        &self,
        tenant_id: i64,
        email: &str,
        role_name: &str,
        status: UserStatus,
    ) -> UserId {
        let role = role::Entity::find()
            .filter(role::Column::TenantId.eq(tenant_id))
            .filter(role::Column::Name.eq(role_name))
            .one(&self.db)
            .await
            .expect("query")
            .expect("role");
        let hash = domain::PasswordHasher::new()
            .hash(ADMIN_PASSWORD)
            .await
            .expect("hash");
        let now = Utc::now();
        let created = user::ActiveModel {
            tenant_id: Set(tenant_id),
            email: Set(email.into()),
            display_name: Set(email.split('@').next().unwrap_or("x").to_uppercase()),
            password_hash: Set(Some(hash)),
            status: Set(status.as_str().into()),
            role_id: Set(role.id),
            role_managed_by: Set("manual".into()),
            last_login_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("insert user");
        UserId(created.id)
    }

    /// A second tenant with its own built-in roles, for isolation tests.
    pub async fn other_tenant(&self) -> i64 {
        let now = Utc::now();
        let tenant = tenant::ActiveModel {
            slug: Set("other".into()),
            name: Set("Other".into()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("insert tenant");
        for builtin in BuiltinRole::ALL {
            role::ActiveModel {
                tenant_id: Set(tenant.id),
                name: Set(builtin.name().into()),
                display_name: Set(builtin.display_name().into()),
                description: Set(String::new()),
                builtin: Set(true),
                resource_type: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&self.db)
            .await
            .expect("insert role");
        }
        // The resource roles too, so its Admin can create resources there.
        for kind in domain::resources::ResourceType::ALL {
            for builtin in kind.builtin_roles() {
                let created = role::ActiveModel {
                    tenant_id: Set(tenant.id),
                    name: Set(builtin.name.into()),
                    display_name: Set(builtin.display_name.into()),
                    description: Set(String::new()),
                    builtin: Set(true),
                    resource_type: Set(Some(kind.key().into())),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&self.db)
                .await
                .expect("insert resource role");
                let rows = builtin
                    .permissions
                    .iter()
                    .map(|p| role_permission::ActiveModel {
                        role_id: Set(created.id),
                        permission: Set(p.key().into()),
                    });
                role_permission::Entity::insert_many(rows)
                    .exec(&self.db)
                    .await
                    .expect("insert resource role permissions");
            }
        }
        tenant.id
    }

    /// The most common arrangement: the first Admin (as an actor) and a Member, m@example.com.
    pub async fn admin_and_member(&self) -> (Actor, UserId) {
        let admin = self.actor(self.with_admin().await).await;
        let tenant = self.default_tenant().await;
        let member = self
            .add_user(
                tenant.id,
                "m@example.com",
                BuiltinRole::Member,
                UserStatus::Active,
            )
            .await;
        (admin, member)
    }

    /// The first Admin's id (`with_admin` must have run).
    pub async fn admin_id(&self) -> UserId {
        self.user_id(ADMIN_EMAIL).await
    }

    /// The id of the user with this email (in any tenant; tests keep emails distinct).
    pub async fn user_id(&self, email: &str) -> UserId {
        let found = user::Entity::find()
            .filter(user::Column::Email.eq(email))
            .one(&self.db)
            .await
            .expect("query")
            .expect("user exists");
        UserId(found.id)
    }

    /// The id of a role of the default tenant, by name.
    pub async fn role_id(&self, name: &str) -> domain::ids::RoleId {
        let found = role::Entity::find()
            .filter(role::Column::Name.eq(name))
            .filter(role::Column::TenantId.eq(self.default_tenant().await.id))
            .one(&self.db)
            .await
            .expect("query")
            .expect("role exists");
        domain::ids::RoleId(found.id)
    }

    /// A live session record for `user`, as a browser sign-in leaves behind.
    pub async fn add_session(&self, user: UserId) {
        domain::entities::session::ActiveModel {
            id: Set(format!(
                "session-of-{}-{}",
                user.0,
                SESSION_COUNTER.fetch_add(1, Ordering::SeqCst)
            )),
            user_id: Set(Some(user.0)),
            data: Set("{}".into()),
            expires_at: Set(Utc::now() + chrono::Duration::hours(1)),
        }
        .insert(&self.db)
        .await
        .expect("insert session");
    }

    /// The Admin of a second tenant, for isolation checks.
    pub async fn outsider_admin(&self) -> Actor {
        let other = self.other_tenant().await;
        let user = self
            .add_user(
                other,
                "out@example.com",
                BuiltinRole::Admin,
                UserStatus::Active,
            )
            .await;
        self.actor(user).await
    }

    /// `user` in a browser session they signed in to just now.
    pub async fn actor(&self, user: UserId) -> Actor {
        self.session_actor(user, chrono::Utc::now()).await
    }

    /// `user` in a browser session whose last proof of identity was at `authenticated_at`.
    pub async fn session_actor(
        &self,
        user: UserId,
        authenticated_at: chrono::DateTime<chrono::Utc>,
    ) -> Actor {
        self.services
            .load_actor(user, AuthMethod::Session { authenticated_at })
            .await
            .expect("load actor")
            .expect("actor exists")
    }

    pub async fn user_count(&self) -> u64 {
        use sea_orm::PaginatorTrait;
        user::Entity::find().count(&self.db).await.expect("count")
    }
}

pub fn setup_form(token: &str) -> SetupForm {
    SetupForm {
        token: token.into(),
        email: ADMIN_EMAIL.into(),
        display_name: "Ada Admin".into(),
        password: ADMIN_PASSWORD.into(),
        password_confirm: ADMIN_PASSWORD.into(),
    }
}
