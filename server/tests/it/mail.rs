//! Mail over real SMTP: lettre talks to an aiosmtpd server (scripts/mailbox.py) on 127.0.0.1,
//! and the tests read what it received.

use crate::harness::config;
use chrono::Utc;
use domain::dto::{InviteRequest, LinkDelivery, PasswordLinkStatus};
use domain::entities::{mail_outbox, role};
use domain::permissions::BuiltinRole;
use domain::{AuthMethod, DeliveryReport, MailTransport, Services, ServicesConfig};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectOptions, Database, DatabaseConnection, EntityTrait,
    QueryFilter, Set,
};
use server::mailer::SmtpMailer;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

const FROM: &str = "Latchkey <latchkey@example.com>";

/// A running scripts/mailbox.py. Dropping it stops the server (its stdin closes).
struct Mailbox {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl Mailbox {
    fn python() -> PathBuf {
        if let Ok(path) = std::env::var("LATCHKEY_MAILBOX_PYTHON") {
            return path.into();
        }
        let home = std::env::var("HOME").expect("HOME");
        let python = PathBuf::from(home).join(".cache/latchkey/tools/mailbox-venv/bin/python");
        assert!(
            python.exists(),
            "the test SMTP server needs aiosmtpd: run scripts/ensure-tools.sh mail"
        );
        python
    }

    fn start(port: u16) -> Mailbox {
        let dir = std::env::temp_dir().join(format!(
            "latchkey-mailbox-{}-{}",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/mailbox.py");
        let mut child = Command::new(Self::python())
            .arg(script)
            .arg("--dir")
            .arg(&dir)
            .arg("--port")
            .arg(port.to_string())
            .arg("--max-seconds")
            .arg("300")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the mailbox");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("mailbox announces its port");
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected mailbox output: {line:?}"));
        Mailbox { child, dir, port }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, oldest first.
    fn messages(&self) -> Vec<serde_json::Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "json"));
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for Mailbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port nothing listens on (yet).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn services_mailing_to(url: &str) -> (Services, DatabaseConnection) {
    let mut options = ConnectOptions::new("sqlite::memory:");
    options
        .max_connections(1)
        .min_connections(1)
        .sqlx_logging(false);
    let db = Database::connect(options).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    let transport: Arc<dyn MailTransport> = Arc::new(SmtpMailer::new(url, FROM).unwrap());
    let services = Services::open(
        db.clone(),
        config().secret,
        ServicesConfig {
            mail: Some(transport),
            ..ServicesConfig::default()
        },
    )
    .await
    .unwrap();
    services.system_scope().bootstrap().await.unwrap();
    (services, db)
}

/// The Admin invites `email` with the set-password box checked.
async fn invite(services: &Services, db: &DatabaseConnection, email: &str) {
    let admin = services
        .system_scope()
        .create_admin(
            "admin@example.com",
            "Ada Admin",
            Some("correct horse battery".into()),
        )
        .await
        .unwrap();
    let actor = services
        .load_actor(
            admin.user_id,
            AuthMethod::Session {
                authenticated_at: chrono::Utc::now(),
            },
        )
        .await
        .unwrap()
        .unwrap();
    let member_role = role::Entity::find()
        .filter(role::Column::Name.eq(BuiltinRole::Member.name()))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let outcome = services
        .scope(&actor)
        .invite_users(InviteRequest {
            emails: email.into(),
            role_id: domain::ids::RoleId(member_role.id),
            send_password_email: true,
            teams: Vec::new(),
        })
        .await
        .unwrap();
    assert_eq!(
        outcome.invited[0].set_password_link,
        Some(LinkDelivery::Emailed { to: email.into() })
    );
}

fn link_in(body: &str) -> String {
    body.lines()
        .map(str::trim)
        .find(|l| l.contains("/set-password?token="))
        .unwrap_or_else(|| panic!("no link in {body:?}"))
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_arrives_over_smtp_with_a_working_link() {
    let mailbox = Mailbox::start(0);
    let (services, db) = services_mailing_to(&mailbox.url()).await;
    invite(&services, &db, "newcomer@example.com").await;

    let report = services.deliver_due_mail().await.unwrap();
    assert_eq!(report, DeliveryReport { sent: 1, failed: 0 });
    let messages = mailbox.messages();
    assert_eq!(messages.len(), 1);
    let mail = &messages[0];
    assert_eq!(mail["from"], "latchkey@example.com");
    assert_eq!(mail["to"][0], "newcomer@example.com");
    assert_eq!(mail["subject"], "You are invited to Default on Latchkey");
    let body = mail["body"].as_str().unwrap();
    assert!(body.contains("Ada Admin invited you"), "{body}");
    let link = link_in(body);
    let token = link.split("token=").nth(1).unwrap();
    assert_eq!(
        services.auth().password_link_status(token).await.unwrap(),
        PasswordLinkStatus::Open {
            email: "newcomer@example.com".into()
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_waits_in_the_outbox_while_the_server_is_down() {
    let port = free_port();
    let (services, db) = services_mailing_to(&format!("smtp://127.0.0.1:{port}")).await;
    invite(&services, &db, "patient@example.com").await;

    let report = services.deliver_due_mail().await.unwrap();
    assert_eq!(report, DeliveryReport { sent: 0, failed: 1 });
    let row = mail_outbox::Entity::find().one(&db).await.unwrap().unwrap();
    let error = row.last_error.clone().unwrap();
    assert!(error.starts_with("SMTP delivery failed"), "{error}");
    assert!(!error.contains("token"), "{error}");

    // The server comes up; once the retry is due, the message goes out.
    let mailbox = Mailbox::start(port);
    let mut due: mail_outbox::ActiveModel = row.into();
    due.next_attempt_at = Set(Utc::now() - chrono::Duration::seconds(1));
    due.update(&db).await.unwrap();
    let report = services.deliver_due_mail().await.unwrap();
    assert_eq!(report, DeliveryReport { sent: 1, failed: 0 });
    let messages = mailbox.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["to"][0], "patient@example.com");
    link_in(messages[0]["body"].as_str().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_delivery_loop_sends_as_soon_as_mail_is_queued() {
    let mailbox = Mailbox::start(0);
    let (services, db) = services_mailing_to(&mailbox.url()).await;
    let worker = tokio::spawn(services.clone().run_mail_delivery());
    // Let the first (empty) round pass, so only the wake-up can explain a prompt delivery.
    tokio::time::sleep(Duration::from_millis(300)).await;
    invite(&services, &db, "prompt@example.com").await;
    let mut waited = Duration::ZERO;
    while mailbox.messages().is_empty() && waited < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += Duration::from_millis(100);
    }
    worker.abort();
    assert_eq!(
        mailbox.messages().len(),
        1,
        "delivered within 5 s, well before the poll"
    );
}

// A tokio runtime: lettre's pooled transport needs one, even to be dropped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_settings_are_checked_without_echoing_them() {
    let mut with_url = config();
    with_url.smtp_url = Some("smtps://mailer:hunter2-secret@mail.example.com".into());
    let error = with_url.validate().unwrap_err();
    assert_eq!(
        error,
        "LATCHKEY_SMTP_FROM is required when LATCHKEY_SMTP_URL is set"
    );
    with_url.smtp_from = Some(FROM.into());
    assert_eq!(with_url.validate(), Ok(()));
    with_url.smtp_url = Some("http://mailer:hunter2-secret@mail.example.com".into());
    let error = with_url.validate().unwrap_err();
    assert!(!error.contains("hunter2"), "{error}");

    let error = SmtpMailer::new("smtp://mailer:hunter2-secret@", FROM).unwrap_err();
    assert!(!error.contains("hunter2"), "{error}");
    let error = SmtpMailer::new("smtp://127.0.0.1:25", "not an address").unwrap_err();
    assert!(error.starts_with("LATCHKEY_SMTP_FROM"), "{error}");
    let debug = format!(
        "{:?}",
        SmtpMailer::new("smtps://mailer:hunter2-secret@mail.example.com", FROM).unwrap()
    );
    assert!(!debug.contains("hunter2"), "{debug}");
}
