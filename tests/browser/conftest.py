"""A live server in a thread and Debian's Chromium driven by Playwright, with axe-core."""
import os
import re
import shutil
import threading

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.browser.page_checks import CheckedBrowser
from tests.browser.timeouts import ACTION_MS, EXPECT_MS

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
expect.set_options(timeout=EXPECT_MS)

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def personal_link_cookies(app):
    """In a browser, personal links are exchanged for a cookie as in production (off for the other suites)."""
    app.config["PERSONAL_LINK_COOKIES"] = True
    yield
    app.config["PERSONAL_LINK_COOKIES"] = False


# axe-core (570 KB) as a script of the live server, which the browser keeps in its cache: sending it through
# Playwright into every page checked cost more than a tenth of a second each time.
AXE_PATH = "/__test-axe-core.js"
# What an evaluation reports when the document it ran in was replaced by a navigation.
NAVIGATED_AWAY = re.compile(r"Execution context was destroyed|reading 'documentElement'")


def with_axe_script(app, source: bytes):
    """The application, and axe-core at AXE_PATH (a path the application does not use)."""

    def serve(environ, start_response):
        if environ.get("PATH_INFO") != AXE_PATH:
            return app(environ, start_response)
        start_response("200 OK", [("Content-Type", "text/javascript; charset=utf-8"),
                                  ("Content-Length", str(len(source))), ("Cache-Control", "max-age=86400")])
        return [source]

    return serve


@pytest.fixture(scope="session")
def live_server(app, axe):
    server = make_server("127.0.0.1", 0, with_axe_script(app, axe.axe_script.encode("utf-8")), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def live_site(app, demo, live_server, monkeypatch, uploads_in_tmp):
    """The demo consultation served live: its emails link to this server, its uploads go to a temporary folder."""
    monkeypatch.setitem(app.config, "BASE_URL", live_server)
    return demo


@pytest.fixture(scope="session")
def real_browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is needed for the browser tests: {CHROMIUM} not found (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser(real_browser):
    """The browser, whose every context checks every page it shows (see page_checks.py)."""
    checked = CheckedBrowser(real_browser)
    yield checked
    checked.close_open_contexts()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-CA")
    page = context.new_page()
    page.set_default_timeout(ACTION_MS)
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser):
    context = browser.new_context(locale="fr-CA", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(ACTION_MS)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def run_axe(axe, page):
    """axe-core's findings on the page as it is now. The script comes from the live server's cache (it allows
    scripts of its own origin only) and its element is taken out again at once, leaving the page as it was."""
    from axe_playwright_python.base import AxeResults

    # A click that navigates returns before the next document exists: audit the page once it has loaded, and
    # again if a navigation still replaced it under the audit.
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            if not page.evaluate("() => typeof window.axe === 'object'"):
                try:
                    page.add_script_tag(url=AXE_PATH).evaluate("script => script.remove()")
                except PlaywrightError:  # a page that is not the live server's
                    page.evaluate(axe.axe_script)
            return AxeResults(page.evaluate("options => axe.run(options)", {"resultTypes": ["violations"]}))
        except PlaywrightError as error:
            if attempt == 2 or not NAVIGATED_AWAY.search(str(error)):
                raise


@pytest.fixture
def assert_accessible(axe):
    """Run axe-core on the page as it is now; fail on any serious or critical violation."""

    def check(page):
        results = run_axe(axe, page)
        violations = [
            violation for violation in results.response["violations"]
            if violation.get("impact") in ("serious", "critical")
        ]
        details = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes']][:5]}"
            for v in violations
        )
        assert not violations, f"axe-core found on {page.url}:\n{details}"
        return results

    return check
