use crate::components::access::AccessAnswerView;
use crate::components::access::GrantList;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::confirm::ConfirmButton;
use crate::components::copy_field::CopyField;
use crate::components::moment::Moment;
use crate::components::notice::{
    Confirmation, ErrorMessage, ErrorNotice, NotFoundCopy, action_error, found_or_not_found,
};
use crate::components::role_options::{RoleOptions, UnavailableRoles};
use crate::components::route::id_param;
use crate::components::shell::Me;
use crate::components::toast::toast_on_success;
use crate::error::AppError;
use crate::pages::users::status_badge;
use crate::server_fns::resources::{CheckAccess, list_resources};
use crate::server_fns::roles::list_assignable_roles;
use crate::server_fns::tokens::RevokeUserTokens;
use crate::server_fns::users::{
    ChangeUserRole, DeleteUser, ResetUserPassword, SetUserStatus, get_user,
};
use domain::dto::AccessQuestion;
use domain::dto::{
    AssignableRole, LinkDelivery, ResourceSummary, RoleManagedBy, UserDetail, UserStatus,
};
use domain::ids::{ResourceId, RoleId, UserId};
use domain::permissions::Permission;
use domain::resources::ResourceType;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

/// The roles the viewer may hand out (`None` when they cannot change roles at all).
type AssignableRoles = Resource<Result<Option<Vec<AssignableRole>>, AppError>>;
/// The resources the viewer can see, for "Check access".
type VisibleResources = Resource<Result<Vec<ResourceSummary>, AppError>>;

/// /access/users/:id: a user's details, role, status and effective permissions.
#[component]
pub fn UserPage() -> impl IntoView {
    let id = id_param(UserId);
    let change_role = ServerAction::<ChangeUserRole>::new();
    let set_status = ServerAction::<SetUserStatus>::new();
    let reset = ServerAction::<ResetUserPassword>::new();
    let delete = ServerAction::<DeleteUser>::new();
    let revoke_tokens = ServerAction::<RevokeUserTokens>::new();
    // Toasts first: effects run in the order they were made, and the deletion's navigation
    // leaves this page.
    toast_on_success(change_role, |user: &UserDetail| {
        format!(
            "{} now has the role {}.",
            user.user.email, user.user.role_display_name
        )
    });
    toast_on_success(set_status, |user: &UserDetail| {
        format!(
            "{} is {}.",
            user.user.email,
            user.user.status.label().to_lowercase()
        )
    });
    toast_on_success(delete, |_: &()| "User deleted.".to_string());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            navigate("/access/users", Default::default());
        }
    });
    provide_context(UserActions {
        reset,
        delete,
        revoke_tokens,
    });
    let user = Resource::new(
        move || {
            (
                id(),
                change_role.version().get(),
                set_status.version().get(),
                revoke_tokens.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_user(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    // Every resource of the page is created here, outside the boundary: the server renders a
    // boundary's children more than once, and a resource created in there would be created
    // again, numbered differently from the browser's (a hydration panic on direct loads).
    let me = expect_context::<Me>();
    let assignable_roles = Resource::new(
        || (),
        move |_| me.load_if(Permission::ManageUsers, list_assignable_roles),
    );
    let visible_resources = Resource::new(|| (), |_| list_resources(None));
    let error = Signal::derive(move || {
        change_role
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| set_status.value().get().and_then(Result::err))
            .or_else(|| reset.value().get().and_then(Result::err))
            .or_else(|| delete.value().get().and_then(Result::err))
            .or_else(|| revoke_tokens.value().get().and_then(Result::err))
    });
    view! {
        // Refusals (last Admin, escalation) show above the page, where they are seen.
        <ErrorNotice error=error/>
        <Transition fallback=|| view! { <p class="muted">"Loading user…"</p> }>
            {move || {
                user.get()
                    .map(|result| {
                        found_or_not_found(
                            result,
                            NotFoundCopy {
                                title: "User not found",
                                message: "There is no such user in this tenant.",
                                back_href: "/access/users",
                                back_label: "Back to users",
                            },
                            |detail| {
                                view! {
                                    <UserDetailView detail change_role set_status assignable_roles visible_resources/>
                                }
                                    .into_any()
                            },
                        )
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
    assignable_roles: AssignableRoles,
    visible_resources: VisibleResources,
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
    let email = detail.user.email.clone();
    view! {
        <Title text=detail.user.email.clone()/>
        <Breadcrumbs parent_href="/access/users" parent_label="Users" current=detail.user.display_name.clone()/>
        <div class="page-header">
            <h1>{detail.user.display_name.clone()}</h1>
        </div>
        <section class="panel">
            <dl class="details">
                <dt>"Email"</dt>
                <dd>{detail.user.email.clone()}</dd>
                <dt>"Status"</dt>
                <dd>
                    {status_badge(detail.user.status, detail.user.last_login_at)}
                </dd>
                <dt>"Role"</dt>
                <dd>
                    {detail.user.role_display_name.clone()} " " <span class="muted mono">{detail.user.role_name.clone()}</span>
                </dd>
                <dt>"Role managed by"</dt>
                <dd>{managed_by}</dd>
                <dt>"Last sign-in"</dt>
                <dd>
                    <Moment at=detail.user.last_login_at never="Never"/>
                </dd>
                <dt>"Created"</dt>
                <dd>
                    <Moment at=Some(detail.created_at) never=""/>
                </dd>
            </dl>
        </section>
        <Show when=can_manage>
            <section class="panel">
                <h2>"Tenant role"</h2>
                <RolePicker user=id current=detail.role_id change_role roles=assignable_roles/>
            </section>
        </Show>
        <section class="panel">
            <h2>"Teams"</h2>
            {if detail.team_memberships.is_empty() {
                view! { <p class="muted">"Not a member of any team."</p> }.into_any()
            } else {
                view! {
                    <ul class="team-list">
                        {detail
                            .team_memberships
                            .clone()
                            .into_iter()
                            .map(|t| {
                                view! {
                                    <li>
                                        {if me.can_open_team(t.id) {
                                            view! { <A href=format!("/access/teams/{}", t.id)>{t.name}</A> }.into_any()
                                        } else {
                                            view! { <span>{t.name}</span> }.into_any()
                                        }}
                                        " "
                                        <span class="muted">{t.role.label()}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
        <section class="panel">
            <h2>"Resources"</h2>
            {if detail.collaborations.is_empty() {
                view! { <p class="muted">"Not a collaborator on any resource."</p> }.into_any()
            } else {
                view! {
                    <GrantList grants=detail.collaborations.clone()/>
                }
                    .into_any()
            }}
        </section>
        <UserAccessCheck email=detail.user.email.clone() resources=visible_resources/>
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
        // The page's one danger zone, last: what signs the user out, cuts their tokens or
        // removes them. Deactivating and resetting can be undone; the rest cannot.
        <Show when=can_manage>
            <section class="panel danger-zone" aria-labelledby="danger-zone-title">
                <h2 id="danger-zone-title">"Danger zone"</h2>
                <StatusControl user=id active email=email.clone() set_status/>
                <PasswordReset user=id email=email.clone()/>
                <TokenRevocation user=id email=email.clone() active=detail.active_tokens/>
                <UserDeletion user=id email=email.clone()/>
            </section>
        </Show>
    }
    .into_any()
}

/// The role select of a user's page. Roles this actor may not hand out are shown disabled,
/// with the reason underneath.
#[component]
fn RolePicker(
    user: UserId,
    current: RoleId,
    change_role: ServerAction<ChangeUserRole>,
    roles: AssignableRoles,
) -> impl IntoView {
    let selected = RwSignal::new(current.0.to_string());
    view! {
        <Transition fallback=|| ()>
            {move || {
                roles
                    .get()
                    .map(|result| match result {
                        Ok(None) => ().into_any(),
                        Ok(Some(roles)) => {
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
                                        aria-describedby="user-role-help"
                                        prop:value=move || selected.get()
                                        on:change=move |ev| selected.set(event_target_value(&ev))
                                    >
                                        <RoleOptions roles=roles.clone() current=Some(current)/>
                                    </select>
                                    <button
                                        type="submit"
                                        class="button button-primary"
                                        disabled=move || change_role.pending().get()
                                    >
                                        "Save role"
                                    </button>
                                </form>
                                <UnavailableRoles roles id="user-role-help"/>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
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
                reversible=true
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
    revoke_tokens: ServerAction<RevokeUserTokens>,
}

/// Revokes all of the user's personal access tokens after confirmation.
#[component]
fn TokenRevocation(user: UserId, email: String, active: u64) -> impl IntoView {
    let actions = expect_context::<UserActions>();
    let summary = match active {
        0 => "No active personal access tokens.".to_string(),
        1 => "1 active personal access token.".to_string(),
        n => format!("{n} active personal access tokens."),
    };
    let question = format!(
        "Revoke every personal access token of {email}? Scripts using them get 401 from their next call."
    );
    view! {
        <div class="action-row">
            <span data-testid="active-tokens">{summary}</span>
            <Show when=move || { active > 0 }>
                <ConfirmButton
                    label="Revoke all tokens"
                    question=question.clone()
                    confirm_label="Revoke all tokens"
                    on_confirm=Callback::new(move |_| {
                        actions.revoke_tokens.dispatch(RevokeUserTokens { id: user });
                    })
                />
            </Show>
            {move || {
                actions
                    .revoke_tokens
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|n| view! { <Confirmation>{format!("Revoked {n} token(s).")}</Confirmation> })
            }}
        </div>
    }
}

/// Issues a set-password link (mailed, or shown once when mail delivery is not configured) and
/// signs the user out everywhere.
#[component]
fn PasswordReset(user: UserId, email: String) -> impl IntoView {
    let actions = expect_context::<UserActions>();
    let question = format!(
        "Reset the password of {email}? They are signed out everywhere, their personal access tokens are revoked, and they get a link to set a new one."
    );
    view! {
        <div class="action-row">
            <ConfirmButton
                label="Reset password"
                question=question
                confirm_label="Reset password"
                reversible=true
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
                    .map(|delivery| match delivery {
                        LinkDelivery::Emailed { to } => {
                            view! {
                                <p class="notice" role="status">
                                    {format!("A link to set a new password was emailed to {to}. It works once and expires in 7 days.")}
                                </p>
                            }
                                .into_any()
                        }
                        LinkDelivery::Shown(link) => {
                            view! {
                                <div class="link-box">
                                    <p class="notice">
                                        "Email delivery is not configured: copy this link to the user. It is shown only now, works once and expires in 7 days."
                                    </p>
                                    <CopyField id="reset-link" label="Set-password link" value=link.url test_id="reset-link"/>
                                </div>
                            }
                                .into_any()
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

/// "Why does this user have access?": pick a resource (of those the viewer can see) and a
/// permission of its type.
#[component]
fn UserAccessCheck(email: String, resources: VisibleResources) -> impl IntoView {
    let check = ServerAction::<CheckAccess>::new();
    let chosen = RwSignal::new(String::new());
    let permission = RwSignal::new(String::new());
    let subject = format!("user:{email}");
    view! {
        <section class="panel">
            <h2>"Check access"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading resources…"</p> }>
                {move || {
                    let subject = subject.clone();
                    resources
                        .get()
                        .map(|result| match result {
                            Ok(list) if list.is_empty() => {
                                view! { <p class="muted">"There is no resource you can see to check against."</p> }.into_any()
                            }
                            Ok(list) => {
                                let kinds: Vec<(i64, ResourceType)> = list.iter().map(|r| (r.id.0, r.resource_type)).collect();
                                let permissions = move || {
                                    let id = chosen.get().parse::<i64>().ok();
                                    kinds
                                        .iter()
                                        .find(|(k, _)| Some(*k) == id)
                                        .map(|(_, kind)| kind.grantable_permissions())
                                        .unwrap_or_default()
                                };
                                let submit = move |ev: leptos::ev::SubmitEvent| {
                                    ev.prevent_default();
                                    let Ok(id) = chosen.get_untracked().parse::<i64>() else {
                                        return;
                                    };
                                    check.dispatch(CheckAccess {
                                        question: AccessQuestion {
                                            subject: subject.clone(),
                                            resource_id: ResourceId(id),
                                            permission: permission.get_untracked(),
                                        },
                                    });
                                };
                                view! {
                                    <form class="inline-form check-access" on:submit=submit>
                                        <label for="user-check-resource">"Resource"</label>
                                        <select
                                            id="user-check-resource"
                                            prop:value=move || chosen.get()
                                            on:change=move |ev| {
                                                chosen.set(event_target_value(&ev));
                                                permission.set(String::new());
                                            }
                                        >
                                            <option value="">"Pick a resource"</option>
                                            {list
                                                .into_iter()
                                                .map(|r| view! { <option value=r.id.0.to_string()>{format!("{} ({})", r.name, r.resource_type.label())}</option> })
                                                .collect_view()}
                                        </select>
                                        <label for="user-check-permission">"Permission"</label>
                                        <select
                                            id="user-check-permission"
                                            prop:value=move || permission.get()
                                            on:change=move |ev| permission.set(event_target_value(&ev))
                                        >
                                            <option value="">"Pick a permission"</option>
                                            {move || {
                                                permissions()
                                                    .into_iter()
                                                    .map(|p| view! { <option value=p.key()>{format!("{} ({})", p.label(), p.key())}</option> })
                                                    .collect_view()
                                            }}
                                        </select>
                                        <button type="submit" class="button button-secondary" disabled=move || check.pending().get()>
                                            "Check"
                                        </button>
                                    </form>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                        })
                }}
            </Transition>
            <ErrorNotice error=action_error(check)/>
            {move || check.value().get().and_then(Result::ok).map(|answer| view! { <AccessAnswerView answer/> })}
        </section>
    }
}
