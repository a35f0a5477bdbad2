"""The one access policy: every view and service asks here.

A user's *grants* are their active role assignments (a superuser holds an
administrator grant). ``PERMISSIONS`` says which roles may perform which action;
a grant then covers an object when the object's region lies within the grant's
region (codes are hierarchical, so that is a prefix test), or when the object
belongs to the grant's company. Administrators are covered everywhere.

Models opt in by naming where their scope lives:

* ``policy_region_field`` (e.g. ``"region__code"``), ``policy_company_field``
  (e.g. ``"company_id"``) and/or ``policy_owner_field`` (e.g. ``"owner_id"``: things a
  person owns, like their background jobs) as class attributes, used by ``scoped()``;
* ``policy_region_code``, ``policy_company_id`` and/or ``policy_owner_id`` as properties,
  used by ``can()``;
* ``policy_has_member(user)`` for the actions in ``MEMBERS_ONLY`` (a seat on the object's
  working group, such as the village's Pokja for editing its draft submission).

Outside its scope an object does not exist for the user (404); inside the scope of
a read but without the right to act, the answer is 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, Model, Q, QuerySet, Value
from django.http import Http404

from regions.models import display_name, within_q

from .models import Role, RoleAssignment

ALL_ROLES = frozenset(Role)
STAFF = frozenset({Role.PROVINCE_STAFF, Role.KABUPATEN_STAFF})
ADMIN = frozenset({Role.ADMINISTRATOR})

# action -> the roles that may perform it (each within its own scope).
# Each part of the portal adds its actions here, in its own block.
PERMISSIONS: dict[str, frozenset[str]] = {
    # regions
    "region.view": ALL_ROLES,
    "region.edit": ADMIN,
    # accounts
    "user.manage": ADMIN,
    "audit.view": ADMIN | {Role.PROVINCE_STAFF},
    # jobs: everyone sees their own background jobs; administrators all of them
    "job.view": ALL_ROLES,
    # a failed job is tried again by its owner (an administrator too, as it runs as its owner)
    "job.retry": ALL_ROLES,
    # organisations (Karang Taruna registry, issue #3). An officer's grant is the region of
    # their Karang Taruna, so "organisation.edit" lets them keep their own organisation.
    "organisation.view": ADMIN | STAFF | {Role.KT_OFFICER, Role.VILLAGE_HEAD},
    "organisation.create": ADMIN | STAFF,
    "organisation.edit": ADMIN | STAFF | {Role.KT_OFFICER},
    "organisation.assess": ADMIN | STAFF,
    "organisation.history": ADMIN | STAFF | {Role.KT_OFFICER},
    "registry.dashboard": ADMIN | STAFF,
    "assistance.record": ADMIN | {Role.PROVINCE_STAFF},
    "event.view": ADMIN | {Role.PROVINCE_STAFF},
    "event.manage": ADMIN | {Role.PROVINCE_STAFF},
    # poverty_data (families, Pokja, rounds, submissions): issue #4 adds its actions here.
    "family.view": ADMIN | STAFF | {Role.KT_OFFICER, Role.VILLAGE_HEAD},
    # Full NIK / No. KK: the village's officers (Pokja) and head, kabupaten staff who review.
    "family.view_identity": ADMIN | {Role.KABUPATEN_STAFF, Role.KT_OFFICER, Role.VILLAGE_HEAD},
    "family.export": ADMIN | STAFF | {Role.KT_OFFICER, Role.VILLAGE_HEAD},
    "pokja.view": ADMIN | STAFF | {Role.KT_OFFICER, Role.VILLAGE_HEAD},
    "pokja.manage": ADMIN | {Role.VILLAGE_HEAD},
    "submission.view": ADMIN | STAFF | {Role.KT_OFFICER, Role.VILLAGE_HEAD},
    # An officer of the village prepares its submission (starts the draft); editing the draft
    # needs a seat on the village's Pokja too (MEMBERS_ONLY).
    "submission.prepare": ADMIN | {Role.KT_OFFICER},
    "submission.edit": ADMIN | {Role.KT_OFFICER},
    "submission.verify": ADMIN | {Role.VILLAGE_HEAD},
    "submission.approve": ADMIN | {Role.KABUPATEN_STAFF},
    "submission.finalise": ADMIN | {Role.PROVINCE_STAFF},
    # poverty_imports: bulk import into draft submissions (officers: only where they sit on the Pokja)
    "import.run": ADMIN | {Role.KABUPATEN_STAFF, Role.KT_OFFICER},
    # Following imports: your own, and staff those that wrote into villages of their area.
    "import.view": ADMIN | STAFF | {Role.KT_OFFICER},
    "import.oversee": ADMIN | STAFF,
    "round.view": ADMIN | STAFF | {Role.KT_OFFICER, Role.VILLAGE_HEAD},
    "round.manage": ADMIN | {Role.PROVINCE_STAFF},
    "poverty.dashboard": ADMIN | STAFF | {Role.KT_OFFICER, Role.VILLAGE_HEAD},
    # csr (companies, programmes, proposals, matching)
    "company.view": ADMIN | STAFF | {Role.COMPANY_REP},
    "company.edit": ADMIN | {Role.PROVINCE_STAFF, Role.COMPANY_REP},
    # published programmes are visible to every role; drafts to their company (Programme.policy_extra_q)
    "programme.view": ALL_ROLES,
    "programme.edit": ADMIN | {Role.COMPANY_REP},
    # a company sees the proposals matched or eligible to its programmes (Proposal.policy_extra_q)
    "proposal.view": ADMIN | STAFF | {Role.KT_OFFICER, Role.VILLAGE_HEAD, Role.COMPANY_REP},
    "proposal.edit": ADMIN | {Role.KT_OFFICER, Role.VILLAGE_HEAD},
    "proposal.review": ADMIN | STAFF,
    "match.view": ADMIN | STAFF | {Role.KT_OFFICER, Role.VILLAGE_HEAD, Role.COMPANY_REP},
    "match.confirm": ADMIN | STAFF,
    "match.decide": ADMIN | {Role.COMPANY_REP},
    "realisation.report": ADMIN | {Role.KT_OFFICER, Role.VILLAGE_HEAD, Role.COMPANY_REP},
    "csr.board": ADMIN | STAFF,
    "csr.plan": ADMIN | STAFF,
    # help: the user guides (/bantuan/) are for everyone with a role
    "help.view": ALL_ROLES,
    # opendata: the public open data (/terbuka/) needs no login; the menu offers it to every role too
    "opendata.view": ALL_ROLES,
}

# Actions that need, beyond a role whose scope covers the object, a seat on the object's working
# group: an officer edits a village's draft submission only as a member of the village's Pokja.
# The object answers ``policy_has_member(user)`` (one query); an object that cannot answer (a region,
# a code) is refused. Administrators hold every action everywhere.
MEMBERS_ONLY = frozenset({"submission.edit"})


@dataclass(frozen=True)
class Grant:
    role: str
    region_code: str | None = None
    company_id: int | None = None

    @property
    def is_global(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def exact(self) -> bool:
        """An officer's scope is their own Karang Taruna's region, not the regions beneath it:
        the officer of a kecamatan Karang Taruna keeps that one, not the villages' ones."""
        return self.role == Role.KT_OFFICER

    def covers(self, *, region_code: str | None, company_id: int | None) -> bool:
        if self.is_global:
            return True
        if self.region_code and region_code:
            if self.exact:
                return region_code == self.region_code
            return region_code == self.region_code or region_code.startswith(f"{self.region_code}.")
        return bool(self.company_id and company_id and self.company_id == company_id)


# The columns of a grant row: role, region code, company id, what the scope is called, region level and kind.
GRANT_COLUMNS = ("role", "region_code", "company_id", "scope_name", "region_level", "region_kind")


class GrantSource(Protocol):
    """Grants kept outside ``RoleAssignment`` by an app above accounts (csr's company representatives)."""

    def grant_rows(self, user_id: int) -> QuerySet:
        """A ``values_list`` queryset of the user's active grants, in the order of ``GRANT_COLUMNS``."""
        ...

    def holder_ids(self) -> QuerySet:
        """The ids of the users holding an active grant of this source (``values("user_id")``)."""
        ...


_grant_sources: list[GrantSource] = []


def register_grant_source(source: GrantSource) -> GrantSource:
    """Add a source of grants: an app above accounts keeps a role's scope that way without accounts
    naming it (csr's company representatives, ``CsrConfig.ready``). Every source is read in the same
    one query as the role assignments (``UNION ALL``)."""
    if source not in _grant_sources:
        _grant_sources.append(source)
    return source


def holders_q() -> Q:
    """Users who hold at least one active grant: a role assignment, or a grant of a registered source
    (superusers' implicit administrator grant aside)."""
    q = Q(pk__in=RoleAssignment.objects.active().values("user_id"))
    for source in _grant_sources:
        q |= Q(pk__in=source.holder_ids())
    return q


def grants(user: Any) -> tuple[Grant, ...]:
    """The user's active grants, loaded once per user object (one query, which also brings what
    their scopes are called: see ``scope_names``)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, "_portal_grants", None)
    if cached is not None:
        return cached
    rows = (
        RoleAssignment.objects.active()
        .filter(user_id=user.pk)
        .order_by()  # sorted by role below: the model's ordering costs 0.1 ms of ORM on every page
        .values_list(
            "role",
            "region__code",
            Value(None, output_field=BigIntegerField()),
            "region__name",
            "region__level",
            "region__kind",
        )
    )
    if _grant_sources:
        rows = rows.union(*(source.grant_rows(user.pk) for source in _grant_sources), all=True).order_by()
    found: list[Grant] = []
    names: dict[str | int, str] = {}
    for role, code, company_id, name, level, kind in sorted(rows, key=itemgetter(0)):
        found.append(Grant(role=role, region_code=code, company_id=company_id))
        if code:
            names[code] = display_name(name=name, level=level, kind=kind)
        if company_id:
            names[company_id] = name
    if user.is_superuser and not any(g.is_global for g in found):
        found.append(Grant(role=Role.ADMINISTRATOR))
    user._portal_grants = tuple(found)
    user._portal_scope_names = names
    return user._portal_grants


def scope_names(user: Any) -> dict[str | int, str]:
    """What the scopes of the user's grants are called: region code -> "Desa Gunung Putih", company
    id -> its name. For pages that name the user's roles or areas (the home page): read with the
    grants, no query of its own (two joined names cost less than a second query on every home)."""
    if not grants(user):
        return {}
    return user._portal_scope_names


def forget(user: Any) -> None:
    """Drop the cached grants and scope names (after a role change in the same request)."""
    for attribute in ("_portal_grants", "_portal_scope_names"):
        if hasattr(user, attribute):
            delattr(user, attribute)


def roles(user: Any) -> set[str]:
    return {g.role for g in grants(user)}


def has_role(user: Any, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def grants_for(user: Any, action: str) -> list[Grant]:
    """The user's grants whose role may perform ``action`` (each still limited to its own scope)."""
    try:
        allowed = PERMISSIONS[action]
    except KeyError:
        raise KeyError(f"Unknown policy action {action!r}: add it to accounts.policy.PERMISSIONS") from None
    return [g for g in grants(user) if g.role in allowed]


def can(user: Any, action: str, obj: Any = None) -> bool:
    """May ``user`` perform ``action`` on ``obj`` (or anywhere, when ``obj`` is None)?

    ``obj`` may be a model instance exposing ``policy_region_code`` / ``policy_company_id``,
    or a region code string.
    """
    candidates = grants_for(user, action)
    if obj is None:
        return bool(candidates)
    region_code, company_id = scope_of(obj)
    if getattr(obj, "policy_owner_id", None) is not None and obj.policy_owner_id == getattr(user, "pk", None):
        return True
    if not any(g.covers(region_code=region_code, company_id=company_id) for g in candidates):
        return False
    if action in MEMBERS_ONLY and not any(g.is_global for g in candidates):
        has_member = getattr(obj, "policy_has_member", None)
        return has_member is not None and has_member(user)
    return True


def can_reach(user: Any, action: str, region_code: str) -> bool:
    """May ``user`` perform ``action`` in ``region_code`` or anywhere beneath it? For pages that
    summarise a region (a round's overview of a kabupaten): a village officer reaches the province's
    page, which shows only their village."""
    return can(user, action, region_code) or any(
        g.is_global or (g.region_code and g.region_code.startswith(region_code)) for g in grants_for(user, action)
    )


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``can(user, action, obj)``: for services."""
    if not can(user, action, obj):
        raise PermissionDenied(action)


def scope_of(obj: Any) -> tuple[str | None, int | None]:
    if isinstance(obj, str):
        return obj, None
    return getattr(obj, "policy_region_code", None), getattr(obj, "policy_company_id", None)


def scope_q(
    user: Any,
    action: str,
    *,
    region_field: str | None = None,
    company_field: str | None = None,
    owner_field: str | None = None,
) -> Q:
    """A filter matching the rows ``user`` may ``action`` on; matches nothing without a grant."""
    nothing = Q(pk__in=[])
    q = nothing
    candidates = grants_for(user, action)
    if candidates and owner_field:
        q |= Q(**{owner_field: user.pk})
    for grant in candidates:
        if grant.is_global:
            return Q()
        if grant.region_code and region_field:
            q |= Q(**{region_field: grant.region_code}) if grant.exact else within_q(grant.region_code, region_field)
        if grant.company_id and company_field:
            q |= Q(**{company_field: grant.company_id})
    return q


M = TypeVar("M", bound=Model)


def scoped[M: Model](queryset: QuerySet[M], user: Any, action: str) -> QuerySet[M]:
    """``queryset`` narrowed to what ``user`` may ``action`` on, using the model's policy fields."""
    model = queryset.model
    q = scope_q(
        user,
        action,
        region_field=getattr(model, "policy_region_field", None),
        company_field=getattr(model, "policy_company_field", None),
        owner_field=getattr(model, "policy_owner_field", None),
    )
    if q == Q():  # a global grant: every row (``Q() | more`` would narrow it to ``more``)
        return queryset.all()
    # A model may open rows beyond its field scopes (e.g. published CSR programmes to every role):
    # ``policy_extra_q(user, action)`` returns a Q of those rows, or None.
    extra = getattr(model, "policy_extra_q", None)
    if extra is not None and (more := extra(user, action)) is not None:
        q |= more
    return queryset.filter(q)


def get_for_user[M: Model](
    queryset: QuerySet[M], user: Any, action: str, *, view_action: str | None = None, **lookup: Any
) -> M:
    """The policy-checked getter every view that takes an id starts with.

    404 when the object is outside what the user may see (``view_action``, or ``action``
    itself); 403 when it is visible but ``action`` is not allowed on it.
    """
    visible = scoped(queryset, user, view_action or action)
    try:
        obj = visible.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if view_action and not can(user, action, obj):
        raise PermissionDenied(action)
    return obj
