"""Browser journeys: Playwright (sync API) driving Debian's headless Chromium against pytest-django's live server.

Every test in this directory is marked ``browser`` and skipped when Chromium or the ``playwright`` package is
missing. Set up a machine with ``scripts/setup-browser.sh``; never ``playwright install`` (no browser downloads).

* ``SHEQU_CHROMIUM`` overrides the browser binary (default ``/usr/bin/chromium``); pointing it at a path that
  does not exist shows the skip.
* ``SHEQU_E2E_TIMEOUT_MS`` overrides how long Playwright waits for an element (default 10 s).
* When a test fails, a full-page screenshot is saved to ``test-results/`` for debugging.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in the test thread, and Django refuses ORM calls from a
# thread with a running loop. The test thread only reads the outbox and checks the database afterwards.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("SHEQU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
TIMEOUT_MS = int(os.environ.get("SHEQU_E2E_TIMEOUT_MS", "10000"))


def _why_no_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"playwright is not importable ({exc}); run scripts/setup-browser.sh"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not found at {CHROMIUM} (run scripts/setup-browser.sh)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _why_no_browser()
    for item in items:
        if E2E_DIR not in item.path.parents:
            continue  # this hook sees the whole session's items
        item.add_marker(pytest.mark.browser)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright_driver():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver):
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(request, browser, live_server):
    """A fresh phone-sized context (own cookies) per test; the base URL is the live server."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    reports = (getattr(request.node, f"rep_{when}", None) for when in ("setup", "call"))
    if any(report is not None and report.failed for report in reports):
        out = request.config.rootpath / "test-results"
        out.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        try:
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
        except Exception as exc:  # a crashed page must not hide the real failure
            print(f"could not save a screenshot: {exc}")
    context.close()


@pytest.fixture
def expect():
    """Playwright's auto-waiting assertions (imported lazily so collection works without playwright)."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    return expect
