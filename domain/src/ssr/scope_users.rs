//! A user's page: details, effective permissions, role assignment, deactivation.

use crate::dto::{
    BulkUserChange, BulkUserOutcome, EffectivePermission, RoleManagedBy, TeamMemberRole,
    UserChange, UserDetail, UserKey, UserRow, UserStatus, UserTeam,
};
use crate::ids::{RoleId, TeamId, UserId};
use crate::permissions::BuiltinRole;
use crate::ssr::actor::UserActor;
use crate::ssr::authorize::{Operation, authorize};
use crate::ssr::effective::TenantStanding;
use crate::ssr::entities::{role, user};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::grant_rule::refuse_acting_on;
use crate::ssr::mail::{self, MailKind};
use crate::ssr::scope::{Scope, UserWithRole, teams_of};
use crate::ssr::scope_resources::grants_reaching_user;
use crate::ssr::scope_roles::{find_role, refuse_role_grant};
use crate::ssr::scope_teams::add_members;
use crate::ssr::scope_tokens::active_token_count;
use crate::ssr::services::is_admin_role;
use crate::ssr::sessions::end_sessions;
use crate::ssr::users::builtin_role;
use crate::validation::normalize_email;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

impl Scope<'_> {
    /// One user of the tenant, with their effective permissions and where each comes from.
    pub async fn get_user(&self, id: UserId) -> DomainResult<UserDetail> {
        let me = authorize(self.actor, Operation::ViewUser)?;
        let db = self.services.db();
        let (target, role) = find_user(db, me, id).await?;
        detail(db, target, role).await
    }

    /// Assigns a tenant role. The change is manual, so SSO group mapping will not undo it.
    /// Refused when it would hand out permissions the actor lacks (unless Admin), when a
    /// non-Admin acts on an Admin, or when it would demote the last active Admin. When mail is
    /// configured and the role really changes, the user gets a notice.
    pub async fn change_user_role(
        &self,
        user: impl Into<UserKey>,
        role_id: RoleId,
    ) -> DomainResult<UserDetail> {
        let me = authorize(self.actor, Operation::ChangeUserRole)?;
        let txn = self.services.begin_write().await?;
        let new_role = find_role(&txn, me, role_id).await?;
        refuse_role_grant(&txn, me, &new_role).await?;
        let (updated, notified) = self.assign_role(&txn, me, user.into(), &new_role).await?;
        let id = UserId(updated.id);
        let result = detail(&txn, updated, new_role).await?;
        self.finish(txn).await?;
        if notified {
            self.services.wake_mail_delivery();
        }
        tracing::info!(user = id.0, by = me.user_id.0, role = %result.user.role_name, "user role changed");
        Ok(result)
    }

    /// Several users at once (the Users list's bulk actions): one change, one transaction.
    /// Each user goes through the same checks as when changed alone, and the first refusal,
    /// which names the user, leaves every one of them as they were.
    pub async fn change_users(&self, change: BulkUserChange) -> DomainResult<BulkUserOutcome> {
        // Allowed at all before anything is read or locked. Joining a team is a Users-list
        // action: it names users by id, so it needs listing them as well as adding to the team
        // (without it, ids sent here would read back as emails).
        let me = match change.change {
            UserChange::Deactivate | UserChange::Activate => {
                authorize(self.actor, Operation::SetUserStatus)?
            }
            UserChange::Role(_) => authorize(self.actor, Operation::ChangeUserRole)?,
            UserChange::JoinTeam(_) => authorize(self.actor, Operation::ListUsers)?,
        };
        let mut users = change.users.clone();
        users.sort();
        users.dedup();
        if users.is_empty() {
            return Err(DomainError::validation(
                "users",
                "Choose at least one user.",
            ));
        }
        if users.len() > BulkUserChange::MAX_USERS {
            return Err(DomainError::validation(
                "users",
                format!(
                    "Change at most {} users at once.",
                    BulkUserChange::MAX_USERS
                ),
            ));
        }
        let txn = self.services.begin_write().await?;
        let mut changed = Vec::new();
        let mut notified = false;
        match change.change {
            UserChange::Deactivate | UserChange::Activate => {
                let status = if change.change == UserChange::Deactivate {
                    UserStatus::Deactivated
                } else {
                    UserStatus::Active
                };
                for id in &users {
                    let (updated, _) = set_status_in(&txn, me, UserKey::Id(*id), status).await?;
                    changed.push(updated.email);
                }
            }
            UserChange::Role(role_id) => {
                let new_role = find_role(&txn, me, role_id).await?;
                refuse_role_grant(&txn, me, &new_role).await?;
                for id in &users {
                    let (updated, mailed) = self
                        .assign_role(&txn, me, UserKey::Id(*id), &new_role)
                        .await?;
                    notified |= mailed;
                    changed.push(updated.email);
                }
            }
            UserChange::JoinTeam(team) => {
                // Allowed to change the team's members, before any user is looked up.
                let (_, team) = self.member_manager(&txn, team).await?;
                let mut emails = Vec::new();
                for id in &users {
                    emails.push(find_user(&txn, me, *id).await?.0.email);
                }
                changed = add_members(&txn, me, &team, &emails, TeamMemberRole::Member)
                    .await?
                    .added;
            }
        }
        self.finish(txn).await?;
        if notified {
            self.services.wake_mail_delivery();
        }
        changed.sort();
        tracing::info!(
            by = me.user_id.0,
            users = ?users.iter().map(|u| u.0).collect::<Vec<_>>(),
            changed = changed.len(),
            change = ?change.change,
            "users changed together"
        );
        Ok(BulkUserOutcome { changed })
    }

    /// Gives one user `new_role` inside `txn`: the checks on the user (acting on them, the
    /// last Admin) and the notice. The caller authorized the operation and checked the role may
    /// be handed out. Returns the user as updated and whether a notice was queued.
    async fn assign_role(
        &self,
        txn: &impl ConnectionTrait,
        me: &UserActor,
        user: UserKey,
        new_role: &role::Model,
    ) -> DomainResult<(user::Model, bool)> {
        let (target, current_role) = find_user(txn, me, user).await?;
        refuse_acting_on(txn, me, &target).await?;
        if is_admin_role(&current_role) && !is_admin_role(new_role) {
            refuse_last_admin(txn, &target, "demote").await?;
        }
        let notify = self.services.mail_enabled() && current_role.id != new_role.id;
        if notify {
            let message = mail::role_changed(
                &mail::tenant_name(txn, me.tenant_id.0).await?,
                &current_role.display_name,
                &new_role.display_name,
                &me.display_name,
                &self.services.config().public_url,
            );
            mail::enqueue(
                txn,
                self.services,
                target.tenant_id,
                MailKind::RoleChanged,
                &target.email,
                message,
            )
            .await?;
        }
        let mut active: user::ActiveModel = target.into();
        active.role_id = Set(new_role.id);
        active.role_managed_by = Set(RoleManagedBy::Manual.as_str().into());
        active.updated_at = Set(Utc::now());
        Ok((active.update(txn).await?, notify))
    }

    /// Deactivates a user: they cannot sign in, and every session of theirs ends now.
    pub async fn deactivate_user(&self, user: impl Into<UserKey>) -> DomainResult<UserDetail> {
        self.set_status(user.into(), UserStatus::Deactivated).await
    }

    /// Lets a deactivated user sign in again.
    pub async fn activate_user(&self, user: impl Into<UserKey>) -> DomainResult<UserDetail> {
        self.set_status(user.into(), UserStatus::Active).await
    }

    async fn set_status(&self, user: UserKey, status: UserStatus) -> DomainResult<UserDetail> {
        let me = authorize(self.actor, Operation::SetUserStatus)?;
        let txn = self.services.begin_write().await?;
        let (updated, role) = set_status_in(&txn, me, user, status).await?;
        let id = UserId(updated.id);
        let result = detail(&txn, updated, role).await?;
        self.finish(txn).await?;
        tracing::info!(
            user = id.0,
            by = me.user_id.0,
            status = status.as_str(),
            "user status changed"
        );
        Ok(result)
    }
}

/// Sets one user's status inside `txn`, ending their sessions when deactivated; refused when
/// acting on them is, or when it would leave no active Admin. The caller authorized
/// `SetUserStatus`.
async fn set_status_in(
    txn: &impl ConnectionTrait,
    me: &UserActor,
    user: UserKey,
    status: UserStatus,
) -> DomainResult<(user::Model, role::Model)> {
    let (target, role) = find_user(txn, me, user).await?;
    refuse_acting_on(txn, me, &target).await?;
    if status == UserStatus::Deactivated && is_admin_role(&role) {
        refuse_last_admin(txn, &target, "deactivate").await?;
    }
    let mut active: user::ActiveModel = target.into();
    active.status = Set(status.as_str().into());
    active.updated_at = Set(Utc::now());
    let updated = active.update(txn).await?;
    if status == UserStatus::Deactivated {
        end_sessions(txn, updated.id).await?;
    }
    Ok((updated, role))
}

/// A user of the actor's tenant with their role; another tenant's id reads as not found.
pub(crate) async fn find_user(
    db: &impl ConnectionTrait,
    me: &UserActor,
    key: impl Into<UserKey>,
) -> DomainResult<(user::Model, role::Model)> {
    let select = user::Entity::find().filter(user::Column::TenantId.eq(me.tenant_id.0));
    let select = match key.into() {
        UserKey::Id(id) => select.filter(user::Column::Id.eq(id.0)),
        UserKey::Email(email) => {
            select.filter(user::Column::Email.eq(normalize_email("email", &email)?))
        }
    };
    match select.find_also_related(role::Entity).one(db).await? {
        Some((found, Some(role))) => Ok((found, role)),
        _ => Err(DomainError::NotFound("User".into())),
    }
}

/// Refuses to leave the tenant without an active Admin.
pub(crate) async fn refuse_last_admin(
    db: &impl ConnectionTrait,
    target: &user::Model,
    verb: &str,
) -> DomainResult<()> {
    let admin_role = builtin_role(db, target.tenant_id, BuiltinRole::Admin).await?;
    let other_active_admins = user::Entity::find()
        .filter(user::Column::TenantId.eq(target.tenant_id))
        .filter(user::Column::RoleId.eq(admin_role.id))
        .filter(user::Column::Status.eq(UserStatus::Active.as_str()))
        .filter(user::Column::Id.ne(target.id))
        .count(db)
        .await?;
    if other_active_admins == 0 {
        return Err(DomainError::Conflict(format!(
            "{} is the last active Admin: make another user Admin before you {verb} them.",
            target.email
        )));
    }
    Ok(())
}

async fn detail(
    db: &impl ConnectionTrait,
    target: user::Model,
    role: role::Model,
) -> DomainResult<UserDetail> {
    let standing = TenantStanding::load(db, target.id, &role).await?;
    let role_managed_by =
        RoleManagedBy::parse(&target.role_managed_by).unwrap_or(RoleManagedBy::Initial);
    let created_at = target.created_at;
    let role_id = RoleId(role.id);
    let team_memberships: Vec<UserTeam> = teams_of(db, [target.id])
        .await?
        .into_iter()
        .map(|(_, team, role)| UserTeam {
            id: TeamId(team.id),
            name: team.name,
            role,
        })
        .collect();
    let teams: Vec<(i64, String)> = team_memberships
        .iter()
        .map(|t| (t.id.0, t.name.clone()))
        .collect();
    let collaborations = grants_reaching_user(db, target.id, &teams).await?;
    let active_tokens = active_token_count(db, UserId(target.id), Utc::now()).await?;
    let mut row = UserRow::from(UserWithRole {
        user: target,
        role: Some(role),
    });
    row.teams = team_memberships.iter().map(|t| t.name.clone()).collect();
    Ok(UserDetail {
        user: row,
        team_memberships,
        collaborations,
        role_id,
        role_managed_by,
        created_at,
        active_tokens,
        effective_permissions: standing
            .sources()
            .into_iter()
            .map(|(permission, sources)| EffectivePermission {
                key: permission.key().to_string(),
                sources,
            })
            .collect(),
    })
}
