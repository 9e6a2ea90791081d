//! The access decision on resources, and its explanation: one computation for both.
//!
//! A subject may do permission X on resource R when X is held through:
//! - the Admin role (directly or through a team),
//! - a tenant role (its own, or a team's) holding X, which covers every resource of R's type,
//! - a collaborator grant on R, or on R's parent cluster, to the subject or to one of its teams,
//!   whose role holds X (a virtual account has no teams and no tenant role: only its grants).
//!
//! `SubjectAccess::load` reads everything about one subject once; `explain` is then pure, so
//! lists can filter many resources with the very function single checks use.

use crate::dto::{AccessAnswer, AccessPath, AccessPathKind, UserStatus};
use crate::permissions::Permission;
use crate::ssr::authorize::Acting;
use crate::ssr::effective::{HeldRole, held_as, held_roles};
use crate::ssr::entities::{collaborator, resource, role, team, user, virtual_account};
use crate::ssr::error::DomainResult;
use crate::ssr::scope::teams_of;
use crate::ssr::services::roles_by_id;
use chrono::Utc;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// Collaborator subject kinds as stored.
pub(crate) const SUBJECT_USER: &str = "user";
pub(crate) const SUBJECT_TEAM: &str = "team";
pub(crate) const SUBJECT_VIRTUAL_ACCOUNT: &str = "virtualaccount";

/// Whom a question is about.
pub(crate) enum Principal {
    User(user::Model),
    Team(team::Model),
    /// Holds no tenant role and belongs to no team: only its own grants count.
    VirtualAccount(virtual_account::Model),
}

/// A grant to the subject (or one of its teams) on one resource.
struct Grant {
    resource_id: i64,
    held: HeldRole,
}

/// Which of a subject's grants to read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum GrantsOn<'a> {
    /// All of them, for lists that filter many resources.
    Everywhere,
    /// Only those on these resources (one resource and its parent cluster): an indexed read
    /// of a few rows, however many grants the subject holds elsewhere.
    Resources(&'a [i64]),
}

/// A collaborator subject whose grants count: the principal itself, or one of its teams.
struct Holder {
    kind: &'static str,
    id: i64,
    /// The team's name, when the grants come through a team.
    via_team: Option<String>,
}

/// Everything that decides what one subject may do on resources.
pub(crate) struct SubjectAccess {
    blocked: Option<String>,
    tenant_roles: Vec<HeldRole>,
    grants: Vec<Grant>,
}

impl SubjectAccess {
    /// Any principal's access, read fresh, with all its grants ("Check access").
    pub(crate) async fn load(
        db: &impl ConnectionTrait,
        principal: &Principal,
    ) -> DomainResult<SubjectAccess> {
        let mut holders = Vec::new();
        let mut blocked = None;
        let tenant_roles = match principal {
            Principal::User(found) => {
                if UserStatus::parse(&found.status) != Some(UserStatus::Active) {
                    blocked = Some("The user is deactivated: nothing grants them access.".into());
                }
                holders.push(Holder {
                    kind: SUBJECT_USER,
                    id: found.id,
                    via_team: None,
                });
                let teams: Vec<team::Model> = teams_of(db, [found.id])
                    .await?
                    .into_iter()
                    .map(|(_, team, _)| team)
                    .collect();
                holders.extend(teams.iter().map(|t| Holder {
                    kind: SUBJECT_TEAM,
                    id: t.id,
                    via_team: Some(t.name.clone()),
                }));
                let own = role::Entity::find_by_id(found.role_id).one(db).await?;
                held_roles(db, own.as_ref(), &teams).await?
            }
            Principal::Team(found) => {
                holders.push(Holder {
                    kind: SUBJECT_TEAM,
                    id: found.id,
                    via_team: Some(found.name.clone()),
                });
                held_roles(db, None, std::slice::from_ref(found)).await?
            }
            Principal::VirtualAccount(found) => {
                if found.expires_at.is_some_and(|at| at <= Utc::now()) {
                    blocked =
                        Some("The virtual account has expired: nothing grants it access.".into());
                }
                holders.push(Holder {
                    kind: SUBJECT_VIRTUAL_ACCOUNT,
                    id: found.id,
                    via_team: None,
                });
                Vec::new()
            }
        };
        let grants = grants_of(db, &holders, GrantsOn::Everywhere).await?;
        Ok(SubjectAccess {
            blocked,
            tenant_roles,
            grants,
        })
    }

    /// The acting user's or virtual account's access, from the teams and tenant roles its
    /// actor was built with at the start of this request, plus its grants `on`.
    pub(crate) async fn of_acting(
        db: &impl ConnectionTrait,
        me: Acting<'_>,
        on: GrantsOn<'_>,
    ) -> DomainResult<SubjectAccess> {
        let (holders, tenant_roles, blocked) = match me {
            Acting::User(user) => {
                let mut holders = vec![Holder {
                    kind: SUBJECT_USER,
                    id: user.user_id.0,
                    via_team: None,
                }];
                holders.extend(user.standing.teams.iter().map(|t| Holder {
                    kind: SUBJECT_TEAM,
                    id: t.id,
                    via_team: Some(t.name.clone()),
                }));
                let blocked = (user.status != UserStatus::Active)
                    .then(|| "The user is deactivated: nothing grants them access.".to_string());
                (holders, user.standing.roles.clone(), blocked)
            }
            // The account's expiry was checked when its token was accepted for this request.
            Acting::VirtualAccount(account) => (
                vec![Holder {
                    kind: SUBJECT_VIRTUAL_ACCOUNT,
                    id: account.id.0,
                    via_team: None,
                }],
                Vec::new(),
                None,
            ),
        };
        let grants = grants_of(db, &holders, on).await?;
        Ok(SubjectAccess {
            blocked,
            tenant_roles,
            grants,
        })
    }

    /// Whether `permission` is held on `target` (whose parent cluster, if any, is `parent`),
    /// with every path that grants it.
    pub(crate) fn explain(
        &self,
        permission: Permission,
        target: &resource::Model,
        parent: Option<&resource::Model>,
    ) -> AccessAnswer {
        let mut paths = Vec::new();
        // Seed 001: workspace:ListWorkspaces, a tenant permission, is "listing and viewing all
        // workspaces", so a tenant role holding it reads every workspace.
        let also = (permission == Permission::ReadWorkspace).then_some(Permission::ListWorkspaces);
        for held in &self.tenant_roles {
            if held.is_admin {
                paths.push(path(AccessPathKind::Admin, held, None));
            } else if held.permissions.contains(&permission)
                || also.is_some_and(|p| held.permissions.contains(&p))
            {
                paths.push(path(AccessPathKind::TenantRole, held, None));
            }
        }
        for grant in &self.grants {
            let on_parent = match parent {
                Some(p) if grant.resource_id == p.id => Some(p.name.clone()),
                _ if grant.resource_id == target.id => None,
                _ => continue,
            };
            if grant.held.permissions.contains(&permission) {
                paths.push(path(AccessPathKind::Grant, &grant.held, on_parent));
            }
        }
        AccessAnswer {
            allowed: self.blocked.is_none() && !paths.is_empty(),
            paths,
            blocked: self.blocked.clone(),
        }
    }

    /// Whether `permission` is held at the tenant level (for every resource of its type), as
    /// creating a resource needs.
    pub(crate) fn holds_tenant_wide(&self, permission: Permission) -> bool {
        self.blocked.is_none()
            && self
                .tenant_roles
                .iter()
                .any(|h| h.is_admin || h.permissions.contains(&permission))
    }
}

fn path(kind: AccessPathKind, held: &HeldRole, on_parent: Option<String>) -> AccessPath {
    AccessPath {
        kind,
        via_team: held.via_team.clone(),
        role: held.role_name.clone(),
        on_parent,
    }
}

/// The grants made to any of `holders`, limited to `on`, in the order they were granted (so
/// explanations read the same every time), with their roles' permissions.
async fn grants_of(
    db: &impl ConnectionTrait,
    holders: &[Holder],
    on: GrantsOn<'_>,
) -> DomainResult<Vec<Grant>> {
    let mut condition = Condition::any();
    for holder in holders {
        condition = condition.add(
            Condition::all()
                .add(collaborator::Column::SubjectKind.eq(holder.kind))
                .add(collaborator::Column::SubjectId.eq(holder.id)),
        );
    }
    let mut query = collaborator::Entity::find().filter(condition);
    if let GrantsOn::Resources(ids) = on {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        query = query.filter(collaborator::Column::ResourceId.is_in(ids.iter().copied()));
    }
    let rows = query.order_by_asc(collaborator::Column::Id).all(db).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let roles = roles_by_id(db, rows.iter().map(|r| r.role_id)).await?;
    let mut held_by = Vec::new();
    let mut on_resources = Vec::new();
    for row in &rows {
        let Some(granted) = roles.get(&row.role_id) else {
            continue;
        };
        let via_team = holders
            .iter()
            .find(|h| h.kind == row.subject_kind && h.id == row.subject_id)
            .and_then(|h| h.via_team.clone());
        held_by.push((via_team, granted));
        on_resources.push(row.resource_id);
    }
    Ok(on_resources
        .into_iter()
        .zip(held_as(db, held_by).await?)
        .map(|(resource_id, held)| Grant { resource_id, held })
        .collect())
}
