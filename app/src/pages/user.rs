use crate::components::confirm::ConfirmButton;
use crate::components::notice::{ErrorMessage, ErrorNotice, NotFoundPanel};
use crate::components::shell::Me;
use crate::server_fns::roles::list_roles;
use crate::server_fns::users::{
    ChangeUserRole, DeleteUser, ResetUserPassword, SetUserStatus, get_user,
};
use domain::dto::{RoleManagedBy, UserDetail, UserStatus};
use domain::ids::{RoleId, UserId};
use domain::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use leptos_router::hooks::use_params_map;

/// /access/users/:id: a user's details, role, status and effective permissions.
#[component]
pub fn UserPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .map(UserId)
    };
    let change_role = ServerAction::<ChangeUserRole>::new();
    let set_status = ServerAction::<SetUserStatus>::new();
    let reset = ServerAction::<ResetUserPassword>::new();
    let delete = ServerAction::<DeleteUser>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            navigate("/access/users", Default::default());
        }
    });
    provide_context(UserActions { reset, delete });
    let user = Resource::new(
        move || {
            (
                id(),
                change_role.version().get(),
                set_status.version().get(),
            )
        },
        |(id, _, _)| async move {
            match id {
                Some(id) => get_user(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let error = Signal::derive(move || {
        change_role
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| set_status.value().get().and_then(Result::err))
            .or_else(|| reset.value().get().and_then(Result::err))
            .or_else(|| delete.value().get().and_then(Result::err))
    });
    view! {
        // Refusals (last Admin, escalation) show above the page, where they are seen.
        <ErrorNotice error=error/>
        <Transition fallback=|| view! { <p class="muted">"Loading user…"</p> }>
            {move || {
                user.get()
                    .map(|result| match result {
                        Ok(Some(detail)) => view! { <UserDetailView detail change_role set_status/> }.into_any(),
                        Ok(None) | Err(crate::error::AppError::NotFound(_)) => {
                            view! {
                                <NotFoundPanel
                                    title="User not found"
                                    message="There is no such user in this tenant."
                                    back_href="/access/users"
                                    back_label="Back to users"
                                />
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn UserDetailView(
    detail: UserDetail,
    change_role: ServerAction<ChangeUserRole>,
    set_status: ServerAction<SetUserStatus>,
) -> impl IntoView {
    let me = expect_context::<Me>();
    let id = detail.user.id;
    let can_manage = move || me.can(Permission::ManageUsers);
    let active = detail.user.status == UserStatus::Active;
    let managed_by = match detail.role_managed_by {
        RoleManagedBy::Manual => "Set by hand",
        RoleManagedBy::Group => "SSO group mapping",
        RoleManagedBy::Initial => "Initial",
    };
    let last_login = detail.user.last_login_at.map_or_else(
        || "Never".to_string(),
        |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
    );
    let email = detail.user.email.clone();
    view! {
        <Title text=detail.user.email.clone()/>
        <div class="page-header">
            <h1>{detail.user.display_name.clone()}</h1>
            <A href="/access/users" attr:class="button button-secondary">"Back to users"</A>
        </div>
        <section class="panel">
            <dl class="details">
                <dt>"Email"</dt>
                <dd>{detail.user.email.clone()}</dd>
                <dt>"Status"</dt>
                <dd>
                    <span class=if active { "badge badge-ok" } else { "badge badge-off" }>{detail.user.status.label()}</span>
                </dd>
                <dt>"Role"</dt>
                <dd>
                    {detail.user.role_display_name.clone()} " " <span class="muted mono">{detail.user.role_name.clone()}</span>
                </dd>
                <dt>"Role managed by"</dt>
                <dd>{managed_by}</dd>
                <dt>"Last sign-in"</dt>
                <dd>{last_login}</dd>
                <dt>"Created"</dt>
                <dd>{detail.created_at.format("%Y-%m-%d %H:%M UTC").to_string()}</dd>
            </dl>
        </section>
        <Show when=can_manage>
            <section class="panel">
                <h2>"Tenant role"</h2>
                <RolePicker user=id current=detail.role_id change_role/>
            </section>
            <section class="panel">
                <h2>"Access"</h2>
                <StatusControl user=id active email=email.clone() set_status/>
                <PasswordReset user=id email=email.clone()/>
                <UserDeletion user=id email=email.clone()/>
            </section>
        </Show>
        <section class="panel">
            <h2>"Effective permissions"</h2>
            {if detail.effective_permissions.is_empty() {
                view! { <p class="muted">"This user holds no tenant permissions."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">"Permission"</th>
                                <th scope="col">"Group"</th>
                                <th scope="col">"Granted by"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {detail
                                .effective_permissions
                                .iter()
                                .map(|p| {
                                    let known = Permission::from_key(&p.key);
                                    view! {
                                        <tr>
                                            <td>
                                                {known.map_or(p.key.clone(), |k| k.label().to_string())} " "
                                                <span class="muted mono">{p.key.clone()}</span>
                                            </td>
                                            <td>{known.map_or("", |k| k.group().label())}</td>
                                            <td>{p.sources.join(", ")}</td>
                                        </tr>
                                    }
                                        .into_any()
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                    .into_any()
            }}
        </section>
    }
    .into_any()
}

/// The role select of a user's page. Needs role:ListRoles to list the choices.
#[component]
fn RolePicker(
    user: UserId,
    current: RoleId,
    change_role: ServerAction<ChangeUserRole>,
) -> impl IntoView {
    let roles = Resource::new(|| (), |_| list_roles());
    let selected = RwSignal::new(current.0.to_string());
    view! {
        <Transition fallback=|| ()>
            {move || {
                roles
                    .get()
                    .map(|result| match result {
                        Ok(roles) => {
                            view! {
                                <form
                                    class="inline-form"
                                    on:submit=move |ev| {
                                        ev.prevent_default();
                                        if let Ok(role) = selected.get_untracked().parse::<i64>() {
                                            change_role.dispatch(ChangeUserRole { id: user, role_id: RoleId(role) });
                                        }
                                    }
                                >
                                    <label for="user-role">"Role"</label>
                                    <select
                                        id="user-role"
                                        prop:value=move || selected.get()
                                        on:change=move |ev| selected.set(event_target_value(&ev))
                                    >
                                        {roles
                                            .into_iter()
                                            .map(|role| {
                                                let value = role.id.0.to_string();
                                                let is_current = role.id == current;
                                                view! {
                                                    <option value=value selected=is_current>
                                                        {role.display_name}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                    <button
                                        type="submit"
                                        class="button button-primary"
                                        disabled=move || change_role.pending().get()
                                    >
                                        "Save role"
                                    </button>
                                </form>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="muted">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// Deactivate (with confirmation) or activate a user. Nobody deactivates themselves here.
#[component]
fn StatusControl(
    user: UserId,
    active: bool,
    email: String,
    set_status: ServerAction<SetUserStatus>,
) -> impl IntoView {
    let me = expect_context::<Me>();
    let is_me = move || me.id() == Some(user);
    let question = format!(
        "Deactivate {email}? They are signed out everywhere and cannot sign in until activated."
    );
    if !active {
        return view! {
            <button
                type="button"
                class="button button-secondary"
                on:click=move |_| {
                    set_status.dispatch(SetUserStatus { id: user, active: true });
                }
            >
                "Activate user"
            </button>
        }
        .into_any();
    }
    view! {
        <Show when=move || !is_me() fallback=|| view! { <p class="muted">"You cannot deactivate yourself."</p> }>
            <ConfirmButton
                label="Deactivate user"
                question=question.clone()
                confirm_label="Deactivate"
                on_confirm=Callback::new(move |_| {
                    set_status.dispatch(SetUserStatus { id: user, active: false });
                })
            />
        </Show>
    }
    .into_any()
}

/// The user page's password-reset and delete actions, shared with its sections.
#[derive(Clone, Copy)]
struct UserActions {
    reset: ServerAction<ResetUserPassword>,
    delete: ServerAction<DeleteUser>,
}

/// Issues a set-password link (shown once, since mail delivery is not configured) and signs
/// the user out everywhere.
#[component]
fn PasswordReset(user: UserId, email: String) -> impl IntoView {
    let actions = expect_context::<UserActions>();
    let question = format!(
        "Reset the password of {email}? They are signed out everywhere and get a link to set a new one."
    );
    view! {
        <div class="action-row">
            <ConfirmButton
                label="Reset password"
                question=question
                confirm_label="Reset password"
                on_confirm=Callback::new(move |_| {
                    actions.reset.dispatch(ResetUserPassword { id: user });
                })
            />
            {move || {
                actions
                    .reset
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|link| {
                        view! {
                            <div class="link-box">
                                <p class="notice">
                                    "Email delivery is not configured: copy this link to the user. It is shown only now, works once and expires in 7 days."
                                </p>
                                <label class="visually-hidden" for="reset-link">"Set-password link"</label>
                                <input id="reset-link" class="mono" type="text" readonly value=link.url/>
                            </div>
                        }
                    })
            }}
        </div>
    }
}

/// Deletes the user after confirmation; resources they created stay.
#[component]
fn UserDeletion(user: UserId, email: String) -> impl IntoView {
    let actions = expect_context::<UserActions>();
    let me = expect_context::<Me>();
    let is_me = move || me.id() == Some(user);
    let question =
        format!("Delete {email}? Their account is removed; resources they created stay.");
    view! {
        <div class="action-row">
            <Show when=move || !is_me()>
                <ConfirmButton
                    label="Delete user"
                    question=question.clone()
                    confirm_label="Delete user"
                    on_confirm=Callback::new(move |_| {
                        actions.delete.dispatch(DeleteUser { id: user });
                    })
                />
            </Show>
        </div>
    }
}
