use crate::components::field_error::{FieldCheck, FieldErrorText};
use crate::components::notice::{ErrorMessage, ErrorNotice, action_error};
use crate::components::shell::Me;
use crate::server_fns::resources::{CreateResource, list_resources};
use domain::dto::{NewResource, ResourceSummary};
use domain::ids::ResourceId;
use domain::resources::ResourceType;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_navigate, use_query_map};

/// /resources: the resources the signed-in user may see, by type (`?type=workspace`), and a
/// form to record a new one. Latchkey records resources to manage access to them; it does not
/// run them.
#[component]
pub fn ResourcesPage() -> impl IntoView {
    let query = use_query_map();
    let kind = Memo::new(move |_| {
        query
            .read()
            .get("type")
            .and_then(|t| ResourceType::from_key(&t))
    });
    let create = ServerAction::<CreateResource>::new();
    let resources = Resource::new(
        move || (kind.get(), create.version().get()),
        |(kind, _)| list_resources(kind),
    );
    view! {
        <Title text="Resources"/>
        <div class="page-header">
            <h1>"Resources"</h1>
        </div>
        <p class="muted">
            "Latchkey records clusters, workspaces and the other resources here so that access to them can be granted; it does not run them."
        </p>
        <Form method="GET" action="" attr:class="toolbar filters">
            <label for="resource-type-filter" class="visually-hidden">"Show resources of type"</label>
            <select id="resource-type-filter" name="type" prop:value=move || kind.get().map_or("", |k| k.key())>
                <option value="">"All types"</option>
                {ResourceType::ALL
                    .into_iter()
                    .map(|k| view! { <option value=k.key()>{k.label()}</option> })
                    .collect_view()}
            </select>
            <button type="submit" class="button button-secondary">"Show"</button>
        </Form>
        <Transition fallback=|| view! { <p class="muted">"Loading resources…"</p> }>
            {move || {
                resources
                    .get()
                    .map(|result| match result {
                        Ok(list) => view! { <ResourceTable list/> }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    })
            }}
        </Transition>
        <NewResourceForm create/>
    }
}

#[component]
fn ResourceTable(list: Vec<ResourceSummary>) -> impl IntoView {
    if list.is_empty() {
        return view! {
            <div class="empty-state">
                <p>"No resources you can see. Resources appear here once they exist and you are granted access to them."</p>
            </div>
        }
        .into_any();
    }
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col">"In"</th>
                    <th scope="col">"Created by"</th>
                    <th scope="col">"Created"</th>
                </tr>
            </thead>
            <tbody>
                {list
                    .into_iter()
                    .map(|r| {
                        view! {
                            <tr>
                                <td>
                                    <A href=format!("/resources/{}", r.id)>{r.name}</A>
                                </td>
                                <td>{r.resource_type.label()}</td>
                                <td>{r.parent.map_or_else(String::new, |p| p.name)}</td>
                                <td>{r.created_by.unwrap_or_else(|| "A deleted user".into())}</td>
                                <td>{r.created_at.format("%Y-%m-%d").to_string()}</td>
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

/// Record a resource: its type, name and, for a workspace, its cluster.
#[component]
fn NewResourceForm(create: ServerAction<CreateResource>) -> impl IntoView {
    let me = expect_context::<Me>();
    // Start on the first type this user may create tenant-wide (the shell has loaded `Me`).
    let first = ResourceType::ALL
        .into_iter()
        .find(|k| me.can(k.create_permission()))
        .unwrap_or(ResourceType::Workspace);
    let kind = RwSignal::new(first.key().to_string());
    let name = RwSignal::new(String::new());
    let parent = RwSignal::new(String::new());
    let clusters = Resource::new(
        move || create.version().get(),
        |_| list_resources(Some(ResourceType::Cluster)),
    );
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            navigate(
                &format!("/resources/{}", created.resource.id),
                Default::default(),
            );
        }
    });
    let needs_parent =
        move || ResourceType::from_key(&kind.get()).is_some_and(|k| k.parent().is_some());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(resource_type) = ResourceType::from_key(&kind.get_untracked()) else {
            return;
        };
        create.dispatch(CreateResource {
            resource: NewResource {
                resource_type,
                name: name.get_untracked(),
                parent_id: parent
                    .get_untracked()
                    .parse::<i64>()
                    .ok()
                    .map(ResourceId)
                    .filter(|_| resource_type.parent().is_some()),
            },
        });
    };
    let resource_name_check = FieldCheck::new(action_error(create), "name", "resource-name");
    let can_create_any = move || {
        ResourceType::ALL
            .into_iter()
            .any(|k| me.can(k.create_permission()))
            || me.can(domain::permissions::Permission::CreateWorkspace)
    };
    view! {
        <Show when=can_create_any>
            <section class="panel">
                <h2>"Record a resource"</h2>
                <form class="form" on:submit=submit>
                    <div class="field">
                        <label for="resource-kind">"Resource type"</label>
                        <select
                            id="resource-kind"
                            aria-describedby="resource-kind-help"
                            prop:value=move || kind.get()
                            on:change=move |ev| kind.set(event_target_value(&ev))
                        >
                            {ResourceType::ALL
                                .into_iter()
                                .map(|k| view! { <option value=k.key()>{k.label()}</option> })
                                .collect_view()}
                        </select>
                        <p class="help" id="resource-kind-help">
                            {move || {
                                ResourceType::from_key(&kind.get())
                                    .map(|k| format!("Needs the {} permission{}.", k.create_permission(), if k.parent().is_some() { ", tenant-wide or on the cluster" } else { "" }))
                                    .unwrap_or_default()
                            }}
                        </p>
                    </div>
                    <div class="field">
                        <label for="resource-name">"Name"</label>
                        <input
                            id="resource-name"
                            type="text"
                            required
                            maxlength="64"
                            placeholder="ml-prod"
                            aria-invalid=move || resource_name_check.invalid()
                    aria-describedby=move || resource_name_check.described_by(Some("resource-name-help"))
                            prop:value=move || name.get()
                            on:input=move |ev| name.set(event_target_value(&ev))
                        />
                        <p class="help" id="resource-name-help">"Lowercase letters, digits and hyphens; unique for its type."</p>
                <FieldErrorText check=resource_name_check/>
                    </div>
                    <Show when=needs_parent>
                        <div class="field">
                            <label for="resource-parent">"Cluster"</label>
                            <Transition fallback=|| view! { <p class="muted">"Loading clusters…"</p> }>
                                {move || {
                                    clusters
                                        .get()
                                        .map(|result| match result {
                                            Ok(list) if list.is_empty() => {
                                                view! { <p class="muted">"There is no cluster you can see: record one first."</p> }.into_any()
                                            }
                                            Ok(list) => {
                                                view! {
                                                    <select
                                                        id="resource-parent"
                                                        prop:value=move || parent.get()
                                                        on:change=move |ev| parent.set(event_target_value(&ev))
                                                    >
                                                        <option value="">"Pick a cluster"</option>
                                                        {list
                                                            .into_iter()
                                                            .map(|c| view! { <option value=c.id.0.to_string()>{c.name}</option> })
                                                            .collect_view()}
                                                    </select>
                                                }
                                                    .into_any()
                                            }
                                            Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                                        })
                                }}
                            </Transition>
                        </div>
                    </Show>
                    <ErrorNotice error=action_error(create)/>
                    <div class="form-actions">
                        <button type="submit" class="button button-primary" disabled=move || create.pending().get()>
                            "Record resource"
                        </button>
                    </div>
                </form>
            </section>
        </Show>
    }
}
