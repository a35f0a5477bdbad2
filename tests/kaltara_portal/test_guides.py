"""The user guides under Bantuan: one per role, from docs/guides/, screenshots only when present."""

from __future__ import annotations

import re

import pytest

from kaltara_portal.guides import GUIDES, IMAGE_LINE

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4480000000049454e44ae426082"
)


def test_every_guide_has_its_file_with_a_title_and_screenshot_places():
    for guide in GUIDES:
        text = guide.path.read_text(encoding="utf-8")
        assert text.startswith(f"# {guide.title}\n"), guide.slug
        assert IMAGE_LINE.search(text), guide.slug


def test_the_menu_offers_help_to_every_role(client, all_roles):
    for user in all_roles.values():
        client.force_login(user)
        page = client.get("/").content.decode()
        assert 'href="/bantuan/"' in page and "Bantuan" in page, user.username


def test_the_help_page_lists_the_guide_of_the_users_role_first(client, village_head):
    client.force_login(village_head)
    response = client.get("/bantuan/")
    assert [g.slug for g in response.context["mine"]] == ["kepala-desa"]
    assert len(response.context["others"]) == len(GUIDES) - 1
    assert b"/bantuan/kepala-desa/" in response.content


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    assert client.get("/bantuan/").status_code == 302
    assert client.get("/bantuan/kepala-desa/").status_code == 302


@pytest.mark.parametrize("guide", GUIDES, ids=lambda g: g.slug)
def test_each_guide_renders_as_a_page_without_missing_screenshots(client, officer, guide, settings, tmp_path):
    settings.STATICFILES_DIRS = [tmp_path]  # no screenshots at all
    client.force_login(officer)
    response = client.get(f"/bantuan/{guide.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{guide.title}</h1>" in html
    assert "gambar:" not in html and "<img" not in html
    assert not re.search(r"^\s*[-*] ", html, re.MULTILINE), "a list item left as text (nested lists need 4 spaces)"


def test_a_screenshot_shows_with_its_caption_once_the_file_exists(client, officer, settings, tmp_path):
    (tmp_path / "guides").mkdir()
    (tmp_path / "guides" / "kepala-desa-pokja.png").write_bytes(PNG)
    settings.STATICFILES_DIRS = [tmp_path]
    client.force_login(officer)
    html = client.get("/bantuan/kepala-desa/").content.decode()
    assert re.search(
        r'<details class="guide-shot"><summary>Mengelola Pokja</summary>'
        r'<img alt="Mengelola Pokja" src="/static/guides/kepala-desa-pokja.png" loading="lazy"></details>',
        html,
    )
    assert html.count("<img") == 1  # the other screenshots of the guide are not there


def test_an_unknown_guide_is_not_found(client, officer):
    client.force_login(officer)
    assert client.get("/bantuan/tidak-ada/").status_code == 404
