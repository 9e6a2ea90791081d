use crate::components::notice::{Confirmation, ErrorNotice, action_error};
use crate::components::password_fields::NewPasswordFields;
use crate::components::shell::Me;
use crate::server_fns::profile::{ChangeOwnPassword, UpdateDisplayName, list_own_identities};
use domain::dto::{OwnIdentities, SsoFailure};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// /profile: your display name, password and single sign-on identities.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let me = expect_context::<Me>();
    let rename = ServerAction::<UpdateDisplayName>::new();
    let password = ServerAction::<ChangeOwnPassword>::new();
    let current_name = move || me.user().map(|u| u.display_name).unwrap_or_default();
    let renamed = move || {
        rename
            .value()
            .get()
            .and_then(Result::ok)
            .map(|u| u.display_name)
    };
    let password_changed = move || matches!(password.value().get(), Some(Ok(())));
    view! {
        <Title text="Profile"/>
        <h1>"Profile"</h1>
        <section class="panel">
            <h2>"Display name"</h2>
            <ActionForm action=rename attr:class="form narrow">
                <div class="field">
                    <label for="display_name">"Display name"</label>
                    <input
                        id="display_name"
                        name="display_name"
                        type="text"
                        maxlength="100"
                        required
                        prop:value=move || renamed().unwrap_or_else(current_name)
                    />
                </div>
                <ErrorNotice error=action_error(rename)/>
                <Show when=move || renamed().is_some()>
                    <Confirmation>"Display name saved."</Confirmation>
                </Show>
                <button type="submit" class="button button-primary">"Save name"</button>
            </ActionForm>
        </section>
        <section class="panel">
            <h2>"Password"</h2>
            <ActionForm action=password attr:class="form narrow">
                <div class="field">
                    <label for="current_password">"Current password"</label>
                    <input id="current_password" name="current_password" type="password" autocomplete="current-password" required/>
                </div>
                <NewPasswordFields label="New password"/>
                <ErrorNotice error=action_error(password)/>
                <Show when=password_changed>
                    <Confirmation>"Password changed. Your other sessions were signed out."</Confirmation>
                </Show>
                <button type="submit" class="button button-primary">"Change password"</button>
            </ActionForm>
        </section>
        <SingleSignOn/>
    }
}

/// Profile > Single sign-on: the providers linked to this account, and a button to link each
/// other enabled provider (the provider's sign-in proves the identity is yours). A link that
/// came back shows its outcome here (`?linked=<slug>` or `?sso_error=<reason>`).
#[component]
fn SingleSignOn() -> impl IntoView {
    let identities = Resource::new(|| (), |_| list_own_identities());
    let query = use_query_map();
    let outcome = move || {
        let query = query.read();
        if let Some(key) = query.get("sso_error") {
            let failure = SsoFailure::parse(&key).unwrap_or(SsoFailure::ProviderError);
            return Some(view! {
                <p class="notice notice-error" role="alert" data-sso-error=failure.key()>{failure.message()}</p>
            }
            .into_any());
        }
        query.get("linked").map(|slug| {
            view! { <p class="notice notice-success" role="status">{format!("Linked {slug}: you can now sign in with it.")}</p> }
                .into_any()
        })
    };
    view! {
        <section class="panel" aria-labelledby="sso-heading">
            <h2 id="sso-heading">"Single sign-on"</h2>
            {outcome}
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    identities
                        .get()
                        .map(|loaded| match loaded {
                            Ok(found) => view! { <IdentityList found/> }.into_any(),
                            Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any(),
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn IdentityList(found: OwnIdentities) -> impl IntoView {
    let linked_slugs: Vec<String> = found
        .linked
        .iter()
        .map(|l| l.provider_slug.clone())
        .collect();
    let linked = if found.linked.is_empty() {
        view! { <p class="muted">"No identity provider is linked to your account."</p> }.into_any()
    } else {
        let rows = found
            .linked
            .into_iter()
            .map(|l| {
                view! {
                    <tr>
                        <td>{l.provider_display_name}</td>
                        <td>{l.linked_at.format("%Y-%m-%d %H:%M UTC").to_string()}</td>
                        <td>{l.last_sign_in_at.format("%Y-%m-%d %H:%M UTC").to_string()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Provider"</th>
                        <th scope="col">"Linked"</th>
                        <th scope="col">"Last used"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let buttons = found
        .available
        .into_iter()
        .filter(|p| !linked_slugs.contains(&p.slug))
        .map(|p| {
            let action = format!("/auth/sso/{}/link", p.slug);
            view! {
                <form method="post" action=action class="inline-form">
                    <button type="submit" class="button button-secondary">{format!("Link {}", p.display_name)}</button>
                </form>
            }
        })
        .collect_view();
    view! {
        {linked}
        <div class="action-row">{buttons}</div>
    }
}
