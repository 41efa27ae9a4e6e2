"""The database and the servers a benchmark runs against: a throw-away database (a SQLite file, or a
database created for the run on the PostgreSQL server named by BENCH_DATABASE_URL and dropped
afterwards), and gunicorn on loopback with two workers, for the application and for the hello app."""
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only: nothing here may reach another machine
# As scripts/run.sh serves the site: two workers per core of this 2-core machine, one thread each
# (gthread, so connections are kept alive). Threads sharing a worker queue behind Python's global
# lock: 2 workers x 4 threads served fewer sign-ups with a longer tail on SQLite and PostgreSQL
# (bench/results/2026-12-07-workers-threads.md).
WORKERS = 4
THREADS = 1
# High enough that the benchmark's requests, all from one address, are never refused; the
# limiter still runs, so its cost is measured.
UNLIMITED = "1000000 per minute"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_environment(database_url: str, secret_key: str, upload_folder: str) -> dict[str, str]:
    """What the application reads at start-up: production settings, except cookies over plain http."""
    return {
        "CONSULT_ENV": "production",
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "SESSION_COOKIE_SECURE": "0",
        "SIGNUP_RATE_LIMIT": UNLIMITED,
        "QUESTIONNAIRE_SAVE_RATE_LIMIT": UNLIMITED,
        "SUBMISSION_RATE_LIMIT": UNLIMITED,
        "RATELIMIT_STORAGE_URI": "memory://",
        "UPLOAD_FOLDER": upload_folder,
        "BASE_URL": "http://127.0.0.1",
        "CONSULT_LANG": "en",
        # A worker that crashes leaves the Python stacks of its threads in the log.
        "PYTHONFAULTHANDLER": "1",
    }


class Database:
    """A database that exists for one run only."""

    def __init__(self, base_url: str | None, workdir: Path):
        self.base_url = base_url
        self.workdir = workdir
        self.name = ""
        if base_url:
            url = make_url(_psycopg(base_url))
            self.name = f"consult_bench_{os.getpid()}_{secrets.token_hex(3)}"
            self.admin_url = url.render_as_string(hide_password=False)
            self.url = url.set(database=self.name).render_as_string(hide_password=False)
            self.kind = "postgresql"
        else:
            self.url = f"sqlite:///{workdir / 'bench.db'}"
            self.kind = "sqlite"

    def create(self) -> None:
        if self.kind == "postgresql":
            self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.kind == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()

    @property
    def sqlite_path(self) -> Path | None:
        return self.workdir / "bench.db" if self.kind == "sqlite" else None


def database_note(database_url: str | None, environment=os.environ) -> str | None:
    """A warning when the shell points the application at PostgreSQL but the benchmark, given no server,
    runs on SQLite (scripts/with-postgres.sh exports DATABASE_URL, which the benchmark does not read:
    it creates and drops databases, and only on a server named for it)."""
    if database_url or not environment.get("DATABASE_URL", "").startswith("postgresql"):
        return None
    return ("DATABASE_URL points at PostgreSQL, yet this run is on SQLite: name the server with --database-url "
            "or BENCH_DATABASE_URL (as make bench-postgres does)")


def _psycopg(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def bench_app(database_url: str, secret_key: str | None = None, upload_folder: str | None = None):
    """The application in this process, configured as the servers are (to load data, make links)."""
    from consult import create_app

    environment = server_environment(_psycopg(database_url), secret_key or secrets.token_hex(32),
                                     upload_folder or tempfile.gettempdir())
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    try:
        return create_app({"SQLALCHEMY_DATABASE_URI": _psycopg(database_url)})
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def migrate_and_prepare(app):
    """Migrate an empty database and load the demo consultation (in an app context); on a database
    already prepared, read what is there."""
    from flask_migrate import upgrade
    from sqlalchemy import inspect

    from bench import datagen
    from consult.extensions import db

    fresh = "consultation" not in inspect(db.engine).get_table_names()
    if fresh:
        upgrade(revision="heads")
    return datagen.prepare() if fresh or datagen.empty() else datagen.load_demo()


class Gunicorn:
    """gunicorn serving `app_spec` on loopback, by default as `scripts/run.sh` does."""

    def __init__(self, app_spec: str, environment: dict[str, str], log_path: Path, ready_path: str = "/",
                 workers: int = WORKERS, threads: int = THREADS):
        self.app_spec = app_spec
        self.workers = workers
        self.threads = threads
        self.environment = environment
        self.log_path = log_path
        self.ready_path = ready_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> "Gunicorn":
        command = [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--threads", str(self.threads),
                   "--worker-class", "gthread",
                   "--bind", f"{HOST}:{self.port}", "--chdir", str(ROOT), "--timeout", "120",
                   "--graceful-timeout", "5",
                   # Several servers may run at once: none takes the shared default control socket.
                   "--no-control-socket", self.app_spec]
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **self.environment},
                                        stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()  # a server too slow to start on a busy machine is not left running behind the run
            raise
        return self

    def _wait_ready(self, timeout: float = 300) -> None:
        # A cap, not a pause: on a loaded machine workers importing the app can take minutes,
        # and a gunicorn that stops is reported at once.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start-up; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + self.ready_path, timeout=5) as answer:
                    if answer.status == 200 and len(self.worker_pids()) == self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        self.log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *_exc):
        self.stop()


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def peak_rss_kib(pid: int) -> int:
    """The most memory the process has held (VmHWM), in KiB: since it started or since reset_peak."""
    return _status_kib(pid, "VmHWM")


def resident_kib(pid: int) -> int:
    return _status_kib(pid, "VmRSS")


def reset_peak(pid: int) -> None:
    """Start the process's peak memory over from what it holds now (Linux: clear_refs 5)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


@contextmanager
def workdir(keep: bool = False):
    path = Path(tempfile.mkdtemp(prefix="consult-bench-"))
    try:
        yield path
    finally:
        if not keep:
            shutil.rmtree(path, ignore_errors=True)
