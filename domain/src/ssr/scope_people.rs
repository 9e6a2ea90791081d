//! Inviting, resetting and deleting users, and one's own profile.

use crate::dto::{
    CurrentUser, InviteOutcome, InviteRequest, InvitedUser, LinkDelivery, PasswordLink,
    RoleManagedBy, TeamMemberRole,
};
use crate::ids::UserId;
use crate::ssr::authorize::{Operation, authorize};
use crate::ssr::entities::{identity_provider, user};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::grant_rule::refuse_acting_on;
use crate::ssr::mail::{self, MailKind};
use crate::ssr::password_links::{self, LinkPurpose};
use crate::ssr::scope::{Scope, teams_of};
use crate::ssr::scope_reauthentication::{check_own_password, own_record};
use crate::ssr::scope_resources::grants_of_user;
use crate::ssr::scope_roles::{find_role, refuse_role_grant};
use crate::ssr::scope_teams::add_members;
use crate::ssr::scope_tokens::revoke_all_personal_tokens;
use crate::ssr::scope_users::{find_user, refuse_last_admin};
use crate::ssr::services::is_admin_role;
use crate::ssr::sessions::end_sessions;
use crate::ssr::users::insert_passwordless_user;
use crate::validation::{check_password_pair, normalize_display_name, parse_email_list};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

impl Scope<'_> {
    /// Invites one or several addresses with one role. Existing addresses are reported and left
    /// alone. With `send_password_email`, each new user gets a one-time set-password link,
    /// mailed when mail is configured and otherwise returned for the admin to pass on; without
    /// it, they are expected to use SSO.
    pub async fn invite_users(&self, request: InviteRequest) -> DomainResult<InviteOutcome> {
        let me = authorize(self.actor, Operation::InviteUsers)?;
        let emails = parse_email_list("emails", &request.emails)?;
        let txn = self.services.begin_write().await?;
        let role = find_role(&txn, me, request.role_id).await?;
        refuse_role_grant(&txn, me, &role).await?;
        // May add to each team chosen, before anyone is created (what the team hands out is
        // checked as the new users join it, below).
        let mut teams = Vec::with_capacity(request.teams.len());
        for id in &request.teams {
            teams.push(self.member_manager(&txn, *id).await?.1);
        }
        let existing: Vec<String> = user::Entity::find()
            .filter(user::Column::TenantId.eq(me.tenant_id.0))
            .filter(user::Column::Email.is_in(emails.clone()))
            .all(&txn)
            .await?
            .into_iter()
            .map(|u| u.email)
            .collect();
        let tenant = mail::tenant_name(&txn, me.tenant_id.0).await?;
        let mut invited = Vec::new();
        for email in emails.iter().filter(|e| !existing.contains(e)) {
            let display_name = email.split('@').next().unwrap_or(email).to_string();
            let created = insert_passwordless_user(
                &txn,
                me.tenant_id.0,
                email.clone(),
                display_name,
                role.id,
                // Seed 002: an invited user's role is `initial` until someone changes it by
                // hand, so an identity provider's group mapping applies at their sign-ins.
                RoleManagedBy::Initial,
            )
            .await?;
            let set_password_link = if request.send_password_email {
                let link =
                    password_links::issue(&txn, self.services, &created, LinkPurpose::Set).await?;
                let message =
                    mail::invitation(&tenant, &me.display_name, &role.display_name, &link);
                Some(deliver_link(self, &txn, &created, MailKind::Invitation, link, message).await?)
            } else {
                None
            };
            invited.push(InvitedUser {
                id: UserId(created.id),
                email: created.email,
                set_password_link,
            });
        }
        // The teams chosen, for the new users only (existing ones were left alone), in this
        // transaction: a team the actor may not add to refuses the whole invitation.
        if !invited.is_empty() {
            let emails: Vec<String> = invited.iter().map(|u| u.email.clone()).collect();
            for team in &teams {
                add_members(&txn, me, team, &emails, TeamMemberRole::Member).await?;
            }
        }
        self.finish(txn).await?;
        self.services.wake_mail_delivery();
        tracing::info!(
            invited = invited.len(),
            teams = ?request.teams.iter().map(|t| t.0).collect::<Vec<_>>(),
            existing = existing.len(),
            by = me.user_id.0,
            dry_run = self.rehearse,
            "users invited"
        );
        Ok(InviteOutcome {
            invited,
            already_exist: existing,
        })
    }

    /// Issues a new set-password link for a user (mailed, or returned when mail is not
    /// configured), signs them out everywhere and revokes their personal access tokens. Their current password keeps working until
    /// the link is used.
    pub async fn reset_user_password(&self, id: UserId) -> DomainResult<LinkDelivery> {
        let me = authorize(self.actor, Operation::ResetUserPassword)?;
        let txn = self.services.begin_write().await?;
        let (target, _) = find_user(&txn, me, id).await?;
        refuse_acting_on(&txn, me, &target).await?;
        let link = password_links::issue(&txn, self.services, &target, LinkPurpose::Reset).await?;
        let message = mail::password_reset(&mail::tenant_name(&txn, me.tenant_id.0).await?, &link);
        let delivery =
            deliver_link(self, &txn, &target, MailKind::PasswordReset, link, message).await?;
        end_sessions(&txn, target.id).await?;
        // A reset says the account may be in the wrong hands: its tokens go with its sessions.
        let revoked = revoke_all_personal_tokens(&txn, UserId(target.id), Utc::now()).await?;
        self.finish(txn).await?;
        self.services.wake_mail_delivery();
        tracing::info!(
            user = id.0,
            by = me.user_id.0,
            tokens_revoked = revoked,
            "password reset link issued"
        );
        Ok(delivery)
    }

    /// Deletes a user. Resources they created stay. Nobody deletes themselves, non-Admins do
    /// not delete Admins, the last active Admin stays, and a user still in a team stays until
    /// removed from it (the refusal names the teams).
    pub async fn delete_user(&self, id: UserId) -> DomainResult<()> {
        let me = authorize(self.actor, Operation::DeleteUser)?;
        if id == me.user_id {
            return Err(DomainError::Conflict("You cannot delete yourself.".into()));
        }
        let txn = self.services.begin_write().await?;
        let (target, role) = find_user(&txn, me, id).await?;
        refuse_acting_on(&txn, me, &target).await?;
        if is_admin_role(&role) {
            refuse_last_admin(&txn, &target, "delete").await?;
        }
        refuse_while_in_teams_or_grants(&txn, &target).await?;
        end_sessions(&txn, target.id).await?;
        // Rules they authored now have no author, and hand out nothing until saved again.
        identity_provider::Entity::update_many()
            .col_expr(
                identity_provider::Column::RulesAuthorId,
                sea_orm::sea_query::Expr::value(Option::<i64>::None),
            )
            .filter(identity_provider::Column::RulesAuthorId.eq(target.id))
            .exec(&txn)
            .await?;
        user::Entity::delete_by_id(target.id).exec(&txn).await?;
        self.finish(txn).await?;
        tracing::info!(user = id.0, by = me.user_id.0, "user deleted");
        Ok(())
    }

    /// Changes the signed-in user's display name.
    pub async fn update_own_display_name(&self, display_name: &str) -> DomainResult<CurrentUser> {
        let me = authorize(self.actor, Operation::UpdateOwnProfile)?;
        let display_name = normalize_display_name("display_name", display_name)?;
        let found = user::Entity::find_by_id(me.user_id.0)
            .one(self.services.db())
            .await?
            .ok_or_else(|| DomainError::NotFound("User".into()))?;
        let mut active: user::ActiveModel = found.into();
        active.display_name = Set(display_name.clone());
        active.updated_at = Set(Utc::now());
        active.update(self.services.db()).await?;
        let mut current = self.current_user().await?;
        current.display_name = display_name;
        Ok(current)
    }

    /// Changes the signed-in user's password; the current one is required, and guesses at it
    /// count against the same per-account limit as sign-in. Every session of the user ends
    /// (the transport starts a new one for the request that made the change), so whoever else
    /// held a session is out.
    pub async fn change_own_password(
        &self,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> DomainResult<()> {
        let me = authorize(self.actor, Operation::UpdateOwnProfile)?;
        let found = own_record(self.services, me.user_id.0).await?;
        if found.password_hash.is_none() {
            return Err(DomainError::validation(
                "current_password",
                "You have no password here: you sign in through single sign-on.",
            ));
        }
        check_password_pair(new, confirm)?;
        if !check_own_password(self.services, &found, current).await? {
            return Err(DomainError::validation(
                "current_password",
                "The current password is incorrect.",
            ));
        }
        let hash = self.services.hasher().hash(new).await?;
        let txn = self.services.begin_write().await?;
        let mut active: user::ActiveModel = found.into();
        active.password_hash = Set(Some(hash));
        active.updated_at = Set(Utc::now());
        active.update(&txn).await?;
        let ended = end_sessions(&txn, me.user_id.0).await?;
        self.finish(txn).await?;
        tracing::info!(
            user = me.user_id.0,
            sessions_ended = ended,
            "password changed by its owner"
        );
        Ok(())
    }
}

/// Queues `message` (which carries `link`) for `user` when mail is configured; otherwise hands
/// the link back for the admin to pass on. Runs inside the caller's transaction.
async fn deliver_link(
    scope: &Scope<'_>,
    txn: &impl sea_orm::ConnectionTrait,
    user: &user::Model,
    kind: MailKind,
    link: PasswordLink,
    message: (String, String),
) -> DomainResult<LinkDelivery> {
    if !scope.services.mail_enabled() {
        return Ok(LinkDelivery::Shown(link));
    }
    mail::enqueue(
        txn,
        scope.services,
        user.tenant_id,
        kind,
        &user.email,
        message,
    )
    .await?;
    Ok(LinkDelivery::Emailed {
        to: user.email.clone(),
    })
}

/// Refuses to delete a user who still belongs to teams or holds collaborator grants, naming
/// every one of them.
async fn refuse_while_in_teams_or_grants(
    db: &impl sea_orm::ConnectionTrait,
    target: &user::Model,
) -> DomainResult<()> {
    let teams: Vec<String> = teams_of(db, [target.id])
        .await?
        .into_iter()
        .map(|(_, team, _)| team.name)
        .collect();
    let grants = grants_of_user(db, target.id).await?;
    if teams.is_empty() && grants.is_empty() {
        return Ok(());
    }
    let mut blockers = Vec::new();
    if !teams.is_empty() {
        blockers.push(format!(
            "a member of {} team(s): {}",
            teams.len(),
            teams.join(", ")
        ));
    }
    if !grants.is_empty() {
        blockers.push(format!(
            "a collaborator on {} resource(s): {}",
            grants.len(),
            grants.join(", ")
        ));
    }
    Err(DomainError::Conflict(format!(
        "{} is {}. Remove them from these first.",
        target.email,
        blockers.join(", and ")
    )))
}
