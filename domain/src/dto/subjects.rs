//! Subjects (users, teams, virtual accounts) as pickers offer them and grants name them.

use crate::ids::{TeamId, UserId, VirtualAccountId};
use serde::{Deserialize, Serialize};

/// The kinds of subject a picker may offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SubjectKind {
    User,
    Team,
    VirtualAccount,
}

/// Which subject a record is about, by id, so a page can link to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SubjectLink {
    User(UserId),
    Team(TeamId),
    VirtualAccount(VirtualAccountId),
}

/// "Find people, teams or virtual accounts whose name or email contains this".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectSearch {
    /// Case-insensitive substring of a user's email or display name, or of a team's or a
    /// virtual account's name. Empty text finds nothing.
    pub text: String,
    /// The kinds wanted; the ones the actor may not list are left out without an error.
    pub kinds: Vec<SubjectKind>,
}

impl SubjectSearch {
    /// Suggestions of each kind, at most.
    pub const LIMIT_PER_KIND: u64 = 8;
}

/// One suggestion of a picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectSuggestion {
    pub link: SubjectLink,
    /// The subject as the API writes it: `user:alice@example.com`, `team:ml-engineers`,
    /// `virtualaccount:ci-bot`.
    pub subject: String,
    /// The name a person knows it by: a user's display name, a team's or account's name.
    pub label: String,
    /// What tells two suggestions with one label apart: a user's email (and status), or the
    /// kind.
    pub detail: String,
}
