use leptos::prelude::*;

/// Where a detail page sits: the list it belongs to, then the page itself. It is a detail
/// page's one way back; the navigation marks the list as the current section.
#[component]
pub fn Breadcrumbs(
    /// The list page, e.g. `/access/users`.
    parent_href: &'static str,
    /// Its name as the navigation says it, e.g. "Users".
    parent_label: &'static str,
    /// This page's name.
    #[prop(into)]
    current: String,
) -> impl IntoView {
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                // A plain link (the router still handles it): `A` would mark itself as the
                // current page on every page under its address.
                <li>
                    <a href=parent_href>{parent_label}</a>
                </li>
                <li aria-current="page">{current}</li>
            </ol>
        </nav>
    }
}
