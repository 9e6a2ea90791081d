//! Newtype ids, so a user id can never be passed where a role id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A tenant: an isolated organisation with its own users, roles and resources.
    TenantId
);
id_type!(
    /// A human user of one tenant.
    UserId
);
id_type!(
    /// A tenant role (built-in or custom).
    RoleId
);
id_type!(
    /// A team of one tenant.
    TeamId
);
id_type!(
    /// A resource Latchkey records (cluster, workspace, ...).
    ResourceId
);
id_type!(
    /// One collaborator grant: a role on a resource for a subject.
    CollaboratorId
);
id_type!(
    /// A personal access token or virtual-account token (its record, never its secret).
    TokenId
);
id_type!(
    /// A virtual account: an API caller owned by a team, not a person.
    VirtualAccountId
);
id_type!(
    /// An OIDC identity provider of a tenant.
    IdentityProviderId
);
