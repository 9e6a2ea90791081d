use crate::dto::{CurrentUser, Page, RoleManagedBy, UserQuery, UserRow, UserSort, UserStatus};
use crate::ids::UserId;
use crate::ssr::actor::Actor;
use crate::ssr::authorize::{Operation, authorize};
use crate::ssr::entities::{role, tenant, user};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::services::Services;
use crate::validation::EMAIL_MAX;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, NullOrdering, Order};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// The services as one actor may use them. Every method authorizes its `Operation` first, and
/// only ever reads the actor's own tenant.
pub struct Scope<'a> {
    pub(crate) services: &'a Services,
    pub(crate) actor: &'a Actor,
}

impl<'a> Scope<'a> {
    pub(crate) fn new(services: &'a Services, actor: &'a Actor) -> Self {
        Scope { services, actor }
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
        Ok(CurrentUser {
            id: me.user_id,
            tenant_id: me.tenant_id,
            tenant_name: tenant.name,
            email: me.email.clone(),
            display_name: me.display_name.clone(),
            role_name: me.role_name.clone(),
            role_display_name: me.role_display_name.clone(),
            permissions: me.permissions.iter().map(|p| p.key().to_string()).collect(),
        })
    }

    /// Access > Users: the tenant's users, optionally filtered by a case-insensitive substring
    /// of email or name, ordered by email, one page at a time.
    pub async fn list_users(&self, query: UserQuery) -> DomainResult<Page<UserRow>> {
        let me = authorize(self.actor, Operation::ListUsers)?;
        let limit = query.limit.unwrap_or(UserQuery::DEFAULT_LIMIT);
        if limit == 0 || limit > UserQuery::MAX_LIMIT {
            return Err(DomainError::validation(
                "limit",
                format!("limit must be between 1 and {}.", UserQuery::MAX_LIMIT),
            ));
        }
        let offset = query.offset.unwrap_or(0);
        let mut select = user::Entity::find().filter(user::Column::TenantId.eq(me.tenant_id.0));
        if let Some(term) = query
            .search
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            if term.chars().count() > EMAIL_MAX {
                return Err(DomainError::validation(
                    "search",
                    format!("Search text has at most {EMAIL_MAX} characters."),
                ));
            }
            let pattern = format!("%{}%", escape_like(&term.to_lowercase()));
            let like = |column: user::Column| {
                Expr::expr(Func::lower(Expr::col((user::Entity, column))))
                    .like(LikeExpr::new(pattern.clone()).escape('\\'))
            };
            select = select.filter(
                Condition::any()
                    .add(like(user::Column::Email))
                    .add(like(user::Column::DisplayName)),
            );
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
        let items = rows
            .into_iter()
            .map(|(user, role)| UserRow::from(UserWithRole { user, role }))
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
        }
    }
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
