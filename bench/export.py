"""The CSV export of the comments, timed three ways: downloaded from gunicorn (with the peak memory of
the worker that wrote it), written by the command line (with its peak memory), and, for reference,
the same rows written by the database itself (`sqlite3 -csv`, Python's sqlite3 with csv, or
PostgreSQL's COPY ... TO STDOUT CSV)."""
import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from .server import ROOT, Gunicorn, peak_rss_kib, reset_peak, resident_kib

EXPORT_PATH = "/staff/consultations/{slug}/exports/comments.csv"
CHUNK = 1 << 20

# Every visible comment with what the export shows of it: its topic and axis, its codes, its
# participant's pseudonym, category and province, its source, in the order of the topic index.
_DUMP_SQL = """
SELECT c.id, axis.code AS axis_code, axis.title_fr AS axis_title, t.code AS topic_code, t.title_fr AS topic_title,
       ({codes}) AS codes, c.channel, tr.name_fr AS track, p.pseudonym, pc.name_fr AS category, p.region,
       c.language, c.prompt, c.text, r.questionnaire_id, r.id AS response_id, r.version, c.source_date, c.stance,
       c.visibility
FROM comment c
LEFT JOIN topic t ON t.id = c.topic_id
LEFT JOIN topic axis ON axis.id = t.parent_id
LEFT JOIN participant p ON p.id = c.participant_id
LEFT JOIN participant_category pc ON pc.id = p.category_id
LEFT JOIN track tr ON tr.id = c.track_id
LEFT JOIN questionnaire_answer a ON a.id = c.answer_id
LEFT JOIN questionnaire_response r ON r.id = a.response_id
WHERE c.consultation_id = {consultation_id} AND c.visibility != 'hidden'
ORDER BY c.consultation_id, c.topic_id, c.source_date, c.id
"""
_CODES = {
    "sqlite": "SELECT group_concat(k.key, '; ') FROM coding g JOIN code k ON k.id = g.code_id "
              "WHERE g.comment_id = c.id AND NOT g.blind",
    "postgresql": "SELECT string_agg(k.key, '; ' ORDER BY g.id) FROM coding g JOIN code k ON k.id = g.code_id "
                  "WHERE g.comment_id = c.id AND NOT g.blind",
}


@dataclass
class Timing:
    rows: int
    bytes: int
    seconds: float
    peak_rss_mb: float | None = None
    tool: str = ""
    start_rss_mb: float | None = None  # the worker's memory just before (downloads)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def route_exists(app: Flask, path: str) -> bool:
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except RequestRedirect:
        return True
    except (NotFound, MethodNotAllowed):
        return False
    return True


def _count_rows(path: Path) -> int:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def download(server: Gunicorn, path: str, cookie: str, target: Path) -> Timing:
    """GET the export, streaming it to a file, while the workers' memory is watched: their peak is
    reset first (where the kernel allows it), so that the peak read is the export's."""
    pids = server.worker_pids()
    before = {pid: resident_kib(pid) for pid in pids}
    for pid in pids:
        reset_peak(pid)
    peaks: dict[int, int] = {}
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            for pid in server.worker_pids():
                try:
                    peaks[pid] = max(peaks.get(pid, 0), peak_rss_kib(pid))
                except OSError:
                    pass
            stop.wait(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    request = urllib.request.Request(server.base + path, headers={"Cookie": cookie})
    size = 0
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=1800) as answer, open(target, "wb") as out:
            if answer.status != 200:
                raise RuntimeError(f"GET {path} answered {answer.status}")
            while chunk := answer.read(CHUNK):
                size += len(chunk)
                out.write(chunk)
        seconds = time.perf_counter() - started
    finally:
        stop.set()
        watcher.join()
    busiest = max(peaks, key=lambda pid: peaks[pid] - before.get(pid, 0), default=None)
    return Timing(_count_rows(target), size, seconds, peaks.get(busiest, 0) / 1024, "gunicorn",
                  before.get(busiest, 0) / 1024)


def command_line(app: Flask, environment: dict[str, str], slug: str, target: Path) -> Timing | None:
    """`flask consult export-comments` writing the whole consultation, with its peak memory."""
    group = app.cli.commands.get("consult")
    if group is None or "export-comments" not in getattr(group, "commands", {}):
        return None
    base = [sys.executable, "-m", "flask", "--app", "wsgi", "consult", "export-comments"]
    env = {**os.environ, **environment}
    started = time.perf_counter()
    peak = 0
    with open(target.with_suffix(".log"), "wb") as log:
        process = subprocess.Popen(base + ["--consultation", slug, "--lang", "fr", "--output", str(target)], cwd=ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
        # The process's own peak (VmHWM), read while it runs: the rusage of a child counts the memory
        # of this process too, which it was forked from.
        while process.poll() is None:
            try:
                peak = max(peak, peak_rss_kib(process.pid))
            except OSError:
                pass
            time.sleep(0.05)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"export-comments failed; see {target.with_suffix('.log')}")
    return Timing(_count_rows(target), target.stat().st_size, seconds, peak / 1024, "command line")


def database_dump(database_url: str, consultation_id: int, target: Path) -> Timing:
    """The same rows written as CSV by the database's own means."""
    url = make_url(database_url)
    dialect = "postgresql" if url.get_backend_name() == "postgresql" else "sqlite"
    sql = _DUMP_SQL.format(codes=_CODES[dialect], consultation_id=int(consultation_id))
    started = time.perf_counter()
    if dialect == "postgresql":
        import psycopg

        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo) as connection, connection.cursor() as cursor, open(target, "wb") as out:
            with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
                for data in copy:
                    out.write(data)
        tool = "COPY ... TO STDOUT CSV"
    elif shutil.which("sqlite3"):
        with open(target, "wb") as out:
            subprocess.run(["sqlite3", "-readonly", "-csv", "-header", url.database, sql], stdout=out, check=True)
        tool = "sqlite3 -csv"
    else:
        connection = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)
        try:
            cursor = connection.execute(sql)
            with open(target, "w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow([column[0] for column in cursor.description])
                while rows := cursor.fetchmany(5000):
                    writer.writerows(rows)
        finally:
            connection.close()
        tool = "Python sqlite3 + csv"
    seconds = time.perf_counter() - started
    return Timing(_count_rows(target), target.stat().st_size, seconds, None, tool)
