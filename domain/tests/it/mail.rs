//! The outbox: mail is queued with the change that causes it, sealed at rest, delivered once,
//! and kept and retried when the transport fails. The SMTP transport itself is tested against a
//! real SMTP server in the server crate.

use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, TestCtx, db_test};
use crate::people::token_of;
use async_trait::async_trait;
use chrono::{Duration, Utc};
use domain::dto::{InviteRequest, LinkDelivery, PasswordLinkStatus, SecuritySettings, UserStatus};
use domain::entities::{mail_outbox, password_token, session, user};
use domain::permissions::BuiltinRole;
use domain::{DeliveryReport, DomainError, MailError, MailTransport, OutgoingMail};
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, QueryOrder, Set};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Records what it sends; fails while `failing` is set; takes `delay` per message.
#[derive(Debug, Default)]
struct Recorder {
    sent: Mutex<Vec<OutgoingMail>>,
    failing: AtomicBool,
    delay_ms: u64,
}

#[async_trait]
impl MailTransport for Recorder {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        tokio::time::sleep(std::time::Duration::from_millis(self.delay_ms)).await;
        if self.failing.load(Ordering::SeqCst) {
            return Err(MailError("421 mail server busy".into()));
        }
        self.sent.lock().unwrap().push(mail.clone());
        Ok(())
    }
}

impl Recorder {
    fn sent(&self) -> Vec<OutgoingMail> {
        self.sent.lock().unwrap().clone()
    }
}

fn invite(emails: &str, role_id: domain::ids::RoleId) -> InviteRequest {
    InviteRequest {
        emails: emails.into(),
        role_id,
        send_password_email: true,
        teams: Vec::new(),
    }
}

async fn outbox(ctx: &TestCtx) -> Vec<mail_outbox::Model> {
    mail_outbox::Entity::find()
        .order_by_asc(mail_outbox::Column::Id)
        .all(&ctx.db)
        .await
        .unwrap()
}

db_test!(
    invitations_are_mailed_sealed_and_sent_once,
    |ctx: TestCtx| async move {
        let recorder = Arc::new(Recorder::default());
        let services = ctx.services_with_mail(recorder.clone()).await;
        let admin = ctx.actor(ctx.with_admin().await).await;
        let member_role = ctx.role_id("tenant-member").await;
        let outcome = services
            .scope(&admin)
            .invite_users(invite("ann@example.com, ben@example.com", member_role))
            .await
            .unwrap();
        assert_eq!(
            outcome.invited[0].set_password_link,
            Some(LinkDelivery::Emailed {
                to: "ann@example.com".into()
            })
        );

        let queued = outbox(&ctx).await;
        assert_eq!(queued.len(), 2);
        assert_eq!(queued[0].kind, "invitation");
        assert_eq!(queued[0].recipient, "ann@example.com");
        assert_eq!(queued[0].subject, "You are invited to Default on Latchkey");
        let sealed = queued[0].sealed_body.clone().unwrap();
        assert!(
            !sealed.contains("set-password"),
            "bodies are sealed at rest"
        );

        let report = services.deliver_due_mail().await.unwrap();
        assert_eq!(report, DeliveryReport { sent: 2, failed: 0 });
        let sent = recorder.sent();
        assert_eq!(sent[0].to, "ann@example.com");
        assert!(
            sent[0].body.contains("with the role Member"),
            "{}",
            sent[0].body
        );
        let url = sent[0]
            .body
            .lines()
            .find(|l| l.contains("/set-password?token="))
            .expect("a link in the mail");
        assert_eq!(
            services
                .auth()
                .password_link_status(&token_of(url.trim()))
                .await
                .unwrap(),
            PasswordLinkStatus::Open {
                email: "ann@example.com".into()
            }
        );

        let delivered = outbox(&ctx).await;
        assert!(delivered.iter().all(|m| m.sent_at.is_some()));
        assert!(
            delivered.iter().all(|m| m.sealed_body.is_none()),
            "bodies are cleared once sent"
        );
        assert_eq!(
            services.deliver_due_mail().await.unwrap(),
            DeliveryReport::default(),
            "nothing is sent twice"
        );
        assert_eq!(recorder.sent().len(), 2);
    }
);

db_test!(
    failed_sends_are_kept_and_retried_later,
    |ctx: TestCtx| async move {
        let recorder = Arc::new(Recorder::default());
        recorder.failing.store(true, Ordering::SeqCst);
        let services = ctx.services_with_mail(recorder.clone()).await;
        let (admin, member) = ctx.admin_and_member().await;
        let delivery = services
            .scope(&admin)
            .reset_user_password(member)
            .await
            .unwrap();
        assert_eq!(
            delivery,
            LinkDelivery::Emailed {
                to: "m@example.com".into()
            }
        );

        let before = Utc::now();
        let report = services.deliver_due_mail().await.unwrap();
        assert_eq!(report, DeliveryReport { sent: 0, failed: 1 });
        let row = outbox(&ctx).await.remove(0);
        assert_eq!(row.kind, "password-reset");
        assert_eq!(row.attempts, 1);
        assert_eq!(row.last_error.as_deref(), Some("421 mail server busy"));
        assert!(row.sent_at.is_none());
        assert!(row.sealed_body.is_some(), "the message is kept");
        assert!(row.next_attempt_at >= before + Duration::seconds(29));

        // Not due yet: the next round leaves it alone, even with the server back.
        recorder.failing.store(false, Ordering::SeqCst);
        assert_eq!(
            services.deliver_due_mail().await.unwrap(),
            DeliveryReport::default()
        );

        let mut due: mail_outbox::ActiveModel = row.into();
        due.next_attempt_at = Set(Utc::now() - Duration::seconds(1));
        due.update(&ctx.db).await.unwrap();
        assert_eq!(
            services.deliver_due_mail().await.unwrap(),
            DeliveryReport { sent: 1, failed: 0 }
        );
        let row = outbox(&ctx).await.remove(0);
        assert_eq!(row.attempts, 2);
        assert!(row.sent_at.is_some());
        assert_eq!(row.last_error, None);
        assert_eq!(
            recorder.sent()[0].subject,
            "Reset your Latchkey password for Default"
        );
    }
);

db_test!(
    concurrent_rounds_send_each_message_once,
    |ctx: TestCtx| async move {
        let recorder = Arc::new(Recorder {
            delay_ms: 100,
            ..Recorder::default()
        });
        let services = ctx.services_with_mail(recorder.clone()).await;
        let admin = ctx.actor(ctx.with_admin().await).await;
        let member_role = ctx.role_id("tenant-member").await;
        services
            .scope(&admin)
            .invite_users(invite(
                "a1@example.com, a2@example.com, a3@example.com",
                member_role,
            ))
            .await
            .unwrap();
        let (one, two) = tokio::join!(services.deliver_due_mail(), services.deliver_due_mail());
        assert_eq!(one.unwrap().sent + two.unwrap().sent, 3);
        let mut recipients: Vec<String> = recorder.sent().into_iter().map(|m| m.to).collect();
        recipients.sort();
        assert_eq!(
            recipients,
            ["a1@example.com", "a2@example.com", "a3@example.com"]
        );
    }
);

db_test!(role_changes_send_a_notice, |ctx: TestCtx| async move {
    let recorder = Arc::new(Recorder::default());
    let services = ctx.services_with_mail(recorder.clone()).await;
    let (admin, member) = ctx.admin_and_member().await;
    let manager_role = ctx.role_id("team-manager").await;
    let scope = services.scope(&admin);
    scope.change_user_role(member, manager_role).await.unwrap();
    // Choosing the role the user already has changes nothing and sends nothing.
    scope.change_user_role(member, manager_role).await.unwrap();
    services.deliver_due_mail().await.unwrap();
    let sent = recorder.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "m@example.com");
    assert_eq!(sent[0].subject, "Your role in Default is now Team Manager");
    assert!(
        sent[0].body.contains("from Member to Team Manager"),
        "{}",
        sent[0].body
    );
});

db_test!(
    without_mail_links_are_shown_and_nothing_is_queued,
    |ctx: TestCtx| async move {
        let (admin, member) = ctx.admin_and_member().await;
        let scope = ctx.services.scope(&admin);
        let member_role = ctx.role_id("tenant-member").await;
        let outcome = scope
            .invite_users(invite("zoe@example.com", member_role))
            .await
            .unwrap();
        assert!(matches!(
            outcome.invited[0].set_password_link,
            Some(LinkDelivery::Shown(_))
        ));
        scope
            .change_user_role(member, ctx.role_id("team-manager").await)
            .await
            .unwrap();
        assert_eq!(mail_outbox::Entity::find().count(&ctx.db).await.unwrap(), 0);
        // An SSO invitation sends nothing either way.
        let recorder = Arc::new(Recorder::default());
        let services = ctx.services_with_mail(recorder.clone()).await;
        let sso = services
            .scope(&admin)
            .invite_users(InviteRequest {
                send_password_email: false,
                ..invite("sso@example.com", member_role)
            })
            .await
            .unwrap();
        assert_eq!(sso.invited[0].set_password_link, None);
        assert_eq!(mail_outbox::Entity::find().count(&ctx.db).await.unwrap(), 0);
    }
);

/// The link line of a message.
fn link_in(body: &str) -> String {
    body.lines()
        .find(|line| line.contains("/set-password?token="))
        .expect("a link in the message")
        .trim()
        .to_string()
}

db_test!(
    forgot_password_mails_an_hour_long_link_and_answers_everyone_alike,
    |ctx: TestCtx| async move {
        let recorder = Arc::new(Recorder::default());
        let services = ctx.services_with_mail(recorder.clone()).await;
        let admin_id = ctx.with_admin().await;
        let tenant = ctx.default_tenant().await;
        ctx.add_user(
            tenant.id,
            "gone@example.com",
            BuiltinRole::Member,
            UserStatus::Deactivated,
        )
        .await;
        ctx.add_session(admin_id).await;
        let auth = services.auth();
        // A known address (typed loosely), an unknown one, a deactivated account: one answer.
        for typed in [
            " Admin@Example.com ",
            "nobody@example.com",
            "gone@example.com",
        ] {
            auth.request_password_reset(typed, "10.0.0.1")
                .await
                .unwrap();
        }
        let queued = outbox(&ctx).await;
        assert_eq!(queued.len(), 1, "only the active account gets mail");
        assert_eq!(queued[0].recipient, ADMIN_EMAIL);
        assert_eq!(queued[0].kind, "password-reset");
        let link = password_token::Entity::find()
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(link.purpose, "requested");
        assert_eq!(link.expires_at - link.created_at, Duration::hours(1));

        assert_eq!(services.deliver_due_mail().await.unwrap().sent, 1);
        let sent = recorder.sent();
        assert!(
            sent[0].body.contains("If you did not ask"),
            "{}",
            sent[0].body
        );
        let url = link_in(&sent[0].body);

        // Asking changes nothing: the session stays and the password still works.
        assert_eq!(session::Entity::find().count(&ctx.db).await.unwrap(), 1);
        auth.sign_in_with_password(ADMIN_EMAIL, ADMIN_PASSWORD, "10.0.0.2")
            .await
            .unwrap();
        // The link sets a new password once.
        auth.set_password_with_link(
            &token_of(&url),
            "a brand new password",
            "a brand new password",
        )
        .await
        .unwrap();
        auth.sign_in_with_password(ADMIN_EMAIL, "a brand new password", "10.0.0.2")
            .await
            .unwrap();
        assert!(matches!(
            auth.set_password_with_link(
                &token_of(&url),
                "another new password",
                "another new password"
            )
            .await,
            Err(DomainError::Validation(_))
        ));
    }
);

db_test!(
    forgot_password_is_counted_per_address_and_needs_mail,
    |ctx: TestCtx| async move {
        ctx.with_admin().await;
        // Without mail there is no way to deliver a link: said plainly, before any lookup.
        let refused = ctx
            .services
            .auth()
            .request_password_reset(ADMIN_EMAIL, "10.0.0.1")
            .await;
        assert!(
            matches!(&refused, Err(DomainError::Conflict(m)) if m.contains("sends no mail")),
            "{refused:?}"
        );
        let recorder = Arc::new(Recorder::default());
        let services = ctx.services_with_mail(recorder).await;
        let auth = services.auth();
        match auth
            .request_password_reset("not an address", "10.0.0.1")
            .await
        {
            Err(DomainError::Validation(field)) => assert_eq!(field.field, "email"),
            other => panic!("expected a validation error, got {other:?}"),
        }
        // Three requests per typed address in the window, known or not; then a wait, the same
        // for both, so the count tells nothing either.
        for address in [ADMIN_EMAIL, "nobody@example.com"] {
            for _ in 0..3 {
                auth.request_password_reset(address, "10.0.0.1")
                    .await
                    .unwrap();
            }
            assert!(matches!(
                auth.request_password_reset(address, "10.0.0.1").await,
                Err(DomainError::RateLimited { .. })
            ));
        }
        assert_eq!(outbox(&ctx).await.len(), 3);
        // And ten per client address, whatever they type (six so far: refusals do not count).
        for n in 0..4 {
            auth.request_password_reset(&format!("someone{n}@example.com"), "10.0.0.1")
                .await
                .unwrap();
        }
        assert!(matches!(
            auth.request_password_reset("someone-else@example.com", "10.0.0.1")
                .await,
            Err(DomainError::RateLimited { .. })
        ));
        auth.request_password_reset("someone-else@example.com", "10.0.0.2")
            .await
            .unwrap();
    }
);

db_test!(
    forgot_password_follows_the_password_sign_in_setting,
    |ctx: TestCtx| async move {
        let (admin, member) = ctx.admin_and_member().await;
        let scope = ctx.services.scope(&admin);
        scope
            .create_identity_provider(crate::identity_providers::okta("okta"))
            .await
            .unwrap();
        scope
            .update_security_settings(SecuritySettings {
                password_sign_in: false,
                ..SecuritySettings::default()
            })
            .await
            .unwrap();
        let member_email = user::Entity::find_by_id(member.0)
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap()
            .email;
        let recorder = Arc::new(Recorder::default());
        let services = ctx.services_with_mail(recorder).await;
        let auth = services.auth();
        // Signing in with a password is off: a member gets no link, and hears the same answer.
        auth.request_password_reset(&member_email, "10.0.0.1")
            .await
            .unwrap();
        assert!(outbox(&ctx).await.is_empty());
        // An Admin keeps the break-glass way in, and so a way back to it.
        auth.request_password_reset(ADMIN_EMAIL, "10.0.0.1")
            .await
            .unwrap();
        let queued = outbox(&ctx).await;
        assert_eq!(queued.len(), 1);
        assert_eq!(queued[0].recipient, ADMIN_EMAIL);
    }
);
