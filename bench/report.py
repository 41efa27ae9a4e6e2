"""The benchmark's one table (Markdown, printed and written to bench/results/<date>-<db>.md) and its
figures as JSON beside it."""
import json
import platform
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .export import Timing
from .load import LoadResult


@dataclass
class Row:
    key: str
    label: str
    phase: str  # "empty" or "large"
    data: str  # what the database held
    result: LoadResult | None = None
    expected: set[int] = field(default_factory=set)
    note: str = ""


@dataclass
class Target:
    row: str  # the row it is read on: "<key>/<phase>", or an export's label
    wanted: str
    measured: str
    met: bool | None  # None: could not be measured

    def cell(self) -> str:
        verdict = "—" if self.met is None else ("met" if self.met else "**missed**")
        return f"{self.wanted}: {self.measured}, {verdict}"


@dataclass
class Report:
    database: str
    small: bool
    started: datetime
    settings: dict
    rows: list[Row] = field(default_factory=list)
    hello: list[LoadResult] = field(default_factory=list)
    exports: dict[str, Timing] = field(default_factory=dict)
    export_failures: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    sizes: dict[str, dict] = field(default_factory=dict)
    # Single figures beside the load runs: cold views, page weights ("name/phase" -> value).
    figures: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def hello_rps(self) -> float:
        rates = [result.rps for result in self.hello if result.requests]
        return sum(rates) / len(rates) if rates else 0.0

    def find(self, key: str, phase: str) -> Row | None:
        return next((row for row in self.rows if row.key == key and row.phase == phase and row.result), None)


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def table(report: Report) -> str:
    hello = report.hello_rps
    targets: dict[str, list[Target]] = {}
    for target in report.targets:
        targets.setdefault(target.row, []).append(target)

    def target_cell(row: str) -> str:
        return "; ".join(target.cell() for target in targets.get(row, []))

    lines = ["| Path | Data | Requests | Req/s | × hello | p50 ms | p95 ms | p99 ms | Errors | Target |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for index, result in enumerate(report.hello):
        lines.append(f"| Hello app ({'start' if index == 0 else 'end'}) | — | {result.requests} | {result.rps:.0f} | "
                     f"{result.rps / hello:.2f} | {_ms(result.p50_ms)} | {_ms(result.p95_ms)} | "
                     f"{_ms(result.p99_ms)} | {result.unexpected({200})} | |")
    for row in report.rows:
        if row.result is None:
            lines.append(f"| {row.label} | {row.data} | — | — | — | — | — | — | — | {row.note or 'not measured'} |")
            continue
        result = row.result
        ratio = result.rps / hello if hello else 0.0
        target = "; ".join(part for part in (row.note, target_cell(f"{row.key}/{row.phase}")) if part)
        if not result.requests:
            lines.append(f"| {row.label} | {row.data} | 0 | 0 | 0 | — | — | — | {result.socket_errors} | {target} |")
            continue
        lines.append(f"| {row.label} | {row.data} | {result.requests} | {result.rps:.0f} | {ratio:.3f} | "
                     f"{_ms(result.p50_ms)} | {_ms(result.p95_ms)} | {_ms(result.p99_ms)} | "
                     f"{result.unexpected(row.expected)} | {target} |")
    for label, timing in report.exports.items():
        memory = ""
        if timing.peak_rss_mb is not None:
            start = f" from {timing.start_rss_mb:.0f} MB" if timing.start_rss_mb is not None else ""
            memory = f", peak RSS {timing.peak_rss_mb:.0f} MB{start}"
        took = f"{timing.seconds * 1000:.0f}"
        lines.append(f"| {label} ({timing.tool}{memory}) | {timing.rows} rows, {timing.bytes / 1e6:.0f} MB | 1 | "
                     f"{timing.rows_per_second:.0f} rows/s | — | {took} | {took} | {took} | — | "
                     f"{target_cell(label)} |")
    for failure in report.export_failures:
        lines.append(f"| CSV export | — | — | — | — | — | — | — | — | failed: {failure} |")
    return "\n".join(lines)


def markdown(report: Report) -> str:
    settings = report.settings
    head = (f"# Benchmark {report.started:%Y-%m-%d %H:%M} UTC — {report.database}"
            f"{' (small mode: the figures mean nothing)' if report.small else ''}\n\n"
            f"gunicorn {settings['workers']} workers × {settings['threads']} threads on loopback; wrk closed loop, "
            f"{settings['connections']} connections, at most {settings['seconds']} s a path"
            f"{' or ' + str(settings['answers']) + ' answers' if settings.get('answers') else ''} after "
            f"{settings['warmup']} warm-up requests; {settings['cpus']} CPUs shared by server, database and wrk; "
            f"Python {platform.python_version()}. × hello: requests/s as a share of the hello app's "
            f"{report.hello_rps:.0f} (mean of its start and end runs). Errors: answers other than the path's "
            f"normal status, plus socket errors. Exports: one run each, its duration in the latency columns. "
            f"Whole run: {report.seconds:.0f} s.\n\n")
    sizes = "".join(f"- **{phase}**: {info['data']}\n" for phase, info in report.sizes.items())
    targets = "".join(f"| {target.row} | {target.wanted} | {target.measured} | "
                      f"{'—' if target.met is None else ('met' if target.met else '**missed**')} |\n"
                      for target in report.targets)
    return (head + table(report) + "\n\nEvery target of the run:\n\n| Row | Wanted | Measured | Verdict |\n"
            "|---|---|---|---|\n" + targets + "\nDatabase contents:\n\n" + sizes)


def _jsonable(value):
    if isinstance(value, set):
        return sorted(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value))


def write(report: Report, directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{report.started:%Y-%m-%d}-{report.database}{'-small' if report.small else ''}"
    text_path, json_path = directory / f"{stem}.md", directory / f"{stem}.json"
    text_path.write_text(markdown(report), encoding="utf-8")
    data = asdict(report)
    data["hello_rps"] = report.hello_rps
    for row in data["rows"]:
        if row["result"]:
            row["result"]["rps"] = row["result"]["requests"] / row["result"]["seconds"]
    data["written_at"] = datetime.now(timezone.utc)
    json_path.write_text(json.dumps(data, indent=2, default=_jsonable, ensure_ascii=False) + "\n", encoding="utf-8")
    return text_path, json_path
