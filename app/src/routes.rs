//! What each route of the console shows.
//!
//! A release build splits the browser bundle at its pages: scripts/build-site.sh compiles with
//! `--cfg latchkey_split`, under which every page below is a lazy route whose code sits in a
//! chunk of its own, fetched the first time the page is shown (wasm-split cuts the chunks out
//! of the compiled bundle; `hydrate_lazy` in the frontend waits for the page's chunk before
//! hydrating it). The first page then costs the shared code plus that page's code, not every
//! page's. Other builds (debug, `cargo test`, clippy) show the page components directly, and
//! need no splitting step.
//!
//! The server must be built with the same cfg as the bundle: a lazy route renders as an
//! asynchronous view, which hydration walks differently.

use leptos_router::ChooseView;

/// For each `function: LazyType => PageComponent`, a function that gives the route's view: the
/// component itself, or under `latchkey_split` a `Lazy` route of type `LazyType`.
macro_rules! pages {
    ($($route:ident: $lazy:ident => $page:path;)*) => {
        $(
            #[cfg(not(latchkey_split))]
            pub fn $route() -> impl ChooseView {
                $page
            }

            #[cfg(latchkey_split)]
            pub fn $route() -> impl ChooseView {
                leptos_router::Lazy::<split::$lazy>::new()
            }
        )*

        #[cfg(latchkey_split)]
        mod split {
            use leptos::prelude::*;
            use leptos_router::{LazyRoute, lazy_route};
            $(
                /// The page as a lazy route: no data of its own (the page loads its own).
                pub struct $lazy;

                #[lazy_route]
                impl LazyRoute for $lazy {
                    fn data() -> Self {
                        $lazy
                    }

                    fn view(_route: Self) -> AnyView {
                        $page().into_any()
                    }
                }
            )*
        }
    };
}

pages! {
    login: LoginRoute => crate::pages::login::LoginPage;
    setup: SetupRoute => crate::pages::setup::SetupPage;
    set_password: SetPasswordRoute => crate::pages::set_password::SetPasswordPage;
    forgot_password: ForgotPasswordRoute => crate::pages::forgot_password::ForgotPasswordPage;
    home: HomeRoute => crate::pages::home::HomePage;
    users: UsersRoute => crate::pages::users::UsersPage;
    invite: InviteRoute => crate::pages::invite::InvitePage;
    user: UserRoute => crate::pages::user::UserPage;
    profile: ProfileRoute => crate::pages::profile::ProfilePage;
    roles: RolesRoute => crate::pages::roles::RolesPage;
    new_role: NewRoleRoute => crate::pages::role_editor::NewRolePage;
    edit_role: EditRoleRoute => crate::pages::role_editor::EditRolePage;
    teams: TeamsRoute => crate::pages::teams::TeamsPage;
    new_team: NewTeamRoute => crate::pages::teams::NewTeamPage;
    team: TeamRoute => crate::pages::team::TeamPage;
    resources: ResourcesRoute => crate::pages::resources::ResourcesPage;
    resource: ResourceRoute => crate::pages::resource::ResourcePage;
    tokens: TokensRoute => crate::pages::tokens::TokensPage;
    virtual_accounts: VirtualAccountsRoute => crate::pages::virtual_accounts::VirtualAccountsPage;
    new_virtual_account: NewVirtualAccountRoute => crate::pages::virtual_accounts::NewVirtualAccountPage;
    virtual_account: VirtualAccountRoute => crate::pages::virtual_account::VirtualAccountPage;
    security_settings: SecuritySettingsRoute => crate::pages::security_settings::SecuritySettingsPage;
    identity_providers: IdentityProvidersRoute => crate::pages::identity_providers::IdentityProvidersPage;
    new_identity_provider: NewIdentityProviderRoute => crate::pages::identity_provider::NewIdentityProviderPage;
    identity_provider: IdentityProviderRoute => crate::pages::identity_provider::IdentityProviderPage;
}
