"""A consultation's pages, found by following links from its public and staff home pages. The set-up tests
walk them in one language and run their own checks on each, then axe-core."""
import re
from collections import Counter, deque
from urllib.parse import parse_qsl, urljoin, urlsplit

# Links to files: fetched by the download checks, not opened as pages.
DOWNLOADS = (".csv", ".xlsx", ".json", ".docx", ".ics", ".zip", ".pdf", ".qdpx", ".txt")
# Pages of one kind (the same address but for ids, the same query keys) share a template: axe-core, the
# costliest check, audits the first few of each kind; every page gets the other checks.
AUDITS_PER_KIND = 2


def kind_of(path: str) -> str:
    parts = urlsplit(path)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(sorted({key for key, _ in parse_qsl(parts.query)}))


def crawl(page, live_server, slug, lang, assert_accessible, check):
    """(paths seen, problems): every page of the consultation reachable by links, each answered below 400,
    passed to `check(page, path)` (which returns the problems it finds) and checked at phone width; the
    first AUDITS_PER_KIND pages of each kind also by axe-core."""
    roots = [f"/consultations/{slug}/", f"/staff/consultations/{slug}/"]
    seen, queue, problems, audited = set(), deque(roots), [], Counter()
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        # Some analysis pages compute on their first visit (suggestions): more time than a click gets.
        response = page.goto(f"{live_server}{path}{'&' if '?' in path else '?'}lang={lang}", timeout=60_000)
        if response.status >= 400:
            problems.append(f"{path}: HTTP {response.status}")
            continue
        if "html" not in (response.headers.get("content-type") or ""):
            continue
        problems.extend(check(page, path))
        audited[kind_of(path)] += 1
        if audited[kind_of(path)] <= AUDITS_PER_KIND:
            try:
                assert_accessible(page)
            except AssertionError as error:
                problems.append(str(error))
        # Checked at phone width here, while shown, rather than loaded again when the context closes.
        page.context.page_checker.check_at_phone_width(page)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urlsplit(urljoin(f"{live_server}{path}", href))
            if target.netloc != urlsplit(live_server).netloc:
                continue
            wanted = target.path + (f"?{target.query}" if target.query else "")
            wanted = re.sub(r"[?&]lang=\w+", "", wanted)
            if (target.path.startswith(tuple(roots)) and not target.path.endswith(DOWNLOADS)
                    and "/logout" not in target.path and wanted not in seen):
                queue.append(wanted)
    return seen, problems
