//! Signing in through an identity provider, once the transport has verified the ID token:
//! who the identity is (linked by issuer and subject, or by a verified email to an invited
//! user), whether they may come in (allowed domains, provisioning mode, deactivation), and
//! what the provider's groups make of their role and teams.

use crate::dto::{IdpPreset, Provisioning, RoleManagedBy, SsoFailure, TeamMemberRole, UserStatus};
use crate::ids::{IdentityProviderId, UserId};
use crate::permissions::BuiltinRole;
use crate::sso::{domain_allowed, mapped_role, mapped_teams, mapping_groups};
use crate::ssr::auth::{Authenticator, SignedIn};
use crate::ssr::entities::{identity_provider, role, team, team_member, user, user_identity};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::grant_rule::{Giver, Holdings, lacking};
use crate::ssr::oidc::{OidcError, PendingSso, SsoCallback, SsoSignedIn, same_secret};
use crate::ssr::scope_identity_providers::{CLIENT_SECRET_PURPOSE, redirect_url, rules_of};
use crate::ssr::scope_teams::MEMBERSHIP_BY_SSO;
use crate::ssr::services::is_admin_role;
use crate::ssr::users::{builtin_role, insert_passwordless_user};
use crate::validation::normalize_email;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use std::collections::BTreeSet;

/// What the transport needs to run the OIDC protocol with one provider. Holds the client
/// secret in clear: keep it in memory for the request, never log it (`Debug` leaves it out).
pub struct ProviderConnection {
    pub id: IdentityProviderId,
    pub slug: String,
    pub preset: IdpPreset,
    pub issuer_url: String,
    pub client_id: String,
    pub client_secret: String,
    pub scopes: Vec<String>,
    /// The claim to read groups from; `None`: map by hosted domain and email domain.
    pub groups_claim: Option<String>,
    pub redirect_url: String,
}

impl std::fmt::Debug for ProviderConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderConnection")
            .field("slug", &self.slug)
            .field("issuer_url", &self.issuer_url)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// An identity as a verified ID token states it. The transport has checked the issuer,
/// audience, signature, expiry and nonce; this is what the token said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedIdentity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    /// The groups claim's values (`None` when the provider has no groups claim configured).
    pub groups: Option<Vec<String>>,
    /// Google's `hd` (hosted domain) claim.
    pub hosted_domain: Option<String>,
}

impl Authenticator<'_> {
    /// Starts a sign-in through provider `slug`: the URL to send the browser to, and the
    /// transaction the transport keeps in the browser's session until the callback.
    pub async fn begin_sso(
        &self,
        slug: &str,
        next: Option<String>,
    ) -> DomainResult<(String, PendingSso)> {
        let provider = self.sso_provider(slug).await.map_err(|e| match e {
            DomainError::NotFound(_) => DomainError::SignInRefused(SsoFailure::UnknownProvider),
            other => other,
        })?;
        let oidc = self.oidc()?;
        let request = oidc
            .authorization_request(&provider)
            .await
            .map_err(|e| protocol_refusal(&provider.slug, e))?;
        tracing::info!(provider = %provider.slug, "single sign-on started");
        Ok((
            request.url,
            PendingSso {
                slug: provider.slug,
                state: request.state,
                nonce: request.nonce,
                pkce_verifier: request.pkce_verifier,
                next,
                started_at: Utc::now().timestamp(),
                link_for: None,
            },
        ))
    }

    /// Finishes a sign-in at the callback of provider `slug`. `pending` is what the browser's
    /// session held (the transport has already removed it, so it serves once). Checks, in
    /// order: a transaction exists for this provider, the provider did not refuse, `state`
    /// matches, the transaction is fresh; then redeems the code (the port verifies the ID
    /// token) and signs the identity in with `complete_sso`. Every refusal is logged with its
    /// reason and never with a code, token or secret.
    pub async fn finish_sso(
        &self,
        slug: &str,
        pending: Option<PendingSso>,
        callback: SsoCallback,
    ) -> DomainResult<SsoSignedIn> {
        let refuse = |failure: SsoFailure, reason: &str| {
            tracing::warn!(provider = slug, reason, "single sign-on refused");
            DomainError::SignInRefused(failure)
        };
        let Some(pending) = pending.filter(|p| p.slug == slug) else {
            return Err(refuse(
                SsoFailure::NoTransaction,
                "no sign-in in flight for this browser and provider (missing, replayed or foreign state)",
            ));
        };
        if let Some(error) = callback.error.as_deref() {
            let failure = if error == "access_denied" {
                SsoFailure::Cancelled
            } else {
                SsoFailure::ProviderError
            };
            // The error code is OAuth's fixed vocabulary; keep it short in the log.
            let code: String = error.chars().take(64).collect();
            return Err(refuse(
                failure,
                &format!("provider answered error {code:?}"),
            ));
        }
        let Some(state) = callback.state.as_deref() else {
            return Err(refuse(SsoFailure::StateMismatch, "callback without state"));
        };
        if !same_secret(state, &pending.state) {
            return Err(refuse(SsoFailure::StateMismatch, "state does not match"));
        }
        let age = Utc::now().timestamp() - pending.started_at;
        if age
            > self
                .services()
                .config()
                .sso_transaction_lifetime
                .num_seconds()
        {
            return Err(refuse(
                SsoFailure::Expired,
                &format!("sign-in started {age} s ago"),
            ));
        }
        let Some(code) = callback.code.as_deref().filter(|c| !c.is_empty()) else {
            return Err(refuse(SsoFailure::ProviderError, "callback without code"));
        };
        let provider = self.sso_provider(slug).await.map_err(|e| match e {
            DomainError::NotFound(_) => refuse(
                SsoFailure::UnknownProvider,
                "provider deleted or disabled during the sign-in",
            ),
            other => other,
        })?;
        if callback
            .iss
            .as_deref()
            .is_some_and(|iss| iss != provider.issuer_url)
        {
            return Err(refuse(
                SsoFailure::TokenRejected,
                "the response names another issuer (iss)",
            ));
        }
        let identity = self
            .oidc()?
            .redeem(&provider, code, &pending.pkce_verifier, &pending.nonce)
            .await
            .map_err(|e| protocol_refusal(&provider.slug, e))?;
        if let Some(user_id) = pending.link_for {
            self.link_identity(provider.id, identity, user_id).await?;
            return Ok(SsoSignedIn {
                user_id: UserId(user_id),
                next: Some("/profile".into()),
                linked: true,
            });
        }
        let signed_in = self.complete_sso(provider.id, identity).await?;
        Ok(SsoSignedIn {
            user_id: signed_in.user_id,
            next: pending.next,
            linked: false,
        })
    }

    fn oidc(&self) -> DomainResult<&dyn crate::ssr::oidc::OidcClient> {
        self.services()
            .config()
            .oidc
            .as_deref()
            .ok_or_else(|| DomainError::Internal("no OpenID Connect client configured".into()))
    }

    /// The enabled provider `slug` of the default tenant, ready for the protocol.
    pub async fn sso_provider(&self, slug: &str) -> DomainResult<ProviderConnection> {
        let services = self.services();
        let db = services.db();
        let tenant = services.default_tenant(db).await?;
        let found = identity_provider::Entity::find()
            .filter(identity_provider::Column::TenantId.eq(tenant.id))
            .filter(identity_provider::Column::Slug.eq(slug))
            .filter(identity_provider::Column::Enabled.eq(true))
            .one(db)
            .await?
            .ok_or_else(|| DomainError::NotFound("Identity provider".into()))?;
        let client_secret = services
            .secret()
            .unseal(CLIENT_SECRET_PURPOSE, &found.sealed_client_secret)
            .ok_or_else(|| {
                DomainError::Internal(format!(
                    "the client secret of identity provider {} cannot be read (was LATCHKEY_SECRET changed?)",
                    found.slug
                ))
            })?;
        Ok(ProviderConnection {
            id: IdentityProviderId(found.id),
            redirect_url: redirect_url(services.config(), &found.slug),
            preset: IdpPreset::parse(&found.preset).unwrap_or(IdpPreset::Generic),
            scopes: found
                .scopes
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            groups_claim: found.groups_claim,
            issuer_url: found.issuer_url,
            client_id: found.client_id,
            client_secret,
            slug: found.slug,
        })
    }

    /// Completes a sign-in through provider `provider_id` once the ID token is verified: finds
    /// or (just in time) creates the user, applies the role and team rules, and answers who to
    /// start a session for. Refusals are `SignInRefused`, saying why.
    pub async fn complete_sso(
        &self,
        provider_id: IdentityProviderId,
        identity: VerifiedIdentity,
    ) -> DomainResult<SignedIn> {
        let services = self.services();
        let txn = services.begin_write().await?;
        let provider = identity_provider::Entity::find_by_id(provider_id.0)
            .filter(identity_provider::Column::Enabled.eq(true))
            .one(&txn)
            .await?
            .ok_or_else(|| DomainError::NotFound("Identity provider".into()))?;
        let refuse = |why: &str, failure: SsoFailure| {
            tracing::warn!(provider = %provider.slug, reason = why, "single sign-on refused");
            DomainError::SignInRefused(failure)
        };
        let Some(email) = identity
            .email
            .as_deref()
            .and_then(|e| normalize_email("email", e).ok())
        else {
            return Err(refuse(
                "no usable email claim",
                SsoFailure::EmailNotVerified,
            ));
        };
        if !identity.email_verified {
            return Err(refuse("email not verified", SsoFailure::EmailNotVerified));
        }
        let allowed = allowed_domains(&provider);
        if !domain_allowed(&allowed, &email) {
            return Err(refuse(
                "email domain not allowed",
                SsoFailure::DomainNotAllowed,
            ));
        }

        let now = Utc::now();
        let linked = identity_link(&txn, provider.tenant_id, &identity).await?;
        let existing = match &linked {
            Some(link) => user::Entity::find_by_id(link.user_id).one(&txn).await?,
            None => {
                let by_email = user::Entity::find()
                    .filter(user::Column::TenantId.eq(provider.tenant_id))
                    .filter(user::Column::Email.eq(email.as_str()))
                    .one(&txn)
                    .await?;
                match by_email {
                    // An email is linked only to an invitation nobody has taken up: whoever
                    // controls an issuer (or a provider's configuration) could otherwise sign
                    // in as any user with that address, Admins included. Anyone else links a
                    // provider from their Profile while signed in.
                    Some(found) if !awaits_first_sign_in(&txn, &found).await? => {
                        return Err(refuse(
                            "an account with this email exists and has signed in before (or has a password or another identity)",
                            SsoFailure::AccountExists,
                        ));
                    }
                    other => other,
                }
            }
        };
        let groups = mapping_groups(
            identity.groups.as_deref(),
            identity.hosted_domain.as_deref(),
            &email,
        );
        let (role_rules, team_rules) = rules_of(&txn, provider.id).await?;
        // The rules hand out what their author could give, as that author is now.
        let author = match provider.rules_author_id {
            Some(id) => user::Entity::find_by_id(id).one(&txn).await?,
            None => None,
        };
        let giver = Giver::user(&txn, author).await?;
        let member = builtin_role(&txn, provider.tenant_id, BuiltinRole::Member).await?;
        // The role the rules give: the first matching rule's, or Member when none matches;
        // `None` when the rules' author cannot give it (a refused rule changes nobody's role).
        let ruled = match mapped_role(&role_rules, &groups) {
            Some(name) => role::Entity::find()
                .filter(role::Column::TenantId.eq(provider.tenant_id))
                .filter(role::Column::Name.eq(name))
                .one(&txn)
                .await?
                .ok_or_else(|| DomainError::Internal(format!("mapped role {name} is missing")))?,
            None => member.clone(),
        };
        let mapped = if gives(&txn, &giver, &Holdings::of_role(&txn, &ruled).await?).await? {
            Some(ruled)
        } else {
            tracing::warn!(provider = %provider.slug, role = %ruled.name, "single sign-on skipped a role rule: its author does not hold what the role grants");
            None
        };

        let signed_in = match existing {
            Some(found) => {
                if UserStatus::parse(&found.status) != Some(UserStatus::Active) {
                    return Err(refuse("user deactivated", SsoFailure::Deactivated));
                }
                let user_id = found.id;
                if let Some(mapped) = &mapped {
                    follow_role_mapping(&txn, &giver, found, mapped, &provider.slug).await?;
                }
                user_id
            }
            None => {
                if Provisioning::parse(&provider.provisioning) != Some(Provisioning::JustInTime) {
                    return Err(refuse(
                        "not invited (invite-only provider)",
                        SsoFailure::NotInvited,
                    ));
                }
                // A new user gets the mapped role, or Member; either must be the rules'
                // author's to give, like any role handed out.
                let role = match mapped {
                    Some(found) => found,
                    None if gives(&txn, &giver, &Holdings::of_role(&txn, &member).await?)
                        .await? =>
                    {
                        member
                    }
                    None => {
                        return Err(refuse(
                            "the provider's rules author cannot give the Member role (not invited)",
                            SsoFailure::NotInvited,
                        ));
                    }
                };
                let display_name = identity
                    .name
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| email.split('@').next().unwrap_or_default())
                    .chars()
                    .take(crate::validation::DISPLAY_NAME_MAX)
                    .collect::<String>();
                let created = insert_passwordless_user(
                    &txn,
                    provider.tenant_id,
                    email.clone(),
                    display_name,
                    role.id,
                    RoleManagedBy::Group,
                )
                .await?;
                tracing::info!(provider = %provider.slug, user = created.id, role = %role.name, "user created at first single sign-on");
                created.id
            }
        };
        match linked {
            Some(link) => {
                let mut active: user_identity::ActiveModel = link.into();
                active.last_sign_in_at = Set(now);
                active.update(&txn).await?;
            }
            None => {
                user_identity::ActiveModel {
                    tenant_id: Set(provider.tenant_id),
                    user_id: Set(signed_in),
                    provider_id: Set(provider.id),
                    issuer: Set(identity.issuer.clone()),
                    subject: Set(identity.subject.clone()),
                    created_at: Set(now),
                    last_sign_in_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
        }
        let (entitled, managed) = mapped_teams(&team_rules, &groups);
        follow_team_mapping(
            &txn,
            &giver,
            &provider.slug,
            provider.tenant_id,
            signed_in,
            &entitled,
            &managed,
        )
        .await?;
        user::Entity::update_many()
            .col_expr(
                user::Column::LastLoginAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(user::Column::Id.eq(signed_in))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        tracing::info!(provider = %provider.slug, user = signed_in, "single sign-on");
        Ok(SignedIn {
            user_id: UserId(signed_in),
        })
    }
}

impl Authenticator<'_> {
    /// Links a verified identity to `user_id`, who started the link while signed in (Profile):
    /// both proofs are theirs, so no email needs to match. Refused when the identity already
    /// belongs to someone else, when its email domain is not allowed, or when the user is
    /// gone or deactivated. Roles and teams follow the rules at the next sign-in, as for
    /// anyone else.
    pub(crate) async fn link_identity(
        &self,
        provider_id: IdentityProviderId,
        identity: VerifiedIdentity,
        user_id: i64,
    ) -> DomainResult<()> {
        let txn = self.services().begin_write().await?;
        let provider = identity_provider::Entity::find_by_id(provider_id.0)
            .filter(identity_provider::Column::Enabled.eq(true))
            .one(&txn)
            .await?
            .ok_or_else(|| DomainError::NotFound("Identity provider".into()))?;
        let refuse = |why: &str, failure: SsoFailure| {
            tracing::warn!(provider = %provider.slug, user = user_id, reason = why, "identity link refused");
            DomainError::SignInRefused(failure)
        };
        let found = user::Entity::find_by_id(user_id)
            .filter(user::Column::TenantId.eq(provider.tenant_id))
            .one(&txn)
            .await?;
        let Some(found) =
            found.filter(|u| UserStatus::parse(&u.status) == Some(UserStatus::Active))
        else {
            return Err(refuse("user gone or deactivated", SsoFailure::Deactivated));
        };
        let allowed = allowed_domains(&provider);
        let email = identity
            .email
            .as_deref()
            .and_then(|e| normalize_email("email", e).ok());
        if !allowed.is_empty()
            && !email
                .as_deref()
                .is_some_and(|e| domain_allowed(&allowed, e))
        {
            return Err(refuse(
                "email domain not allowed",
                SsoFailure::DomainNotAllowed,
            ));
        }
        let now = Utc::now();
        let existing = identity_link(&txn, provider.tenant_id, &identity).await?;
        match existing {
            Some(link) if link.user_id != found.id => {
                return Err(refuse(
                    "identity already linked to another user",
                    SsoFailure::IdentityTaken,
                ));
            }
            Some(_) => {}
            None => {
                user_identity::ActiveModel {
                    tenant_id: Set(provider.tenant_id),
                    user_id: Set(found.id),
                    provider_id: Set(provider.id),
                    issuer: Set(identity.issuer.clone()),
                    subject: Set(identity.subject.clone()),
                    created_at: Set(now),
                    last_sign_in_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
        }
        txn.commit().await?;
        tracing::info!(provider = %provider.slug, user = found.id, "identity linked from the profile");
        Ok(())
    }
}

/// Logs a protocol failure (its text is safe to log: the port never puts a token, code or
/// secret in it) and turns it into what the person reads.
fn protocol_refusal(slug: &str, error: OidcError) -> DomainError {
    tracing::warn!(provider = slug, reason = %error, "single sign-on refused");
    DomainError::SignInRefused(match error {
        OidcError::Unreachable(_) => SsoFailure::ProviderUnreachable,
        OidcError::Rejected(_) => SsoFailure::TokenRejected,
    })
}

/// Gives `found` the mapped role, unless their role was set by hand (seed 002: a manual change
/// takes precedence and is never undone by SSO), the rules' author could not change this
/// user's role by hand (they hold more than the author: the rule for acting on a user), or the
/// change would demote the last active Admin.
async fn follow_role_mapping(
    db: &impl ConnectionTrait,
    giver: &Giver,
    found: user::Model,
    mapped: &role::Model,
    provider: &str,
) -> DomainResult<()> {
    if RoleManagedBy::parse(&found.role_managed_by) == Some(RoleManagedBy::Manual)
        || found.role_id == mapped.id
    {
        return Ok(());
    }
    if !gives(db, giver, &Holdings::of_user(db, &found).await?).await? {
        tracing::warn!(
            user = found.id,
            provider,
            "single sign-on kept a role: the rules' author does not hold everything this user holds"
        );
        return Ok(());
    }
    let current = role::Entity::find_by_id(found.role_id).one(db).await?;
    if current.as_ref().is_some_and(is_admin_role) && !is_admin_role(mapped) {
        let other_admins = user::Entity::find()
            .filter(user::Column::TenantId.eq(found.tenant_id))
            .filter(user::Column::RoleId.eq(found.role_id))
            .filter(user::Column::Status.eq(UserStatus::Active.as_str()))
            .filter(user::Column::Id.ne(found.id))
            .count(db)
            .await?;
        if other_admins == 0 {
            tracing::warn!(
                user = found.id,
                provider,
                "single sign-on kept the last active Admin an Admin"
            );
            return Ok(());
        }
    }
    let user_id = found.id;
    let mut active: user::ActiveModel = found.into();
    active.role_id = Set(mapped.id);
    active.role_managed_by = Set(RoleManagedBy::Group.as_str().into());
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    tracing::info!(user = user_id, role = %mapped.name, provider, "role set by single sign-on");
    Ok(())
}

/// A provider's allowed email domains, as stored (comma-separated).
fn allowed_domains(provider: &identity_provider::Model) -> Vec<String> {
    provider
        .allowed_domains
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .collect()
}

/// The link of this (issuer, subject) in the tenant, if any.
async fn identity_link(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    identity: &VerifiedIdentity,
) -> DomainResult<Option<user_identity::Model>> {
    Ok(user_identity::Entity::find()
        .filter(user_identity::Column::TenantId.eq(tenant_id))
        .filter(user_identity::Column::Issuer.eq(identity.issuer.as_str()))
        .filter(user_identity::Column::Subject.eq(identity.subject.as_str()))
        .one(db)
        .await?)
}

/// Whether `giver` holds all of `holdings`.
async fn gives(
    db: &impl ConnectionTrait,
    giver: &Giver,
    holdings: &Holdings,
) -> DomainResult<bool> {
    Ok(lacking(db, giver, holdings).await?.is_empty())
}

/// An invited user who has never signed in, set no password and has no identity yet: the only
/// account a first single sign-on may take up by email.
async fn awaits_first_sign_in(
    db: &impl ConnectionTrait,
    found: &user::Model,
) -> DomainResult<bool> {
    if found.last_login_at.is_some() || found.password_hash.is_some() {
        return Ok(false);
    }
    let identities = user_identity::Entity::find()
        .filter(user_identity::Column::UserId.eq(found.id))
        .count(db)
        .await?;
    Ok(identities == 0)
}

/// Puts the user in every `entitled` team (where the rules' author may give what the team
/// holds) and takes them out of the `managed` teams they are no longer entitled to, where
/// single sign-on put them; memberships added by hand stay.
async fn follow_team_mapping(
    db: &impl ConnectionTrait,
    giver: &Giver,
    provider: &str,
    tenant_id: i64,
    user_id: i64,
    entitled: &BTreeSet<&str>,
    managed: &BTreeSet<&str>,
) -> DomainResult<()> {
    if managed.is_empty() {
        return Ok(());
    }
    let teams = team::Entity::find()
        .filter(team::Column::TenantId.eq(tenant_id))
        .filter(team::Column::Name.is_in(managed.iter().copied()))
        .all(db)
        .await?;
    let memberships = team_member::Entity::find()
        .filter(team_member::Column::UserId.eq(user_id))
        .filter(team_member::Column::TeamId.is_in(teams.iter().map(|t| t.id)))
        .all(db)
        .await?;
    let now = Utc::now();
    for found in &teams {
        let membership = memberships.iter().find(|m| m.team_id == found.id);
        let wanted = entitled.contains(found.name.as_str());
        match (wanted, membership) {
            (true, None) => {
                if !gives(
                    db,
                    giver,
                    &Holdings::of_team(db, found, TeamMemberRole::Member).await?,
                )
                .await?
                {
                    tracing::warn!(user = user_id, team = %found.name, provider, "single sign-on skipped a team rule: its author no longer holds what the team grants");
                    continue;
                }
                team_member::ActiveModel {
                    team_id: Set(found.id),
                    user_id: Set(user_id),
                    role: Set(TeamMemberRole::Member.as_str().into()),
                    added_at: Set(now),
                    source: Set(MEMBERSHIP_BY_SSO.into()),
                }
                .insert(db)
                .await?;
                tracing::info!(user = user_id, team = %found.name, "joined a team by single sign-on");
            }
            (false, Some(m)) if m.source == MEMBERSHIP_BY_SSO => {
                team_member::Entity::delete_many()
                    .filter(team_member::Column::TeamId.eq(m.team_id))
                    .filter(team_member::Column::UserId.eq(user_id))
                    .exec(db)
                    .await?;
                tracing::info!(user = user_id, team = %found.name, "left a team by single sign-on");
            }
            _ => {}
        }
    }
    Ok(())
}
