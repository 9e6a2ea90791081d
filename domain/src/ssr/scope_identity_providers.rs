//! Settings > Identity Providers: the tenant's OIDC providers and their mapping rules. The
//! client secret is write-only: sealed when stored, never returned, never logged.

use crate::dto::TeamMemberRole;
use crate::dto::{
    ConnectionTest, IdentityProviderInput, IdentityProviderView, IdpPreset, LinkedIdentity,
    OwnIdentities, Provisioning, RoleMappingRule, SignInOption, SignInOptions, TeamMappingRule,
};
use crate::ids::{IdentityProviderId, TenantId};
use crate::sso::{check_issuer_url, check_provider_input};
use crate::ssr::actor::UserActor;
use crate::ssr::auth::Authenticator;
use crate::ssr::authorize::{Operation, authorize};
use crate::ssr::entities::{
    identity_provider, identity_provider_role_mapping, identity_provider_team_mapping, role, team,
    user_identity,
};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::grant_rule::{Holdings, refuse_beyond};
use crate::ssr::oidc::PendingSso;
use crate::ssr::scope::Scope;
use crate::ssr::scope_roles::role_grant_refusal;
use crate::ssr::scope_teams::joining_context;
use crate::ssr::scope_tokens::load_security_settings;
use crate::ssr::services::{ServicesConfig, role_permissions};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use std::collections::BTreeMap;

/// The sealing purpose of stored client secrets.
pub(crate) const CLIENT_SECRET_PURPOSE: &str = "identity-provider-client-secret";

impl Scope<'_> {
    /// Every identity provider of the tenant, by display name.
    pub async fn list_identity_providers(&self) -> DomainResult<Vec<IdentityProviderView>> {
        let me = authorize(self.actor, Operation::ListIdentityProviders)?;
        let db = self.services.db();
        let rows = identity_provider::Entity::find()
            .filter(identity_provider::Column::TenantId.eq(me.tenant_id.0))
            .order_by_asc(identity_provider::Column::DisplayName)
            .order_by_asc(identity_provider::Column::Id)
            .all(db)
            .await?;
        let mut views = Vec::with_capacity(rows.len());
        for row in rows {
            views.push(view(db, self.services.config(), row).await?);
        }
        Ok(views)
    }

    /// One provider's configuration (its secret only as "set").
    pub async fn get_identity_provider(
        &self,
        id: IdentityProviderId,
    ) -> DomainResult<IdentityProviderView> {
        let me = authorize(self.actor, Operation::ListIdentityProviders)?;
        let db = self.services.db();
        let found = find_provider(db, me, id).await?;
        view(db, self.services.config(), found).await
    }

    /// Adds a provider. Its role rules hand roles to people nobody has vetted yet, so they
    /// follow the rule for assigning a role: only an Admin may map a group to a role holding
    /// permissions the actor lacks (or to Admin).
    pub async fn create_identity_provider(
        &self,
        input: IdentityProviderInput,
    ) -> DomainResult<IdentityProviderView> {
        let me = authorize(self.actor, Operation::CreateIdentityProvider)?;
        let input = check_provider_input(input, true)?;
        let txn = self.services.begin_write().await?;
        refuse_taken_slug(&txn, me, &input.slug, None).await?;
        let rules = resolve_rules(&txn, me, &input).await?;
        let secret = input
            .client_secret
            .as_deref()
            .ok_or_else(|| DomainError::validation("client_secret", "Enter the client secret."))?;
        let now = Utc::now();
        let created = identity_provider::ActiveModel {
            tenant_id: Set(me.tenant_id.0),
            slug: Set(input.slug.clone()),
            preset: Set(input.preset.key().into()),
            display_name: Set(input.display_name.clone()),
            issuer_url: Set(input.issuer_url.clone()),
            client_id: Set(input.client_id.clone()),
            sealed_client_secret: Set(self.services.secret().seal(CLIENT_SECRET_PURPOSE, secret)),
            scopes: Set(input.scopes.join(" ")),
            groups_claim: Set(input.groups_claim.clone()),
            allowed_domains: Set(input.allowed_domains.join(",")),
            provisioning: Set(input.provisioning.key().into()),
            enabled: Set(input.enabled),
            rules_author_id: Set(Some(me.user_id.0)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        store_rules(&txn, created.id, rules).await?;
        let result = view(&txn, self.services.config(), created).await?;
        self.finish(txn).await?;
        tracing::info!(provider = %result.slug, issuer = %result.issuer_url, by = me.user_id.0, "identity provider created");
        Ok(result)
    }

    /// Replaces a provider's configuration and rules; without a new client secret the stored
    /// one is kept, unless the issuer changes: then a new secret is required and the identities
    /// linked through the provider are dropped. The actor becomes the rules' author, whose
    /// holdings bound what the rules hand out at every later sign-in.
    pub async fn update_identity_provider(
        &self,
        id: IdentityProviderId,
        input: IdentityProviderInput,
    ) -> DomainResult<IdentityProviderView> {
        let me = authorize(self.actor, Operation::UpdateIdentityProvider)?;
        let input = check_provider_input(input, false)?;
        let txn = self.services.begin_write().await?;
        let found = find_provider(&txn, me, id).await?;
        refuse_taken_slug(&txn, me, &input.slug, Some(found.id)).await?;
        if found.enabled && !input.enabled {
            refuse_removing_last_provider(&txn, me.tenant_id, found.id, "enabled").await?;
        }
        let rules = resolve_rules(&txn, me, &input).await?;
        // A new issuer is a different provider: the stored secret was issued by the old one
        // and must not be sent to the new one's token endpoint, and the old issuer's subjects
        // mean nothing at the new one, so their links go.
        let issuer_changed = found.issuer_url != input.issuer_url;
        if issuer_changed && input.client_secret.is_none() {
            return Err(DomainError::validation(
                "client_secret",
                "The issuer changed: enter the client secret the new issuer gave you (the stored one belongs to the old issuer).",
            ));
        }
        let unlinked = if issuer_changed {
            user_identity::Entity::delete_many()
                .filter(user_identity::Column::ProviderId.eq(found.id))
                .exec(&txn)
                .await?
                .rows_affected
        } else {
            0
        };
        let mut active: identity_provider::ActiveModel = found.into();
        active.rules_author_id = Set(Some(me.user_id.0));
        active.slug = Set(input.slug.clone());
        active.preset = Set(input.preset.key().into());
        active.display_name = Set(input.display_name.clone());
        active.issuer_url = Set(input.issuer_url.clone());
        active.client_id = Set(input.client_id.clone());
        if let Some(secret) = input.client_secret.as_deref() {
            active.sealed_client_secret =
                Set(self.services.secret().seal(CLIENT_SECRET_PURPOSE, secret));
        }
        active.scopes = Set(input.scopes.join(" "));
        active.groups_claim = Set(input.groups_claim.clone());
        active.allowed_domains = Set(input.allowed_domains.join(","));
        active.provisioning = Set(input.provisioning.key().into());
        active.enabled = Set(input.enabled);
        active.updated_at = Set(Utc::now());
        let updated = active.update(&txn).await?;
        identity_provider_role_mapping::Entity::delete_many()
            .filter(identity_provider_role_mapping::Column::ProviderId.eq(updated.id))
            .exec(&txn)
            .await?;
        identity_provider_team_mapping::Entity::delete_many()
            .filter(identity_provider_team_mapping::Column::ProviderId.eq(updated.id))
            .exec(&txn)
            .await?;
        store_rules(&txn, updated.id, rules).await?;
        let result = view(&txn, self.services.config(), updated).await?;
        self.finish(txn).await?;
        tracing::info!(provider = %result.slug, secret_replaced = input.client_secret.is_some(), identities_unlinked = unlinked, by = me.user_id.0, "identity provider updated");
        Ok(result)
    }

    /// Deletes a provider with its rules and the identities linked through it. The users stay;
    /// they sign in another way (or are invited to set a password).
    pub async fn delete_identity_provider(&self, id: IdentityProviderId) -> DomainResult<()> {
        let me = authorize(self.actor, Operation::DeleteIdentityProvider)?;
        let txn = self.services.begin_write().await?;
        let found = find_provider(&txn, me, id).await?;
        if found.enabled {
            refuse_removing_last_provider(&txn, me.tenant_id, found.id, "id").await?;
        }
        identity_provider::Entity::delete_by_id(found.id)
            .exec(&txn)
            .await?;
        self.finish(txn).await?;
        tracing::info!(provider = %found.slug, by = me.user_id.0, "identity provider deleted");
        Ok(())
    }
}

impl Scope<'_> {
    /// "Test connection": reads the discovery document and keys at `issuer_url` (typed in
    /// the form, saved or not) and reports what it found or why it failed. It makes the
    /// server fetch an address the actor chose, so it needs the permission to manage
    /// providers, and the address passes the same checks as a saved issuer.
    pub async fn test_identity_provider(&self, issuer_url: &str) -> DomainResult<ConnectionTest> {
        let me = authorize(self.actor, Operation::TestIdentityProvider)?;
        let issuer = check_issuer_url(issuer_url)?;
        let Some(oidc) = self.services.config().oidc.as_deref() else {
            return Ok(ConnectionTest::Failed {
                reason: "This server has no OpenID Connect client configured.".into(),
            });
        };
        let outcome = match oidc.discover(&issuer).await {
            Ok(found) => ConnectionTest::Reached(found),
            Err(e) => ConnectionTest::Failed {
                reason: e.to_string(),
            },
        };
        tracing::info!(issuer = %issuer, reached = matches!(outcome, ConnectionTest::Reached(_)), by = me.user_id.0, "identity provider connection tested");
        Ok(outcome)
    }
}

impl Scope<'_> {
    /// Profile > Single sign-on: the signed-in user's linked identities and the enabled
    /// providers they may link.
    pub async fn own_identities(&self) -> DomainResult<OwnIdentities> {
        let me = authorize(self.actor, Operation::LinkOwnIdentity)?;
        let db = self.services.db();
        let links = user_identity::Entity::find()
            .filter(user_identity::Column::UserId.eq(me.user_id.0))
            .order_by_asc(user_identity::Column::CreatedAt)
            .all(db)
            .await?;
        let providers: BTreeMap<i64, identity_provider::Model> = identity_provider::Entity::find()
            .filter(identity_provider::Column::TenantId.eq(me.tenant_id.0))
            .order_by_asc(identity_provider::Column::DisplayName)
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let linked = links
            .iter()
            .filter_map(|link| {
                let provider = providers.get(&link.provider_id)?;
                Some(LinkedIdentity {
                    provider_display_name: provider.display_name.clone(),
                    provider_slug: provider.slug.clone(),
                    linked_at: link.created_at,
                    last_sign_in_at: link.last_sign_in_at,
                })
            })
            .collect();
        let mut available: Vec<SignInOption> = providers
            .values()
            .filter(|p| p.enabled)
            .cloned()
            .map(SignInOption::from)
            .collect();
        available.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        Ok(OwnIdentities { linked, available })
    }

    /// Starts linking provider `slug` to the signed-in user's account: the URL to send the
    /// browser to, and the transaction the transport keeps in the session. The callback then
    /// links the identity the provider vouches for, whatever its email: the user proved both.
    pub async fn begin_identity_link(&self, slug: &str) -> DomainResult<(String, PendingSso)> {
        let me = authorize(self.actor, Operation::LinkOwnIdentity)?;
        let (url, mut pending) = self.services.auth().begin_sso(slug, None).await?;
        pending.link_for = Some(me.user_id.0);
        tracing::info!(
            provider = slug,
            user = me.user_id.0,
            "identity link started"
        );
        Ok((url, pending))
    }
}

impl Authenticator<'_> {
    /// What the login page offers: the default tenant's enabled providers, and whether the
    /// password form is shown to everyone.
    pub async fn sign_in_options(&self) -> DomainResult<SignInOptions> {
        let services = self.services();
        let db = services.db();
        let tenant = services.default_tenant(db).await?;
        let providers = identity_provider::Entity::find()
            .filter(identity_provider::Column::TenantId.eq(tenant.id))
            .filter(identity_provider::Column::Enabled.eq(true))
            .order_by_asc(identity_provider::Column::DisplayName)
            .all(db)
            .await?
            .into_iter()
            .map(SignInOption::from)
            .collect::<Vec<SignInOption>>();
        let settings = load_security_settings(db, TenantId(tenant.id)).await?;
        Ok(SignInOptions {
            // With no provider to offer, the form stays whatever the setting says.
            password_sign_in: settings.password_sign_in || providers.is_empty(),
            password_reset: services.mail_enabled(),
            providers,
        })
    }
}

/// Whether the tenant has an enabled provider other than `except`.
pub(crate) async fn has_enabled_identity_provider(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    except: Option<i64>,
) -> DomainResult<bool> {
    let mut query = identity_provider::Entity::find()
        .filter(identity_provider::Column::TenantId.eq(tenant.0))
        .filter(identity_provider::Column::Enabled.eq(true));
    if let Some(id) = except {
        query = query.filter(identity_provider::Column::Id.ne(id));
    }
    Ok(query.count(db).await? > 0)
}

/// With password sign-in off, the last enabled provider is the only way in for everyone but
/// Admins: it may not be disabled or deleted until password sign-in is back on.
async fn refuse_removing_last_provider(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    provider_id: i64,
    field: &str,
) -> DomainResult<()> {
    let settings = load_security_settings(db, tenant).await?;
    if !settings.password_sign_in
        && !has_enabled_identity_provider(db, tenant, Some(provider_id)).await?
    {
        return Err(DomainError::validation(
            field,
            "This is the only enabled identity provider and password sign-in is off: turn password sign-in on first (Settings > Security), or nobody but Admins could sign in.",
        ));
    }
    Ok(())
}

/// A provider of the actor's tenant; another tenant's id reads as not found.
async fn find_provider(
    db: &impl ConnectionTrait,
    me: &UserActor,
    id: IdentityProviderId,
) -> DomainResult<identity_provider::Model> {
    identity_provider::Entity::find_by_id(id.0)
        .filter(identity_provider::Column::TenantId.eq(me.tenant_id.0))
        .one(db)
        .await?
        .ok_or_else(|| DomainError::NotFound("Identity provider".into()))
}

async fn refuse_taken_slug(
    db: &impl ConnectionTrait,
    me: &UserActor,
    slug: &str,
    except: Option<i64>,
) -> DomainResult<()> {
    let mut query = identity_provider::Entity::find()
        .filter(identity_provider::Column::TenantId.eq(me.tenant_id.0))
        .filter(identity_provider::Column::Slug.eq(slug));
    if let Some(id) = except {
        query = query.filter(identity_provider::Column::Id.ne(id));
    }
    if query.count(db).await? > 0 {
        return Err(DomainError::validation(
            "slug",
            format!("Another identity provider already uses the slug {slug}."),
        ));
    }
    Ok(())
}

/// The rules with their roles and teams found: (group, role id) in order, (group, team id).
struct ResolvedRules {
    roles: Vec<(String, i64)>,
    teams: Vec<(String, i64)>,
}

/// Finds each rule's tenant role and team by name, naming the first unknown one, and refuses
/// role rules the actor could not assign by hand.
async fn resolve_rules(
    db: &impl ConnectionTrait,
    me: &UserActor,
    input: &IdentityProviderInput,
) -> DomainResult<ResolvedRules> {
    let mut roles = Vec::new();
    for rule in &input.role_mappings {
        let found = role::Entity::find()
            .filter(role::Column::TenantId.eq(me.tenant_id.0))
            .filter(role::Column::Name.eq(rule.role.as_str()))
            .filter(role::Column::ResourceType.is_null())
            .one(db)
            .await?
            .ok_or_else(|| {
                DomainError::validation(
                    "role_mappings",
                    format!("No tenant role is named {}.", rule.role),
                )
            })?;
        let permissions = role_permissions(db, &found).await?;
        if let Some(refusal) = role_grant_refusal(me, &found, &permissions) {
            return Err(DomainError::Forbidden(refusal));
        }
        roles.push((rule.group.clone(), found.id));
    }
    let mut teams = Vec::new();
    for rule in &input.team_mappings {
        let found = team::Entity::find()
            .filter(team::Column::TenantId.eq(me.tenant_id.0))
            .filter(team::Column::Name.eq(rule.team.as_str()))
            .one(db)
            .await?
            .ok_or_else(|| {
                DomainError::validation("team_mappings", format!("No team is named {}.", rule.team))
            })?;
        // A team rule adds people to the team at sign-in: joining follows the rule for
        // granting, as when the actor adds a member by hand.
        refuse_beyond(
            db,
            me,
            &Holdings::of_team(db, &found, TeamMemberRole::Member).await?,
            Some(joining_context(&found, TeamMemberRole::Member)),
        )
        .await?;
        teams.push((rule.group.clone(), found.id));
    }
    Ok(ResolvedRules { roles, teams })
}

async fn store_rules(
    db: &impl ConnectionTrait,
    provider_id: i64,
    rules: ResolvedRules,
) -> DomainResult<()> {
    for (position, (group, role_id)) in rules.roles.into_iter().enumerate() {
        identity_provider_role_mapping::ActiveModel {
            provider_id: Set(provider_id),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            idp_group: Set(group),
            role_id: Set(role_id),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for (group, team_id) in rules.teams {
        identity_provider_team_mapping::ActiveModel {
            provider_id: Set(provider_id),
            idp_group: Set(group),
            team_id: Set(team_id),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The stored rules of a provider, with role and team names.
pub(crate) async fn rules_of(
    db: &impl ConnectionTrait,
    provider_id: i64,
) -> DomainResult<(Vec<RoleMappingRule>, Vec<TeamMappingRule>)> {
    let role_rows = identity_provider_role_mapping::Entity::find()
        .filter(identity_provider_role_mapping::Column::ProviderId.eq(provider_id))
        .order_by_asc(identity_provider_role_mapping::Column::Position)
        .all(db)
        .await?;
    let team_rows = identity_provider_team_mapping::Entity::find()
        .filter(identity_provider_team_mapping::Column::ProviderId.eq(provider_id))
        .order_by_asc(identity_provider_team_mapping::Column::Id)
        .all(db)
        .await?;
    let role_names: BTreeMap<i64, String> = role::Entity::find()
        .filter(role::Column::Id.is_in(role_rows.iter().map(|r| r.role_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let team_names: BTreeMap<i64, String> = team::Entity::find()
        .filter(team::Column::Id.is_in(team_rows.iter().map(|t| t.team_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let roles = role_rows
        .into_iter()
        .filter_map(|r| {
            Some(RoleMappingRule {
                role: role_names.get(&r.role_id)?.clone(),
                group: r.idp_group,
            })
        })
        .collect();
    let teams = team_rows
        .into_iter()
        .filter_map(|t| {
            Some(TeamMappingRule {
                team: team_names.get(&t.team_id)?.clone(),
                group: t.idp_group,
            })
        })
        .collect();
    Ok((roles, teams))
}

/// Where a provider sends people back to: `{public URL}/auth/sso/{slug}/callback`.
pub(crate) fn redirect_url(config: &ServicesConfig, slug: &str) -> String {
    format!(
        "{}/auth/sso/{slug}/callback",
        config.public_url.trim_end_matches('/')
    )
}

fn split_list(stored: &str, separator: char) -> Vec<String> {
    stored
        .split(separator)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

async fn view(
    db: &impl ConnectionTrait,
    config: &ServicesConfig,
    row: identity_provider::Model,
) -> DomainResult<IdentityProviderView> {
    let (role_mappings, team_mappings) = rules_of(db, row.id).await?;
    Ok(IdentityProviderView {
        id: IdentityProviderId(row.id),
        redirect_url: redirect_url(config, &row.slug),
        preset: IdpPreset::parse(&row.preset).unwrap_or(IdpPreset::Generic),
        display_name: row.display_name,
        issuer_url: row.issuer_url,
        client_id: row.client_id,
        has_client_secret: !row.sealed_client_secret.is_empty(),
        scopes: split_list(&row.scopes, ' '),
        groups_claim: row.groups_claim,
        allowed_domains: split_list(&row.allowed_domains, ','),
        provisioning: Provisioning::parse(&row.provisioning).unwrap_or(Provisioning::InviteOnly),
        enabled: row.enabled,
        role_mappings,
        team_mappings,
        created_at: row.created_at,
        updated_at: row.updated_at,
        slug: row.slug,
    })
}

impl From<identity_provider::Model> for SignInOption {
    fn from(provider: identity_provider::Model) -> Self {
        SignInOption {
            preset: IdpPreset::parse(&provider.preset).unwrap_or(IdpPreset::Generic),
            slug: provider.slug,
            display_name: provider.display_name,
        }
    }
}
