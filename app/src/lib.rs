//! The Latchkey console: Leptos components, pages and the server functions they call.
//! Server functions are thin: resolve the actor, call the domain's scope, map the error.
//! `domain/ssr` is enabled only by this crate's `ssr` feature, so no database code reaches the
//! browser bundle.

#![recursion_limit = "256"]

pub mod components;
pub mod error;
pub mod pages;
pub mod routes;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use components::shell::ConsoleShell;
use pages::not_found::NotFound;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=components::theme::requested_theme().attribute()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    components::confirm::OpenConfirmation::provide();
    // Effects run only in the browser: this marks the page once the wasm bundle has hydrated
    // it, which end-to-end tests wait for before typing.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/latchkey.css"/>
        <Title formatter=|page: String| if page.is_empty() { "Latchkey".to_string() } else { format!("{page} · Latchkey") }/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=routes::login()/>
                <Route path=path!("/setup") view=routes::setup()/>
                <Route path=path!("/set-password") view=routes::set_password()/>
                <Route path=path!("/forgot-password") view=routes::forgot_password()/>
                <ParentRoute path=path!("") view=ConsoleShell>
                    <Route path=path!("") view=routes::home()/>
                    <Route path=path!("/access/users") view=routes::users()/>
                    <Route path=path!("/access/users/invite") view=routes::invite()/>
                    <Route path=path!("/access/users/:id") view=routes::user()/>
                    <Route path=path!("/profile") view=routes::profile()/>
                    <Route path=path!("/access/roles") view=routes::roles()/>
                    <Route path=path!("/access/roles/new") view=routes::new_role()/>
                    <Route path=path!("/access/roles/:id") view=routes::edit_role()/>
                    <Route path=path!("/access/teams") view=routes::teams()/>
                    <Route path=path!("/access/teams/new") view=routes::new_team()/>
                    <Route path=path!("/access/teams/:id") view=routes::team()/>
                    <Route path=path!("/resources") view=routes::resources()/>
                    <Route path=path!("/resources/:id") view=routes::resource()/>
                    <Route path=path!("/access/tokens") view=routes::tokens()/>
                    <Route path=path!("/access/virtual-accounts") view=routes::virtual_accounts()/>
                    <Route path=path!("/access/virtual-accounts/new") view=routes::new_virtual_account()/>
                    <Route path=path!("/access/virtual-accounts/:id") view=routes::virtual_account()/>
                    <Route path=path!("/settings/security") view=routes::security_settings()/>
                    <Route path=path!("/settings/identity-providers") view=routes::identity_providers()/>
                    <Route path=path!("/settings/identity-providers/new") view=routes::new_identity_provider()/>
                    <Route path=path!("/settings/identity-providers/:id") view=routes::identity_provider()/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
