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
    let me = Resource::new(|| (), |_| get_current_user());
    provide_context(Me(me));
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
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <div class="console">
            <header class="topbar">
                <a class="brand" href="/access/users">"Latchkey"</a>
                <Transition fallback=|| ()>
                    {move || {
                        me.get()
                            .map(|result| match result {
                                Ok(user) => {
                                    view! {
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
                                        .into_any()
                                }
                                Err(_) => {
                                    view! {
                                        <span class="spacer"></span>
                                        <a class="button button-secondary" href="/login">"Sign in"</a>
                                    }
                                        .into_any()
                                }
                            })
                    }}
                </Transition>
            </header>
            <div class="frame">
                <nav class="sidenav" aria-label="Main">
                    <Transition fallback=|| ()>
                        {move || {
                            me.get()
                                .and_then(Result::ok)
                                .map(|user| {
                                    let users = user.can(Permission::ListUsers);
                                    let roles = user.can(Permission::ListRoles);
                                    let teams = user.can(Permission::ReadTeam);
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
                                            <Show when=move || !users && !roles && !teams>
                                                <li class="muted">"No Access pages for your role."</li>
                                            </Show>
                                        </ul>
                                        <h2 class="nav-heading">"Platform"</h2>
                                        <ul>
                                            <li>
                                                <A href="/resources">"Resources"</A>
                                            </li>
                                        </ul>
                                    }
                                })
                        }}
                    </Transition>
                </nav>
                <main class="content" id="main">
                    // Pages decide what to offer from `Me`. Rendering them once it has loaded
                    // makes the server's HTML agree with the hydrated page: an attribute such
                    // as `disabled` computed before `Me` arrived would otherwise stay stale.
                    <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                        {move || me.get().map(|_| view! { <Outlet/> })}
                    </Transition>
                </main>
            </div>
        </div>
    }
}

/// The signed-in user, loaded once by the shell and shared with its pages.
#[derive(Clone, Copy)]
pub struct Me(pub Resource<Result<CurrentUser, AppError>>);

impl Me {
    /// Whether the signed-in user holds `permission` (false while loading). The server checks
    /// again on every call; this only decides what to offer.
    pub fn can(self, permission: Permission) -> bool {
        self.0
            .get()
            .and_then(Result::ok)
            .is_some_and(|user| user.can(permission))
    }

    pub fn id(self) -> Option<domain::ids::UserId> {
        self.0.get().and_then(Result::ok).map(|user| user.id)
    }
}
