//! JSON shapes shared by the endpoints (camelCase, as TrueFoundry's API writes them).

use domain::dto::Page;
use serde::Serialize;

/// A page of a list: `{"data": [...], "pagination": {"total", "limit", "offset"}}`.
#[derive(Debug, Serialize)]
pub struct ListResponse<T> {
    pub data: Vec<T>,
    pub pagination: Pagination,
}

#[derive(Debug, Serialize)]
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
#[derive(Debug, Serialize)]
pub struct DataResponse<T> {
    pub data: T,
}
