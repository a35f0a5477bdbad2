"""The journeys' own checks can fail: a CSP violation, a script error and an overweight page are caught."""

from __future__ import annotations

import pytest

from .browser import PAGE_BUDGET, PageView

pytestmark = pytest.mark.e2e


def test_a_csp_violation_and_a_script_error_are_recorded(journey):
    j = journey
    j.start()
    response = j.goto("/akun/masuk/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # An inline script and an inline style attribute, as an injection would add them: the policy refuses both.
    j.page.evaluate(
        """() => {
            const s = document.createElement('script'); s.textContent = 'window.injected = 1'; document.body.append(s);
            const d = document.createElement('div'); d.setAttribute('style', 'color: red'); document.body.append(d);
            setTimeout(() => { throw new Error('boom from a page script'); }, 0);
        }"""
    )
    j.page.wait_for_timeout(300)
    assert j.page.evaluate("() => window.injected") is None
    found = "\n".join(j.errors)
    assert "Content Security Policy" in found, found
    assert "boom from a page script" in found, found
    with pytest.raises(AssertionError, match="console errors"):
        j.assert_clean()
    j.errors.clear()


def test_a_page_over_the_budget_is_refused(journey):
    j = journey
    j.views.append(PageView(user="-", url="/heavy/", bytes=PAGE_BUDGET + 1, requests=1))
    with pytest.raises(AssertionError, match="over the budget"):
        j.assert_clean()
    j.views.pop()
