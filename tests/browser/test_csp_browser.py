"""The Content-Security-Policy in a real browser: the main pages work under it with no
violation, and it does block an inline script that is not Dash's own."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from dashboard.demo import create_demo
from dashboard.pages.client import ids
from dashboard.pages.ids import admin_users as users_ids
from dashboard.pages.ids import home as home_ids
from dashboard.pages.ids import overview as overview_ids
from tests.browser.conftest import sign_in

# Recorded in the page before any of its scripts run (Playwright's init scripts are not
# subject to the page's policy), so every violation the browser reports is kept.
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}`);
});
"""


@pytest.fixture
def demo(db):
    with db.begin() as s:
        create_demo(s, today=dt.date.today())


@pytest.fixture
def watched(page: Page) -> list[str]:
    """Violations reported through the DOM event and the console, across navigations."""
    seen: list[str] = []
    page.add_init_script(LISTEN)
    page.on("console", lambda msg: seen.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    return seen


def _violations(page: Page, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__csp || []"), *console]


def test_main_pages_render_with_no_policy_violation(page: Page, server_url, demo, watched):
    seen: list[str] = []

    def check(label: str) -> None:
        page.wait_for_load_state("networkidle")
        found = _violations(page, watched)
        seen.extend(f"{label}: {v}" for v in found)
        watched.clear()

    page.goto(f"{server_url}/login")
    check("login")
    sign_in(page, server_url, "priya.patel@demo.clinic", "backcare-demo-2026")
    expect(page.locator(f"#{home_ids.CLIENTS}")).to_be_visible()
    check("home")
    page.goto(f"{server_url}/clients/1")
    expect(page.locator(".safety-alert")).to_be_visible()  # the page's callbacks have run
    page.get_by_text("Progress", exact=True).click()
    # Plotly is loaded on demand: allow for a machine busy with other tests.
    expect(page.locator(f"#{ids.PROGRESS_TIMELINE} .main-svg").first).to_be_visible(timeout=20_000)
    expect(page.locator(f"#{ids.PROGRESS_TIMELINE} .scatterlayer .trace").first).to_be_attached()
    check("client progress graph")
    page.goto(f"{server_url}/clients/1/handout.html")
    expect(page.get_by_role("heading", name="What to do")).to_be_visible()
    check("handout preview")
    page.goto(f"{server_url}/account/security")
    expect(page.locator(".totp-qr svg")).to_be_visible()
    check("account security")
    page.get_by_role("button", name="Sign out").click()

    # The demo admin sets up two-step sign-in at first sign-in (sign_in does it), then the
    # admin pages and the clinic overview's graphs.
    sign_in(page, server_url, "admin@demo.clinic", "backcare-demo-2026")
    check("admin enrolment and home")
    page.goto(f"{server_url}/admin/users")
    expect(page.locator(f"#{users_ids.TABLE}")).to_contain_text("priya.patel@demo.clinic")
    check("admin users")
    page.goto(f"{server_url}/admin/audit")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    check("admin audit")
    page.goto(f"{server_url}/overview")
    expect(page.locator(f"#{overview_ids.STATUS} .main-svg").first).to_be_visible()
    check("overview graphs")
    assert not seen, "\n".join(seen)

    # The policy is really in force: an injected inline script does not run.
    page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.__injected = true'; document.body.appendChild(s); }""")
    assert page.evaluate("window.__injected === undefined")
    assert any("script-src" in v for v in _violations(page, watched))
