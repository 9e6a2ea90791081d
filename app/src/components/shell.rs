use crate::error::AppError;
use crate::server_fns::auth::{SignOut, get_current_user};
use domain::dto::CurrentUser;
use domain::permissions::Permission;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_location;

/// The console frame for signed-in pages: top bar (tenant, user, sign out) and the left
/// navigation, listing only pages the user can use.
#[component]
pub fn ConsoleShell() -> impl IntoView {
    let loaded = Resource::new(|| (), |_| get_current_user());
    let me = Me(RwSignal::new(None));
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
    // One boundary awaits the signed-in user, then renders the whole frame and the page. Pages
    // read `Me` as a plain signal: a resource read under several Suspense boundaries can leave
    // a server-rendered response unfinished (leptos-rs/leptos#4851), and a page rendered
    // before `Me` arrived would keep attributes (such as `disabled`) computed without it.
    view! {
        <Transition fallback=|| view! { <p class="muted console-loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let user = loaded.await;
                me.0.set(user.as_ref().ok().cloned());
                view! { <ConsoleFrame user/> }
            })}
        </Transition>
    }
}

/// The top bar, the navigation and the page, for the user the shell loaded.
#[component]
fn ConsoleFrame(user: Result<CurrentUser, AppError>) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let topbar = match &user {
        Ok(user) => view! {
            <span class="tenant" title="Tenant">{user.tenant_name.clone()}</span>
            <span class="spacer"></span>
            <a class="who" href="/profile" title="Your profile" data-testid="signed-in-user">
                <span class="who-name">{user.display_name.clone()}</span>
                <span class="who-email">{user.email.clone()}</span>
                <span class="badge">{user.role_display_name.clone()}</span>
            </a>
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
        // Team managers too: the Team Manager role may let them act on their teams' accounts.
        let accounts = user.can(Permission::ReadVirtualAccount) || !user.managed_teams.is_empty();
        view! {
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
            <header class="topbar">
                <a class="brand" href="/access/users">"Latchkey"</a>
                {topbar}
            </header>
            <div class="frame">
                <nav class="sidenav" aria-label="Main">
                    {navigation}
                </nav>
                <main class="content" id="main">
                    <Outlet/>
                </main>
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

    pub fn id(self) -> Option<domain::ids::UserId> {
        self.0.with(|user| user.as_ref().map(|user| user.id))
    }

    pub fn user(self) -> Option<CurrentUser> {
        self.0.get()
    }
}
