//! The access decision against a reference model written here, on randomly generated tenants:
//! users with random roles, teams with random roles and members, clusters, workspaces and
//! repositories, and random grants to users and teams. For every user, resource and permission
//! the Check access answer must equal the model, and enforcement (opening the resource's page)
//! must agree with both. Then random grants attempted by non-Admins must never hand out a
//! permission the granter did not hold on that resource.

use crate::harness::{TestCtx, db_test};
use crate::resources::create;
use domain::dto::{
    AccessQuestion, IdentityProviderInput, IdpPreset, LinkDelivery, NewCollaborator, NewRole,
    NewTeam, NewTeamMembers, NewVirtualAccount, Provisioning, RoleChanges, RoleMappingRule,
    TeamChanges, TeamMappingRule, TeamMemberRole, UserKey, UserStatus,
};
use domain::ids::{IdentityProviderId, VirtualAccountId};
use domain::ids::{ResourceId, TeamId, UserId};
use domain::permissions::{BuiltinRole, Permission};
use domain::resources::ResourceType;
use domain::{DomainError, Scope};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};

/// The model: plain data, filled in as the test builds the tenant through the services.
#[derive(Default)]
struct Model {
    /// Role name -> (is Admin, permissions).
    roles: BTreeMap<String, (bool, BTreeSet<Permission>)>,
    users: Vec<ModelUser>,
    teams: Vec<ModelTeam>,
    resources: Vec<ModelResource>,
    /// (resource index, subject, role name)
    grants: Vec<(usize, ModelSubject, String)>,
    /// Virtual accounts: (name, owning team).
    accounts: Vec<(String, usize)>,
    /// Credentials a user holds for another account: a set-password link shown to them, a
    /// virtual account's token revealed to them. Whoever holds one holds what the account does.
    credentials: BTreeSet<(usize, Credential)>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Credential {
    User(usize),
    Account(usize),
}

struct ModelUser {
    id: UserId,
    email: String,
    role: String,
    active: bool,
}

struct ModelTeam {
    id: TeamId,
    name: String,
    role: Option<String>,
    /// Members, managers included.
    members: BTreeSet<usize>,
    managers: BTreeSet<usize>,
}

struct ModelResource {
    id: ResourceId,
    kind: ResourceType,
    parent: Option<usize>,
}

#[derive(Clone, PartialEq)]
enum ModelSubject {
    User(usize),
    Team(usize),
    Account(usize),
}

/// Every (user, permission) held tenant-wide, and every (user, resource, permission).
type Holdings = (
    BTreeSet<(usize, Permission)>,
    BTreeSet<(usize, usize, Permission)>,
);

/// What the delegated administrator role (`custom-<round>-0`) holds besides resource
/// permissions.
const MANAGER_PERMISSIONS: [Permission; 12] = [
    Permission::ListUsers,
    Permission::ManageUsers,
    Permission::ListRoles,
    Permission::ManageRoles,
    Permission::ReadTeam,
    Permission::ManageTeam,
    Permission::ReadWorkspace,
    Permission::ManageWorkspace,
    Permission::ListIdentityProviders,
    Permission::ManageIdentityProviders,
    Permission::ReadVirtualAccount,
    Permission::ManageVirtualAccount,
];

impl Model {
    fn role(&self, name: &str) -> &(bool, BTreeSet<Permission>) {
        &self.roles[name]
    }

    /// The tenant roles `u` holds: their own and their teams'.
    fn tenant_roles(&self, u: usize) -> Vec<&str> {
        let mut names = vec![self.users[u].role.as_str()];
        names.extend(
            self.teams
                .iter()
                .filter(|t| t.members.contains(&u))
                .filter_map(|t| t.role.as_deref()),
        );
        names
    }

    /// Whether active user `u` holds tenant permission `p` (any role of theirs is Admin or
    /// holds it).
    fn holds(&self, u: usize, p: Permission) -> bool {
        self.users[u].active
            && self.tenant_roles(u).into_iter().any(|name| {
                let (admin, permissions) = self.role(name);
                *admin || permissions.contains(&p)
            })
    }

    fn is_admin(&self, u: usize) -> bool {
        self.tenant_roles(u)
            .into_iter()
            .any(|name| self.role(name).0)
    }

    /// Every (user, permission) held tenant-wide and every (user, resource, permission) held
    /// on a resource, directly or through a credential for another account: what an
    /// operation may not hand out beyond its actor.
    fn holdings(&self) -> Holdings {
        let (own_tenant, own_resources) = self.own_holdings();
        let mut tenant = own_tenant.clone();
        let mut on_resources = own_resources.clone();
        for (holder, credential) in &self.credentials {
            match credential {
                Credential::User(x) => {
                    tenant.extend(
                        own_tenant
                            .iter()
                            .filter(|(u, _)| u == x)
                            .map(|(_, p)| (*holder, *p)),
                    );
                    on_resources.extend(
                        own_resources
                            .iter()
                            .filter(|(u, _, _)| u == x)
                            .map(|(_, r, p)| (*holder, *r, *p)),
                    );
                }
                Credential::Account(acc) => {
                    for (r, resource) in self.resources.iter().enumerate() {
                        for p in asked(resource.kind) {
                            if self.account_allows(*acc, r, p) {
                                on_resources.insert((*holder, r, p));
                            }
                        }
                    }
                }
            }
        }
        (tenant, on_resources)
    }

    /// What each user holds on their own account.
    fn own_holdings(&self) -> Holdings {
        let mut tenant = BTreeSet::new();
        let mut on_resources = BTreeSet::new();
        for u in 0..self.users.len() {
            for p in Permission::ALL {
                if self.holds(u, *p) {
                    tenant.insert((u, *p));
                }
            }
            for (r, resource) in self.resources.iter().enumerate() {
                for p in asked(resource.kind) {
                    if self.allows(u, r, p) {
                        on_resources.insert((u, r, p));
                    }
                }
            }
        }
        (tenant, on_resources)
    }

    /// A virtual account holds `p` on `r` through a grant on `r` or its parent.
    fn account_allows(&self, acc: usize, r: usize, p: Permission) -> bool {
        let places = [Some(r), self.resources[r].parent];
        self.grants.iter().any(|(on, subject, role)| {
            *subject == ModelSubject::Account(acc)
                && places.contains(&Some(*on))
                && self.role(role).1.contains(&p)
        })
    }

    /// The rule, written plainly: an active user holds `p` on resource `r` when any tenant
    /// role they hold (own or a team's) is Admin or holds `p`, or any grant on `r` or its
    /// parent, to them or a team of theirs, has a role holding `p`.
    fn allows(&self, u: usize, r: usize, p: Permission) -> bool {
        let user = &self.users[u];
        if !user.active {
            return false;
        }
        let teams: Vec<usize> = (0..self.teams.len())
            .filter(|t| self.teams[*t].members.contains(&u))
            .collect();
        let mut tenant_roles = vec![user.role.clone()];
        tenant_roles.extend(teams.iter().filter_map(|t| self.teams[*t].role.clone()));
        if tenant_roles.iter().any(|name| {
            let (admin, permissions) = self.role(name);
            *admin || permissions.contains(&p)
        }) {
            return true;
        }
        let places = [Some(r), self.resources[r].parent];
        self.grants.iter().any(|(on, subject, role)| {
            let for_them = match subject {
                ModelSubject::User(x) => *x == u,
                ModelSubject::Team(t) => teams.contains(t),
                ModelSubject::Account(_) => false,
            };
            for_them && places.contains(&Some(*on)) && self.role(role).1.contains(&p)
        })
    }
}

fn subject_text(model: &Model, subject: &ModelSubject) -> String {
    match subject {
        ModelSubject::User(u) => format!("user:{}", model.users[*u].email),
        ModelSubject::Team(t) => format!("team:{}", model.teams[*t].name),
        ModelSubject::Account(a) => format!("virtualaccount:{}", model.accounts[*a].0),
    }
}

/// The permissions worth asking about on a resource of `kind`.
fn asked(kind: ResourceType) -> Vec<Permission> {
    kind.grantable_permissions()
}

async fn build(ctx: &TestCtx, scope: &Scope<'_>, rng: &mut StdRng, round: usize) -> Model {
    let mut model = Model::default();
    let tenant = ctx.default_tenant().await;
    for builtin in BuiltinRole::ALL {
        let summary = scope
            .list_roles()
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.name == builtin.name())
            .unwrap();
        let permissions = summary
            .permissions
            .iter()
            .filter_map(|k| Permission::from_key(k))
            .collect();
        model.roles.insert(
            builtin.name().into(),
            (summary.all_permissions, permissions),
        );
    }
    // Two custom tenant roles with random resource permissions.
    let pool: Vec<Permission> = ResourceType::ALL
        .iter()
        .flat_map(|k| k.grantable_permissions())
        .collect();
    for n in 0..2 {
        let name = format!("custom-{round}-{n}");
        let mut permissions: BTreeSet<Permission> = pool.choose_multiple(rng, 3).copied().collect();
        if n == 0 {
            // A delegated administrator: manages users, roles and teams and holds Member's
            // defaults (so it may hand out Member), but is not Admin.
            permissions.extend(MANAGER_PERMISSIONS);
            permissions.extend(BuiltinRole::Member.default_permissions());
        }
        scope
            .create_role(NewRole {
                resource_type: None,
                name: name.clone(),
                display_name: name.clone(),
                description: "random".into(),
                permissions: permissions.iter().map(|p| p.key().to_string()).collect(),
            })
            .await
            .unwrap();
        model.roles.insert(name, (false, permissions));
    }
    for kind in ResourceType::ALL {
        for r in kind.builtin_roles() {
            model.roles.insert(
                r.name.into(),
                (false, r.permissions.iter().copied().collect()),
            );
        }
    }
    let tenant_role_names: Vec<String> = model
        .roles
        .keys()
        .filter(|n| BuiltinRole::from_name(n).is_some() || n.starts_with("custom-"))
        .cloned()
        .collect();
    // Users: mostly Members, some with other roles, one deactivated.
    for n in 0..5 {
        let role = if rng.gen_bool(0.5) {
            BuiltinRole::Member.name().to_string()
        } else {
            tenant_role_names.choose(rng).unwrap().clone()
        };
        let email = format!("u{round}-{n}@example.com");
        let active = n != 4;
        let status = if active {
            UserStatus::Active
        } else {
            UserStatus::Deactivated
        };
        let id = ctx
            .add_user_with_role(tenant.id, &email, &role, status)
            .await;
        model.users.push(ModelUser {
            id,
            email,
            role,
            active,
        });
    }
    for n in 0..3 {
        let name = format!("team-{round}-{n}");
        let role = rng
            .gen_bool(0.4)
            .then(|| tenant_role_names.choose(rng).unwrap().clone());
        let created = scope
            .create_team(NewTeam {
                name: name.clone(),
                description: "random".into(),
                role_id: match &role {
                    Some(r) => Some(ctx.role_id(r).await),
                    None => None,
                },
            })
            .await
            .unwrap();
        let members: BTreeSet<usize> = (0..model.users.len())
            .filter(|_| rng.gen_bool(0.4))
            .collect();
        if !members.is_empty() {
            let emails: Vec<&str> = members
                .iter()
                .map(|u| model.users[*u].email.as_str())
                .collect();
            scope
                .add_team_members(
                    created.team.id,
                    NewTeamMembers {
                        emails: emails.join(","),
                        role: TeamMemberRole::Member,
                    },
                )
                .await
                .unwrap();
        }
        model.teams.push(ModelTeam {
            id: created.team.id,
            name,
            role,
            members,
            managers: BTreeSet::new(),
        });
    }
    // Virtual accounts owned by random teams.
    for n in 0..2 {
        let name = format!("va-{round}-{n}");
        let owner = rng.gen_range(0..model.teams.len());
        scope
            .create_virtual_account(NewVirtualAccount {
                name: name.clone(),
                owner_team_id: model.teams[owner].id,
                expires_at: None,
                description: String::new(),
            })
            .await
            .unwrap();
        model.accounts.push((name, owner));
    }
    // Resources, created by the Admin (who becomes their strongest collaborator).
    for n in 0..2 {
        let id = create(
            scope,
            ResourceType::Cluster,
            &format!("c-{round}-{n}"),
            None,
        )
        .await;
        model.resources.push(ModelResource {
            id,
            kind: ResourceType::Cluster,
            parent: None,
        });
    }
    for n in 0..3 {
        let parent = rng.gen_range(0..2);
        let id = create(
            scope,
            ResourceType::Workspace,
            &format!("w-{round}-{n}"),
            Some(model.resources[parent].id),
        )
        .await;
        model.resources.push(ModelResource {
            id,
            kind: ResourceType::Workspace,
            parent: Some(parent),
        });
    }
    let id = create(scope, ResourceType::Repository, &format!("r-{round}"), None).await;
    model.resources.push(ModelResource {
        id,
        kind: ResourceType::Repository,
        parent: None,
    });
    // Random grants.
    for _ in 0..10 {
        let r = rng.gen_range(0..model.resources.len());
        let kind = model.resources[r].kind;
        let role = kind.builtin_roles().choose(rng).unwrap().name.to_string();
        let subject = match rng.gen_range(0..5) {
            0 | 1 => ModelSubject::User(rng.gen_range(0..model.users.len())),
            2 | 3 => ModelSubject::Team(rng.gen_range(0..model.teams.len())),
            _ => ModelSubject::Account(rng.gen_range(0..model.accounts.len())),
        };
        let duplicate = model
            .grants
            .iter()
            .any(|(on, s, g)| *on == r && *s == subject && *g == role);
        let result = scope
            .add_collaborator(NewCollaborator {
                resource_id: model.resources[r].id,
                subject: subject_text(&model, &subject),
                role_id: ctx.role_id(&role).await,
            })
            .await;
        match result {
            Ok(_) => model.grants.push((r, subject, role)),
            Err(DomainError::Conflict(_)) if duplicate => {}
            Err(other) => panic!("grant failed: {other:?}"),
        }
    }
    model
}

/// Every answer equals the model, and opening the page agrees.
async fn compare(ctx: &TestCtx, scope: &Scope<'_>, model: &Model) {
    for (u, user) in model.users.iter().enumerate() {
        let actor = ctx.actor(user.id).await;
        let as_user = ctx.services.scope(&actor);
        for (r, resource) in model.resources.iter().enumerate() {
            for p in asked(resource.kind) {
                let answer = scope
                    .check_access(AccessQuestion {
                        subject: format!("user:{}", user.email),
                        resource_id: resource.id,
                        permission: p.key().into(),
                    })
                    .await
                    .unwrap();
                assert_eq!(
                    answer.allowed,
                    model.allows(u, r, p),
                    "{} {} on resource {r}: {answer:?}",
                    user.email,
                    p
                );
            }
            let opened = as_user.get_resource(resource.id).await;
            let readable = model.allows(u, r, resource.kind.read_permission());
            match (&opened, readable) {
                (Ok(_), true) | (Err(DomainError::Forbidden(_)), false) => {}
                (Err(DomainError::Unauthenticated), false) if !user.active => {}
                _ => panic!(
                    "{} opening resource {r}: model says {readable}, got {opened:?}",
                    user.email
                ),
            }
        }
    }
}

db_test!(
    decisions_match_the_reference_model,
    |ctx: TestCtx| async move {
        let admin = ctx.actor(ctx.with_admin().await).await;
        let scope = ctx.services.scope(&admin);
        let (mut given, mut refused) = (0, 0);
        for round in 0..3 {
            let mut rng = StdRng::seed_from_u64(0x1a7c_4e00 + round as u64);
            let mut model = build(&ctx, &scope, &mut rng, round).await;
            compare(&ctx, &scope, &model).await;

            // Non-Admins attempt random grants; whatever succeeds was theirs to give.
            for _ in 0..25 {
                let u = rng.gen_range(0..model.users.len());
                let user = &model.users[u];
                if !user.active || model.role(&user.role).0 {
                    continue;
                }
                let actor = ctx.actor(user.id).await;
                let r = rng.gen_range(0..model.resources.len());
                let kind = model.resources[r].kind;
                let role = kind.builtin_roles().choose(&mut rng).unwrap();
                let subject = ModelSubject::User(rng.gen_range(0..model.users.len()));
                let result = ctx
                    .services
                    .scope(&actor)
                    .add_collaborator(NewCollaborator {
                        resource_id: model.resources[r].id,
                        subject: subject_text(&model, &subject),
                        role_id: ctx.role_id(role.name).await,
                    })
                    .await;
                let may_manage = model.allows(u, r, kind.manage_permission());
                let holds_all = role.permissions.iter().all(|p| model.allows(u, r, *p));
                let is_admin_via_team = model.teams.iter().any(|t| {
                    t.members.contains(&u) && t.role.as_ref().is_some_and(|n| model.role(n).0)
                });
                match result {
                    Ok(_) => {
                        assert!(
                            may_manage,
                            "{} granted without the manage permission",
                            user.email
                        );
                        assert!(
                            holds_all || is_admin_via_team,
                            "{} granted {} beyond their own permissions",
                            user.email,
                            role.name
                        );
                        model.grants.push((r, subject, role.name.to_string()));
                        given += 1;
                    }
                    Err(DomainError::Forbidden(_)) => {
                        refused += 1;
                        assert!(
                            !(may_manage && holds_all) || is_admin_via_team,
                            "{} was refused a grant they may give",
                            user.email
                        )
                    }
                    Err(DomainError::Conflict(_)) => {}
                    Err(other) => panic!("unexpected {other:?}"),
                }
            }
            compare(&ctx, &scope, &model).await;
        }
        // Both outcomes were exercised, or the escalation check proved nothing.
        assert!(given > 0 && refused > 0, "given {given}, refused {refused}");
    }
);

/// One step of a non-Admin's attempt: what they try, and how the model changes if it works.
enum Attempt {
    Grant {
        r: usize,
        subject: ModelSubject,
        role: String,
    },
    AssignRole {
        target: usize,
        role: String,
    },
    SetTeamRole {
        team: usize,
        role: Option<String>,
    },
    AddMember {
        team: usize,
        user: usize,
        as_manager: bool,
    },
    Promote {
        team: usize,
        user: usize,
    },
    EditRole {
        role: String,
        permissions: BTreeSet<Permission>,
    },
    /// Save the identity provider's rules (creating it the first time).
    ConfigureProvider {
        role_rule: Option<String>,
        team_rules: Vec<usize>,
    },
    /// Someone signs in through the provider with some of the groups the rules name. The
    /// giver is the rules' author.
    SignIn {
        person: usize,
        groups: Vec<String>,
    },
    RevealToken {
        account: usize,
    },
    ResetPassword {
        target: usize,
    },
    RevokeTokens {
        target: usize,
    },
    /// The Admin gives a team a tenant role or a grant: legitimate, and it may leave a team
    /// holding more than whoever made a rule onto it (what rules must be checked against at
    /// sign-in, not only when saved).
    AdminEmpowersTeam {
        team: usize,
        role: Option<String>,
        grant: Option<(usize, String)>,
    },
}

/// The groups the provider's rules use: `role-<name>` maps to a role, `team-<i>` to team i.
fn team_group(team: usize) -> String {
    format!("team-{team}")
}

fn provider_input(
    model: &Model,
    role_rule: &Option<String>,
    team_rules: &[usize],
) -> IdentityProviderInput {
    IdentityProviderInput {
        slug: "corp".into(),
        preset: IdpPreset::Keycloak,
        display_name: "Corp".into(),
        issuer_url: crate::sso_sign_in::ISSUER.into(),
        client_id: "latchkey".into(),
        client_secret: Some("client-secret-value".into()),
        scopes: vec!["openid email profile".into()],
        groups_claim: Some("groups".into()),
        allowed_domains: vec!["example.com".into()],
        provisioning: Provisioning::JustInTime,
        enabled: true,
        role_mappings: role_rule
            .iter()
            .map(|role| RoleMappingRule {
                group: format!("role-{role}"),
                role: role.clone(),
            })
            .collect(),
        team_mappings: team_rules
            .iter()
            .map(|t| TeamMappingRule {
                group: team_group(*t),
                team: model.teams[*t].name.clone(),
            })
            .collect(),
    }
}

db_test!(
    no_sequence_of_operations_by_a_non_admin_hands_out_more_than_they_hold,
    |ctx: TestCtx| async move {
        let admin = ctx.actor(ctx.with_admin().await).await;
        let scope = ctx.services.scope(&admin);
        let mut rng = StdRng::seed_from_u64(0x5e9_0e5c);
        let mut model = build(&ctx, &scope, &mut rng, 7).await;
        // The first user is the delegated administrator, so every kind of step has someone
        // who may try it.
        let manager_role = "custom-7-0".to_string();
        let first = model.users[0].id;
        ctx.services
            .scope(&admin)
            .change_user_role(first, ctx.role_id(&manager_role).await)
            .await
            .unwrap();
        model.users[0].role = manager_role;
        // Team managers may reveal their teams' virtual accounts' tokens (seed 001's recipe).
        let team_manager = BuiltinRole::TeamManager.name().to_string();
        let with_accounts: BTreeSet<Permission> = [
            Permission::ReadTeam,
            Permission::ReadVirtualAccount,
            Permission::ManageVirtualAccount,
        ]
        .into();
        scope
            .update_role(
                ctx.role_id(&team_manager).await,
                RoleChanges {
                    display_name: "Team Manager".into(),
                    description: "manages teams and their accounts".into(),
                    permissions: with_accounts.iter().map(|p| p.key().to_string()).collect(),
                },
            )
            .await
            .unwrap();
        model.roles.get_mut(&team_manager).unwrap().1 = with_accounts;
        let pool: Vec<Permission> = Permission::ALL.to_vec();
        // Role edits and assignments leave the delegated administrator's own role and account
        // alone, or one early step could end their part in the test.
        let editable = "custom-7-1".to_string();
        let tenant_roles: Vec<String> = model
            .roles
            .keys()
            .filter(|n| BuiltinRole::from_name(n).is_some() || n.starts_with("custom-"))
            .cloned()
            .collect();
        let mut provider: Option<(IdentityProviderId, usize)> = None;
        let mut sso_people: Vec<Option<usize>> = vec![None; 12];
        let mut succeeded: BTreeMap<&str, u32> = BTreeMap::new();
        let mut refused = 0;
        for step in 0..500 {
            if rng.gen_bool(0.06) {
                let team = rng.gen_range(0..model.teams.len());
                let attempt = if rng.gen_bool(0.5) {
                    Attempt::AdminEmpowersTeam {
                        team,
                        role: tenant_roles.choose(&mut rng).cloned(),
                        grant: None,
                    }
                } else {
                    let r = rng.gen_range(0..model.resources.len());
                    let role = model.resources[r]
                        .kind
                        .builtin_roles()
                        .choose(&mut rng)
                        .unwrap();
                    Attempt::AdminEmpowersTeam {
                        team,
                        role: None,
                        grant: Some((r, role.name.to_string())),
                    }
                };
                let Attempt::AdminEmpowersTeam { team, role, grant } = attempt else {
                    unreachable!()
                };
                match (role, grant) {
                    (Some(role), _) => {
                        scope
                            .update_team(
                                model.teams[team].id,
                                TeamChanges {
                                    description: "empowered".into(),
                                    role_id: Some(ctx.role_id(&role).await),
                                },
                            )
                            .await
                            .unwrap();
                        model.teams[team].role = Some(role);
                    }
                    (None, Some((r, role))) => {
                        let subject = ModelSubject::Team(team);
                        let added = scope
                            .add_collaborator(NewCollaborator {
                                resource_id: model.resources[r].id,
                                subject: subject_text(&model, &subject),
                                role_id: ctx.role_id(&role).await,
                            })
                            .await;
                        match added {
                            Ok(_) => model.grants.push((r, subject, role)),
                            Err(DomainError::Conflict(_)) => {}
                            Err(other) => panic!("the Admin's grant failed: {other:?}"),
                        }
                    }
                    (None, None) => {}
                }
                *succeeded.entry("admin empowers a team").or_default() += 1;
                continue;
            }
            let a = if rng.gen_bool(0.5) {
                0
            } else {
                rng.gen_range(0..model.users.len())
            };
            if !model.users[a].active || model.is_admin(a) {
                continue;
            }
            // Half the attempts stay within what the actor holds (they should mostly work),
            // half reach anywhere (they should be refused, or give nothing new).
            let plausible = rng.gen_bool(0.5);
            let held: Vec<Permission> = Permission::ALL
                .iter()
                .copied()
                .filter(|p| model.holds(a, *p))
                .collect();
            let within = |role: &str| model.role(role).1.iter().all(|p| held.contains(p));
            let attempt = match rng.gen_range(0..12) {
                0 => {
                    let r = rng.gen_range(0..model.resources.len());
                    let kind = model.resources[r].kind;
                    let roles: Vec<_> = kind
                        .builtin_roles()
                        .iter()
                        .filter(|role| {
                            !plausible || role.permissions.iter().all(|p| model.allows(a, r, *p))
                        })
                        .collect();
                    let Some(role) = roles.choose(&mut rng) else {
                        continue;
                    };
                    let subject = match rng.gen_range(0..3) {
                        0 => ModelSubject::User(rng.gen_range(0..model.users.len())),
                        1 => ModelSubject::Team(rng.gen_range(0..model.teams.len())),
                        _ => ModelSubject::Account(rng.gen_range(0..model.accounts.len())),
                    };
                    Attempt::Grant {
                        r,
                        subject,
                        role: role.name.to_string(),
                    }
                }
                1 => {
                    let roles: Vec<&String> = tenant_roles
                        .iter()
                        .filter(|r| !plausible || within(r))
                        .collect();
                    let Some(role) = roles.choose(&mut rng) else {
                        continue;
                    };
                    Attempt::AssignRole {
                        target: rng.gen_range(1..model.users.len()),
                        role: (*role).clone(),
                    }
                }
                2 => {
                    let roles: Vec<&String> = tenant_roles
                        .iter()
                        .filter(|r| !plausible || within(r))
                        .collect();
                    Attempt::SetTeamRole {
                        team: rng.gen_range(0..model.teams.len()),
                        role: roles
                            .choose(&mut rng)
                            .filter(|_| rng.gen_bool(0.8))
                            .map(|r| (*r).clone()),
                    }
                }
                3 => Attempt::AddMember {
                    team: rng.gen_range(0..model.teams.len()),
                    user: rng.gen_range(0..model.users.len()),
                    as_manager: rng.gen_bool(0.3),
                },
                4 => Attempt::Promote {
                    team: rng.gen_range(0..model.teams.len()),
                    user: if rng.gen_bool(0.5) {
                        a
                    } else {
                        rng.gen_range(0..model.users.len())
                    },
                },
                5 => {
                    let from = if plausible && !held.is_empty() {
                        &held
                    } else {
                        &pool
                    };
                    Attempt::EditRole {
                        role: editable.clone(),
                        permissions: from.choose_multiple(&mut rng, 3).copied().collect(),
                    }
                }
                6 => {
                    let roles: Vec<&String> = tenant_roles
                        .iter()
                        .filter(|r| !plausible || within(r))
                        .collect();
                    Attempt::ConfigureProvider {
                        role_rule: roles
                            .choose(&mut rng)
                            .filter(|_| rng.gen_bool(0.7))
                            .map(|r| (*r).clone()),
                        team_rules: (0..model.teams.len())
                            .filter(|_| rng.gen_bool(0.5))
                            .collect(),
                    }
                }
                7 | 8 => {
                    if provider.is_none() {
                        continue;
                    }
                    let mut groups: Vec<String> = (0..model.teams.len())
                        .filter(|_| rng.gen_bool(0.5))
                        .map(team_group)
                        .collect();
                    if let Some(role) = tenant_roles.choose(&mut rng) {
                        groups.push(format!("role-{role}"));
                    }
                    Attempt::SignIn {
                        person: rng.gen_range(0..sso_people.len()),
                        groups,
                    }
                }
                9 => Attempt::RevealToken {
                    account: rng.gen_range(0..model.accounts.len()),
                },
                10 => Attempt::ResetPassword {
                    target: rng.gen_range(1..model.users.len()),
                },
                _ => Attempt::RevokeTokens {
                    target: rng.gen_range(1..model.users.len()),
                },
            };
            // The giver of a sign-in is the provider's rules' author, not the step's actor.
            let giver = match (&attempt, provider) {
                (Attempt::SignIn { .. }, Some((_, author))) => author,
                _ => a,
            };
            let actor = ctx.actor(model.users[a].id).await;
            let theirs = ctx.services.scope(&actor);
            let (kind, result) = match &attempt {
                Attempt::Grant { r, subject, role } => (
                    "grant",
                    theirs
                        .add_collaborator(NewCollaborator {
                            resource_id: model.resources[*r].id,
                            subject: subject_text(&model, subject),
                            role_id: ctx.role_id(role).await,
                        })
                        .await
                        .map(drop),
                ),
                Attempt::AssignRole { target, role } => (
                    "assign role",
                    theirs
                        .change_user_role(model.users[*target].id, ctx.role_id(role).await)
                        .await
                        .map(drop),
                ),
                Attempt::SetTeamRole { team, role } => (
                    "team role",
                    theirs
                        .update_team(
                            model.teams[*team].id,
                            TeamChanges {
                                description: "random".into(),
                                role_id: match role {
                                    Some(name) => Some(ctx.role_id(name).await),
                                    None => None,
                                },
                            },
                        )
                        .await
                        .map(drop),
                ),
                Attempt::AddMember {
                    team,
                    user,
                    as_manager,
                } => (
                    "add member",
                    theirs
                        .add_team_members(
                            model.teams[*team].id,
                            NewTeamMembers {
                                emails: model.users[*user].email.clone(),
                                role: if *as_manager {
                                    TeamMemberRole::Manager
                                } else {
                                    TeamMemberRole::Member
                                },
                            },
                        )
                        .await
                        .map(|outcome| {
                            assert!(outcome.added.len() + outcome.already_members.len() == 1)
                        }),
                ),
                Attempt::Promote { team, user } => (
                    "promote",
                    theirs
                        .set_team_member_role(
                            model.teams[*team].id,
                            model.users[*user].id,
                            TeamMemberRole::Manager,
                        )
                        .await
                        .map(drop),
                ),
                Attempt::EditRole { role, permissions } => (
                    "edit role",
                    theirs
                        .update_role(
                            ctx.role_id(role).await,
                            RoleChanges {
                                display_name: role.clone(),
                                description: "random".into(),
                                permissions: permissions
                                    .iter()
                                    .map(|p| p.key().to_string())
                                    .collect(),
                            },
                        )
                        .await
                        .map(drop),
                ),
                Attempt::ConfigureProvider {
                    role_rule,
                    team_rules,
                } => {
                    let input = provider_input(&model, role_rule, team_rules);
                    let saved = match provider {
                        None => theirs.create_identity_provider(input).await,
                        Some((id, _)) => {
                            theirs
                                .update_identity_provider(
                                    id,
                                    IdentityProviderInput {
                                        client_secret: None,
                                        ..input
                                    },
                                )
                                .await
                        }
                    };
                    (
                        "configure provider",
                        saved.map(|view| provider = Some((view.id, a))),
                    )
                }
                Attempt::SignIn { person, groups } => {
                    let (id, _) = provider.expect("a provider");
                    let signed_in = ctx
                        .services
                        .auth()
                        .complete_sso(
                            id,
                            crate::sso_sign_in::identity(
                                &format!("person-{person}"),
                                &format!("sso-{person}@example.com"),
                                &groups.iter().map(String::as_str).collect::<Vec<_>>(),
                            ),
                        )
                        .await;
                    (
                        "sign in",
                        match signed_in {
                            Ok(done) => {
                                if sso_people[*person].is_none() {
                                    model.users.push(ModelUser {
                                        id: done.user_id,
                                        email: format!("sso-{person}@example.com"),
                                        role: BuiltinRole::Member.name().into(),
                                        active: true,
                                    });
                                    sso_people[*person] = Some(model.users.len() - 1);
                                }
                                Ok(())
                            }
                            Err(DomainError::SignInRefused(_)) => {
                                Err(DomainError::Forbidden("sign-in refused".into()))
                            }
                            Err(other) => Err(other),
                        },
                    )
                }
                Attempt::RevealToken { account } => {
                    let id = account_id(&ctx, &model.accounts[*account].0).await;
                    (
                        "reveal token",
                        theirs.virtual_account_token(id).await.map(drop),
                    )
                }
                Attempt::ResetPassword { target } => (
                    "reset password",
                    theirs
                        .reset_user_password(model.users[*target].id)
                        .await
                        .map(|delivery| {
                            assert!(matches!(delivery, LinkDelivery::Shown(_)));
                        }),
                ),
                Attempt::RevokeTokens { target } => (
                    "revoke tokens",
                    theirs
                        .revoke_user_tokens(UserKey::Id(model.users[*target].id))
                        .await
                        .map(drop),
                ),
                Attempt::AdminEmpowersTeam { .. } => unreachable!("the Admin's steps run above"),
            };
            match result {
                Ok(()) => {
                    let before = model.holdings();
                    let own_before = model.own_holdings();
                    match attempt {
                        Attempt::Grant { r, subject, role } => {
                            model.grants.push((r, subject, role))
                        }
                        Attempt::AssignRole { target, role } => {
                            acted_on(&model, &own_before, a, target, "assign role");
                            model.users[target].role = role
                        }
                        Attempt::SetTeamRole { team, role } => model.teams[team].role = role,
                        Attempt::AddMember {
                            team,
                            user,
                            as_manager,
                        } => {
                            model.teams[team].members.insert(user);
                            if as_manager {
                                model.teams[team].managers.insert(user);
                            }
                        }
                        Attempt::Promote { team, user } => {
                            model.teams[team].managers.insert(user);
                        }
                        Attempt::EditRole { role, permissions } => {
                            model.roles.get_mut(&role).unwrap().1 = permissions;
                        }
                        Attempt::ConfigureProvider { .. } => {}
                        Attempt::SignIn { person, .. } => {
                            // What the sign-in made of the person, read back from the services.
                            let u = sso_people[person].expect("signed in");
                            let detail = scope.get_user(model.users[u].id).await.unwrap();
                            model.users[u].role = detail.user.role_name.clone();
                            for team in model.teams.iter_mut() {
                                let membership =
                                    detail.team_memberships.iter().find(|m| m.id == team.id);
                                if membership.is_some() {
                                    team.members.insert(u);
                                } else {
                                    team.members.remove(&u);
                                }
                                if membership.is_some_and(|m| m.role == TeamMemberRole::Manager) {
                                    team.managers.insert(u);
                                }
                            }
                        }
                        Attempt::RevealToken { account } => {
                            model.credentials.insert((a, Credential::Account(account)));
                        }
                        Attempt::ResetPassword { target } => {
                            acted_on(&model, &own_before, a, target, "reset password");
                            model.credentials.insert((a, Credential::User(target)));
                        }
                        Attempt::RevokeTokens { target } => {
                            acted_on(&model, &own_before, a, target, "revoke tokens");
                        }
                        Attempt::AdminEmpowersTeam { .. } => unreachable!(),
                    }
                    let after = model.holdings();
                    let email = &model.users[giver].email;
                    for (u, p) in after.0.difference(&before.0) {
                        assert!(
                            before.0.contains(&(giver, *p)),
                            "step {step}: {email}'s {kind} gave {} {p}, which {email} lacked",
                            model.users[*u].email
                        );
                    }
                    for (u, r, p) in after.1.difference(&before.1) {
                        assert!(
                            before.1.contains(&(giver, *r, *p)),
                            "step {step}: {email}'s {kind} gave {} {p} on resource {r}, which {email} lacked there",
                            model.users[*u].email
                        );
                    }
                    *succeeded.entry(kind).or_default() += 1;
                }
                Err(DomainError::Forbidden(_)) => refused += 1,
                // Already granted, already a member, not a member, a role nobody may hold
                // here: no change.
                Err(
                    DomainError::Conflict(_)
                    | DomainError::Validation(_)
                    | DomainError::NotFound(_),
                ) => {}
                Err(other) => panic!("{kind}: unexpected {other:?}"),
            }
            // The services and the model still agree about everyone's access.
            if step % 50 == 49 {
                compare(&ctx, &scope, &model).await;
            }
        }
        compare(&ctx, &scope, &model).await;
        // Every kind of step succeeded at least once, and refusals happened: the invariant
        // was tested on real changes.
        for kind in [
            "grant",
            "assign role",
            "team role",
            "add member",
            "promote",
            "edit role",
            "configure provider",
            "sign in",
            "reveal token",
            "reset password",
            "revoke tokens",
        ] {
            assert!(
                succeeded.get(kind).copied().unwrap_or(0) > 0,
                "no {kind} succeeded: {succeeded:?}"
            );
        }
        assert!(refused > 0, "nothing was refused");
        eprintln!("succeeded {succeeded:?}, refused {refused}");
    }
);

/// Acting on a user (re-role, reset, revoke) succeeded: the actor held everything the target
/// held on their own account.
fn acted_on(model: &Model, own: &Holdings, a: usize, target: usize, kind: &str) {
    for (u, p) in &own.0 {
        assert!(
            *u != target || own.0.contains(&(a, *p)),
            "{}'s {kind} acted on {}, who holds {p} which the actor lacks",
            model.users[a].email,
            model.users[target].email
        );
    }
    for (u, r, p) in &own.1 {
        assert!(
            *u != target || own.1.contains(&(a, *r, *p)),
            "{}'s {kind} acted on {}, who holds {p} on resource {r} which the actor lacks",
            model.users[a].email,
            model.users[target].email
        );
    }
}

async fn account_id(ctx: &TestCtx, name: &str) -> VirtualAccountId {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    VirtualAccountId(
        domain::entities::virtual_account::Entity::find()
            .filter(domain::entities::virtual_account::Column::Name.eq(name))
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap()
            .id,
    )
}
