use crate::components::access::GrantList;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::confirm::ConfirmButton;
use crate::components::field_error::{FieldCheck, FieldErrorText};
use crate::components::notice::{
    Confirmation, ErrorMessage, ErrorNotice, NotFoundCopy, action_error, count_successes,
    found_or_not_found,
};
use crate::components::route::id_param;
use crate::components::shell::Me;
use crate::components::subject_picker::SubjectPicker;
use crate::components::toast::toast_on_success;
use crate::error::AppError;
use crate::pages::teams::{
    TeamDescriptionField, TeamRoleChoices, TeamRoleSelect, chosen_role, team_role_choices,
};
use crate::server_fns::teams::{
    AddTeamMembers, DeleteTeam, RemoveTeamMember, SetTeamMemberRole, UpdateTeam, get_team,
    preview_team_deletion,
};
use domain::dto::{
    NewTeamMembers, SubjectKind, SubjectSuggestion, TeamChanges, TeamDeletionImpact, TeamDetail,
    TeamMemberRole, TeamMemberRow,
};
use domain::ids::TeamId;
use domain::permissions::Permission;
use domain::validation::email_list_entries;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

/// What is typed into the add-members form. It lives with the page, not the form, because the
/// form is rebuilt whenever the team reloads (after any change, including a refused one).
#[derive(Clone, Copy)]
struct AddMembersDraft {
    emails: RwSignal<String>,
    as_manager: RwSignal<bool>,
}

/// The team page's actions, shared with its sections.
#[derive(Clone, Copy)]
struct TeamActions {
    update: ServerAction<UpdateTeam>,
    add: ServerAction<AddTeamMembers>,
    remove: ServerAction<RemoveTeamMember>,
    set_role: ServerAction<SetTeamMemberRole>,
    delete: ServerAction<DeleteTeam>,
}

/// /access/teams/:id: a team's members and managers, its tenant role, and deletion.
#[component]
pub fn TeamPage() -> impl IntoView {
    let id = id_param(TeamId);
    let actions = TeamActions {
        update: ServerAction::new(),
        add: ServerAction::new(),
        remove: ServerAction::new(),
        set_role: ServerAction::new(),
        delete: ServerAction::new(),
    };
    provide_context(actions);
    let draft = AddMembersDraft {
        emails: RwSignal::new(String::new()),
        as_manager: RwSignal::new(false),
    };
    provide_context(draft);
    Effect::new(move |_| {
        if matches!(actions.add.value().get(), Some(Ok(_))) {
            draft.emails.set(String::new());
        }
    });
    toast_on_success(actions.update, |_: &TeamDetail| "Team saved.".to_string());
    toast_on_success(actions.remove, |_: &TeamDetail| {
        "Removed from the team.".to_string()
    });
    toast_on_success(actions.set_role, |_: &TeamDetail| {
        "Team role changed.".to_string()
    });
    toast_on_success(actions.delete, |_: &()| "Team deleted.".to_string());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(actions.delete.value().get(), Some(Ok(()))) {
            navigate("/access/teams", Default::default());
        }
    });
    // Reload after changes that happened, not after refusals: a reload rebuilds the forms, and
    // someone correcting a refused entry must not have the form swapped under their hands.
    let changes = RwSignal::new(0u32);
    count_successes(actions.update, changes);
    count_successes(actions.add, changes);
    count_successes(actions.remove, changes);
    count_successes(actions.set_role, changes);
    let team = Resource::new(
        move || (id(), changes.get()),
        |(id, ..)| async move {
            match id {
                Some(id) => get_team(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    // Every resource of the page is created here, outside the boundary: the server renders a
    // boundary's children more than once, and a resource created in there would be created
    // again, numbered differently from the browser's (a hydration panic on direct loads).
    let me = expect_context::<Me>();
    let deletion_impact = Resource::new(
        move || {
            (
                id(),
                actions.add.version().get(),
                actions.remove.version().get(),
            )
        },
        move |(id, ..)| async move {
            match id {
                Some(id) => {
                    me.load_if(Permission::DeleteTeam, || preview_team_deletion(id))
                        .await
                }
                None => Ok(None),
            }
        },
    );
    let roles = team_role_choices();
    let error = Signal::derive(move || {
        action_error(actions.remove)
            .get()
            .or_else(|| action_error(actions.set_role).get())
            .or_else(|| action_error(actions.delete).get())
    });
    view! {
        <ErrorNotice error=error/>
        <Transition fallback=|| view! { <p class="muted">"Loading team…"</p> }>
            {move || {
                team.get()
                    .map(|result| {
                        found_or_not_found(
                            result,
                            NotFoundCopy {
                                title: "Team not found",
                                message: "There is no such team in this tenant.",
                                back_href: "/access/teams",
                                back_label: "Back to teams",
                            },
                            |detail| view! { <TeamDetailView detail deletion_impact roles/> }.into_any(),
                        )
                    })
            }}
        </Transition>
    }
}

#[component]
fn TeamDetailView(
    detail: TeamDetail,
    deletion_impact: Resource<Result<Option<TeamDeletionImpact>, AppError>>,
    roles: TeamRoleChoices,
) -> impl IntoView {
    let me = expect_context::<Me>();
    let id = detail.team.id;
    let name = detail.team.name.clone();
    let can_manage_members = detail.can_manage_members;
    let role = detail
        .team
        .role
        .as_ref()
        .map_or_else(|| "None".to_string(), |r| r.display_name.clone());
    view! {
        <Title text=detail.team.name.clone()/>
        <Breadcrumbs parent_href="/access/teams" parent_label="Teams" current=detail.team.name.clone()/>
        <div class="page-header">
            <h1>{detail.team.name.clone()}</h1>
        </div>
        <section class="panel">
            <dl class="details">
                <dt>"Description"</dt>
                <dd>{detail.team.description.clone()}</dd>
                <dt>"Tenant role"</dt>
                <dd>{role}</dd>
                <dt>"Members"</dt>
                <dd>{detail.team.member_count}</dd>
                <dt>"Created"</dt>
                <dd>{detail.created_at.format("%Y-%m-%d %H:%M UTC").to_string()}</dd>
            </dl>
        </section>
        <section class="panel">
            <h2>"Members"</h2>
            <MemberTable team=id members=detail.members.clone() can_manage=can_manage_members/>
            <Show when=move || can_manage_members>
                <AddMembersForm team=id/>
            </Show>
        </section>
        <section class="panel">
            <h2>"Resources"</h2>
            {if detail.grants.is_empty() {
                view! {
                    <p class="muted">
                        "No resource roles. Grant one from a resource's Collaborators section to "
                        <code>{format!("team:{}", detail.team.name)}</code>
                        "; every member then holds it."
                    </p>
                }
                    .into_any()
            } else {
                view! {
                    <GrantList grants=detail.grants.clone()/>
                }
                    .into_any()
            }}
        </section>
        <Show when=move || me.can(Permission::ManageTeam)>
            <EditTeamForm detail=detail.clone() roles/>
        </Show>
        <Show when=move || me.can(Permission::DeleteTeam)>
            <TeamDeletion team=id name=name.clone() impact=deletion_impact/>
        </Show>
    }
    .into_any()
}

#[component]
fn MemberTable(team: TeamId, members: Vec<TeamMemberRow>, can_manage: bool) -> impl IntoView {
    let actions = expect_context::<TeamActions>();
    if members.is_empty() {
        return view! { <p class="muted">"This team has no members yet."</p> }.into_any();
    }
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Team role"</th>
                    <th scope="col">"Added"</th>
                    <Show when=move || can_manage>
                        <th scope="col">"Actions"</th>
                    </Show>
                </tr>
            </thead>
            <tbody>
                {members
                    .into_iter()
                    .map(|member| {
                        let user = member.user_id;
                        let (toggle_label, toggle_to) = match member.role {
                            TeamMemberRole::Manager => ("Make member", TeamMemberRole::Member),
                            TeamMemberRole::Member => ("Make manager", TeamMemberRole::Manager),
                        };
                        let question = format!("Remove {} from the team?", member.email);
                        view! {
                            <tr>
                                <td>
                                    <A href=format!("/access/users/{}", user)>{member.email.clone()}</A>
                                </td>
                                <td>{member.display_name.clone()}</td>
                                <td>{member.role.label()}</td>
                                <td>{member.added_at.format("%Y-%m-%d").to_string()}</td>
                                <Show when=move || can_manage>
                                    <td class="row-actions">
                                        <button
                                            type="button"
                                            class="button button-secondary"
                                            on:click=move |_| {
                                                actions.set_role.dispatch(SetTeamMemberRole { id: team, user, role: toggle_to });
                                            }
                                        >
                                            {toggle_label}
                                        </button>
                                        <ConfirmButton
                                            label="Remove"
                                            question=question.clone()
                                            confirm_label="Remove member"
                                            reversible=true
                                            on_confirm=Callback::new(move |_| {
                                                actions.remove.dispatch(RemoveTeamMember { id: team, user });
                                            })
                                        />
                                    </td>
                                </Show>
                            </tr>
                        }
                            .into_any()
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn AddMembersForm(team: TeamId) -> impl IntoView {
    let actions = expect_context::<TeamActions>();
    let AddMembersDraft { emails, as_manager } = expect_context::<AddMembersDraft>();
    let find = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let role = if as_manager.get_untracked() {
            TeamMemberRole::Manager
        } else {
            TeamMemberRole::Member
        };
        actions.add.dispatch(AddTeamMembers {
            id: team,
            members: NewTeamMembers {
                emails: emails.get_untracked(),
                role,
            },
        });
    };
    let team_add_emails_check =
        FieldCheck::new(action_error(actions.add), "emails", "team-add-emails");
    view! {
        <form class="form add-members" on:submit=submit>
            <h3>"Add members"</h3>
            <div class="field">
                <label for="team-add-find">"Find people"</label>
                <SubjectPicker
                    id="team-add-find"
                    value=find
                    kinds=vec![SubjectKind::User]
                    placeholder="Type a name or email"
                    described_by="team-add-find-help"
                    on_pick=Callback::new(move |picked: SubjectSuggestion| {
                        if let Some(email) = picked.subject.strip_prefix("user:") {
                            emails.update(|list| {
                                let known = email_list_entries(list).any(|e| e.eq_ignore_ascii_case(email));
                                if !known {
                                    if !list.trim().is_empty() {
                                        list.push_str(", ");
                                    }
                                    list.push_str(email);
                                }
                            });
                        }
                    })
                />
                <p class="help" id="team-add-find-help">"Each person you pick is added to the addresses below."</p>
            </div>
            <div class="field">
                <label for="team-add-emails">"Email addresses"</label>
                <textarea
                    id="team-add-emails"
                    rows="2"
                    required
                    placeholder="alice@example.com, bob@example.com"
                    aria-invalid=move || team_add_emails_check.invalid()
                    aria-describedby=move || team_add_emails_check.described_by(Some("team-add-emails-help"))
                    prop:value=move || emails.get()
                    on:input=move |ev| emails.set(event_target_value(&ev))
                ></textarea>
                <p class="help" id="team-add-emails-help">"People who already have an account here. Separate addresses with commas, spaces or new lines."</p>
                <FieldErrorText check=team_add_emails_check/>
            </div>
            <div class="checkbox">
                <input
                    id="team-add-manager"
                    type="checkbox"
                    prop:checked=move || as_manager.get()
                    on:change=move |ev| as_manager.set(event_target_checked(&ev))
                />
                <label for="team-add-manager">"Add as managers"</label>
            </div>
            <ErrorNotice error=action_error(actions.add)/>
            {move || {
                actions
                    .add
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|outcome| {
                        let mut said = Vec::new();
                        if !outcome.added.is_empty() {
                            said.push(format!("Added {}.", outcome.added.join(", ")));
                        }
                        if !outcome.already_members.is_empty() {
                            said.push(format!("Already in the team: {}.", outcome.already_members.join(", ")));
                        }
                        view! { <Confirmation>{said.join(" ")}</Confirmation> }
                    })
            }}
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || actions.add.pending().get()>
                    "Add members"
                </button>
            </div>
        </form>
    }
}

#[component]
fn EditTeamForm(detail: TeamDetail, roles: TeamRoleChoices) -> impl IntoView {
    let actions = expect_context::<TeamActions>();
    let id = detail.team.id;
    let description = RwSignal::new(detail.team.description.clone());
    let role = RwSignal::new(
        detail
            .team
            .role
            .as_ref()
            .map(|r| r.id.0.to_string())
            .unwrap_or_default(),
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        actions.update.dispatch(UpdateTeam {
            id,
            changes: TeamChanges {
                description: description.get_untracked(),
                role_id: chosen_role(&role.get_untracked()),
            },
        });
    };
    view! {
        <section class="panel">
            <h2>"Edit team"</h2>
            <form class="form" on:submit=submit>
                <TeamDescriptionField description/>
                <TeamRoleSelect selected=role roles/>
                <ErrorNotice error=action_error(actions.update)/>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" disabled=move || actions.update.pending().get()>
                        "Save team"
                    </button>
                </div>
            </form>
        </section>
    }
}

/// Deletes the team after confirmation, saying first what it takes away.
#[component]
fn TeamDeletion(
    team: TeamId,
    name: String,
    impact: Resource<Result<Option<TeamDeletionImpact>, AppError>>,
) -> impl IntoView {
    let actions = expect_context::<TeamActions>();
    view! {
        <section class="panel danger-zone" aria-labelledby="danger-zone-title">
            <h2 id="danger-zone-title">"Danger zone"</h2>
            <Transition fallback=|| ()>
                {move || {
                    let name = name.clone();
                    impact
                        .get()
                        .map(move |result| match result {
                            Ok(None) => ().into_any(),
                            Ok(Some(impact)) => {
                                let members = if impact.members.is_empty() {
                                    "It has no members.".to_string()
                                } else {
                                    format!(
                                        "{} member(s) lose it and what it grants: {}.",
                                        impact.members.len(),
                                        impact.members.join(", ")
                                    )
                                };
                                let grants = match impact.grants {
                                    0 => String::new(),
                                    n => format!(" Its {n} collaborator grant(s) go with it."),
                                };
                                let question = format!("Delete the team {name}? {members}{grants}");
                                view! {
                                    <ConfirmButton
                                        label="Delete team"
                                        question=question
                                        confirm_label="Delete team"
                                        on_confirm=Callback::new(move |_| {
                                            actions.delete.dispatch(DeleteTeam { id: team });
                                        })
                                    />
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                        })
                }}
            </Transition>
        </section>
    }
}
