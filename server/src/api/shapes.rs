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
