//! Virtual accounts: created for a team, granted resource roles as `virtualaccount:<name>`,
//! calling the API with their token. Whoever holds a virtual-account permission tenant-wide may
//! use it on every virtual account; a manager of the owning team may use it on that team's
//! accounts when the Team Manager role holds it (seed 001's FAQ recipe).

use crate::dto::{
    CreatedVirtualAccount, GracePeriod, MAX_GRACE_PERIOD_DAYS, NewVirtualAccount, Page,
    RegeneratedToken, TeamRef, UserRef, VirtualAccountChanges, VirtualAccountDetail,
    VirtualAccountQuery, VirtualAccountSummary, VirtualAccountTokenRow,
};
use crate::ids::{TeamId, TokenId, UserId, VirtualAccountId};
use crate::permissions::{BuiltinRole, Permission};
use crate::ssr::access::SUBJECT_VIRTUAL_ACCOUNT;
use crate::ssr::actor::UserActor;
use crate::ssr::authorize::{Operation, Requirement, Standing, active_user, authorize_with};
use crate::ssr::entities::{collaborator, role, team, token, user, virtual_account};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::grant_rule::{Holdings, refuse_beyond};
use crate::ssr::scope::{Scope, lower_like, page_window, search_pattern};
use crate::ssr::scope_resources::grants_of_virtual_account;
use crate::ssr::scope_teams::managed_team_ids;
use crate::ssr::scope_tokens::{API_TOKEN_PURPOSE, token_status, usable_at};
use crate::ssr::secret::Secret;
use crate::ssr::services::role_permissions;
use crate::ssr::token_format::{self, TokenKind};
use crate::validation::{check_token_name, normalize_optional_description};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::{BTreeMap, BTreeSet};

/// Seal purpose for virtual-account token values (see `Secret::seal`).
const VA_TOKEN_SEAL: &str = "virtual-account-token";

impl Scope<'_> {
    /// Access > Virtual Accounts: every one with virtual-account:ReadVirtualAccount, else those
    /// of the teams the actor manages (when the Team Manager role holds that permission).
    pub async fn list_virtual_accounts(
        &self,
        query: VirtualAccountQuery,
    ) -> DomainResult<Page<VirtualAccountSummary>> {
        let me = active_user(self.actor)?;
        let db = self.services.db();
        let (limit, offset) = page_window(
            query.limit,
            query.offset,
            VirtualAccountQuery::DEFAULT_LIMIT,
            VirtualAccountQuery::MAX_LIMIT,
        )?;
        let read = Permission::ReadVirtualAccount;
        let managed = managed_teams(db, me).await?;
        let manager_may = !managed.is_empty() && team_manager_role_holds(db, me, read).await?;
        let me = authorize_with(
            self.actor,
            Operation::ListVirtualAccounts,
            Standing {
                team_manager_role_allows: manager_may,
                ..Standing::default()
            },
        )?;
        let mut select = virtual_account::Entity::find()
            .filter(virtual_account::Column::TenantId.eq(me.tenant_id.0));
        if !me.permissions.contains(&read) {
            select = select.filter(virtual_account::Column::OwnerTeamId.is_in(managed));
        }
        if let Some(pattern) = search_pattern(query.search.as_deref())? {
            select = select.filter(lower_like(
                virtual_account::Entity,
                virtual_account::Column::Name,
                &pattern,
            ));
        }
        if let Some(name) = query.name.as_deref() {
            select = select.filter(virtual_account::Column::Name.eq(name.trim()));
        }
        if !query.owner_teams.is_empty() {
            let owners = team::Entity::find()
                .filter(team::Column::TenantId.eq(me.tenant_id.0))
                .filter(team::Column::Name.is_in(query.owner_teams.iter().map(|t| t.trim())))
                .all(db)
                .await?;
            select = select
                .filter(virtual_account::Column::OwnerTeamId.is_in(owners.iter().map(|t| t.id)));
        }
        if let Some(expired) = query.expired {
            let now = Utc::now();
            select = select.filter(if expired {
                Condition::all().add(virtual_account::Column::ExpiresAt.lte(now))
            } else {
                Condition::any()
                    .add(virtual_account::Column::ExpiresAt.is_null())
                    .add(virtual_account::Column::ExpiresAt.gt(now))
            });
        }
        let total = select.clone().count(db).await?;
        let rows = select
            .order_by_asc(virtual_account::Column::Name)
            .limit(limit)
            .offset(offset)
            .all(db)
            .await?;
        Ok(Page {
            items: summaries(db, rows).await?,
            total,
            limit,
            offset,
        })
    }

    /// A virtual account's page: details, tokens (without values) and grants.
    pub async fn get_virtual_account(
        &self,
        id: VirtualAccountId,
    ) -> DomainResult<VirtualAccountDetail> {
        let db = self.services.db();
        let (me, account) = self
            .on_account(db, id, Operation::ViewVirtualAccount)
            .await?;
        detail(db, me, account).await
    }

    /// Creates a virtual account for a team, with its first token.
    pub async fn create_virtual_account(
        &self,
        new: NewVirtualAccount,
    ) -> DomainResult<CreatedVirtualAccount> {
        let me = active_user(self.actor)?;
        let name = check_token_name("name", &new.name)?;
        let description = normalize_optional_description("description", &new.description)?;
        let now = Utc::now();
        if new.expires_at.is_some_and(|at| at <= now) {
            return Err(DomainError::validation(
                "expires_at",
                "The expiry date must be in the future.",
            ));
        }
        let txn = self.services.begin_write().await?;
        let owner = team::Entity::find_by_id(new.owner_team_id.0)
            .filter(team::Column::TenantId.eq(me.tenant_id.0))
            .one(&txn)
            .await?
            .ok_or_else(|| DomainError::NotFound("Team".into()))?;
        let standing = owner_standing(&txn, me, owner.id, Permission::CreateVirtualAccount).await?;
        let me = authorize_with(self.actor, Operation::CreateVirtualAccount, standing)?;
        let taken = virtual_account::Entity::find()
            .filter(virtual_account::Column::TenantId.eq(me.tenant_id.0))
            .filter(virtual_account::Column::Name.eq(name.as_str()))
            .count(&txn)
            .await?
            > 0;
        if taken {
            return Err(DomainError::Conflict(format!(
                "A virtual account named {name} already exists."
            )));
        }
        let account = virtual_account::ActiveModel {
            tenant_id: Set(me.tenant_id.0),
            name: Set(name),
            owner_team_id: Set(owner.id),
            expires_at: Set(new.expires_at),
            description: Set(description),
            created_by: Set(Some(me.user_id.0)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let token = issue_account_token(&txn, self.services.secret(), &account, now).await?;
        let detail = detail(&txn, me, account).await?;
        self.finish(txn).await?;
        tracing::info!(account = %detail.account.id, by = %me.user_id, dry_run = self.rehearse, "virtual account created");
        Ok(CreatedVirtualAccount { detail, token })
    }

    /// The account's current token, for those who may manage it.
    pub async fn virtual_account_token(&self, id: VirtualAccountId) -> DomainResult<String> {
        let db = self.services.db();
        let (me, account) = self
            .on_account(db, id, Operation::RevealVirtualAccountToken)
            .await?;
        refuse_beyond(
            db,
            me,
            &Holdings::of_virtual_account(db, account.id).await?,
            Some(format!("The token of {} carries its grants.", account.name)),
        )
        .await?;
        let current = current_token(db, account.id, Utc::now())
            .await?
            .ok_or_else(|| DomainError::NotFound("token".into()))?;
        let value = current
            .sealed_token
            .as_deref()
            .and_then(|sealed| self.services.secret().unseal(VA_TOKEN_SEAL, sealed))
            .ok_or_else(|| {
                DomainError::Conflict(
                    "The token can no longer be read (the instance secret changed). Regenerate it."
                        .into(),
                )
            })?;
        tracing::info!(account = account.id, by = %me.user_id, "virtual account token revealed");
        Ok(value)
    }

    /// Issues a new token. The tokens in use keep working for `grace_days` more days (0: they
    /// stop at once), so deployments can switch over.
    pub async fn regenerate_virtual_account_token(
        &self,
        id: VirtualAccountId,
        grace: GracePeriod,
    ) -> DomainResult<RegeneratedToken> {
        let grace_minutes = grace.as_minutes();
        if grace_minutes > GracePeriod::days(MAX_GRACE_PERIOD_DAYS).as_minutes() {
            return Err(DomainError::validation(
                "grace_period_days",
                format!("The grace period is 0 to {MAX_GRACE_PERIOD_DAYS} days."),
            ));
        }
        let txn = self.services.begin_write().await?;
        let (me, account) = self
            .on_account(&txn, id, Operation::RegenerateVirtualAccountToken)
            .await?;
        refuse_beyond(
            &txn,
            me,
            &Holdings::of_virtual_account(&txn, account.id).await?,
            Some(format!("The token of {} carries its grants.", account.name)),
        )
        .await?;
        let now = Utc::now();
        // Microseconds, as PostgreSQL stores them, so the answer equals what is stored.
        let until = (now + Duration::minutes(i64::from(grace_minutes))).trunc_subsecs(6);
        let previous = account_tokens(account.id)
            .filter(usable_at(now))
            .all(&txn)
            .await?;
        for old in previous {
            // A replaced token keeps only the shorter of its own expiry and the grace period;
            // it is no longer the one "show token" reveals, so its sealed copy goes.
            let ends = old.expires_at.map_or(until, |at| at.min(until));
            let mut active: token::ActiveModel = old.into();
            if grace_minutes == 0 {
                active.revoked_at = Set(Some(now));
            } else {
                active.expires_at = Set(Some(ends));
            }
            active.sealed_token = Set(None);
            active.update(&txn).await?;
        }
        let token = issue_account_token(&txn, self.services.secret(), &account, now).await?;
        self.finish(txn).await?;
        tracing::info!(account = account.id, by = %me.user_id, grace_minutes, "virtual account token regenerated");
        Ok(RegeneratedToken {
            token,
            previous_valid_until: (grace_minutes > 0).then_some(until),
        })
    }

    /// Changes a virtual account's owner team, expiry and description. Managing the account
    /// is required; a new owner also needs what creating an account for that team needs, and,
    /// since the new team's managers may come to reveal its token, holding what the account
    /// holds (the granting rule).
    pub async fn update_virtual_account(
        &self,
        id: VirtualAccountId,
        changes: VirtualAccountChanges,
    ) -> DomainResult<VirtualAccountDetail> {
        let description = normalize_optional_description("description", &changes.description)?;
        // To the microsecond, as the databases keep it, so the stored expiry sent back unchanged
        // compares equal.
        let expires_at = changes.expires_at.map(|at| at.trunc_subsecs(6));
        let now = Utc::now();
        let txn = self.services.begin_write().await?;
        let (me, account) = self
            .on_account(&txn, id, Operation::UpdateVirtualAccount)
            .await?;
        if expires_at != account.expires_at && expires_at.is_some_and(|at| at <= now) {
            return Err(DomainError::validation(
                "expires_at",
                "The expiry date must be in the future.",
            ));
        }
        // A later expiry (or none) keeps the account's grants working longer for everyone
        // holding its token, an expired account's included: handing them out again.
        let extends = match (account.expires_at, expires_at) {
            (Some(_), None) => true,
            (Some(old), Some(new)) => new > old,
            (None, _) => false,
        };
        if extends {
            refuse_beyond(
                &txn,
                me,
                &Holdings::of_virtual_account(&txn, account.id).await?,
                Some(format!(
                    "A later expiry keeps the grants of {} working longer.",
                    account.name
                )),
            )
            .await?;
        }
        if changes.owner_team_id.0 != account.owner_team_id {
            let owner = team::Entity::find_by_id(changes.owner_team_id.0)
                .filter(team::Column::TenantId.eq(me.tenant_id.0))
                .one(&txn)
                .await?
                .ok_or_else(|| DomainError::validation("owner_team_id", "No such team here."))?;
            let standing =
                owner_standing(&txn, me, owner.id, Permission::CreateVirtualAccount).await?;
            authorize_with(self.actor, Operation::CreateVirtualAccount, standing)?;
            refuse_beyond(
                &txn,
                me,
                &Holdings::of_virtual_account(&txn, account.id).await?,
                Some(format!(
                    "Moving {} to {} lets that team's managers use its grants.",
                    account.name, owner.name
                )),
            )
            .await?;
        }
        let mut active: virtual_account::ActiveModel = account.into();
        active.owner_team_id = Set(changes.owner_team_id.0);
        active.expires_at = Set(expires_at);
        active.description = Set(description);
        active.updated_at = Set(Some(now));
        let updated = active.update(&txn).await?;
        let detail = detail(&txn, me, updated).await?;
        self.finish(txn).await?;
        tracing::info!(account = %detail.account.id, by = %me.user_id, dry_run = self.rehearse, "virtual account changed");
        Ok(detail)
    }

    /// Deletes a virtual account with its tokens and its collaborator grants.
    pub async fn delete_virtual_account(&self, id: VirtualAccountId) -> DomainResult<()> {
        let txn = self.services.begin_write().await?;
        let (me, account) = self
            .on_account(&txn, id, Operation::DeleteVirtualAccount)
            .await?;
        collaborator::Entity::delete_many()
            .filter(collaborator::Column::SubjectKind.eq(SUBJECT_VIRTUAL_ACCOUNT))
            .filter(collaborator::Column::SubjectId.eq(account.id))
            .exec(&txn)
            .await?;
        virtual_account::Entity::delete_by_id(account.id)
            .exec(&txn)
            .await?;
        self.finish(txn).await?;
        tracing::info!(account = account.id, by = %me.user_id, "virtual account deleted");
        Ok(())
    }

    /// The account `id` of the actor's tenant, after deciding `operation` on it.
    async fn on_account(
        &self,
        db: &impl ConnectionTrait,
        id: VirtualAccountId,
        operation: Operation,
    ) -> DomainResult<(&UserActor, virtual_account::Model)> {
        let me = active_user(self.actor)?;
        let account = virtual_account::Entity::find_by_id(id.0)
            .filter(virtual_account::Column::TenantId.eq(me.tenant_id.0))
            .one(db)
            .await?
            .ok_or_else(|| DomainError::NotFound("Virtual account".into()))?;
        let permission = match operation.requirement() {
            Requirement::PermissionOrOwningTeamManager(p) => p,
            _ => Permission::ReadVirtualAccount,
        };
        let standing = owner_standing(db, me, account.owner_team_id, permission).await?;
        let me = authorize_with(self.actor, operation, standing)?;
        Ok((me, account))
    }
}

/// The teams `me` manages.
async fn managed_teams(db: &impl ConnectionTrait, me: &UserActor) -> DomainResult<Vec<i64>> {
    managed_team_ids(db, me.user_id).await
}

/// Whether the tenant's Team Manager role holds `permission` (an Admin may edit it).
async fn team_manager_role_holds(
    db: &impl ConnectionTrait,
    me: &UserActor,
    permission: Permission,
) -> DomainResult<bool> {
    Ok(team_manager_role_permissions(db, me)
        .await?
        .contains(&permission))
}

/// The permissions of the tenant's Team Manager role (an Admin may have edited them).
pub(crate) async fn team_manager_role_permissions(
    db: &impl ConnectionTrait,
    me: &UserActor,
) -> DomainResult<BTreeSet<Permission>> {
    let Some(found) = role::Entity::find()
        .filter(role::Column::TenantId.eq(me.tenant_id.0))
        .filter(role::Column::Name.eq(BuiltinRole::TeamManager.name()))
        .filter(role::Column::Builtin.eq(true))
        .one(db)
        .await?
    else {
        return Ok(BTreeSet::new());
    };
    role_permissions(db, &found).await
}

/// What `me` may do to an account owned by `owner_team` as that team's manager.
async fn owner_standing(
    db: &impl ConnectionTrait,
    me: &UserActor,
    owner_team: i64,
    permission: Permission,
) -> DomainResult<Standing> {
    let manages = managed_teams(db, me).await?.contains(&owner_team);
    Ok(Standing {
        team_manager_role_allows: manages && team_manager_role_holds(db, me, permission).await?,
        ..Standing::default()
    })
}

/// The tokens of one virtual account, any status.
fn account_tokens(account: i64) -> sea_orm::Select<token::Entity> {
    token::Entity::find()
        .filter(token::Column::Kind.eq(TokenKind::VirtualAccount.as_str()))
        .filter(token::Column::VirtualAccountId.eq(account))
}

/// The newest usable token still kept sealed: the one "show token" reveals.
async fn current_token(
    db: &impl ConnectionTrait,
    account: i64,
    now: DateTime<Utc>,
) -> DomainResult<Option<token::Model>> {
    Ok(account_tokens(account)
        .filter(usable_at(now))
        .filter(token::Column::SealedToken.is_not_null())
        .order_by_desc(token::Column::Id)
        .one(db)
        .await?)
}

/// A new token for `account`: stored as a keyed hash for lookups, and sealed so its managers
/// can copy it again. It expires with the account.
async fn issue_account_token(
    db: &impl ConnectionTrait,
    secret: &Secret,
    account: &virtual_account::Model,
    now: DateTime<Utc>,
) -> DomainResult<String> {
    let value = token_format::generate(TokenKind::VirtualAccount);
    token::ActiveModel {
        tenant_id: Set(account.tenant_id),
        kind: Set(TokenKind::VirtualAccount.as_str().to_string()),
        user_id: Set(None),
        virtual_account_id: Set(Some(account.id)),
        name: Set(account.name.clone()),
        token_hash: Set(secret.keyed_hash(API_TOKEN_PURPOSE, &value)),
        sealed_token: Set(Some(secret.seal(VA_TOKEN_SEAL, &value))),
        created_at: Set(now),
        expires_at: Set(None),
        last_used_at: Set(None),
        last_used_ip: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(value)
}

/// List rows for `accounts`, with their teams and creators read in two queries.
async fn summaries(
    db: &impl ConnectionTrait,
    accounts: Vec<virtual_account::Model>,
) -> DomainResult<Vec<VirtualAccountSummary>> {
    let teams: BTreeMap<i64, String> = team::Entity::find()
        .filter(team::Column::Id.is_in(accounts.iter().map(|a| a.owner_team_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let creators: BTreeMap<i64, UserRef> = user::Entity::find()
        .filter(user::Column::Id.is_in(accounts.iter().filter_map(|a| a.created_by)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| {
            (
                u.id,
                UserRef {
                    id: UserId(u.id),
                    email: u.email,
                },
            )
        })
        .collect();
    let now = Utc::now();
    Ok(accounts
        .into_iter()
        .map(|a| VirtualAccountSummary {
            id: VirtualAccountId(a.id),
            owner_team: TeamRef {
                id: TeamId(a.owner_team_id),
                name: teams.get(&a.owner_team_id).cloned().unwrap_or_default(),
            },
            expired: a.expires_at.is_some_and(|at| at <= now),
            expires_at: a.expires_at,
            created_at: a.created_at,
            updated_at: a.updated_at.unwrap_or(a.created_at),
            created_by: a.created_by.and_then(|u| creators.get(&u).cloned()),
            description: a.description,
            name: a.name,
        })
        .collect())
}

async fn detail(
    db: &impl ConnectionTrait,
    me: &UserActor,
    account: virtual_account::Model,
) -> DomainResult<VirtualAccountDetail> {
    let now = Utc::now();
    let current = current_token(db, account.id, now).await?.map(|t| t.id);
    let tokens = account_tokens(account.id)
        .order_by_desc(token::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|t| VirtualAccountTokenRow {
            id: TokenId(t.id),
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            last_used_ip: t.last_used_ip.clone(),
            status: token_status(&t, now),
            current: Some(t.id) == current,
        })
        .collect::<Vec<_>>();
    let grants = grants_of_virtual_account(db, account.id).await?;
    // The same rule as `owner_standing`, with the memberships and the role read once for both.
    let as_manager = if managed_teams(db, me)
        .await?
        .contains(&account.owner_team_id)
    {
        team_manager_role_permissions(db, me).await?
    } else {
        BTreeSet::new()
    };
    let may = |permission: Permission| {
        me.permissions.contains(&permission) || as_manager.contains(&permission)
    };
    let can_manage = may(Permission::ManageVirtualAccount);
    let can_delete = may(Permission::DeleteVirtualAccount);
    let account = summaries(db, vec![account])
        .await?
        .pop()
        .ok_or_else(|| DomainError::Internal("summary of one account".into()))?;
    Ok(VirtualAccountDetail {
        account,
        tokens,
        grants,
        can_manage,
        can_delete,
    })
}

/// The virtual account a token belongs to, if it may act now (not expired).
pub(crate) async fn usable_account(
    db: &impl ConnectionTrait,
    account: i64,
    now: DateTime<Utc>,
) -> DomainResult<Option<virtual_account::Model>> {
    Ok(virtual_account::Entity::find_by_id(account)
        .one(db)
        .await?
        .filter(|a| a.expires_at.is_none_or(|at| at > now)))
}

/// The names of the virtual accounts a team owns (a team that owns some is not deleted).
pub(crate) async fn accounts_owned_by(
    db: &impl ConnectionTrait,
    team: i64,
) -> DomainResult<Vec<String>> {
    Ok(virtual_account::Entity::find()
        .filter(virtual_account::Column::OwnerTeamId.eq(team))
        .order_by_asc(virtual_account::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.name)
        .collect())
}
