//! The allow/deny matrix: every `Scope` operation against every kind of actor. Adding an
//! operation without rows here fails `every_operation_has_a_row_per_actor_kind`, and adding it
//! without a case in `perform` does not compile.

use crate::harness::{TestCtx, db_test};
use domain::dto::{
    AccessQuestion, BulkUserChange, CollaboratorQuery, GracePeriod, IdentityProviderInput,
    IdpPreset, InviteRequest, NewCollaborator, NewResource, NewRole, NewTeam, NewTeamMembers,
    NewToken, NewVirtualAccount, Provisioning, RoleChanges, SecuritySettings, SubjectKind,
    SubjectSearch, TeamChanges, TeamMemberRole, TeamQuery, TokenQuery, UserChange, UserKey,
    UserQuery, UserStatus, VirtualAccountChanges, VirtualAccountQuery,
};
use domain::ids::{IdentityProviderId, ResourceId, RoleId, TeamId, UserId, VirtualAccountId};
use domain::permissions::BuiltinRole;
use domain::resources::ResourceType;
use domain::{Actor, DomainError, Operation, Requirement, Scope, Standing};
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Anonymous,
    Admin,
    Member,
    /// Holds the default Team Manager role (team:ReadTeam only).
    TeamManager,
    /// Holds a custom role with user and role management, but not Admin.
    CustomRole,
    /// An Admin whose account was deactivated: holds every permission on paper, may use none.
    DeactivatedAdmin,
    /// The Admin of another tenant, reaching for this tenant's ids.
    OtherTenantAdmin,
    /// A Member holding Workspace Admin on the fixture workspace (and on the doomed ones).
    ResourceCollaborator,
    /// A virtual account calling with its token, granted Workspace Viewer on the fixture
    /// workspace.
    VirtualAccountToken,
}

const KINDS: &[Kind] = &[
    Kind::Anonymous,
    Kind::Admin,
    Kind::Member,
    Kind::TeamManager,
    Kind::CustomRole,
    Kind::DeactivatedAdmin,
    Kind::OtherTenantAdmin,
    Kind::ResourceCollaborator,
    Kind::VirtualAccountToken,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allow,
    /// Not signed in (or no longer allowed to be): 401.
    Unauthenticated,
    /// Signed in without the permission: 403.
    Forbidden,
    /// The target is not in the actor's tenant: 404, exactly as if it did not exist.
    NotFound,
    /// Allowed, but the session's sign-in is too old for handing out a credential.
    Reauthenticate,
}

use Expect::*;
use Kind::*;

const MATRIX: &[(Operation, Kind, Expect)] = &[
    (Operation::ViewCurrentUser, Anonymous, Unauthenticated),
    (Operation::ViewCurrentUser, Admin, Allow),
    (Operation::ViewCurrentUser, Member, Allow),
    (Operation::ViewCurrentUser, TeamManager, Allow),
    (Operation::ViewCurrentUser, CustomRole, Allow),
    (
        Operation::ViewCurrentUser,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::ViewCurrentUser, OtherTenantAdmin, Allow),
    (Operation::ListUsers, Anonymous, Unauthenticated),
    (Operation::ListUsers, Admin, Allow),
    (Operation::ListUsers, Member, Allow),
    (Operation::ListUsers, TeamManager, Forbidden),
    (Operation::ListUsers, CustomRole, Allow),
    (Operation::ListUsers, DeactivatedAdmin, Unauthenticated),
    (Operation::ListUsers, OtherTenantAdmin, Allow),
    (Operation::ViewUser, Anonymous, Unauthenticated),
    (Operation::ViewUser, Admin, Allow),
    (Operation::ViewUser, Member, Allow),
    (Operation::ViewUser, TeamManager, Forbidden),
    (Operation::ViewUser, CustomRole, Allow),
    (Operation::ViewUser, DeactivatedAdmin, Unauthenticated),
    (Operation::ViewUser, OtherTenantAdmin, NotFound),
    (Operation::ChangeUserRole, Anonymous, Unauthenticated),
    (Operation::ChangeUserRole, Admin, Allow),
    (Operation::ChangeUserRole, Member, Forbidden),
    (Operation::ChangeUserRole, TeamManager, Forbidden),
    (Operation::ChangeUserRole, CustomRole, Allow),
    (Operation::ChangeUserRole, DeactivatedAdmin, Unauthenticated),
    (Operation::ChangeUserRole, OtherTenantAdmin, NotFound),
    (Operation::SetUserStatus, Anonymous, Unauthenticated),
    (Operation::SetUserStatus, Admin, Allow),
    (Operation::SetUserStatus, Member, Forbidden),
    (Operation::SetUserStatus, TeamManager, Forbidden),
    (Operation::SetUserStatus, CustomRole, Allow),
    (Operation::SetUserStatus, DeactivatedAdmin, Unauthenticated),
    (Operation::SetUserStatus, OtherTenantAdmin, NotFound),
    (Operation::InviteUsers, Anonymous, Unauthenticated),
    (Operation::InviteUsers, Admin, Allow),
    (Operation::InviteUsers, Member, Forbidden),
    (Operation::InviteUsers, TeamManager, Forbidden),
    (Operation::InviteUsers, CustomRole, Allow),
    (Operation::InviteUsers, DeactivatedAdmin, Unauthenticated),
    (Operation::InviteUsers, OtherTenantAdmin, NotFound),
    (Operation::ResetUserPassword, Anonymous, Unauthenticated),
    (Operation::ResetUserPassword, Admin, Allow),
    (Operation::ResetUserPassword, Member, Forbidden),
    (Operation::ResetUserPassword, TeamManager, Forbidden),
    (Operation::ResetUserPassword, CustomRole, Allow),
    (
        Operation::ResetUserPassword,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::ResetUserPassword, OtherTenantAdmin, NotFound),
    (Operation::DeleteUser, Anonymous, Unauthenticated),
    (Operation::DeleteUser, Admin, Allow),
    (Operation::DeleteUser, Member, Forbidden),
    (Operation::DeleteUser, TeamManager, Forbidden),
    (Operation::DeleteUser, CustomRole, Allow),
    (Operation::DeleteUser, DeactivatedAdmin, Unauthenticated),
    (Operation::DeleteUser, OtherTenantAdmin, NotFound),
    (Operation::UpdateOwnProfile, Anonymous, Unauthenticated),
    (Operation::UpdateOwnProfile, Admin, Allow),
    (Operation::UpdateOwnProfile, Member, Allow),
    (Operation::UpdateOwnProfile, TeamManager, Allow),
    (Operation::UpdateOwnProfile, CustomRole, Allow),
    (
        Operation::UpdateOwnProfile,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::UpdateOwnProfile, OtherTenantAdmin, Allow),
    (Operation::LinkOwnIdentity, Anonymous, Unauthenticated),
    (Operation::LinkOwnIdentity, Admin, Allow),
    (Operation::LinkOwnIdentity, Member, Allow),
    (Operation::LinkOwnIdentity, TeamManager, Allow),
    (Operation::LinkOwnIdentity, CustomRole, Allow),
    (
        Operation::LinkOwnIdentity,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::LinkOwnIdentity, OtherTenantAdmin, Allow),
    (
        Operation::ReauthenticateOwnSession,
        Anonymous,
        Unauthenticated,
    ),
    (Operation::ReauthenticateOwnSession, Admin, Allow),
    (Operation::ReauthenticateOwnSession, Member, Allow),
    (Operation::ReauthenticateOwnSession, TeamManager, Allow),
    (Operation::ReauthenticateOwnSession, CustomRole, Allow),
    (
        Operation::ReauthenticateOwnSession,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::ReauthenticateOwnSession, OtherTenantAdmin, Allow),
    (Operation::ListRoles, Anonymous, Unauthenticated),
    (Operation::ListRoles, Admin, Allow),
    (Operation::ListRoles, Member, Forbidden),
    (Operation::ListRoles, TeamManager, Forbidden),
    (Operation::ListRoles, CustomRole, Allow),
    (Operation::ListRoles, DeactivatedAdmin, Unauthenticated),
    (Operation::ListRoles, OtherTenantAdmin, Allow),
    (Operation::ListAssignableRoles, Anonymous, Unauthenticated),
    (Operation::ListAssignableRoles, Admin, Allow),
    (Operation::ListAssignableRoles, Member, Forbidden),
    (Operation::ListAssignableRoles, TeamManager, Forbidden),
    (Operation::ListAssignableRoles, CustomRole, Allow),
    (
        Operation::ListAssignableRoles,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    // Lists the actor's own tenant: nothing of this tenant leaks.
    (Operation::ListAssignableRoles, OtherTenantAdmin, Allow),
    (Operation::CreateRole, Anonymous, Unauthenticated),
    (Operation::CreateRole, Admin, Allow),
    (Operation::CreateRole, Member, Forbidden),
    (Operation::CreateRole, TeamManager, Forbidden),
    (Operation::CreateRole, CustomRole, Allow),
    (Operation::CreateRole, DeactivatedAdmin, Unauthenticated),
    (Operation::CreateRole, OtherTenantAdmin, Allow),
    (Operation::UpdateRole, Anonymous, Unauthenticated),
    (Operation::UpdateRole, Admin, Allow),
    (Operation::UpdateRole, Member, Forbidden),
    (Operation::UpdateRole, TeamManager, Forbidden),
    (Operation::UpdateRole, CustomRole, Allow),
    (Operation::UpdateRole, DeactivatedAdmin, Unauthenticated),
    (Operation::UpdateRole, OtherTenantAdmin, NotFound),
    (Operation::DeleteRole, Anonymous, Unauthenticated),
    (Operation::DeleteRole, Admin, Allow),
    (Operation::DeleteRole, Member, Forbidden),
    (Operation::DeleteRole, TeamManager, Forbidden),
    (Operation::DeleteRole, CustomRole, Allow),
    (Operation::DeleteRole, DeactivatedAdmin, Unauthenticated),
    (Operation::DeleteRole, OtherTenantAdmin, NotFound),
    (Operation::ListTeams, Anonymous, Unauthenticated),
    (Operation::ListTeams, Admin, Allow),
    (Operation::ListTeams, Member, Forbidden),
    (Operation::ListTeams, TeamManager, Allow),
    (Operation::ListTeams, CustomRole, Forbidden),
    (Operation::ListTeams, DeactivatedAdmin, Unauthenticated),
    (Operation::ListTeams, OtherTenantAdmin, Allow),
    (Operation::ViewTeam, Anonymous, Unauthenticated),
    (Operation::ViewTeam, Admin, Allow),
    (Operation::ViewTeam, Member, Forbidden),
    (Operation::ViewTeam, TeamManager, Allow),
    (Operation::ViewTeam, CustomRole, Forbidden),
    (Operation::ViewTeam, DeactivatedAdmin, Unauthenticated),
    (Operation::ViewTeam, OtherTenantAdmin, NotFound),
    (Operation::CreateTeam, Anonymous, Unauthenticated),
    (Operation::CreateTeam, Admin, Allow),
    (Operation::CreateTeam, Member, Forbidden),
    (Operation::CreateTeam, TeamManager, Forbidden),
    (Operation::CreateTeam, CustomRole, Forbidden),
    (Operation::CreateTeam, DeactivatedAdmin, Unauthenticated),
    (Operation::CreateTeam, OtherTenantAdmin, Allow),
    (Operation::UpdateTeam, Anonymous, Unauthenticated),
    (Operation::UpdateTeam, Admin, Allow),
    (Operation::UpdateTeam, Member, Forbidden),
    (Operation::UpdateTeam, TeamManager, Forbidden),
    (Operation::UpdateTeam, CustomRole, Forbidden),
    (Operation::UpdateTeam, DeactivatedAdmin, Unauthenticated),
    (Operation::UpdateTeam, OtherTenantAdmin, NotFound),
    (Operation::DeleteTeam, Anonymous, Unauthenticated),
    (Operation::DeleteTeam, Admin, Allow),
    (Operation::DeleteTeam, Member, Forbidden),
    (Operation::DeleteTeam, TeamManager, Forbidden),
    (Operation::DeleteTeam, CustomRole, Forbidden),
    (Operation::DeleteTeam, DeactivatedAdmin, Unauthenticated),
    (Operation::DeleteTeam, OtherTenantAdmin, NotFound),
    (Operation::ManageTeamMembers, Anonymous, Unauthenticated),
    (Operation::ManageTeamMembers, Admin, Allow),
    (Operation::ManageTeamMembers, Member, Forbidden),
    // The Team Manager kind manages the fixture team (see `matrix_holds`).
    (Operation::ManageTeamMembers, TeamManager, Allow),
    (Operation::ManageTeamMembers, CustomRole, Forbidden),
    (
        Operation::ManageTeamMembers,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::ManageTeamMembers, OtherTenantAdmin, NotFound),
    (Operation::ViewCurrentUser, ResourceCollaborator, Allow),
    (Operation::ListUsers, ResourceCollaborator, Allow),
    (Operation::ViewUser, ResourceCollaborator, Allow),
    (Operation::ChangeUserRole, ResourceCollaborator, Forbidden),
    (Operation::SetUserStatus, ResourceCollaborator, Forbidden),
    (Operation::InviteUsers, ResourceCollaborator, Forbidden),
    (
        Operation::ResetUserPassword,
        ResourceCollaborator,
        Forbidden,
    ),
    (Operation::DeleteUser, ResourceCollaborator, Forbidden),
    (Operation::UpdateOwnProfile, ResourceCollaborator, Allow),
    (Operation::LinkOwnIdentity, ResourceCollaborator, Allow),
    (
        Operation::ReauthenticateOwnSession,
        ResourceCollaborator,
        Allow,
    ),
    (Operation::ListRoles, ResourceCollaborator, Forbidden),
    (
        Operation::ListAssignableRoles,
        ResourceCollaborator,
        Forbidden,
    ),
    (Operation::CreateRole, ResourceCollaborator, Forbidden),
    (Operation::UpdateRole, ResourceCollaborator, Forbidden),
    (Operation::DeleteRole, ResourceCollaborator, Forbidden),
    (Operation::ListTeams, ResourceCollaborator, Forbidden),
    (Operation::ViewTeam, ResourceCollaborator, Forbidden),
    (Operation::CreateTeam, ResourceCollaborator, Forbidden),
    (Operation::UpdateTeam, ResourceCollaborator, Forbidden),
    (Operation::DeleteTeam, ResourceCollaborator, Forbidden),
    (
        Operation::ManageTeamMembers,
        ResourceCollaborator,
        Forbidden,
    ),
    (Operation::ListResources, Anonymous, Unauthenticated),
    (Operation::ListResources, Admin, Allow),
    (Operation::ListResources, Member, Allow),
    (Operation::ListResources, TeamManager, Allow),
    (Operation::ListResources, CustomRole, Allow),
    (Operation::ListResources, DeactivatedAdmin, Unauthenticated),
    (Operation::ListResources, OtherTenantAdmin, Allow),
    (Operation::ListResources, ResourceCollaborator, Allow),
    (Operation::ViewResource, Anonymous, Unauthenticated),
    (Operation::ListCollaborators, Anonymous, Unauthenticated),
    (Operation::ViewResource, Admin, Allow),
    (Operation::ListCollaborators, Admin, Allow),
    (Operation::ViewResource, Member, Forbidden),
    (Operation::ListCollaborators, Member, Forbidden),
    (Operation::ViewResource, TeamManager, Forbidden),
    (Operation::ListCollaborators, TeamManager, Forbidden),
    (Operation::ViewResource, CustomRole, Forbidden),
    (Operation::ListCollaborators, CustomRole, Forbidden),
    (Operation::ViewResource, DeactivatedAdmin, Unauthenticated),
    (
        Operation::ListCollaborators,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::ViewResource, OtherTenantAdmin, NotFound),
    (Operation::ListCollaborators, OtherTenantAdmin, NotFound),
    (Operation::ViewResource, ResourceCollaborator, Allow),
    (Operation::ListCollaborators, ResourceCollaborator, Allow),
    (Operation::CreateResource, Anonymous, Unauthenticated),
    (Operation::CreateResource, Admin, Allow),
    (Operation::CreateResource, Member, Forbidden),
    (Operation::CreateResource, TeamManager, Forbidden),
    (Operation::CreateResource, CustomRole, Forbidden),
    (Operation::CreateResource, DeactivatedAdmin, Unauthenticated),
    (Operation::CreateResource, OtherTenantAdmin, Allow),
    (Operation::CreateResource, ResourceCollaborator, Forbidden),
    (Operation::DeleteResource, Anonymous, Unauthenticated),
    (Operation::DeleteResource, Admin, Allow),
    (Operation::DeleteResource, Member, Forbidden),
    (Operation::DeleteResource, TeamManager, Forbidden),
    (Operation::DeleteResource, CustomRole, Forbidden),
    (Operation::DeleteResource, DeactivatedAdmin, Unauthenticated),
    (Operation::DeleteResource, OtherTenantAdmin, NotFound),
    (Operation::DeleteResource, ResourceCollaborator, Allow),
    (Operation::ManageCollaborators, Anonymous, Unauthenticated),
    (Operation::ManageCollaborators, Admin, Allow),
    (Operation::ManageCollaborators, Member, Forbidden),
    (Operation::ManageCollaborators, TeamManager, Forbidden),
    (Operation::ManageCollaborators, CustomRole, Forbidden),
    (
        Operation::ManageCollaborators,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::ManageCollaborators, OtherTenantAdmin, NotFound),
    (Operation::ManageCollaborators, ResourceCollaborator, Allow),
    (Operation::CheckAccess, Anonymous, Unauthenticated),
    (Operation::CheckAccess, Admin, Allow),
    (Operation::CheckAccess, Member, Forbidden),
    (Operation::CheckAccess, TeamManager, Forbidden),
    (Operation::CheckAccess, CustomRole, Forbidden),
    (Operation::CheckAccess, DeactivatedAdmin, Unauthenticated),
    (Operation::CheckAccess, OtherTenantAdmin, NotFound),
    (Operation::CheckAccess, ResourceCollaborator, Allow),
    (Operation::SuggestSubjects, Anonymous, Unauthenticated),
    (Operation::SuggestSubjects, Admin, Allow),
    (Operation::SuggestSubjects, Member, Allow),
    (Operation::SuggestSubjects, TeamManager, Allow),
    (Operation::SuggestSubjects, CustomRole, Allow),
    (
        Operation::SuggestSubjects,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::SuggestSubjects, OtherTenantAdmin, Allow),
    (Operation::SuggestSubjects, ResourceCollaborator, Allow),
    (Operation::ListOwnTokens, Anonymous, Unauthenticated),
    (Operation::ListOwnTokens, Admin, Allow),
    (Operation::ListOwnTokens, Member, Allow),
    (Operation::ListOwnTokens, TeamManager, Allow),
    (Operation::ListOwnTokens, CustomRole, Allow),
    (Operation::ListOwnTokens, DeactivatedAdmin, Unauthenticated),
    (Operation::ListOwnTokens, OtherTenantAdmin, Allow),
    (Operation::ListOwnTokens, ResourceCollaborator, Allow),
    (Operation::CreateOwnToken, Anonymous, Unauthenticated),
    (Operation::CreateOwnToken, Admin, Allow),
    (Operation::CreateOwnToken, Member, Allow),
    (Operation::CreateOwnToken, TeamManager, Allow),
    (Operation::CreateOwnToken, CustomRole, Allow),
    (Operation::CreateOwnToken, DeactivatedAdmin, Unauthenticated),
    (Operation::CreateOwnToken, OtherTenantAdmin, Allow),
    (Operation::CreateOwnToken, ResourceCollaborator, Allow),
    (Operation::RevokeOwnToken, Anonymous, Unauthenticated),
    (Operation::RevokeOwnToken, Admin, Allow),
    (Operation::RevokeOwnToken, Member, Allow),
    (Operation::RevokeOwnToken, TeamManager, Allow),
    (Operation::RevokeOwnToken, CustomRole, Allow),
    (Operation::RevokeOwnToken, DeactivatedAdmin, Unauthenticated),
    (Operation::RevokeOwnToken, OtherTenantAdmin, Allow),
    (Operation::RevokeOwnToken, ResourceCollaborator, Allow),
    (Operation::RevokeUserTokens, Anonymous, Unauthenticated),
    (Operation::RevokeUserTokens, Admin, Allow),
    (Operation::RevokeUserTokens, Member, Forbidden),
    (Operation::RevokeUserTokens, TeamManager, Forbidden),
    (Operation::RevokeUserTokens, CustomRole, Allow),
    (
        Operation::RevokeUserTokens,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::RevokeUserTokens, OtherTenantAdmin, NotFound),
    (Operation::RevokeUserTokens, ResourceCollaborator, Forbidden),
    (Operation::CreateUserToken, Anonymous, Unauthenticated),
    (Operation::CreateUserToken, Admin, Allow),
    (Operation::CreateUserToken, Member, Forbidden),
    (Operation::CreateUserToken, TeamManager, Forbidden),
    (Operation::CreateUserToken, CustomRole, Forbidden),
    (
        Operation::CreateUserToken,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::CreateUserToken, OtherTenantAdmin, NotFound),
    (Operation::CreateUserToken, ResourceCollaborator, Forbidden),
    (Operation::ViewSecuritySettings, Anonymous, Unauthenticated),
    (Operation::ViewSecuritySettings, Admin, Allow),
    (Operation::ViewSecuritySettings, Member, Allow),
    (Operation::ViewSecuritySettings, TeamManager, Forbidden),
    (Operation::ViewSecuritySettings, CustomRole, Forbidden),
    (
        Operation::ViewSecuritySettings,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::ViewSecuritySettings, OtherTenantAdmin, Allow),
    (Operation::ViewSecuritySettings, ResourceCollaborator, Allow),
    (
        Operation::UpdateSecuritySettings,
        Anonymous,
        Unauthenticated,
    ),
    (Operation::UpdateSecuritySettings, Admin, Allow),
    (Operation::UpdateSecuritySettings, Member, Forbidden),
    (Operation::UpdateSecuritySettings, TeamManager, Forbidden),
    (Operation::UpdateSecuritySettings, CustomRole, Forbidden),
    (
        Operation::UpdateSecuritySettings,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::UpdateSecuritySettings, OtherTenantAdmin, Allow),
    (
        Operation::UpdateSecuritySettings,
        ResourceCollaborator,
        Forbidden,
    ),
    (Operation::ListIdentityProviders, Anonymous, Unauthenticated),
    (Operation::ListIdentityProviders, Admin, Allow),
    (Operation::ListIdentityProviders, Member, Forbidden),
    (Operation::ListIdentityProviders, TeamManager, Forbidden),
    (Operation::ListIdentityProviders, CustomRole, Forbidden),
    (
        Operation::ListIdentityProviders,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::ListIdentityProviders, OtherTenantAdmin, Allow),
    (
        Operation::ListIdentityProviders,
        ResourceCollaborator,
        Forbidden,
    ),
    (
        Operation::ListIdentityProviders,
        VirtualAccountToken,
        Forbidden,
    ),
    (
        Operation::CreateIdentityProvider,
        Anonymous,
        Unauthenticated,
    ),
    (Operation::CreateIdentityProvider, Admin, Allow),
    (Operation::CreateIdentityProvider, Member, Forbidden),
    (Operation::CreateIdentityProvider, TeamManager, Forbidden),
    (Operation::CreateIdentityProvider, CustomRole, Forbidden),
    (
        Operation::CreateIdentityProvider,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::CreateIdentityProvider, OtherTenantAdmin, Allow),
    (
        Operation::CreateIdentityProvider,
        ResourceCollaborator,
        Forbidden,
    ),
    (
        Operation::CreateIdentityProvider,
        VirtualAccountToken,
        Forbidden,
    ),
    (
        Operation::UpdateIdentityProvider,
        Anonymous,
        Unauthenticated,
    ),
    (Operation::UpdateIdentityProvider, Admin, Allow),
    (Operation::UpdateIdentityProvider, Member, Forbidden),
    (Operation::UpdateIdentityProvider, TeamManager, Forbidden),
    (Operation::UpdateIdentityProvider, CustomRole, Forbidden),
    (
        Operation::UpdateIdentityProvider,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (
        Operation::UpdateIdentityProvider,
        OtherTenantAdmin,
        NotFound,
    ),
    (
        Operation::UpdateIdentityProvider,
        ResourceCollaborator,
        Forbidden,
    ),
    (
        Operation::UpdateIdentityProvider,
        VirtualAccountToken,
        Forbidden,
    ),
    (
        Operation::DeleteIdentityProvider,
        Anonymous,
        Unauthenticated,
    ),
    (Operation::DeleteIdentityProvider, Admin, Allow),
    (Operation::DeleteIdentityProvider, Member, Forbidden),
    (Operation::DeleteIdentityProvider, TeamManager, Forbidden),
    (Operation::DeleteIdentityProvider, CustomRole, Forbidden),
    (
        Operation::DeleteIdentityProvider,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (
        Operation::DeleteIdentityProvider,
        OtherTenantAdmin,
        NotFound,
    ),
    (
        Operation::DeleteIdentityProvider,
        ResourceCollaborator,
        Forbidden,
    ),
    (
        Operation::DeleteIdentityProvider,
        VirtualAccountToken,
        Forbidden,
    ),
    (Operation::TestIdentityProvider, Anonymous, Unauthenticated),
    (Operation::TestIdentityProvider, Admin, Allow),
    (Operation::TestIdentityProvider, Member, Forbidden),
    (Operation::TestIdentityProvider, TeamManager, Forbidden),
    (Operation::TestIdentityProvider, CustomRole, Forbidden),
    (
        Operation::TestIdentityProvider,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    // Names no object of the tenant: another tenant's Admin tests an address for their own.
    (Operation::TestIdentityProvider, OtherTenantAdmin, Allow),
    (
        Operation::TestIdentityProvider,
        ResourceCollaborator,
        Forbidden,
    ),
    (
        Operation::TestIdentityProvider,
        VirtualAccountToken,
        Forbidden,
    ),
    (Operation::ViewCurrentUser, VirtualAccountToken, Forbidden),
    (Operation::ListUsers, VirtualAccountToken, Forbidden),
    (Operation::ViewUser, VirtualAccountToken, Forbidden),
    (Operation::ChangeUserRole, VirtualAccountToken, Forbidden),
    (Operation::SetUserStatus, VirtualAccountToken, Forbidden),
    (Operation::InviteUsers, VirtualAccountToken, Forbidden),
    (Operation::ResetUserPassword, VirtualAccountToken, Forbidden),
    (Operation::DeleteUser, VirtualAccountToken, Forbidden),
    (Operation::UpdateOwnProfile, VirtualAccountToken, Forbidden),
    (Operation::LinkOwnIdentity, VirtualAccountToken, Forbidden),
    (
        Operation::ReauthenticateOwnSession,
        VirtualAccountToken,
        Forbidden,
    ),
    (Operation::ListRoles, VirtualAccountToken, Forbidden),
    (
        Operation::ListAssignableRoles,
        VirtualAccountToken,
        Forbidden,
    ),
    (Operation::CreateRole, VirtualAccountToken, Forbidden),
    (Operation::UpdateRole, VirtualAccountToken, Forbidden),
    (Operation::DeleteRole, VirtualAccountToken, Forbidden),
    (Operation::ListTeams, VirtualAccountToken, Forbidden),
    (Operation::ViewTeam, VirtualAccountToken, Forbidden),
    (Operation::CreateTeam, VirtualAccountToken, Forbidden),
    (Operation::UpdateTeam, VirtualAccountToken, Forbidden),
    (Operation::DeleteTeam, VirtualAccountToken, Forbidden),
    (Operation::ManageTeamMembers, VirtualAccountToken, Forbidden),
    (Operation::ListResources, VirtualAccountToken, Allow),
    (Operation::ViewResource, VirtualAccountToken, Allow),
    (Operation::ListCollaborators, VirtualAccountToken, Allow),
    (Operation::CreateResource, VirtualAccountToken, Forbidden),
    (Operation::DeleteResource, VirtualAccountToken, Forbidden),
    (
        Operation::ManageCollaborators,
        VirtualAccountToken,
        Forbidden,
    ),
    (Operation::CheckAccess, VirtualAccountToken, Forbidden),
    (Operation::SuggestSubjects, VirtualAccountToken, Forbidden),
    (Operation::ListOwnTokens, VirtualAccountToken, Forbidden),
    (Operation::CreateOwnToken, VirtualAccountToken, Forbidden),
    (Operation::RevokeOwnToken, VirtualAccountToken, Forbidden),
    (Operation::RevokeUserTokens, VirtualAccountToken, Forbidden),
    (Operation::CreateUserToken, VirtualAccountToken, Forbidden),
    (
        Operation::ViewSecuritySettings,
        VirtualAccountToken,
        Forbidden,
    ),
    (
        Operation::UpdateSecuritySettings,
        VirtualAccountToken,
        Forbidden,
    ),
    (
        Operation::ListVirtualAccounts,
        VirtualAccountToken,
        Forbidden,
    ),
    (
        Operation::ViewVirtualAccount,
        VirtualAccountToken,
        Forbidden,
    ),
    (
        Operation::CreateVirtualAccount,
        VirtualAccountToken,
        Forbidden,
    ),
    (
        Operation::RevealVirtualAccountToken,
        VirtualAccountToken,
        Forbidden,
    ),
    (
        Operation::RegenerateVirtualAccountToken,
        VirtualAccountToken,
        Forbidden,
    ),
    (
        Operation::UpdateVirtualAccount,
        VirtualAccountToken,
        Forbidden,
    ),
    (
        Operation::DeleteVirtualAccount,
        VirtualAccountToken,
        Forbidden,
    ),
    (Operation::ListVirtualAccounts, Anonymous, Unauthenticated),
    (Operation::ListVirtualAccounts, Admin, Allow),
    (Operation::ListVirtualAccounts, Member, Forbidden),
    (Operation::ListVirtualAccounts, TeamManager, Forbidden),
    (Operation::ListVirtualAccounts, CustomRole, Forbidden),
    (
        Operation::ListVirtualAccounts,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::ListVirtualAccounts, OtherTenantAdmin, Allow),
    (
        Operation::ListVirtualAccounts,
        ResourceCollaborator,
        Forbidden,
    ),
    (Operation::ViewVirtualAccount, Anonymous, Unauthenticated),
    (Operation::ViewVirtualAccount, Admin, Allow),
    (Operation::ViewVirtualAccount, Member, Forbidden),
    (Operation::ViewVirtualAccount, TeamManager, Forbidden),
    (Operation::ViewVirtualAccount, CustomRole, Forbidden),
    (
        Operation::ViewVirtualAccount,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::ViewVirtualAccount, OtherTenantAdmin, NotFound),
    (
        Operation::ViewVirtualAccount,
        ResourceCollaborator,
        Forbidden,
    ),
    (Operation::CreateVirtualAccount, Anonymous, Unauthenticated),
    (Operation::CreateVirtualAccount, Admin, Allow),
    (Operation::CreateVirtualAccount, Member, Forbidden),
    (Operation::CreateVirtualAccount, TeamManager, Forbidden),
    (Operation::CreateVirtualAccount, CustomRole, Forbidden),
    (
        Operation::CreateVirtualAccount,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::CreateVirtualAccount, OtherTenantAdmin, NotFound),
    (
        Operation::CreateVirtualAccount,
        ResourceCollaborator,
        Forbidden,
    ),
    (
        Operation::RevealVirtualAccountToken,
        Anonymous,
        Unauthenticated,
    ),
    (Operation::RevealVirtualAccountToken, Admin, Allow),
    (Operation::RevealVirtualAccountToken, Member, Forbidden),
    (Operation::RevealVirtualAccountToken, TeamManager, Forbidden),
    (Operation::RevealVirtualAccountToken, CustomRole, Forbidden),
    (
        Operation::RevealVirtualAccountToken,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (
        Operation::RevealVirtualAccountToken,
        OtherTenantAdmin,
        NotFound,
    ),
    (
        Operation::RevealVirtualAccountToken,
        ResourceCollaborator,
        Forbidden,
    ),
    (
        Operation::RegenerateVirtualAccountToken,
        Anonymous,
        Unauthenticated,
    ),
    (Operation::RegenerateVirtualAccountToken, Admin, Allow),
    (Operation::RegenerateVirtualAccountToken, Member, Forbidden),
    (
        Operation::RegenerateVirtualAccountToken,
        TeamManager,
        Forbidden,
    ),
    (
        Operation::RegenerateVirtualAccountToken,
        CustomRole,
        Forbidden,
    ),
    (
        Operation::RegenerateVirtualAccountToken,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (
        Operation::RegenerateVirtualAccountToken,
        OtherTenantAdmin,
        NotFound,
    ),
    (
        Operation::RegenerateVirtualAccountToken,
        ResourceCollaborator,
        Forbidden,
    ),
    (Operation::UpdateVirtualAccount, Anonymous, Unauthenticated),
    (Operation::UpdateVirtualAccount, Admin, Allow),
    (Operation::UpdateVirtualAccount, Member, Forbidden),
    (Operation::UpdateVirtualAccount, TeamManager, Forbidden),
    (Operation::UpdateVirtualAccount, CustomRole, Forbidden),
    (
        Operation::UpdateVirtualAccount,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::UpdateVirtualAccount, OtherTenantAdmin, NotFound),
    (
        Operation::UpdateVirtualAccount,
        ResourceCollaborator,
        Forbidden,
    ),
    (Operation::DeleteVirtualAccount, Anonymous, Unauthenticated),
    (Operation::DeleteVirtualAccount, Admin, Allow),
    (Operation::DeleteVirtualAccount, Member, Forbidden),
    (Operation::DeleteVirtualAccount, TeamManager, Forbidden),
    (Operation::DeleteVirtualAccount, CustomRole, Forbidden),
    (
        Operation::DeleteVirtualAccount,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::DeleteVirtualAccount, OtherTenantAdmin, NotFound),
    (
        Operation::DeleteVirtualAccount,
        ResourceCollaborator,
        Forbidden,
    ),
];

/// Objects of the default tenant the operations act on.
struct Fixtures {
    /// A Member the user operations target.
    target: UserId,
    /// A custom role holding only user:ListUsers, which the custom-role actor may hand out.
    viewer_role: RoleId,
    /// The default tenant.
    tenant_id: i64,
    /// A team without a role, managed by the Team Manager kind.
    team: TeamId,
    /// A cluster, and a workspace in it on which the collaborator kind is Workspace Admin.
    cluster: ResourceId,
    workspace: ResourceId,
    /// A virtual account owned by the fixture team.
    account: VirtualAccountId,
}

const COLLABORATOR_EMAIL: &str = "matrix-collab@example.com";

/// A workspace in the fixture cluster, made by the first Admin, on which the collaborator kind
/// is Workspace Admin.
async fn fresh_workspace(ctx: &TestCtx, cluster: ResourceId) -> ResourceId {
    let admin = ctx.actor(ctx.admin_id().await).await;
    let scope = ctx.services.scope(&admin);
    let n = ROLE_COUNTER.fetch_add(1, Ordering::SeqCst);
    let created = scope
        .create_resource(NewResource {
            resource_type: ResourceType::Workspace,
            name: format!("matrix-ws-{n}"),
            parent_id: Some(cluster),
        })
        .await
        .expect("fixture workspace")
        .resource
        .id;
    scope
        .add_collaborator(NewCollaborator {
            resource_id: created,
            subject: format!("user:{COLLABORATOR_EMAIL}"),
            role_id: ctx.role_id("workspace-admin").await,
        })
        .await
        .expect("fixture grant");
    created
}

static ROLE_COUNTER: AtomicU32 = AtomicU32::new(0);

/// The role of the users the user operations act on: user:ListUsers only.
const TARGET_ROLE: &str = "matrix-target";

fn viewer_permissions() -> Vec<String> {
    vec!["user:ListUsers".to_string()]
}

/// A custom role nobody holds, in the default tenant, made without going through any scope.
async fn fresh_role(ctx: &TestCtx) -> RoleId {
    let admin = ctx.actor(ctx.admin_id().await).await;
    let n = ROLE_COUNTER.fetch_add(1, Ordering::SeqCst);
    ctx.services
        .scope(&admin)
        .create_role(NewRole {
            resource_type: None,
            name: format!("matrix-role-{n}"),
            display_name: format!("Matrix role {n}"),
            description: "made by the matrix".into(),
            permissions: viewer_permissions(),
        })
        .await
        .expect("fixture role")
        .id
}

/// An identity provider configuration whose slug starts with `prefix` (made unique here).
fn provider_input(prefix: &str) -> IdentityProviderInput {
    let n = ROLE_COUNTER.fetch_add(1, Ordering::SeqCst);
    IdentityProviderInput {
        slug: format!("{prefix}-{n}"),
        preset: IdpPreset::Keycloak,
        display_name: "Keycloak".into(),
        issuer_url: "https://keycloak.example.com/realms/corp".into(),
        client_id: "latchkey".into(),
        client_secret: Some("client-secret".into()),
        scopes: vec!["openid email profile".into()],
        groups_claim: Some("groups".into()),
        allowed_domains: Vec::new(),
        provisioning: Provisioning::JustInTime,
        enabled: true,
        role_mappings: Vec::new(),
        team_mappings: Vec::new(),
    }
}

/// An identity provider of the default tenant, made by the first Admin.
async fn fresh_provider(ctx: &TestCtx) -> IdentityProviderId {
    let admin = ctx.actor(ctx.admin_id().await).await;
    ctx.services
        .scope(&admin)
        .create_identity_provider(provider_input("matrix-idp"))
        .await
        .expect("fixture provider")
        .id
}

/// Runs one operation through the scope, reducing the answer to ok / the error.
async fn perform(
    ctx: &TestCtx,
    scope: &Scope<'_>,
    fixtures: &Fixtures,
    operation: Operation,
) -> Result<(), DomainError> {
    match operation {
        Operation::ViewCurrentUser => scope.current_user().await.map(drop),
        Operation::ListUsers => scope.list_users(UserQuery::default()).await.map(drop),
        Operation::ViewUser => scope.get_user(fixtures.target).await.map(drop),
        Operation::ChangeUserRole => {
            scope
                .change_user_role(fixtures.target, fixtures.viewer_role)
                .await?;
            // The bulk form answers as the single one.
            scope
                .change_users(BulkUserChange {
                    users: vec![fixtures.target],
                    change: UserChange::Role(fixtures.viewer_role),
                })
                .await
                .map(drop)
        }
        Operation::SetUserStatus => {
            scope.deactivate_user(fixtures.target).await?;
            scope.activate_user(fixtures.target).await?;
            scope
                .change_users(BulkUserChange {
                    users: vec![fixtures.target],
                    change: UserChange::Deactivate,
                })
                .await?;
            scope
                .change_users(BulkUserChange {
                    users: vec![fixtures.target],
                    change: UserChange::Activate,
                })
                .await
                .map(drop)
        }
        Operation::InviteUsers => {
            let n = ROLE_COUNTER.fetch_add(1, Ordering::SeqCst);
            scope
                .invite_users(InviteRequest {
                    emails: format!("invited-{n}@example.com"),
                    role_id: fixtures.viewer_role,
                    send_password_email: true,
                    teams: Vec::new(),
                })
                .await
                .map(drop)
        }
        Operation::ResetUserPassword => scope.reset_user_password(fixtures.target).await.map(drop),
        Operation::DeleteUser => {
            let n = ROLE_COUNTER.fetch_add(1, Ordering::SeqCst);
            let doomed = ctx
                .add_user_with_role(
                    fixtures.tenant_id,
                    &format!("doomed-{n}@example.com"),
                    TARGET_ROLE,
                    UserStatus::Active,
                )
                .await;
            scope.delete_user(doomed).await
        }
        Operation::LinkOwnIdentity => scope.own_identities().await.map(drop),
        Operation::ReauthenticateOwnSession => scope.reauthentication_options().await.map(drop),
        Operation::UpdateOwnProfile => scope
            .update_own_display_name("Matrix Person")
            .await
            .map(drop),
        Operation::ListRoles => scope.list_roles().await.map(drop),
        Operation::ListAssignableRoles => scope.assignable_roles().await.map(drop),
        Operation::ListTeams => scope.list_teams(TeamQuery::default()).await.map(drop),
        Operation::ListResources => scope.list_resources(None).await.map(drop),
        Operation::ViewResource => scope.get_resource(fixtures.workspace).await.map(drop),
        Operation::ListCollaborators => scope
            .list_collaborators(
                ResourceType::Workspace,
                fixtures.workspace,
                CollaboratorQuery::default(),
            )
            .await
            .map(drop),
        Operation::CreateResource => {
            let n = ROLE_COUNTER.fetch_add(1, Ordering::SeqCst);
            scope
                .create_resource(NewResource {
                    resource_type: ResourceType::Cluster,
                    name: format!("created-cluster-{n}"),
                    parent_id: None,
                })
                .await
                .map(drop)
        }
        Operation::DeleteResource => {
            let doomed = fresh_workspace(ctx, fixtures.cluster).await;
            scope.delete_resource(doomed).await
        }
        Operation::ManageCollaborators => {
            let added = scope
                .add_collaborator(NewCollaborator {
                    resource_id: fixtures.workspace,
                    subject: "user:matrix-target@example.com".into(),
                    role_id: ctx.role_id("workspace-viewer").await,
                })
                .await?;
            let grant = added
                .collaborators
                .items
                .iter()
                .find(|c| c.subject == "user:matrix-target@example.com")
                .expect("the new grant")
                .id;
            scope
                .change_collaborator_role(
                    fixtures.workspace,
                    grant,
                    ctx.role_id("workspace-editor").await,
                )
                .await?;
            scope
                .remove_collaborator(fixtures.workspace, grant)
                .await
                .map(drop)
        }
        Operation::SuggestSubjects => scope
            .suggest_subjects(SubjectSearch {
                text: "matrix".into(),
                kinds: vec![
                    SubjectKind::User,
                    SubjectKind::Team,
                    SubjectKind::VirtualAccount,
                ],
            })
            .await
            .map(drop),
        Operation::CheckAccess => scope
            .check_access(AccessQuestion {
                subject: "user:matrix-target@example.com".into(),
                resource_id: fixtures.workspace,
                permission: "workspace:ReadWorkspace".into(),
            })
            .await
            .map(drop),
        Operation::ViewTeam => scope.get_team(fixtures.team).await.map(drop),
        Operation::CreateTeam => {
            let n = ROLE_COUNTER.fetch_add(1, Ordering::SeqCst);
            scope
                .create_team(NewTeam {
                    name: format!("created-team-{n}"),
                    description: "created by the matrix".into(),
                    role_id: None,
                })
                .await
                .map(drop)
        }
        Operation::UpdateTeam => scope
            .update_team(
                fixtures.team,
                TeamChanges {
                    description: "updated by the matrix".into(),
                    role_id: None,
                },
            )
            .await
            .map(drop),
        Operation::DeleteTeam => {
            let doomed = fresh_team(ctx).await;
            scope.team_deletion_impact(doomed).await?;
            scope.delete_team(doomed).await
        }
        Operation::ManageTeamMembers => {
            let added = NewTeamMembers {
                emails: "matrix-target@example.com".into(),
                role: TeamMemberRole::Member,
            };
            scope.add_team_members(fixtures.team, added).await?;
            scope
                .set_team_member_role(fixtures.team, fixtures.target, TeamMemberRole::Manager)
                .await?;
            scope
                .remove_team_member(fixtures.team, fixtures.target)
                .await
                .map(drop)
        }
        Operation::CreateRole => {
            let n = ROLE_COUNTER.fetch_add(1, Ordering::SeqCst);
            scope
                .create_role(NewRole {
                    resource_type: None,
                    name: format!("created-{n}"),
                    display_name: "Created".into(),
                    description: "created by the matrix".into(),
                    permissions: viewer_permissions(),
                })
                .await
                .map(drop)
        }
        Operation::UpdateRole => scope
            .update_role(
                fixtures.viewer_role,
                RoleChanges {
                    display_name: "Viewer".into(),
                    description: "reads users".into(),
                    permissions: viewer_permissions(),
                },
            )
            .await
            .map(drop),
        Operation::DeleteRole => {
            let role = fresh_role(ctx).await;
            scope.delete_role(role).await
        }
        Operation::ListOwnTokens => scope.list_own_tokens(TokenQuery::default()).await.map(drop),
        Operation::CreateOwnToken => scope.create_own_token(fresh_token()).await.map(drop),
        Operation::RevokeOwnToken => {
            // Issued from a fresh session of the same user: revoking needs no recent sign-in,
            // creating does.
            let me = scope.current_user().await?;
            let fresh = ctx.actor(me.id).await;
            let issued = ctx
                .services
                .scope(&fresh)
                .create_own_token(fresh_token())
                .await?;
            scope.revoke_own_token(issued.token.id).await.map(drop)
        }
        Operation::RevokeUserTokens => scope
            .revoke_user_tokens(UserKey::Id(fixtures.target))
            .await
            .map(drop),
        Operation::CreateUserToken => scope
            .create_user_token(UserKey::Id(fixtures.target), fresh_token())
            .await
            .map(drop),
        Operation::ListIdentityProviders => scope.list_identity_providers().await.map(drop),
        Operation::CreateIdentityProvider => scope
            .create_identity_provider(provider_input("matrix-created"))
            .await
            .map(drop),
        Operation::UpdateIdentityProvider => {
            let id = fresh_provider(ctx).await;
            scope
                .update_identity_provider(id, provider_input("matrix-updated"))
                .await
                .map(drop)
        }
        Operation::DeleteIdentityProvider => {
            let id = fresh_provider(ctx).await;
            scope.delete_identity_provider(id).await
        }
        Operation::TestIdentityProvider => scope
            .test_identity_provider("https://keycloak.example.com/realms/corp")
            .await
            .map(drop),
        Operation::ViewSecuritySettings => scope.security_settings().await.map(drop),
        Operation::UpdateSecuritySettings => scope
            .update_security_settings(SecuritySettings::default())
            .await
            .map(drop),
        Operation::ListVirtualAccounts => scope
            .list_virtual_accounts(VirtualAccountQuery::default())
            .await
            .map(drop),
        Operation::ViewVirtualAccount => {
            scope.get_virtual_account(fixtures.account).await.map(drop)
        }
        Operation::CreateVirtualAccount => scope
            .create_virtual_account(fresh_account(fixtures.team))
            .await
            .map(drop),
        Operation::RevealVirtualAccountToken => scope
            .virtual_account_token(fixtures.account)
            .await
            .map(drop),
        Operation::RegenerateVirtualAccountToken => scope
            .regenerate_virtual_account_token(fixtures.account, GracePeriod::days(1))
            .await
            .map(drop),
        Operation::UpdateVirtualAccount => scope
            .update_virtual_account(
                fixtures.account,
                VirtualAccountChanges {
                    owner_team_id: fixtures.team,
                    expires_at: None,
                    description: "Changed by the matrix".into(),
                },
            )
            .await
            .map(drop),
        Operation::DeleteVirtualAccount => {
            let admin = ctx.actor(ctx.admin_id().await).await;
            let doomed = ctx
                .services
                .scope(&admin)
                .create_virtual_account(fresh_account(fixtures.team))
                .await
                .expect("fixture account")
                .detail
                .account
                .id;
            scope.delete_virtual_account(doomed).await
        }
    }
}

fn fresh_account(team: TeamId) -> NewVirtualAccount {
    let n = ROLE_COUNTER.fetch_add(1, Ordering::SeqCst);
    NewVirtualAccount {
        name: format!("matrix-va-{n}"),
        owner_team_id: team,
        expires_at: None,
        description: String::new(),
    }
}

fn fresh_token() -> NewToken {
    let n = ROLE_COUNTER.fetch_add(1, Ordering::SeqCst);
    NewToken {
        name: format!("matrix-{n}"),
        expires_at: None,
    }
}

/// A team nobody belongs to, made by the first Admin.
async fn fresh_team(ctx: &TestCtx) -> TeamId {
    let admin = ctx.actor(ctx.admin_id().await).await;
    let n = ROLE_COUNTER.fetch_add(1, Ordering::SeqCst);
    ctx.services
        .scope(&admin)
        .create_team(NewTeam {
            name: format!("matrix-team-{n}"),
            description: "made by the matrix".into(),
            role_id: None,
        })
        .await
        .expect("fixture team")
        .team
        .id
}

fn classify(result: &Result<(), DomainError>) -> Expect {
    match result {
        Ok(()) => Allow,
        Err(DomainError::Unauthenticated) => Unauthenticated,
        Err(DomainError::Forbidden(_)) => Forbidden,
        Err(DomainError::NotFound(_)) => NotFound,
        Err(DomainError::ReauthenticationRequired) => Reauthenticate,
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
}

#[test]
fn every_operation_has_a_row_per_actor_kind() {
    for operation in Operation::ALL {
        for kind in KINDS {
            let rows = MATRIX
                .iter()
                .filter(|(op, k, _)| op == operation && k == kind)
                .count();
            assert_eq!(
                rows, 1,
                "{operation:?} x {kind:?} needs exactly one row in MATRIX, has {rows}"
            );
        }
    }
}

async fn actor_of(ctx: &TestCtx, kind: Kind, tenant_id: i64) -> Actor {
    let (email, role, status, tenant) = match kind {
        Anonymous => return Actor::Anonymous,
        Admin => (
            "matrix-admin@example.com",
            BuiltinRole::Admin.name(),
            UserStatus::Active,
            tenant_id,
        ),
        Member => (
            "matrix-member@example.com",
            BuiltinRole::Member.name(),
            UserStatus::Active,
            tenant_id,
        ),
        TeamManager => (
            "matrix-manager@example.com",
            BuiltinRole::TeamManager.name(),
            UserStatus::Active,
            tenant_id,
        ),
        CustomRole => (
            "matrix-custom@example.com",
            "user-manager",
            UserStatus::Active,
            tenant_id,
        ),
        DeactivatedAdmin => (
            "matrix-gone@example.com",
            BuiltinRole::Admin.name(),
            UserStatus::Deactivated,
            tenant_id,
        ),
        ResourceCollaborator => return ctx.actor(ctx.user_id(COLLABORATOR_EMAIL).await).await,
        VirtualAccountToken => unreachable!("made from a token in matrix_holds"),
        OtherTenantAdmin => {
            let other = ctx.other_tenant().await;
            (
                "outsider@example.com",
                BuiltinRole::Admin.name(),
                UserStatus::Active,
                other,
            )
        }
    };
    let user = ctx.add_user_with_role(tenant, email, role, status).await;
    ctx.actor(user).await
}

db_test!(matrix_holds, |ctx: TestCtx| async move {
    let admin_id = ctx.with_admin().await;
    let tenant = ctx.default_tenant().await;
    let admin = ctx.actor(admin_id).await;
    let scope = ctx.services.scope(&admin);
    scope
        .create_role(NewRole {
            resource_type: None,
            name: "user-manager".into(),
            display_name: "User manager".into(),
            description: "manages users and roles".into(),
            permissions: [
                "user:ListUsers",
                "user:ManageUsers",
                "role:ListRoles",
                "role:ManageRoles",
            ]
            .map(String::from)
            .to_vec(),
        })
        .await
        .unwrap();
    // The users acted on hold no more than the custom-role actor (the rule for acting on a
    // user), so that kind's rows show the permission decision; escalation_seams.rs covers
    // targets holding more.
    scope
        .create_role(NewRole {
            resource_type: None,
            name: TARGET_ROLE.into(),
            display_name: "Matrix target".into(),
            description: "what the users acted on hold".into(),
            permissions: viewer_permissions(),
        })
        .await
        .unwrap();
    let fixtures = Fixtures {
        target: ctx
            .add_user_with_role(
                tenant.id,
                "matrix-target@example.com",
                TARGET_ROLE,
                UserStatus::Active,
            )
            .await,
        viewer_role: fresh_role(&ctx).await,
        tenant_id: tenant.id,
        team: fresh_team(&ctx).await,
        cluster: ResourceId(0),
        workspace: ResourceId(0),
        account: VirtualAccountId(0),
    };
    ctx.add_user(
        tenant.id,
        COLLABORATOR_EMAIL,
        BuiltinRole::Member,
        UserStatus::Active,
    )
    .await;
    let cluster = scope
        .create_resource(NewResource {
            resource_type: ResourceType::Cluster,
            name: "matrix-cluster".into(),
            parent_id: None,
        })
        .await
        .unwrap()
        .resource
        .id;
    let workspace = fresh_workspace(&ctx, cluster).await;
    let account = scope
        .create_virtual_account(fresh_account(fixtures.team))
        .await
        .unwrap();
    // The virtual-account kind: its own account, Workspace Viewer on the fixture workspace.
    let caller = scope
        .create_virtual_account(NewVirtualAccount {
            name: "matrix-caller".into(),
            owner_team_id: fixtures.team,
            expires_at: None,
            description: String::new(),
        })
        .await
        .unwrap();
    scope
        .add_collaborator(NewCollaborator {
            resource_id: workspace,
            subject: "virtualaccount:matrix-caller".into(),
            role_id: ctx.role_id("workspace-viewer").await,
        })
        .await
        .unwrap();
    let caller_token = caller.token;
    let fixtures = Fixtures {
        cluster,
        workspace,
        account: account.detail.account.id,
        ..fixtures
    };
    for kind in KINDS {
        let actor = match kind {
            VirtualAccountToken => ctx
                .services
                .auth()
                .authenticate_token(&caller_token, "127.0.0.1")
                .await
                .unwrap()
                .expect("the account's token opens the API"),
            _ => actor_of(&ctx, *kind, tenant.id).await,
        };
        let manages_team = *kind == TeamManager;
        if manages_team {
            let lead = NewTeamMembers {
                emails: "matrix-manager@example.com".into(),
                role: TeamMemberRole::Manager,
            };
            scope.add_team_members(fixtures.team, lead).await.unwrap();
        }
        let scope = ctx.services.scope(&actor);
        for (operation, _, expected) in MATRIX.iter().filter(|(_, k, _)| k == kind) {
            let result = perform(&ctx, &scope, &fixtures, *operation).await;
            assert_eq!(
                classify(&result),
                *expected,
                "{operation:?} as {kind:?}: {result:?}"
            );
            // A refusal names the permission that is missing (a virtual account is told it can
            // only act on resources instead).
            if let (Err(DomainError::Forbidden(message)), Requirement::Permission(permission)) =
                (&result, operation.requirement())
            {
                if *kind == VirtualAccountToken {
                    assert!(message.contains("only act on the resources"), "{message}");
                } else {
                    assert!(message.contains(permission.key()), "{message}");
                }
            }
            // The pure decision agrees, except that it cannot see tenants (NotFound comes from
            // looking the target up inside the actor's tenant).
            // (A virtual account is decided by `authorize_acting`, which is crate-internal.)
            if *expected != NotFound && *kind != VirtualAccountToken {
                let holds_on_resource = match operation {
                    Operation::CreateResource => matches!(kind, Admin | OtherTenantAdmin),
                    _ => matches!(kind, Admin | ResourceCollaborator),
                };
                // The default Team Manager role holds no virtual-account permission.
                let standing = Standing {
                    manages_team,
                    holds_on_resource,
                    team_manager_role_allows: false,
                };
                let decided = domain::authorize_with(&actor, *operation, standing).map(drop);
                assert_eq!(
                    classify(&decided),
                    *expected,
                    "authorize({operation:?}) as {kind:?}"
                );
            }
        }
    }
    // A personal access token acts with exactly its owner's permissions: the same rows hold
    // for the Admin and the Member calling through a token.
    for (kind, email) in [
        (Admin, "matrix-admin@example.com"),
        (Member, "matrix-member@example.com"),
    ] {
        let issued = ctx
            .services
            .system_scope()
            .create_token_for(email, fresh_token())
            .await
            .unwrap();
        let actor = ctx
            .services
            .auth()
            .authenticate_token(&issued.value, "127.0.0.1")
            .await
            .unwrap()
            .expect("a fresh token opens the API");
        let scope = ctx.services.scope(&actor);
        for (operation, _, expected) in MATRIX.iter().filter(|(_, k, _)| *k == kind) {
            let result = perform(&ctx, &scope, &fixtures, *operation).await;
            assert_eq!(
                classify(&result),
                *expected,
                "{operation:?} as {kind:?} through a token: {result:?}"
            );
        }
    }
    // A browser session whose sign-in is older than the re-authentication window keeps every
    // Admin row, except that what hands out a credential asks for the password first.
    let admin_id = ctx.user_id("matrix-admin@example.com").await;
    let stale = chrono::Utc::now() - domain::REAUTHENTICATE_AFTER - chrono::TimeDelta::minutes(1);
    let actor = ctx.session_actor(admin_id, stale).await;
    let scope = ctx.services.scope(&actor);
    for (operation, _, expected) in MATRIX.iter().filter(|(_, k, _)| *k == Admin) {
        let expected = if operation.hands_out_credential() {
            Reauthenticate
        } else {
            *expected
        };
        let result = perform(&ctx, &scope, &fixtures, *operation).await;
        assert_eq!(
            classify(&result),
            expected,
            "{operation:?} in a stale session: {result:?}"
        );
    }
    // A plain Member who manages the fixture team: the Member's rows, except that the team is
    // theirs to list, open and run whatever their tenant role (seed 001's Team Manager).
    let lead = ctx
        .add_user(
            tenant.id,
            "matrix-lead@example.com",
            BuiltinRole::Member,
            UserStatus::Active,
        )
        .await;
    let admin = ctx.actor(admin_id).await;
    ctx.services
        .scope(&admin)
        .add_team_members(
            fixtures.team,
            NewTeamMembers {
                emails: "matrix-lead@example.com".into(),
                role: TeamMemberRole::Manager,
            },
        )
        .await
        .unwrap();
    let lead = ctx.actor(lead).await;
    let scope = ctx.services.scope(&lead);
    for (operation, _, expected) in MATRIX.iter().filter(|(_, k, _)| *k == Member) {
        let expected = match operation {
            Operation::ListTeams | Operation::ViewTeam | Operation::ManageTeamMembers => Allow,
            _ => *expected,
        };
        let result = perform(&ctx, &scope, &fixtures, *operation).await;
        assert_eq!(
            classify(&result),
            expected,
            "{operation:?} as a Member managing the team: {result:?}"
        );
    }
});
