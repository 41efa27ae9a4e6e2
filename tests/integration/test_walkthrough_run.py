"""scripts/run.sh serves where it is told, and the links it emails point there too."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What run.sh does before serving: its address settings, then the app's configuration as gunicorn loads it.
SHOW_BASE_URL = (f'source scripts/run_env.sh && "{sys.executable}" -c '
                 '"from consult.config import load_config; print(load_config(\'/tmp\')[\'BASE_URL\'])"')


def _base_url(**environment) -> str:
    env = {key: value for key, value in os.environ.items() if key not in ("BASE_URL", "PORT", "HOST")}
    env.update(environment, CONSULT_ENV="development")
    result = subprocess.run(["bash", "-c", SHOW_BASE_URL], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=True)
    return result.stdout.strip()


def test_run_sh_builds_emailed_links_on_the_port_it_serves():
    assert "run_env.sh" in (ROOT / "scripts" / "run.sh").read_text()
    assert _base_url(PORT="8123") == "http://127.0.0.1:8123"
    assert _base_url(PORT="8123", HOST="0.0.0.0") == "http://0.0.0.0:8123"
    assert _base_url() == "http://127.0.0.1:5000"
    assert _base_url(PORT="8123", BASE_URL="https://consult.example.org") == "https://consult.example.org"


def _shape(**environment) -> str:
    env = {key: value for key, value in os.environ.items() if key not in ("WEB_WORKERS", "WEB_THREADS")}
    env.update(environment)
    result = subprocess.run(["bash", "-c", 'source scripts/run_env.sh && echo "$WEB_WORKERS $WEB_THREADS"'],
                            cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_run_sh_serves_single_threaded_workers_as_the_benchmark_measures():
    from bench.server import THREADS, WORKERS

    run = (ROOT / "scripts" / "run.sh").read_text()
    assert '--workers "${WEB_WORKERS}" --threads "${WEB_THREADS}" --worker-class gthread' in run
    assert _shape() == f"{WORKERS} {THREADS}" == "4 1"
    assert _shape(WEB_WORKERS="8", WEB_THREADS="2") == "8 2"
