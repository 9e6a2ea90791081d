//! The options of a role picker (invite, a user's page) and why some are unavailable.

use domain::dto::AssignableRole;
use domain::ids::RoleId;
use leptos::prelude::*;

/// The `<option>`s of a role picker; a role the actor may not hand out is disabled (unless it
/// is the user's current one, which stays selectable so the select shows it).
#[component]
pub fn RoleOptions(roles: Vec<AssignableRole>, current: Option<RoleId>) -> impl IntoView {
    roles
        .into_iter()
        .map(|role| {
            let is_current = Some(role.id) == current;
            let label = if role.unavailable.is_some() && !is_current {
                format!("{} (unavailable)", role.display_name)
            } else {
                role.display_name
            };
            view! {
                <option
                    value=role.id.0.to_string()
                    selected=is_current
                    disabled=role.unavailable.is_some() && !is_current
                >
                    {label}
                </option>
            }
        })
        .collect_view()
}

/// Why the disabled roles of a picker are unavailable.
#[component]
pub fn UnavailableRoles(roles: Vec<AssignableRole>, id: &'static str) -> impl IntoView {
    let unavailable: Vec<(String, String)> = roles
        .into_iter()
        .filter_map(|r| r.unavailable.map(|why| (r.display_name, why)))
        .collect();
    view! {
        <ul class="help role-reasons" id=id>
            {unavailable
                .into_iter()
                .map(|(name, why)| view! { <li><strong>{name}</strong>": "{why}</li> })
                .collect_view()}
        </ul>
    }
}
