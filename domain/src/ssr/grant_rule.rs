//! The one granting rule: nobody ends up holding a permission that no holder gave them.
//!
//! Every operation that changes who holds what describes what it would hand out as
//! `Holdings` (a role, a team's role and grants, a virtual account's grants, everything a user
//! holds when the operation gives control of their account) and asks `lacking` whether the
//! giver holds all of it. The giver is the acting user, or, for a single sign-on rule applied
//! at sign-in, the user who last saved the provider's rules. An Admin (directly or through a
//! team) holds everything; anyone else must hold each tenant permission tenant-wide and each
//! resource permission on that resource (through any path `SubjectAccess::explain` knows).
//!
//! The operations that ask, and what they hand out:
//! - assigning, inviting with, mapping an IdP group to, or giving a team a tenant role: the role;
//! - granting a role on a resource: the role's permissions there;
//! - adding a member or manager to a team (by hand or by an IdP team rule): the team's role
//!   and grants, and for a manager the grants of the team's virtual accounts while the Team
//!   Manager role may reveal their tokens;
//! - revealing or regenerating a virtual account's token: the account's grants;
//! - changing, resetting, deactivating, deleting or revoking the tokens of a user: everything
//!   that user holds, since each of these either gives control of the account (a reset link
//!   shown to the actor) or takes away from someone the actor could not have made.

use crate::dto::{TeamMemberRole, UserStatus};
use crate::permissions::{BuiltinRole, Permission};
use crate::ssr::access::{
    GrantsOn, Principal, SUBJECT_TEAM, SUBJECT_USER, SUBJECT_VIRTUAL_ACCOUNT, SubjectAccess,
};
use crate::ssr::actor::UserActor;
use crate::ssr::authorize::Acting;
use crate::ssr::effective::TenantStanding;
use crate::ssr::entities::{collaborator, resource, role, team, user, virtual_account};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::scope::teams_of;
use crate::ssr::services::{is_admin_role, permissions_of_roles, role_permissions, roles_by_id};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, BTreeSet};

/// What an operation would hand out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Holdings {
    /// The Admin role: everything.
    pub admin: bool,
    /// Tenant permissions (every resource of their type).
    pub tenant: BTreeSet<Permission>,
    /// Permissions on single resources, by resource id, through collaborator grants.
    pub on_resources: BTreeMap<i64, BTreeSet<Permission>>,
}

impl Holdings {
    fn add_role(&mut self, found: &role::Model, permissions: &BTreeSet<Permission>) {
        if is_admin_role(found) {
            self.admin = true;
        }
        self.tenant.extend(permissions.iter().copied());
    }

    /// A tenant role.
    pub(crate) async fn of_role(
        db: &impl ConnectionTrait,
        found: &role::Model,
    ) -> DomainResult<Holdings> {
        let mut holdings = Holdings::default();
        holdings.add_role(found, &role_permissions(db, found).await?);
        Ok(holdings)
    }

    /// The grants made to any of `subjects` (kind, id).
    async fn add_grants_of(
        &mut self,
        db: &impl ConnectionTrait,
        subjects: &[(&str, i64)],
    ) -> DomainResult<()> {
        if subjects.is_empty() {
            return Ok(());
        }
        let mut condition = Condition::any();
        for (kind, id) in subjects {
            condition = condition.add(
                Condition::all()
                    .add(collaborator::Column::SubjectKind.eq(*kind))
                    .add(collaborator::Column::SubjectId.eq(*id)),
            );
        }
        let rows = collaborator::Entity::find()
            .filter(condition)
            .all(db)
            .await?;
        if rows.is_empty() {
            return Ok(());
        }
        let roles = roles_by_id(db, rows.iter().map(|r| r.role_id)).await?;
        let permissions = permissions_of_roles(db, roles.values()).await?;
        for row in rows {
            if let Some(held) = permissions.get(&row.role_id) {
                self.on_resources
                    .entry(row.resource_id)
                    .or_default()
                    .extend(held.iter().copied());
            }
        }
        Ok(())
    }

    /// What joining `found` as `as_role` hands out: the team's tenant role and its grants,
    /// and for a manager the grants of the virtual accounts the team owns while the Team
    /// Manager role may reveal their tokens.
    pub(crate) async fn of_team(
        db: &impl ConnectionTrait,
        found: &team::Model,
        as_role: TeamMemberRole,
    ) -> DomainResult<Holdings> {
        let mut holdings = Holdings::default();
        if let Some(role_id) = found.role_id
            && let Some(team_role) = role::Entity::find_by_id(role_id).one(db).await?
        {
            holdings.add_role(&team_role, &role_permissions(db, &team_role).await?);
        }
        let mut subjects = vec![(SUBJECT_TEAM, found.id)];
        if as_role == TeamMemberRole::Manager {
            subjects.extend(
                managed_account_ids(db, found.tenant_id, &[found.id])
                    .await?
                    .into_iter()
                    .map(|id| (SUBJECT_VIRTUAL_ACCOUNT, id)),
            );
        }
        holdings.add_grants_of(db, &subjects).await?;
        Ok(holdings)
    }

    /// The grants of a virtual account (what its token carries).
    pub(crate) async fn of_virtual_account(
        db: &impl ConnectionTrait,
        account_id: i64,
    ) -> DomainResult<Holdings> {
        let mut holdings = Holdings::default();
        holdings
            .add_grants_of(db, &[(SUBJECT_VIRTUAL_ACCOUNT, account_id)])
            .await?;
        Ok(holdings)
    }

    /// Everything `target` holds: their role, their teams' roles and grants, their own grants,
    /// and the virtual accounts they may reveal as a manager of the owning team.
    pub(crate) async fn of_user(
        db: &impl ConnectionTrait,
        target: &user::Model,
    ) -> DomainResult<Holdings> {
        let mut holdings = Holdings::default();
        if let Some(own) = role::Entity::find_by_id(target.role_id).one(db).await? {
            holdings.add_role(&own, &role_permissions(db, &own).await?);
        }
        let memberships = teams_of(db, [target.id]).await?;
        let team_role_ids: BTreeSet<i64> = memberships
            .iter()
            .filter_map(|(_, t, _)| t.role_id)
            .collect();
        if !team_role_ids.is_empty() {
            let team_roles = roles_by_id(db, team_role_ids).await?;
            let permissions = permissions_of_roles(db, team_roles.values()).await?;
            for found in team_roles.values() {
                holdings.add_role(
                    found,
                    &permissions.get(&found.id).cloned().unwrap_or_default(),
                );
            }
        }
        let managed: Vec<i64> = memberships
            .iter()
            .filter(|(_, _, r)| *r == TeamMemberRole::Manager)
            .map(|(_, t, _)| t.id)
            .collect();
        let mut subjects = vec![(SUBJECT_USER, target.id)];
        subjects.extend(memberships.iter().map(|(_, t, _)| (SUBJECT_TEAM, t.id)));
        subjects.extend(
            managed_account_ids(db, target.tenant_id, &managed)
                .await?
                .into_iter()
                .map(|id| (SUBJECT_VIRTUAL_ACCOUNT, id)),
        );
        holdings.add_grants_of(db, &subjects).await?;
        Ok(holdings)
    }
}

/// The virtual accounts owned by `teams` whose tokens a manager of those teams may reveal:
/// all of them when the tenant's Team Manager role holds virtual-account:ManageVirtualAccount,
/// none otherwise.
async fn managed_account_ids(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    teams: &[i64],
) -> DomainResult<Vec<i64>> {
    if teams.is_empty() {
        return Ok(Vec::new());
    }
    let Some(manager_role) = role::Entity::find()
        .filter(role::Column::TenantId.eq(tenant_id))
        .filter(role::Column::Name.eq(BuiltinRole::TeamManager.name()))
        .filter(role::Column::Builtin.eq(true))
        .one(db)
        .await?
    else {
        return Ok(Vec::new());
    };
    if !role_permissions(db, &manager_role)
        .await?
        .contains(&Permission::ManageVirtualAccount)
    {
        return Ok(Vec::new());
    }
    Ok(virtual_account::Entity::find()
        .filter(virtual_account::Column::OwnerTeamId.is_in(teams.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect())
}

/// Who gives: what they hold tenant-wide, and their access to the resources in question.
pub(crate) struct Giver {
    admin: bool,
    tenant: BTreeSet<Permission>,
    access: Option<SubjectAccess>,
}

impl Giver {
    /// The acting user, as the request resolved them, with their grants on `holdings`'s
    /// resources (and those resources' clusters).
    pub(crate) async fn acting(
        db: &impl ConnectionTrait,
        me: &UserActor,
        holdings: &Holdings,
    ) -> DomainResult<Giver> {
        let access = if me.is_admin || holdings.on_resources.is_empty() {
            None
        } else {
            let ids = with_parents(db, holdings).await?;
            Some(SubjectAccess::of_acting(db, Acting::User(me), GrantsOn::Resources(&ids)).await?)
        };
        Ok(Giver {
            admin: me.is_admin && me.status == UserStatus::Active,
            tenant: me.permissions.clone(),
            access,
        })
    }

    /// A user who is not acting now (the author of a provider's rules), read fresh. Someone
    /// deactivated or gone holds nothing.
    pub(crate) async fn user(
        db: &impl ConnectionTrait,
        found: Option<user::Model>,
    ) -> DomainResult<Giver> {
        let Some(found) =
            found.filter(|u| UserStatus::parse(&u.status) == Some(UserStatus::Active))
        else {
            return Ok(Giver {
                admin: false,
                tenant: BTreeSet::new(),
                access: None,
            });
        };
        let Some(own) = role::Entity::find_by_id(found.role_id).one(db).await? else {
            return Err(DomainError::Internal(format!(
                "user {} has no role",
                found.id
            )));
        };
        let standing = TenantStanding::load(db, found.id, &own).await?;
        let access = SubjectAccess::load(db, &Principal::User(found)).await?;
        Ok(Giver {
            admin: standing.is_admin(),
            tenant: standing.permissions(),
            access: Some(access),
        })
    }
}

/// The ids of `holdings`'s resources and of their parent clusters.
async fn with_parents(db: &impl ConnectionTrait, holdings: &Holdings) -> DomainResult<Vec<i64>> {
    let mut ids: BTreeSet<i64> = holdings.on_resources.keys().copied().collect();
    let parents = resource::Entity::find()
        .filter(resource::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| r.parent_id);
    ids.extend(parents);
    Ok(ids.into_iter().collect())
}

/// What a giver lacks of some holdings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Lack {
    /// The holdings include Admin and the giver is not one.
    pub admin: bool,
    pub tenant: Vec<Permission>,
    /// "workspace:ManageWorkspace on workspace ml-prod", sorted.
    pub on_resources: Vec<String>,
}

impl Lack {
    pub(crate) fn is_empty(&self) -> bool {
        !self.admin && self.tenant.is_empty() && self.on_resources.is_empty()
    }

    /// The refusal's words, "Only an Admin can ... You lack: ...", or `None` when nothing is
    /// lacking.
    pub(crate) fn refusal(&self) -> Option<String> {
        if self.admin {
            return Some("Only an Admin can make someone an Admin.".into());
        }
        let mut lacking: Vec<String> = self.tenant.iter().map(|p| p.key().to_string()).collect();
        lacking.extend(self.on_resources.iter().cloned());
        if lacking.is_empty() {
            return None;
        }
        Some(format!(
            "Only an Admin can grant permissions they do not hold. You lack: {}.",
            lacking.join(", ")
        ))
    }
}

/// What `giver` lacks of `holdings`: nothing for an Admin; otherwise Admin itself, each tenant
/// permission not held tenant-wide, and each resource permission not held on that resource.
pub(crate) async fn lacking(
    db: &impl ConnectionTrait,
    giver: &Giver,
    holdings: &Holdings,
) -> DomainResult<Lack> {
    if giver.admin {
        return Ok(Lack::default());
    }
    let mut lack = Lack {
        admin: holdings.admin,
        tenant: holdings.tenant.difference(&giver.tenant).copied().collect(),
        on_resources: Vec::new(),
    };
    if holdings.on_resources.is_empty() {
        return Ok(lack);
    }
    let resources: BTreeMap<i64, resource::Model> = resource::Entity::find()
        .filter(resource::Column::Id.is_in(with_parents(db, holdings).await?))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    for (id, permissions) in &holdings.on_resources {
        let Some(target) = resources.get(id) else {
            continue;
        };
        let parent = target.parent_id.and_then(|p| resources.get(&p));
        for permission in permissions {
            let held = match &giver.access {
                Some(access) => access.explain(*permission, target, parent).allowed,
                None => giver.tenant.contains(permission),
            };
            if !held {
                lack.on_resources.push(format!(
                    "{} on {} {}",
                    permission.key(),
                    target.resource_type,
                    target.name
                ));
            }
        }
    }
    lack.on_resources.sort();
    Ok(lack)
}

/// The rule for the acting user: refuses (403, saying what they lack, prefixed by `context`
/// when given) unless `me` holds all of `holdings`.
pub(crate) async fn refuse_beyond(
    db: &impl ConnectionTrait,
    me: &UserActor,
    holdings: &Holdings,
    context: Option<String>,
) -> DomainResult<()> {
    let giver = Giver::acting(db, me, holdings).await?;
    match lacking(db, &giver, holdings).await?.refusal() {
        None => Ok(()),
        Some(reason) => Err(DomainError::Forbidden(match context {
            Some(context) => format!("{context} {reason}"),
            None => reason,
        })),
    }
}

/// The rule for acting on a user (changing their role or status, resetting their password,
/// deleting them, revoking their tokens): `me` must hold everything `target` holds.
pub(crate) async fn refuse_acting_on(
    db: &impl ConnectionTrait,
    me: &UserActor,
    target: &user::Model,
) -> DomainResult<()> {
    let holdings = Holdings::of_user(db, target).await?;
    let giver = Giver::acting(db, me, &holdings).await?;
    let lack = lacking(db, &giver, &holdings).await?;
    if lack.admin {
        return Err(DomainError::Forbidden(format!(
            "Only an Admin can act on {}: they are an Admin.",
            target.email
        )));
    }
    if lack.is_empty() {
        return Ok(());
    }
    let mut lacking: Vec<String> = lack.tenant.iter().map(|p| p.key().to_string()).collect();
    lacking.extend(lack.on_resources);
    Err(DomainError::Forbidden(format!(
        "{} holds permissions you lack, so only someone holding all of them can change, reset, deactivate, delete or revoke the tokens of this user. You lack: {}.",
        target.email,
        lacking.join(", ")
    )))
}
