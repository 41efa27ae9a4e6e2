"""What the load runs do not measure: the cold orientation view one request at a time (counts made for
that request, nothing kept), what pages weigh, and the verdict of the latest soak."""
import gzip
import json
import re
import statistics
import time
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from consult.analysis.queries import forget_counts
from consult.change_stamps import ANALYSIS
from consult.extensions import db
from consult.models import Topic

from . import datagen
from .client import Browser
from .scenarios import ORIENTATION

GZIP_LEVEL = 6  # the proxy's gzip_comp_level in docs/deployment.md
COLD_REQUESTS = 15


def _orientation_path(app, demo) -> str:
    with app.app_context():
        topic_id = db.session.scalar(select(Topic.id).where(Topic.consultation_id == demo.consultation_id,
                                                            Topic.code == ORIENTATION))
        db.session.remove()
    return f"/staff/consultations/{demo.slug}/analysis/topics/{topic_id}"


def cold_view_ms(app, demo) -> float:
    """The median time of the orientation view in this process, one request after another, with no
    count kept from a previous request (as after each coding)."""
    client = app.test_client()
    login = client.get("/staff/login", base_url="http://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
    client.post("/staff/login", base_url="http://localhost",
                data={"csrf_token": token, "email": datagen.STAFF_EMAIL, "password": datagen.STAFF_PASSWORD})
    path = _orientation_path(app, demo)
    durations = []
    for number in range(COLD_REQUESTS + 3):
        forget_counts(app, ANALYSIS)  # as after a coding: the filter lists stay
        started = time.perf_counter()
        answer = client.get(path, base_url="http://localhost")
        took = (time.perf_counter() - started) * 1000
        if answer.status_code != 200:
            raise RuntimeError(f"GET {path} answered {answer.status_code}")
        if number >= 3:  # the first ones compile statements and fill the codebook
            durations.append(took)
    return statistics.median(durations)


def topic_page_bytes(base: str, staff: Browser, app, demo) -> int:
    answer = staff.get(_orientation_path(app, demo))
    return len(answer.body.encode("utf-8"))


def public_page_compressed(base: str, demo) -> int:
    """The public orientation page with its stylesheets and scripts, gzip-compressed as the proxy sends
    them to a first-time visitor."""
    browser = Browser(base)
    page = browser.get(f"/consultations/{demo.slug}/proposal/{ORIENTATION}")
    total = len(gzip.compress(page.body.encode("utf-8"), GZIP_LEVEL))
    assets = set(re.findall(r'<link [^>]*href="([^"]+\.css[^"]*)"', page.body))
    assets |= set(re.findall(r'<script [^>]*src="([^"]+)"', page.body))
    for asset in assets:
        total += len(gzip.compress(browser.get(urlsplit(asset).path).body.encode("utf-8"), GZIP_LEVEL))
    return total


def latest_soak(results: Path, database: str) -> tuple[str, list[dict]] | None:
    """(its file name, its targets) for the latest soak on this database in `results`."""
    found = sorted(results.glob(f"*-soak-{database}.json"))
    if not found:
        return None
    return found[-1].name, json.loads(found[-1].read_text(encoding="utf-8")).get("targets", [])
