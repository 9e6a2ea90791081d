//! Access > Teams: teams, their members and managers, and the tenant role a team may hold.

use crate::dto::{
    AddTeamMembersOutcome, AppliedTeam, NewTeam, NewTeamMembers, Page, RoleRef, TeamChanges,
    TeamDeletionImpact, TeamDetail, TeamManifest, TeamMemberRole, TeamMemberRow, TeamQuery,
    TeamSummary, UserRef,
};
use crate::ids::{RoleId, TeamId, UserId};
use crate::permissions::Permission;
use crate::ssr::actor::UserActor;
use crate::ssr::authorize::{Operation, Standing, active_user, authorize, authorize_with};
use crate::ssr::entities::{role, team, team_member, user};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::grant_rule::{Holdings, refuse_beyond};
use crate::ssr::scope::{Scope, lower_like, page_window, search_pattern};
use crate::ssr::scope_resources::{grant_count_of_team, grants_of_team, remove_grants_of_team};
use crate::ssr::scope_roles::{find_role, role_grant_refusal};
use crate::ssr::scope_virtual_accounts::accounts_owned_by;
use crate::ssr::services::role_permissions;
use crate::validation::{
    check_team_name, normalize_description, normalize_email, parse_email_list,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::BTreeMap;

/// How a team came to be; SCIM-provisioned teams arrive with their issue.
const MANAGED_BY_MANUAL: &str = "manual";

/// A membership added by hand, which single sign-on never removes.
pub(crate) const MEMBERSHIP_BY_HAND: &str = "manual";
/// A membership an identity provider's team mapping made (and may take away).
pub(crate) const MEMBERSHIP_BY_SSO: &str = "sso";

impl Scope<'_> {
    /// Access > Teams: the tenant's teams by name, optionally filtered by a case-insensitive
    /// substring of name or description, one page at a time.
    /// Without team:ReadTeam, a manager sees the teams they manage and no others.
    pub async fn list_teams(&self, query: TeamQuery) -> DomainResult<Page<TeamSummary>> {
        let db = self.services.db();
        let user = active_user(self.actor)?;
        let reads_all = user.permissions.contains(&Permission::ReadTeam);
        let managed = if reads_all {
            Vec::new()
        } else {
            managed_team_ids(db, user.user_id).await?
        };
        let standing = Standing {
            manages_team: !managed.is_empty(),
            ..Standing::default()
        };
        let me = authorize_with(self.actor, Operation::ListTeams, standing)?;
        let (limit, offset) = page_window(
            query.limit,
            query.offset,
            TeamQuery::DEFAULT_LIMIT,
            TeamQuery::MAX_LIMIT,
        )?;
        let mut select = team::Entity::find().filter(team::Column::TenantId.eq(me.tenant_id.0));
        if !reads_all {
            select = select.filter(team::Column::Id.is_in(managed));
        }
        if let Some(pattern) = search_pattern(query.search.as_deref())? {
            select = select.filter(
                Condition::any()
                    .add(lower_like(team::Entity, team::Column::Name, &pattern))
                    .add(lower_like(
                        team::Entity,
                        team::Column::Description,
                        &pattern,
                    )),
            );
        }
        let total = select.clone().count(db).await?;
        let teams = select
            .order_by_asc(team::Column::Name)
            .limit(limit)
            .offset(offset)
            .all(db)
            .await?;
        Ok(Page {
            items: summaries(db, teams).await?,
            total,
            limit,
            offset,
        })
    }

    /// A team's page: its members (managers first) and its role.
    pub async fn get_team(&self, id: TeamId) -> DomainResult<TeamDetail> {
        let db = self.services.db();
        let user = active_user(self.actor)?;
        let team = find_team(db, user, id).await?;
        let standing = manager_standing(db, team.id, user.user_id).await?;
        let me = authorize_with(self.actor, Operation::ViewTeam, standing)?;
        detail(db, me, team).await
    }

    /// Creates a team. Giving it a role is handing that role to every future member, so it
    /// follows the same rule as assigning a role to a user.
    pub async fn create_team(&self, input: NewTeam) -> DomainResult<TeamDetail> {
        let me = authorize(self.actor, Operation::CreateTeam)?;
        let name = check_team_name("name", &input.name)?;
        let description = normalize_description("description", &input.description)?;
        let txn = self.services.begin_write().await?;
        let role_id = team_role(&txn, me, input.role_id).await?;
        let taken = team::Entity::find()
            .filter(team::Column::TenantId.eq(me.tenant_id.0))
            .filter(team::Column::Name.eq(name.as_str()))
            .count(&txn)
            .await?
            > 0;
        if taken {
            return Err(DomainError::validation(
                "name",
                format!("A team named {name} already exists."),
            ));
        }
        let created = insert_team(&txn, me, name, description, role_id).await?;
        let result = detail(&txn, me, created).await?;
        self.finish(txn).await?;
        tracing::info!(team = %result.team.name, by = me.user_id.0, "team created");
        Ok(result)
    }

    /// Changes a team's description and tenant role. A new role must be one the actor may
    /// hand out; removing the role is always allowed.
    pub async fn update_team(&self, id: TeamId, changes: TeamChanges) -> DomainResult<TeamDetail> {
        let me = authorize(self.actor, Operation::UpdateTeam)?;
        let description = normalize_description("description", &changes.description)?;
        let txn = self.services.begin_write().await?;
        let found = find_team(&txn, me, id).await?;
        let role_id = if changes.role_id.map(|r| r.0) == found.role_id {
            found.role_id
        } else {
            team_role(&txn, me, changes.role_id).await?
        };
        let mut active: team::ActiveModel = found.into();
        active.description = Set(description);
        active.role_id = Set(role_id);
        active.updated_at = Set(Utc::now());
        let updated = active.update(&txn).await?;
        let result = detail(&txn, me, updated).await?;
        self.finish(txn).await?;
        tracing::info!(team = id.0, by = me.user_id.0, "team updated");
        Ok(result)
    }

    /// What deleting a team takes away, for the confirmation.
    pub async fn team_deletion_impact(&self, id: TeamId) -> DomainResult<TeamDeletionImpact> {
        let me = authorize(self.actor, Operation::DeleteTeam)?;
        let db = self.services.db();
        let team = find_team(db, me, id).await?;
        let members = members_of(db, team.id)
            .await?
            .into_iter()
            .map(|m| m.email)
            .collect();
        let grants = grant_count_of_team(db, team.id).await?;
        Ok(TeamDeletionImpact { members, grants })
    }

    /// Deletes a team, its memberships and its collaborator grants in one transaction. Members
    /// keep their own role.
    pub async fn delete_team(&self, id: TeamId) -> DomainResult<()> {
        let me = authorize(self.actor, Operation::DeleteTeam)?;
        let txn = self.services.begin_write().await?;
        let team = find_team(&txn, me, id).await?;
        let owned = accounts_owned_by(&txn, team.id).await?;
        if !owned.is_empty() {
            return Err(DomainError::Conflict(format!(
                "The team {} owns {} virtual account(s): {}. Delete them first.",
                team.name,
                owned.len(),
                owned.join(", ")
            )));
        }
        team_member::Entity::delete_many()
            .filter(team_member::Column::TeamId.eq(team.id))
            .exec(&txn)
            .await?;
        remove_grants_of_team(&txn, team.id).await?;
        team::Entity::delete_by_id(team.id).exec(&txn).await?;
        self.finish(txn).await?;
        tracing::info!(team = %team.name, by = me.user_id.0, "team deleted");
        Ok(())
    }

    /// Adds existing users of the tenant to a team, by email, all with one team role. Every
    /// address must belong to a user (unknown ones are named and nothing is added); current
    /// members are reported and left as they are. New members inherit the team's role and its
    /// resource grants, so the actor must be allowed to hand out both: the role as when
    /// assigning it, each grant as when granting it.
    pub async fn add_team_members(
        &self,
        id: TeamId,
        request: NewTeamMembers,
    ) -> DomainResult<AddTeamMembersOutcome> {
        let emails = parse_email_list("emails", &request.emails)?;
        let txn = self.services.begin_write().await?;
        let (me, team) = self.member_manager(&txn, id).await?;
        let joined = add_members(&txn, me, &team, &emails, request.role).await?;
        let outcome = AddTeamMembersOutcome {
            added: joined.added,
            already_members: joined.already_members,
            team: detail(&txn, me, team).await?,
        };
        self.finish(txn).await?;
        tracing::info!(
            team = id.0,
            added = outcome.added.len(),
            by = me.user_id.0,
            "team members added"
        );
        Ok(outcome)
    }

    /// Removes a member from a team.
    pub async fn remove_team_member(&self, id: TeamId, member: UserId) -> DomainResult<TeamDetail> {
        let txn = self.services.begin_write().await?;
        let (me, team) = self.member_manager(&txn, id).await?;
        let removed = team_member::Entity::delete_many()
            .filter(team_member::Column::TeamId.eq(team.id))
            .filter(team_member::Column::UserId.eq(member.0))
            .exec(&txn)
            .await?;
        if removed.rows_affected == 0 {
            return Err(DomainError::NotFound("Team member".into()));
        }
        let result = detail(&txn, me, team).await?;
        self.finish(txn).await?;
        tracing::info!(
            team = id.0,
            user = member.0,
            by = me.user_id.0,
            "team member removed"
        );
        Ok(result)
    }

    /// Makes a member a manager of the team, or a plain member again.
    pub async fn set_team_member_role(
        &self,
        id: TeamId,
        member: UserId,
        role: TeamMemberRole,
    ) -> DomainResult<TeamDetail> {
        let txn = self.services.begin_write().await?;
        let (me, team) = self.member_manager(&txn, id).await?;
        let Some(found) = team_member::Entity::find_by_id((team.id, member.0))
            .one(&txn)
            .await?
        else {
            return Err(DomainError::NotFound("Team member".into()));
        };
        if role == TeamMemberRole::Manager {
            refuse_beyond(
                &txn,
                me,
                &Holdings::of_team(&txn, &team, role).await?,
                Some(joining_context(&team, role)),
            )
            .await?;
        }
        let mut active: team_member::ActiveModel = found.into();
        active.role = Set(role.as_str().into());
        active.update(&txn).await?;
        let result = detail(&txn, me, team).await?;
        self.finish(txn).await?;
        tracing::info!(
            team = id.0,
            user = member.0,
            role = role.as_str(),
            by = me.user_id.0,
            "team member role changed"
        );
        Ok(result)
    }

    /// A team as configuration (`PUT /teams`, `PUT /apply`): created when the tenant has no
    /// team of that name, otherwise its description and members brought to match the manifest,
    /// in one transaction. Each part is decided as the console decides it: creating needs
    /// team:CreateTeam, a new description team:ManageTeam, any change of members the standing
    /// to manage them (held before the change), and everyone added or made manager the rule for
    /// granting what the team carries. Members not in the manifest leave the team; without a
    /// `managers` list the current managers stay managers. Addresses are looked at only once
    /// the actor may change the members, so the manifest is no way to learn who has an account.
    pub async fn apply_team(&self, manifest: TeamManifest) -> DomainResult<AppliedTeam> {
        let me = active_user(self.actor)?;
        let name = check_team_name("name", &manifest.name)?;
        let description = manifest
            .description
            .as_deref()
            .map(|d| normalize_description("description", d))
            .transpose()?;
        // Each address with its role and the list it came from (for the error's field).
        let mut wanted: BTreeMap<String, (TeamMemberRole, &str)> = BTreeMap::new();
        let managers = manifest.managers.as_deref().unwrap_or_default();
        for (field, emails, role) in [
            (
                "members",
                manifest.members.as_slice(),
                TeamMemberRole::Member,
            ),
            ("managers", managers, TeamMemberRole::Manager),
        ] {
            for raw in emails {
                // A manager listed among the members too stays a manager.
                let email = normalize_email(field, raw)?;
                let slot = wanted.entry(email).or_insert((role, field));
                if role == TeamMemberRole::Manager {
                    *slot = (role, field);
                }
            }
        }
        let txn = self.services.begin_write().await?;
        let existing = team::Entity::find()
            .filter(team::Column::TenantId.eq(me.tenant_id.0))
            .filter(team::Column::Name.eq(name.as_str()))
            .one(&txn)
            .await?;
        let created = existing.is_none();
        if let Some(found) = &existing {
            // Even a manifest that changes nothing answers with the team: seeing it is needed.
            let standing = manager_standing(&txn, found.id, me.user_id).await?;
            authorize_with(self.actor, Operation::ViewTeam, standing)?;
        }
        let team = match existing {
            Some(found) => match description {
                Some(description) if description != found.description => {
                    authorize(self.actor, Operation::UpdateTeam)?;
                    let mut active: team::ActiveModel = found.into();
                    active.description = Set(description);
                    active.updated_at = Set(Utc::now());
                    active.update(&txn).await?
                }
                _ => found,
            },
            None => {
                authorize(self.actor, Operation::CreateTeam)?;
                insert_team(&txn, me, name, description.unwrap_or_default(), None).await?
            }
        };
        let users = user::Entity::find()
            .filter(user::Column::TenantId.eq(me.tenant_id.0))
            .filter(user::Column::Email.is_in(wanted.keys().cloned()))
            .all(&txn)
            .await?;
        let current: BTreeMap<i64, team_member::Model> = team_member::Entity::find()
            .filter(team_member::Column::TeamId.eq(team.id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|m| (m.user_id, m))
            .collect();
        let mut wanted_ids: BTreeMap<i64, TeamMemberRole> = users
            .iter()
            .filter_map(|u| wanted.get(&u.email).map(|(role, _)| (u.id, *role)))
            .collect();
        if manifest.managers.is_none() {
            for (id, membership) in &current {
                if membership.role == TeamMemberRole::Manager.as_str() {
                    wanted_ids.insert(*id, TeamMemberRole::Manager);
                }
            }
        }
        let unknown: Vec<(&str, &str)> = wanted
            .iter()
            .filter(|(email, _)| !users.iter().any(|u| &u.email == *email))
            .map(|(email, (_, field))| (email.as_str(), *field))
            .collect();
        let leaving: Vec<i64> = current
            .keys()
            .filter(|id| !wanted_ids.contains_key(id))
            .copied()
            .collect();
        let arriving: Vec<(i64, TeamMemberRole)> = wanted_ids
            .iter()
            .filter(|(id, role)| current.get(id).is_none_or(|m| m.role != role.as_str()))
            .map(|(id, role)| (*id, *role))
            .collect();
        if !leaving.is_empty() || !arriving.is_empty() || !unknown.is_empty() {
            let standing = manager_standing(&txn, team.id, me.user_id).await?;
            authorize_with(self.actor, Operation::ManageTeamMembers, standing)?;
        }
        if let Some((_, field)) = unknown.first() {
            let named: Vec<&str> = unknown.iter().map(|(email, _)| *email).collect();
            return Err(DomainError::validation(
                field,
                format!(
                    "No user has these addresses: {}. Invite them first.",
                    named.join(", ")
                ),
            ));
        }
        for role in [TeamMemberRole::Member, TeamMemberRole::Manager] {
            // Demoting a manager hands out nothing; joining, or rising to manager, does.
            let handed_out = arriving.iter().any(|(id, r)| {
                *r == role && (role == TeamMemberRole::Manager || !current.contains_key(id))
            });
            if handed_out {
                refuse_beyond(
                    &txn,
                    me,
                    &Holdings::of_team(&txn, &team, role).await?,
                    Some(joining_context(&team, role)),
                )
                .await?;
            }
        }
        team_member::Entity::delete_many()
            .filter(team_member::Column::TeamId.eq(team.id))
            .filter(team_member::Column::UserId.is_in(leaving.clone()))
            .exec(&txn)
            .await?;
        let now = Utc::now();
        for (user_id, role) in &arriving {
            match current.get(user_id) {
                Some(found) => {
                    let mut active: team_member::ActiveModel = found.clone().into();
                    active.role = Set(role.as_str().into());
                    active.update(&txn).await?;
                }
                None => {
                    team_member::ActiveModel {
                        team_id: Set(team.id),
                        user_id: Set(*user_id),
                        role: Set(role.as_str().into()),
                        added_at: Set(now),
                        source: Set(MEMBERSHIP_BY_HAND.into()),
                    }
                    .insert(&txn)
                    .await?;
                }
            }
        }
        let result = detail(&txn, me, team).await?;
        self.finish(txn).await?;
        tracing::info!(
            team = %result.team.name,
            created,
            joined_or_changed = arriving.len(),
            left = leaving.len(),
            dry_run = self.rehearse,
            by = me.user_id.0,
            "team manifest applied"
        );
        Ok(AppliedTeam {
            team: result,
            created,
        })
    }

    /// The team of this name in the actor's tenant, as its page shows it (team:ReadTeam, or a
    /// manager of it). Manifests name teams, not ids. Without team:ReadTeam a name that names
    /// no team is refused like one that does, so names cannot be probed.
    pub async fn get_team_by_name(&self, name: &str) -> DomainResult<TeamDetail> {
        let me = active_user(self.actor)?;
        let found = team::Entity::find()
            .filter(team::Column::TenantId.eq(me.tenant_id.0))
            .filter(team::Column::Name.eq(name.trim()))
            .one(self.services.db())
            .await?;
        match found {
            Some(found) => self.get_team(TeamId(found.id)).await,
            None => {
                authorize(self.actor, Operation::ViewTeam)?;
                Err(DomainError::NotFound(format!("Team named {}", name.trim())))
            }
        }
    }

    /// The actor and the team, when the actor may change the team's members: with
    /// team:ManageTeam, or as one of its managers. Another tenant's team is not found.
    pub(crate) async fn member_manager(
        &self,
        db: &impl ConnectionTrait,
        id: TeamId,
    ) -> DomainResult<(&UserActor, team::Model)> {
        let me = active_user(self.actor)?;
        let team = find_team(db, me, id).await?;
        let standing = manager_standing(db, team.id, me.user_id).await?;
        let me = authorize_with(self.actor, Operation::ManageTeamMembers, standing)?;
        Ok((me, team))
    }
}

/// What a refusal to let someone join `team` as `as_role` starts with.
pub(crate) fn joining_context(team: &team::Model, as_role: TeamMemberRole) -> String {
    match as_role {
        TeamMemberRole::Member => format!(
            "Members of {} get its role and its grants, and joining follows the rule for granting.",
            team.name
        ),
        TeamMemberRole::Manager => format!(
            "Managers of {} get its role, its grants and (as the Team Manager role allows) its virtual accounts' tokens, and becoming one follows the rule for granting.",
            team.name
        ),
    }
}

/// Who joined a team, and who was in it already (each sorted by email).
pub(crate) struct JoinedMembers {
    pub added: Vec<String>,
    pub already_members: Vec<String>,
}

/// Adds existing users of the actor's tenant to `team` with one team role, inside `db`'s
/// transaction. The caller found the team through `member_manager` (the actor may change its
/// members); here the granting rule checks what the team hands out, every address must belong
/// to a user, and current members are left as they are.
pub(crate) async fn add_members(
    db: &impl ConnectionTrait,
    me: &UserActor,
    team: &team::Model,
    emails: &[String],
    role: TeamMemberRole,
) -> DomainResult<JoinedMembers> {
    refuse_beyond(
        db,
        me,
        &Holdings::of_team(db, team, role).await?,
        Some(joining_context(team, role)),
    )
    .await?;
    let users = users_with_emails(db, me, "emails", emails).await?;
    let current: Vec<i64> = team_member::Entity::find()
        .filter(team_member::Column::TeamId.eq(team.id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let now = Utc::now();
    let mut added = Vec::new();
    let mut already_members = Vec::new();
    for found in users {
        if current.contains(&found.id) {
            already_members.push(found.email);
            continue;
        }
        team_member::ActiveModel {
            team_id: Set(team.id),
            user_id: Set(found.id),
            role: Set(role.as_str().into()),
            added_at: Set(now),
            source: Set(MEMBERSHIP_BY_HAND.into()),
        }
        .insert(db)
        .await?;
        added.push(found.email);
    }
    added.sort();
    already_members.sort();
    Ok(JoinedMembers {
        added,
        already_members,
    })
}

/// Inserts a team the actor creates (the caller authorized it and checked the name is free).
async fn insert_team(
    db: &impl ConnectionTrait,
    me: &UserActor,
    name: String,
    description: String,
    role_id: Option<i64>,
) -> DomainResult<team::Model> {
    let now = Utc::now();
    Ok(team::ActiveModel {
        tenant_id: Set(me.tenant_id.0),
        name: Set(name),
        description: Set(description),
        role_id: Set(role_id),
        managed_by: Set(MANAGED_BY_MANUAL.into()),
        created_at: Set(now),
        updated_at: Set(now),
        created_by: Set(Some(me.user_id.0)),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The users of the actor's tenant with these (normalised) addresses; any address without a
/// user is refused by name in `field`, so nothing is half-done.
async fn users_with_emails(
    db: &impl ConnectionTrait,
    me: &UserActor,
    field: &str,
    emails: &[String],
) -> DomainResult<Vec<user::Model>> {
    let users = user::Entity::find()
        .filter(user::Column::TenantId.eq(me.tenant_id.0))
        .filter(user::Column::Email.is_in(emails.iter().cloned()))
        .all(db)
        .await?;
    let unknown: Vec<&str> = emails
        .iter()
        .map(String::as_str)
        .filter(|e| !users.iter().any(|u| u.email == *e))
        .collect();
    if !unknown.is_empty() {
        return Err(DomainError::validation(
            field,
            format!(
                "No user has these addresses: {}. Invite them first.",
                unknown.join(", ")
            ),
        ));
    }
    Ok(users)
}

/// A team of the actor's tenant; another tenant's id reads as not found.
pub(crate) async fn find_team(
    db: &impl ConnectionTrait,
    me: &UserActor,
    id: TeamId,
) -> DomainResult<team::Model> {
    team::Entity::find_by_id(id.0)
        .filter(team::Column::TenantId.eq(me.tenant_id.0))
        .one(db)
        .await?
        .ok_or_else(|| DomainError::NotFound("Team".into()))
}

/// The ids of the teams `user` manages.
pub(crate) async fn managed_team_ids(
    db: &impl ConnectionTrait,
    user: UserId,
) -> DomainResult<Vec<i64>> {
    Ok(team_member::Entity::find()
        .filter(team_member::Column::UserId.eq(user.0))
        .filter(team_member::Column::Role.eq(TeamMemberRole::Manager.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.team_id)
        .collect())
}

/// The standing of `user` towards `team`: whether they manage it.
async fn manager_standing(
    db: &impl ConnectionTrait,
    team: i64,
    user: UserId,
) -> DomainResult<Standing> {
    Ok(Standing {
        manages_team: is_manager(db, team, user).await?,
        ..Standing::default()
    })
}

/// Whether `user` is a manager of `team`.
async fn is_manager(db: &impl ConnectionTrait, team: i64, user: UserId) -> DomainResult<bool> {
    Ok(team_member::Entity::find_by_id((team, user.0))
        .one(db)
        .await?
        .is_some_and(|m| m.role == TeamMemberRole::Manager.as_str()))
}

/// The role to give a team: checked to be a tenant role of the actor's tenant that the actor
/// may hand out. `None` stays `None`.
async fn team_role(
    db: &impl ConnectionTrait,
    me: &UserActor,
    role_id: Option<RoleId>,
) -> DomainResult<Option<i64>> {
    let Some(role_id) = role_id else {
        return Ok(None);
    };
    let role = find_role(db, me, role_id).await?;
    if let Some(reason) = role_grant_refusal(me, &role, &role_permissions(db, &role).await?) {
        return Err(DomainError::Forbidden(reason));
    }
    Ok(Some(role.id))
}

/// A team's members with their user records: managers first, then by email.
async fn members_of(db: &impl ConnectionTrait, team: i64) -> DomainResult<Vec<TeamMemberRow>> {
    let memberships = team_member::Entity::find()
        .filter(team_member::Column::TeamId.eq(team))
        .all(db)
        .await?;
    let users: BTreeMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(memberships.iter().map(|m| m.user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut rows: Vec<TeamMemberRow> = memberships
        .into_iter()
        .filter_map(|m| {
            let found = users.get(&m.user_id)?;
            Some(TeamMemberRow {
                user_id: UserId(found.id),
                email: found.email.clone(),
                display_name: found.display_name.clone(),
                role: TeamMemberRole::parse(&m.role).unwrap_or(TeamMemberRole::Member),
                added_at: m.added_at,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.role != TeamMemberRole::Manager, &a.email)
            .cmp(&(b.role != TeamMemberRole::Manager, &b.email))
    });
    Ok(rows)
}

async fn detail(
    db: &impl ConnectionTrait,
    me: &UserActor,
    team: team::Model,
) -> DomainResult<TeamDetail> {
    let members = members_of(db, team.id).await?;
    let can_manage_members = me
        .permissions
        .contains(&crate::permissions::Permission::ManageTeam)
        || members
            .iter()
            .any(|m| m.user_id == me.user_id && m.role == TeamMemberRole::Manager);
    let created_at = team.created_at;
    let grants = grants_of_team(db, team.id, &team.name).await?;
    let summary = summaries(db, vec![team]).await?.remove(0);
    Ok(TeamDetail {
        team: summary,
        members,
        grants,
        created_at,
        can_manage_members,
    })
}

/// Summaries of `teams`, in the same order, with three queries whatever their number.
async fn summaries(
    db: &impl ConnectionTrait,
    teams: Vec<team::Model>,
) -> DomainResult<Vec<TeamSummary>> {
    let memberships = team_member::Entity::find()
        .filter(team_member::Column::TeamId.is_in(teams.iter().map(|t| t.id)))
        .all(db)
        .await?;
    let people = memberships
        .iter()
        .map(|m| m.user_id)
        .chain(teams.iter().filter_map(|t| t.created_by));
    let emails: BTreeMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(people))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let roles: BTreeMap<i64, role::Model> = role::Entity::find()
        .filter(role::Column::Id.is_in(teams.iter().filter_map(|t| t.role_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    Ok(teams
        .into_iter()
        .map(|t| {
            let of_team = memberships.iter().filter(|m| m.team_id == t.id);
            let emails_where = |manager_only: bool| {
                let mut found: Vec<String> = of_team
                    .clone()
                    .filter(|m| !manager_only || m.role == TeamMemberRole::Manager.as_str())
                    .filter_map(|m| emails.get(&m.user_id))
                    .cloned()
                    .collect();
                found.sort();
                found
            };
            let managers = emails_where(true);
            let members = emails_where(false);
            TeamSummary {
                id: TeamId(t.id),
                name: t.name,
                description: t.description,
                member_count: members.len() as u64,
                managers,
                members,
                role: t.role_id.and_then(|id| roles.get(&id)).map(|r| RoleRef {
                    id: RoleId(r.id),
                    name: r.name.clone(),
                    display_name: r.display_name.clone(),
                }),
                created_at: t.created_at,
                updated_at: t.updated_at,
                created_by: t.created_by.and_then(|id| {
                    emails.get(&id).map(|email| UserRef {
                        id: UserId(id),
                        email: email.clone(),
                    })
                }),
            }
        })
        .collect())
}
