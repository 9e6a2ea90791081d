//! The answer of a Check access panel: allowed or denied, and every path that grants it.

use domain::dto::AccessAnswer;
use leptos::prelude::*;

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
