"""Refresh the translation catalogues after changing interface strings.

    .venv/bin/python scripts/i18n.py

Extracts every string into translations/messages.pot, merges it into the French and
English catalogues, and fills the English one from the (English) source strings.
French translations are written by hand in translations/fr/LC_MESSAGES/messages.po.
"""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PYBABEL = str(Path(sys.executable).with_name("pybabel"))
POT = ROOT / "translations" / "messages.pot"


def run(*args):
    subprocess.run([PYBABEL, *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def fill_english(po_path: Path) -> None:
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    # The source strings are English: the English catalogue is the identity, always rewritten so
    # that a guess left by fuzzy matching can never show one string in place of another.
    for message in catalog:
        if not message.id:
            continue
        message.string = (message.id[0], message.id[1]) if message.pluralizable else message.id
        message.flags.discard("fuzzy")
    with po_path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, no_location=True)


def main():
    run("extract", "--ignore-dirs", ".* instance", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "cli_l",
        "--no-location", "--sort-output",
        "--project", "consult", "-w", "100", "-o", str(POT), ".")
    run("update", "-i", str(POT), "-d", "translations", "-w", "100", "--no-fuzzy-matching")
    fill_english(ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po")
    with (ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        french = read_po(handle, locale="fr")
    missing = [m.id for m in french if m.id and (not m.string or (m.pluralizable and not all(m.string))
                                                  or m.fuzzy)]
    for message_id in missing:
        print("French translation needed:", message_id)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
