//! `latchkey-bench`: seeds a large tenant (100,000 users, 10,000 teams of 10, 1,000,000
//! collaborator grants, 100,000 personal access tokens by default), then drives
//! `GET /api/svc/v1/collaborators` with a personal access token from a load generator on
//! loopback, and in the same run a bare axum endpoint doing the same indexed read with no
//! authentication, and prints requests per second, p50, p99 and the ratio.
//!
//! A benchmark, not a test: run it by hand (README, "Benchmark").

use crate::config::Config;
use crate::router;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::Utc;
use domain::dto::NewToken;
use domain::entities::{collaborator, resource, role, team, team_member, token, user};
use domain::{Secret, Services, ServicesConfig};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use serde::Deserialize;
use std::time::{Duration, Instant};

/// The tenant's size and the load.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    #[arg(long, default_value_t = 100_000)]
    pub users: i64,
    #[arg(long, default_value_t = 10_000)]
    pub teams: i64,
    /// Spread over `workspaces` workspaces, half to users and half to teams.
    #[arg(long, default_value_t = 1_000_000)]
    pub grants: i64,
    #[arg(long, default_value_t = 10_000)]
    pub workspaces: i64,
    #[arg(long, default_value_t = 100_000)]
    pub tokens: i64,
    /// Concurrent connections of the load generator.
    #[arg(long, default_value_t = 32)]
    pub connections: usize,
    /// Seconds of load per endpoint (after a one-second warm-up).
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
}

/// Ids of bulk rows start here, above anything bootstrap creates.
const FIRST_ID: i64 = 1_000_001;
const CHUNK: usize = 1_000;
const ADMIN: &str = "bench-admin@example.com";

/// Seeds a fresh database at `config.database_url` (every table is dropped first), runs the
/// load against both endpoints and prints the figures.
pub async fn run(config: Config, args: BenchArgs) -> Result<(), String> {
    let db = crate::cli::connect(&config).await?;
    Migrator::fresh(&db)
        .await
        .map_err(|e| format!("migrate: {e}"))?;
    let services = Services::open(db.clone(), config.secret.clone(), ServicesConfig::default())
        .await
        .map_err(|e| e.to_string())?;
    let system = services.system_scope();
    system.bootstrap().await.map_err(|e| e.to_string())?;
    system
        .create_admin(ADMIN, "Bench Admin", Some("bench-password-1".into()))
        .await
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    seed(&db, &args).await.map_err(|e| format!("seed: {e}"))?;
    println!(
        "seeded {} users, {} teams, {} grants on {} workspaces, {} tokens in {:.1} s",
        args.users,
        args.teams,
        args.grants,
        args.workspaces,
        args.tokens,
        started.elapsed().as_secs_f64()
    );
    let token = system
        .create_token_for(
            ADMIN,
            NewToken {
                name: "bench".into(),
                expires_at: None,
            },
        )
        .await
        .map_err(|e| e.to_string())?
        .value;

    let app = router::build(services, &config).merge(
        Router::new()
            .route("/bare/collaborators", get(bare_collaborators))
            .with_state(db.clone()),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        let service = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let _ = axum::serve(listener, service).await;
    });

    let base = format!("http://{addr}");
    let authed = load(&args, &base, Some(&token), |w| {
        format!("/api/svc/v1/collaborators?resourceType=workspace&resourceId={w}&limit=200")
    })
    .await?;
    let bare = load(&args, &base, None, |w| {
        format!("/bare/collaborators?resourceId={w}")
    })
    .await?;
    let backend = if config.database_url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "{backend}, {} connections, {} s each:",
        args.connections, args.seconds
    );
    println!(
        "{:<40} {:>10} {:>9} {:>9}",
        "endpoint", "req/s", "p50 ms", "p99 ms"
    );
    for (name, figures) in [
        ("GET /api/svc/v1/collaborators (PAT)", &authed),
        ("bare indexed read (no auth)", &bare),
    ] {
        println!(
            "{name:<40} {:>10.0} {:>9.2} {:>9.2}",
            figures.per_second, figures.p50_ms, figures.p99_ms
        );
    }
    println!(
        "authenticated / bare: {:.0}%",
        100.0 * authed.per_second / bare.per_second.max(1.0)
    );
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BareQuery {
    resource_id: i64,
}

#[derive(Debug, serde::Serialize)]
struct BareGrant {
    id: i64,
    subject_kind: String,
    subject_id: i64,
    role_id: i64,
}

/// The same indexed read the API makes for a resource's grants, with nothing around it.
async fn bare_collaborators(
    State(db): State<DatabaseConnection>,
    Query(query): Query<BareQuery>,
) -> Result<Json<Vec<BareGrant>>, (axum::http::StatusCode, String)> {
    let rows = collaborator::Entity::find()
        .filter(collaborator::Column::ResourceId.eq(query.resource_id))
        .all(&db)
        .await
        .map_err(|e| (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(Json(
        rows.into_iter()
            .map(|r| BareGrant {
                id: r.id,
                subject_kind: r.subject_kind,
                subject_id: r.subject_id,
                role_id: r.role_id,
            })
            .collect(),
    ))
}

/// Inserts `rows` in chunks (SQLite limits the parameters of one statement).
async fn insert_chunked<A, E>(db: &DatabaseConnection, rows: Vec<A>) -> Result<(), sea_orm::DbErr>
where
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
    E: EntityTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        E::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

async fn seed(db: &DatabaseConnection, args: &BenchArgs) -> Result<(), sea_orm::DbErr> {
    let tenant = domain::entities::tenant::Entity::find()
        .one(db)
        .await?
        .ok_or_else(|| sea_orm::DbErr::Custom("no tenant".into()))?;
    let role_id = |name: &'static str| async move {
        role::Entity::find()
            .filter(role::Column::TenantId.eq(tenant.id))
            .filter(role::Column::Name.eq(name))
            .one(db)
            .await?
            .map(|r| r.id)
            .ok_or_else(|| sea_orm::DbErr::Custom(format!("no role {name}")))
    };
    let member = role_id("tenant-member").await?;
    let viewer = role_id("workspace-viewer").await?;
    let now = Utc::now();
    let users = (0..args.users).map(|i| user::ActiveModel {
        id: Set(FIRST_ID + i),
        tenant_id: Set(tenant.id),
        email: Set(format!("user{i}@bench.example")),
        display_name: Set(format!("User {i}")),
        password_hash: Set(None),
        status: Set("active".into()),
        role_id: Set(member),
        role_managed_by: Set("initial".into()),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    });
    insert_chunked(db, users.collect()).await?;
    let teams = (0..args.teams).map(|i| team::ActiveModel {
        id: Set(FIRST_ID + i),
        tenant_id: Set(tenant.id),
        name: Set(format!("team-{i}")),
        description: Set("bench team".into()),
        role_id: Set(None),
        managed_by: Set("manual".into()),
        created_at: Set(now),
        updated_at: Set(now),
        created_by: Set(None),
    });
    insert_chunked(db, teams.collect()).await?;
    let members = (0..args.teams).flat_map(|t| {
        (0..10).map(move |k| team_member::ActiveModel {
            team_id: Set(FIRST_ID + t),
            user_id: Set(FIRST_ID + (t * 10 + k) % args.users.max(1)),
            role: Set(if k == 0 { "manager" } else { "member" }.into()),
            added_at: Set(now),
            source: Set("manual".into()),
        })
    });
    insert_chunked(db, members.collect()).await?;
    let cluster = FIRST_ID;
    let mut resources = vec![resource::ActiveModel {
        id: Set(cluster),
        tenant_id: Set(tenant.id),
        resource_type: Set("cluster".into()),
        name: Set("bench-cluster".into()),
        parent_id: Set(None),
        created_by: Set(None),
        created_at: Set(now),
    }];
    resources.extend((1..=args.workspaces).map(|w| resource::ActiveModel {
        id: Set(FIRST_ID + w),
        tenant_id: Set(tenant.id),
        resource_type: Set("workspace".into()),
        name: Set(format!("workspace-{w}")),
        parent_id: Set(Some(cluster)),
        created_by: Set(None),
        created_at: Set(now),
    }));
    insert_chunked(db, resources).await?;
    let per_workspace = args.grants / args.workspaces.max(1);
    let grants = (1..=args.workspaces).flat_map(|w| {
        (0..per_workspace).map(move |k| {
            let (kind, subject) = if k % 2 == 0 {
                (
                    "user",
                    FIRST_ID + (w * per_workspace + k) % args.users.max(1),
                )
            } else {
                (
                    "team",
                    FIRST_ID + (w * per_workspace + k) % args.teams.max(1),
                )
            };
            collaborator::ActiveModel {
                tenant_id: Set(tenant.id),
                resource_id: Set(FIRST_ID + w),
                subject_kind: Set(kind.into()),
                subject_id: Set(subject),
                role_id: Set(viewer),
                granted_by: Set(None),
                granted_at: Set(now),
                ..Default::default()
            }
        })
    });
    insert_chunked(db, grants.collect()).await?;
    // Tokens nobody presents: they only make the token table as large as a busy tenant's.
    let filler = Secret::new("bench-filler-secret-bench-filler-secret");
    let tokens = (0..args.tokens).map(|i| token::ActiveModel {
        tenant_id: Set(tenant.id),
        kind: Set("pat".into()),
        user_id: Set(Some(FIRST_ID + i % args.users.max(1))),
        virtual_account_id: Set(None),
        name: Set(format!("token-{i}")),
        token_hash: Set(filler.keyed_hash("bench", &i.to_string())),
        sealed_token: Set(None),
        created_at: Set(now),
        expires_at: Set(None),
        last_used_at: Set(None),
        last_used_ip: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    });
    insert_chunked(db, tokens.collect()).await?;
    // Planner statistics, as a database that grew normally would have them (PostgreSQL's
    // autovacuum gathers them in time; right after a bulk load they are missing).
    db.execute_unprepared("ANALYZE").await?;
    Ok(())
}

/// Throughput and latency of one endpoint.
#[derive(Debug, Clone, Copy)]
struct Figures {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// Drives `path(workspace)` with `args.connections` keep-alive connections for
/// `args.seconds`, cycling over the workspaces; every answer must be 200.
async fn load(
    args: &BenchArgs,
    base: &str,
    token: Option<&str>,
    path: impl Fn(i64) -> String + Send + Sync + Clone + 'static,
) -> Result<Figures, String> {
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(args.connections)
        .build_http();
    let run = |duration: Duration| {
        let mut tasks = Vec::new();
        for worker in 0..args.connections {
            let client = client.clone();
            let base = base.to_string();
            let token = token.map(str::to_string);
            let path = path.clone();
            let workspaces = args.workspaces.max(1);
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let deadline = Instant::now() + duration;
                let mut n = worker as i64;
                while Instant::now() < deadline {
                    let uri = format!("{base}{}", path(FIRST_ID + 1 + n % workspaces));
                    n += 7919;
                    let mut request = hyper::Request::get(uri);
                    if let Some(token) = &token {
                        request = request.header("authorization", format!("Bearer {token}"));
                    }
                    let request = request
                        .body(Empty::<Bytes>::new())
                        .map_err(|e| e.to_string())?;
                    let started = Instant::now();
                    let response = client.request(request).await.map_err(|e| e.to_string())?;
                    let status = response.status();
                    response
                        .into_body()
                        .collect()
                        .await
                        .map_err(|e| e.to_string())?;
                    if status != hyper::StatusCode::OK {
                        return Err(format!("answer {status}"));
                    }
                    latencies.push(started.elapsed());
                }
                Ok::<Vec<Duration>, String>(latencies)
            }));
        }
        tasks
    };
    for task in run(Duration::from_secs(1)) {
        task.await.map_err(|e| e.to_string())??;
    }
    let started = Instant::now();
    let mut latencies = Vec::new();
    for task in run(Duration::from_secs(args.seconds)) {
        latencies.extend(task.await.map_err(|e| e.to_string())??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let at = |q: f64| {
        let index = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies
            .get(index)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Ok(Figures {
        per_second: latencies.len() as f64 / elapsed,
        p50_ms: at(0.50),
        p99_ms: at(0.99),
    })
}
