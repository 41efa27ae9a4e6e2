"""A newcomer finds a consultation, switches to English, reads the proposal, prints the
synoptic table, uses the keyboard and meets a missing page, in a real Chromium."""
import re

from playwright.sync_api import expect

from tests.browser.demo_data import DEMO, SLUG, topic

AXIS_3 = topic("3")
ORIENTATION_3_1 = topic("3.1")


def test_newcomer_reads_an_orientation_in_english(page, live_server, demo, assert_accessible):
    # French by default for a browser set to fr-CA.
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=2, name="Consultations ouvertes")).to_be_visible()
    assert_accessible(page)

    # The language switch names the other language in that language.
    switch = page.get_by_role("link", name="English", exact=True)
    expect(switch).to_have_attribute("lang", "en")
    switch.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=2, name="Open consultations")).to_be_visible()
    expect(page.get_by_role("link", name="Français", exact=True)).to_be_visible()
    assert_accessible(page)

    # The demo consultation's card, then its proposal.
    page.get_by_role("link", name=DEMO["title"]["en"], exact=True).click()
    expect(page).to_have_url(f"{live_server}/consultations/{SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(DEMO["title"]["en"])
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)

    page.get_by_role("link", name="Read the proposal").click()
    expect(page).to_have_url(f"{live_server}/consultations/{SLUG}/proposal/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The proposal")
    assert_accessible(page)

    # Axis 3, then orientation 3.1 from the axis page's list of orientations.
    page.get_by_role("link", name=f"Axis 3 – {AXIS_3['title']['en']}", exact=True).click()
    expect(page).to_have_url(f"{live_server}/consultations/{SLUG}/proposal/3")
    expect(page.get_by_role("heading", level=1)).to_have_text(AXIS_3["title"]["en"])
    assert_accessible(page)

    orientations = page.get_by_role("region", name="Orientations", exact=True)
    orientations.get_by_role("link", name=ORIENTATION_3_1["title"]["en"]).click()
    orientation_url = f"{live_server}/consultations/{SLUG}/proposal/3.1"
    expect(page).to_have_url(orientation_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(ORIENTATION_3_1["title"]["en"])
    expect(page.locator(".eyebrow")).to_have_text("Orientation 3.1")

    targets = page.get_by_role("region", name="Change targets")
    expect(targets.get_by_role("listitem")).to_have_text(
        [target["text"]["en"] for target in ORIENTATION_3_1["change_targets"]])
    themes = page.get_by_role("region", name="Themes")
    expect(themes.get_by_role("listitem")).to_have_text(
        [theme["name"]["en"] for theme in ORIENTATION_3_1["themes"]])
    for theme in ORIENTATION_3_1["themes"]:
        expect(themes.get_by_text(theme["name"]["en"], exact=True)).to_be_visible()
    # The breadcrumb ends with the page itself, not as a link.
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumb.locator("[aria-current=page]")).to_have_text("Orientation 3.1")
    assert_accessible(page)

    # Back to the proposal with the breadcrumb, then with the browser's Back button.
    breadcrumb.get_by_role("link", name="The proposal", exact=True).click()
    expect(page).to_have_url(f"{live_server}/consultations/{SLUG}/proposal/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The proposal")

    page.go_back()
    expect(page).to_have_url(orientation_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(ORIENTATION_3_1["title"]["en"])

    # The choice of English is remembered: no ?lang= in these addresses, and a French browser.
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=2, name="Change targets")).to_be_visible()
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=2, name="Open consultations")).to_be_visible()


def _pdf_page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_synoptic_table_prints_without_site_furniture(page, browser, live_server, demo, assert_accessible):
    url = f"{live_server}/consultations/{SLUG}/synoptic?lang=en"
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Synoptic table of the proposal")
    table = page.get_by_role("table", name="Axes, orientations, change targets and themes")
    expect(table).to_be_visible()
    expect(table.get_by_role("rowheader", name=re.compile(r"^3\.1 "))).to_contain_text(
        ORIENTATION_3_1["title"]["en"])
    header = page.locator("header.site-header")
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    print_button = page.get_by_role("button", name="Print")
    expect(header).to_be_visible()
    expect(breadcrumb).to_be_visible()
    expect(print_button).to_be_visible()  # shown because JavaScript runs
    assert_accessible(page)

    # On paper: no header, breadcrumb, footer or print button; the table stays.
    page.emulate_media(media="print")
    expect(header).to_be_hidden()
    expect(breadcrumb).to_be_hidden()
    expect(page.locator("footer.site-footer")).to_be_hidden()
    expect(print_button).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(table).to_be_visible()
    expect(table.get_by_role("rowheader", name=re.compile(r"^5\.4 "))).to_be_visible()

    pdf = page.pdf(format="Letter", landscape=True, print_background=True)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    pages = _pdf_page_count(pdf)

    # The same page printed without print.css, for comparison.
    context = browser.new_context(locale="fr-CA")
    try:
        bare = context.new_page()
        bare.route("**/print.css", lambda route: route.abort())
        bare.goto(url)
        pages_without_print_css = _pdf_page_count(bare.pdf(format="Letter", landscape=True, print_background=True))
    finally:
        context.close()
    print(f"synoptic table PDF: {pages} pages ({len(pdf)} bytes); without print.css: {pages_without_print_css}")
    # Measured with Debian's Chromium 156: 4 pages with print.css, 5 to 6 without it.
    assert 1 <= pages <= 5, pages
    assert pages < pages_without_print_css, (pages, pages_without_print_css)


def test_first_tab_reaches_the_skip_link(page, live_server, assert_accessible):
    page.goto(live_server + "/")
    skip = page.get_by_role("link", name="Passer au contenu principal")
    # Out of sight until it gets the focus.
    assert skip.bounding_box()["y"] + skip.bounding_box()["height"] <= 0

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] > 0, box
    expect(skip).to_be_in_viewport()
    assert_accessible(page)

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    expect(page).to_have_url(live_server + "/#main")
    # The link hides again once the focus has moved on.
    assert skip.bounding_box()["y"] + skip.bounding_box()["height"] <= 0


def test_missing_page_says_so_in_english(page, live_server, assert_accessible):
    response = page.goto(live_server + "/consultations/nope/?lang=en")
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text("Error 404")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Page not found · "))
    assert_accessible(page)

    page.get_by_role("link", name="Go to the home page").click()
    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_role("heading", level=2, name="Open consultations")).to_be_visible()
