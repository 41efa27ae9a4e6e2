"""The soak: a bounded mixed load for a long while against gunicorn (2 workers × 4 threads, as
`scripts/run.sh` serves the site), on loopback only, then a verdict on three things that only show
over time: no worker crash, no server error, no memory growth beyond 20 % after the warm-up.

At once, for the whole window, each on its own connections (8 in all):
- visitors browsing the public proposal (two wrk connections, no session: the kept pages);
- sign-ups to a forum with seats and to a full one (the waiting list), each a different person;
- autosaves of questionnaire pages being typed;
- analysts: the orientation view and searches (wrk), and an analyst coding and un-coding comments,
  moving them between orientations and searching (a Python client, reading each row's revision as a
  browser would);
- every few minutes, the CSV export of every comment, streamed and read to the end.

Every 10 s the resident memory of each worker is read; a worker that dies (a signal, a segmentation
fault) is seen as a worker pid that changed and in gunicorn's log. The verdict and the figures are
written to bench/results/<date>-soak-<database>.md and .json.

    python -m bench.soak [--minutes 20] [--database-url postgresql://...] [--responses N --comments N]
"""
import argparse
import http.client
import json
import os
import random
import re
import secrets
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select

from consult.extensions import db
from consult.models import Code, Comment, Topic

from . import datagen, load
from .client import Browser
from .run import RESULTS
from .scenarios import BY_KEY, Context
from .server import (
    Database,
    Gunicorn,
    bench_app,
    database_note,
    migrate_and_prepare,
    resident_kib,
    server_environment,
    workdir,
)

WARMUP_SHARE = 0.2  # the first fifth of the window: caches fill, the allocator settles
MEMORY_GROWTH_LIMIT = 0.20
# Threads sharing a worker, whatever scripts/run.sh uses: the shape under which workers once crashed.
SOAK_WORKERS = 2
SOAK_THREADS = 4
SAMPLE_SECONDS = 10
PREPARED = 20_000  # different people per sign-up path
EXPORT_EVERY_SECONDS = 240
# wrk connections per path: 8 in all with the analyst's coding client.
CONNECTIONS = {"public_page": 2, "signup_seat": 1, "signup_waitlist": 1, "autosave": 1, "analysis_topic": 1,
               "analysis_search": 1}
CRASH_LINE = re.compile(r"(was sent SIG\w+|exited with code|Fatal Python error|Segmentation fault|"
                        r"WORKER TIMEOUT)", re.IGNORECASE)


def _log(message: str) -> None:
    print(f"[{datetime.now(timezone.utc):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


@dataclass
class Sample:
    second: float
    rss_mb: dict[str, float]  # worker pid -> resident memory


@dataclass
class Analyst:
    """What the coding analyst did and what came back."""

    actions: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def note(self, status: int) -> None:
        self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
        self.actions += 1


@dataclass
class SoakReport:
    database: str
    started: str
    minutes: float
    data: str
    load_average_before: list[float]
    load_average_after: list[float] = field(default_factory=list)
    paths: dict[str, dict] = field(default_factory=dict)
    analyst: dict = field(default_factory=dict)
    exports: list[dict] = field(default_factory=list)
    samples: list[dict] = field(default_factory=list)
    worker_pids_start: list[int] = field(default_factory=list)
    worker_pids_end: list[int] = field(default_factory=list)
    crash_lines: list[str] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    threads: int = SOAK_THREADS


def _analyst(base: str, cookie_browser: Browser, app, demo, stop: threading.Event, result: Analyst) -> None:
    """Codes and un-codes, moves and searches, one action after another, as an analyst works."""
    rng = random.Random(5)
    with app.app_context():
        topics = list(db.session.scalars(select(Topic.id).where(Topic.consultation_id == demo.consultation_id,
                                                                Topic.kind != "axis")))
        codes = list(db.session.scalars(select(Code.id).where(Code.consultation_id == demo.consultation_id,
                                                              Code.status == "active")))
        comment_ids = list(db.session.scalars(select(Comment.id).where(
            Comment.consultation_id == demo.consultation_id).order_by(Comment.id).limit(5000)))
        db.session.remove()
    form = cookie_browser.form(f"/staff/consultations/{demo.slug}/analysis/comments")
    token = form.csrf_token
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    base_path = f"/staff/consultations/{demo.slug}/analysis"
    while not stop.is_set():
        comment_id = rng.choice(comment_ids)
        with app.app_context():
            revision = db.session.scalar(select(Comment.revision).where(Comment.id == comment_id))
            db.session.remove()
        try:
            if rng.random() < 0.7 and codes:
                answer = cookie_browser.post(f"{base_path}/comments/{comment_id}/codes",
                                             {"csrf_token": token, "revision": revision,
                                              "code_id": rng.choice(codes), "next": ""}, headers)
            elif topics:
                answer = cookie_browser.post(f"{base_path}/comments/{comment_id}/topic",
                                             {"csrf_token": token, "revision": revision,
                                              "topic_id": rng.choice(topics), "next": ""}, headers)
            result.note(answer.status)
            answer = cookie_browser.get(f"{base_path}/comments?q=" + quote(rng.choice(("santé", "accès", "équipes"))))
            result.note(answer.status)
        except Exception as error:  # noted and carried on: the soak counts what went wrong
            result.failures.append(f"{type(error).__name__}: {error}"[:200])
            result.note(0)
            time.sleep(1)


def _exports(server: Gunicorn, slug: str, cookie: str, stop: threading.Event, done: list[dict],
             every: float) -> None:
    path = f"/staff/consultations/{slug}/exports/comments.csv?lang=fr"
    while not stop.wait(every):
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
        try:
            connection.request("GET", path, headers={"Cookie": cookie})
            answer = connection.getresponse()
            size = 0
            while chunk := answer.read(1 << 16):
                size += len(chunk)
            done.append({"status": answer.status, "bytes": size, "seconds": round(time.monotonic() - started, 1)})
        except (OSError, http.client.HTTPException) as error:
            done.append({"status": 0, "error": f"{type(error).__name__}: {error}"[:200]})
        finally:
            connection.close()
        _log(f"export: {done[-1]}")


def _wrk(name: str, context: Context, connections: int, seconds: float, results: dict) -> None:
    scenario = BY_KEY[name]
    try:
        # Round and round: once every prepared person signed up, the same forms come back as
        # repeated sign-ups, which the site answers too.
        prepared = scenario.prepare(context, PREPARED if scenario.once else 1)
        results[name] = asdict(load.run(context.base, prepared.requests, context.work, seconds=seconds,
                                        connections=connections, once=False, headers=prepared.headers,
                                        name=f"soak-{name}"))
    except (RuntimeError, load.LoadError) as error:
        results[name] = {"failed": str(error)[:500]}


def soak(minutes: float, database_url: str | None, responses: int, comments: int,
         export_every: float = EXPORT_EVERY_SECONDS, threads: int = SOAK_THREADS) -> SoakReport:
    load.ensure_wrk()
    seconds = minutes * 60
    with workdir() as work:
        database = Database(database_url, work)
        database.create()
        try:
            secret = secrets.token_hex(32)
            uploads = str(work / "uploads")
            environment = server_environment(database.url, secret, uploads)
            app = bench_app(database.url, secret, uploads)
            with app.app_context():
                demo = migrate_and_prepare(app)
                _log(f"filling the database: {responses:,} responses, {comments:,} comments")
                datagen.populate(demo, responses, comments, registrations=500, seed=31)
                autosave_drafts = datagen.drafts(demo, 300, seed=41)
                data = f"{responses:,} responses, {comments:,} comments"
                db.session.remove()
            report = SoakReport(database=database.kind, started=f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
                                minutes=minutes, data=data, load_average_before=list(os.getloadavg()),
                                threads=threads)
            server = Gunicorn("wsgi:app", environment, work / "app.log", "/healthz", workers=SOAK_WORKERS,
                              threads=threads)
            with server:
                context = Context(app, demo, base=server.base, work=work, autosave_drafts=autosave_drafts)
                staff = context.staff_browser()
                analyst_browser = Browser(server.base)
                analyst_browser.sign_in(datagen.STAFF_EMAIL, datagen.STAFF_PASSWORD)
                report.worker_pids_start = sorted(server.worker_pids())
                stop = threading.Event()
                analyst = Analyst()
                results: dict[str, dict] = {}
                threads = [threading.Thread(target=_wrk, args=(name, context, connections, seconds, results))
                           for name, connections in CONNECTIONS.items()]
                threads.append(threading.Thread(target=_analyst, args=(server.base, analyst_browser, app, demo,
                                                                       stop, analyst)))
                threads.append(threading.Thread(target=_exports, args=(server, demo.slug, staff.cookie_header,
                                                                       stop, report.exports, export_every)))
                started = time.monotonic()
                for thread in threads:
                    thread.start()
                _log(f"soak started for {minutes:g} min on {database.kind}; workers {report.worker_pids_start}")
                while time.monotonic() - started < seconds + 5:
                    pids = server.worker_pids()
                    sample = Sample(round(time.monotonic() - started),
                                    {str(pid): round(resident_kib(pid) / 1024, 1) for pid in pids})
                    report.samples.append(asdict(sample))
                    if len(report.samples) % 12 == 0:
                        _log(f"{sample.second} s: workers {sample.rss_mb}, analyst {analyst.actions} actions")
                    time.sleep(SAMPLE_SECONDS)
                stop.set()
                for thread in threads:
                    thread.join(timeout=660)
                report.worker_pids_end = sorted(server.worker_pids())
                report.paths = results
                report.analyst = asdict(analyst)
            log_text = (work / "app.log").read_text(errors="replace")
            report.crash_lines = [line for line in log_text.splitlines() if CRASH_LINE.search(line)][:50]
            report.load_average_after = list(os.getloadavg())
        finally:
            database.drop()
    evaluate(report)
    return report


def _memory_growth(report: SoakReport) -> float | None:
    """The workers' total resident memory at the end over its total at the end of the warm-up
    (the same pids: a worker replaced is a crash, counted apart)."""
    samples = [sample for sample in report.samples if sample["rss_mb"]]
    if len(samples) < 3:
        return None
    after_warmup = next(sample for sample in samples if sample["second"] >= report.minutes * 60 * WARMUP_SHARE)
    last = samples[-1]
    common = set(after_warmup["rss_mb"]) & set(last["rss_mb"])
    if not common:
        return None
    before = sum(after_warmup["rss_mb"][pid] for pid in common)
    return sum(last["rss_mb"][pid] for pid in common) / before - 1


DEAD_WORKER = re.compile(r"Worker \(pid:(\d+)\) (?:was sent|exited with code)")


def dead_workers(report: SoakReport) -> set[int]:
    """Each worker that died once: those gunicorn reported killed or exited, and those of the start
    gone at the end (a worker that crashed is counted once, whatever it left in the log)."""
    reported = {int(found.group(1)) for line in report.crash_lines if (found := DEAD_WORKER.search(line))}
    return reported | (set(report.worker_pids_start) - set(report.worker_pids_end))


def evaluate(report: SoakReport) -> None:
    crashes = len(dead_workers(report))
    server_errors = 0
    socket_errors = 0
    for result in report.paths.values():
        server_errors += sum(number for status, number in result.get("statuses", {}).items() if int(status) >= 500)
        socket_errors += result.get("socket_errors", 0)
    server_errors += sum(number for status, number in report.analyst.get("statuses", {}).items()
                         if int(status) >= 500)
    server_errors += sum(1 for export in report.exports if export.get("status", 0) >= 500)
    growth = _memory_growth(report)
    report.targets = [
        {"row": "soak/worker crashes", "wanted": "0", "measured": str(crashes), "met": crashes == 0},
        {"row": "soak/5xx answers", "wanted": "0", "measured": f"{server_errors} (and {socket_errors} socket errors)",
         "met": server_errors == 0 and socket_errors == 0},
        {"row": "soak/memory growth after warm-up", "wanted": f"≤ {MEMORY_GROWTH_LIMIT:.0%}",
         "measured": "—" if growth is None else f"{growth:+.1%}",
         "met": None if growth is None else growth <= MEMORY_GROWTH_LIMIT},
    ]


def markdown(report: SoakReport) -> str:
    lines = [f"# Soak {report.started} — {report.database}", "",
             f"gunicorn {SOAK_WORKERS} workers × {report.threads} threads on loopback, {report.minutes:g} minutes of "
             f"mixed load (8 connections), database: {report.data}. Load average of the machine (shared) before: "
             f"{', '.join(f'{value:.1f}' for value in report.load_average_before)}; after: "
             f"{', '.join(f'{value:.1f}' for value in report.load_average_after)}.", "",
             "| Target | Wanted | Measured | Verdict |", "|---|---|---|---|"]
    for target in report.targets:
        verdict = "—" if target["met"] is None else ("met" if target["met"] else "**missed**")
        lines.append(f"| {target['row']} | {target['wanted']} | {target['measured']} | {verdict} |")
    lines += ["", "| Path | Requests | Req/s | p95 ms | Statuses |", "|---|---:|---:|---:|---|"]
    for name, result in report.paths.items():
        if "failed" in result:
            lines.append(f"| {name} | — | — | — | failed: {result['failed'][:120]} |")
            continue
        rate = result["requests"] / result["seconds"] if result["seconds"] else 0
        lines.append(f"| {name} | {result['requests']} | {rate:.1f} | {result['p95_ms']:.0f} | {result['statuses']} |")
    lines.append(f"| analyst coding and searching | {report.analyst.get('actions', 0)} | — | — | "
                 f"{report.analyst.get('statuses')} |")
    if report.analyst.get("failures"):
        lines += ["", f"Analyst client failures (first ones): {report.analyst['failures'][:5]}"]
    lines += ["", f"Exports: {report.exports}", "",
              f"Workers at the start {report.worker_pids_start}, at the end {report.worker_pids_end}.", ""]
    if report.samples:
        first, last = report.samples[0], report.samples[-1]
        lines.append(f"Resident memory (MB) at {first['second']} s: {first['rss_mb']}; at {last['second']} s: "
                     f"{last['rss_mb']}.")
    if report.crash_lines:
        lines += ["", "Crash lines in gunicorn's log:", ""] + [f"    {line}" for line in report.crash_lines]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or None)
    parser.add_argument("--responses", type=int, default=5_000)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--export-every", type=float, default=EXPORT_EVERY_SECONDS, help="seconds between exports")
    parser.add_argument("--threads", type=int, default=SOAK_THREADS,
                        help="threads per worker (a shape other than the target's is written under its own name)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    note = database_note(args.database_url)
    if note:
        _log(note)
    report = soak(args.minutes, args.database_url, args.responses, args.comments, args.export_every, args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    shape = "" if args.threads == SOAK_THREADS else f"-{args.threads}-threads"
    stem = args.out / f"{datetime.now(timezone.utc):%Y-%m-%d}-soak-{report.database}{shape}"
    stem.with_suffix(".md").write_text(markdown(report), encoding="utf-8")
    stem.with_suffix(".json").write_text(json.dumps(asdict(report), indent=1, ensure_ascii=False), encoding="utf-8")
    print(markdown(report))
    _log(f"written: {stem}.md and .json")
    return 0 if all(target["met"] is not False for target in report.targets) else 1


if __name__ == "__main__":
    sys.exit(main())
