//! The Latchkey console: Leptos components, pages and the server functions they call.
//! Server functions are thin: resolve the actor, call the domain's scope, map the error.
//! `domain/ssr` is enabled only by this crate's `ssr` feature, so no database code reaches the
//! browser bundle.

#![recursion_limit = "256"]

pub mod components;
pub mod error;
pub mod pages;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use components::shell::ConsoleShell;
use pages::forgot_password::ForgotPasswordPage;
use pages::home::HomePage;
use pages::identity_provider::{IdentityProviderPage, NewIdentityProviderPage};
use pages::identity_providers::IdentityProvidersPage;
use pages::invite::InvitePage;
use pages::login::LoginPage;
use pages::not_found::NotFound;
use pages::profile::ProfilePage;
use pages::resource::ResourcePage;
use pages::resources::ResourcesPage;
use pages::role_editor::{EditRolePage, NewRolePage};
use pages::roles::RolesPage;
use pages::security_settings::SecuritySettingsPage;
use pages::set_password::SetPasswordPage;
use pages::setup::SetupPage;
use pages::team::TeamPage;
use pages::teams::{NewTeamPage, TeamsPage};
use pages::tokens::TokensPage;
use pages::user::UserPage;
use pages::users::UsersPage;
use pages::virtual_account::VirtualAccountPage;
use pages::virtual_accounts::{NewVirtualAccountPage, VirtualAccountsPage};

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
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/setup") view=SetupPage/>
                <Route path=path!("/set-password") view=SetPasswordPage/>
                <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                <ParentRoute path=path!("") view=ConsoleShell>
                    <Route path=path!("") view=HomePage/>
                    <Route path=path!("/access/users") view=UsersPage/>
                    <Route path=path!("/access/users/invite") view=InvitePage/>
                    <Route path=path!("/access/users/:id") view=UserPage/>
                    <Route path=path!("/profile") view=ProfilePage/>
                    <Route path=path!("/access/roles") view=RolesPage/>
                    <Route path=path!("/access/roles/new") view=NewRolePage/>
                    <Route path=path!("/access/roles/:id") view=EditRolePage/>
                    <Route path=path!("/access/teams") view=TeamsPage/>
                    <Route path=path!("/access/teams/new") view=NewTeamPage/>
                    <Route path=path!("/access/teams/:id") view=TeamPage/>
                    <Route path=path!("/resources") view=ResourcesPage/>
                    <Route path=path!("/resources/:id") view=ResourcePage/>
                    <Route path=path!("/access/tokens") view=TokensPage/>
                    <Route path=path!("/access/virtual-accounts") view=VirtualAccountsPage/>
                    <Route path=path!("/access/virtual-accounts/new") view=NewVirtualAccountPage/>
                    <Route path=path!("/access/virtual-accounts/:id") view=VirtualAccountPage/>
                    <Route path=path!("/settings/security") view=SecuritySettingsPage/>
                    <Route path=path!("/settings/identity-providers") view=IdentityProvidersPage/>
                    <Route path=path!("/settings/identity-providers/new") view=NewIdentityProviderPage/>
                    <Route path=path!("/settings/identity-providers/:id") view=IdentityProviderPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
