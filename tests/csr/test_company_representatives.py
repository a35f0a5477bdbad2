"""A company representative's scope lives with csr (CompanyRepresentative), read by the policy as a grant."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from accounts import policy
from accounts.models import Role
from csr import services
from csr.models import CompanyRepresentative
from tests.factories import CompanyFactory, UserFactory


def test_a_representative_holds_a_grant_of_each_company_they_represent(companies, django_assert_num_queries):
    user = UserFactory(username="wakil")
    services.company_representative_assign(user=user, company=companies.mine)
    services.company_representative_assign(user=user, company=companies.other)
    with django_assert_num_queries(1):
        grants = policy.grants(user)
    assert sorted(g.company_id for g in grants) == sorted([companies.mine.pk, companies.other.pk])
    assert {g.role for g in grants} == {Role.COMPANY_REP}
    assert policy.can(user, "company.edit", companies.other)


def test_a_revoked_representative_loses_the_company_at_once(companies):
    user = UserFactory(username="wakil")
    representative = services.company_representative_assign(user=user, company=companies.mine)
    assert policy.can(user, "company.view", companies.mine)
    services.company_representative_revoke(representative=representative)
    assert not policy.can(user, "company.view", companies.mine)
    assert services.company_representative_assign(user=user, company=companies.mine).active


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_company_scopes_out_of_the_role_assignments():
    """A database made before the split: role assignments with a company column. The migration turns
    them into representatives, drops the column, and keeps the other assignments."""
    call_command("migrate", "csr", "0002", verbosity=0)
    company = CompanyFactory(name="PT Lama")
    rep, admin = UserFactory(username="lama"), UserFactory(username="admin-lama")
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE accounts_roleassignment ADD COLUMN company_id bigint REFERENCES csr_company (id);"
            "DROP INDEX role_unique_global;"
            "CREATE UNIQUE INDEX role_unique_global ON accounts_roleassignment (user_id, role)"
            " WHERE company_id IS NULL AND region_id IS NULL"
        )
        cursor.execute(
            "INSERT INTO accounts_roleassignment (user_id, role, company_id, active, created_at)"
            " VALUES (%s, 'company_rep', %s, true, now()), (%s, 'administrator', NULL, true, now())",
            [rep.pk, company.pk, admin.pk],
        )
    call_command("migrate", "csr", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns"
            " WHERE table_name = 'accounts_roleassignment' AND column_name = 'company_id'"
        )
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT user_id, role FROM accounts_roleassignment")
        assert cursor.fetchall() == [(admin.pk, "administrator")]
    assert list(CompanyRepresentative.objects.values_list("user_id", "company_id", "active")) == [
        (rep.pk, company.pk, True)
    ]
    assert [g.company_id for g in policy.grants(rep)] == [company.pk]
