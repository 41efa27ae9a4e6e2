"""The application starts without the heavy libraries only some pages need: every worker and every
command would otherwise pay their import time and memory (scikit-learn alone weighs some 80 MB)."""
import subprocess
import sys

HEAVY = ("sklearn", "scipy", "numpy", "fpdf")


def test_the_app_starts_without_loading_heavy_libraries(tmp_path):
    code = (
        "import sys\n"
        "from consult import create_app\n"
        "create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite:///%s'})\n"
        "print(','.join(name for name in %r if name in sys.modules))\n" % (tmp_path / "app.db", HEAVY)
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 40})
    assert loaded.stdout.strip() == ""
