use crate::config::Config;
use crate::mailer::SmtpMailer;
use crate::oidc::OpenIdConnect;
use crate::router;
use clap::{Parser, Subcommand};
use domain::dto::NewToken;
use domain::{BootstrapOutcome, MailTransport, OidcClient, Services, ServicesConfig};
use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use std::io::{IsTerminal, Read};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Latchkey: a self-hosted access-control console.
#[derive(Debug, Parser)]
#[command(name = "latchkey", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the console (the default). Migrates the database first.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an Admin in the default tenant. The password is read from standard input when
    /// it is not a terminal; otherwise one is generated and printed once.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
    /// Personal access tokens, for bootstrapping automation on the server host.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a personal access token for an active user and print it (once). The security
    /// settings' limits apply as in the console.
    Create {
        #[arg(long)]
        email: String,
        /// 3-36 characters: lowercase letters, digits and hyphens, starting with a letter.
        #[arg(long)]
        name: String,
        /// Days until the token stops working (default: never, unless the settings cap it).
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
    /// Revoke every personal access token of a user.
    RevokeAll {
        #[arg(long)]
        email: String,
    },
}

pub async fn run(cli: Cli) -> Result<(), String> {
    let config = cli.config;
    config.validate()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            let db = connect(&config).await?;
            Migrator::up(&db, None)
                .await
                .map_err(|e| format!("migration failed: {e}"))?;
            println!("Database is up to date.");
            Ok(())
        }
        Command::CreateAdmin { email, name } => {
            let password = read_password_from_stdin()?;
            let services = open_services(&config, SetupLink::Silent).await?;
            let created = services
                .system_scope()
                .create_admin(&email, &name, password)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Created admin {} (user id {}).",
                email.trim().to_lowercase(),
                created.user_id
            );
            if let Some(password) = created.generated_password {
                println!("Generated password (shown only now): {password}");
            }
            Ok(())
        }
        Command::Token(command) => {
            let services = open_services(&config, SetupLink::Silent).await?;
            run_token_command(&services, command).await
        }
    }
}

async fn run_token_command(services: &Services, command: TokenCommand) -> Result<(), String> {
    let system = services.system_scope();
    match command {
        TokenCommand::Create {
            email,
            name,
            expires_in_days,
        } => {
            let expires_at = expires_in_days
                .map(|days| chrono::Utc::now() + chrono::Duration::days(i64::from(days)));
            let issued = system
                .create_token_for(&email, NewToken { name, expires_at })
                .await
                .map_err(|e| e.to_string())?;
            // The token alone on standard output, so `$(latchkey token create ...)` captures it.
            eprintln!(
                "Created personal access token {} (id {}){}. It is shown only now.",
                issued.token.name,
                issued.token.id,
                issued
                    .token
                    .expires_at
                    .map(|at| format!(", expiring {}", at.format("%Y-%m-%d %H:%M UTC")))
                    .unwrap_or_default()
            );
            println!("{}", issued.value);
            Ok(())
        }
        TokenCommand::RevokeAll { email } => {
            let revoked = system
                .revoke_tokens_of(&email)
                .await
                .map_err(|e| e.to_string())?;
            println!("Revoked {revoked} personal access token(s).");
            Ok(())
        }
    }
}

/// The password piped in on standard input, or `None` (generate one) for a terminal or an
/// empty input.
fn read_password_from_stdin() -> Result<Option<String>, String> {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut input = String::new();
    stdin
        .read_to_string(&mut input)
        .map_err(|e| format!("could not read the password from stdin: {e}"))?;
    let password = input
        .strip_suffix('\n')
        .map(|p| p.strip_suffix('\r').unwrap_or(p))
        .unwrap_or(&input);
    Ok(Some(password.to_string()).filter(|p| !p.is_empty()))
}

/// Connects to the database, creating the directory of a SQLite file if needed.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, String> {
    if let Some(dir) = config.sqlite_directory() {
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("could not create {}: {e}", dir.display()))?;
    }
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10));
    if config.sqlite_file().is_some() {
        // SeaORM opens a single SQLite connection unless told otherwise, which queues every
        // query of every request behind one another. In WAL mode readers do not block each
        // other or the writer; writers start with BEGIN IMMEDIATE (domain) and wait their
        // turn for up to the busy timeout. NORMAL sync is WAL's durable-on-checkpoint setting.
        options
            .max_connections(config.database_max_connections)
            .map_sqlx_sqlite_opts(|sqlite| {
                sqlite
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
            });
    } else if config.database_url.starts_with("postgres") {
        options.max_connections(config.database_max_connections);
    }
    // The URL may carry a password: name only the kind of database in errors.
    Database::connect(options).await.map_err(|e| {
        let kind = if config.database_url.starts_with("sqlite") {
            "SQLite"
        } else {
            "PostgreSQL"
        };
        format!(
            "could not connect to the {kind} database: {}",
            redact(&e.to_string(), &config.database_url)
        )
    })
}

fn redact(message: &str, url: &str) -> String {
    message.replace(url, "<LATCHKEY_DATABASE_URL>")
}

/// Whether start-up announces the first-admin setup link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetupLink {
    Log,
    /// For commands that create an admin themselves: the link would be dead on arrival.
    Silent,
}

/// Logged at every start without a configured secret.
pub const UNSET_SECRET_WARNING: &str = "LATCHKEY_SECRET and LATCHKEY_SECRET_FILE are unset: \
the instance key is kept in the database (table instance_settings), next to what it seals \
(identity-provider client secrets, virtual-account tokens, queued mail with one-time links), \
so a copy of the database is enough to unseal them. Set \
LATCHKEY_SECRET or LATCHKEY_SECRET_FILE to keep the key out of the database (see README, \
Configuration).";

/// Connect, migrate, open the services and bootstrap the default tenant.
async fn open_services(config: &Config, setup_link: SetupLink) -> Result<Services, String> {
    let db = connect(config).await?;
    Migrator::up(&db, None)
        .await
        .map_err(|e| format!("migration failed: {e}"))?;
    let mail = match (&config.smtp_url, &config.smtp_from) {
        (Some(url), Some(from)) => {
            Some(Arc::new(SmtpMailer::new(url, from)?) as Arc<dyn MailTransport>)
        }
        _ => None,
    };
    let oidc = OpenIdConnect::new(config.sso_allow_private_issuers)?;
    let services_config = ServicesConfig {
        public_url: config.public_base(),
        mail,
        oidc: Some(Arc::new(oidc) as Arc<dyn OidcClient>),
        ..ServicesConfig::default()
    };
    let secret = config.secret()?;
    if secret.is_none() {
        tracing::warn!("{UNSET_SECRET_WARNING}");
    }
    let services = Services::open(db, secret, services_config)
        .await
        .map_err(|e| e.to_string())?;
    let outcome = services
        .system_scope()
        .bootstrap()
        .await
        .map_err(|e| e.to_string())?;
    if let BootstrapOutcome::SetupRequired { setup_token } = outcome
        && setup_link == SetupLink::Log
    {
        // The one deliberate exception to "no secrets in logs": the operator needs this link.
        tracing::warn!(
            setup_url = %format!("{}/setup?token={setup_token}", config.public_base()),
            "no admin exists yet: open the setup URL to create the first admin (it works once; a restart issues a new one)"
        );
    }
    Ok(services)
}

async fn serve(config: Config) -> Result<(), String> {
    let services = open_services(&config, SetupLink::Log).await?;
    let app = router::build(services.clone(), &config);

    if config.sso_allow_private_issuers {
        tracing::info!(
            "single sign-on may reach identity providers on loopback and private addresses (LATCHKEY_SSO_ALLOW_PRIVATE_ISSUERS)"
        );
    }
    if services.mail_enabled() {
        tracing::info!("mail delivery over SMTP is on");
    } else {
        tracing::info!(
            "mail delivery is off (LATCHKEY_SMTP_URL unset): one-time links are shown to the admin who creates them"
        );
    }
    tokio::spawn(services.clone().run_mail_delivery());

    let store = services.session_store();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(600));
        loop {
            every.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "could not delete expired sessions");
            }
        }
    });

    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("could not listen on {}: {e}", config.addr))?;
    tracing::info!(addr = %config.addr, public_url = %config.public_url(), "Latchkey is listening");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| format!("server error: {e}"))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
