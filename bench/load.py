"""Closed-loop load with wrk (Debian's package, installed here when missing): a fixed number of
connections each sending its next request as soon as the previous one is answered, for a bounded
time and at most the requests prepared, against loopback only."""
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

LUA_SCRIPT = Path(__file__).with_name("load.lua")
MARKER = "BENCH-RESULT "


class LoadError(RuntimeError):
    pass


def ensure_wrk() -> str:
    """The wrk binary; installed from Debian's packages when missing and running as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise LoadError("wrk is needed: install it with `apt-get install wrk` (Debian, Ubuntu) or your "
                        "system's package manager.")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=environment,
                   stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or "/usr/bin/wrk"


@dataclass
class Request:
    method: str
    path: str
    form: dict | list | None = None

    def line(self) -> str:
        body = urlencode(self.form, doseq=True) if self.form is not None else ""
        if "\t" in self.path or "\n" in self.path:
            raise ValueError(f"unexpected character in {self.path!r}")
        return f"{self.method}\t{self.path}\t{body}"


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[str, int] = field(default_factory=dict)
    socket_errors: int = 0
    exhausted: bool = False

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def unexpected(self, expected: set[int]) -> int:
        """Answers with another status than the path's normal one, plus socket errors."""
        return self.socket_errors + sum(count for status, count in self.statuses.items()
                                        if int(status) not in expected)


def run(base_url: str, requests: list[Request], workdir: Path, *, seconds: float, connections: int,
        once: bool, headers: dict[str, str] | None = None, threads: int = 1, name: str = "load",
        answers: int = 0) -> LoadResult:
    """Send `requests` (each once, or round and round) for at most `seconds` over `connections`. With
    `answers`, the run ends as soon as that many answers came (or the requests are used up), whatever
    the load on the machine: `seconds` is then only a cap."""
    host = urlsplit(base_url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise LoadError(f"load is only ever sent to loopback, not to {host}")
    if not requests:
        raise LoadError(f"{name}: no requests prepared")
    # Counting answers is per thread: one thread counts them all.
    threads = 1 if answers else max(1, min(threads, connections, len(requests)))
    connections = min(connections, len(requests)) if once else connections
    connections = max(connections, threads)
    request_file = workdir / f"{name}.requests"
    request_file.write_text("\n".join(request.line() for request in requests) + "\n", encoding="utf-8")
    command = [ensure_wrk(), f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s",
               "-s", str(LUA_SCRIPT)]
    for header, value in (headers or {}).items():
        command += ["-H", f"{header}: {value}"]
    command += [base_url, "--", str(request_file), "once" if once else "cycle", str(threads), str(answers)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    line = next((line for line in completed.stdout.splitlines() if line.startswith(MARKER)), None)
    if completed.returncode != 0 or line is None:
        raise LoadError(f"wrk failed for {name} ({completed.returncode}): {completed.stderr.strip()[-500:]}"
                        f"{completed.stdout.strip()[-500:]}")
    data = json.loads(line[len(MARKER):])
    errors = data["errors"]
    return LoadResult(
        requests=data["answered"], seconds=data["span_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000, p90_ms=data["p90_us"] / 1000, p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000, max_ms=data["max_us"] / 1000, statuses=data["statuses"],
        socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        exhausted=data["exhausted_threads"] > 0)
