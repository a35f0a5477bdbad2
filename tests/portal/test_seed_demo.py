"""python manage.py seed_demo"""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import RoleAssignment, User
from regions.models import Region


def test_it_creates_the_province_its_five_kabupaten_and_one_user_per_role(demo_data):
    assert list(Region.objects.filter(level=2).values_list("code", "name")) == [
        ("65.01", "Kabupaten Bulungan"),
        ("65.02", "Kabupaten Malinau"),
        ("65.03", "Kabupaten Nunukan"),
        ("65.04", "Kabupaten Tana Tidung"),
        ("65.71", "Kota Tarakan"),
    ]
    assert Region.objects.get(code="65.02").bps_code == "6501"
    assert Region.objects.villages().count() > 50
    roles = dict(RoleAssignment.objects.values_list("user__username", "role"))
    assert roles == {
        "provinsi": "province_staff",
        "kabupaten": "kabupaten_staff",
        "pengurus": "kt_officer",
        "kades": "village_head",
        "pengurus2": "kt_officer",
        "perusahaan": "company_rep",
        "admin": "administrator",
    }
    pengurus = RoleAssignment.objects.get(user__username="pengurus")
    kades = RoleAssignment.objects.get(user__username="kades")
    assert pengurus.region == kades.region and pengurus.region.code.startswith("65.01.")
    assert RoleAssignment.objects.get(user__username="pengurus2").region.code.startswith("65.03.")
    assert all(u.check_password("demo12345") for u in User.objects.all())


def test_running_it_twice_changes_nothing(demo_data, settings):
    before = (Region.objects.count(), User.objects.count(), RoleAssignment.objects.count())
    settings.DEBUG = True
    call_command("seed_demo", "--light", stdout=io.StringIO())  # the variant demo_data seeded
    assert (Region.objects.count(), User.objects.count(), RoleAssignment.objects.count()) == before


def test_it_refuses_to_create_known_passwords_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="hanya berjalan dengan DEBUG=1"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()


def test_it_refuses_a_silly_scale(db, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--scale"):
        call_command("seed_demo", "--scale", "0", stdout=io.StringIO())
