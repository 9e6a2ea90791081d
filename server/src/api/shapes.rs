//! JSON shapes shared by the endpoints (camelCase, as TrueFoundry's API writes them).

use crate::api::ApiError;
use crate::api::extract::Paging;
use domain::dto::Page;
use serde::Serialize;
use utoipa::ToSchema;

/// A page of a list: `{"data": [...], "pagination": {"total", "limit", "offset"}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListResponse<T> {
    pub data: Vec<T>,
    pub pagination: Pagination,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Pagination {
    pub total: u64,
    pub limit: u64,
    pub offset: u64,
}

impl<T> ListResponse<T> {
    /// The page's items in their API shape.
    pub fn from_page<D>(page: Page<D>) -> Self
    where
        T: From<D>,
    {
        ListResponse {
            data: page.items.into_iter().map(T::from).collect(),
            pagination: Pagination {
                total: page.total,
                limit: page.limit,
                offset: page.offset,
            },
        }
    }
}

impl<T> ListResponse<T> {
    /// The page's items, each shaped by `shape` (for shapes that need the viewer).
    pub fn from_page_with<D>(page: Page<D>, shape: impl FnMut(D) -> T) -> Self {
        ListResponse {
            data: page.items.into_iter().map(shape).collect(),
            pagination: Pagination {
                total: page.total,
                limit: page.limit,
                offset: page.offset,
            },
        }
    }
}

/// A single object: `{"data": {...}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct DataResponse<T> {
    pub data: T,
}

/// The most items one page of an API list holds.
pub const MAX_LIMIT: u64 = 200;
const DEFAULT_LIMIT: u64 = 50;

/// One page of a list the domain returns whole (roles, resources), checked as the domain checks
/// its own paged lists.
pub fn page_of<T>(items: Vec<T>, paging: &Paging) -> Result<Page<T>, ApiError> {
    let limit = paging.limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::invalid(
            "limit",
            format!("limit must be between 1 and {MAX_LIMIT}."),
        ));
    }
    let offset = paging.offset.unwrap_or(0);
    let total = items.len() as u64;
    let items = items
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .collect();
    Ok(Page {
        items,
        total,
        limit,
        offset,
    })
}

/// The answer of an operation that returns nothing: `{}` (TrueFoundry's SDK reads a JSON object
/// from every success, so a delete answers 200 with this rather than 204).
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Empty {}

/// Who did something, as TrueFoundry's API names it (`createdBySubject`). A creator no longer
/// known (deleted, or from before creators were recorded) has an empty `subjectId`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubjectJson {
    subject_id: String,
    /// `user`, `team` or `virtualaccount`.
    subject_type: &'static str,
    /// The email of a user, the name of a team or virtual account.
    subject_slug: String,
}

impl SubjectJson {
    pub fn user(user: Option<domain::dto::UserRef>) -> Self {
        match user {
            Some(user) => SubjectJson {
                subject_id: user.id.to_string(),
                subject_type: "user",
                subject_slug: user.email,
            },
            None => SubjectJson {
                subject_id: String::new(),
                subject_type: "user",
                subject_slug: String::new(),
            },
        }
    }
}

/// The caller as the answers need them: the tenant every object names (`tenantName`; the
/// tenant is the root account, so its id is every object's `accountId` until accounts exist)
/// and what the caller may change (`isEditable`). Read once per request.
pub struct Viewer {
    pub me: domain::dto::CurrentUser,
}

impl Viewer {
    pub async fn of(caller: &crate::api::extract::Caller) -> Result<Self, ApiError> {
        Ok(Viewer {
            me: caller.scope().current_user().await?,
        })
    }

    pub fn tenant_name(&self) -> String {
        self.me.tenant_name.clone()
    }

    pub fn account_id(&self) -> String {
        self.me.tenant_id.to_string()
    }

    /// Whether `account` (a manifest's `ownedBy.account`) names the tenant, by name or id: the
    /// only account there is until accounts exist.
    pub fn is_tenant(&self, account: &str) -> bool {
        account == self.me.tenant_name || account == self.account_id()
    }

    pub fn can(&self, permission: domain::permissions::Permission) -> bool {
        self.me.can(permission)
    }
}
