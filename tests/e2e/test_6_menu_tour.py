"""A tour of the main menu: each demo role opens every page its menu offers (dashboards with their
charts and maps included); none may answer with an error, log a console error or CSP violation, or
weigh more than the first-visit budget."""

from __future__ import annotations

import re

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


# Links the layout tour does not follow: leaving, downloads, exports, the Django admin's own pages, and
# further pages of a list (the first page stands for them).
NOT_PAGES = re.compile(r"/keluar/|export=|/unduh|/download|\.(csv|xlsx|pdf)$|page=|^/static/|^/media/")
PAGES_PER_ROLE = 60


def test_every_page_a_role_reaches_fits_a_phone_and_keeps_the_menu_on_one_line(journey):
    j = journey
    for role in ROLES:
        j.login(role)
        pages = [h for h in _links(j, "nav.navbar a[href^='/']") if not NOT_PAGES.search(h)]
        for path in list(pages):
            j.goto(path)
            for href in _links(j, "main a[href^='/']"):
                if len(pages) < PAGES_PER_ROLE and href not in pages and not NOT_PAGES.search(href):
                    pages.append(href)
        for path in pages:
            response = j.goto(path)
            assert response is not None and response.status == 200, f"{role} {path}: {response.status}"
            if j.page.locator("nav.navbar").count():  # not the Django admin, which has its own layout
                j.check_layout()


def _links(j, selector: str) -> list[str]:
    hrefs = j.page.locator(selector).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [h.split("#")[0] for h in dict.fromkeys(hrefs) if h.split("#")[0] not in ("", "/")]
