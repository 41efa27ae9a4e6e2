"""Checks run on every page a browser test shows, whatever the test itself looks at.

- No id may appear twice in a page (labels, aria references and skip links would point at the wrong element):
  checked in the page on load and after every htmx swap, including pages answering a POST, and again when
  the page is loaded at phone width (which also covers contexts without JavaScript).
- No page may scroll sideways on a 375 px wide phone: every page loaded by GET is loaded again at that width,
  in the same browser context (same cookies and language), when the context closes. A test that reads many
  pages (the crawl) has each checked in place instead, its window narrowed to that width and back
  (`check_at_phone_width`): the layout follows the width alone (no script of the application reads it), and
  the page is not loaded a second time.
"""
PHONE = {"width": 375, "height": 800}

# Injected into every document before its own scripts (through the DevTools protocol, so the strict CSP
# does not apply); reports back through a binding, which survives navigations.
REPEATED_IDS_SCRIPT = """
(() => {
  const check = () => {
    const seen = new Map();
    for (const element of document.querySelectorAll("[id]")) {
      seen.set(element.id, (seen.get(element.id) || 0) + 1);
    }
    const repeated = [...seen].filter(([, count]) => count > 1).map(([id, count]) => `${id} (${count}×)`);
    if (repeated.length && window.__consultPageCheck) {
      window.__consultPageCheck({url: location.href, repeated});
    }
  };
  document.addEventListener("DOMContentLoaded", check);
  document.addEventListener("htmx:afterSettle", check);
})();
"""

# What sticks out past the right edge, to say where the sideways scroll comes from.
OVERFLOW_SCRIPT = """
() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const limit = root.clientWidth + 1;
  const clipped = (element) => {
    for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX !== "visible") return true;
    }
    return false;
  };
  const culprits = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    const parent = element.parentElement.getBoundingClientRect();
    if (box.width > 0 && box.right > limit && parent.right <= limit && !clipped(element)) {
      const classes = typeof element.className === "string" && element.className.trim()
        ? "." + element.className.trim().split(/\\s+/).join(".") : "";
      culprits.push(`${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}${classes}` +
                    ` (${Math.round(box.right)} px)`);
    }
  }
  if (!culprits.length) {  // the body itself is wider: name the widest blocks in it
    for (const element of document.body.children) {
      const box = element.getBoundingClientRect();
      if (box.right > limit) culprits.push(`${element.tagName.toLowerCase()} (${Math.round(box.right)} px)`);
    }
    const body = getComputedStyle(document.body);
    const width = Math.round(document.body.getBoundingClientRect().width);
    culprits.push(`body min-width ${body.minWidth}, width ${width} px`);
  }
  return {width: root.scrollWidth, culprits: culprits.slice(0, 6)};
}
"""


# The same count, read at the phone-width visit: also covers contexts without JavaScript, where no init
# script runs.
REPEATED_IDS = """
() => {
  const seen = new Map();
  for (const element of document.querySelectorAll("[id]")) seen.set(element.id, (seen.get(element.id) || 0) + 1);
  return [...seen].filter(([, count]) => count > 1).map(([id, count]) => `${id} (${count}×)`);
}
"""


class PageChecker:
    """Installed on one browser context: collects repeated ids as pages show them, and the pages to re-check."""

    def __init__(self, context):
        self.context = context
        self.repeated = []
        self.visited = []
        self.wide = []
        self.checked_in_place = set()
        self.checked = False
        context.expose_binding("__consultPageCheck", self._report)
        context.add_init_script(REPEATED_IDS_SCRIPT)
        context.on("response", self._record)

    def _report(self, _source, finding):
        self.repeated.append(f"{finding['url']}: {', '.join(finding['repeated'])}")

    def _record(self, response):
        request = response.request
        if (request.method == "GET" and request.is_navigation_request() and request.frame.parent_frame is None
                and response.status == 200 and "text/html" in (response.headers.get("content-type") or "")
                and response.url not in self.visited):
            self.visited.append(response.url)

    def _phone_findings(self, page, url):
        repeated = page.evaluate(REPEATED_IDS)
        if repeated:
            self.repeated.append(f"{url}: {', '.join(repeated)}")
        overflow = page.evaluate(OVERFLOW_SCRIPT)
        if overflow:
            self.wide.append(f"{url}: {overflow['width']} px wide, past the edge: {', '.join(overflow['culprits'])}")

    def check_at_phone_width(self, page):
        """The page as it is shown, narrowed to phone width, checked, then given its width back; it is not
        loaded again when the context closes."""
        size = page.viewport_size
        page.set_viewport_size(PHONE)
        try:
            self._phone_findings(page, page.url)
        finally:
            page.set_viewport_size(size)
        self.checked_in_place.add(page.url)

    def check(self):
        """Fail on repeated ids seen, then load each page again at phone width and fail on sideways scrolling."""
        if self.checked:
            return
        self.checked = True
        assert not self.repeated, "a page repeats an id:\n" + "\n".join(self.repeated)
        to_load = [url for url in self.visited if url not in self.checked_in_place]
        if to_load:
            phone = self.context.new_page()
            try:
                phone.set_viewport_size(PHONE)
                for url in to_load:
                    try:
                        response = phone.goto(url, wait_until="load")
                    except Exception:  # noqa: BLE001  (a page that became a download or went away is not at fault)
                        continue
                    if response is None or response.status != 200:
                        continue
                    self._phone_findings(phone, url)
            finally:
                phone.close()
        assert not self.repeated, "a page repeats an id:\n" + "\n".join(self.repeated)
        assert not self.wide, f"a page scrolls sideways at {PHONE['width']} px:\n" + "\n".join(self.wide)


def install(context):
    """Check the context's pages when it closes, however the test closes it (context.close(),
    page.context.close(), or the fixture at the end of the test)."""
    checker = PageChecker(context)
    close = context.close

    def checked_close(**kwargs):
        try:
            checker.check()
        finally:
            close(**kwargs)

    context.close = checked_close
    context.page_checker = checker
    return context


class CheckedBrowser:
    """The session's browser; each context made through it checks its pages."""

    def __init__(self, browser):
        self._browser = browser
        self.contexts_made = []

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def new_context(self, **kwargs):
        context = install(self._browser.new_context(**kwargs))
        self.contexts_made.append(context)
        return context

    def new_page(self, **kwargs):
        return self.new_context(**kwargs).new_page()

    def close_open_contexts(self):
        """Contexts a test left open are checked and closed when it ends."""
        for context in self.contexts_made:
            if not context.page_checker.checked:
                context.close()
