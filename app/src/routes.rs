//! What each route of the console shows.
//!
//! A release build splits the browser bundle by area of the console: scripts/build-site.sh
//! compiles with `--cfg latchkey_split`, under which every page below is a lazy route, and the
//! pages of one area share one split point (a `#[lazy]` function), so the area's code sits in
//! chunks of its own, fetched the first time one of its pages is shown (wasm-split cuts them
//! out of the compiled bundle; `hydrate_lazy` in the frontend waits for the first page's
//! chunks before hydrating it). The first page then costs the shared code plus its area's, not
//! every page's. Areas, not single pages: the splitter makes one chunk per set of split points
//! that share code, and each chunk is compressed alone, so 25 split points made about 500 small
//! chunks (295 of them for the Users page) that compressed far worse than fewer, larger ones.
//!
//! Other builds (debug, `cargo test`, clippy) show the page components directly and need no
//! splitting step. The server must be built with the same cfg as the bundle: a lazy route
//! renders as an asynchronous view, which hydration walks the same way.

use leptos_router::ChooseView;

/// For each area `split_fn, preload_fn: AreaEnum { route_fn: LazyType => PageComponent; ... }`,
/// one function per route giving its view: the component itself, or under `latchkey_split` a
/// `Lazy` route of type `LazyType` whose view comes from the area's split function.
/// `preload_fn` must be `__preload_` and the split function's name: `#[leptos::lazy]` defines
/// it in the browser bundle to fetch the area's chunks, and the router awaits it before it
/// hydrates or shows a page of the area (without it, hydration would meet a page whose code is
/// not there yet).
macro_rules! areas {
    ($($split:ident, $preload:ident: $area:ident { $($route:ident: $lazy:ident => $page:path;)* })*) => {
        $($(
            #[cfg(not(latchkey_split))]
            pub fn $route() -> impl ChooseView {
                $page
            }

            #[cfg(latchkey_split)]
            pub fn $route() -> impl ChooseView {
                leptos_router::Lazy::<split::$lazy>::new()
            }
        )*)*

        #[cfg(latchkey_split)]
        mod split {
            use leptos::prelude::*;
            use leptos_router::LazyRoute;
            $(
                /// The pages of one area.
                pub enum $area {
                    $($lazy,)*
                }

                /// The area's split point: its pages' code is cut out of the shared bundle.
                #[leptos::lazy]
                fn $split(page: $area) -> AnyView {
                    match page {
                        $($area::$lazy => $page().into_any(),)*
                    }
                }

                $(
                    /// The page as a lazy route: no data of its own (the page loads its own).
                    pub struct $lazy;

                    impl LazyRoute for $lazy {
                        fn data() -> Self {
                            $lazy
                        }

                        async fn view(_route: Self) -> AnyView {
                            $split($area::$lazy).await
                        }

                        async fn preload() {
                            // Only the browser bundle is split; the server renders directly.
                            #[cfg(target_arch = "wasm32")]
                            $preload().await;
                        }
                    }
                )*
            )*
        }
    };
}

areas! {
    signed_out, __preload_signed_out: SignedOut {
        login: LoginRoute => crate::pages::login::LoginPage;
        setup: SetupRoute => crate::pages::setup::SetupPage;
        set_password: SetPasswordRoute => crate::pages::set_password::SetPasswordPage;
        forgot_password: ForgotPasswordRoute => crate::pages::forgot_password::ForgotPasswordPage;
    }
    own_access, __preload_own_access: OwnAccess {
        home: HomeRoute => crate::pages::home::HomePage;
        profile: ProfileRoute => crate::pages::profile::ProfilePage;
        tokens: TokensRoute => crate::pages::tokens::TokensPage;
    }
    users_list, __preload_users_list: UsersList {
        users: UsersRoute => crate::pages::users::UsersPage;
        invite: InviteRoute => crate::pages::invite::InvitePage;
    }
    people_and_roles, __preload_people_and_roles: PeopleAndRoles {
        user: UserRoute => crate::pages::user::UserPage;
        teams: TeamsRoute => crate::pages::teams::TeamsPage;
        new_team: NewTeamRoute => crate::pages::teams::NewTeamPage;
        team: TeamRoute => crate::pages::team::TeamPage;
        roles: RolesRoute => crate::pages::roles::RolesPage;
        new_role: NewRoleRoute => crate::pages::role_editor::NewRolePage;
        edit_role: EditRoleRoute => crate::pages::role_editor::EditRolePage;
    }
    resources_and_settings, __preload_resources_and_settings: ResourcesAndSettings {
        resources: ResourcesRoute => crate::pages::resources::ResourcesPage;
        resource: ResourceRoute => crate::pages::resource::ResourcePage;
        virtual_accounts: VirtualAccountsRoute => crate::pages::virtual_accounts::VirtualAccountsPage;
        new_virtual_account: NewVirtualAccountRoute => crate::pages::virtual_accounts::NewVirtualAccountPage;
        virtual_account: VirtualAccountRoute => crate::pages::virtual_account::VirtualAccountPage;
        security_settings: SecuritySettingsRoute => crate::pages::security_settings::SecuritySettingsPage;
        identity_providers: IdentityProvidersRoute => crate::pages::identity_providers::IdentityProvidersPage;
        new_identity_provider: NewIdentityProviderRoute => crate::pages::identity_provider::NewIdentityProviderPage;
        identity_provider: IdentityProviderRoute => crate::pages::identity_provider::IdentityProviderPage;
    }
}
