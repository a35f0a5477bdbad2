"""A tour of the main menu: each demo role opens every page its menu offers (dashboards with their
charts and maps included); none may answer with an error, log a console error or CSP violation, or
weigh more than the first-visit budget."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

ROLES = ["provinsi", "kabupaten", "pengurus", "kades", "pengurus2", "perusahaan", "admin"]


def test_every_role_opens_every_page_of_its_menu_cleanly(journey):
    j = journey
    seen: set[str] = set()
    for role in ROLES:
        j.login(role)
        links = j.page.locator("nav.navbar a[href^='/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        pages = [href for href in dict.fromkeys(links) if href != "/" and "/akun/keluar/" not in href]
        assert pages, f"{role} has no menu"
        for path in pages:
            response = j.goto(path)
            assert response is not None and response.status == 200, f"{role} {path}: {response.status}"
            assert j.page.locator("main h1").count() >= 1, f"{role} {path}: no heading"
            if path not in seen:
                seen.add(path)
                j.shot(f"{role}{path.replace('/', '-').rstrip('-')}")
