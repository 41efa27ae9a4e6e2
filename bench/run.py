"""The whole benchmark, in one process: a throw-away database with the demo consultation and a few
responses, every path measured; then the database grown to the large size (100,000 responses,
1,000,000 comments), every path measured again and the export timed; the hello app measured at the
start and at the end. Prints the table and writes it to bench/results/."""
import http.client
import math
import os
import secrets
import sys
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import Comment, Participant, Response

from . import datagen, export, extra, load
from .client import Browser
from .report import Report, Row, Target, markdown, table, write
from .scenarios import SCENARIOS, Context, Scenario
from .server import (
    THREADS,
    WORKERS,
    Database,
    Gunicorn,
    bench_app,
    database_note,
    migrate_and_prepare,
    server_environment,
    workdir,
)

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Plan:
    small: bool
    seconds: float  # a measured window, at most
    warmup: int  # requests sent before each measured window
    connections: int
    empty: tuple[int, int]  # (responses, comments) of the almost empty database
    large: tuple[int, int]  # ... and of the large one
    middle: tuple[int, int]  # a size on the way, where the cold orientation view is timed too
    registrations: int  # confirmed registrations of the large forum, in the large database
    autosave_drafts: int
    submit_drafts: int
    max_requests: int  # prepared for a path whose requests are each a different person
    # Databases the paths are measured on; the large one is always made, for the export.
    load_phases: tuple[str, ...] = ("empty", "large")
    paths: tuple[str, ...] = ()  # the paths measured (scenario keys); every one when empty
    grows: bool = True  # False: no large database, so no export either (--phases empty)
    # A measured window ends after this many answers (0: at the end of `seconds`, which is then a cap).
    answers: int = 0
    workers: int = WORKERS  # gunicorn's, for the site and the hello app alike
    threads: int = THREADS


FULL = Plan(small=False, seconds=10, warmup=60, connections=8, empty=(200, 2_000), large=(100_000, 1_000_000),
            middle=(10_000, 100_000), registrations=5_000, autosave_drafts=300, submit_drafts=2_000,
            max_requests=30_000)
# The small mode checks that every path answers, not how fast: each window counts a few answers,
# however slow a loaded machine makes them, within a generous cap.
SMALL = Plan(small=True, seconds=60, warmup=0, connections=2, empty=(6, 30), large=(12, 90), middle=(9, 60),
             registrations=4,
             autosave_drafts=3, submit_drafts=10, max_requests=6, load_phases=("empty",), answers=3)
PHASE_SEEDS = {"empty": 101, "large": 202}
WARMUP_SECONDS = 2

# Targets, as shares of the hello app's requests/s, and for the growth from empty to large.
THROUGHPUT_TARGETS = {"public_page": 0.40, "signup_seat": 0.05, "signup_waitlist": 0.05, "autosave": 0.08}
LATENCY_GROWTH_TARGETS = {"submit": 1.3, "analysis_topic": 1.3}
# Analysts at a million comments, 8 at once: a share of hello's requests/s and a p95 (stated for a
# machine where hello runs at 3,000 requests/s or more).
ANALYSIS_TARGETS = {"analysis_topic": 0.01, "analysis_search": 0.01}
ANALYSIS_P95_MS = 300
COLD_GROWTH_TARGET = 1.3  # the cold orientation view at the large size over the middle size
TOPIC_PAGE_TARGET_KB = 150
PUBLIC_PAGE_TARGET_KB = 100
EXPORT_SPEED_TARGET = 0.5  # of the database's own CSV dump
EXPORT_MEMORY_TARGET_MB = 200


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _contents(demo: datagen.Demo) -> str:
    responses = db.session.scalar(select(func.count(Response.id))) or 0
    comments = db.session.scalar(select(func.count(Comment.id)).where(Comment.consultation_id == demo.consultation_id))
    participants = db.session.scalar(select(func.count(Participant.id))) or 0
    return f"{responses:,} responses, {comments or 0:,} comments, {participants:,} participants"


class Runner:
    def __init__(self, plan: Plan, database_url: str | None, out: Path, keep: bool = False):
        self.plan = plan
        self.database_url = database_url
        self.out = out
        self.keep = keep
        self.clock = time.monotonic()

    def log(self, message: str) -> None:
        _log(f"[{time.monotonic() - self.clock:5.0f} s] {message}")

    def run(self) -> Report:
        load.ensure_wrk()
        plan = self.plan
        with workdir(self.keep) as work:
            database = Database(self.database_url, work)
            report = Report(database=database.kind, small=plan.small, started=datetime.now(timezone.utc),
                            settings={"workers": plan.workers, "threads": plan.threads, "connections": plan.connections,
                                      "seconds": plan.seconds, "answers": plan.answers, "warmup": plan.warmup,
                                      "cpus": os.cpu_count()})
            database.create()
            try:
                self._run(report, database, work)
            finally:
                database.drop()
        report.seconds = time.monotonic() - self.clock
        evaluate(report)
        return report

    def _run(self, report: Report, database: Database, work: Path) -> None:
        plan = self.plan
        secret = secrets.token_hex(32)
        uploads = str(work / "uploads")
        environment = server_environment(database.url, secret, uploads)
        app = bench_app(database.url, secret, uploads)
        with app.app_context():
            demo = migrate_and_prepare(app)
            datagen.populate(demo, *plan.empty)
            db.session.remove()
        context = Context(app, demo, base="", work=work)
        hello = Gunicorn("bench.hello_app:app", {}, work / "hello.log", workers=plan.workers, threads=plan.threads)
        server = Gunicorn("wsgi:app", environment, work / "app.log", "/healthz", workers=plan.workers,
                          threads=plan.threads)
        with hello, server:
            report.hello.append(self._hello(hello, work))
            self.log(f"hello app: {report.hello[-1].rps:.0f} requests/s")
            for phase in ("empty", "large"):
                if phase == "large" and plan.grows:
                    self._grow(app, demo, report)
                if phase not in plan.load_phases:
                    continue
                if phase != plan.load_phases[0]:
                    # Fresh workers, as after a deployment: nothing carried over from the first phase.
                    server.stop()
                    server.start()
                self._phase(report, context, server, phase)
            if plan.grows:
                self._exports(report, context, server, environment, database, work)
            report.hello.append(self._hello(hello, work))
            self.log(f"hello app: {report.hello[-1].rps:.0f} requests/s")

    def _grow(self, app, demo: datagen.Demo, report: Report) -> None:
        plan = self.plan
        steps = [(plan.middle, 0, 11), (plan.large, plan.registrations, 12)]
        done = plan.empty
        for (responses, comments), registrations, seed in steps:
            self.log(f"growing the database to {responses:,} responses, {comments:,} comments")
            with app.app_context():
                grown = datagen.populate(demo, responses - done[0], comments - done[1],
                                         registrations=registrations, seed=seed, progress=self._progress)
                db.session.remove()
            done = (responses, comments)
            self.log(f"grown in {grown.seconds:.0f} s")
            cold = extra.cold_view_ms(app, demo)
            report.figures[f"cold_orientation_ms/{comments}"] = cold
            self.log(f"cold orientation view at {comments:,} comments: {cold:.0f} ms (median, one at a time)")

    def _phase(self, report: Report, context: Context, server: Gunicorn, phase: str) -> None:
        plan = self.plan
        seed = PHASE_SEEDS[phase]
        with context.app.app_context():
            context.autosave_drafts = datagen.drafts(context.demo, plan.autosave_drafts, seed=seed)
            context.submit_drafts = datagen.drafts(context.demo, plan.submit_drafts, seed=seed + 1)
            contents = _contents(context.demo)
            db.session.remove()
        report.sizes[phase] = {"data": contents}
        context.base, context.staff = server.base, None
        for scenario in SCENARIOS:
            if plan.paths and scenario.key not in plan.paths:
                continue
            report.rows.append(self._measure(scenario, context, phase, contents, context.work))
        try:
            report.figures[f"topic_page_bytes/{phase}"] = extra.topic_page_bytes(
                server.base, context.staff_browser(), context.app, context.demo)
            report.figures[f"public_page_compressed_bytes/{phase}"] = extra.public_page_compressed(
                server.base, context.demo)
        except (OSError, RuntimeError) as error:
            self.log(f"{phase}: page weights not measured: {error}")

    def _progress(self, done: int, total: int) -> None:
        if done == total or done % 20_000 == 0:
            self.log(f"  {done:,}/{total:,} responses")

    def _hello(self, hello: Gunicorn, work: Path) -> load.LoadResult:
        request = [load.Request("GET", "/")]
        if self.plan.warmup:
            load.run(hello.base, request * self.plan.warmup, work, seconds=WARMUP_SECONDS,
                     connections=self.plan.connections, once=True, name="hello-warmup")
        return load.run(hello.base, request, work, seconds=self.plan.seconds, connections=self.plan.connections,
                        once=False, name="hello", answers=self.plan.answers)

    def _measure(self, scenario: Scenario, context: Context, phase: str, contents: str, work: Path) -> Row:
        plan = self.plan
        row = Row(scenario.key, scenario.label, phase, contents, expected=scenario.expected)
        try:
            prepared = scenario.prepare(context, plan.max_requests + plan.warmup)
        except RuntimeError as error:
            row.note = f"failed: {error}"[:300]
            self.log(f"{phase}: {scenario.label}: {row.note}")
            return row
        if prepared is None:
            row.note = "not in the application yet"
            self.log(f"{phase}: {scenario.label}: {row.note}")
            return row
        requests = prepared.requests
        if scenario.once:
            warm, measured = requests[:plan.warmup], requests[plan.warmup:]
        else:
            warm = (requests * math.ceil(plan.warmup / len(requests)))[:plan.warmup]
            measured = requests
        options = {"connections": plan.connections, "headers": prepared.headers}
        if warm:
            # wrk waits out its whole window even when the requests are used up: keep this one short.
            load.run(context.base, warm, work, once=True, name=f"{scenario.key}-warmup", seconds=WARMUP_SECONDS,
                     **options)
        row.result = load.run(context.base, measured, work, once=scenario.once, name=scenario.key,
                              seconds=plan.seconds, answers=plan.answers, **options)
        result = row.result
        if not result.requests:
            row.note = self._single(context, prepared, measured[0], plan.seconds)
            self.log(f"{phase}: {scenario.label}: {row.note}")
            return row
        used_up = " (all prepared requests sent)" if result.exhausted else ""
        self.log(f"{phase}: {scenario.label}: {result.rps:.0f} requests/s, p95 {result.p95_ms:.1f} ms, "
                 f"{result.unexpected(scenario.expected)} errors{used_up}")
        return row

    def _single(self, context: Context, prepared, request: load.Request, window: float) -> str:
        """No answer came within the window: how long does one request take alone?"""
        browser = Browser(context.base)
        started = time.perf_counter()
        answer = browser.request(request.method, request.path, request.form, prepared.headers)
        took = time.perf_counter() - started
        return f"no answer within {window:.0f} s under load; alone: {took:.1f} s (status {answer.status})"

    def _exports(self, report: Report, context: Context, server: Gunicorn, environment: dict, database: Database,
                 work: Path) -> None:
        if not self.plan.small:
            # Fresh workers: the memory measured is the export's, not what earlier paths left behind.
            server.stop()
            server.start()
        context.base, context.staff = server.base, None
        path = export.EXPORT_PATH.format(slug=context.demo.slug)
        downloads = {"CSV export, whole consultation": "?lang=fr", "CSV export, axis 4": "?axis=4&lang=fr"}
        for label, query in downloads.items():
            if not export.route_exists(context.app, path):
                self.log("CSV export: not in the application yet")
                break
            try:
                report.exports[label] = timing = export.download(server, path + query,
                                                                 context.staff_browser().cookie_header,
                                                                 work / "export.csv")
            except (OSError, RuntimeError, http.client.HTTPException) as error:
                report.export_failures.append(f"{label}: {type(error).__name__}: {error}"[:300])
                self.log(f"failed: {report.export_failures[-1]}")
                continue
            self.log(f"{label}: {timing.rows:,} rows in {timing.seconds:.1f} s, worker from "
                     f"{timing.start_rss_mb:.0f} to {timing.peak_rss_mb:.0f} MB")
        try:
            timing = export.command_line(context.app, environment, context.demo.slug, work / "export-cli.csv")
        except RuntimeError as error:
            report.export_failures.append(f"export-comments: {error}"[:300])
            self.log(f"failed: {report.export_failures[-1]}")
        else:
            if timing is not None:
                report.exports["export-comments command"] = timing
                self.log(f"export-comments: {timing.rows:,} rows in {timing.seconds:.1f} s, "
                         f"peak {timing.peak_rss_mb:.0f} MB")
        report.exports["Database's own CSV dump"] = timing = export.database_dump(
            database.url, context.demo.consultation_id, work / "dump.csv")
        self.log(f"database dump: {timing.rows:,} rows in {timing.seconds:.1f} s")


def evaluate(report: Report) -> None:
    """Check the targets against what was measured in this run."""
    hello = report.hello_rps
    for key, share in THROUGHPUT_TARGETS.items():
        for phase in ("empty", "large"):
            row = report.find(key, phase)
            if row is None or not hello:
                continue
            ratio = row.result.rps / hello
            report.targets.append(Target(f"{key}/{phase}", f"≥ {share:.2f} × hello", f"{ratio:.3f}", ratio >= share))
    for key, limit in LATENCY_GROWTH_TARGETS.items():
        empty, large = report.find(key, "empty"), report.find(key, "large")
        if empty is None or large is None or not empty.result.requests:
            continue
        if not large.result.requests:
            report.targets.append(Target(f"{key}/large", f"p95 ≤ {limit} × empty", "no answer under load", False))
            continue
        growth = large.result.p95_ms / empty.result.p95_ms
        report.targets.append(Target(f"{key}/large", f"p95 ≤ {limit} × empty", f"{growth:.2f} ×", growth <= limit))
    for key, share in ANALYSIS_TARGETS.items():
        row = report.find(key, "large")
        if row is None or not hello:
            continue
        ratio = row.result.rps / hello
        report.targets.append(Target(f"{key}/large", f"≥ {share:.2f} × hello", f"{ratio:.3f}", ratio >= share))
        report.targets.append(Target(f"{key}/large", f"p95 ≤ {ANALYSIS_P95_MS} ms (hello at 3,000/s or more: "
                                     f"{hello:.0f}/s here)", f"{row.result.p95_ms:.0f} ms",
                                     row.result.p95_ms <= ANALYSIS_P95_MS))
    colds = sorted((int(name.split("/")[1]), value) for name, value in report.figures.items()
                   if name.startswith("cold_orientation_ms/"))
    if len(colds) == 2:
        (middle, at_middle), (large, at_large) = colds
        growth = at_large / at_middle
        report.targets.append(Target("cold orientation view", f"at {large:,} comments ≤ {COLD_GROWTH_TARGET} × at "
                                     f"{middle:,}", f"{at_large:.0f} ms / {at_middle:.0f} ms = {growth:.2f} ×",
                                     growth <= COLD_GROWTH_TARGET))
    for phase in ("empty", "large"):
        size = report.figures.get(f"topic_page_bytes/{phase}")
        if size is not None:
            report.targets.append(Target(f"analysis topic page, 25 rows ({phase})", f"HTML < {TOPIC_PAGE_TARGET_KB} KB",
                                         f"{size / 1024:.0f} KB", size < TOPIC_PAGE_TARGET_KB * 1024))
        size = report.figures.get(f"public_page_compressed_bytes/{phase}")
        if size is not None:
            report.targets.append(Target(f"public orientation page with CSS and JS ({phase})",
                                         f"< {PUBLIC_PAGE_TARGET_KB} KB gzip", f"{size / 1024:.0f} KB",
                                         size < PUBLIC_PAGE_TARGET_KB * 1024))
    soak = extra.latest_soak(RESULTS, report.database)
    for target in (soak[1] if soak else []):
        report.targets.append(Target(f"{target['row']} ({soak[0]})", target["wanted"], target["measured"],
                                     target["met"]))
    dump = report.exports.get("Database's own CSV dump")
    for label, timing in report.exports.items():
        if timing is dump or timing.tool == "" or "axis" in label:
            continue
        if dump is not None and dump.rows_per_second and "whole" in label:
            speed = timing.rows_per_second / dump.rows_per_second
            report.targets.append(Target(label, f"≥ {EXPORT_SPEED_TARGET} × dump speed", f"{speed:.2f} ×",
                                         speed >= EXPORT_SPEED_TARGET))
        if timing.peak_rss_mb is not None:
            report.targets.append(Target(label, f"peak < {EXPORT_MEMORY_TARGET_MB} MB", f"{timing.peak_rss_mb:.0f} MB",
                                         timing.peak_rss_mb < EXPORT_MEMORY_TARGET_MB))


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--small", action="store_true", help="tiny data and a handful of requests: a few seconds")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or None,
                        help="a PostgreSQL server to run on (a database is created there for the run and "
                             "dropped after); SQLite when omitted. Default: $BENCH_DATABASE_URL")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the table and figures are written")
    parser.add_argument("--seconds", type=float, help="length of each measured window")
    parser.add_argument("--connections", type=int, help="concurrent connections of the load")
    parser.add_argument("--paths", help="only these paths, by key, comma-separated (e.g. signup_seat,signup_waitlist)"
                        f"; one of {', '.join(scenario.key for scenario in SCENARIOS)}")
    parser.add_argument("--phases", help="the databases the paths are measured on: empty, large or empty,large")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (database, logs)")
    parser.add_argument("--large", type=int, help="comments of the large database (default 1,000,000; responses "
                                                  "a tenth of it, the middle step a tenth of both)")
    parser.add_argument("--workers", type=int, help=f"gunicorn workers (default {WORKERS}, as scripts/run.sh)")
    parser.add_argument("--threads", type=int, help=f"threads per gunicorn worker (default {THREADS})")
    args = parser.parse_args(argv)
    plan = SMALL if args.small else FULL
    if args.paths:
        plan = replace(plan, paths=tuple(args.paths.split(",")))
    if args.phases:
        phases = tuple(args.phases.split(","))
        plan = replace(plan, load_phases=phases, grows="large" in phases or plan.small)
    if args.seconds:
        plan = replace(plan, seconds=args.seconds)
    if args.connections:
        plan = replace(plan, connections=args.connections)
    if args.workers:
        plan = replace(plan, workers=args.workers)
    if args.threads:
        plan = replace(plan, threads=args.threads)
    if args.large:
        plan = replace(plan, large=(args.large // 10, args.large), middle=(args.large // 50, args.large // 10),
                       registrations=min(plan.registrations, args.large // 200))
    note = database_note(args.database_url)
    if note:
        _log(note)
    report = Runner(plan, args.database_url, args.out, args.keep).run()
    text_path, json_path = write(report, args.out)
    print(table(report))
    _log(f"written: {text_path} and {json_path}")
    return 0


__all__ = ["FULL", "SMALL", "Plan", "Runner", "main", "markdown"]
