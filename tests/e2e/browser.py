"""The browser side of the journeys: one Chromium context per user, logged in through the login form,
with every console error, page error and CSP violation recorded, every page view's transferred bytes
counted (cache off, so each view is measured as a first visit), and screenshots at 360 and 1280 px."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "demo12345"  # the demo users' password (seed_demo)
# A first visit (HTML, CSS, JS, fonts, images as transferred, after compression) stays under this.
PAGE_BUDGET = 200 * 1024
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 360, "height": 740}

# Words (4 letters or digits and more, a rupiah amount or a NIK included) that the layout broke over
# two lines: a phone's table cell squeezed to "menunj ukkan", a No. KK wrapped mid-number.
BROKEN_WORDS_JS = r"""
() => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!node.textContent.trim() || !parent || parent.closest('script, style, svg, canvas, .leaflet-container')) continue;
    // The content of a closed <details> is not shown (Chromium lays it out in a box of no width).
    const closed = parent.closest('details:not([open])');
    if (closed && !parent.closest('summary')) continue;
    const words = /[\p{L}\p{N}.,]{4,}/gu;
    for (let m = words.exec(node.textContent); m; m = words.exec(node.textContent)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const boxes = Array.from(range.getClientRects()).filter(box => box.width > 0);
      if (boxes.length > 1 && Math.abs(boxes[0].top - boxes[boxes.length - 1].top) > 2) found.push(m[0]);
    }
  }
  return found;
}
"""

# The main menu is one line when every entry of the bar (brand, links, user menu, language switch)
# sits on the same row and no entry wraps inside itself.
MENU_LINES_JS = """
() => {
  const nav = document.querySelector('nav.navbar');
  if (!nav) return 1;
  const entries = Array.from(nav.querySelectorAll('.navbar-brand, .navbar-nav > .nav-item')).filter(e => e.offsetParent);
  const tops = new Set(entries.map(e => Math.round(e.getBoundingClientRect().top / 8)));
  const wrapped = entries.filter(e => e.getClientRects().length && e.getBoundingClientRect().height > 48);
  return tops.size + wrapped.length;
}
"""


@dataclass
class PageView:
    user: str
    url: str
    bytes: int = 0
    requests: int = 0
    by_type: dict[str, int] = field(default_factory=dict)


class Journey:
    def __init__(self, browser, base_url: str, name: str):
        self.browser = browser
        self.base = base_url
        self.name = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")
        self.context = None
        self.page = None
        self.user = ""
        self.errors: list[str] = []
        self.views: list[PageView] = []
        self.expected_404: set[str] = set()
        self.shots = 0
        self.viewport = WIDE
        self._request_view: dict[str, PageView] = {}
        self._request_type: dict[str, str] = {}

    # -- users -------------------------------------------------------------------------------------

    def start(self, username: str = "anonymous", *, phone: bool = False) -> None:
        """A fresh browser (no cookies, no cache), watched: console, page errors, bytes per page view."""
        if self.context is not None:
            self.context.close()
        self.user = username
        self.viewport = NARROW if phone else WIDE
        self.context = self.browser.new_context(
            locale="id-ID", timezone_id="Asia/Makassar", viewport=self.viewport, is_mobile=phone, has_touch=phone
        )
        self.context.set_default_timeout(15_000)
        page = self.context.new_page()
        page.on("console", self._on_console)
        page.on("dialog", lambda dialog: dialog.accept())  # "Submit to the village head?" and the like: yes
        page.on("pageerror", lambda exc: self.errors.append(f"[{self.user}] page error on {page.url}: {exc}"))
        cdp = self.context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", self._on_request)
        cdp.on("Network.loadingFinished", self._on_finished)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self.page = page

    def login(self, username: str, *, phone: bool = False) -> None:
        """A fresh browser (no cookies, no cache) for ``username``, logged in through the login form;
        ``phone``: a 360 px wide screen, where the main menu folds behind its toggler."""
        self.start(username, phone=phone)
        page = self.page
        self.goto("/akun/masuk/")
        form = page.locator("form:has(input[name=password])")
        form.locator("input[name=username]").fill(username)
        form.locator("input[name=password]").fill(PASSWORD)
        self.submit(form.get_by_role("button"))
        assert "/akun/masuk/" not in page.url, f"{username} could not log in: {page.url}"

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
            self.context = None

    # -- navigation --------------------------------------------------------------------------------

    def goto(self, path: str):
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        return response

    def click(self, locator):
        """Click something that loads a new page (a link, a submit button) and wait for that page."""
        with self.page.expect_navigation(wait_until="load"):
            locator.click()

    submit = click

    def link(self, name: str | re.Pattern, *, exact: bool = False):
        return self.page.get_by_role("link", name=name, exact=exact).first

    def follow(self, name: str | re.Pattern, *, exact: bool = False) -> None:
        self.click(self.link(name, exact=exact))

    def unfold_menu(self):
        """The main menu, unfolded when a phone's screen folds it behind its toggler."""
        nav = self.page.locator("nav.navbar")
        toggler = nav.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
            nav.locator(".navbar-collapse.show").wait_for()
        return nav

    def menu(self, *names: str) -> None:
        """Open an item of the main menu, through its dropdown when it is in one
        (``menu("Data kemiskinan", "Periode")``; roles with few items have it on the bar itself)."""
        nav = self.unfold_menu()
        item = nav.get_by_role("link", name=names[-1], exact=True).first
        if not item.is_visible():
            for name in names[:-1]:
                nav.get_by_role("button", name=name, exact=True).first.click()
        self.click(item)

    def button(self, name: str | re.Pattern, *, exact: bool = False):
        return self.page.get_by_role("button", name=name, exact=exact).first

    def press(self, name: str | re.Pattern, *, exact: bool = False) -> None:
        self.click(self.button(name, exact=exact))

    def path(self) -> str:
        return self.page.url.removeprefix(self.base)

    def expect_not_found(self, path: str) -> None:
        """Open ``path`` by URL and expect the portal's 404 page (its console notice is expected)."""
        self.expected_404.add(self.base + path)
        response = self.goto(path)
        assert response is not None and response.status == 404, f"{self.user} opened {path}: {response.status}"

    def text(self) -> str:
        return self.page.locator("main").inner_text()

    def messages(self) -> str:
        return " | ".join(self.page.locator(".alert").all_inner_texts())

    # -- evidence ----------------------------------------------------------------------------------

    def shot(self, label: str) -> None:
        """Full-page screenshots at a phone's 360 px and a desktop's 1280 px."""
        self.shots += 1
        stem = f"{self.name}-{self.shots:02d}-{label}"
        for size, suffix in ((NARROW, "360"), (WIDE, "1280")):
            self.page.set_viewport_size(size)
            self.page.wait_for_timeout(250)  # charts redraw for the new width
            self.page.screenshot(path=ARTIFACTS / f"{stem}-{suffix}.png", full_page=True)
            if size is NARROW:
                # On a phone nothing but a scrolling table may reach past the screen's edge.
                width = self.page.evaluate("document.documentElement.scrollWidth")
                if width > NARROW["width"]:
                    self.errors.append(f"[{self.user}] {self.path()} is {width} px wide on a 360 px screen")
        self.page.set_viewport_size(self.viewport)

    def check_layout(self) -> None:
        """The page as it is now, at a desktop's 1280 px and a phone's 360 px: no wider than the screen,
        the menu one line on the desktop, no word or number broken over two lines on the phone."""
        where = f"[{self.user}] {self.path()}"
        redraws = self.page.locator("canvas, .leaflet-container").count()
        for size in (WIDE, NARROW):
            self.page.set_viewport_size(size)
            if redraws:
                self.page.wait_for_timeout(250)  # charts and maps redraw for the new width
            width = self.page.evaluate("document.documentElement.scrollWidth")
            if width > size["width"]:
                self.errors.append(f"{where} is {width} px wide on a {size['width']} px screen")
            if size is WIDE and (lines := self.page.evaluate(MENU_LINES_JS)) != 1:
                self.errors.append(f"{where}: the menu takes {lines} lines at 1280 px")
            if size is NARROW and (broken := self.page.evaluate(BROKEN_WORDS_JS)):
                self.errors.append(f"{where}: broken over two lines at 360 px: {', '.join(broken[:5])}")
        self.page.set_viewport_size(self.viewport)

    def report(self) -> None:
        print(f"\n{self.name}: {len(self.views)} page views, transferred bytes of each (first visit, no cache):")
        for view in self.views:
            if not view.requests:  # a form post answered by a redirect: its page is the next view
                continue
            kinds = ", ".join(f"{k} {v / 1024:.1f}" for k, v in sorted(view.by_type.items()))
            print(f"  {view.bytes / 1024:7.1f} KB {view.requests:3d} req  [{view.user}] {view.url}  ({kinds})")

    def assert_clean(self) -> None:
        assert not self.errors, "browser console errors and warnings:\n" + "\n".join(self.errors)
        heavy = [v for v in self.views if v.bytes > PAGE_BUDGET]
        assert not heavy, "pages over the budget of 200 KB: " + ", ".join(f"{v.url} {v.bytes}" for v in heavy)

    # -- listeners ---------------------------------------------------------------------------------

    def _on_console(self, message) -> None:
        # Warnings too: Chromium warns when it drops a form value it cannot read ("120.000.000" in a
        # number input), which leaves the user an empty field.
        if message.type not in ("error", "warning"):
            return
        where = message.location.get("url", "") if message.location else ""
        if "status of 404" in message.text and where in self.expected_404:
            return
        self.errors.append(f"[{self.user}] console {message.type} on {self.page.url}: {message.text} ({where})")

    def _on_request(self, event: dict) -> None:
        request_id = event["requestId"]
        if event.get("type") == "Document":
            # A new page view (a redirect keeps the request id and moves it to the page it leads to).
            request = event.get("request", {})
            method = "" if request.get("method") == "GET" else f"{request.get('method')} "
            self.views.append(PageView(user=self.user, url=method + request.get("url", "").removeprefix(self.base)))
            self._request_view.pop(request_id, None)
        if event.get("type") in ("XHR", "Fetch"):
            return  # later requests of a page already shown (htmx polling): not part of a first visit
        if self.views and request_id not in self._request_view:
            self._request_view[request_id] = self.views[-1]
            self._request_type[request_id] = event.get("type", "Other")

    def _on_finished(self, event: dict) -> None:
        view = self._request_view.get(event["requestId"])
        if view is None:
            return
        size = int(event.get("encodedDataLength", 0))
        kind = self._request_type.get(event["requestId"], "Other")
        view.bytes += size
        view.requests += 1
        view.by_type[kind] = view.by_type.get(kind, 0) + size
