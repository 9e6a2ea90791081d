//! Effective tenant permissions: a user's own role plus the role of every team they belong to.
//! The actor of every request, the user page's "granted by" column and the resource decision
//! (`ssr/access.rs`) all start from `held_roles`, so what the console explains is what
//! authorization enforces.

use crate::permissions::Permission;
use crate::ssr::entities::{role, team};
use crate::ssr::error::DomainResult;
use crate::ssr::scope::teams_of;
use crate::ssr::services::{is_admin_role, role_permissions};
use sea_orm::{ConnectionTrait, EntityTrait};
use std::collections::{BTreeMap, BTreeSet};

/// A role held directly (`via_team: None`) or through a team, with what it grants.
pub(crate) struct HeldRole {
    pub via_team: Option<String>,
    /// The role's display name.
    pub role_name: String,
    pub is_admin: bool,
    pub permissions: BTreeSet<Permission>,
}

/// `found` as held through `via_team` (or directly).
pub(crate) async fn held_role(
    db: &impl ConnectionTrait,
    via_team: Option<String>,
    found: &role::Model,
) -> DomainResult<HeldRole> {
    Ok(HeldRole {
        via_team,
        role_name: found.display_name.clone(),
        is_admin: is_admin_role(found),
        permissions: role_permissions(db, found).await?,
    })
}

/// The tenant roles held by whoever holds `own_role` (if anyone) and belongs to `teams`: the
/// own role first, then each team's role in the order of `teams`.
pub(crate) async fn held_roles(
    db: &impl ConnectionTrait,
    own_role: Option<&role::Model>,
    teams: &[team::Model],
) -> DomainResult<Vec<HeldRole>> {
    let mut held = Vec::new();
    if let Some(own) = own_role {
        held.push(held_role(db, None, own).await?);
    }
    for team in teams {
        let Some(role_id) = team.role_id else {
            continue;
        };
        if let Some(team_role) = role::Entity::find_by_id(role_id).one(db).await? {
            held.push(held_role(db, Some(team.name.clone()), &team_role).await?);
        }
    }
    Ok(held)
}

/// What a user may do in their tenant, and why.
pub(crate) struct Effective {
    /// Holds the Admin role, directly or through a team.
    pub is_admin: bool,
    /// Every permission held, in catalog order, with each source ("Role: Member",
    /// "Team ml-engineers: Viewer").
    pub sources: BTreeMap<Permission, Vec<String>>,
}

pub(crate) async fn effective_permissions(
    db: &impl ConnectionTrait,
    user_id: i64,
    own_role: &role::Model,
) -> DomainResult<Effective> {
    // Sorted by team name, so the sources read in a stable order.
    let teams: Vec<team::Model> = teams_of(db, [user_id])
        .await?
        .into_iter()
        .map(|(_, team, _)| team)
        .collect();
    let mut effective = Effective {
        is_admin: false,
        sources: BTreeMap::new(),
    };
    for held in held_roles(db, Some(own_role), &teams).await? {
        effective.is_admin |= held.is_admin;
        let source = match &held.via_team {
            None => format!("Role: {}", held.role_name),
            Some(team) => format!("Team {team}: {}", held.role_name),
        };
        for permission in held.permissions {
            effective
                .sources
                .entry(permission)
                .or_default()
                .push(source.clone());
        }
    }
    Ok(effective)
}
