"""What a page weighs: every public page of the demo, with the stylesheets and scripts it links,
stays under 100 KB transferred compressed (gzip, as the proxy of docs/deployment.md serves them);
the analysis topic page with 25 comment rows stays under 150 KB of HTML."""
import gzip
import re
from datetime import datetime, timedelta, timezone
from html import unescape
from urllib.parse import urljoin, urlsplit

from sqlalchemy import select

from consult.extensions import db
from consult.models import Code, Coding, StaffUser, Topic
from tests.factories import consultation_of, make_comment

PUBLIC_LIMIT = 100 * 1024
TOPIC_PAGE_LIMIT = 150 * 1024
# The proxy's gzip_comp_level (docs/deployment.md).
LEVEL = 6
MAX_PAGES = 400
# Not pages: downloads, feeds of files, and what only a person with a link may open.
SKIPPED = re.compile(r"^/(static|staff|uploads)/|\.(ics|pdf|csv|xlsx|docx|zip)$|/download")


def _compressed(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=LEVEL))


def _links(html: str) -> list[str]:
    return [unescape(found) for found in re.findall(r'<a [^>]*href="([^"#]+)', html)]


def _assets(html: str) -> list[str]:
    styles = re.findall(r'<link [^>]*rel="stylesheet"[^>]*href="([^"]+)"', html)
    styles += re.findall(r'<link [^>]*href="([^"]+)"[^>]*rel="stylesheet"', html)
    return [unescape(found) for found in {*styles, *re.findall(r'<script [^>]*src="([^"]+)"', html)}]


def test_every_public_page_with_its_css_and_js_stays_under_100_kb_compressed(client, demo):
    asset_sizes: dict[str, int] = {}
    seen, queue, weights = set(), ["/", "/?lang=en"], {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or not response.content_type.startswith("text/html"):
            continue
        html = response.get_data(as_text=True)
        total = _compressed(response.get_data())
        for asset in _assets(html):
            if asset not in asset_sizes:
                asset_sizes[asset] = _compressed(client.get(urlsplit(asset).path).get_data())
            total += asset_sizes[asset]
        weights[path] = total
        for link in _links(html):
            target = urljoin(path, link)
            parts = urlsplit(target)
            if parts.netloc or SKIPPED.search(parts.path) or parts.path.startswith("/staff"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                queue.append(target)
    assert len(weights) > 20, sorted(weights)  # the crawl reached the proposal, forums, questionnaire
    heavy = {path: size for path, size in weights.items() if size >= PUBLIC_LIMIT}
    assert not heavy, heavy
    assert all(size > 0 for size in asset_sizes.values())


def test_the_analysis_topic_page_with_25_rows_stays_under_150_kb(app, demo, login):
    client = login(["analyst"], email="analyst@example.org")
    client.get("/?lang=en")
    day = datetime(2025, 3, 10, 15, 0, tzinfo=timezone.utc)
    with app.app_context():
        consultation = consultation_of(demo)
        topic_id = db.session.scalar(select(Topic.id).where(Topic.consultation_id == consultation.id,
                                                            Topic.code == "1.1"))
        comments = [make_comment(consultation, f"Les équipes de proximité manquent de temps et de moyens, "
                                               f"surtout en région, remarque numéro {number}. " * 3,
                                 topic="1.1", when=day + timedelta(hours=number)) for number in range(30)]
        db.session.commit()
        analyst_id = db.session.scalar(select(StaffUser.id).where(StaffUser.email == "analyst@example.org"))
        comment_ids = [comment.id for comment in comments]
        consultation_id = consultation.id
    # The first visit makes the codebook (a code per theme); then every row carries codes.
    assert client.get(f"/staff/consultations/{demo}/analysis/topics/{topic_id}").status_code == 200
    with app.app_context():
        codes = list(db.session.scalars(select(Code.id).where(Code.consultation_id == consultation_id)).all())
        assert len(codes) > 10
        for position, comment_id in enumerate(comment_ids):
            for code_id in codes[position % 5::7][:3]:
                db.session.add(Coding(comment_id=comment_id, code_id=code_id, coder_id=analyst_id))
        db.session.commit()
    response = client.get(f"/staff/consultations/{demo}/analysis/topics/{topic_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(re.findall(r'<article class="comment', html)) == 25
    assert len(response.get_data()) < TOPIC_PAGE_LIMIT, len(response.get_data())
    # The row's other actions come when opened: with htmx as a fragment, without it on a page of their own.
    actions = re.search(r'<details class="more-actions"[^>]*hx-get="([^"]+)"', html).group(1)
    fragment = client.get(unescape(actions), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert 'name="topic_id"' in fragment.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    page = client.get(unescape(actions))
    assert page.status_code == 200 and 'name="topic_id"' in page.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True)
