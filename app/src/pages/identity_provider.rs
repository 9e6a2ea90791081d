use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::confirm::ConfirmButton;
use crate::components::copy_field::CopyField;
use crate::components::field_error::{FieldCheck, FieldErrorText};
use crate::components::notice::{
    Confirmation, ErrorNotice, NotFoundCopy, action_error, found_or_not_found,
};
use crate::components::route::id_param;
use crate::components::shell::Me;
use crate::components::subject_picker::SubjectPicker;
use crate::components::text_field::TextField;
use crate::server_fns::identity_providers::{
    CreateIdentityProvider, DeleteIdentityProvider, TestIdentityProvider, UpdateIdentityProvider,
    get_identity_provider,
};
use crate::server_fns::roles::list_roles;
use domain::dto::{
    ConnectionTest, IdentityProviderInput, IdentityProviderView, IdpPreset, Provisioning,
    RoleMappingRule, SubjectKind, SubjectSuggestion, TeamMappingRule,
};
use domain::ids::IdentityProviderId;
use domain::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

/// /settings/identity-providers/new: a new provider, its fields filled from a preset.
#[component]
pub fn NewIdentityProviderPage() -> impl IntoView {
    view! {
        <Title text="Add identity provider"/>
        <Breadcrumbs parent_href="/settings/identity-providers" parent_label="Identity Providers" current="Add identity provider"/>
        <h1>"Add identity provider"</h1>
        <ProviderForm existing=None/>
    }
}

/// /settings/identity-providers/:id: a provider's configuration, its redirect URL, and delete.
#[component]
pub fn IdentityProviderPage() -> impl IntoView {
    let id = id_param(IdentityProviderId);
    let provider = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_identity_provider(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading identity provider…"</p> }>
            {move || {
                provider
                    .get()
                    .map(|result| {
                        found_or_not_found(
                            result,
                            NotFoundCopy {
                                title: "Identity provider not found",
                                message: "There is no such identity provider in this tenant.",
                                back_href: "/settings/identity-providers",
                                back_label: "Back to identity providers",
                            },
                            |found| view! { <ProviderDetail provider=found/> }.into_any(),
                        )
                    })
            }}
        </Transition>
    }
}

#[component]
fn ProviderDetail(provider: IdentityProviderView) -> impl IntoView {
    let me = expect_context::<Me>();
    let query = use_query_map();
    let just_created = query.read_untracked().get("created").is_some();
    let delete = ServerAction::<DeleteIdentityProvider>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            navigate("/settings/identity-providers", Default::default());
        }
    });
    let id = provider.id;
    let name = provider.display_name.clone();
    view! {
        <Title text=name.clone()/>
        <Breadcrumbs parent_href="/settings/identity-providers" parent_label="Identity Providers" current=name.clone()/>
        <h1>{name.clone()}</h1>
        <Show when=move || just_created>
            <p class="notice notice-success" role="status">
                "Identity provider added. Register the redirect URL below at the provider."
            </p>
        </Show>
        <ProviderForm existing=Some(provider)/>
        <Show when=move || me.can(Permission::ManageIdentityProviders)>
            <section class="panel danger-zone" aria-labelledby="danger-zone-title">
                <h2 id="danger-zone-title">"Danger zone"</h2>
                <p class="help">
                    "Its button leaves the login page and its users' links to it are removed; the users stay and can sign in another way."
                </p>
                <ConfirmButton
                    label="Delete identity provider"
                    question=format!("Delete {name}? Nobody can sign in through it any more.")
                    confirm_label="Delete identity provider"
                    on_confirm=Callback::new(move |_| {
                        delete.dispatch(DeleteIdentityProvider { id });
                    })
                />
                <ErrorNotice error=action_error(delete)/>
            </section>
        </Show>
    }
}

/// One editable mapping rule: an IdP group and the role or team it maps to.
#[derive(Clone, Copy)]
struct RuleRow {
    key: u32,
    group: RwSignal<String>,
    target: RwSignal<String>,
}

fn rule_rows(
    rules: impl IntoIterator<Item = (String, String)>,
    next_key: &mut u32,
) -> Vec<RuleRow> {
    rules
        .into_iter()
        .map(|(group, target)| {
            *next_key += 1;
            RuleRow {
                key: *next_key,
                group: RwSignal::new(group),
                target: RwSignal::new(target),
            }
        })
        .collect()
}

#[component]
fn ProviderForm(existing: Option<IdentityProviderView>) -> impl IntoView {
    let me = expect_context::<Me>();
    let may_edit = me.can(Permission::ManageIdentityProviders);
    let create = ServerAction::<CreateIdentityProvider>::new();
    let update = ServerAction::<UpdateIdentityProvider>::new();
    let test = ServerAction::<TestIdentityProvider>::new();
    let navigate = use_navigate();
    let editing = existing.as_ref().map(|p| p.id);
    let has_secret = existing.as_ref().is_some_and(|p| p.has_client_secret);

    let start = existing.clone();
    let text = |f: fn(&IdentityProviderView) -> String| start.as_ref().map(f).unwrap_or_default();
    let preset = RwSignal::new(start.as_ref().map_or(IdpPreset::Okta, |p| p.preset));
    let slug = RwSignal::new(text(|p| p.slug.clone()));
    let display_name = RwSignal::new(text(|p| p.display_name.clone()));
    let issuer_url = RwSignal::new(text(|p| p.issuer_url.clone()));
    let saved_issuer = start.as_ref().map(|p| p.issuer_url.clone());
    let client_id = RwSignal::new(text(|p| p.client_id.clone()));
    let client_secret = RwSignal::new(String::new());
    let scopes = RwSignal::new(start.as_ref().map_or_else(
        || IdpPreset::Okta.default_scopes().join(" "),
        |p| p.scopes.join(" "),
    ));
    let groups_claim = RwSignal::new(start.as_ref().map_or_else(
        || {
            IdpPreset::Okta
                .default_groups_claim()
                .unwrap_or_default()
                .to_string()
        },
        |p| p.groups_claim.clone().unwrap_or_default(),
    ));
    let allowed_domains = RwSignal::new(text(|p| p.allowed_domains.join(", ")));
    let provisioning = RwSignal::new(
        start
            .as_ref()
            .map_or(Provisioning::JustInTime, |p| p.provisioning),
    );
    let enabled = RwSignal::new(start.as_ref().is_none_or(|p| p.enabled));
    let mut next_key = 0u32;
    let role_rules = RwSignal::new(rule_rows(
        start
            .as_ref()
            .map(|p| p.role_mappings.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.group, r.role)),
        &mut next_key,
    ));
    let team_rules = RwSignal::new(rule_rows(
        start
            .as_ref()
            .map(|p| p.team_mappings.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|t| (t.group, t.team)),
        &mut next_key,
    ));
    let next_key = StoredValue::new(next_key);
    let add_rule = move |rules: RwSignal<Vec<RuleRow>>| {
        next_key.update_value(|k| *k += 1);
        let key = next_key.get_value();
        rules.update(|rows| {
            rows.push(RuleRow {
                key,
                group: RwSignal::new(String::new()),
                target: RwSignal::new(String::new()),
            })
        });
    };

    // A preset fills in what it knows; on a new provider only, so an edit never loses fields.
    let choose_preset = move |chosen: IdpPreset| {
        preset.set(chosen);
        if editing.is_some() {
            return;
        }
        scopes.set(chosen.default_scopes().join(" "));
        groups_claim.set(
            chosen
                .default_groups_claim()
                .unwrap_or_default()
                .to_string(),
        );
        if let Some(fixed) = chosen.fixed_issuer() {
            issuer_url.set(fixed.to_string());
        } else if IdpPreset::ALL
            .iter()
            .any(|p| p.fixed_issuer() == Some(issuer_url.get_untracked().as_str()))
        {
            issuer_url.set(String::new());
        }
        if display_name.get_untracked().is_empty()
            || IdpPreset::ALL
                .iter()
                .any(|p| p.label() == display_name.get_untracked())
        {
            display_name.set(chosen.label().to_string());
        }
        if slug.get_untracked().is_empty()
            || IdpPreset::ALL
                .iter()
                .any(|p| p.key() == slug.get_untracked())
        {
            slug.set(chosen.key().to_string());
        }
    };

    // Role suggestions for the rule rows (teams are picked by name as one types), fetched once the page is live in the browser. They stay
    // out of server rendering altogether: a resource read here raced with the console's
    // Suspense boundary, which then streamed either its fallback or nothing, and the page
    // sometimes failed to hydrate. Both sides start with empty lists, so the markup agrees.
    let role_names = RwSignal::new(Vec::<(String, String)>::new());
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(roles) = list_roles().await {
                let tenant_roles = roles
                    .into_iter()
                    .filter(|r| r.resource_type.is_none())
                    .map(|r| (r.name, r.display_name))
                    .collect();
                // The page may be gone by now; then there is nothing to fill.
                let _ = role_names.try_set(tenant_roles);
            }
        });
    });

    let saved_update = move || matches!(update.value().get(), Some(Ok(_)));
    // Where the provider sends people back: shown once the provider exists, and kept current
    // when a save changes the slug.
    let registered = RwSignal::new(
        existing
            .as_ref()
            .map(|p| (p.redirect_url.clone(), p.slug.clone())),
    );
    Effect::new(move |_| {
        if let Some(Ok(saved)) = update.value().get() {
            registered.set(Some((saved.redirect_url, saved.slug)));
        }
    });
    let error = Signal::derive(move || {
        let latest = if editing.is_some() {
            update.value().get().map(|r| r.map(drop))
        } else {
            create.value().get().map(|r| r.map(drop))
        };
        latest.and_then(Result::err)
    });
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            navigate(
                &format!("/settings/identity-providers/{}?created=1", created.id.0),
                Default::default(),
            );
        }
    });
    let issuer_check = FieldCheck::new(error, "issuer_url", "idp-issuer");
    let pending = move || create.pending().get() || update.pending().get();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let secret = client_secret.get_untracked();
        let input = IdentityProviderInput {
            slug: slug.get_untracked(),
            preset: preset.get_untracked(),
            display_name: display_name.get_untracked(),
            issuer_url: issuer_url.get_untracked(),
            client_id: client_id.get_untracked(),
            client_secret: Some(secret).filter(|s| !s.trim().is_empty()),
            scopes: vec![scopes.get_untracked()],
            groups_claim: Some(groups_claim.get_untracked()).filter(|c| !c.trim().is_empty()),
            allowed_domains: vec![allowed_domains.get_untracked()],
            provisioning: provisioning.get_untracked(),
            enabled: enabled.get_untracked(),
            role_mappings: role_rules
                .get_untracked()
                .iter()
                .map(|row| RoleMappingRule {
                    group: row.group.get_untracked(),
                    role: row.target.get_untracked(),
                })
                .collect(),
            team_mappings: team_rules
                .get_untracked()
                .iter()
                .map(|row| TeamMappingRule {
                    group: row.group.get_untracked(),
                    team: row.target.get_untracked(),
                })
                .collect(),
        };
        // The secret field empties once sent, so it is never kept in the page.
        client_secret.set(String::new());
        match editing {
            Some(id) => {
                update.dispatch(UpdateIdentityProvider { id, input });
            }
            None => {
                create.dispatch(CreateIdentityProvider { input });
            }
        }
    };
    let secret_help = if has_secret {
        "Set. Leave empty to keep it; it is never shown again."
    } else {
        "Write-only: stored encrypted, never shown again."
    };
    view! {
        {move || {
            registered
                .get()
                .map(|(redirect_url, slug)| {
                    view! {
                        <section class="panel" aria-labelledby="redirect-title">
                            <h2 id="redirect-title">"Register at the provider"</h2>
                            <dl class="details">
                                <dt>"Redirect URL"</dt>
                                <dd>
                                    <CopyField id="redirect-url" label="Redirect URL" value=redirect_url test_id="redirect-url"/>
                                </dd>
                                <dt>"Sign-in URL"</dt>
                                <dd class="mono copyable">{format!("/auth/sso/{slug}/start")}</dd>
                            </dl>
                            <p class="help">
                                "The provider must allow this exact redirect URL for the client ID below, and send the groups claim in the ID token if rules use groups."
                            </p>
                        </section>
                    }
                })
        }}
        <form class="form panel provider-form" on:submit=submit aria-label="Identity provider">
            <fieldset class="form" disabled=!may_edit>
                <div class="form-columns">
                    <div class="field">
                        <label for="idp-preset">"Kind"</label>
                        <select
                            id="idp-preset"
                            aria-describedby="idp-preset-help"
                            on:change=move |ev| {
                                if let Some(chosen) = IdpPreset::parse(&event_target_value(&ev)) {
                                    choose_preset(chosen);
                                }
                            }
                        >
                            {IdpPreset::ALL
                                .into_iter()
                                .map(|p| {
                                    view! {
                                        <option value=p.key() selected=move || preset.get() == p>
                                            {p.label()}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                        <p class="help" id="idp-preset-help">
                            {move || match preset.get() {
                                IdpPreset::Google => "Google has no groups claim: rules match the Workspace domain (hd) and the email domain.",
                                IdpPreset::AzureAd => "Add the optional ID token claims email, xms_edov and groups in the app registration.",
                                IdpPreset::Okta => "Use an authorization server whose ID tokens carry a groups claim.",
                                IdpPreset::Keycloak => "Add a Group Membership mapper (claim name groups, full path off) to the client.",
                                IdpPreset::Generic => "Any OpenID Connect provider with discovery.",
                            }}
                        </p>
                    </div>
                    <TextField
                        id="idp-display-name"
                        check=FieldCheck::new(error, "display_name", "idp-display-name")
                        label="Display name"
                        value=display_name
                        required=true
                        maxlength=64
                        help="On the login button: \"Sign in with …\"."
                    />
                    <TextField
                        id="idp-slug"
                        check=FieldCheck::new(error, "slug", "idp-slug")
                        label="Slug"
                        value=slug
                        required=true
                        maxlength=64
                        help="Lowercase letters, digits and hyphens; part of the redirect URL, so changing it means registering the new URL."
                    />
                </div>
                <div class="field">
                    <label for="idp-issuer">"Issuer URL"</label>
                    <div class="inline-form">
                        <input
                            id="idp-issuer"
                            type="url"
                            required
                            class="grow"
                            placeholder=move || preset.get().issuer_hint()
                            aria-invalid=move || issuer_check.invalid()
                            aria-describedby=move || issuer_check.described_by(Some("idp-issuer-help"))
                            prop:value=move || issuer_url.get()
                            on:input=move |ev| issuer_url.set(event_target_value(&ev))
                        />
                        <button
                            type="button"
                            class="button button-secondary"
                            disabled=move || test.pending().get()
                            on:click=move |_| {
                                test.dispatch(TestIdentityProvider {
                                    issuer_url: issuer_url.get_untracked(),
                                });
                            }
                        >
                            {move || if test.pending().get() { "Testing…" } else { "Test connection" }}
                        </button>
                    </div>
                    <p class="help" id="idp-issuer-help">
                        "Its discovery document is at /.well-known/openid-configuration under this address. https, or http on localhost."
                    </p>
                    <FieldErrorText check=issuer_check/>
                    {move || {
                        let changed = saved_issuer
                            .as_deref()
                            .is_some_and(|saved| saved != issuer_url.get().trim());
                        changed
                            .then(|| {
                                view! {
                                    <p class="notice notice-warning" role="note">
                                        "A new issuer is a new provider: enter the client secret it gave you, and everyone linked through this provider is unlinked when you save (they link again from their Profile)."
                                    </p>
                                }
                            })
                    }}
                    <ErrorNotice error=action_error(test)/>
                    {move || test.value().get().and_then(Result::ok).map(|outcome| view! { <ConnectionReport outcome/> })}
                </div>
                <div class="form-columns">
                    <TextField
                        id="idp-client-id"
                        check=FieldCheck::new(error, "client_id", "idp-client-id")
                        label="Client ID"
                        value=client_id
                        required=true
                        autocomplete="off"
                    />
                    <TextField
                        id="idp-client-secret"
                        check=FieldCheck::new(error, "client_secret", "idp-client-secret")
                        label="Client secret"
                        value=client_secret
                        input_type="password"
                        required=!has_secret
                        autocomplete="new-password"
                        help=secret_help
                    />
                    <TextField
                        id="idp-scopes"
                        check=FieldCheck::new(error, "scopes", "idp-scopes")
                        label="Scopes"
                        value=scopes
                        required=true
                        help="Separated by spaces; openid is required."
                    />
                    <TextField
                        id="idp-groups-claim"
                        check=FieldCheck::new(error, "groups_claim", "idp-groups-claim")
                        label="Groups claim"
                        value=groups_claim
                        help="The ID token claim listing the person's groups. Empty: rules match the hosted domain (hd) and email domain instead."
                    />
                    <TextField
                        id="idp-domains"
                        check=FieldCheck::new(error, "allowed_domains", "idp-domains")
                        label="Allowed email domains"
                        value=allowed_domains
                        placeholder="example.com, corp.example.com"
                        help="Separated by commas. Empty: any domain the provider vouches for."
                    />
                    <div class="field">
                        <label for="idp-provisioning">"New users"</label>
                        <select
                            id="idp-provisioning"
                            on:change=move |ev| {
                                if let Some(mode) = Provisioning::parse(&event_target_value(&ev)) {
                                    provisioning.set(mode);
                                }
                            }
                        >
                            <option
                                value=Provisioning::JustInTime.key()
                                selected=move || provisioning.get() == Provisioning::JustInTime
                            >
                                "Just in time: created at their first sign-in"
                            </option>
                            <option
                                value=Provisioning::InviteOnly.key()
                                selected=move || provisioning.get() == Provisioning::InviteOnly
                            >
                                "Invite only: only invited users may sign in"
                            </option>
                        </select>
                    </div>
                </div>
                {move || {
                    let open = provisioning.get() == Provisioning::JustInTime
                        && allowed_domains.get().trim().is_empty();
                    open.then(|| {
                        view! {
                            <p class="notice notice-warning" role="note">
                                "Just in time with no allowed email domains: anyone this provider vouches for gets an account here. List your domains, or choose invite only."
                            </p>
                        }
                    })
                }}
                <div class="checkbox">
                    <input
                        id="idp-enabled"
                        type="checkbox"
                        prop:checked=move || enabled.get()
                        on:change=move |ev| enabled.set(event_target_checked(&ev))
                    />
                    <label for="idp-enabled">"Enabled"</label>
                    <p class="help">"Shown on the login page, and accepted at its redirect URL."</p>
                </div>
                <RuleEditor
                    legend="Role mapping"
                    help="IdP group -> tenant role. The first rule whose group the person is in wins; with none, Member. A role set by hand on the user's page is never changed by sign-in."
                    target_label="Role"
                    target_list="idp-role-names"
                    rules=role_rules
                    on_add=Callback::new(move |_| add_rule(role_rules))
                />
                <RuleEditor
                    legend="Team mapping"
                    help="IdP group -> team. People join every mapped team whose group they are in and leave it when the group is gone; teams joined by hand are left alone."
                    target_label="Team"
                    target_list=""
                    team_picker=true
                    rules=team_rules
                    on_add=Callback::new(move |_| add_rule(team_rules))
                />
                <datalist id="idp-role-names">
                    <For
                        each=move || role_names.get()
                        key=|(name, _)| name.clone()
                        children=|(name, display_name)| view! { <option value=name>{display_name}</option> }
                    />
                </datalist>
            </fieldset>
            <ErrorNotice error=error/>
            <Show when=saved_update>
                <Confirmation>"Saved."</Confirmation>
            </Show>
            <Show
                when=move || may_edit
                fallback=|| view! { <p class="muted">"You need identity-provider:ManageIdentityProviders to change providers."</p> }
            >
                <div class="form-actions">
                    <button type="submit" class="button button-primary" disabled=pending>
                        {if editing.is_some() { "Save identity provider" } else { "Add identity provider" }}
                    </button>
                </div>
            </Show>
        </form>
    }
}

/// The rows of one kind of mapping rule, each removable, with a button to add another.
#[component]
fn RuleEditor(
    legend: &'static str,
    help: &'static str,
    target_label: &'static str,
    target_list: &'static str,
    rules: RwSignal<Vec<RuleRow>>,
    on_add: Callback<()>,
    /// The target is a team, picked by name as one types (`target_list` is then unused).
    #[prop(optional)]
    team_picker: bool,
) -> impl IntoView {
    view! {
        <fieldset class="rules">
            <legend>{legend}</legend>
            <p class="help">{help}</p>
            <Show when=move || rules.with(Vec::is_empty)>
                <p class="muted">"No rules."</p>
            </Show>
            <For each=move || rules.get() key=|row| row.key let:row>
                <div class="rule-row" role="group" aria-label=format!("{legend} rule")>
                    <label class="visually-hidden" for=format!("rule-{}-group", row.key)>"IdP group"</label>
                    <input
                        id=format!("rule-{}-group", row.key)
                        type="text"
                        placeholder="IdP group"
                        prop:value=move || row.group.get()
                        on:input=move |ev| row.group.set(event_target_value(&ev))
                    />
                    <span aria-hidden="true">"->"</span>
                    <label class="visually-hidden" for=format!("rule-{}-target", row.key)>{target_label}</label>
                    {if team_picker {
                        view! {
                            <SubjectPicker
                                id=format!("rule-{}-target", row.key)
                                value=row.target
                                kinds=vec![SubjectKind::Team]
                                placeholder=target_label
                                on_pick=Callback::new(move |picked: SubjectSuggestion| row.target.set(picked.label))
                            />
                        }
                            .into_any()
                    } else {
                        view! {
                            <input
                                id=format!("rule-{}-target", row.key)
                                type="text"
                                list=target_list
                                placeholder=target_label
                                prop:value=move || row.target.get()
                                on:input=move |ev| row.target.set(event_target_value(&ev))
                            />
                        }
                            .into_any()
                    }}
                    <button
                        type="button"
                        class="button button-secondary"
                        on:click=move |_| rules.update(|rows| rows.retain(|r| r.key != row.key))
                    >
                        "Remove rule"
                    </button>
                </div>
            </For>
            <button type="button" class="button button-secondary" on:click=move |_| on_add.run(())>
                {format!("Add {} rule", legend.to_lowercase())}
            </button>
        </fieldset>
    }
}

/// What "Test connection" found.
#[component]
fn ConnectionReport(outcome: ConnectionTest) -> impl IntoView {
    match outcome {
        ConnectionTest::Failed { reason } => view! {
            <div class="notice notice-error connection-report" role="status">
                <strong>"Could not read the provider's configuration. "</strong>
                {reason}
            </div>
        }
        .into_any(),
        ConnectionTest::Reached(found) => {
            let list = |items: Vec<String>| {
                if items.is_empty() {
                    "(not listed)".to_string()
                } else {
                    items.join(", ")
                }
            };
            view! {
                <div class="notice notice-success connection-report" role="status">
                    <strong>"Connected: the discovery document and signing keys were read."</strong>
                    <dl class="details">
                        <dt>"Issuer"</dt>
                        <dd class="mono">{found.issuer}</dd>
                        <dt>"Authorization endpoint"</dt>
                        <dd class="mono">{found.authorization_endpoint}</dd>
                        <dt>"Token endpoint"</dt>
                        <dd class="mono">{found.token_endpoint.unwrap_or_else(|| "(none: sign-in cannot work)".into())}</dd>
                        <dt>"Signing keys"</dt>
                        <dd>{found.signing_keys}</dd>
                        <dt>"PKCE (S256)"</dt>
                        <dd>{if found.supports_pkce_s256 { "Offered" } else { "Not advertised (Latchkey sends it anyway)" }}</dd>
                        <dt>"Scopes"</dt>
                        <dd>{list(found.scopes_supported)}</dd>
                        <dt>"Claims"</dt>
                        <dd>{list(found.claims_supported)}</dd>
                    </dl>
                </div>
            }
            .into_any()
        }
    }
}
