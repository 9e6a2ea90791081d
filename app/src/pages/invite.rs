use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::copy_field::CopyField;
use crate::components::field_error::{FieldCheck, FieldErrorText};
use crate::components::notice::{ErrorMessage, ErrorNotice, action_error};
use crate::components::role_options::{RoleOptions, UnavailableRoles};
use crate::components::subject_picker::SubjectPicker;
use crate::server_fns::auth::get_sign_in_options;
use crate::server_fns::roles::list_assignable_roles;
use crate::server_fns::users::InviteUsers;
use domain::dto::{
    InviteOutcome, InviteRequest, LinkDelivery, SubjectKind, SubjectLink, SubjectSuggestion,
};
use domain::ids::{RoleId, TeamId};
use leptos::prelude::*;
use leptos_meta::Title;

/// /access/users/invite: the invitation form as a page of its own (a bookmark, a link, a
/// browser without the bundle); the Users list opens the same form in a dialog.
#[component]
pub fn InvitePage() -> impl IntoView {
    view! {
        <Title text="Invite users"/>
        <Breadcrumbs parent_href="/access/users" parent_label="Users" current="Invite users"/>
        <div class="page-header">
            <h1>"Invite users"</h1>
        </div>
        <InviteForm invite=ServerAction::new()/>
    }
}

/// Invite one or several people with a role (shown with its description) and, optionally,
/// teams to join; then what happened to each address, with the set-password links to copy
/// when this server sends no mail.
#[component]
pub fn InviteForm(invite: ServerAction<InviteUsers>) -> impl IntoView {
    let roles = Resource::new(|| (), |_| list_assignable_roles());
    // Whether mail carries the links, and whether anyone could sign in through a provider.
    let sign_in = Resource::new(|| (), |_| get_sign_in_options());
    let emails = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let send_password_email = RwSignal::new(true);
    let teams = RwSignal::new(Vec::<(TeamId, String)>::new());
    let team_text = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(role_id) = role.get_untracked().parse::<i64>() else {
            return;
        };
        invite.dispatch(InviteUsers {
            request: InviteRequest {
                emails: emails.get_untracked(),
                role_id: RoleId(role_id),
                send_password_email: send_password_email.get_untracked(),
                teams: teams
                    .get_untracked()
                    .into_iter()
                    .map(|(id, _)| id)
                    .collect(),
            },
        });
    };
    let invite_emails_check = FieldCheck::new(action_error(invite), "emails", "invite-emails");
    view! {
        <form class="form panel invite-form" on:submit=submit>
            <div class="field">
                <label for="invite-emails">"Email addresses"</label>
                <textarea
                    id="invite-emails"
                    rows="3"
                    required
                    placeholder="alice@example.com, bob@example.com"
                    aria-invalid=move || invite_emails_check.invalid()
                    aria-describedby=move || invite_emails_check.described_by(Some("invite-emails-help"))
                    prop:value=move || emails.get()
                    on:input=move |ev| emails.set(event_target_value(&ev))
                ></textarea>
                <p class="help" id="invite-emails-help">"Separate addresses with commas, spaces or new lines."</p>
                <FieldErrorText check=invite_emails_check/>
            </div>
            <div class="field">
                <label for="invite-role">"Role"</label>
                <Transition fallback=|| view! { <p class="muted">"Loading roles…"</p> }>
                    {move || {
                        roles
                            .get()
                            .map(|result| match result {
                                Ok(roles) => {
                                    if role.get_untracked().is_empty()
                                        && let Some(member) = roles
                                            .iter()
                                            .find(|r| r.name == "tenant-member" && r.unavailable.is_none())
                                            .or_else(|| roles.iter().find(|r| r.unavailable.is_none()))
                                    {
                                        role.set(member.id.0.to_string());
                                    }
                                    let described = roles.clone();
                                    view! {
                                        <select
                                            id="invite-role"
                                            aria-describedby="invite-role-description invite-role-help"
                                            prop:value=move || role.get()
                                            on:change=move |ev| role.set(event_target_value(&ev))
                                        >
                                            <RoleOptions roles=roles.clone() current=None/>
                                        </select>
                                        <p class="help" id="invite-role-description" data-testid="role-description">
                                            {move || {
                                                let chosen = role.get();
                                                described
                                                    .iter()
                                                    .find(|r| r.id.0.to_string() == chosen)
                                                    .map(|r| r.description.clone())
                                                    .unwrap_or_default()
                                            }}
                                        </p>
                                        <UnavailableRoles roles id="invite-role-help"/>
                                    }
                                        .into_any()
                                }
                                Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                            })
                    }}
                </Transition>
            </div>
            <div class="field">
                <label for="invite-teams">"Teams (optional)"</label>
                <SubjectPicker
                    id="invite-teams"
                    value=team_text
                    kinds=vec![SubjectKind::Team]
                    placeholder="Find a team"
                    described_by="invite-teams-help"
                    on_pick=Callback::new(move |picked: SubjectSuggestion| {
                        if let SubjectLink::Team(id) = picked.link {
                            teams.update(|chosen| {
                                if !chosen.iter().any(|(t, _)| *t == id) {
                                    chosen.push((id, picked.label));
                                }
                            });
                        }
                    })
                />
                <p class="help" id="invite-teams-help">"New users join these teams as members."</p>
                <ul class="chips" aria-label="Teams chosen">
                    <For each=move || teams.get() key=|(id, _)| *id let:team>
                        <li class="chip">
                            {team.1.clone()}
                            <button
                                type="button"
                                class="chip-remove"
                                aria-label=format!("Remove {}", team.1)
                                on:click=move |_| teams.update(|chosen| chosen.retain(|(t, _)| *t != team.0))
                            >
                                "\u{00d7}"
                            </button>
                        </li>
                    </For>
                </ul>
            </div>
            <Transition fallback=|| ()>
                {move || {
                    sign_in
                        .get()
                        .and_then(Result::ok)
                        .map(|options| {
                            view! {
                                <LinkChoice
                                    mail=options.password_reset
                                    single_sign_on=!options.providers.is_empty()
                                    send_password_email
                                />
                            }
                        })
                }}
            </Transition>
            <ErrorNotice error=action_error(invite)/>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || invite.pending().get()>
                    "Invite"
                </button>
            </div>
        </form>
        {move || invite.value().get().and_then(Result::ok).map(|outcome| view! { <InviteResult outcome/> })}
    }
}

/// How invitees get in. With an enabled identity provider, a box decides between a
/// set-password link and single sign-on; without one, everyone gets a link, and no box offers a
/// way in that does not exist. Either way the page says whether the links go by mail or appear
/// here.
#[component]
fn LinkChoice(
    mail: bool,
    single_sign_on: bool,
    send_password_email: RwSignal<bool>,
) -> impl IntoView {
    // Without a provider the box never shows, and `send_password_email` keeps its default
    // (true): everyone gets a link.
    let delivery = if mail {
        "Each person gets an email with a link to set their password."
    } else {
        "This server sends no mail: each person's set-password link appears here after inviting, once, with a Copy button, for you to pass on."
    };
    view! {
        {single_sign_on
            .then(|| {
                view! {
                    <div class="checkbox">
                        <input
                            id="invite-send-password"
                            type="checkbox"
                            prop:checked=move || send_password_email.get()
                            on:change=move |ev| send_password_email.set(event_target_checked(&ev))
                        />
                        <label for="invite-send-password">
                            {if mail { "Send email to set password" } else { "Create a link to set a password" }}
                        </label>
                        <p class="help">"Leave unchecked for people who sign in through single sign-on: they need no password."</p>
                    </div>
                }
            })}
        <p class="help" data-testid="link-delivery">{delivery}</p>
    }
}

#[component]
fn InviteResult(outcome: InviteOutcome) -> impl IntoView {
    let shown_links = outcome
        .invited
        .iter()
        .any(|u| matches!(u.set_password_link, Some(LinkDelivery::Shown(_))));
    view! {
        <section class="panel" aria-live="polite">
            <h2>"Invitations"</h2>
            <Show when=move || shown_links>
                <p class="notice">
                    "Email delivery is not configured, so no mail was sent. Copy each link to its person: it is shown only now, works once and expires in 7 days."
                </p>
            </Show>
            <ul class="invite-results">
                {outcome
                    .invited
                    .into_iter()
                    .map(|user| {
                        let delivery = match user.set_password_link {
                            None => view! { " They sign in through single sign-on." }.into_any(),
                            Some(LinkDelivery::Emailed { .. }) => {
                                view! { " A link to set their password is on its way by email." }.into_any()
                            }
                            Some(LinkDelivery::Shown(link)) => {
                                view! {
                                    <div class="link-box">
                                        <CopyField
                                            id=format!("link-{}", user.id)
                                            label=format!("Set-password link for {}", user.email)
                                            value=link.url.clone()
                                            test_id="set-password-link"
                                        />
                                    </div>
                                }
                                    .into_any()
                            }
                        };
                        view! {
                            <li>
                                <strong>{user.email.clone()}</strong>
                                " invited."
                                {delivery}
                            </li>
                        }
                    })
                    .collect_view()}
                {outcome
                    .already_exist
                    .into_iter()
                    .map(|email| view! { <li><strong>{email}</strong>" already has an account; nothing changed."</li> })
                    .collect_view()}
            </ul>
        </section>
    }
}
