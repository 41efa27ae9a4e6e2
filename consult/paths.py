"""Where templates, static files, translations and migrations live.

In a checkout they sit at the project root; in an installed wheel they are
packaged inside `consult/`. The first that exists wins.
"""
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent


def resource_dir(name: str) -> Path:
    for candidate in (PROJECT_ROOT / name, PACKAGE_DIR / name):
        if candidate.is_dir():
            return candidate
    return PROJECT_ROOT / name  # not created yet (e.g. before the first migration)
