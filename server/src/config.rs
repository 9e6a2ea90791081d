use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args};
use std::net::SocketAddr;
use std::path::PathBuf;
use url::Url;

/// Settings shared by every command, from flags or LATCHKEY_* environment variables.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database: `sqlite://path?mode=rwc` (embedded default) or `postgres://user@host/db`.
    #[arg(
        long,
        env = "LATCHKEY_DATABASE_URL",
        default_value = "sqlite://data/latchkey.db?mode=rwc",
        global = true
    )]
    pub database_url: String,

    /// Most database connections open at once. A file-backed SQLite database runs in WAL mode,
    /// so its readers work in parallel too (writers take turns).
    #[arg(
        long,
        env = "LATCHKEY_DATABASE_MAX_CONNECTIONS",
        default_value_t = 10,
        global = true
    )]
    pub database_max_connections: u32,

    /// Address the server listens on.
    #[arg(
        long,
        env = "LATCHKEY_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: SocketAddr,

    /// The URL people use to reach the console (links, cookie security). Default: http://ADDR.
    /// When it starts with https:// the session cookie is marked Secure.
    #[arg(long, env = "LATCHKEY_PUBLIC_URL", global = true)]
    pub public_url: Option<Url>,

    /// Secret (at least 32 characters) keying stored token hashes and sealing stored secrets.
    /// When unset (and LATCHKEY_SECRET_FILE too), one is generated on first start and kept in
    /// the database, next to what it protects.
    #[arg(long, env = "LATCHKEY_SECRET", hide_env_values = true, global = true)]
    pub secret: Option<String>,

    /// A file holding the secret (its content, trimmed), e.g. a mounted container secret.
    /// Instead of LATCHKEY_SECRET, not with it.
    #[arg(long, env = "LATCHKEY_SECRET_FILE", global = true)]
    pub secret_file: Option<PathBuf>,

    /// A session ends after this many minutes without a request.
    #[arg(
        long,
        env = "LATCHKEY_SESSION_IDLE_MINUTES",
        default_value_t = 120,
        global = true
    )]
    pub session_idle_minutes: i64,

    /// A session ends this many hours after sign-in, however active.
    #[arg(
        long,
        env = "LATCHKEY_SESSION_ABSOLUTE_HOURS",
        default_value_t = 12,
        global = true
    )]
    pub session_absolute_hours: i64,

    /// Where the built site (wasm, js, css) is served from, unless it is embedded in the binary.
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: PathBuf,

    /// Outgoing mail server, e.g. `smtp://mail.internal:25`, `smtp://host:587?tls=required`
    /// (STARTTLS) or `smtps://user:password@host:465`. Unset: no mail is sent and one-time links
    /// are shown to the admin instead.
    #[arg(long, env = "LATCHKEY_SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,

    /// Sender of Latchkey's mail, e.g. `Latchkey <latchkey@example.com>`. Required with
    /// LATCHKEY_SMTP_URL.
    #[arg(long, env = "LATCHKEY_SMTP_FROM", global = true)]
    pub smtp_from: Option<String>,

    /// Let single sign-on reach identity providers on loopback and private addresses
    /// (127/8, 10/8, 172.16/12, 192.168/16, 100.64/10, ::1, fc00::/7), e.g. an in-house
    /// Keycloak. Link-local addresses (169.254/16, fe80::/10) are refused all the same.
    #[arg(
        long,
        env = "LATCHKEY_SSO_ALLOW_PRIVATE_ISSUERS",
        default_value_t = false,
        action = ArgAction::Set,
        value_parser = BoolishValueParser::new(),
        global = true
    )]
    pub sso_allow_private_issuers: bool,

    /// Log format: `pretty` or `json`.
    #[arg(
        long,
        env = "LATCHKEY_LOG_FORMAT",
        default_value = "pretty",
        global = true
    )]
    pub log_format: String,
}

impl Config {
    pub fn public_url(&self) -> Url {
        self.public_url.clone().unwrap_or_else(|| {
            Url::parse(&format!("http://{}", self.addr))
                .unwrap_or_else(|_| unreachable!("a socket address is a valid host"))
        })
    }

    /// The public URL without a trailing slash, for building links.
    pub fn public_base(&self) -> String {
        self.public_url().as_str().trim_end_matches('/').to_string()
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url().scheme() == "https"
    }

    /// The configured secret: LATCHKEY_SECRET, or the trimmed content of
    /// LATCHKEY_SECRET_FILE. `None`: neither is set, and the secret generated on first start
    /// is read from the database. Errors name the variables, never the secret.
    pub fn secret(&self) -> Result<Option<String>, String> {
        match (&self.secret, &self.secret_file) {
            (Some(_), Some(_)) => Err(
                "LATCHKEY_SECRET and LATCHKEY_SECRET_FILE are both set: set only one of them"
                    .into(),
            ),
            (Some(secret), None) => Ok(Some(secret.clone())),
            (None, Some(path)) => {
                let content = std::fs::read_to_string(path).map_err(|e| {
                    format!(
                        "LATCHKEY_SECRET_FILE: cannot read the secret from {}: {e}",
                        path.display()
                    )
                })?;
                let secret = content.trim();
                if secret.is_empty() {
                    return Err(format!("LATCHKEY_SECRET_FILE: {} is empty", path.display()));
                }
                Ok(Some(secret.to_string()))
            }
            (None, None) => Ok(None),
        }
    }

    /// Checks values clap cannot.
    pub fn validate(&self) -> Result<(), String> {
        if self.secret()?.is_some_and(|s| s.len() < 32) {
            let source = if self.secret_file.is_some() {
                "The secret in LATCHKEY_SECRET_FILE"
            } else {
                "LATCHKEY_SECRET"
            };
            return Err(format!("{source} must be at least 32 characters long"));
        }
        if self.session_idle_minutes < 1 {
            return Err("LATCHKEY_SESSION_IDLE_MINUTES must be at least 1".into());
        }
        if self.session_absolute_hours < 1 {
            return Err("LATCHKEY_SESSION_ABSOLUTE_HOURS must be at least 1".into());
        }
        if let Some(url) = &self.public_url
            && !matches!(url.scheme(), "http" | "https")
        {
            return Err("LATCHKEY_PUBLIC_URL must start with http:// or https://".into());
        }
        if self.database_max_connections < 1 {
            return Err("LATCHKEY_DATABASE_MAX_CONNECTIONS must be at least 1".into());
        }
        if !(self.database_url.starts_with("sqlite:") || self.database_url.starts_with("postgres"))
        {
            return Err("LATCHKEY_DATABASE_URL must be a sqlite: or postgres:// URL".into());
        }
        if let Some(url) = &self.smtp_url {
            // The URL may hold a password: messages name the variable, never its value.
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err("LATCHKEY_SMTP_URL must start with smtp:// or smtps://".into());
            }
            if self.smtp_from.is_none() {
                return Err("LATCHKEY_SMTP_FROM is required when LATCHKEY_SMTP_URL is set".into());
            }
        }
        if matches!(self.log_format.as_str(), "pretty" | "json") {
            Ok(())
        } else {
            Err("LATCHKEY_LOG_FORMAT must be `pretty` or `json`".into())
        }
    }

    /// For a file-backed SQLite URL, the file.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        let rest = self
            .database_url
            .strip_prefix("sqlite://")
            .or_else(|| self.database_url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or_default();
        if path.is_empty() || path.contains(":memory:") || path.starts_with("file:") {
            return None;
        }
        Some(PathBuf::from(path))
    }

    /// For a file-backed SQLite URL, the directory the file lives in (created at start).
    pub fn sqlite_directory(&self) -> Option<PathBuf> {
        self.sqlite_file()?
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(PathBuf::from)
    }
}
