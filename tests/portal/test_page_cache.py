"""The page cache serves a stored page only while nothing was written since it was stored.

These tests commit for real (``transaction=True``): the generation rises after a commit, which a
test wrapped in one transaction never reaches.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import RoleAssignment
from accounts.services import role_revoke
from kaltara_portal import pagecache
from organisations.models import Organisation
from organisations.services import organisation_create, organisation_update

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def organisation(region_tree, province_staff):
    return organisation_create(user=province_staff, region=region_tree.village, name="Karang Taruna Tunas Muda")


def browser(user) -> Client:
    """A logged-in client holding a CSRF cookie, as a browser does after its first page."""
    client = Client()
    client.force_login(user)
    client.get(reverse("home"))  # sets the CSRF cookie
    return client


def test_the_second_view_of_a_page_is_served_from_the_cache_with_the_same_content(organisation, province_staff):
    client = browser(province_staff)
    url = reverse("organisations:detail", args=[organisation.pk])
    first = client.get(url)
    second = client.get(url)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content


def test_a_cached_page_costs_one_query_the_session_with_the_generation(organisation, province_staff):
    client = browser(province_staff)
    url = reverse("organisations:detail", args=[organisation.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert len(ctx.captured_queries) == 1, [q["sql"] for q in ctx.captured_queries]
    assert "django_session" in ctx.captured_queries[0]["sql"]


def test_a_change_saved_through_a_service_shows_at_once(organisation, province_staff):
    client = browser(province_staff)
    url = reverse("organisations:detail", args=[organisation.pk])
    assert b"Tunas Muda" in client.get(url).content
    organisation_update(user=province_staff, organisation=organisation, name="Karang Taruna Bina Bersama")
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert b"Bina Bersama" in response.content


def test_a_change_written_by_a_bulk_update_or_raw_sql_shows_at_once(organisation, province_staff):
    client = browser(province_staff)
    url = reverse("organisations:detail", args=[organisation.pk])
    client.get(url)
    Organisation.objects.filter(pk=organisation.pk).update(name="Karang Taruna Lewat Update")  # no signals
    assert b"Lewat Update" in client.get(url).content
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Organisation._meta.db_table} SET name = %s WHERE id = %s",  # noqa: S608 - a model's table
            ["Karang Taruna Lewat SQL", organisation.pk],
        )
    assert b"Lewat SQL" in client.get(url).content


def test_a_change_counts_only_once_its_transaction_commits(organisation, province_staff):
    before = pagecache.current_generation()
    with transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(name="Belum")
        Organisation.objects.filter(pk=organisation.pk).update(name="Belum juga")
        assert pagecache.current_generation() == before
    assert pagecache.current_generation() == before + 1  # one bump per transaction
    with pytest.raises(RuntimeError), transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(name="Dibatalkan")
        raise RuntimeError
    assert pagecache.current_generation() == before + 1  # rolled back: nothing changed


def test_one_user_never_gets_another_users_cached_page(organisation, province_staff, officer, other_officer):
    url = reverse("home")
    mine = browser(officer)
    mine.get(url)
    assert mine.get(url)["X-Page-Cache"] == "hit"
    theirs = browser(other_officer)
    response = theirs.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert officer.username.encode() not in response.content


def test_a_revoked_role_closes_the_page_even_when_it_was_cached(organisation, officer):
    client = browser(officer)
    url = reverse("organisations:detail", args=[organisation.pk])
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    for assignment in RoleAssignment.objects.filter(user=officer):
        role_revoke(assignment=assignment)
    assert client.get(url).status_code in (403, 404)


def test_a_new_session_gets_its_own_copy_signed_for_its_own_csrf_cookie(organisation, province_staff):
    url = reverse("organisations:detail", args=[organisation.pk])
    first = browser(province_staff)
    first.get(url)
    assert first.get(url)["X-Page-Cache"] == "hit"
    second = browser(province_staff)
    assert second.get(url)["X-Page-Cache"] == "miss"


def test_a_page_with_a_message_waiting_is_rendered_for_it_and_not_stored(organisation, province_staff):
    client = browser(province_staff)
    url = reverse("organisations:detail", args=[organisation.pk])
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[storage.cookie_name] = storage._encode([Message(constants.SUCCESS, "Tersimpan, pesan uji.")])
    response = client.get(url)
    assert b"Tersimpan, pesan uji." in response.content
    assert "X-Page-Cache" not in response
    after = client.get(url)  # the message was shown once; the stored page is good again
    assert after["X-Page-Cache"] == "hit" and b"pesan uji" not in after.content


def test_login_attempts_sessions_and_the_access_log_do_not_empty_the_cache():
    assert not pagecache.changes_data('UPDATE "django_session" SET "expire_date" = %s WHERE "session_key" = %s')
    assert not pagecache.changes_data('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)')
    assert not pagecache.changes_data('INSERT INTO "accounts_personaldataaccess" ("action") VALUES (%s)')
    assert not pagecache.changes_data('UPDATE "jobs_workerheartbeat" SET "seen_at" = %s')
    assert not pagecache.changes_data('SELECT * FROM "organisations_organisation" WHERE id = 1 FOR UPDATE OF "x"')
    assert not pagecache.changes_data("CREATE TEMP TABLE import_raw (line bigint)")


def test_every_shape_of_write_to_portal_data_counts():
    assert pagecache.changes_data('UPDATE "organisations_organisation" SET "name" = %s')
    assert pagecache.changes_data(
        'INSERT INTO "poverty_data_family" ("no_kk") VALUES (%s) ON CONFLICT DO UPDATE SET x=1'
    )
    assert pagecache.changes_data('DELETE FROM "csr_match" WHERE "id" IN (%s)')
    assert pagecache.changes_data("WITH new AS (SELECT 1) INSERT INTO poverty_data_submissionchange SELECT * FROM new")
    assert pagecache.changes_data("TRUNCATE poverty_data_regionsummary")
    assert pagecache.written_tables("insert into import_issues select 1") == ["import_issues"]
    assert not pagecache.changes_data("insert into import_issues select 1")


def test_nothing_is_cached_when_the_cache_time_is_zero(organisation, province_staff, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = browser(province_staff)
    url = reverse("organisations:detail", args=[organisation.pk])
    client.get(url)
    assert "X-Page-Cache" not in client.get(url)


def test_a_shared_database_cache_serves_pages_without_its_own_writes_counting_as_changes(
    organisation, province_staff, settings
):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kaltara_cache_test"}
    }
    call_command("createcachetable", verbosity=0)
    client = browser(province_staff)
    url = reverse("organisations:detail", args=[organisation.pk])
    before = pagecache.current_generation()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert pagecache.current_generation() == before
    organisation_update(user=province_staff, organisation=organisation, name="Karang Taruna Cache Bersama")
    assert b"Cache Bersama" in client.get(url).content


def test_a_write_noted_by_hand_counts_once_its_transaction_commits(organisation):
    """COPY goes past Django's cursor and its watcher: the import's COPY writer notes its write itself."""
    before = pagecache.current_generation()
    with transaction.atomic():
        pagecache.note_write(connection)
        pagecache.note_write(connection)
        assert pagecache.current_generation() == before
    assert pagecache.current_generation() == before + 1
