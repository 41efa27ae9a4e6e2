"""The benchmark runs end to end in its small mode (tiny data, a handful of requests, three answers a
path however long a loaded machine takes, within a cap), on the database the suite runs on, so that its
scripts cannot rot. Figures are not checked: only that every path answered as it should and that the
table was written."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bench_environment():
    if not shutil.which("wrk") and (os.geteuid() != 0 or not shutil.which("apt-get")):
        pytest.skip("wrk is not installed (apt-get install wrk), and cannot be installed from here")
    environment = {**os.environ, "CONSULT_LANG": "en"}
    environment.pop("BENCH_DATABASE_URL", None)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # A database of its own is created on the same server for the run, then dropped.
        environment["BENCH_DATABASE_URL"] = os.environ["DATABASE_URL"]
    return environment


def test_small_benchmark_measures_every_path_and_writes_its_table(bench_environment, tmp_path):
    run = subprocess.run([sys.executable, "-m", "bench", "--small", "--out", str(tmp_path)], cwd=ROOT,
                         env=bench_environment, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]

    [table] = tmp_path.glob("*-small.md")
    [figures] = tmp_path.glob("*-small.json")
    database = "postgresql" if "BENCH_DATABASE_URL" in bench_environment else "sqlite"
    assert table.name.endswith(f"-{database}-small.md")
    text = table.read_text(encoding="utf-8")
    assert "| Hello app (start) |" in text and "| Hello app (end) |" in text
    assert run.stdout.strip() in text  # the table printed is the table written

    report = json.loads(figures.read_text(encoding="utf-8"))
    rows = {row["key"]: row for row in report["rows"]}
    assert set(rows) == {scenario.key for scenario in SCENARIOS}
    for scenario in SCENARIOS:
        row = rows[scenario.key]
        assert row["result"], f"{scenario.label}: {row['note']}"
        result = row["result"]
        # Every answer had the path's normal status (a validation error, a sign-in page or a 404
        # would show here). Socket errors are counted in the table, not checked: like the figures,
        # they depend on the machine.
        assert result["requests"] > 0, scenario.label
        assert set(result["statuses"]) <= {str(status) for status in scenario.expected}, (scenario.label,
                                                                                          result["statuses"])
    assert report["export_failures"] == []
    # Every target is a row with its verdict, those measured beside the load runs too.
    targets = {target["row"]: target for target in report["targets"]}
    assert {"cold orientation view", "analysis topic page, 25 rows (empty)",
            "public orientation page with CSS and JS (empty)"} <= set(targets)
    assert targets["analysis topic page, 25 rows (empty)"]["met"] is True
    exports = report["exports"]
    dump = exports["Database's own CSV dump"]
    assert dump["rows"] > 0
    for label in ("CSV export, whole consultation", "export-comments command"):
        assert exports[label]["rows"] == dump["rows"], label
        assert exports[label]["peak_rss_mb"] > 0, label


def test_the_one_at_a_time_latency_of_the_analysis_runs(tmp_path):
    environment = {**os.environ, "CONSULT_LANG": "en"}
    run = subprocess.run([sys.executable, "-m", "bench.latency", "--comments", "300", "--responses", "20",
                          "--requests", "3", "--no-write"], cwd=ROOT, env=environment, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    for path in ("Analysis: orientation view", "Analysis: search"):
        for mode in ("counts made afresh", "counts kept from the previous view"):
            assert f"| {path}, {mode} | 3 |" in run.stdout
    assert "| 200 |" in run.stdout
