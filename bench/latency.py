"""One person at a time: the latency of the analysis orientation view and of search, replayed in this
process one request after another (no concurrency, unlike the load runs), at the size the analysis
workspace is held to (100,000 comments: p95 under 300 ms on SQLite). Each path is timed twice: with
its counts made afresh for every request (as after each coding), and kept from the previous view.

    python -m bench.latency [--comments 100000] [--responses 2000] [--requests 40]

Prints one table and writes it to bench/results/<date>-latency-<database>.md.
"""
import argparse
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path

from consult.analysis.queries import forget_counts
from consult.change_stamps import ANALYSIS

from .profile import replay, replayable
from .scenarios import BY_KEY

PATHS = ("analysis_topic", "analysis_search")
TARGET_MS = 300
RESULTS = Path(__file__).resolve().parent / "results"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.latency", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--responses", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    scenarios = [BY_KEY[key] for key in PATHS]
    rows = []
    with replayable(scenarios, args.requests, args.responses, args.comments) as (app, client, replays):
        database = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
        for scenario in scenarios:
            if replays[scenario.key] is None:
                rows.append(f"| {scenario.label} | not in the application | | | |")
                continue
            requests, headers = replays[scenario.key]
            for request in requests[:5]:  # warm-up: compiled statements, the codebook
                replay(client, request, headers)
            for mode, afresh in (("counts made afresh", True), ("counts kept from the previous view", False)):
                durations, statuses = [], set()
                for request in requests[5:5 + args.requests]:
                    if afresh:  # as after a coding: the view counts again
                        forget_counts(app, ANALYSIS)
                    started = time.perf_counter()
                    statuses.add(replay(client, request, headers).status_code)
                    durations.append((time.perf_counter() - started) * 1000)
                p95 = percentile(durations, 0.95)
                verdict = "met" if p95 < TARGET_MS else "**missed**"
                rows.append(f"| {scenario.label}, {mode} | {len(durations)} | {statistics.median(durations):.0f} | "
                            f"{p95:.0f} | {', '.join(map(str, sorted(statuses)))} | p95 < {TARGET_MS} ms: {verdict} |")
    table = "\n".join([
        f"# Analysis latency, one request at a time — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {database}",
        "",
        f"{args.comments:,} comments, {args.responses:,} responses; requests replayed in one process, one after "
        "another.",
        "",
        "| Path | Requests | p50 ms | p95 ms | Statuses | Target |",
        "|---|---:|---:|---:|---|---|",
        *rows,
    ])
    print(table)
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"{datetime.now(timezone.utc):%Y-%m-%d}-latency-{database}.md").write_text(table + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
