"""The access policy as a matrix: each role x objects in and out of its scope x read/write."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import policy
from accounts.models import Role, RoleAssignment
from accounts.services import role_revoke
from csr.models import Company, CompanyRepresentative
from regions.models import Region

READ, WRITE = "test.village.read", "test.village.write"
REGION_ROLES = frozenset({Role.PROVINCE_STAFF, Role.KABUPATEN_STAFF, Role.KT_OFFICER, Role.VILLAGE_HEAD})


@pytest.fixture(autouse=True)
def village_actions(monkeypatch):
    """A village-data action pair like the ones the registry and poverty parts declare."""
    monkeypatch.setitem(policy.PERMISSIONS, READ, policy.ADMIN | REGION_ROLES)
    monkeypatch.setitem(policy.PERMISSIONS, WRITE, policy.ADMIN | {Role.KT_OFFICER, Role.VILLAGE_HEAD})


@pytest.fixture
def users(all_roles, no_role_user):
    return {**all_roles, "no_role": no_role_user, "anonymous": AnonymousUser()}


# Targets: "village" (Bulungan, the home village), "same_kab" (another village of Bulungan),
# "other" (a village of Nunukan).
VILLAGE_MATRIX = {
    #                  read: village, same_kab, other     write: village, same_kab, other
    "province_staff": ((True, True, True), (False, False, False)),
    "kabupaten_staff": ((True, True, False), (False, False, False)),
    "officer": ((True, False, False), (True, False, False)),
    "other_officer": ((False, False, True), (False, False, True)),
    "village_head": ((True, False, False), (True, False, False)),
    "company_rep": ((False, False, False), (False, False, False)),
    "administrator": ((True, True, True), (True, True, True)),
    "no_role": ((False, False, False), (False, False, False)),
    "anonymous": ((False, False, False), (False, False, False)),
}


@pytest.mark.parametrize("who", sorted(VILLAGE_MATRIX))
def test_each_role_reads_and_writes_village_data_only_within_its_scope(who, users, region_tree):
    user = users[who]
    targets = (region_tree.village, region_tree.village_same_kab, region_tree.other_village)
    reads, writes = VILLAGE_MATRIX[who]
    assert tuple(policy.can(user, READ, r.code) for r in targets) == reads
    assert tuple(policy.can(user, WRITE, r.code) for r in targets) == writes


@pytest.mark.parametrize("who", sorted(VILLAGE_MATRIX))
def test_scoped_querysets_return_exactly_the_regions_the_role_covers(who, users, region_tree):
    user = users[who]
    villages = Region.objects.villages()
    q = policy.scope_q(user, READ, region_field="code")
    visible = set(villages.filter(q).values_list("code", flat=True))
    expected = {r.code for r in villages if policy.can(user, READ, r.code)}
    assert visible == expected
    if who in ("administrator", "province_staff"):
        assert visible == set(villages.values_list("code", flat=True))


COMPANY_MATRIX = {
    #                  view: mine, other        edit: mine, other
    "province_staff": ((True, True), (True, True)),
    "kabupaten_staff": ((True, False), (False, False)),
    "officer": ((False, False), (False, False)),
    "village_head": ((False, False), (False, False)),
    "company_rep": ((True, False), (True, False)),
    "administrator": ((True, True), (True, True)),
    "no_role": ((False, False), (False, False)),
    "anonymous": ((False, False), (False, False)),
}


@pytest.mark.parametrize("who", sorted(COMPANY_MATRIX))
def test_companies_are_seen_and_edited_by_their_representatives_and_staff_in_scope(who, users, companies, region_tree):
    # "mine" is located in Bulungan, "other" in Nunukan.
    Company.objects.filter(pk=companies.mine.pk).update(kabupaten=region_tree.bulungan)
    Company.objects.filter(pk=companies.other.pk).update(kabupaten=region_tree.nunukan)
    mine, other = Company.objects.get(pk=companies.mine.pk), Company.objects.get(pk=companies.other.pk)
    user = users[who]
    views, edits = COMPANY_MATRIX[who]
    assert (policy.can(user, "company.view", mine), policy.can(user, "company.view", other)) == views
    assert (policy.can(user, "company.edit", mine), policy.can(user, "company.edit", other)) == edits
    visible = set(Company.objects.visible_to(user).values_list("name", flat=True))
    assert visible == {c.name for c, seen in zip((mine, other), views, strict=True) if seen}


@pytest.mark.parametrize("who", sorted(VILLAGE_MATRIX))
def test_only_administrators_may_edit_regions_and_manage_users(who, users, region_tree):
    user = users[who]
    assert policy.can(user, "region.edit", region_tree.village.code) is (who == "administrator")
    assert policy.can(user, "user.manage") is (who == "administrator")
    assert policy.can(user, "region.view") is (who not in ("no_role", "anonymous"))


def test_the_getter_answers_404_outside_the_scope_and_403_for_a_read_only_role(users, region_tree):
    regions = Region.objects.all()
    # Region has no policy field of its own; give the queryset one for this test.
    regions.model.policy_region_field = "code"
    try:
        got = policy.get_for_user(regions, users["officer"], WRITE, view_action=READ, code=region_tree.village.code)
        assert got == region_tree.village
        with pytest.raises(Http404):
            policy.get_for_user(regions, users["officer"], WRITE, view_action=READ, code=region_tree.other_village.code)
        with pytest.raises(PermissionDenied):
            policy.get_for_user(
                regions, users["kabupaten_staff"], WRITE, view_action=READ, code=region_tree.village.code
            )
        with pytest.raises(Http404):
            policy.get_for_user(regions, users["anonymous"], READ, code=region_tree.village.code)
        with pytest.raises(Http404):
            policy.get_for_user(regions, users["officer"], READ, pk="not-a-number")
    finally:
        del regions.model.policy_region_field


def test_a_revoked_role_no_longer_grants_anything(users, region_tree):
    officer = users["officer"]
    assert policy.can(officer, READ, region_tree.village.code)
    role_revoke(assignment=RoleAssignment.objects.get(user=officer))
    next_request_user = type(officer).objects.get(pk=officer.pk)
    assert not policy.can(next_request_user, READ, region_tree.village.code)


def test_a_person_with_two_roles_gets_the_union_of_their_scopes(users, region_tree):
    from accounts.services import role_assign

    officer = users["officer"]
    role_assign(user=officer, role=Role.VILLAGE_HEAD, region=region_tree.other_village)
    assert policy.can(officer, WRITE, region_tree.village.code)
    assert policy.can(officer, WRITE, region_tree.other_village.code)
    assert not policy.can(officer, WRITE, region_tree.village_same_kab.code)


def test_a_prefix_is_not_a_scope_unless_it_ends_at_a_dot(region_tree):
    grant = policy.Grant(role=Role.KABUPATEN_STAFF, region_code="65.0")
    assert not grant.covers(region_code="65.01", company_id=None)
    assert policy.Grant(role=Role.KABUPATEN_STAFF, region_code="65.01").covers(region_code="65.01.01", company_id=None)


def test_an_unknown_action_is_a_programming_error(users):
    with pytest.raises(KeyError):
        policy.can(users["administrator"], "no.such.action")


def test_grants_are_loaded_once_per_user_object(users, django_assert_num_queries, region_tree):
    officer = users["officer"]
    policy.forget(officer)
    with django_assert_num_queries(1):
        for _ in range(5):
            policy.can(officer, READ, region_tree.village.code)


def test_the_names_of_a_users_scopes_come_with_the_grants_in_the_same_query(
    users, django_assert_num_queries, region_tree
):
    officer, company_rep = users["officer"], users["company_rep"]
    policy.forget(officer)
    policy.forget(company_rep)
    with django_assert_num_queries(1):
        policy.can(officer, READ, region_tree.village.code)
        names = policy.scope_names(officer)
    assert names == {region_tree.village.code: region_tree.village.display_name}
    with django_assert_num_queries(1):
        names = policy.scope_names(company_rep)
    company = CompanyRepresentative.objects.get(user=company_rep).company
    assert names == {company.pk: company.name}
    assert policy.scope_names(users["no_role"]) == {}


def test_role_scopes_must_fit_the_role(region_tree, companies, no_role_user):
    from django.core.exceptions import ValidationError

    from accounts.services import role_assign

    bad = [
        dict(role=Role.VILLAGE_HEAD, region=region_tree.bulungan),
        dict(role=Role.KABUPATEN_STAFF, region=region_tree.village),
        dict(role=Role.PROVINCE_STAFF),
        # A company representative's scope is a company: assigned on the company (csr), never here.
        dict(role=Role.COMPANY_REP),
        dict(role=Role.COMPANY_REP, region=region_tree.village),
        dict(role=Role.ADMINISTRATOR, region=region_tree.province),
    ]
    for kwargs in bad:
        with pytest.raises(ValidationError):
            role_assign(user=no_role_user, **kwargs)
    assert not RoleAssignment.objects.filter(user=no_role_user).exists()


def test_an_officer_of_a_kecamatan_karang_taruna_keeps_only_that_one_not_the_villages_beneath(
    region_tree, no_role_user
):
    from accounts.services import role_assign

    role_assign(user=no_role_user, role=Role.KT_OFFICER, region=region_tree.kecamatan)
    assert policy.can(no_role_user, WRITE, region_tree.kecamatan.code)
    assert not policy.can(no_role_user, WRITE, region_tree.village.code)
    visible = set(
        Region.objects.filter(policy.scope_q(no_role_user, READ, region_field="code")).values_list("code", flat=True)
    )
    assert visible == {region_tree.kecamatan.code}
