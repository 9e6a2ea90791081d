use crate::components::access::AccessAnswerView;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::confirm::ConfirmButton;
use crate::components::field_error::FieldCheck;
use crate::components::notice::{
    ErrorNotice, NotFoundCopy, action_error, count_successes, found_or_not_found,
};
use crate::components::pager::{Pager, page_number};
use crate::components::route::id_param;
use crate::components::shell::Me;
use crate::components::subject_picker::{SubjectName, SubjectPicker};
use crate::server_fns::resources::{
    AddCollaborator, ChangeCollaboratorRole, CheckAccess, DeleteResource, RemoveCollaborator,
    get_resource,
};
use domain::dto::{
    AccessQuestion, CollaboratorQuery, CollaboratorRow, NewCollaborator, Page, ResourceDetail,
    RoleRef, SubjectKind, SubjectLink,
};
use domain::ids::{ResourceId, RoleId};
use domain::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

/// The resource page's actions, shared with its sections.
#[derive(Clone, Copy)]
struct ResourceActions {
    add: ServerAction<AddCollaborator>,
    change: ServerAction<ChangeCollaboratorRole>,
    remove: ServerAction<RemoveCollaborator>,
    delete: ServerAction<DeleteResource>,
}

/// /resources/:id: a resource, its collaborators, and "why does this subject have access?".
#[component]
pub fn ResourcePage() -> impl IntoView {
    let id = id_param(ResourceId);
    let actions = ResourceActions {
        add: ServerAction::new(),
        change: ServerAction::new(),
        remove: ServerAction::new(),
        delete: ServerAction::new(),
    };
    provide_context(actions);
    // What is typed into the add and check forms survives the reload that follows any change
    // (the sections are rebuilt from the reloaded resource).
    let add_draft = AddDraft(RwSignal::new(String::new()));
    provide_context(add_draft);
    Effect::new(move |_| {
        if matches!(actions.add.value().get(), Some(Ok(_))) {
            add_draft.0.set(String::new());
        }
    });
    provide_context(CheckDraft {
        check: ServerAction::new(),
        subject: RwSignal::new(String::new()),
        permission: RwSignal::new(String::new()),
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(actions.delete.value().get(), Some(Ok(()))) {
            navigate("/resources", Default::default());
        }
    });
    // Reload after changes that happened, not after refusals: a reload rebuilds the forms, and
    // someone correcting a refused entry must not have the form swapped under their hands.
    let changes = RwSignal::new(0u32);
    count_successes(actions.add, changes);
    count_successes(actions.remove, changes);
    let page = page_number();
    let detail = Resource::new(
        // A refused role change reloads too, so its select shows the role actually held.
        move || {
            (
                id(),
                page.get(),
                changes.get(),
                actions.change.version().get(),
            )
        },
        |(id, page, ..)| async move {
            let collaborators = CollaboratorQuery {
                limit: Some(CollaboratorQuery::DEFAULT_LIMIT),
                offset: Some((page - 1) * CollaboratorQuery::DEFAULT_LIMIT),
            };
            match id {
                Some(id) => get_resource(id, collaborators).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let error = Signal::derive(move || {
        action_error(actions.change)
            .get()
            .or_else(|| action_error(actions.remove).get())
            .or_else(|| action_error(actions.delete).get())
    });
    view! {
        <ErrorNotice error=error/>
        <Transition fallback=|| view! { <p class="muted">"Loading resource…"</p> }>
            {move || {
                detail
                    .get()
                    .map(|result| {
                        found_or_not_found(
                            result,
                            NotFoundCopy {
                                title: "Resource not found",
                                message: "There is no such resource in this tenant.",
                                back_href: "/resources",
                                back_label: "Back to resources",
                            },
                            |detail| view! { <ResourceView detail/> }.into_any(),
                        )
                    })
            }}
        </Transition>
    }
}

#[derive(Clone, Copy)]
struct AddDraft(RwSignal<String>);

#[derive(Clone, Copy)]
struct CheckDraft {
    check: ServerAction<CheckAccess>,
    subject: RwSignal<String>,
    permission: RwSignal<String>,
}

#[component]
fn ResourceView(detail: ResourceDetail) -> impl IntoView {
    let actions = expect_context::<ResourceActions>();
    let r = detail.resource.clone();
    let id = r.id;
    let can_manage = detail.can_manage;
    let can_delete = detail.can_delete;
    let question = format!(
        "Delete the {} {}? Its collaborator grants go with it.",
        r.resource_type.label(),
        r.name
    );
    view! {
        <Title text=r.name.clone()/>
        <Breadcrumbs parent_href="/resources" parent_label="Resources" current=r.name.clone()/>
        <div class="page-header">
            <h1>{r.name.clone()}</h1>
        </div>
        <section class="panel">
            <dl class="details">
                <dt>"Type"</dt>
                <dd>{r.resource_type.label()}</dd>
                {r.parent.clone().map(|p| view! {
                    <dt>"Cluster"</dt>
                    <dd><A href=format!("/resources/{}", p.id)>{p.name}</A></dd>
                })}
                <dt>"Created by"</dt>
                <dd>{r.created_by.clone().unwrap_or_else(|| "A deleted user".into())}</dd>
                <dt>"Created"</dt>
                <dd>{r.created_at.format("%Y-%m-%d %H:%M UTC").to_string()}</dd>
            </dl>
        </section>
        <section class="panel">
            <h2>"Collaborators"</h2>
            <CollaboratorTable resource=id page=detail.collaborators.clone() roles=detail.roles.clone() can_manage/>
            <Show when=move || can_manage>
                <AddCollaboratorForm resource=id roles=detail.roles.clone()/>
            </Show>
        </section>
        <CheckAccessPanel resource=id permissions=r.resource_type.grantable_permissions()/>
        <Show when=move || can_delete>
            <section class="panel danger-zone" aria-labelledby="danger-zone-title">
                <h2 id="danger-zone-title">"Danger zone"</h2>
                <ConfirmButton
                    label="Delete resource"
                    question=question.clone()
                    confirm_label="Delete resource"
                    on_confirm=Callback::new(move |_| {
                        actions.delete.dispatch(DeleteResource { id });
                    })
                />
            </section>
        </Show>
    }
    .into_any()
}

#[component]
fn CollaboratorTable(
    resource: ResourceId,
    page: Page<CollaboratorRow>,
    roles: Vec<RoleRef>,
    can_manage: bool,
) -> impl IntoView {
    let actions = expect_context::<ResourceActions>();
    let me = expect_context::<Me>();
    if page.items.is_empty() {
        if page.offset > 0 {
            return view! {
                <div class="empty-state">
                    <p>"This page of collaborators is empty."</p>
                    <A href=format!("/resources/{resource}")>"Back to the first page"</A>
                </div>
            }
            .into_any();
        }
        return view! { <p class="muted">"Nobody is a collaborator on this resource."</p> }
            .into_any();
    }
    let (offset, limit, total, shown) = (page.offset, page.limit, page.total, page.items.len());
    let rows = page.items;
    // A subject's name links to its page when the viewer may open that page.
    let may_open = move |link: SubjectLink| match link {
        SubjectLink::User(_) => me.can(Permission::ListUsers),
        SubjectLink::Team(team) => me.can_open_team(team),
        SubjectLink::VirtualAccount(_) => me.can(Permission::ReadVirtualAccount),
    };
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th scope="col">"Subject"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Granted by"</th>
                    <th scope="col">"Granted"</th>
                    <Show when=move || can_manage>
                        <th scope="col">"Actions"</th>
                    </Show>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        let grant = row.id;
                        let current = row.role.id;
                        let roles = roles.clone();
                        let question = format!("Remove {} from this resource?", row.subject);
                        let label = format!("Role of {}", row.subject);
                        view! {
                            <tr>
                                <td>
                                    {if may_open(row.subject_link) {
                                        view! {
                                            <SubjectName
                                                link=row.subject_link
                                                label=row.subject_label.clone()
                                                subject=row.subject.clone()
                                            />
                                        }
                                            .into_any()
                                    } else {
                                        view! {
                                            {row.subject_label.clone()}
                                            " "
                                            <span class="muted mono subject-key">{row.subject.clone()}</span>
                                        }
                                            .into_any()
                                    }}
                                </td>
                                <td>
                                    <Show
                                        when=move || can_manage
                                        fallback={
                                            let name = row.role.display_name.clone();
                                            move || name.clone()
                                        }
                                    >
                                        <select
                                            aria-label=label.clone()
                                            on:change=move |ev| {
                                                if let Ok(role) = event_target_value(&ev).parse::<i64>() {
                                                    actions.change.dispatch(ChangeCollaboratorRole {
                                                        resource_id: resource,
                                                        grant,
                                                        role_id: RoleId(role),
                                                    });
                                                }
                                            }
                                        >
                                            {roles
                                                .iter()
                                                .map(|r| {
                                                    view! {
                                                        <option value=r.id.0.to_string() selected=r.id == current>
                                                            {r.display_name.clone()}
                                                        </option>
                                                    }
                                                })
                                                .collect_view()}
                                        </select>
                                    </Show>
                                </td>
                                <td>{row.granted_by.clone().unwrap_or_else(|| "A deleted user".into())}</td>
                                <td>{row.granted_at.format("%Y-%m-%d").to_string()}</td>
                                <Show when=move || can_manage>
                                    <td class="row-actions">
                                        <ConfirmButton
                                            label="Remove"
                                            question=question.clone()
                                            confirm_label="Remove collaborator"
                                            reversible=true
                                            on_confirm=Callback::new(move |_| {
                                                actions.remove.dispatch(RemoveCollaborator { resource_id: resource, grant });
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
        <Pager offset limit shown total href=move |n| format!("/resources/{resource}?page={n}")/>
    }
    .into_any()
}

#[component]
fn AddCollaboratorForm(resource: ResourceId, roles: Vec<RoleRef>) -> impl IntoView {
    let actions = expect_context::<ResourceActions>();
    let AddDraft(subject) = expect_context::<AddDraft>();
    let role = RwSignal::new(roles.last().map(|r| r.id.0.to_string()).unwrap_or_default());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(role_id) = role.get_untracked().parse::<i64>() else {
            return;
        };
        actions.add.dispatch(AddCollaborator {
            grant: NewCollaborator {
                resource_id: resource,
                subject: subject.get_untracked(),
                role_id: RoleId(role_id),
            },
        });
    };
    view! {
        <form class="form add-members" on:submit=submit>
            <h3>"Add a collaborator"</h3>
            <div class="field">
                <label for="collaborator-subject">"Subject"</label>
                <SubjectPicker
                    id="collaborator-subject"
                    value=subject
                    kinds=vec![SubjectKind::User, SubjectKind::Team, SubjectKind::VirtualAccount]
                    placeholder="Name, email or team"
                    described_by="collaborator-subject-help"
                    required=true
                    check=FieldCheck::new(action_error(actions.add), "subject", "collaborator-subject")
                />
                <p class="help" id="collaborator-subject-help">"Type a name to pick a person, team or virtual account, or write user:EMAIL, team:NAME or virtualaccount:NAME."</p>
            </div>
            <div class="field">
                <label for="collaborator-role">"Role"</label>
                <select
                    id="collaborator-role"
                    prop:value=move || role.get()
                    on:change=move |ev| role.set(event_target_value(&ev))
                >
                    {roles
                        .into_iter()
                        .map(|r| view! { <option value=r.id.0.to_string()>{r.display_name}</option> })
                        .collect_view()}
                </select>
            </div>
            <ErrorNotice error=action_error(actions.add)/>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || actions.add.pending().get()>
                    "Add collaborator"
                </button>
            </div>
        </form>
    }
}

/// "Why does this subject have access?": the same computation that decides, explained.
#[component]
fn CheckAccessPanel(
    resource: ResourceId,
    permissions: Vec<domain::permissions::Permission>,
) -> impl IntoView {
    let CheckDraft {
        check,
        subject,
        permission,
    } = expect_context::<CheckDraft>();
    if permission.get_untracked().is_empty()
        && let Some(first) = permissions.first()
    {
        permission.set(first.key().to_string());
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        check.dispatch(CheckAccess {
            question: AccessQuestion {
                subject: subject.get_untracked(),
                resource_id: resource,
                permission: permission.get_untracked(),
            },
        });
    };
    view! {
        <section class="panel">
            <h2>"Check access"</h2>
            <form class="inline-form check-access" on:submit=submit>
                <label for="check-subject">"Who"</label>
                <SubjectPicker
                    id="check-subject"
                    value=subject
                    kinds=vec![SubjectKind::User, SubjectKind::Team, SubjectKind::VirtualAccount]
                    placeholder="Name, email or team"
                    required=true
                    check=FieldCheck::new(action_error(check), "subject", "check-subject")
                />
                <label for="check-permission">"Permission"</label>
                <select
                    id="check-permission"
                    prop:value=move || permission.get()
                    on:change=move |ev| permission.set(event_target_value(&ev))
                >
                    {permissions
                        .into_iter()
                        .map(|p| view! { <option value=p.key()>{format!("{} ({})", p.label(), p.key())}</option> })
                        .collect_view()}
                </select>
                <button type="submit" class="button button-secondary" disabled=move || check.pending().get()>
                    "Check"
                </button>
            </form>
            <ErrorNotice error=action_error(check)/>
            {move || {
                check
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|answer| view! { <AccessAnswerView answer/> })
            }}
        </section>
    }
}
