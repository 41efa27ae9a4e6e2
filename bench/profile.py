"""Where a path spends its time: the benchmark's own requests for that path (prepared against a
server, as for the load), replayed in this process under cProfile or pyinstrument, with the SQL
statements of one request.

    python -m bench.profile signup_seat [--requests 300] [--responses 2000 --comments 20000]
                                        [--sort tottime | --pyinstrument] [--database-url URL]

On PostgreSQL (--database-url, or BENCH_DATABASE_URL) a database is created on that server for the
run and dropped afterwards, as the benchmark does.
"""
import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import time
from contextlib import contextmanager

from sqlalchemy import event

from consult.extensions import db

from . import datagen, load
from .scenarios import BY_KEY, Context
from .server import Database, Gunicorn, bench_app, migrate_and_prepare, server_environment, workdir


def replay(client, request: load.Request, headers: dict[str, str]):
    # Plain http, as the load is sent (the test client would follow PREFERRED_URL_SCHEME, https).
    return client.open(request.path, method=request.method, data=request.form, headers=headers,
                       base_url="http://localhost")


@contextmanager
def replayable(scenarios, count: int, responses: int, comments: int, database_url: str | None = None):
    """A database with `responses` and `comments`, and for each scenario `count` + 10 of its requests
    prepared against a server as for the load (real forms, tokens, cookies), to replay in this process:
    yields (client, {key: (prepared, requests, headers)}); None for a path not in the application."""
    with workdir() as work:
        database = Database(database_url, work)
        database.create()
        try:
            yield from _replayable(database, work, scenarios, count, responses, comments)
        finally:
            database.drop()


def _replayable(database: Database, work, scenarios, count: int, responses: int, comments: int):
    secret = secrets.token_hex(32)
    app = bench_app(database.url, secret, str(work))
    with app.app_context():
        demo = migrate_and_prepare(app)
        datagen.populate(demo, responses, comments)
        drafts = datagen.drafts(demo, count + 50)
        db.session.remove()
    context = Context(app, demo, base="", work=work, autosave_drafts=drafts[:max(1, count // 10)],
                      submit_drafts=drafts)
    prepared_by_key = {}
    with Gunicorn("wsgi:app", server_environment(database.url, secret, str(work)), work / "app.log",
                  "/healthz") as server:
        context.base = server.base
        for scenario in scenarios:
            prepared_by_key[scenario.key] = scenario.prepare(context, count + 10)
    client = app.test_client()
    replays = {}
    for scenario in scenarios:
        prepared = prepared_by_key[scenario.key]
        if prepared is None:
            replays[scenario.key] = None
            continue
        requests = prepared.requests
        if not scenario.once:
            requests = requests * ((count + 10) // len(requests) + 1)
        headers = dict(prepared.headers)
        # The test client sends the cookies of its own jar, never a Cookie header given to it.
        for pair in headers.pop("Cookie", "").split("; "):
            if "=" in pair:
                name, value = pair.split("=", 1)
                client.set_cookie(name, value)
        replays[scenario.key] = (requests[:count + 10], headers)
    yield app, client, replays


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", choices=sorted(BY_KEY), help="the measured path to profile")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--responses", type=int, default=200)
    parser.add_argument("--comments", type=int, default=2000)
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key (cumulative, tottime...)")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="a PostgreSQL server to profile on (default: BENCH_DATABASE_URL; else SQLite)")
    parser.add_argument("--pyinstrument", action="store_true",
                        help="a call tree from pyinstrument (pip install '.[bench]') instead of cProfile's table")
    args = parser.parse_args(argv)
    scenario = BY_KEY[args.path]
    with replayable([scenario], args.requests, args.responses, args.comments,
                    args.database_url) as (app, client, replays):
        if replays[scenario.key] is None:
            print(f"{scenario.label}: not in the application yet", file=sys.stderr)
            return 1
        requests, headers = replays[scenario.key]
        for request in requests[:10]:
            replay(client, request, headers)
        statements: list[str] = []
        with app.app_context():
            engine = db.engine
        listener = lambda _c, _cursor, statement, *_rest: statements.append(statement)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        answer = replay(client, requests[10], headers)
        event.remove(engine, "before_cursor_execute", listener)
        # Half the requests without a profiler: the CPU time of one request in this process (its own
        # thread does all the work here: no server, no wrk), the figure to compare before and after a change.
        plain, measured = requests[11:11 + (len(requests) - 11) // 2], requests[11 + (len(requests) - 11) // 2:]
        cpu_started, wall_started = time.process_time(), time.perf_counter()
        for request in plain:
            replay(client, request, headers)
        cpu = (time.process_time() - cpu_started) / max(len(plain), 1) * 1000
        wall = (time.perf_counter() - wall_started) / max(len(plain), 1) * 1000
        profiler = _profiler(args.pyinstrument)
        started = time.perf_counter()
        profiler.start()
        for request in measured:
            replay(client, request, headers)
        profiler.stop()
        elapsed = time.perf_counter() - started
    print(f"{scenario.label}: status {answer.status_code}, {len(statements)} SQL statements:")
    for statement in statements:
        print("   ", " ".join(statement.split())[:160])
    print(f"{len(plain)} requests without a profiler: {cpu:.2f} ms of CPU each ({wall:.2f} ms elapsed)")
    print(f"{len(measured)} requests, {elapsed / max(len(measured), 1) * 1000:.2f} ms each under the profiler")
    print(profiler.report(args.sort, args.lines))
    return 0


class _CProfile:
    def __init__(self):
        self.profile = cProfile.Profile()

    def start(self):
        self.profile.enable()

    def stop(self):
        self.profile.disable()

    def report(self, sort: str, lines: int) -> str:
        output = io.StringIO()
        stats = pstats.Stats(self.profile, stream=output)
        # Python function calls do not vary with the machine's load as times do: compare them too.
        output.write(f"{stats.total_calls} Python function calls in all\n")
        stats.sort_stats(sort).print_stats(lines)
        return output.getvalue()


class _Pyinstrument:
    def __init__(self):
        from pyinstrument import Profiler

        self.profile = Profiler(interval=0.0005)

    def start(self):
        self.profile.start()

    def stop(self):
        self.profile.stop()

    def report(self, _sort: str, _lines: int) -> str:
        return self.profile.output_text(unicode=True, color=False)


def _profiler(pyinstrument: bool):
    return _Pyinstrument() if pyinstrument else _CProfile()


if __name__ == "__main__":
    sys.exit(main())
