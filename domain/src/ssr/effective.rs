//! Effective tenant permissions: a user's own role plus the role of every team they belong to.
//! The actor of every request, the user page's "granted by" column and the resource decision
//! (`ssr/access.rs`) all start from `held_roles`, so what the console explains is what
//! authorization enforces.

use crate::permissions::Permission;
use crate::ssr::entities::{role, team};
use crate::ssr::error::DomainResult;
use crate::ssr::scope::teams_of;
use crate::ssr::services::{is_admin_role, permissions_of_roles, roles_by_id};
use sea_orm::ConnectionTrait;
use std::collections::{BTreeMap, BTreeSet};

/// A role held directly (`via_team: None`) or through a team, with what it grants.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HeldRole {
    pub via_team: Option<String>,
    /// The role's display name.
    pub role_name: String,
    pub is_admin: bool,
    pub permissions: BTreeSet<Permission>,
}

/// `roles`, each held through the team named with it (or directly), with their permissions
/// read in one query.
pub(crate) async fn held_as(
    db: &impl ConnectionTrait,
    roles: Vec<(Option<String>, &role::Model)>,
) -> DomainResult<Vec<HeldRole>> {
    let permissions = permissions_of_roles(db, roles.iter().map(|(_, r)| *r)).await?;
    Ok(roles
        .into_iter()
        .map(|(via_team, found)| HeldRole {
            via_team,
            role_name: found.display_name.clone(),
            is_admin: is_admin_role(found),
            // Cloned: the same role may be held directly and through a team.
            permissions: permissions.get(&found.id).cloned().unwrap_or_default(),
        })
        .collect())
}

/// The tenant roles held by whoever holds `own_role` (if anyone) and belongs to `teams`: the
/// own role first, then each team's role in the order of `teams`.
pub(crate) async fn held_roles(
    db: &impl ConnectionTrait,
    own_role: Option<&role::Model>,
    teams: &[team::Model],
) -> DomainResult<Vec<HeldRole>> {
    let team_role_ids: BTreeSet<i64> = teams.iter().filter_map(|t| t.role_id).collect();
    let team_roles: BTreeMap<i64, role::Model> = if team_role_ids.is_empty() {
        BTreeMap::new()
    } else {
        roles_by_id(db, team_role_ids).await?
    };
    let mut roles: Vec<(Option<String>, &role::Model)> = Vec::new();
    if let Some(own) = own_role {
        roles.push((None, own));
    }
    for team in teams {
        if let Some(team_role) = team.role_id.and_then(|id| team_roles.get(&id)) {
            roles.push((Some(team.name.clone()), team_role));
        }
    }
    held_as(db, roles).await
}

/// A team a user belongs to, as authorization needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TeamOfUser {
    pub id: i64,
    pub name: String,
}

/// What a user holds across the tenant: their teams (sorted by name) and the tenant roles
/// they hold directly and through those teams. Read once per request for the actor.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TenantStanding {
    pub teams: Vec<TeamOfUser>,
    pub roles: Vec<HeldRole>,
}

impl TenantStanding {
    pub(crate) async fn load(
        db: &impl ConnectionTrait,
        user_id: i64,
        own_role: &role::Model,
    ) -> DomainResult<TenantStanding> {
        // Sorted by team name, so the sources read in a stable order.
        let teams: Vec<team::Model> = teams_of(db, [user_id])
            .await?
            .into_iter()
            .map(|(_, team, _)| team)
            .collect();
        let roles = held_roles(db, Some(own_role), &teams).await?;
        Ok(TenantStanding {
            teams: teams
                .into_iter()
                .map(|t| TeamOfUser {
                    id: t.id,
                    name: t.name,
                })
                .collect(),
            roles,
        })
    }

    /// Holds the Admin role, directly or through a team.
    pub(crate) fn is_admin(&self) -> bool {
        self.roles.iter().any(|held| held.is_admin)
    }

    /// Every permission held, in catalog order, with each source ("Role: Member",
    /// "Team ml-engineers: Viewer").
    pub(crate) fn sources(&self) -> BTreeMap<Permission, Vec<String>> {
        let mut sources: BTreeMap<Permission, Vec<String>> = BTreeMap::new();
        for held in &self.roles {
            let source = match &held.via_team {
                None => format!("Role: {}", held.role_name),
                Some(team) => format!("Team {team}: {}", held.role_name),
            };
            for permission in &held.permissions {
                sources.entry(*permission).or_default().push(source.clone());
            }
        }
        sources
    }

    /// Every permission held.
    pub(crate) fn permissions(&self) -> BTreeSet<Permission> {
        self.roles
            .iter()
            .flat_map(|held| held.permissions.iter().copied())
            .collect()
    }
}
