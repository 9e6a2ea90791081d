//! The pickers' suggestions: users, teams and virtual accounts found by name.

use crate::dto::{SubjectKind, SubjectLink, SubjectSearch, SubjectSuggestion, UserStatus};
use crate::ids::{TeamId, UserId, VirtualAccountId};
use crate::permissions::Permission;
use crate::ssr::access::{SUBJECT_TEAM, SUBJECT_USER, SUBJECT_VIRTUAL_ACCOUNT};
use crate::ssr::authorize::{Operation, authorize};
use crate::ssr::entities::{team, team_member, user, virtual_account};
use crate::ssr::error::DomainResult;
use crate::ssr::scope::{Scope, lower_like, search_pattern, user_matches};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

impl Scope<'_> {
    /// Subjects whose name (or a user's email) contains `search.text`, for a picker. Each kind
    /// is offered only as far as the actor may list it anyway: users with user:ListUsers, every
    /// team with team:ReadTeam (else the teams one belongs to), virtual accounts with
    /// virtual-account:ReadVirtualAccount. A kind the actor may not list is left out, not
    /// refused, so one picker serves everyone; what is picked is still checked by the
    /// operation it is used in.
    pub async fn suggest_subjects(
        &self,
        search: SubjectSearch,
    ) -> DomainResult<Vec<SubjectSuggestion>> {
        let me = authorize(self.actor, Operation::SuggestSubjects)?;
        let Some(pattern) = search_pattern(Some(&search.text))? else {
            return Ok(Vec::new());
        };
        let holds = |p: Permission| me.permissions.contains(&p);
        let wants = |kind: SubjectKind| search.kinds.contains(&kind);
        let db = self.services.db();
        let limit = SubjectSearch::LIMIT_PER_KIND;
        let mut found = Vec::new();
        if wants(SubjectKind::User) && holds(Permission::ListUsers) {
            let users = user::Entity::find()
                .filter(user::Column::TenantId.eq(me.tenant_id.0))
                .filter(user_matches(&pattern))
                .order_by_asc(user::Column::Email)
                .limit(limit)
                .all(db)
                .await?;
            found.extend(users.into_iter().map(|u| {
                let deactivated = u.status == UserStatus::Deactivated.as_str();
                SubjectSuggestion {
                    link: SubjectLink::User(UserId(u.id)),
                    subject: format!("{SUBJECT_USER}:{}", u.email),
                    label: u.display_name,
                    detail: if deactivated {
                        format!("{} (deactivated)", u.email)
                    } else {
                        u.email
                    },
                }
            }));
        }
        if wants(SubjectKind::Team) {
            let mut teams = team::Entity::find()
                .filter(team::Column::TenantId.eq(me.tenant_id.0))
                .filter(lower_like(team::Entity, team::Column::Name, &pattern));
            if !holds(Permission::ReadTeam) {
                teams = teams.filter(
                    team::Column::Id.in_subquery(
                        Query::select()
                            .column(team_member::Column::TeamId)
                            .from(team_member::Entity)
                            .and_where(team_member::Column::UserId.eq(me.user_id.0))
                            .to_owned(),
                    ),
                );
            }
            let teams = teams
                .order_by_asc(team::Column::Name)
                .limit(limit)
                .all(db)
                .await?;
            found.extend(teams.into_iter().map(|t| SubjectSuggestion {
                link: SubjectLink::Team(TeamId(t.id)),
                subject: format!("{SUBJECT_TEAM}:{}", t.name),
                label: t.name,
                detail: "Team".into(),
            }));
        }
        if wants(SubjectKind::VirtualAccount) && holds(Permission::ReadVirtualAccount) {
            let accounts = virtual_account::Entity::find()
                .filter(virtual_account::Column::TenantId.eq(me.tenant_id.0))
                .filter(lower_like(
                    virtual_account::Entity,
                    virtual_account::Column::Name,
                    &pattern,
                ))
                .order_by_asc(virtual_account::Column::Name)
                .limit(limit)
                .all(db)
                .await?;
            found.extend(accounts.into_iter().map(|a| SubjectSuggestion {
                link: SubjectLink::VirtualAccount(VirtualAccountId(a.id)),
                subject: format!("{SUBJECT_VIRTUAL_ACCOUNT}:{}", a.name),
                label: a.name,
                detail: "Virtual account".into(),
            }));
        }
        Ok(found)
    }
}
