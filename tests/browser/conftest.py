"""Browser tests: a real Chromium (Debian's) driven by Playwright against the app served
from a thread on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import dash
import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from dash import Dash
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from dashboard.components import ids as component_ids
from tests.conftest import PASSWORD, next_totp_code

CHROMIUM = "/usr/bin/chromium"
# Two shared cores: the first page that loads Plotly's 3.5 MB bundle can take more than
# Playwright's default 5 s there. Waiting longer only slows a test that would fail anyway.
expect.set_options(timeout=15_000)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # `playwright install` cannot download here: use Debian's Chromium.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def server_url(app: Dash) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def assert_accessible(axe: Axe, page: Page) -> None:
    """axe-core finds no serious or critical violation on the page as it stands."""
    results = axe.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in bad)


def dash_settled(page: Page, timeout: float = 20_000) -> None:
    """Wait until Dash has no callback requested, queued or running (what dash.testing's
    own wait-for-callbacks checks, through the renderer's store). After a click or a choice
    on the page, ``wait_for_load_state("networkidle")`` returns at once (the page's load
    finished long ago), so a test typing next could be overwritten by a callback still
    on its way: the catalogue's saved part loaded into the form after the test typed."""
    page.wait_for_function(
        """() => {
            const state = window.store && window.store.getState().callbacks;
            if (!state) return false;
            return Object.entries(state).every(([key, value]) =>
                key === "stored" || key === "completed" || !value || !value.length);
        }""", timeout=timeout)


def enrol_from_page(page: Page) -> str:
    """Set up two-step sign-in as a person would: the key shown on the page typed into an
    authenticator (pyotp here), its current code entered. Returns the secret."""
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.locator("#security-message")).to_contain_text("Two-step sign-in is on")
    return secret


def sign_in(page: Page, server_url: str, email: str, password: str = PASSWORD) -> None:
    """Password, then the code if the user has two-step sign-in, or setting it up first if
    they are an admin without it (the demo admin on a fresh clinic)."""
    page.goto(f"{server_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.locator(f"#{component_ids.NAVBAR_USER}, #code, #totp-secret").first.wait_for()
    if page.locator("#code").count():
        page.get_by_label("Code from your authenticator app").fill(
            next_totp_code(dash.get_app().server, email))
        page.get_by_role("button", name="Verify").click()
    elif page.locator("#totp-secret").count():
        enrol_from_page(page)
        page.get_by_role("link", name="Go to the dashboard").click()
    expect(page.locator(f"#{component_ids.NAVBAR_USER}")).to_be_visible()
