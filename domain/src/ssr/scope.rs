use crate::dto::{
    CurrentUser, Page, RoleManagedBy, TeamMemberRole, TeamRef, UserQuery, UserRow, UserSort,
    UserStatus,
};
use crate::ids::{TeamId, UserId};
use crate::ssr::actor::Actor;
use crate::ssr::authorize::{Operation, authorize};
use crate::ssr::entities::{role, team, team_member, tenant, user};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::scope_virtual_accounts::team_manager_role_permissions;
use crate::ssr::services::Services;
use crate::validation::EMAIL_MAX;
use sea_orm::sea_query::{Expr, ExprTrait, Func, IntoIden, LikeExpr, NullOrdering, Order};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::BTreeMap;

/// The services as one actor may use them. Every method authorizes its `Operation` first, and
/// only ever reads the actor's own tenant.
pub struct Scope<'a> {
    pub(crate) services: &'a Services,
    pub(crate) actor: &'a Actor,
    /// A rehearsal runs an operation to its end, every check included, and rolls its
    /// transaction back instead of committing it (the API's `dryRun`).
    pub(crate) rehearse: bool,
}

impl<'a> Scope<'a> {
    pub(crate) fn new(services: &'a Services, actor: &'a Actor) -> Self {
        Scope {
            services,
            actor,
            rehearse: false,
        }
    }

    /// The same actor, rehearsing: each operation decides and writes as it would, then rolls
    /// back, so its answer says what would happen and nothing has. Only operations that write
    /// in the one transaction they `finish` may be rehearsed; the ones the API rehearses
    /// (inviting, applying a team, creating and changing a virtual account) do.
    pub fn rehearsal(&self) -> Scope<'a> {
        Scope {
            services: self.services,
            actor: self.actor,
            rehearse: true,
        }
    }

    /// Ends an operation's write transaction: commits it, or rolls it back in a rehearsal.
    pub(crate) async fn finish(&self, txn: sea_orm::DatabaseTransaction) -> DomainResult<()> {
        if self.rehearse {
            txn.rollback().await?;
            tracing::debug!("rehearsal: rolled back");
        } else {
            txn.commit().await?;
        }
        Ok(())
    }

    pub fn actor(&self) -> &Actor {
        self.actor
    }

    /// The signed-in user, their tenant and permissions.
    pub async fn current_user(&self) -> DomainResult<CurrentUser> {
        let me = authorize(self.actor, Operation::ViewCurrentUser)?;
        let tenant = tenant::Entity::find_by_id(me.tenant_id.0)
            .one(self.services.db())
            .await?
            .ok_or_else(|| DomainError::NotFound("tenant".into()))?;
        let teams = teams_of(self.services.db(), [me.user_id.0]).await?;
        let manages_a_team = teams
            .iter()
            .any(|(_, _, role)| *role == TeamMemberRole::Manager);
        let team_manager_permissions = if manages_a_team {
            team_manager_role_permissions(self.services.db(), me)
                .await?
                .into_iter()
                .map(|p| p.key().to_string())
                .collect()
        } else {
            Vec::new()
        };
        Ok(CurrentUser {
            id: me.user_id,
            tenant_id: me.tenant_id,
            tenant_name: tenant.name,
            email: me.email.clone(),
            display_name: me.display_name.clone(),
            role_name: me.role_name.clone(),
            role_display_name: me.role_display_name.clone(),
            permissions: me.permissions.iter().map(|p| p.key().to_string()).collect(),
            managed_teams: teams
                .iter()
                .filter(|(_, _, role)| *role == TeamMemberRole::Manager)
                .map(|(_, team, _)| TeamRef {
                    id: TeamId(team.id),
                    name: team.name.clone(),
                })
                .collect(),
            teams: teams
                .into_iter()
                .map(|(_, team, _)| TeamRef {
                    id: TeamId(team.id),
                    name: team.name,
                })
                .collect(),
            team_manager_permissions,
        })
    }

    /// Access > Users: the tenant's users, optionally filtered by a case-insensitive substring
    /// of email or name, ordered by email, one page at a time.
    pub async fn list_users(&self, query: UserQuery) -> DomainResult<Page<UserRow>> {
        let me = authorize(self.actor, Operation::ListUsers)?;
        let (limit, offset) = page_window(
            query.limit,
            query.offset,
            UserQuery::DEFAULT_LIMIT,
            UserQuery::MAX_LIMIT,
        )?;
        let mut select = user::Entity::find().filter(user::Column::TenantId.eq(me.tenant_id.0));
        if let Some(pattern) = search_pattern(query.search.as_deref())? {
            select = select.filter(user_matches(&pattern));
        }
        let db = self.services.db();
        if let Some(status) = query.status {
            select = select.filter(user::Column::Status.eq(status.as_str()));
        }
        if let Some(role_name) = query
            .role
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            let role = role::Entity::find()
                .filter(role::Column::TenantId.eq(me.tenant_id.0))
                .filter(role::Column::Name.eq(role_name))
                .one(db)
                .await?;
            // An unknown role matches nobody, as a filter should.
            select = select.filter(user::Column::RoleId.eq(role.map_or(-1, |r| r.id)));
        }
        let total = select.clone().count(db).await?;
        let select = match query.sort.unwrap_or_default() {
            UserSort::Email => select,
            UserSort::Name => select.order_by_asc(Expr::expr(Func::lower(Expr::col((
                user::Entity,
                user::Column::DisplayName,
            ))))),
            UserSort::LastSignIn => select.order_by_with_nulls(
                user::Column::LastLoginAt,
                Order::Desc,
                NullOrdering::Last,
            ),
        };
        let rows = select
            .find_also_related(role::Entity)
            .order_by_asc(user::Column::Email)
            .limit(limit)
            .offset(offset)
            .all(db)
            .await?;
        let memberships = teams_of(db, rows.iter().map(|(user, _)| user.id)).await?;
        let items = rows
            .into_iter()
            .map(|(user, role)| {
                let id = user.id;
                let mut row = UserRow::from(UserWithRole { user, role });
                row.teams = memberships
                    .iter()
                    .filter(|(user, ..)| *user == id)
                    .map(|(_, team, _)| team.name.clone())
                    .collect();
                row
            })
            .collect();
        Ok(Page {
            items,
            total,
            limit,
            offset,
        })
    }
}

/// A user row joined with its role, the shape `UserRow` is built from.
pub(crate) struct UserWithRole {
    pub user: user::Model,
    pub role: Option<role::Model>,
}

impl From<UserWithRole> for UserRow {
    fn from(UserWithRole { user, role }: UserWithRole) -> Self {
        let (role_name, role_display_name) =
            role.map_or((String::new(), String::new()), |r| (r.name, r.display_name));
        UserRow {
            id: UserId(user.id),
            email: user.email,
            display_name: user.display_name,
            role_name,
            role_display_name,
            status: UserStatus::parse(&user.status).unwrap_or(UserStatus::Deactivated),
            last_login_at: user.last_login_at,
            role_managed_by: RoleManagedBy::parse(&user.role_managed_by)
                .unwrap_or(RoleManagedBy::Initial),
            teams: Vec::new(),
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

/// The teams of each of `users`, by name: one query for the memberships, one for the teams.
pub(crate) async fn teams_of(
    db: &impl ConnectionTrait,
    users: impl IntoIterator<Item = i64>,
) -> DomainResult<Vec<(i64, team::Model, TeamMemberRole)>> {
    let memberships = team_member::Entity::find()
        .filter(team_member::Column::UserId.is_in(users))
        .all(db)
        .await?;
    if memberships.is_empty() {
        return Ok(Vec::new());
    }
    let teams: BTreeMap<i64, team::Model> = team::Entity::find()
        .filter(team::Column::Id.is_in(memberships.iter().map(|m| m.team_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let mut found: Vec<(i64, team::Model, TeamMemberRole)> = memberships
        .into_iter()
        .filter_map(|m| {
            let team = teams.get(&m.team_id)?.clone();
            let role = TeamMemberRole::parse(&m.role).unwrap_or(TeamMemberRole::Member);
            Some((m.user_id, team, role))
        })
        .collect();
    found.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    Ok(found)
}

/// Checks a list's `limit` (default `default`, 1 to `max`) and `offset` (default 0).
pub(crate) fn page_window(
    limit: Option<u64>,
    offset: Option<u64>,
    default: u64,
    max: u64,
) -> DomainResult<(u64, u64)> {
    let limit = limit.unwrap_or(default);
    if limit == 0 || limit > max {
        return Err(DomainError::validation(
            "limit",
            format!("limit must be between 1 and {max}."),
        ));
    }
    Ok((limit, offset.unwrap_or(0)))
}

/// The LIKE pattern for a case-insensitive substring search, or `None` for no search.
pub(crate) fn search_pattern(search: Option<&str>) -> DomainResult<Option<String>> {
    let Some(term) = search.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if term.chars().count() > EMAIL_MAX {
        return Err(DomainError::validation(
            "search",
            format!("Search text has at most {EMAIL_MAX} characters."),
        ));
    }
    Ok(Some(format!("%{}%", escape_like(&term.to_lowercase()))))
}

/// `lower(table.column) LIKE pattern`, with `\\` escaping (see `search_pattern`).
pub(crate) fn lower_like<T: IntoIden, C: IntoIden>(
    table: T,
    column: C,
    pattern: &str,
) -> sea_orm::sea_query::SimpleExpr {
    Expr::expr(Func::lower(Expr::col((table, column))))
        .like(LikeExpr::new(pattern.to_owned()).escape('\\'))
}

/// Users whose email or display name matches `pattern` (from `search_pattern`).
pub(crate) fn user_matches(pattern: &str) -> Condition {
    Condition::any()
        .add(lower_like(user::Entity, user::Column::Email, pattern))
        .add(lower_like(user::Entity, user::Column::DisplayName, pattern))
}

/// Escapes LIKE wildcards so a search for `50%` means the characters, not a pattern.
fn escape_like(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
