//! The answer of a Check access panel (allowed or denied, and every path that grants it), and
//! lists of the grants a user, team or virtual account holds.

use domain::dto::{AccessAnswer, UserGrant};
use leptos::prelude::*;
use leptos_router::components::A;

/// Resource roles held, each linked to its resource, and to the team it comes through.
#[component]
pub fn GrantList(grants: Vec<UserGrant>) -> impl IntoView {
    view! {
        <ul class="team-list">
            {grants
                .into_iter()
                .map(|g| {
                    view! {
                        <li>
                            <A href=format!("/resources/{}", g.resource.id)>{g.resource.name}</A>
                            " "
                            <span class="muted">{format!("{} ({})", g.role, g.resource.resource_type.label())}</span>
                            {g.via_team.map(|t| view! {
                                <span class="muted">" through team "</span>
                                <A href=format!("/access/teams/{}", t.id)>{t.name}</A>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
pub fn AccessAnswerView(answer: AccessAnswer) -> impl IntoView {
    let verdict = if answer.allowed { "Allowed" } else { "Denied" };
    let class = if answer.allowed {
        "badge badge-ok"
    } else {
        "badge badge-off"
    };
    view! {
        <div class="access-answer" role="status">
            <p>
                <span class=class>{verdict}</span>
            </p>
            {answer.blocked.clone().map(|why| view! { <p>{why}</p> })}
            {if answer.paths.is_empty() {
                view! { <p class="muted">"Nothing grants this permission here."</p> }.into_any()
            } else {
                view! {
                    <ul class="access-paths">
                        {answer.paths.iter().map(|p| view! { <li>{p.describe()}</li> }).collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </div>
    }
}
