"""`pip install .` gives a wheel that carries templates, static files, catalogues and migrations."""
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_carries_everything_the_app_needs(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("consult-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ["consult/templates/base.html", "consult/templates/_macros/forms.html",
                     "consult/static/css/app.css", "consult/static/vendor/htmx-2.0.8.min.js",
                     "consult/static/vendor/htmx-2.0.8.LICENSE",
                     "consult/translations/fr/LC_MESSAGES/messages.po",
                     "consult/translations/fr/LC_MESSAGES/messages.mo",
                     "consult/translations/en/LC_MESSAGES/messages.mo",
                     "consult/migrations/env.py", "consult/migrations/versions/0001_initial_schema.py",
                     "consult/structure/schema.json", "consult/data/demo-consultation.json"]:
        assert expected in names, expected
    assert not any(name.startswith(("tests/", "consult/.venv")) for name in names)


def test_installed_app_finds_its_folders_inside_the_package(tmp_path, monkeypatch):
    """Without a checkout around it, the factory uses the packaged copies."""
    from consult import paths

    package = tmp_path / "consult"
    (package / "templates").mkdir(parents=True)
    monkeypatch.setattr(paths, "PACKAGE_DIR", package)
    monkeypatch.setattr(paths, "PROJECT_ROOT", tmp_path / "nowhere")
    assert paths.resource_dir("templates") == package / "templates"
