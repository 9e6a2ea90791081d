//! The resource types Latchkey records (seed 001's collaborator table), their built-in resource
//! roles with fixed permission sets, and collaborator subjects (`user:alice@x`, `team:ml`).
//! Latchkey does not run these resources: it records them so access to them can be managed.

use crate::permissions::Permission;
use crate::validation::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A kind of resource. Keys match the permission keys' first half (`workspace:ReadWorkspace`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ResourceType {
    Cluster,
    Workspace,
    ProviderAccount,
    McpServer,
    Agent,
    Repository,
    SecretGroup,
}

impl ResourceType {
    pub const ALL: [ResourceType; 7] = [
        ResourceType::Cluster,
        ResourceType::Workspace,
        ResourceType::ProviderAccount,
        ResourceType::McpServer,
        ResourceType::Agent,
        ResourceType::Repository,
        ResourceType::SecretGroup,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ResourceType::Cluster => "cluster",
            ResourceType::Workspace => "workspace",
            ResourceType::ProviderAccount => "provider-account",
            ResourceType::McpServer => "mcp-server",
            ResourceType::Agent => "agent",
            ResourceType::Repository => "repository",
            ResourceType::SecretGroup => "secret-group",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ResourceType::Cluster => "Cluster",
            ResourceType::Workspace => "Workspace",
            ResourceType::ProviderAccount => "Provider Account",
            ResourceType::McpServer => "MCP Server",
            ResourceType::Agent => "Agent",
            ResourceType::Repository => "Repository",
            ResourceType::SecretGroup => "Secret Group",
        }
    }

    pub fn from_key(key: &str) -> Option<ResourceType> {
        ResourceType::ALL.into_iter().find(|t| t.key() == key)
    }

    /// The type a resource of this type lives in: a workspace lives in a cluster.
    pub fn parent(self) -> Option<ResourceType> {
        match self {
            ResourceType::Workspace => Some(ResourceType::Cluster),
            _ => None,
        }
    }

    /// The tenant permission to create one.
    pub fn create_permission(self) -> Permission {
        match self {
            ResourceType::Cluster => Permission::CreateCluster,
            ResourceType::Workspace => Permission::CreateWorkspace,
            ResourceType::ProviderAccount => Permission::CreateProviderAccount,
            ResourceType::McpServer => Permission::CreateMcpServer,
            ResourceType::Agent => Permission::CreateAgent,
            ResourceType::Repository => Permission::CreateRepository,
            ResourceType::SecretGroup => Permission::CreateSecretGroup,
        }
    }

    /// The permission to see one (and its collaborators).
    pub fn read_permission(self) -> Permission {
        match self {
            ResourceType::Cluster => Permission::ReadCluster,
            ResourceType::Workspace => Permission::ReadWorkspace,
            ResourceType::ProviderAccount => Permission::ReadProviderAccount,
            ResourceType::McpServer => Permission::ReadMcpServer,
            ResourceType::Agent => Permission::ReadAgents,
            ResourceType::Repository => Permission::ReadRepository,
            ResourceType::SecretGroup => Permission::ReadSecretGroup,
        }
    }

    /// The permission to change one, including who collaborates on it.
    pub fn manage_permission(self) -> Permission {
        match self {
            ResourceType::Cluster => Permission::ManageClusters,
            ResourceType::Workspace => Permission::ManageWorkspace,
            ResourceType::ProviderAccount => Permission::ManageProviderAccount,
            ResourceType::McpServer => Permission::ManageMcpServer,
            ResourceType::Agent => Permission::ManageAgents,
            ResourceType::Repository => Permission::ManageRepository,
            ResourceType::SecretGroup => Permission::ManageSecretGroup,
        }
    }

    /// The permission to delete one.
    pub fn delete_permission(self) -> Permission {
        match self {
            ResourceType::Cluster => Permission::DeleteCluster,
            ResourceType::Workspace => Permission::DeleteWorkspace,
            ResourceType::ProviderAccount => Permission::DeleteProviderAccount,
            ResourceType::McpServer => Permission::DeleteMcpServer,
            ResourceType::Agent => Permission::DeleteAgents,
            ResourceType::Repository => Permission::DeleteRepository,
            ResourceType::SecretGroup => Permission::DeleteSecretGroup,
        }
    }

    /// The permissions that make sense on one resource of this type, for custom resource
    /// roles: the type's own catalog entries except creating (a tenant-level act). A cluster's
    /// roles may also carry workspace permissions, which then reach the workspaces inside it.
    pub fn grantable_permissions(self) -> Vec<Permission> {
        let own = |t: ResourceType| {
            Permission::ALL
                .iter()
                .copied()
                .filter(move |p| p.resource_type() == t.key() && *p != t.create_permission())
        };
        let mut permissions: Vec<Permission> = own(self).collect();
        if self == ResourceType::Cluster {
            permissions.push(Permission::CreateWorkspace);
            permissions.extend(own(ResourceType::Workspace));
        }
        permissions.retain(|p| *p != Permission::ListWorkspaces);
        permissions
    }

    /// The built-in roles a resource of this type can be granted with (seed 001).
    pub fn builtin_roles(self) -> &'static [BuiltinResourceRole] {
        BUILTIN_RESOURCE_ROLES
            .iter()
            .position(|(t, _)| *t == self)
            .map_or(&[], |i| BUILTIN_RESOURCE_ROLES[i].1)
    }

    /// The role a resource's creator is given on it: the first (strongest) built-in role.
    pub fn owner_role(self) -> &'static BuiltinResourceRole {
        &self.builtin_roles()[0]
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl TryFrom<String> for ResourceType {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ResourceType::from_key(&value).ok_or_else(|| format!("unknown resource type: {value}"))
    }
}

impl From<ResourceType> for String {
    fn from(value: ResourceType) -> Self {
        value.key().to_string()
    }
}

/// A built-in resource role: a fixed set of permissions on one resource.
#[derive(Debug, PartialEq, Eq)]
pub struct BuiltinResourceRole {
    /// Role id as the API uses it (`workspace-viewer`).
    pub name: &'static str,
    pub display_name: &'static str,
    pub permissions: &'static [Permission],
}

use Permission as P;

macro_rules! role {
    ($name:literal, $display:literal, [$($p:ident),+ $(,)?]) => {
        BuiltinResourceRole { name: $name, display_name: $display, permissions: &[$(P::$p),+] }
    };
}

/// Seed 001's table, strongest role first. A cluster role's workspace permissions reach the
/// workspaces in that cluster.
const BUILTIN_RESOURCE_ROLES: &[(ResourceType, &[BuiltinResourceRole])] = &[
    (
        ResourceType::Cluster,
        &[
            role!(
                "cluster-admin",
                "Cluster Admin",
                [
                    ReadCluster,
                    ManageClusters,
                    DeleteCluster,
                    CreateWorkspace,
                    ReadWorkspace,
                    ManageWorkspace,
                    DeleteWorkspace
                ]
            ),
            role!(
                "cluster-viewer",
                "Cluster Viewer",
                [ReadCluster, ReadWorkspace]
            ),
        ],
    ),
    (
        ResourceType::Workspace,
        &[
            role!(
                "workspace-admin",
                "Workspace Admin",
                [ReadWorkspace, ManageWorkspace, DeleteWorkspace]
            ),
            role!(
                "workspace-editor",
                "Workspace Editor",
                [ReadWorkspace, ManageWorkspace]
            ),
            role!("workspace-viewer", "Workspace Viewer", [ReadWorkspace]),
        ],
    ),
    (
        ResourceType::ProviderAccount,
        &[
            role!(
                "provider-account-manager",
                "Manager",
                [
                    ReadProviderAccount,
                    ManageProviderAccount,
                    DeleteProviderAccount,
                    UseIntegrations
                ]
            ),
            role!(
                "provider-account-user",
                "User",
                [ReadProviderAccount, UseIntegrations]
            ),
            role!("provider-account-viewer", "Viewer", [ReadProviderAccount]),
        ],
    ),
    (
        ResourceType::McpServer,
        &[
            role!(
                "mcp-server-manager",
                "MCP Server Manager",
                [
                    ReadMcpServer,
                    ManageMcpServer,
                    DeleteMcpServer,
                    UseMcpServer
                ]
            ),
            role!(
                "mcp-server-user",
                "MCP Server User",
                [ReadMcpServer, UseMcpServer]
            ),
            role!("mcp-server-viewer", "MCP Server Viewer", [ReadMcpServer]),
        ],
    ),
    (
        ResourceType::Agent,
        &[
            role!(
                "agent-manager",
                "Agent Manager",
                [ReadAgents, ManageAgents, DeleteAgents]
            ),
            role!("agent-viewer", "Agent Viewer", [ReadAgents]),
        ],
    ),
    (
        ResourceType::Repository,
        &[
            role!(
                "repository-manager",
                "Repository Manager",
                [
                    ReadRepository,
                    ManageRepository,
                    DeleteRepository,
                    ReadRepositoryData,
                    WriteRepositoryData,
                    DeleteRepositoryData
                ]
            ),
            role!(
                "repository-viewer",
                "Repository Viewer",
                [ReadRepository, ReadRepositoryData]
            ),
        ],
    ),
    (
        ResourceType::SecretGroup,
        &[
            role!(
                "secret-group-manager",
                "Secret Group Manager",
                [
                    ReadSecretGroup,
                    ManageSecretGroup,
                    DeleteSecretGroup,
                    ReadSecretData,
                    WriteSecretData
                ]
            ),
            role!(
                "secret-group-viewer",
                "Secret Group Viewer",
                [ReadSecretGroup]
            ),
        ],
    ),
];

/// Who a collaborator grant is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Subject {
    /// `user:<email>`
    User(String),
    /// `team:<name>`
    Team(String),
    /// `virtualaccount:<name>`
    VirtualAccount(String),
}

/// Seed 004's words for a subject that does not parse.
pub const INVALID_SUBJECT: &str = "Invalid subject format. Use the pattern \"type:identifier\" \u{2014} e.g., user:alice@company.com, team:platform-team, serviceaccount:ci-bot.";

impl Subject {
    /// Parses `type:identifier`. `serviceaccount:` is seed 004's name for a virtual account;
    /// external identities are valid in the API's grammar but not a kind Latchkey has, so they
    /// are refused by name.
    pub fn parse(field: &str, raw: &str) -> Result<Subject, FieldError> {
        let Some((kind, identifier)) = raw.trim().split_once(':') else {
            return Err(FieldError::new(field, INVALID_SUBJECT));
        };
        let identifier = identifier.trim();
        if identifier.is_empty() {
            return Err(FieldError::new(field, INVALID_SUBJECT));
        }
        match kind {
            "user" => Ok(Subject::User(identifier.to_lowercase())),
            "team" => Ok(Subject::Team(identifier.to_string())),
            // Seed 004 calls virtual accounts service accounts: the same subject.
            "virtualaccount" | "serviceaccount" => {
                Ok(Subject::VirtualAccount(identifier.to_string()))
            }
            "external-identity" => Err(FieldError::new(
                field,
                "External identities do not exist in Latchkey yet, so nothing can be granted to one: use user:, team: or serviceaccount: (virtualaccount:).",
            )),
            _ => Err(FieldError::new(field, INVALID_SUBJECT)),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Subject::User(_) => "user",
            Subject::Team(_) => "team",
            Subject::VirtualAccount(_) => "virtualaccount",
        }
    }

    pub fn identifier(&self) -> &str {
        match self {
            Subject::User(id) | Subject::Team(id) | Subject::VirtualAccount(id) => id,
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind(), self.identifier())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_roles_within_its_grantable_permissions() {
        for t in ResourceType::ALL {
            assert!(!t.builtin_roles().is_empty(), "{t} has no roles");
            let grantable = t.grantable_permissions();
            for role in t.builtin_roles() {
                assert!(role.name.starts_with(t.key()), "{}", role.name);
                for p in role.permissions {
                    assert!(
                        grantable.contains(p),
                        "{} holds {p}, not grantable on {t}",
                        role.name
                    );
                }
                assert!(
                    role.permissions.contains(&t.read_permission()),
                    "{} cannot read",
                    role.name
                );
            }
            assert!(t.owner_role().permissions.contains(&t.manage_permission()));
            assert_eq!(ResourceType::from_key(t.key()), Some(t));
        }
    }

    #[test]
    fn subjects_parse_as_seed_004_writes_them() {
        assert_eq!(
            Subject::parse("subject", "user:Alice@Company.com").unwrap(),
            Subject::User("alice@company.com".into())
        );
        assert_eq!(
            Subject::parse("subject", "team:platform-team")
                .unwrap()
                .to_string(),
            "team:platform-team"
        );
        for bad in ["alice", "user:", "robot:x", ""] {
            assert_eq!(
                Subject::parse("subject", bad).unwrap_err().message,
                INVALID_SUBJECT
            );
        }
        assert_eq!(
            Subject::parse("subject", "serviceaccount:ci-bot").unwrap(),
            Subject::VirtualAccount("ci-bot".into())
        );
        assert!(
            Subject::parse("subject", "external-identity:bob")
                .unwrap_err()
                .message
                .contains("External identities do not exist")
        );
    }
}
