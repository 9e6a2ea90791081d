//! Single sign-on rules that need no database: checking a provider's configuration, and what
//! an identity provider's groups map to. The services (`ssr`) apply them; the console uses
//! them to check a form before sending it.

use crate::dto::{IdentityProviderInput, IdpPreset, RoleMappingRule, TeamMappingRule};
use crate::validation::{FieldError, check_provider_slug, normalize_display_name};
use std::collections::BTreeSet;

pub const CLIENT_ID_MAX: usize = 256;
pub const CLIENT_SECRET_MAX: usize = 1024;
pub const ISSUER_URL_MAX: usize = 512;
pub const GROUP_MAX: usize = 256;
pub const CLAIM_MAX: usize = 64;
pub const RULES_MAX: usize = 100;

/// The groups an identity presents for mapping: the provider's groups claim when it has one;
/// without one (Google), the hosted domain (`hd`) and the email's domain, so rules can say
/// "everyone at example.com".
pub fn mapping_groups(
    groups_claim: Option<&[String]>,
    hosted_domain: Option<&str>,
    email: &str,
) -> BTreeSet<String> {
    match groups_claim {
        Some(groups) => groups.iter().map(|g| g.trim().to_string()).collect(),
        None => hosted_domain
            .map(str::to_ascii_lowercase)
            .into_iter()
            .chain(email_domain(email))
            .collect(),
    }
}

/// The part after the last `@`, lowercased.
pub fn email_domain(email: &str) -> Option<String> {
    email
        .rsplit_once('@')
        .map(|(_, domain)| domain.to_ascii_lowercase())
        .filter(|d| !d.is_empty())
}

/// The role the first rule whose group is held gives, if any (none: the default, Member).
pub fn mapped_role<'r>(rules: &'r [RoleMappingRule], groups: &BTreeSet<String>) -> Option<&'r str> {
    rules
        .iter()
        .find(|rule| groups.contains(&rule.group))
        .map(|rule| rule.role.as_str())
}

/// The teams the rules put a holder of `groups` in, and the teams the rules manage at all
/// (a mapped team the user is no longer entitled to is one to leave).
pub fn mapped_teams<'r>(
    rules: &'r [TeamMappingRule],
    groups: &BTreeSet<String>,
) -> (BTreeSet<&'r str>, BTreeSet<&'r str>) {
    let entitled = rules
        .iter()
        .filter(|rule| groups.contains(&rule.group))
        .map(|rule| rule.team.as_str())
        .collect();
    let managed = rules.iter().map(|rule| rule.team.as_str()).collect();
    (entitled, managed)
}

/// Whether `email` may sign in under `allowed_domains` (empty: any domain).
pub fn domain_allowed(allowed_domains: &[String], email: &str) -> bool {
    allowed_domains.is_empty()
        || email_domain(email).is_some_and(|domain| allowed_domains.contains(&domain))
}

/// Checks and normalizes a provider's configuration (names of roles and teams in the rules are
/// checked against the tenant by the services). `creating`: a client secret is required.
pub fn check_provider_input(
    input: IdentityProviderInput,
    creating: bool,
) -> Result<IdentityProviderInput, FieldError> {
    let slug = check_provider_slug("slug", &input.slug)?;
    let display_name = normalize_display_name("display_name", &input.display_name)?;
    let issuer_url = check_issuer_url(&input.issuer_url)?;
    let client_id = input.client_id.trim().to_string();
    if client_id.is_empty() || client_id.len() > CLIENT_ID_MAX {
        return Err(FieldError::new(
            "client_id",
            format!(
                "Enter the client id the provider gave you (at most {CLIENT_ID_MAX} characters)."
            ),
        ));
    }
    let client_secret = match input.client_secret.as_deref().map(str::trim) {
        Some(secret) if !secret.is_empty() => {
            if secret.len() > CLIENT_SECRET_MAX {
                return Err(FieldError::new(
                    "client_secret",
                    format!("A client secret has at most {CLIENT_SECRET_MAX} characters."),
                ));
            }
            Some(secret.to_string())
        }
        _ if creating => {
            return Err(FieldError::new(
                "client_secret",
                "Enter the client secret the provider gave you.",
            ));
        }
        _ => None,
    };
    let mut scopes: Vec<String> = Vec::new();
    for scope in input.scopes.iter().flat_map(|s| s.split_whitespace()) {
        let well_formed = scope
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\');
        if !well_formed || scope.len() > CLAIM_MAX {
            return Err(FieldError::new(
                "scopes",
                format!("\"{scope}\" is not a valid scope."),
            ));
        }
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_string());
        }
    }
    if !scopes.iter().any(|s| s == "openid") {
        return Err(FieldError::new(
            "scopes",
            "The scopes must include openid (OpenID Connect needs it).",
        ));
    }
    let groups_claim = match input.groups_claim.as_deref().map(str::trim) {
        Some("") | None => None,
        Some(claim) => {
            let well_formed = claim.len() <= CLAIM_MAX
                && claim
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.' | '/'));
            if !well_formed {
                return Err(FieldError::new(
                    "groups_claim",
                    "A claim name has letters, digits and _ - : . / only (for example groups).",
                ));
            }
            Some(claim.to_string())
        }
    };
    let mut allowed_domains: Vec<String> = Vec::new();
    for raw in input
        .allowed_domains
        .iter()
        .flat_map(|d| d.split([',', ' ', '\n']))
    {
        let domain = raw.trim().trim_start_matches('@').to_ascii_lowercase();
        if domain.is_empty() {
            continue;
        }
        let well_formed = domain.contains('.')
            && domain.len() <= 253
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !well_formed {
            return Err(FieldError::new(
                "allowed_domains",
                format!("\"{domain}\" is not an email domain (for example example.com)."),
            ));
        }
        if !allowed_domains.contains(&domain) {
            allowed_domains.push(domain);
        }
    }
    // Google vouches for every Google account in the world: enabled without a hosted domain
    // to match, it would let anyone with a Gmail address sign in (or be created just in time).
    if input.preset == IdpPreset::Google && input.enabled && allowed_domains.is_empty() {
        return Err(FieldError::new(
            "allowed_domains",
            "Google signs in any Google account: list your organisation's domains (its hosted domains, hd) before enabling it.",
        ));
    }
    let role_mappings = check_rules(
        "role_mappings",
        input.role_mappings,
        |rule| (&rule.group, &rule.role),
        |group, role| RoleMappingRule { group, role },
    )?;
    let team_mappings = check_rules(
        "team_mappings",
        input.team_mappings,
        |rule| (&rule.group, &rule.team),
        |group, team| TeamMappingRule { group, team },
    )?;
    Ok(IdentityProviderInput {
        slug,
        preset: input.preset,
        display_name,
        issuer_url,
        client_id,
        client_secret,
        scopes,
        groups_claim,
        allowed_domains,
        provisioning: input.provisioning,
        enabled: input.enabled,
        role_mappings,
        team_mappings,
    })
}

/// Trims each rule, drops wholly empty ones (a blank row of the form), and refuses half-filled
/// ones and too many.
fn check_rules<R>(
    field: &str,
    rules: Vec<R>,
    parts: impl Fn(&R) -> (&String, &String),
    build: impl Fn(String, String) -> R,
) -> Result<Vec<R>, FieldError> {
    let mut checked = Vec::new();
    for rule in &rules {
        let (group, target) = parts(rule);
        let (group, target) = (group.trim(), target.trim());
        if group.is_empty() && target.is_empty() {
            continue;
        }
        if group.is_empty() || target.is_empty() {
            return Err(FieldError::new(
                field,
                "Each rule needs both an IdP group and what it maps to.",
            ));
        }
        if group.len() > GROUP_MAX {
            return Err(FieldError::new(
                field,
                format!("A group name has at most {GROUP_MAX} characters."),
            ));
        }
        checked.push(build(group.to_string(), target.to_string()));
    }
    if checked.len() > RULES_MAX {
        return Err(FieldError::new(
            field,
            format!("At most {RULES_MAX} rules."),
        ));
    }
    Ok(checked)
}

/// An issuer URL: https, or http on a loopback host (a test or development provider). No
/// query or fragment; a trailing slash is kept, because OIDC compares issuers exactly.
pub fn check_issuer_url(raw: &str) -> Result<String, FieldError> {
    let issuer = raw.trim();
    let refuse = |why: &str| Err(FieldError::new("issuer_url", why));
    if issuer.is_empty() {
        return refuse("Enter the issuer URL (the provider's OpenID Connect address).");
    }
    if issuer.len() > ISSUER_URL_MAX {
        return refuse("The issuer URL is too long.");
    }
    let Some((scheme, rest)) = issuer.split_once("://") else {
        return refuse("The issuer URL must start with https://.");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => authority,
    };
    let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    match scheme {
        "https" => {}
        "http" if loopback => {}
        _ => return refuse("The issuer URL must start with https:// (http only for localhost)."),
    }
    if host.is_empty() || issuer.contains(['?', '#', ' ']) {
        return refuse("The issuer URL is a plain address: no spaces, query or fragment.");
    }
    Ok(issuer.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::{IdpPreset, Provisioning};

    fn input() -> IdentityProviderInput {
        IdentityProviderInput {
            slug: "okta".into(),
            preset: IdpPreset::Okta,
            display_name: "Okta".into(),
            issuer_url: "https://example.okta.com/oauth2/default".into(),
            client_id: "0oa1".into(),
            client_secret: Some("s3cret".into()),
            scopes: vec!["openid email profile groups".into()],
            groups_claim: Some("groups".into()),
            allowed_domains: vec!["Example.com, @corp.example.com".into()],
            provisioning: Provisioning::JustInTime,
            enabled: true,
            role_mappings: vec![RoleMappingRule {
                group: " admins ".into(),
                role: "tenant-admin".into(),
            }],
            team_mappings: vec![TeamMappingRule {
                group: String::new(),
                team: String::new(),
            }],
        }
    }

    #[test]
    fn a_good_configuration_is_normalized() {
        let checked = check_provider_input(input(), true).expect("valid");
        assert_eq!(checked.scopes, ["openid", "email", "profile", "groups"]);
        assert_eq!(checked.allowed_domains, ["example.com", "corp.example.com"]);
        assert_eq!(checked.role_mappings[0].group, "admins");
        assert!(checked.team_mappings.is_empty());
    }

    #[test]
    fn bad_fields_are_named() {
        let field = |edit: fn(&mut IdentityProviderInput), creating: bool| {
            let mut bad = input();
            edit(&mut bad);
            check_provider_input(bad, creating)
                .expect_err("invalid")
                .field
        };
        assert_eq!(field(|i| i.slug = "Okta Prod".into(), true), "slug");
        assert_eq!(
            field(|i| i.issuer_url = "http://idp.example.com".into(), true),
            "issuer_url"
        );
        assert_eq!(
            field(
                |i| i.issuer_url = "https://idp.example.com?x=1".into(),
                true
            ),
            "issuer_url"
        );
        assert_eq!(field(|i| i.client_id = " ".into(), true), "client_id");
        assert_eq!(field(|i| i.client_secret = None, true), "client_secret");
        assert_eq!(field(|i| i.scopes = vec!["email".into()], true), "scopes");
        assert_eq!(
            field(|i| i.groups_claim = Some("gr oups".into()), true),
            "groups_claim"
        );
        assert_eq!(
            field(|i| i.allowed_domains = vec!["nodot".into()], true),
            "allowed_domains"
        );
        assert_eq!(
            field(|i| i.role_mappings[0].role = String::new(), true),
            "role_mappings"
        );
        // Editing keeps the stored secret when none is given.
        let mut keep = input();
        keep.client_secret = None;
        assert!(check_provider_input(keep, false).is_ok());
        // A loopback issuer may use plain http (test and development providers).
        let mut local = input();
        local.issuer_url = "http://127.0.0.1:4455".into();
        assert!(check_provider_input(local, true).is_ok());
    }

    #[test]
    fn the_first_matching_role_rule_wins() {
        let rules = vec![
            RoleMappingRule {
                group: "admins".into(),
                role: "tenant-admin".into(),
            },
            RoleMappingRule {
                group: "staff".into(),
                role: "team-manager".into(),
            },
        ];
        let groups = |names: &[&str]| names.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            mapped_role(&rules, &groups(&["staff", "admins"])),
            Some("tenant-admin")
        );
        assert_eq!(
            mapped_role(&rules, &groups(&["staff"])),
            Some("team-manager")
        );
        assert_eq!(mapped_role(&rules, &groups(&["other"])), None);
    }

    #[test]
    fn without_a_groups_claim_domains_stand_in() {
        let groups = mapping_groups(None, Some("Example.com"), "ann@mail.example.com");
        assert_eq!(
            groups.into_iter().collect::<Vec<_>>(),
            ["example.com", "mail.example.com"]
        );
        assert!(domain_allowed(&[], "x@y.z"));
        assert!(domain_allowed(&["y.z".into()], "x@Y.Z"));
        assert!(!domain_allowed(&["y.z".into()], "x@evil.z"));
    }

    #[test]
    fn team_rules_say_what_to_join_and_what_they_manage() {
        let rules = vec![
            TeamMappingRule {
                group: "ml".into(),
                team: "ml-engineers".into(),
            },
            TeamMappingRule {
                group: "data".into(),
                team: "data-platform".into(),
            },
        ];
        let groups = ["ml".to_string()].into_iter().collect();
        let (entitled, managed) = mapped_teams(&rules, &groups);
        assert_eq!(entitled.into_iter().collect::<Vec<_>>(), ["ml-engineers"]);
        assert_eq!(managed.len(), 2);
    }
}
