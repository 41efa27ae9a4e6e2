"""The code follows the project's lint rules (pyflakes, pycodestyle, import order, bugbear)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_finds_nothing():
    ruff = Path(sys.executable).with_name("ruff")
    command = [str(ruff), "check", "--output-format", "concise", "consult", "tests", "scripts", "wsgi.py"]
    result = subprocess.run(command,
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
