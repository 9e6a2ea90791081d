use crate::components::notice::ErrorMessage;
use crate::components::shell::Me;
use crate::server_fns::identity_providers::list_identity_providers;
use domain::dto::IdentityProviderView;
use domain::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Settings > Identity Providers: the OIDC providers people sign in with.
#[component]
pub fn IdentityProvidersPage() -> impl IntoView {
    let me = expect_context::<Me>();
    let providers = Resource::new(|| (), |_| list_identity_providers());
    view! {
        <Title text="Identity providers"/>
        <div class="page-header">
            <h1>"Identity providers"</h1>
            <Show when=move || me.can(Permission::ManageIdentityProviders)>
                <A href="/settings/identity-providers/new" attr:class="button button-primary">
                    "Add identity provider"
                </A>
            </Show>
        </div>
        <p class="lede">
            "People sign in with these OpenID Connect providers; each enabled one is a button on the login page. Users are created at their first sign-in (just in time) or must be invited first (invite only), and the provider's groups can set their role and teams."
        </p>
        <Transition fallback=|| view! { <p class="muted">"Loading identity providers…"</p> }>
            {move || {
                providers
                    .get()
                    .map(|result| match result {
                        Ok(list) => view! { <ProviderTable list/> }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn ProviderTable(list: Vec<IdentityProviderView>) -> impl IntoView {
    if list.is_empty() {
        return view! {
            <div class="empty-state">
                <p>
                    "No identity providers yet. Add one to let people sign in with Okta, Google, Azure AD, Keycloak or any OpenID Connect provider."
                </p>
            </div>
        }
        .into_any();
    }
    let rows = list
        .into_iter()
        .map(|provider| {
            let href = format!("/settings/identity-providers/{}", provider.id.0);
            let (status, badge) = if provider.enabled {
                ("Enabled", "badge badge-ok")
            } else {
                ("Disabled", "badge badge-off")
            };
            view! {
                <tr>
                    <td>
                        <A href=href>{provider.display_name}</A>
                        <div class="muted mono">{provider.slug}</div>
                    </td>
                    <td>{provider.preset.label()}</td>
                    <td class="mono">{provider.issuer_url}</td>
                    <td>
                        {match provider.provisioning {
                            domain::dto::Provisioning::JustInTime => "Just in time",
                            domain::dto::Provisioning::InviteOnly => "Invite only",
                        }}
                        {(provider.provisioning == domain::dto::Provisioning::JustInTime
                            && provider.allowed_domains.is_empty())
                            .then(|| {
                                view! {
                                    <div class="badge badge-warn" title="Anyone the provider vouches for gets an account: list allowed email domains, or choose invite only.">
                                        "Any email domain"
                                    </div>
                                }
                            })}
                    </td>
                    <td>{provider.role_mappings.len() + provider.team_mappings.len()}</td>
                    <td>
                        <span class=badge>{status}</span>
                    </td>
                </tr>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th scope="col">"Provider"</th>
                    <th scope="col">"Kind"</th>
                    <th scope="col">"Issuer"</th>
                    <th scope="col">"New users"</th>
                    <th scope="col">"Mapping rules"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}
