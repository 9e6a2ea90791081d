//! Types that cross the wire between server and browser (and, later, the REST API).
//! Entities never leave the server; these are built from them with `From` conversions.

use crate::ids::{TenantId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod sso;
mod subjects;
mod tokens;
mod virtual_accounts;
pub use sso::*;
pub use subjects::*;
pub use tokens::*;
pub use virtual_accounts::*;

/// Whether a user may currently sign in and act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserStatus {
    Active,
    Deactivated,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Deactivated => "deactivated",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "active" => Some(UserStatus::Active),
            "deactivated" => Some(UserStatus::Deactivated),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            UserStatus::Active => "Active",
            UserStatus::Deactivated => "Deactivated",
        }
    }
}

/// How a user's tenant role was last set (TrueFoundry's `metadata.tenantRoleManagedBy`).
/// A `Manual` assignment is never overwritten by a later SSO login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoleManagedBy {
    Manual,
    Group,
    Initial,
}

impl RoleManagedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleManagedBy::Manual => "manual",
            RoleManagedBy::Group => "group",
            RoleManagedBy::Initial => "initial",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "manual" => Some(RoleManagedBy::Manual),
            "group" => Some(RoleManagedBy::Group),
            "initial" => Some(RoleManagedBy::Initial),
            _ => None,
        }
    }
}

/// One row of Access > Users.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    /// The role's name (`tenant-admin`, `tenant-member`, ...).
    pub role_name: String,
    pub role_display_name: String,
    pub status: UserStatus,
    pub last_login_at: Option<DateTime<Utc>>,
    /// How the role was last set: by hand, by SSO group mapping, or at creation.
    pub role_managed_by: RoleManagedBy,
    /// The teams the user belongs to, by name.
    pub teams: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// When the user's record last changed (role, status, name, password).
    pub updated_at: DateTime<Utc>,
}

/// The orders Access > Users can be sorted in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserSort {
    #[default]
    Email,
    Name,
    /// Most recent sign-in first; never signed in last.
    LastSignIn,
}

impl UserSort {
    pub const ALL: [UserSort; 3] = [UserSort::Email, UserSort::Name, UserSort::LastSignIn];

    pub fn as_str(self) -> &'static str {
        match self {
            UserSort::Email => "email",
            UserSort::Name => "name",
            UserSort::LastSignIn => "last_sign_in",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        UserSort::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            UserSort::Email => "Email",
            UserSort::Name => "Name",
            UserSort::LastSignIn => "Last sign-in",
        }
    }
}

impl RoleManagedBy {
    pub fn label(self) -> &'static str {
        match self {
            RoleManagedBy::Manual => "Manual",
            RoleManagedBy::Group => "SSO group",
            RoleManagedBy::Initial => "Initial",
        }
    }
}

/// Search and paging for Access > Users.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserQuery {
    /// Case-insensitive substring of the email or the display name.
    pub search: Option<String>,
    /// Only users holding this role (by name, e.g. `tenant-member`).
    pub role: Option<String>,
    /// Only users with this status.
    pub status: Option<UserStatus>,
    pub sort: Option<UserSort>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

impl UserQuery {
    pub const DEFAULT_LIMIT: u64 = 25;
    pub const MAX_LIMIT: u64 = 200;
}

/// A page of a list, with the total number of matching items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub limit: u64,
    pub offset: u64,
}

/// The signed-in user, as the console shell shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: UserId,
    pub tenant_id: TenantId,
    pub tenant_name: String,
    pub email: String,
    pub display_name: String,
    pub role_name: String,
    pub role_display_name: String,
    /// Permission keys the user holds in the tenant, so the UI shows only what works.
    pub permissions: Vec<String>,
    /// The teams the user manages (what the Team Manager role lets them do applies there).
    pub managed_teams: Vec<TeamRef>,
    /// Every team the user belongs to, managed or not.
    pub teams: Vec<TeamRef>,
    /// Permission keys the tenant's Team Manager role holds, which the user has on what the
    /// teams they manage own (empty when they manage no team).
    pub team_manager_permissions: Vec<String>,
}

impl CurrentUser {
    pub fn can(&self, permission: crate::permissions::Permission) -> bool {
        self.permissions.iter().any(|p| p == permission.key())
    }

    /// Whether managing their teams lets the user do `permission` there (and so open the page
    /// that lists what those teams own).
    pub fn can_as_team_manager(&self, permission: crate::permissions::Permission) -> bool {
        self.team_manager_permissions
            .iter()
            .any(|p| p == permission.key())
    }
}

/// What the /setup page should show for a given link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SetupStatus {
    /// The link is valid: show the form that creates the first Admin.
    Open,
    /// The first Admin exists; setup links are dead.
    Completed,
    /// No such link (forged, mistyped or replaced by a newer one).
    InvalidLink,
}

/// The form that creates the first Admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupForm {
    pub token: String,
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub password_confirm: String,
}

/// A tenant role as Access > Roles shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleSummary {
    pub id: crate::ids::RoleId,
    /// Slug used by the API and SSO mapping (`tenant-admin`, `custom-deployer`, ...).
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub builtin: bool,
    /// Admin: every permission, not editable or deletable.
    pub all_permissions: bool,
    /// Permission keys, in catalog order.
    pub permissions: Vec<String>,
    /// Users holding this role directly.
    pub user_count: u64,
    /// Set for resource roles: the type of resource they are granted on.
    pub resource_type: Option<crate::resources::ResourceType>,
    /// Collaborator grants using this role (resource roles).
    pub grant_count: u64,
}

/// A tenant role as the role pickers (invite, a user's page) offer it to someone who manages
/// users. `unavailable` says why this actor may not hand it out; the service refuses it too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignableRole {
    pub id: crate::ids::RoleId,
    pub name: String,
    pub display_name: String,
    /// What the role is for, as its editor describes it.
    pub description: String,
    pub unavailable: Option<String>,
}

/// The fields of a new custom role.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewRole {
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub permissions: Vec<String>,
    /// `None`: a tenant role. A resource type: a role granted on resources of that type as a
    /// collaborator role, holding that type's permissions only (seed 004's `resourceType`).
    #[serde(default)]
    pub resource_type: Option<crate::resources::ResourceType>,
}

/// The editable fields of a role. The name is fixed at creation: the API and SSO mappings refer
/// to roles by it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RoleChanges {
    pub display_name: String,
    pub description: String,
    pub permissions: Vec<String>,
}

/// One effective tenant permission of a user and every source that grants it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectivePermission {
    pub key: String,
    /// E.g. `Role: Member` (teams' roles join in with their issue).
    pub sources: Vec<String>,
}

/// A user's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserDetail {
    pub user: UserRow,
    /// The user's teams, by name, with their place in each.
    pub team_memberships: Vec<UserTeam>,
    /// Collaborator grants that reach the user: their own and their teams'.
    pub collaborations: Vec<UserGrant>,
    pub role_id: crate::ids::RoleId,
    pub role_managed_by: RoleManagedBy,
    pub created_at: DateTime<Utc>,
    /// Personal access tokens that would open the API now.
    pub active_tokens: u64,
    pub effective_permissions: Vec<EffectivePermission>,
}

/// A collaborator grant that reaches a user, as their page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserGrant {
    pub resource: ResourceRef,
    /// The role's display name.
    pub role: String,
    pub role_id: crate::ids::RoleId,
    /// The role's name (`workspace-admin`).
    pub role_name: String,
    /// The team the grant was made to, when it was not made to the user.
    pub via_team: Option<TeamRef>,
}

/// A team a user belongs to, as their page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserTeam {
    pub id: crate::ids::TeamId,
    pub name: String,
    pub role: TeamMemberRole,
}

/// Access > Users > Invite: one or several addresses, one role for all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteRequest {
    /// Addresses separated by commas, semicolons, spaces or new lines.
    pub emails: String,
    pub role_id: crate::ids::RoleId,
    /// "Send email to set password": a one-time link. Unchecked, the user signs in through SSO.
    pub send_password_email: bool,
    /// Teams the new users join as members, each as adding members to it would allow.
    #[serde(default)]
    pub teams: Vec<crate::ids::TeamId>,
}

/// What an invitation did, address by address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteOutcome {
    pub invited: Vec<InvitedUser>,
    /// Addresses that already belong to a user; nothing was changed for them.
    pub already_exist: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitedUser {
    pub id: UserId,
    pub email: String,
    /// Where the set-password link went; `None` when no password was asked for (SSO).
    pub set_password_link: Option<LinkDelivery>,
}

/// How a one-time set-password link reached its user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LinkDelivery {
    /// Mailed to this address (queued in the outbox; retried until the mail server takes it).
    Emailed { to: String },
    /// Mail is not configured: the admin sees the link once, to pass it on.
    Shown(PasswordLink),
}

/// A one-time link that sets a user's password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordLink {
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// What /set-password should show for a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordLinkStatus {
    /// Valid: the form may set the password of this address.
    Open { email: String },
    /// Unknown, used or expired.
    Invalid,
}

/// A member's place in a team: managers look after the team's membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TeamMemberRole {
    Member,
    Manager,
}

impl TeamMemberRole {
    pub fn as_str(self) -> &'static str {
        match self {
            TeamMemberRole::Member => "member",
            TeamMemberRole::Manager => "manager",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "member" => Some(TeamMemberRole::Member),
            "manager" => Some(TeamMemberRole::Manager),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TeamMemberRole::Member => "Member",
            TeamMemberRole::Manager => "Manager",
        }
    }
}

/// A tenant role as other objects refer to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRef {
    pub id: crate::ids::RoleId,
    pub name: String,
    pub display_name: String,
}

/// One row of Access > Teams.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamSummary {
    pub id: crate::ids::TeamId,
    /// Slug, unique in the tenant (`ml-engineers`); subjects refer to it as `team:<name>`.
    pub name: String,
    pub description: String,
    pub member_count: u64,
    /// The managers' email addresses, sorted.
    pub managers: Vec<String>,
    /// The tenant role every member inherits, if any.
    pub role: Option<RoleRef>,
    /// Every member's email address (managers included), sorted.
    pub members: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// When its description or role last changed.
    pub updated_at: DateTime<Utc>,
    /// Who created it, while that user exists (unknown for teams made before it was recorded).
    pub created_by: Option<UserRef>,
}

/// A user named in another record (a creator, say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRef {
    pub id: UserId,
    pub email: String,
}

/// One member of a team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamMemberRow {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: TeamMemberRole,
    pub added_at: DateTime<Utc>,
}

/// A team's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamDetail {
    pub team: TeamSummary,
    /// Managers first, then by email.
    pub members: Vec<TeamMemberRow>,
    /// The collaborator grants made to the team, which every member holds through it.
    pub grants: Vec<UserGrant>,
    pub created_at: DateTime<Utc>,
    /// Whether the viewer may add, remove and promote members (team:ManageTeam, or a manager
    /// of this team).
    pub can_manage_members: bool,
}

/// Access > Teams: search by name or description, one page at a time, by name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TeamQuery {
    /// Case-insensitive substring of the name or the description.
    pub search: Option<String>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

impl TeamQuery {
    pub const DEFAULT_LIMIT: u64 = 25;
    pub const MAX_LIMIT: u64 = 200;
}

/// The fields of a new team.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewTeam {
    pub name: String,
    pub description: String,
    pub role_id: Option<crate::ids::RoleId>,
}

/// The editable fields of a team; the name is fixed (subjects refer to it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TeamChanges {
    pub description: String,
    pub role_id: Option<crate::ids::RoleId>,
}

/// A team as configuration (TrueFoundry's team manifest): its name, and optionally its
/// description, with exactly these members; `managers` are members who manage it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TeamManifest {
    pub name: String,
    /// `None` keeps the description (a new team gets none).
    pub description: Option<String>,
    pub members: Vec<String>,
    /// `None` keeps the current managers as managers.
    pub managers: Option<Vec<String>>,
}

/// What applying a team manifest did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppliedTeam {
    pub team: TeamDetail,
    /// True when the team did not exist before.
    pub created: bool,
}

/// Add several users, by email, to a team with one team role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTeamMembers {
    /// Addresses separated by commas, semicolons, spaces or new lines.
    pub emails: String,
    pub role: TeamMemberRole,
}

/// What adding members did, address by address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddTeamMembersOutcome {
    pub added: Vec<String>,
    /// Already in the team; their team role was left as it was.
    pub already_members: Vec<String>,
    /// The team as it is now, as its page shows it to whoever may change its members.
    pub team: TeamDetail,
}

/// What deleting a team takes away, for the confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamDeletionImpact {
    /// Members who lose the team (and the team's role and grants through it).
    pub members: Vec<String>,
    /// Collaborator grants held by the team, removed with it.
    pub grants: u64,
}

/// A resource as lists and its page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceSummary {
    pub id: crate::ids::ResourceId,
    pub resource_type: crate::resources::ResourceType,
    pub name: String,
    /// A workspace's cluster.
    pub parent: Option<ResourceRef>,
    /// Who created it; `None` once that user is deleted.
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A resource as others refer to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceRef {
    pub id: crate::ids::ResourceId,
    pub resource_type: crate::resources::ResourceType,
    pub name: String,
}

/// Resources > New.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewResource {
    pub resource_type: crate::resources::ResourceType,
    pub name: String,
    /// Required for a workspace: its cluster.
    pub parent_id: Option<crate::ids::ResourceId>,
}

/// A resource's page: what the viewer may do with it, and its collaborators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceDetail {
    pub resource: ResourceSummary,
    /// One page of its collaborators, oldest grant first.
    pub collaborators: Page<CollaboratorRow>,
    /// The roles a collaborator can be given here (built-in and custom for this type).
    pub roles: Vec<RoleRef>,
    /// May add, change and remove collaborators (the type's manage permission on it).
    pub can_manage: bool,
    pub can_delete: bool,
}

/// One collaborator grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollaboratorRow {
    pub id: crate::ids::CollaboratorId,
    /// `user:alice@x`, `team:ml-engineers`.
    pub subject: String,
    /// The subject's page.
    pub subject_link: SubjectLink,
    /// The name a person knows the subject by: a user's display name, a team's or a virtual
    /// account's name.
    pub subject_label: String,
    pub role: RoleRef,
    pub granted_by: Option<String>,
    pub granted_at: DateTime<Utc>,
}

/// A page of a resource's collaborators, oldest grant first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollaboratorQuery {
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

impl CollaboratorQuery {
    pub const DEFAULT_LIMIT: u64 = 50;
    pub const MAX_LIMIT: u64 = 200;
}

/// Grant a role on a resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCollaborator {
    pub resource_id: crate::ids::ResourceId,
    /// `type:identifier`.
    pub subject: String,
    pub role_id: crate::ids::RoleId,
}

/// "Why does this subject have access?": a subject, a resource and a permission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessQuestion {
    /// `user:alice@x` or `team:ml-engineers`.
    pub subject: String,
    pub resource_id: crate::ids::ResourceId,
    /// A permission key, e.g. `workspace:ReadWorkspace`.
    pub permission: String,
}

/// The answer: allowed or not, and every path that grants it. Enforcement uses the same
/// computation, so the explanation cannot disagree with the decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessAnswer {
    pub allowed: bool,
    pub paths: Vec<AccessPath>,
    /// Why nothing counts, when something overrides the paths (a deactivated user).
    pub blocked: Option<String>,
}

/// One way a subject holds a permission on a resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessPath {
    pub kind: AccessPathKind,
    /// The team the path goes through, if any.
    pub via_team: Option<String>,
    /// The role's display name.
    pub role: String,
    /// For grants on the parent cluster: that cluster's name.
    pub on_parent: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessPathKind {
    /// The Admin role holds everything.
    Admin,
    /// A tenant role holding the permission for every resource of the type.
    TenantRole,
    /// A collaborator grant on the resource (or its parent cluster).
    Grant,
}

impl AccessPath {
    /// E.g. "team ml-engineers -> Workspace Viewer", "tenant role Member",
    /// "Cluster Viewer on cluster prod".
    pub fn describe(&self) -> String {
        let what = match self.kind {
            AccessPathKind::Admin => "Admin role".to_string(),
            AccessPathKind::TenantRole => format!("tenant role {}", self.role),
            AccessPathKind::Grant => match &self.on_parent {
                Some(cluster) => format!("{} on cluster {cluster}", self.role),
                None => self.role.clone(),
            },
        };
        match (&self.via_team, self.kind) {
            (Some(team), _) => format!("team {team} -> {what}"),
            (None, AccessPathKind::Grant) => format!("direct grant -> {what}"),
            (None, _) => what,
        }
    }
}

/// One change made to several users at once (the Users list's bulk actions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkUserChange {
    pub users: Vec<UserId>,
    pub change: UserChange,
}

impl BulkUserChange {
    /// A page of the Users list at its largest.
    pub const MAX_USERS: usize = 200;
}

/// What a bulk action does to each user chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserChange {
    Deactivate,
    Activate,
    /// Assign this tenant role (by hand, as on a user's page).
    Role(crate::ids::RoleId),
    /// Add to this team as members (those already in it stay as they are).
    JoinTeam(crate::ids::TeamId),
}

/// What a bulk action changed: the users' emails, sorted. Users the change left as they were
/// (already in the team) are not listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkUserOutcome {
    pub changed: Vec<String>,
}
