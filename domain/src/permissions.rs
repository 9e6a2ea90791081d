//! The permission catalog of seed 001: every tenant-level permission, with its group, label and
//! description. One table drives the authorization checks, the role editor's grouped checklist
//! and the API's validation of permission keys.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The three headings the catalog is shown under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PermissionGroup {
    AiGateway,
    AiEngineering,
    Common,
}

impl PermissionGroup {
    pub const ALL: [PermissionGroup; 3] = [
        PermissionGroup::AiGateway,
        PermissionGroup::AiEngineering,
        PermissionGroup::Common,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PermissionGroup::AiGateway => "AI Gateway",
            PermissionGroup::AiEngineering => "AI Engineering",
            PermissionGroup::Common => "Common",
        }
    }
}

/// One entry of the catalog: `(variant, key, group, label, description)`.
macro_rules! catalog {
    ($(($variant:ident, $key:literal, $group:ident, $label:literal, $description:literal)),+ $(,)?) => {
        /// A tenant-level permission. Keys look like `<resource-type>:<Name>`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub enum Permission {
            $($variant),+
        }

        impl Permission {
            /// Every permission, in catalog order.
            pub const ALL: &'static [Permission] = &[$(Permission::$variant),+];

            pub fn key(self) -> &'static str {
                match self { $(Permission::$variant => $key),+ }
            }

            pub fn group(self) -> PermissionGroup {
                match self { $(Permission::$variant => PermissionGroup::$group),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $(Permission::$variant => $label),+ }
            }

            pub fn description(self) -> &'static str {
                match self { $(Permission::$variant => $description),+ }
            }
        }
    };
}

catalog![
    // AI Gateway
    (
        CreateProviderAccount,
        "provider-account:CreateProviderAccount",
        AiGateway,
        "Create Provider Account",
        "Allows creation of new provider accounts"
    ),
    (
        DeleteProviderAccount,
        "provider-account:DeleteProviderAccount",
        AiGateway,
        "Delete Provider Account",
        "Allows deleting existing provider accounts"
    ),
    (
        ManageProviderAccount,
        "provider-account:ManageProviderAccount",
        AiGateway,
        "Manage Provider Account",
        "Allows updating provider account configuration"
    ),
    (
        ReadProviderAccount,
        "provider-account:ReadProviderAccount",
        AiGateway,
        "Read Provider Account",
        "Allows viewing provider account details"
    ),
    (
        UseIntegrations,
        "provider-account:UseIntegrations",
        AiGateway,
        "Use Integrations",
        "Allows using integrations associated with provider accounts"
    ),
    (
        CreateMcpServer,
        "mcp-server:CreateMcpServer",
        AiGateway,
        "Create MCP Server",
        "Allows creation of new MCP servers"
    ),
    (
        DeleteMcpServer,
        "mcp-server:DeleteMcpServer",
        AiGateway,
        "Delete MCP Server",
        "Allows deleting existing MCP servers"
    ),
    (
        ManageMcpServer,
        "mcp-server:ManageMcpServer",
        AiGateway,
        "Manage MCP Server",
        "Allows updating MCP server configuration"
    ),
    (
        ReadMcpServer,
        "mcp-server:ReadMcpServer",
        AiGateway,
        "Read MCP Server",
        "Allows viewing MCP server details"
    ),
    (
        UseMcpServer,
        "mcp-server:UseMcpServer",
        AiGateway,
        "Use MCP Server",
        "Allows using MCP server for operations"
    ),
    (
        CreateAgent,
        "agent:CreateAgent",
        AiGateway,
        "Create Agent",
        "Allows creation of new Agents"
    ),
    (
        DeleteAgents,
        "agent:DeleteAgents",
        AiGateway,
        "Delete Agents",
        "Allows deleting existing Agents"
    ),
    (
        ManageAgents,
        "agent:ManageAgents",
        AiGateway,
        "Manage Agents",
        "Allows updating Agents"
    ),
    (
        ReadAgents,
        "agent:ReadAgents",
        AiGateway,
        "Read Agents",
        "Allows viewing Agents details"
    ),
    (
        ListGatewayControls,
        "gateway-control:ListGatewayControls",
        AiGateway,
        "List Gateway Controls",
        "Allows listing and viewing gateway controls"
    ),
    (
        ManageGatewayControls,
        "gateway-control:ManageGatewayControls",
        AiGateway,
        "Manage Gateway Controls",
        "Allows creating, updating, and deleting gateway controls"
    ),
    // AI Engineering
    (
        CreateCluster,
        "cluster:CreateCluster",
        AiEngineering,
        "Create Cluster",
        "Allows creation of new clusters"
    ),
    (
        DeleteCluster,
        "cluster:DeleteCluster",
        AiEngineering,
        "Delete Cluster",
        "Allows deleting existing clusters"
    ),
    (
        ManageClusters,
        "cluster:ManageClusters",
        AiEngineering,
        "Manage Clusters",
        "Allows updating and configuring cluster settings"
    ),
    (
        ReadCluster,
        "cluster:ReadCluster",
        AiEngineering,
        "Read Cluster",
        "Allows viewing cluster details and configuration"
    ),
    (
        CreateWorkspace,
        "workspace:CreateWorkspace",
        AiEngineering,
        "Create Workspace",
        "Allows creation of new workspaces"
    ),
    (
        DeleteWorkspace,
        "workspace:DeleteWorkspace",
        AiEngineering,
        "Delete Workspace",
        "Allows deleting existing workspaces"
    ),
    (
        ManageWorkspace,
        "workspace:ManageWorkspace",
        AiEngineering,
        "Manage Workspace",
        "Allows updating workspace configuration"
    ),
    (
        ReadWorkspace,
        "workspace:ReadWorkspace",
        AiEngineering,
        "Read Workspace",
        "Allows viewing workspace details"
    ),
    (
        ListWorkspaces,
        "workspace:ListWorkspaces",
        AiEngineering,
        "List Workspaces",
        "Allows listing and viewing all workspaces"
    ),
    (
        ListApplications,
        "application:ListApplications",
        AiEngineering,
        "List Applications",
        "Allows listing and viewing applications"
    ),
    (
        ManageApplications,
        "application:ManageApplications",
        AiEngineering,
        "Manage Applications",
        "Allows creating, updating, and deleting applications"
    ),
    (
        ListEnvironments,
        "environment:ListEnvironments",
        AiEngineering,
        "List Environments",
        "Allows listing and viewing environments"
    ),
    (
        ManageEnvironments,
        "environment:ManageEnvironments",
        AiEngineering,
        "Manage Environments",
        "Allows creating, updating, and deleting environments"
    ),
    (
        ListPolicies,
        "policy:ListPolicies",
        AiEngineering,
        "List Policies",
        "Allows listing and viewing policies"
    ),
    (
        ManagePolicies,
        "policy:ManagePolicies",
        AiEngineering,
        "Manage Policies",
        "Allows creating, updating, and deleting policies"
    ),
    // Common
    (
        ListRoles,
        "role:ListRoles",
        Common,
        "List Roles",
        "Allows listing and viewing roles"
    ),
    (
        ManageRoles,
        "role:ManageRoles",
        Common,
        "Manage Roles",
        "Allows creating, updating, and deleting roles"
    ),
    (
        ListUsers,
        "user:ListUsers",
        Common,
        "List Users",
        "Allows listing and viewing users"
    ),
    (
        ManageUsers,
        "user:ManageUsers",
        Common,
        "Manage Users",
        "Allows creating, updating, and deleting users"
    ),
    (
        CreateTeam,
        "team:CreateTeam",
        Common,
        "Create Team",
        "Allows creation of new teams"
    ),
    (
        DeleteTeam,
        "team:DeleteTeam",
        Common,
        "Delete Team",
        "Allows deleting existing teams"
    ),
    (
        ManageTeam,
        "team:ManageTeam",
        Common,
        "Manage Team",
        "Allows updating team configuration and members"
    ),
    (
        ReadTeam,
        "team:ReadTeam",
        Common,
        "Read Team",
        "Allows viewing team details and members"
    ),
    (
        CreateVirtualAccount,
        "virtual-account:CreateVirtualAccount",
        Common,
        "Create Virtual Account",
        "Allows creation of new virtual accounts"
    ),
    (
        ReadVirtualAccount,
        "virtual-account:ReadVirtualAccount",
        Common,
        "Read Virtual Account",
        "Allows viewing virtual account details"
    ),
    (
        ManageVirtualAccount,
        "virtual-account:ManageVirtualAccount",
        Common,
        "Manage Virtual Account",
        "Allows updating virtual account configuration and tokens"
    ),
    (
        DeleteVirtualAccount,
        "virtual-account:DeleteVirtualAccount",
        Common,
        "Delete Virtual Account",
        "Allows deleting existing virtual accounts"
    ),
    (
        ListIdentityProviders,
        "identity-provider:ListIdentityProviders",
        Common,
        "List Identity Providers",
        "Allows listing and viewing identity provider settings"
    ),
    (
        ManageIdentityProviders,
        "identity-provider:ManageIdentityProviders",
        Common,
        "Manage Identity Providers",
        "Allows creating, updating, and deleting identity providers"
    ),
    (
        CreateRepository,
        "repository:CreateRepository",
        Common,
        "Create Repository",
        "Allows creation of new repositories"
    ),
    (
        DeleteRepositoryData,
        "repository:DeleteData",
        Common,
        "Delete Data",
        "Allows deleting data within repositories"
    ),
    (
        DeleteRepository,
        "repository:DeleteRepository",
        Common,
        "Delete Repository",
        "Allows deleting existing repositories"
    ),
    (
        ManageRepository,
        "repository:ManageRepository",
        Common,
        "Manage Repository",
        "Allows updating repository configuration"
    ),
    (
        ReadRepositoryData,
        "repository:ReadData",
        Common,
        "Read Data",
        "Allows reading data from repositories"
    ),
    (
        ReadRepository,
        "repository:ReadRepository",
        Common,
        "Read Repository",
        "Allows viewing repository details"
    ),
    (
        WriteRepositoryData,
        "repository:WriteData",
        Common,
        "Write Data",
        "Allows writing data to repositories"
    ),
    (
        CreateSecretGroup,
        "secret-group:CreateSecretGroup",
        Common,
        "Create Secret Group",
        "Allows creation of new secret groups"
    ),
    (
        DeleteSecretGroup,
        "secret-group:DeleteSecretGroup",
        Common,
        "Delete Secret Group",
        "Allows deleting existing secret groups"
    ),
    (
        ManageSecretGroup,
        "secret-group:ManageSecretGroup",
        Common,
        "Manage Secret Group",
        "Allows updating secret group configuration"
    ),
    (
        ReadSecretData,
        "secret-group:ReadData",
        Common,
        "Read Data",
        "Allows reading secret values"
    ),
    (
        ReadSecretGroup,
        "secret-group:ReadSecretGroup",
        Common,
        "Read Secret Group",
        "Allows viewing secret group details"
    ),
    (
        WriteSecretData,
        "secret-group:WriteData",
        Common,
        "Write Data",
        "Allows writing or updating secret values"
    ),
    (
        ListSettings,
        "settings:ListSettings",
        Common,
        "List Settings",
        "Allows listing and viewing platform settings"
    ),
    (
        ManageSettings,
        "settings:ManageSettings",
        Common,
        "Manage Settings",
        "Allows updating platform settings"
    ),
];

impl Permission {
    /// Looks a permission up by its key (`user:ListUsers`).
    pub fn from_key(key: &str) -> Option<Permission> {
        Permission::ALL.iter().copied().find(|p| p.key() == key)
    }

    /// The resource type half of the key (`user` for `user:ListUsers`).
    pub fn resource_type(self) -> &'static str {
        self.key().split_once(':').map_or("", |(kind, _)| kind)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl TryFrom<String> for Permission {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Permission::from_key(&value).ok_or_else(|| format!("unknown permission key `{value}`"))
    }
}

impl From<Permission> for String {
    fn from(value: Permission) -> Self {
        value.key().to_string()
    }
}

/// The built-in tenant roles, by the names the API and SSO mapping use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltinRole {
    Admin,
    Member,
    TeamManager,
}

impl BuiltinRole {
    pub const ALL: [BuiltinRole; 3] = [
        BuiltinRole::Admin,
        BuiltinRole::Member,
        BuiltinRole::TeamManager,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BuiltinRole::Admin => "tenant-admin",
            BuiltinRole::Member => "tenant-member",
            BuiltinRole::TeamManager => "team-manager",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            BuiltinRole::Admin => "Admin",
            BuiltinRole::Member => "Member",
            BuiltinRole::TeamManager => "Team Manager",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            BuiltinRole::Admin => {
                "Full control over the tenant: users, teams, roles, settings and every resource."
            }
            BuiltinRole::Member => {
                "General platform user. Reaches resources only through collaborator grants or teams."
            }
            BuiltinRole::TeamManager => "Applies to team managers for what their teams own.",
        }
    }

    pub fn from_name(name: &str) -> Option<BuiltinRole> {
        BuiltinRole::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The permissions a fresh tenant gives the role. Admin's are fixed to the whole catalog;
    /// the others are only defaults an Admin may edit.
    pub fn default_permissions(self) -> Vec<Permission> {
        match self {
            BuiltinRole::Admin => Permission::ALL.to_vec(),
            // Seed 001: "Default Member role comes with following permissions".
            BuiltinRole::Member => vec![
                Permission::ListSettings,
                Permission::CreateRepository,
                Permission::CreateSecretGroup,
                Permission::ListUsers,
            ],
            // Team managers manage their own team's members through team membership itself;
            // anything more (virtual accounts, ...) is granted by editing this role (seed 001 FAQ).
            BuiltinRole::TeamManager => vec![Permission::ReadTeam],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_are_unique_and_round_trip() {
        // Seed 001: 16 AI Gateway, 15 AI Engineering and 29 Common permissions (the Provider
        // Account block it repeats under Common is counted once).
        assert_eq!(Permission::ALL.len(), 60);
        for group in PermissionGroup::ALL {
            assert!(
                Permission::ALL.iter().any(|p| p.group() == group),
                "{}",
                group.label()
            );
        }
        let keys: HashSet<_> = Permission::ALL.iter().map(|p| p.key()).collect();
        assert_eq!(keys.len(), Permission::ALL.len());
        for p in Permission::ALL {
            assert_eq!(Permission::from_key(p.key()), Some(*p));
            assert!(!p.resource_type().is_empty(), "{p} has no resource type");
        }
    }

    #[test]
    fn member_defaults_match_seed() {
        let keys: Vec<_> = BuiltinRole::Member
            .default_permissions()
            .iter()
            .map(|p| p.key())
            .collect();
        assert_eq!(
            keys,
            [
                "settings:ListSettings",
                "repository:CreateRepository",
                "secret-group:CreateSecretGroup",
                "user:ListUsers"
            ]
        );
    }

    #[test]
    fn serde_uses_keys() {
        let json = serde_json_like(Permission::ListUsers);
        assert_eq!(json, "user:ListUsers");
        assert!(Permission::try_from("user:Nope".to_string()).is_err());
    }

    fn serde_json_like(p: Permission) -> String {
        String::from(p)
    }
}
