use crate::components::confirm::ConfirmButton;
use crate::components::notice::{ErrorMessage, ErrorNotice, action_error};
use crate::components::shell::Me;
use crate::components::toast::toast_on_success;
use crate::server_fns::roles::{DeleteRole, list_roles};
use domain::dto::RoleSummary;
use domain::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Access > Roles: built-in and custom tenant roles.
#[component]
pub fn RolesPage() -> impl IntoView {
    let me = expect_context::<Me>();
    let delete = ServerAction::<DeleteRole>::new();
    toast_on_success(delete, |_: &()| "Role deleted.".to_string());
    let roles = Resource::new(move || delete.version().get(), |_| list_roles());
    let can_manage = move || me.can(Permission::ManageRoles);
    view! {
        <Title text="Roles"/>
        <div class="page-header">
            <h1>"Roles"</h1>
            <Show when=can_manage>
                <A href="/access/roles/new" attr:class="button button-primary">"Create role"</A>
            </Show>
        </div>
        <p class="muted">
            "Every user holds one tenant role; a team's role adds to its members'. Names are what the API and SSO mapping use."
        </p>
        <ErrorNotice error=action_error(delete)/>
        <Transition fallback=|| view! { <p class="muted">"Loading roles…"</p> }>
            {move || {
                roles
                    .get()
                    .map(|result| match result {
                        Ok(roles) => {
                            let (tenant, resource): (Vec<_>, Vec<_>) =
                                roles.into_iter().partition(|r| r.resource_type.is_none());
                            view! {
                                <RoleTable roles=tenant delete can_manage=can_manage() resource=false/>
                                <h2 class="section-heading">"Resource roles"</h2>
                                <p class="muted">
                                    "Granted to users and teams on one resource, as collaborators. Built-in resource roles are fixed; custom ones hold permissions of their resource type."
                                </p>
                                <RoleTable roles=resource delete can_manage=can_manage() resource=true/>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// One table of roles: tenant roles (with how many users hold each) or resource roles (with
/// how many grants use each).
#[component]
fn RoleTable(
    roles: Vec<RoleSummary>,
    delete: ServerAction<DeleteRole>,
    can_manage: bool,
    resource: bool,
) -> impl IntoView {
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Description"</th>
                    <th scope="col">"Permissions"</th>
                    <th scope="col">{if resource { "Grants" } else { "Users" }}</th>
                    <th scope="col">"Type"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                {roles
                    .into_iter()
                    .map(|role| view! { <RoleRow role delete can_manage/> }.into_any())
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn RoleRow(role: RoleSummary, delete: ServerAction<DeleteRole>, can_manage: bool) -> impl IntoView {
    let id = role.id;
    let href = format!("/access/roles/{id}");
    let permissions = if role.all_permissions {
        "All permissions".to_string()
    } else {
        format!(
            "{} permission{}",
            role.permissions.len(),
            if role.permissions.len() == 1 { "" } else { "s" }
        )
    };
    let deletable = can_manage && !role.builtin;
    let question = format!("Delete the role {}?", role.display_name);
    view! {
        <tr>
            <td>
                <A href=href>{role.display_name.clone()}</A>
                <div class="muted mono">{role.name.clone()}</div>
            </td>
            <td>{role.description.clone()}</td>
            <td>{permissions}</td>
            <td>{if role.resource_type.is_some() { role.grant_count } else { role.user_count }}</td>
            <td>
                <span class="badge">{if role.builtin { "Built-in" } else { "Custom" }}</span>
                {role.resource_type.map(|t| view! { " " <span class="muted">{format!("{} role", t.label())}</span> })}
            </td>
            <td class="actions">
                <Show when=move || deletable>
                    <ConfirmButton
                        label="Delete"
                        question=question.clone()
                        confirm_label="Delete role"
                        on_confirm=Callback::new(move |_| {
                            delete.dispatch(DeleteRole { id });
                        })
                    />
                </Show>
            </td>
        </tr>
    }
}
