use crate::components::theme::ThemeChoice;
use crate::components::toast::{ToastRegion, Toasts};
use crate::error::AppError;
use crate::server_fns::auth::{SignOut, get_current_user};
use domain::dto::CurrentUser;
use domain::permissions::Permission;
use leptos::prelude::*;
use leptos::server::SharedValue;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_location;

/// The console frame for signed-in pages: top bar (tenant, user, sign out) and the left
/// navigation, listing only pages the user can use.
#[component]
pub fn ConsoleShell() -> impl IntoView {
    // The server loads the signed-in user before it renders a console page (the page guard),
    // and the value travels with the page, so the frame and navigation arrive in the first
    // bytes and hydrate from the same value, with no loading state of their own.
    let preloaded = SharedValue::new(preloaded_user).into_inner();
    let me = Me(RwSignal::new(preloaded.clone()));
    provide_context(me);
    // Checked again at every navigation, in the browser: someone deactivated or signed out
    // elsewhere goes to sign-in on their next click (the reload meets the page guard, which
    // keeps where they were going) instead of watching each call on the page fail.
    let location = use_location();
    let session_check = LocalResource::new(move || {
        location.pathname.track();
        get_current_user()
    });
    Effect::new(move |_| {
        if let Some(Err(AppError::Unauthenticated(_))) = session_check.get() {
            let _ = window().location().reload();
        }
    });
    match preloaded {
        Some(user) => view! { <ConsoleFrame user=Ok(user)/> }.into_any(),
        // Reached only when the browser enters the console without a server render (no page
        // load in between): load the user, then render the frame once.
        None => {
            let loaded = Resource::new(|| (), |_| get_current_user());
            view! {
                <Transition fallback=|| view! { <p class="muted console-loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let user = loaded.await;
                        me.0.set(user.as_ref().ok().cloned());
                        view! { <ConsoleFrame user/> }
                    })}
                </Transition>
            }
            .into_any()
        }
    }
}

/// The user the page guard loaded for this request (server only; `None` in the browser,
/// where `SharedValue` reads the server's value while hydrating).
fn preloaded_user() -> Option<CurrentUser> {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<crate::ssr::SignedInUser>().cloned())
            .map(|signed_in| signed_in.0)
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The top bar, the navigation and the page, for the user the shell loaded.
#[component]
fn ConsoleFrame(user: Result<CurrentUser, AppError>) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    // On a narrow screen the navigation folds away behind "Menu"; following a link folds it
    // again. Wide screens always show it (the button is hidden there).
    let nav_open = RwSignal::new(false);
    let toasts = Toasts::provide();
    let location = use_location();
    Effect::new(move |_| {
        location.pathname.track();
        nav_open.set(false);
    });
    let topbar = match &user {
        Ok(user) => view! {
            <span class="tenant" title="Tenant">{user.tenant_name.clone()}</span>
            <span class="spacer"></span>
            <a class="who" href="/profile" title="Your profile" data-testid="signed-in-user">
                <span class="who-name">{user.display_name.clone()}</span>
                <span class="who-email">{user.email.clone()}</span>
                <span class="badge">{user.role_display_name.clone()}</span>
            </a>
            <ThemeChoice/>
            <ActionForm action=sign_out>
                <button type="submit" class="button button-secondary">"Sign out"</button>
            </ActionForm>
        }
        .into_any(),
        Err(_) => view! {
            <span class="spacer"></span>
            <a class="button button-secondary" href="/login">"Sign in"</a>
        }
        .into_any(),
    };
    let navigation = user.ok().map(|user| {
        let users = user.can(Permission::ListUsers);
        let roles = user.can(Permission::ListRoles);
        // Managers see the teams they manage whatever their tenant role.
        let teams = user.can(Permission::ReadTeam) || !user.managed_teams.is_empty();
        let settings = user.can(Permission::ListSettings);
        let providers = user.can(Permission::ListIdentityProviders);
        // Team managers too, when the Team Manager role lets them read their teams' accounts.
        let accounts = user.can(Permission::ReadVirtualAccount)
            || user.can_as_team_manager(Permission::ReadVirtualAccount);
        // Home is the member's page; those who run the directory land on Users instead.
        let home = !user.can(Permission::ManageUsers);
        view! {
            <Show when=move || home>
                <ul>
                    <li>
                        <A href="/" exact=true>"Home"</A>
                    </li>
                </ul>
            </Show>
            <h2 class="nav-heading">"Access"</h2>
            <ul>
                <Show when=move || users>
                    <li>
                        <A href="/access/users">"Users"</A>
                    </li>
                </Show>
                <Show when=move || teams>
                    <li>
                        <A href="/access/teams">"Teams"</A>
                    </li>
                </Show>
                <Show when=move || roles>
                    <li>
                        <A href="/access/roles">"Roles"</A>
                    </li>
                </Show>
                <Show when=move || accounts>
                    <li>
                        <A href="/access/virtual-accounts">"Virtual Accounts"</A>
                    </li>
                </Show>
                <li>
                    <A href="/access/tokens">"Personal Access Tokens"</A>
                </li>
                <li>
                    <A href="/profile">"Profile"</A>
                </li>
            </ul>
            <h2 class="nav-heading">"Platform"</h2>
            <ul>
                <li>
                    <A href="/resources">"Resources"</A>
                </li>
                <li>
                    // Served by the API, outside the console's router: a full page load.
                    <a href="/api/svc/v1/docs" rel="external">"API reference"</a>
                </li>
            </ul>
            <Show when=move || settings || providers>
                <h2 class="nav-heading">"Settings"</h2>
                <ul>
                    <Show when=move || settings>
                        <li>
                            <A href="/settings/security">"Security"</A>
                        </li>
                    </Show>
                    <Show when=move || providers>
                        <li>
                            <A href="/settings/identity-providers">"Identity Providers"</A>
                        </li>
                    </Show>
                </ul>
            </Show>
        }
    });
    view! {
        <div class="console">
            // The first stop for keyboard users: past the top bar and navigation to the page.
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="topbar">
                <button
                    type="button"
                    class="button button-secondary nav-toggle"
                    aria-controls="main-nav"
                    aria-expanded=move || if nav_open.get() { "true" } else { "false" }
                    on:click=move |_| nav_open.update(|open| *open = !*open)
                >
                    "Menu"
                </button>
                <a class="brand" href="/">"Latchkey"</a>
                {topbar}
            </header>
            <div class="frame" class:nav-open=move || nav_open.get()>
                <nav class="sidenav" id="main-nav" aria-label="Main">
                    {navigation}
                </nav>
                <main class="content" id="main">
                    <Outlet/>
                </main>
                <ToastRegion toasts/>
            </div>
        </div>
    }
}

/// The signed-in user, loaded once by the shell and shared with its pages (`None` until it
/// has loaded, or when nobody is signed in).
#[derive(Clone, Copy)]
pub struct Me(RwSignal<Option<CurrentUser>>);

impl Me {
    /// Whether the signed-in user holds `permission` (false while loading). The server checks
    /// again on every call; this only decides what to offer.
    pub fn can(self, permission: Permission) -> bool {
        self.0
            .with(|user| user.as_ref().is_some_and(|user| user.can(permission)))
    }

    /// Whether the signed-in user manages `team` (which lets them open it).
    pub fn manages(self, team: domain::ids::TeamId) -> bool {
        self.0.with(|user| {
            user.as_ref()
                .is_some_and(|user| user.managed_teams.iter().any(|t| t.id == team))
        })
    }

    /// Whether the signed-in user may open `team`'s page: team:ReadTeam, or managing it.
    pub fn can_open_team(self, team: domain::ids::TeamId) -> bool {
        self.can(Permission::ReadTeam) || self.manages(team)
    }

    pub fn id(self) -> Option<domain::ids::UserId> {
        self.0.with(|user| user.as_ref().map(|user| user.id))
    }

    pub fn user(self) -> Option<CurrentUser> {
        self.0.get()
    }

    /// Runs `load` only when the signed-in user holds `permission`, else answers `Ok(None)`:
    /// a page's resource makes no call the server is known to refuse (a refused call shows as
    /// an error in the browser console, and costs a round trip).
    pub async fn load_if<T, Fut>(
        self,
        permission: Permission,
        load: impl FnOnce() -> Fut,
    ) -> Result<Option<T>, AppError>
    where
        Fut: std::future::Future<Output = Result<T, AppError>>,
    {
        if self.can(permission) {
            load().await.map(Some)
        } else {
            Ok(None)
        }
    }
}
