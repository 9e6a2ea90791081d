use crate::error::AppError;
use domain::dto::{SubjectSearch, SubjectSuggestion};
use leptos::prelude::*;

/// A picker's suggestions: users, teams and virtual accounts whose name contains the text,
/// each kind as far as the caller may list it.
#[server(prefix = "/rpc", endpoint = "subjects/suggest")]
pub async fn suggest_subjects(search: SubjectSearch) -> Result<Vec<SubjectSuggestion>, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().suggest_subjects(search).await?)
}
