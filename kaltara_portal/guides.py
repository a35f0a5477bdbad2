"""User guides: one short page per role, in Indonesian, written as Markdown under docs/guides/.

The files are the portal's own (never user input), rendered with Python-Markdown. A line of the
form ``![Caption](gambar:name)`` shows the screenshot ``static/guides/<name>.png`` with its
caption when that file exists, and nothing when it does not: screenshots from the browser
journeys are copied in later, and a guide must read well without them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import markdown
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404

from accounts.models import Role

GUIDES_DIR = settings.BASE_DIR / "docs" / "guides"
IMAGE_LINE = re.compile(r"^!\[(?P<caption>[^\]]*)\]\(gambar:(?P<name>[a-z0-9-]+)\)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    role: str

    @property
    def path(self) -> Path:
        return GUIDES_DIR / f"{self.slug}.md"


# Guide titles are Indonesian like the guides themselves (they are not translated).
GUIDES = (
    Guide("staf-provinsi", "Panduan staf Dinas Sosial Provinsi", Role.PROVINCE_STAFF),
    Guide("staf-kabupaten", "Panduan staf Dinas Sosial Kabupaten/Kota", Role.KABUPATEN_STAFF),
    Guide("pengurus-karang-taruna", "Panduan pengurus Karang Taruna", Role.KT_OFFICER),
    Guide("kepala-desa", "Panduan kepala desa/lurah", Role.VILLAGE_HEAD),
    Guide("perusahaan", "Panduan perwakilan perusahaan", Role.COMPANY_REP),
)


def guides_for(roles: set[str]) -> tuple[list[Guide], list[Guide]]:
    """The guides of the user's roles first, then the others (all guides are open to every user)."""
    mine = [g for g in GUIDES if g.role in roles]
    return mine, [g for g in GUIDES if g.role not in roles]


def guide_get(slug: str) -> Guide:
    for guide in GUIDES:
        if guide.slug == slug:
            return guide
    raise Http404


def screenshot_url(name: str) -> str | None:
    """The URL of static/guides/<name>.png when the file exists (in the checkout or collected)."""
    path = f"guides/{name}.png"
    if not (finders.find(path) or staticfiles_storage.exists(path)):
        return None
    try:
        return staticfiles_storage.url(path)
    except ValueError:  # collected without it: the manifest does not know the file
        return None


def _screenshots(text: str) -> str:
    def replace(match: re.Match) -> str:
        url = screenshot_url(match["name"])
        if url is None:
            return ""
        # Folded under its caption and fetched only when opened: a phone on a slow connection gets the
        # guide's text first (a guide's screenshots weigh more than the rest of its page).
        caption = html.escape(match["caption"].replace("[", "").replace("]", ""))
        return (
            f'\n<details class="guide-shot"><summary>{caption}</summary>'
            f'<img alt="{caption}" src="{url}" loading="lazy"></details>\n'
        )

    return IMAGE_LINE.sub(replace, text)


def guide_html(guide: Guide) -> str:
    text = guide.path.read_text(encoding="utf-8")
    return markdown.markdown(_screenshots(text), extensions=["tables", "sane_lists"], output_format="html")
