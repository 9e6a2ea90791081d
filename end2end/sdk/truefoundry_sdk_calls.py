"""Drives Latchkey's TrueFoundry-compatible API with TrueFoundry's own Python SDK.

Run with the SDK installed (PyPI `truefoundry==0.17.5`, which ships `truefoundry_sdk` 0.6.0):

    LATCHKEY_URL=http://127.0.0.1:3456 \
    LATCHKEY_ADMIN_TOKEN=lk_pat_... \
    LATCHKEY_ADMIN_EMAIL=ada@example.com \
    LATCHKEY_ADMIN_PASSWORD=... \
    python truefoundry_sdk_calls.py

The client is built exactly as a TrueFoundry user builds it, and every check asserts on the typed
models the SDK hands back (or on the SDK's typed exceptions). Each check prints one line,
`ok   <name>` or `FAIL <name>: <reason>`; all checks run even when one fails, and the exit status
is 1 if any failed. Every run makes its own users, teams, tokens and virtual accounts, with names
unique to the run, and deletes them at the end (the `cleanup` check), so the script can run any
number of times against the same server.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
import traceback
from typing import Any, Callable, Iterable, Optional

from truefoundry_sdk import (
    ActivateUserResponse,
    ChangePasswordResponse,
    CreatePersonalAccessTokenResponse,
    DeactivateUserResponse,
    DeletePersonalAccessTokenResponse,
    DeleteTeamResponse,
    DeleteUserResponse,
    DeleteVirtualAccountResponse,
    ExistsVirtualAccountsResponse,
    GetTeamPermissionsResponse,
    GetTeamResponse,
    GetTokenForVirtualAccountResponse,
    GetUserPermissionsResponse,
    GetUserResourcesResponse,
    GetUserResponse,
    GetUserTeamsResponse,
    GetVirtualAccountResponse,
    InviteUserResponse,
    ListUsersResponse,
    RegisterUsersResponse,
    RevokeAllPersonalAccessTokenResponse,
    Session,
    SessionAccount,
    SessionTeam,
    Subject,
    SubjectPermission,
    Team,
    TeamManifest,
    TeamSubjectRow,
    TrueFoundry,
    TrueFoundryApplyResponse,
    TrueFoundryApplyResponseAction,
    TrueFoundryDeleteResponse,
    UpdateUserRolesResponse,
    User,
    UserMetadata,
    UserResource,
    UserTeamInfo,
    VirtualAccount,
    VirtualAccountManifest,
    VirtualAccountOwnedBy,
)
from truefoundry_sdk.core.api_error import ApiError
from truefoundry_sdk.core.pagination import SyncPager
from truefoundry_sdk.errors import BadRequestError, ConflictError, NotFoundError

NO_RETRY = {"max_retries": 0}
"""For calls expected to fail: the SDK re-sends 409/429/5xx twice by default."""


# ---------------------------------------------------------------------------------------------
# Configuration and run-unique names


def env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        sys.exit(f"{name} is not set")
    return value


BASE_URL = env("LATCHKEY_URL").rstrip("/")
ADMIN_TOKEN = env("LATCHKEY_ADMIN_TOKEN")
ADMIN_EMAIL = env("LATCHKEY_ADMIN_EMAIL").lower()
ADMIN_PASSWORD = env("LATCHKEY_ADMIN_PASSWORD")


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


# Lowercase letters and digits only, so it fits every Latchkey name rule (team slugs, token and
# virtual-account names of 3-36 characters starting with a letter, e-mail local parts).
RUN = _base36(int(time.time())) + _base36(os.getpid())


def email(who: str) -> str:
    return f"sdk-{RUN}-{who}@example.com"


def name(kind: str) -> str:
    """A team, token or virtual-account name unique to this run, e.g. `sdk-team-sx3k2a1b2`."""
    return f"sdk-{kind}-{RUN}"


IN_30_DAYS = (dt.date.today() + dt.timedelta(days=30)).isoformat()

# Who and what this run makes. The emails and names are fixed up front, so cleanup knows them
# even when a check failed half-way.
ANN = email("ann")  # team member of TEAM, manager of OWN_TEAM; gets a token made for her
BOB = email("bob")  # joins TEAM on its update
CAT = email("cat")  # changes role, is deactivated and activated, then deleted
DAN = email("dan")  # invited
DRY = email("dry")  # only ever registered with dry_run
TEAM = name("team")  # members [ANN, BOB], managers [ADMIN]
OWN_TEAM = name("own")  # members [ADMIN], managers [ANN]
DEL_TEAM = name("gone")  # made and deleted by teams.delete
DRY_TEAM = name("dryteam")  # only ever written with dry_run
APPLY_TEAM = name("apply")  # made by client.apply, removed by client.delete
APPLY_DRY_TEAM = name("applydry")  # only ever applied with dry_run
PAT = name("pat")
PAT_TEAM = name("pteam")
PAT_ANN = name("pann")
VA = name("va")
APPLY_VA = name("applyva")
APPLY_DRY_VA = name("applydryva")

USERS_MADE = [ANN, BOB, CAT, DAN, DRY]
TEAMS_MADE = [TEAM, OWN_TEAM, DEL_TEAM, DRY_TEAM, APPLY_TEAM, APPLY_DRY_TEAM]
VAS_MADE = [VA, APPLY_VA, APPLY_DRY_VA]
PATS_MADE = [PAT, PAT_TEAM]


def new_client(token: str) -> TrueFoundry:
    """A client built the way a TrueFoundry user builds one."""
    return TrueFoundry(base_url=BASE_URL, api_key=token)


client = new_client(ADMIN_TOKEN)


# ---------------------------------------------------------------------------------------------
# Check machinery


class CheckFailed(Exception):
    pass


def expect(condition: Any, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def expect_type(value: Any, cls: type, what: str) -> None:
    expect(isinstance(value, cls), f"{what} is {type(value).__name__}, expected {cls.__name__}: {value!r:.300}")


def expect_error(
    call: Callable[[], Any], *, status: Iterable[int], cls: type = ApiError, what: str
) -> ApiError:
    """Runs `call`, which must raise `cls` (an ApiError subclass) with one of `status`."""
    status = tuple(status)
    try:
        result = call()
    except ApiError as error:
        expect(
            isinstance(error, cls) and error.status_code in status,
            f"{what}: expected {cls.__name__} with status {status}, got "
            f"{type(error).__name__} {error.status_code}: {error.body!r:.300}",
        )
        return error
    raise CheckFailed(f"{what}: expected {cls.__name__} with status {status}, the call answered {result!r:.300}")


def error_message(error: ApiError) -> str:
    """The `message` of an error body, whether the SDK kept it as a dict, an HttpError or text."""
    body = error.body
    if isinstance(body, dict):
        return str(body.get("message", body))
    return str(getattr(body, "message", body))


def collect(pager: SyncPager, what: str, max_pages: int = 200) -> list:
    """Every item of a pager, following pages until an empty one, as the SDK does; a server that
    ignores `offset` would page forever, so this gives up after `max_pages`."""
    items: list = []
    for number, page in enumerate(pager.iter_pages()):
        expect(number < max_pages, f"{what}: still paging after {max_pages} pages; is offset ignored?")
        items.extend(page.items or [])
    return items


def extra(model: Any, key: str) -> Any:
    """A field the SDK does not declare but keeps (all its models allow extra keys)."""
    return (model.model_extra or {}).get(key, getattr(model, key, None))


def set_of(values: Optional[Iterable[str]]) -> set:
    return {v.lower() for v in (values or [])}


class Run:
    """What earlier checks set up for later ones (ids, tokens, clients)."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __setitem__(self, key: str, value: Any) -> None:
        self.values[key] = value

    def __getitem__(self, key: str) -> Any:
        if key not in self.values:
            raise CheckFailed(f"not run: needs {key}, which an earlier check did not set up")
        return self.values[key]


run = Run()
CHECKS: list[tuple[str, Callable[[], None]]] = []


def check(label: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    def register(fn: Callable[[], None]) -> Callable[[], None]:
        CHECKS.append((label, fn))
        return fn

    return register


# ---------------------------------------------------------------------------------------------
# Lookups shared by checks


def find_user(address: str, *, include_deactivated: bool = True) -> Optional[User]:
    for user in collect(client.users.list(query=address, show_invalid_users=include_deactivated), "users.list"):
        if user.email.lower() == address.lower():
            return user
    return None


def get_user(uid: str) -> User:
    response = client.users.get(uid)
    expect_type(response, GetUserResponse, "users.get(...)")
    expect_type(response.data, User, "users.get(...).data")
    return response.data


def team_names(pager: SyncPager) -> set:
    teams = collect(pager, "teams.list")
    for team in teams:
        expect_type(team, Team, "a teams.list item")
    return {team.manifest.name for team in teams}


def find_va(va_name: str) -> Optional[VirtualAccount]:
    for account in collect(client.virtual_accounts.list(name_search_query=va_name), "virtual_accounts.list"):
        if account.manifest is not None and account.manifest.name == va_name:
            return account
    return None


def find_pat(pat_name: str) -> Optional[VirtualAccount]:
    for token in collect(client.personal_access_tokens.list(name_search_query=pat_name), "pat list"):
        if extra(token, "name") == pat_name:
            return token
    return None


def who_is(token: str) -> Session:
    return new_client(token).internal.users.get_info()


def expect_refused(token: str, what: str) -> None:
    """A revoked or deleted token: the SDK raises ApiError 401 (get_info maps no statuses)."""
    expect_error(
        lambda: new_client(token).internal.users.get_info(request_options=NO_RETRY),
        status=(401,),
        what=what,
    )


def expect_team(team: Any, team_name: str, members: Iterable[str], managers: Iterable[str]) -> None:
    expect_type(team, Team, "the team")
    expect(team.id and isinstance(team.id, str), f"team id {team.id!r}")
    expect(team.manifest.name == team_name, f"manifest.name {team.manifest.name!r}, expected {team_name!r}")
    expect(team.manifest.type == "team", f"manifest.type {team.manifest.type!r}")
    expect(set_of(team.manifest.members) == set_of(members), f"manifest.members {team.manifest.members}, expected {sorted(members)}")
    expect(set_of(team.manifest.managers) == set_of(managers), f"manifest.managers {team.manifest.managers}, expected {sorted(managers)}")
    # As in TrueFoundry's Team (members, managers, totalMemberCount, totalManagerCount): members
    # and managers are kept apart, as in the manifest.
    expect(set_of(team.members) == set_of(members), f"members {team.members}, expected {sorted(members)}")
    expect(team.tenant_name, "tenantName is empty")
    expect(isinstance(team.account_id, str) and team.account_id, f"accountId {team.account_id!r}")
    expect(isinstance(team.is_editable, bool), "isEditable is not a bool")
    expect_type(team.created_by_subject, Subject, "createdBySubject")
    expect(team.created_by_subject.subject_type == "user", f"createdBySubject.subjectType {team.created_by_subject.subject_type!r}")
    expect(isinstance(team.created_at, dt.datetime) and isinstance(team.updated_at, dt.datetime), "createdAt/updatedAt")


def expect_va(account: Any, va_name: str, team_name: str) -> None:
    expect_type(account, VirtualAccount, "the virtual account")
    expect(account.id and isinstance(account.id, str), f"id {account.id!r}")
    expect(account.type == "virtual-account", f"type {account.type!r}")
    expect(account.tenant_name and account.account_id, "tenantName/accountId empty")
    expect_type(account.created_by_subject, Subject, "createdBySubject")
    expect(isinstance(account.created_at, dt.datetime), "createdAt is not a datetime")
    expect(account.manifest is not None, "manifest is missing")
    expect(account.manifest.name == va_name, f"manifest.name {account.manifest.name!r}")
    expect(account.manifest.type == "virtual-account", f"manifest.type {account.manifest.type!r}")
    expect(account.manifest.owned_by is not None and account.manifest.owned_by.team == team_name,
           f"manifest.ownedBy {account.manifest.owned_by!r}, expected team {team_name}")
    expect(account.is_expired is False, f"isExpired {account.is_expired!r}")


def date_near(value: Any, day: str) -> bool:
    """`value` (a date or timestamp, as text) falls on `day` give or take one (time zones)."""
    try:
        got = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return False
    return abs((got - dt.date.fromisoformat(day)).days) <= 1


# ---------------------------------------------------------------------------------------------
# Session


@check("internal.users.get_info")
def session_info() -> None:
    """whoami with the admin's token: a typed Session naming the admin as a tenant-admin user."""
    session = client.internal.users.get_info()
    expect_type(session, Session, "get_info()")
    expect(session.subject_slug.lower() == ADMIN_EMAIL, f"subjectSlug {session.subject_slug!r}")
    expect(session.subject_type == "user", f"subjectType {session.subject_type!r}")
    expect("tenant-admin" in session.roles, f"roles {session.roles}")
    expect(isinstance(session.teams, list) and all(isinstance(t, SessionTeam) for t in session.teams), "teams")
    expect(isinstance(session.accounts, list) and all(isinstance(a, SessionAccount) for a in session.accounts), "accounts")
    expect(session.effective_user_id == session.id, f"effectiveUserId {session.effective_user_id!r} != id {session.id!r}")
    run["admin id"] = session.effective_user_id


# ---------------------------------------------------------------------------------------------
# Users


@check("users.pre_register_users")
def register_users() -> None:
    """Registering new emails (no invite mail) creates active tenant members."""
    for address in (ANN, BOB, CAT):
        response = client.users.pre_register_users(email=address, send_invite_email=False)
        expect_type(response, RegisterUsersResponse, "pre_register_users()")
    for address in (ANN, BOB, CAT):
        user = find_user(address, include_deactivated=False)
        expect(user is not None, f"{address} is not listed after registering")
        expect(user.active is True, f"{address} active={user.active}")
        expect(user.roles == ["tenant-member"], f"{address} roles {user.roles}")
        run[address] = user.id


@check("users.pre_register_users.conflict")
def register_again() -> None:
    """The same email again is a ConflictError (409)."""
    expect_error(
        lambda: client.users.pre_register_users(email=ANN, send_invite_email=False, request_options=NO_RETRY),
        status=(409,), cls=ConflictError, what="registering an existing email",
    )


@check("users.pre_register_users.skip_if_user_exists")
def register_skip_existing() -> None:
    """skip_if_user_exists=True with an existing email succeeds and changes nothing."""
    before = get_user(run[ANN])
    response = client.users.pre_register_users(email=ANN, send_invite_email=False, skip_if_user_exists=True)
    expect_type(response, RegisterUsersResponse, "pre_register_users(skip_if_user_exists=True)")
    after = get_user(run[ANN])
    fields = lambda u: (u.id, u.email, u.roles, u.active, u.updated_at)  # noqa: E731
    expect(fields(after) == fields(before), f"the user changed: {fields(before)} -> {fields(after)}")


@check("users.pre_register_users.dry_run")
def register_dry_run() -> None:
    """dry_run=True with a new email succeeds but creates nobody."""
    response = client.users.pre_register_users(email=DRY, send_invite_email=False, dry_run=True)
    expect_type(response, RegisterUsersResponse, "pre_register_users(dry_run=True)")
    expect(find_user(DRY) is None, f"{DRY} exists after a dry run")


@check("users.list")
def list_users() -> None:
    """users.list pages by limit/offset until an empty page; one user a page gives the same
    users as the default page size, with no repeats, including the admin and this run's users."""
    pager = client.users.list()
    expect_type(pager, SyncPager, "users.list()")
    expect_type(pager.response, ListUsersResponse, "users.list().response")
    expect(isinstance(pager.response.pagination.total, int), "pagination.total is not an int")
    everyone = collect(pager, "users.list()")
    for user in everyone:
        expect_type(user, User, "a users.list item")
        expect_type(user.metadata, UserMetadata, f"{user.email} metadata")
    one_by_one = collect(client.users.list(limit=1), "users.list(limit=1)")
    ids = [u.id for u in one_by_one]
    expect(len(ids) == len(set(ids)), f"users.list(limit=1) repeats users: {ids}")
    expect(set(ids) == {u.id for u in everyone}, "limit=1 and the default page size list different users")
    expect(len(one_by_one) >= 4, f"only {len(one_by_one)} users")
    emails = set_of(u.email for u in everyone)
    expect({ADMIN_EMAIL, ANN, BOB, CAT} <= emails, f"missing users in {sorted(emails)}")
    expect(pager.response.pagination.total >= len(pager.items or []), "pagination.total below the page size")


@check("users.list.query")
def list_users_query() -> None:
    """query filters by part of the email: the run's suffix finds exactly the run's users."""
    found = collect(client.users.list(query=RUN), "users.list(query)")
    emails = set_of(u.email for u in found)
    expect({ANN, BOB, CAT} <= emails, f"query={RUN} found {sorted(emails)}")
    expect(all(RUN in e for e in emails), f"query={RUN} also found {sorted(emails)}")
    expect(ADMIN_EMAIL not in emails, "the query did not filter")


@check("users.get")
def get_users() -> None:
    """users.get(id) answers the typed User: ids are strings, roles are tenant role names."""
    admin = get_user(run["admin id"])
    expect(admin.email.lower() == ADMIN_EMAIL, f"email {admin.email!r}")
    expect("tenant-admin" in (admin.roles or []), f"admin roles {admin.roles}")
    expect(admin.metadata.display_name, f"admin metadata.displayName {admin.metadata.display_name!r}")
    expect(admin.metadata.tenant_role_managed_by is not None, "admin metadata.tenantRoleManagedBy is missing")
    ann = get_user(run[ANN])
    expect(ann.id == run[ANN] and ann.email.lower() == ANN, f"got {ann.id} {ann.email}")
    expect(ann.tenant_name and ann.tenant_name == admin.tenant_name, f"tenantName {ann.tenant_name!r}")
    expect(ann.active is True and isinstance(ann.is_editable, bool), "active/isEditable")
    expect(ann.roles == ["tenant-member"], f"roles {ann.roles}")
    expect(isinstance(ann.created_at, dt.datetime) and isinstance(ann.updated_at, dt.datetime), "createdAt/updatedAt")
    expect_type(ann.metadata, UserMetadata, "metadata")


@check("users.get.not_found")
def get_missing_user() -> None:
    """An unknown user id is a NotFoundError (404)."""
    expect_error(lambda: client.users.get("999999999", request_options=NO_RETRY),
                 status=(404,), cls=NotFoundError, what="users.get(999999999)")


@check("users.update_roles")
def update_roles() -> None:
    """update_roles makes a member a tenant-admin (users.get shows it) and back."""
    response = client.users.update_roles(email=CAT, roles=["tenant-admin"])
    expect_type(response, UpdateUserRolesResponse, "update_roles()")
    expect(get_user(run[CAT]).roles == ["tenant-admin"], "roles after update to tenant-admin")
    client.users.update_roles(email=CAT, roles=["tenant-member"])
    expect(get_user(run[CAT]).roles == ["tenant-member"], "roles after update back to tenant-member")


@check("users.update_roles.two_roles")
def update_two_roles() -> None:
    """Two tenant roles at once are refused with 400 and change nothing. (update_roles maps no
    400 in the SDK, so it arrives as a plain ApiError, not BadRequestError.)"""
    expect_error(
        lambda: client.users.update_roles(email=CAT, roles=["tenant-admin", "tenant-member"], request_options=NO_RETRY),
        status=(400,), what="update_roles with two roles",
    )
    expect(get_user(run[CAT]).roles == ["tenant-member"], "roles changed")


@check("users.update_roles.unknown_role")
def update_unknown_role() -> None:
    """An unknown role name is refused with 400 (a plain ApiError, as above)."""
    expect_error(
        lambda: client.users.update_roles(email=CAT, roles=[f"no-such-role-{RUN}"], request_options=NO_RETRY),
        status=(400,), what="update_roles with an unknown role",
    )


@check("users.invite_user")
def invite_user() -> None:
    """invite_user answers Latchkey's own link, never the URL the caller passed."""
    response = client.users.invite_user(accept_invite_client_url="https://example.com/accept", email=DAN)
    expect_type(response, InviteUserResponse, "invite_user()")
    expect(isinstance(response.link, str) and response.link.startswith(BASE_URL + "/"),
           f"link {response.link!r} does not start with {BASE_URL}/")


@check("users.deactivate")
def deactivate_user() -> None:
    """deactivate: users.get shows active False; users.list hides the user unless
    show_invalid_users=True."""
    response = client.users.deactivate(email=CAT)
    expect_type(response, DeactivateUserResponse, "deactivate()")
    expect(get_user(run[CAT]).active is False, "still active")
    visible = set_of(u.email for u in collect(client.users.list(query=RUN), "users.list"))
    expect(CAT not in visible, "a deactivated user is listed without show_invalid_users")
    listed = {u.email.lower(): u for u in collect(client.users.list(query=RUN, show_invalid_users=True), "users.list")}
    expect(CAT in listed and listed[CAT].active is False, "show_invalid_users=True does not list the deactivated user")


@check("users.activate")
def activate_user() -> None:
    """activate: users.get shows active True and the default users.list shows the user again."""
    response = client.users.activate(email=CAT)
    expect_type(response, ActivateUserResponse, "activate()")
    expect(get_user(run[CAT]).active is True, "still deactivated")
    expect(CAT in set_of(u.email for u in collect(client.users.list(query=RUN), "users.list")), "not listed again")


@check("users.get_permissions")
def user_permissions() -> None:
    """get_permissions answers a typed (possibly empty) list for a user without grants."""
    response = client.users.get_permissions(run[BOB])
    expect_type(response, GetUserPermissionsResponse, "get_permissions()")
    expect(isinstance(response.data, list), "data is not a list")
    for item in response.data:
        expect_type(item, SubjectPermission, "a permission")


@check("users.get_resources")
def user_resources() -> None:
    """get_resources answers a typed (possibly empty) list for a user without grants."""
    response = client.users.get_resources(run[BOB])
    expect_type(response, GetUserResourcesResponse, "get_resources()")
    expect(isinstance(response.data, list), "data is not a list")
    for item in response.data:
        expect_type(item, UserResource, "a resource")


@check("users.delete")
def delete_user() -> None:
    """delete answers DeleteUserResponse; the user is then a NotFoundError."""
    response = client.users.delete(run[CAT])
    expect_type(response, DeleteUserResponse, "users.delete()")
    expect_error(lambda: client.users.get(run[CAT], request_options=NO_RETRY),
                 status=(404,), cls=NotFoundError, what="users.get after delete")


# ---------------------------------------------------------------------------------------------
# Personal access tokens (the admin's own)


@check("personal_access_tokens.create")
def create_pat() -> None:
    """create answers an lk_pat_ token that works: a second client with it is the admin."""
    response = client.personal_access_tokens.create(name=PAT, expiration_date=IN_30_DAYS)
    expect_type(response, CreatePersonalAccessTokenResponse, "create()")
    expect(isinstance(response.token, str) and response.token.startswith("lk_pat_"), f"token {response.token[:12]!r}...")
    run["pat token"] = response.token
    expect(who_is(response.token).subject_slug.lower() == ADMIN_EMAIL, "the new token is not the admin")


@check("personal_access_tokens.create.conflict")
def create_pat_again() -> None:
    """The same token name again is a ConflictError (409)."""
    expect_error(
        lambda: client.personal_access_tokens.create(name=PAT, expiration_date=IN_30_DAYS, request_options=NO_RETRY),
        status=(409,), cls=ConflictError, what="a second token with the same name",
    )


@check("personal_access_tokens.list")
def list_pats() -> None:
    """list(name_search_query) finds the token as a VirtualAccount-shaped item with its name and
    expiry, and never shows the token itself."""
    pager = client.personal_access_tokens.list(name_search_query=PAT)
    items = collect(pager, "personal_access_tokens.list")
    expect(items, f"nothing listed for {PAT}")
    for item in items:
        expect_type(item, VirtualAccount, "a token list item")
    token = next((t for t in items if extra(t, "name") == PAT), None)
    expect(token is not None, f"no item named {PAT} in {[extra(t, 'name') for t in items]}")
    expect(token.type == "personal-access-token", f"type {token.type!r}")
    expect(token.tenant_name and token.account_id, "tenantName/accountId empty")
    expect_type(token.created_by_subject, Subject, "createdBySubject")
    expect(isinstance(token.created_at, dt.datetime) and isinstance(token.updated_at, dt.datetime), "createdAt/updatedAt")
    expect(date_near(extra(token, "expiresAt"), IN_30_DAYS), f"expiresAt {extra(token, 'expiresAt')!r}, expected {IN_30_DAYS}")
    expect(run["pat token"] not in token.model_dump_json(), "the listing shows the token")
    everything = collect(client.personal_access_tokens.list(), "personal_access_tokens.list()")
    expect(token.id in {t.id for t in everything}, "the full list lacks the token")
    run["pat id"] = token.id


@check("personal_access_tokens.delete")
def delete_pat() -> None:
    """delete answers DeletePersonalAccessTokenResponse; the token then answers 401."""
    response = client.personal_access_tokens.delete(run["pat id"])
    expect_type(response, DeletePersonalAccessTokenResponse, "delete()")
    expect_refused(run["pat token"], "get_info with a deleted token")


@check("personal_access_tokens.create_for_user")
def create_pat_for_user() -> None:
    """create_for_user makes a token that authenticates as that member."""
    response = client.personal_access_tokens.create_for_user(name=PAT_ANN, user_email=ANN)
    expect_type(response, CreatePersonalAccessTokenResponse, "create_for_user()")
    expect(response.token.startswith("lk_pat_"), "not an lk_pat_ token")
    session = who_is(response.token)
    expect((session.email or "").lower() == ANN, f"get_info().email {session.email!r}, expected {ANN}")
    expect(session.subject_slug.lower() == ANN, f"subjectSlug {session.subject_slug!r}")
    expect("tenant-admin" not in session.roles, f"roles {session.roles}")
    run["ann token"] = response.token


# ---------------------------------------------------------------------------------------------
# Teams


@check("teams.create_or_update.create")
def create_team() -> None:
    """create_or_update with a new name creates the team as its manifest says."""
    response = client.teams.create_or_update(
        manifest=TeamManifest(name=TEAM, description="Made by the SDK suite", members=[ANN], managers=[ADMIN_EMAIL])
    )
    expect_type(response, GetTeamResponse, "create_or_update()")
    expect_team(response.data, TEAM, [ANN], [ADMIN_EMAIL])
    expect(response.data.description == "Made by the SDK suite", f"description {response.data.description!r}")
    if "admin id" in run.values:
        expect(response.data.created_by_subject.subject_id == run["admin id"],
               f"createdBySubject.subjectId {response.data.created_by_subject.subject_id!r}")
    run["team id"] = response.data.id
    # The second team, for the manager and token checks: the admin a member, Ann its manager.
    own = client.teams.create_or_update(
        manifest=TeamManifest(name=OWN_TEAM, description="Admin's own", members=[ADMIN_EMAIL], managers=[ANN])
    )
    expect_team(own.data, OWN_TEAM, [ADMIN_EMAIL], [ANN])
    run["own team id"] = own.data.id


@check("internal.users.get_info.teams")
def session_teams() -> None:
    """whoami's teams name the teams the caller belongs to, as {id, name}."""
    teams = {t.name: t.id for t in client.internal.users.get_info().teams}
    expect(teams.get(OWN_TEAM) == run["own team id"], f"session teams {teams}, expected {OWN_TEAM}={run['own team id']}")


@check("teams.create_or_update.update")
def update_team() -> None:
    """The same name again updates in place; members are reconciled exactly to the manifest
    (added, then removed)."""
    manifest = TeamManifest(name=TEAM, description="Updated by the SDK suite", members=[ANN, BOB], managers=[ADMIN_EMAIL])
    response = client.teams.create_or_update(manifest=manifest)
    expect_team(response.data, TEAM, [ANN, BOB], [ADMIN_EMAIL])
    expect(response.data.id == run["team id"], f"a new id {response.data.id!r}: not an update")
    expect(response.data.description == "Updated by the SDK suite", f"description {response.data.description!r}")
    response = client.teams.create_or_update(manifest=manifest.model_copy(update={"members": [BOB]}))
    expect_team(response.data, TEAM, [BOB], [ADMIN_EMAIL])
    response = client.teams.create_or_update(manifest=manifest)
    expect_team(response.data, TEAM, [ANN, BOB], [ADMIN_EMAIL])
    expect_team(client.teams.get(run["team id"]).data, TEAM, [ANN, BOB], [ADMIN_EMAIL])


@check("teams.create_or_update.dry_run")
def dry_run_team() -> None:
    """dry_run=True with a new name succeeds and creates nothing (it would be listed: the
    admin manages it)."""
    response = client.teams.create_or_update(
        manifest=TeamManifest(name=DRY_TEAM, description="Never made", members=[], managers=[ADMIN_EMAIL]), dry_run=True
    )
    expect_type(response, GetTeamResponse, "create_or_update(dry_run=True)")
    expect(DRY_TEAM not in team_names(client.teams.list()), f"{DRY_TEAM} exists after a dry run")


@check("teams.list")
def list_teams() -> None:
    """teams.list pages through Team models; the run's teams are found by manifest.name, the
    same with one team a page."""
    pager = client.teams.list()
    expect_type(pager, SyncPager, "teams.list()")
    names = team_names(pager)
    expect({TEAM, OWN_TEAM} <= names, f"teams.list() names {sorted(names)}")
    expect(team_names(client.teams.list(limit=1)) == names, "limit=1 lists different teams")
    team = next(t for t in collect(client.teams.list(), "teams.list") if t.manifest.name == TEAM)
    expect_team(team, TEAM, [ANN, BOB], [ADMIN_EMAIL])


@check("teams.list.role_manager")
def list_managed_teams() -> None:
    """role="manager" lists only the teams the caller manages: the admin manages TEAM and is a
    plain member of OWN_TEAM. Ann, a plain Member, sees the team she manages (OWN_TEAM), not
    the one she only belongs to (Latchkey shows a team to team:ReadTeam or its managers)."""
    managed = team_names(client.teams.list(role="manager"))
    expect(TEAM in managed, f"the admin manages {sorted(managed)}, expected {TEAM}")
    expect(OWN_TEAM not in managed, f"role=manager lists {OWN_TEAM}, where the admin is only a member")
    expect(OWN_TEAM in team_names(client.teams.list()), f"{OWN_TEAM} missing without role=manager")
    ann = new_client(run["ann token"])
    mine = team_names(ann.teams.list())
    expect(OWN_TEAM in mine and TEAM not in mine, f"Ann's teams {sorted(mine)}")
    expect(team_names(ann.teams.list(role="manager")) == mine, "Ann's managed teams differ from her teams")


@check("teams.get")
def get_team() -> None:
    """teams.get(id) answers the typed Team."""
    response = client.teams.get(run["team id"])
    expect_type(response, GetTeamResponse, "teams.get()")
    expect(response.data.id == run["team id"], f"id {response.data.id!r}")
    expect_team(response.data, TEAM, [ANN, BOB], [ADMIN_EMAIL])


@check("teams.list_members")
def team_members() -> None:
    """list_members answers TeamSubjectRow users, subjectSlug the email, subjectId the user id."""
    rows = collect(client.teams.list_members(run["team id"]), "list_members")
    for row in rows:
        expect_type(row, TeamSubjectRow, "a member row")
        expect(row.subject_type == "user", f"subjectType {row.subject_type!r}")
    expect(set_of(r.subject_slug for r in rows) == {ANN, BOB}, f"members {[r.subject_slug for r in rows]}")
    expect({r.subject_id for r in rows} == {run[ANN], run[BOB]}, f"subject ids {[r.subject_id for r in rows]}")


@check("teams.list_managers")
def team_managers() -> None:
    """list_managers answers the manifest's managers."""
    rows = collect(client.teams.list_managers(run["team id"]), "list_managers")
    for row in rows:
        expect_type(row, TeamSubjectRow, "a manager row")
    expect(set_of(r.subject_slug for r in rows) == {ADMIN_EMAIL}, f"managers {[r.subject_slug for r in rows]}")


@check("teams.get_permissions")
def team_permissions() -> None:
    """get_permissions answers a typed (possibly empty) list."""
    response = client.teams.get_permissions(run["team id"])
    expect_type(response, GetTeamPermissionsResponse, "teams.get_permissions()")
    expect(isinstance(response.data, list), "data is not a list")
    for item in response.data:
        expect_type(item, SubjectPermission, "a permission")


@check("users.get_teams")
def user_teams() -> None:
    """get_teams names each team with the user's role in it: member or manager."""
    response = client.users.get_teams(run[ANN])
    expect_type(response, GetUserTeamsResponse, "get_teams()")
    for item in response.data:
        expect_type(item, UserTeamInfo, "a team")
    roles = {t.team_name: t.roles for t in response.data}
    expect(roles.get(TEAM) == ["team-member"], f"Ann in {TEAM}: {roles.get(TEAM)}")
    expect(roles.get(OWN_TEAM) == ["team-manager"], f"Ann in {OWN_TEAM}: {roles.get(OWN_TEAM)}")
    admin = {t.team_name: t.roles for t in client.users.get_teams(run["admin id"]).data}
    expect("team-manager" in (admin.get(TEAM) or []), f"admin in {TEAM}: {admin.get(TEAM)}")


@check("users.delete.in_team")
def delete_user_in_team() -> None:
    """A user still in a team cannot be deleted: 400 (BadRequestError) or 409 (users.delete
    maps no 409, so that one is a plain ApiError); the user remains."""
    error = expect_error(lambda: client.users.delete(run[BOB], request_options=NO_RETRY),
                         status=(400, 409), what="deleting a team member")
    if error.status_code == 400:
        expect_type(error, BadRequestError, "the 400")
    expect(get_user(run[BOB]).email.lower() == BOB, "the user is gone")


@check("personal_access_tokens.create.team_name")
def create_pat_for_team() -> None:
    """team_name of a team the admin is a member of is accepted; the token works."""
    response = client.personal_access_tokens.create(name=PAT_TEAM, expiration_date=IN_30_DAYS, team_name=OWN_TEAM)
    expect_type(response, CreatePersonalAccessTokenResponse, "create(team_name=...)")
    expect(response.token.startswith("lk_pat_"), "not an lk_pat_ token")
    expect(who_is(response.token).subject_slug.lower() == ADMIN_EMAIL, "the token is not the admin")


@check("personal_access_tokens.revoke_all")
def revoke_all() -> None:
    """revoke_all(email) ends every token of that user: Ann's now answers 401."""
    expect(who_is(run["ann token"]).subject_slug.lower() == ANN, "Ann's token did not work before")
    response = client.personal_access_tokens.revoke_all(email=ANN)
    expect_type(response, RevokeAllPersonalAccessTokenResponse, "revoke_all()")
    expect_refused(run["ann token"], "get_info with a revoked token")


@check("teams.delete")
def delete_team() -> None:
    """teams.delete answers DeleteTeamResponse; the team is then a NotFoundError."""
    made = client.teams.create_or_update(
        manifest=TeamManifest(name=DEL_TEAM, description="Deleted straight away", members=[], managers=[ADMIN_EMAIL])
    )
    response = client.teams.delete(made.data.id)
    expect_type(response, DeleteTeamResponse, "teams.delete()")
    expect_error(lambda: client.teams.get(made.data.id, request_options=NO_RETRY),
                 status=(404,), cls=NotFoundError, what="teams.get after delete")


# ---------------------------------------------------------------------------------------------
# Virtual accounts


@check("virtual_accounts.create_or_update.create")
def create_va() -> None:
    """A new manifest creates the account and answers its token once."""
    response = client.virtual_accounts.create_or_update(
        manifest=VirtualAccountManifest(name=VA, owned_by=VirtualAccountOwnedBy(team=TEAM))
    )
    expect_type(response, GetVirtualAccountResponse, "create_or_update()")
    expect_va(response.data, VA, TEAM)
    expect(isinstance(response.token, str) and response.token, f"token {response.token!r}")
    run["va id"] = response.data.id
    run["va token"] = response.token


@check("virtual_accounts.create_or_update.update")
def update_va() -> None:
    """The same name with an expiration date updates in place and answers no token."""
    response = client.virtual_accounts.create_or_update(
        manifest=VirtualAccountManifest(name=VA, owned_by=VirtualAccountOwnedBy(team=TEAM), expiration_date=IN_30_DAYS)
    )
    expect_va(response.data, VA, TEAM)
    expect(response.data.id == run["va id"], f"a new id {response.data.id!r}: not an update")
    expect(date_near(response.data.manifest.expiration_date, IN_30_DAYS),
           f"expiration_date {response.data.manifest.expiration_date!r}")
    expect(not response.token, "an update answered a token")


@check("virtual_accounts.exists")
def va_exists() -> None:
    """exists(name) is True for the account and False for an unknown name."""
    response = client.virtual_accounts.exists(name=VA)
    expect_type(response, ExistsVirtualAccountsResponse, "exists()")
    expect(response.exists is True, "exists(VA) is not True")
    expect(client.virtual_accounts.exists(name=name("nobody")).exists is False, "exists(unknown) is not False")


@check("virtual_accounts.list")
def list_vas() -> None:
    """list finds the account by name search and by owning team (only that team's accounts)."""
    by_name = collect(client.virtual_accounts.list(name_search_query=VA), "list(name_search_query)")
    expect(run["va id"] in {a.id for a in by_name}, f"name search found {[a.manifest.name for a in by_name if a.manifest]}")
    by_team = collect(client.virtual_accounts.list(owned_by_teams=[TEAM]), "list(owned_by_teams)")
    expect(run["va id"] in {a.id for a in by_team}, "owned_by_teams did not find it")
    for account in by_name + by_team:
        expect_type(account, VirtualAccount, "a list item")
    others = [a.manifest.name for a in by_team if not (a.manifest and a.manifest.owned_by and a.manifest.owned_by.team == TEAM)]
    expect(not others, f"owned_by_teams=[{TEAM}] also lists {others}")
    expect(run["va token"] not in "".join(a.model_dump_json() for a in by_name), "the listing shows the token")


@check("virtual_accounts.get")
def get_va() -> None:
    """get(id) answers the typed VirtualAccount."""
    response = client.virtual_accounts.get(run["va id"])
    expect_type(response, GetVirtualAccountResponse, "virtual_accounts.get()")
    expect(response.data.id == run["va id"], f"id {response.data.id!r}")
    expect_va(response.data, VA, TEAM)


@check("virtual_accounts.get_token")
def va_token() -> None:
    """get_token(id) answers the account's token."""
    response = client.virtual_accounts.get_token(run["va id"])
    expect_type(response, GetTokenForVirtualAccountResponse, "get_token()")
    expect(isinstance(response.token, str) and response.token, "empty token")
    run["va token"] = response.token


@check("virtual_accounts.regenerate_token")
def regenerate_va_token() -> None:
    """regenerate_token answers a new token, different from the old one."""
    old = run["va token"]
    response = client.virtual_accounts.regenerate_token(run["va id"], grace_period_in_minutes=0)
    expect_type(response, GetTokenForVirtualAccountResponse, "regenerate_token()")
    expect(isinstance(response.token, str) and response.token, "empty token")
    expect(response.token != old, "the token did not change")


@check("virtual_accounts.sync_to_secret_store")
def sync_va_token() -> None:
    """Latchkey has no secret store: BadRequestError whose message says so."""
    error = expect_error(lambda: client.virtual_accounts.sync_to_secret_store(run["va id"], request_options=NO_RETRY),
                         status=(400,), cls=BadRequestError, what="sync_to_secret_store")
    expect("secret store" in error_message(error).lower(), f"message {error_message(error)!r}")


@check("virtual_accounts.delete_jwt")
def delete_va_jwt() -> None:
    """delete_jwt is not supported: an ApiError 400/404/405 with a JSON body."""
    error = expect_error(lambda: client.virtual_accounts.delete_jwt(run["va id"], "1", request_options=NO_RETRY),
                         status=(400, 404, 405), what="delete_jwt")
    expect(isinstance(error.body, (dict, list)), f"the body is not JSON: {error.body!r:.200}")


@check("virtual_accounts.delete")
def delete_va() -> None:
    """delete answers DeleteVirtualAccountResponse; get is then a NotFoundError."""
    response = client.virtual_accounts.delete(run["va id"])
    expect_type(response, DeleteVirtualAccountResponse, "virtual_accounts.delete()")
    expect_error(lambda: client.virtual_accounts.get(run["va id"], request_options=NO_RETRY),
                 status=(404,), cls=NotFoundError, what="virtual_accounts.get after delete")
    expect(client.virtual_accounts.exists(name=VA).exists is False, "exists() after delete")


# ---------------------------------------------------------------------------------------------
# Manifests: client.apply / client.delete


def team_manifest(team_name: str, description: str) -> TeamManifest:
    return TeamManifest(name=team_name, description=description, members=[BOB], managers=[ADMIN_EMAIL])


@check("apply.team")
def apply_team() -> None:
    """apply creates a team (action CREATE), a dry run changes nothing, and applying again
    updates it (action UPDATE); data is the typed Team."""
    first = client.apply(manifest=team_manifest(APPLY_TEAM, "Applied once"))
    expect_type(first, TrueFoundryApplyResponse, "apply()")
    expect(first.action == TrueFoundryApplyResponseAction.CREATE, f"action {first.action!r}")
    expect_team(first.data, APPLY_TEAM, [BOB], [ADMIN_EMAIL])
    team_id = first.data.id
    client.apply(manifest=team_manifest(APPLY_TEAM, "Dry run"), dry_run=True)
    expect(client.teams.get(team_id).data.description == "Applied once", "a dry run changed the team")
    second = client.apply(manifest=team_manifest(APPLY_TEAM, "Applied twice"))
    expect(second.action == TrueFoundryApplyResponseAction.UPDATE, f"action {second.action!r}")
    expect_team(second.data, APPLY_TEAM, [BOB], [ADMIN_EMAIL])
    expect(second.data.id == team_id, "a new id: not an update")
    expect(client.teams.get(team_id).data.description == "Applied twice", "the update did not land")


@check("apply.virtual_account")
def apply_va() -> None:
    """apply creates a virtual account (CREATE), then updates it (UPDATE); data is the typed
    VirtualAccount."""
    manifest = VirtualAccountManifest(name=APPLY_VA, owned_by=VirtualAccountOwnedBy(team=TEAM))
    first = client.apply(manifest=manifest)
    expect_type(first, TrueFoundryApplyResponse, "apply()")
    expect(first.action == TrueFoundryApplyResponseAction.CREATE, f"action {first.action!r}")
    expect_va(first.data, APPLY_VA, TEAM)
    second = client.apply(manifest=manifest.model_copy(update={"expiration_date": IN_30_DAYS}))
    expect(second.action == TrueFoundryApplyResponseAction.UPDATE, f"action {second.action!r}")
    expect_va(second.data, APPLY_VA, TEAM)
    expect(second.data.id == first.data.id, "a new id: not an update")
    expect(date_near(second.data.manifest.expiration_date, IN_30_DAYS), "the update did not land")


@check("apply.dry_run")
def apply_dry_run() -> None:
    """apply with dry_run=True writes nothing: neither the team nor the account exists after."""
    for manifest in (
        TeamManifest(name=APPLY_DRY_TEAM, description="Never made", members=[], managers=[ADMIN_EMAIL]),
        VirtualAccountManifest(name=APPLY_DRY_VA, owned_by=VirtualAccountOwnedBy(team=TEAM)),
    ):
        response = client.apply(manifest=manifest, dry_run=True)
        expect_type(response, TrueFoundryApplyResponse, f"apply({manifest.type}, dry_run=True)")
    expect(APPLY_DRY_TEAM not in team_names(client.teams.list()), f"{APPLY_DRY_TEAM} exists after a dry run")
    expect(client.virtual_accounts.exists(name=APPLY_DRY_VA).exists is False, f"{APPLY_DRY_VA} exists after a dry run")


@check("delete.virtual_account")
def delete_va_manifest() -> None:
    """client.delete with a virtual-account manifest removes the account."""
    response = client.delete(manifest=VirtualAccountManifest(name=APPLY_VA))
    expect_type(response, TrueFoundryDeleteResponse, "delete()")
    expect(client.virtual_accounts.exists(name=APPLY_VA).exists is False, "the account is still there")


@check("delete.team")
def delete_team_manifest() -> None:
    """client.delete with a team manifest removes the team."""
    response = client.delete(manifest=TeamManifest(name=APPLY_TEAM, members=[]))
    expect_type(response, TrueFoundryDeleteResponse, "delete()")
    expect(APPLY_TEAM not in team_names(client.teams.list()), "the team is still listed")


# ---------------------------------------------------------------------------------------------
# Cleanup


def delete_va_named(va_name: str) -> None:
    account = find_va(va_name)
    if account is not None:
        client.virtual_accounts.delete(account.id)


def delete_team_named(team_name: str) -> None:
    for team in collect(client.teams.list(), "teams.list"):
        if team.manifest.name == team_name:
            client.teams.delete(team.id)


def delete_pat_named(pat_name: str) -> None:
    token = find_pat(pat_name)
    if token is None:
        return
    try:
        client.personal_access_tokens.delete(token.id, request_options=NO_RETRY)
    except ApiError as error:  # a token deleted by its check may still be listed, as revoked
        if error.status_code is None or error.status_code >= 500:
            raise


def delete_user_named(address: str) -> None:
    user = find_user(address)
    if user is not None:
        client.users.delete(user.id)


@check("cleanup")
def cleanup() -> None:
    """Deletes everything this run made (accounts, teams, tokens, users, in that order, each
    step on its own) and fails if any of it is still there."""
    problems: list[str] = []

    def attempt(what: str, call: Callable[[], Any]) -> None:
        try:
            call()
        except NotFoundError:
            pass
        except Exception as error:  # noqa: BLE001 - best effort, reported below
            problems.append(f"{what}: {describe(error)}")

    for va_name in VAS_MADE:
        attempt(f"delete virtual account {va_name}", lambda: delete_va_named(va_name))
    for team_name in TEAMS_MADE:
        attempt(f"delete team {team_name}", lambda: delete_team_named(team_name))
    for pat_name in PATS_MADE:
        attempt(f"delete token {pat_name}", lambda: delete_pat_named(pat_name))
    for address in USERS_MADE:
        attempt(f"delete user {address}", lambda: delete_user_named(address))

    left: list[str] = []
    attempt("list virtual accounts", lambda: left.extend(n for n in VAS_MADE if client.virtual_accounts.exists(name=n).exists))
    attempt("list teams", lambda: left.extend(sorted(team_names(client.teams.list()) & set(TEAMS_MADE))))
    attempt("list users", lambda: left.extend(a for a in USERS_MADE if find_user(a) is not None))
    if left:
        problems.append(f"left behind: {left}")
    expect(not problems, "; ".join(problems))


# ---------------------------------------------------------------------------------------------
# Passwords: after cleanup, so that whatever a password change does to the admin's sessions
# cannot leave this run's teams and accounts behind for the rest of the e2e suite.


@check("users.change_password.wrong_old_password")
def change_password_wrong() -> None:
    """A wrong old password is refused with 400 or 401 (change_password maps no statuses, so
    a plain ApiError). The "new" password is the current one, so even a server that wrongly
    accepted would leave the admin's password as it was."""
    expect_error(
        lambda: client.users.change_password(login_id=ADMIN_EMAIL, new_password=ADMIN_PASSWORD,
                                             old_password=f"wrong-{RUN}", request_options=NO_RETRY),
        status=(400, 401), what="change_password with a wrong old password",
    )


@check("users.change_password.other_user")
def change_password_other() -> None:
    """Changing another user's password is refused with 400 or 403 (a plain ApiError, as above)."""
    expect_error(
        lambda: client.users.change_password(login_id=BOB, new_password=ADMIN_PASSWORD,
                                             old_password=ADMIN_PASSWORD, request_options=NO_RETRY),
        status=(400, 403), what="change_password for another user",
    )


@check("users.change_password")
def change_password() -> None:
    """The admin changes their password and back (the second change proves the first took)."""
    new = f"{ADMIN_PASSWORD}-{RUN}"
    response = client.users.change_password(login_id=ADMIN_EMAIL, new_password=new, old_password=ADMIN_PASSWORD)
    expect_type(response, ChangePasswordResponse, "change_password()")
    try:
        client.users.change_password(login_id=ADMIN_EMAIL, new_password=ADMIN_PASSWORD, old_password=new)
    except ApiError as error:
        raise CheckFailed(f"changing the password back failed ({error.status_code}); it is now {new!r}") from error


# ---------------------------------------------------------------------------------------------
# Runner


def describe(error: BaseException) -> str:
    if isinstance(error, CheckFailed):
        return str(error)
    if isinstance(error, ApiError):
        return f"{type(error).__name__} {error.status_code}: {error.body!r:.400}"
    status = getattr(error, "status_code", None)
    body = getattr(error, "body", None)
    where = traceback.extract_tb(error.__traceback__)[-1]
    text = f"{type(error).__name__}: {error}"[:400]
    if status is not None:
        text += f" (status {status}, body {body!r:.300})"
    return f"{text} [at {os.path.basename(where.filename)}:{where.lineno}]"


def main() -> int:
    started = time.monotonic()
    print(f"truefoundry_sdk against {BASE_URL}, run {RUN}", flush=True)
    failed: list[str] = []
    for label, fn in CHECKS:
        try:
            fn()
        except Exception as error:  # noqa: BLE001 - every check runs, each failure is reported
            failed.append(label)
            print(f"FAIL {label}: {describe(error)}", flush=True)
        else:
            print(f"ok   {label}", flush=True)
    total = len(CHECKS)
    print(f"{total - len(failed)}/{total} checks passed in {time.monotonic() - started:.1f}s", flush=True)
    if failed:
        print("failed: " + ", ".join(failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
