"""seed_demo: the registry's demo data."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.db.models import Count

from accounts.models import User
from organisations.models import Assessment, Event, Officer, Organisation, Programme, Term, TermState
from regions.models import Region


def test_most_demo_villages_the_kabupaten_and_the_province_get_a_karang_taruna(demo_data):
    villages = Region.objects.villages().count()
    registered = Organisation.objects.filter(region__level=4).count()
    assert villages * 0.7 <= registered < villages
    assert Organisation.objects.filter(region__level=2).count() == 5
    assert Organisation.objects.filter(region__code="65").exists()


def test_both_demo_officers_have_their_organisation_with_a_ketua(demo_data):
    for username in ("pengurus", "pengurus2"):
        region = User.objects.get(username=username).role_assignments.get().region
        organisation = Organisation.objects.get(region=region)
        assert organisation.terms.current().get().officers.filter(position="ketua").count() == 1


def test_the_demo_has_expiring_terms_missing_terms_assessments_programmes_and_two_events(demo_data):
    assert Organisation.objects.in_term_state(TermState.EXPIRING).count() >= 3
    assert Organisation.objects.in_term_state(TermState.NONE).count() >= 3
    assert Assessment.objects.count() > 20 and Programme.objects.exclude(funded_csr=0).exists()
    assert Event.objects.count() == 2
    assert Event.objects.annotate(n=Count("participations")).filter(n__gt=0).count() == 2
    assert all(o.history.exists() for o in Organisation.objects.all()[:5])


def test_running_it_twice_changes_nothing_in_the_registry(demo_data, settings):
    def counts():
        return [m.objects.count() for m in (Organisation, Term, Officer, Assessment, Programme, Event)]

    before = counts()
    settings.DEBUG = True
    call_command("seed_demo", "--light", stdout=io.StringIO())  # the variant demo_data seeded
    assert counts() == before


def test_the_demo_pages_open_for_every_registry_role(client, demo_data):
    organisation = Organisation.objects.get(region__code="65.01.01.2005")
    for username in ("provinsi", "kabupaten", "pengurus", "kades"):
        client.force_login(User.objects.get(username=username))
        assert client.get(f"/organisasi/{organisation.pk}/").status_code == 200
        assert client.get("/organisasi/").status_code == 200
    client.force_login(User.objects.get(username="provinsi"))
    assert client.get("/organisasi/dasbor/").status_code == 200
    assert client.get(f"/organisasi/kegiatan/{Event.objects.first().pk}/").status_code == 200
