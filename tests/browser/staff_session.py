"""A staff member signed in through the real sign-in form, in a browser context of their own."""
from playwright.sync_api import expect

from tests.browser.timeouts import ACTION_MS
from tests.conftest import STAFF_PASSWORD


def sign_in(browser, live_server, email, password=STAFF_PASSWORD, locale="fr-CA"):
    """A new context (its own cookies: one person) signed in as `email`; the page shows the staff home."""
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.set_default_timeout(ACTION_MS)
    page.goto(live_server + "/staff/login?lang=en")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server + "/staff/")
    return page
