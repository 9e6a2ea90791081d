use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::notice::{ErrorMessage, ErrorNotice, NotFoundPanel};
use crate::components::route::id_param;
use crate::components::shell::Me;
use crate::components::toast::Toasts;
use crate::server_fns::roles::{CreateRole, UpdateRole, list_roles};
use domain::dto::{NewRole, RoleChanges, RoleSummary};
use domain::ids::RoleId;
use domain::permissions::{Permission, PermissionGroup};
use domain::resources::ResourceType;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use std::collections::BTreeSet;

/// /access/roles/new: a new custom role.
#[component]
pub fn NewRolePage() -> impl IntoView {
    view! {
        <Title text="Create role"/>
        <Breadcrumbs parent_href="/access/roles" parent_label="Roles" current="Create role"/>
        <h1>"Create role"</h1>
        <RoleForm existing=None/>
    }
}

/// /access/roles/:id: a role's permissions; a form when this viewer may change the role, a
/// plain description otherwise (Admin, built-in resource roles, viewers without
/// role:ManageRoles).
#[component]
pub fn EditRolePage() -> impl IntoView {
    let id = id_param(RoleId);
    let me = expect_context::<Me>();
    let roles = Resource::new(|| (), |_| list_roles());
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading role…"</p> }>
            {move || {
                roles
                    .get()
                    .map(|result| match result.map(|roles| roles.into_iter().find(|r| Some(r.id) == id())) {
                        Ok(Some(role)) => {
                            view! {
                                <Title text=role.display_name.clone()/>
                                <Breadcrumbs parent_href="/access/roles" parent_label="Roles" current=role.display_name.clone()/>
                                <h1>{role.display_name.clone()}</h1>
                                {if is_fixed(&role) || !me.can(Permission::ManageRoles) {
                                    view! { <RoleReadOnly role/> }.into_any()
                                } else {
                                    view! { <RoleForm existing=Some(role)/> }.into_any()
                                }}
                            }
                                .into_any()
                        }
                        Ok(None) => {
                            view! {
                                <NotFoundPanel
                                    title="Role not found"
                                    message="There is no such role in this tenant."
                                    back_href="/access/roles"
                                    back_label="Back to roles"
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

/// Admin and the built-in resource roles are the same everywhere: nobody edits them.
fn is_fixed(role: &RoleSummary) -> bool {
    role.all_permissions || (role.builtin && role.resource_type.is_some())
}

/// A role this viewer cannot change, as text: what it is, where it applies and what it holds.
#[component]
fn RoleReadOnly(role: RoleSummary) -> impl IntoView {
    let why = if role.all_permissions {
        "Admin holds every permission. It cannot be edited or deleted.".to_string()
    } else if is_fixed(&role) {
        "Built-in resource roles are fixed: create a custom role for another set of permissions."
            .to_string()
    } else {
        format!(
            "You can read this role; changing roles needs {}.",
            Permission::ManageRoles.key()
        )
    };
    let held: Vec<Permission> = if role.all_permissions {
        Permission::ALL.to_vec()
    } else {
        role.permissions
            .iter()
            .filter_map(|key| Permission::from_key(key))
            .collect()
    };
    let applies = role.resource_type.map_or_else(
        || "The tenant (a tenant role for users and teams)".to_string(),
        |kind| format!("One {} at a time (a collaborator role)", kind.label()),
    );
    let kind = if role.builtin { "Built-in" } else { "Custom" };
    let count = match held.len() {
        1 => "1 permission".to_string(),
        n => format!("{n} permissions"),
    };
    view! {
        <p class="notice">{why}</p>
        <section class="panel">
            <dl class="details">
                <dt>"Name"</dt>
                <dd class="mono">{role.name}</dd>
                <dt>"Description"</dt>
                <dd>{role.description}</dd>
                <dt>"Kind"</dt>
                <dd>{kind}</dd>
                <dt>"Granted on"</dt>
                <dd>{applies}</dd>
            </dl>
        </section>
        <section class="panel" aria-labelledby="held-title">
            <h2 id="held-title">{format!("Permissions ({count})")}</h2>
            <ul class="held-permissions">
                {held
                    .into_iter()
                    .map(|permission| {
                        view! {
                            <li>
                                <strong>{permission.label()}</strong>
                                " "
                                <span class="mono muted">{permission.key()}</span>
                                <p class="help">{permission.description()}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn RoleForm(existing: Option<RoleSummary>) -> impl IntoView {
    let me = expect_context::<Me>();
    let create = ServerAction::<CreateRole>::new();
    let update = ServerAction::<UpdateRole>::new();
    let navigate = use_navigate();
    let editing = existing.as_ref().map(|r| r.id);
    let fixed_resource_role = existing
        .as_ref()
        .is_some_and(|r| r.builtin && r.resource_type.is_some());
    let fixed = existing.as_ref().is_some_and(|r| r.all_permissions) || fixed_resource_role;
    // Where the role applies: "" for the tenant, or a resource type's key.
    let scope = RwSignal::new(
        existing
            .as_ref()
            .and_then(|r| r.resource_type)
            .map_or(String::new(), |t| t.key().to_string()),
    );
    let scope_type = move || ResourceType::from_key(&scope.get());
    let read_only = move || fixed || !me.can(Permission::ManageRoles);
    let name = RwSignal::new(
        existing
            .as_ref()
            .map(|r| r.name.clone())
            .unwrap_or_default(),
    );
    let display_name = RwSignal::new(
        existing
            .as_ref()
            .map(|r| r.display_name.clone())
            .unwrap_or_default(),
    );
    let description = RwSignal::new(
        existing
            .as_ref()
            .map(|r| r.description.clone())
            .unwrap_or_default(),
    );
    let checked = RwSignal::new(
        existing
            .as_ref()
            .map(|r| r.permissions.iter().cloned().collect::<BTreeSet<String>>())
            .unwrap_or_default(),
    );
    // Narrows the list to permissions whose name, key or description holds these words.
    let filter = RwSignal::new(String::new());
    let pending = move || create.pending().get() || update.pending().get();
    let error = Signal::derive(move || {
        let latest = if editing.is_some() {
            update.value().get().map(|r| r.map(drop))
        } else {
            create.value().get().map(|r| r.map(drop))
        };
        latest.and_then(Result::err)
    });
    let toasts = use_context::<Toasts>();
    Effect::new(move |_| {
        let saved = if editing.is_some() {
            update
                .value()
                .get()
                .and_then(Result::ok)
                .map(|role| format!("Saved the role {}.", role.display_name))
        } else {
            create
                .value()
                .get()
                .and_then(Result::ok)
                .map(|role| format!("Created the role {}.", role.display_name))
        };
        if let Some(message) = saved {
            if let Some(toasts) = toasts {
                toasts.say(message);
            }
            navigate("/access/roles", Default::default());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let permissions: Vec<String> = checked.get_untracked().into_iter().collect();
        match editing {
            Some(id) => {
                update.dispatch(UpdateRole {
                    id,
                    changes: RoleChanges {
                        display_name: display_name.get_untracked(),
                        description: description.get_untracked(),
                        permissions,
                    },
                });
            }
            None => {
                create.dispatch(CreateRole {
                    input: NewRole {
                        resource_type: ResourceType::from_key(&scope.get_untracked()),
                        name: name.get_untracked(),
                        display_name: display_name.get_untracked(),
                        description: description.get_untracked(),
                        permissions,
                    },
                });
            }
        }
    };
    view! {
        <Show when=move || fixed>
            <p class="notice">
                {if fixed_resource_role {
                    "Built-in resource roles are fixed: create a custom role for another set of permissions."
                } else {
                    "Admin holds every permission. It cannot be edited or deleted."
                }}
            </p>
        </Show>
        <form class="form role-form" on:submit=submit>
            <div class="field">
                <label for="role-name">"Name"</label>
                <input
                    id="role-name"
                    type="text"
                    required
                    maxlength="64"
                    placeholder="custom-deployer"
                    aria-describedby="role-name-help"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                    disabled=editing.is_some()
                />
                <p class="help" id="role-name-help">
                    "Letters, digits and hyphens, unique here without regard to case. Fixed once created: the API and SSO mapping use it."
                </p>
            </div>
            <div class="field">
                <label for="role-display-name">"Display name"</label>
                <input
                    id="role-display-name"
                    type="text"
                    required
                    maxlength="100"
                    prop:value=move || display_name.get()
                    on:input=move |ev| display_name.set(event_target_value(&ev))
                    disabled=read_only
                />
            </div>
            <div class="field">
                <label for="role-description">"Description"</label>
                <textarea
                    id="role-description"
                    required
                    maxlength="500"
                    rows="2"
                    prop:value=move || description.get()
                    on:input=move |ev| description.set(event_target_value(&ev))
                    disabled=read_only
                ></textarea>
            </div>
            <div class="field">
                <label for="role-scope">"Granted on"</label>
                <select
                    id="role-scope"
                    aria-describedby="role-scope-help"
                    prop:value=move || scope.get()
                    on:change=move |ev| {
                        scope.set(event_target_value(&ev));
                        // Keep only what the new scope can hold.
                        if let Some(kind) = ResourceType::from_key(&scope.get_untracked()) {
                            let allowed: Vec<&str> =
                                kind.grantable_permissions().iter().map(|p| p.key()).collect();
                            checked.update(|set| set.retain(|k| allowed.contains(&k.as_str())));
                        }
                    }
                    disabled=editing.is_some()
                >
                    <option value="">"The tenant (a tenant role for users and teams)"</option>
                    {ResourceType::ALL
                        .into_iter()
                        .map(|t| view! { <option value=t.key()>{format!("One {} at a time (a collaborator role)", t.label())}</option> })
                        .collect_view()}
                </select>
                <p class="help" id="role-scope-help">"Fixed once created."</p>
            </div>
            <fieldset class="permissions" disabled=read_only>
                <legend>"Permissions"</legend>
                <div class="permission-filter">
                    <label for="permission-filter" class="visually-hidden">"Filter permissions"</label>
                    <input
                        id="permission-filter"
                        type="search"
                        placeholder="Filter permissions"
                        prop:value=move || filter.get()
                        on:input=move |ev| filter.set(event_target_value(&ev))
                    />
                </div>
                {move || match scope_type() {
                    Some(kind) => {
                        view! {
                            <div class="permission-group">
                                <GroupHeading label=kind.label() permissions=kind.grantable_permissions().to_vec() checked fixed=false/>
                                {kind
                                    .grantable_permissions()
                                    .iter()
                                    .copied()
                                    .map(|permission| view! { <PermissionCheckbox permission checked fixed=false filter/> })
                                    .collect_view()}
                            </div>
                        }
                            .into_any()
                    }
                    None => {
                        PermissionGroup::ALL
                            .into_iter()
                            .map(|group| {
                                view! {
                                    <div class="permission-group">
                                        <GroupHeading
                                            label=group.label()
                                            permissions=Permission::ALL.iter().copied().filter(|p| p.group() == group).collect()
                                            checked
                                            fixed
                                        />
                                        {Permission::ALL
                                            .iter()
                                            .copied()
                                            .filter(move |p| p.group() == group)
                                            .map(|permission| view! { <PermissionCheckbox permission checked fixed filter/> })
                                            .collect_view()}
                                    </div>
                                }
                            })
                            .collect_view()
                            .into_any()
                    }
                }}
            </fieldset>
            <ErrorNotice error=error/>
            // Stays in view while the list scrolls, with the count of what is chosen.
            <div class="form-actions sticky-actions">
                <span class="muted" data-testid="permission-count">
                    {move || match checked.read().len() {
                        _ if fixed => "Fixed permissions".to_string(),
                        1 => "1 permission".to_string(),
                        n => format!("{n} permissions"),
                    }}
                </span>
                <Show when=move || !read_only()>
                    <button type="submit" class="button button-primary" disabled=pending>
                        {if editing.is_some() { "Save role" } else { "Create role" }}
                    </button>
                    <A href="/access/roles" attr:class="button button-secondary">"Cancel"</A>
                </Show>
            </div>
        </form>
    }
}

/// A group's heading, with a box that checks or clears every permission of the group.
#[component]
fn GroupHeading(
    label: &'static str,
    permissions: Vec<Permission>,
    checked: RwSignal<BTreeSet<String>>,
    fixed: bool,
) -> impl IntoView {
    let id = format!("group-{}", label.to_lowercase().replace(' ', "-"));
    let keys: Vec<&'static str> = permissions.iter().map(|p| p.key()).collect();
    let all = {
        let keys = keys.clone();
        move || fixed || keys.iter().all(|k| checked.read().contains(*k))
    };
    view! {
        <div class="group-heading">
            <h3>{label}</h3>
            <input
                type="checkbox"
                id=id.clone()
                prop:checked=all
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    checked.update(|set| {
                        for key in &keys {
                            if on {
                                set.insert(key.to_string());
                            } else {
                                set.remove(*key);
                            }
                        }
                    });
                }
            />
            <label for=id class="muted">{format!("All of {label}")}</label>
        </div>
    }
}

#[component]
fn PermissionCheckbox(
    permission: Permission,
    checked: RwSignal<BTreeSet<String>>,
    fixed: bool,
    filter: RwSignal<String>,
) -> impl IntoView {
    let key = permission.key();
    let id = format!("perm-{}", key.replace(':', "-"));
    let help = format!("{id}-help");
    let shown = move || {
        let words = filter.read().trim().to_lowercase();
        words.is_empty()
            || words.split_whitespace().all(|word| {
                permission.label().to_lowercase().contains(word)
                    || key.to_lowercase().contains(word)
                    || permission.description().to_lowercase().contains(word)
            })
    };
    view! {
        <div class="permission" class:filtered-out=move || !shown()>
            <input
                type="checkbox"
                id=id.clone()
                aria-describedby=help.clone()
                prop:checked=move || fixed || checked.read().contains(key)
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    checked.update(|set| {
                        if on {
                            set.insert(key.to_string());
                        } else {
                            set.remove(key);
                        }
                    });
                }
            />
            <label for=id>{permission.label()}</label>
            <p class="help" id=help>
                <span class="mono permission-key">{key}</span>
                " "
                {permission.description()}
            </p>
        </div>
    }
}
