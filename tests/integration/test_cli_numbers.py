"""Counts and figures printed by the commands, in the command line's language: no "1 sections", and
French numbers ("66,7 %", "12 288 octets") when it speaks French."""
import json
import re

from consult.cli_numbers import decimal, percent
from tests.conftest import minimal_document


def test_the_import_report_counts_each_kind_in_the_singular_and_plural(runner, tmp_path):
    source = tmp_path / "mini.json"
    source.write_text(json.dumps(minimal_document(), ensure_ascii=False), encoding="utf-8")
    english = runner.invoke(args=["consult", "import", str(source)], env={"CONSULT_LANG": "en"})
    assert english.exit_code == 0, english.output
    assert "1 theme, 1 change target." in english.output
    assert "0 sections" in english.output
    french = runner.invoke(args=["consult", "import", str(source)], env={"CONSULT_LANG": "fr"})
    assert french.exit_code == 0, french.output
    assert "1 thème, 1 cible de changement." in french.output
    assert "0 section," in french.output  # French puts zero in the singular
    assert "sections" not in french.output and "thèmes" not in french.output


def test_figures_follow_the_command_line_s_language(app, monkeypatch):
    monkeypatch.setenv("CONSULT_LANG", "fr")
    with app.app_context():
        assert decimal(1234.5, 1) == "1\u202f234,5"
        assert decimal(0.25, 3) == "0,250"
        assert percent(0.6667) == "66,7\u00a0%"
        assert percent(0.5, spread=0.021) == "50,0 ± 2,1\u00a0%"
    monkeypatch.setenv("CONSULT_LANG", "en")
    with app.app_context():
        assert decimal(1234.5, 1) == "1,234.5"
        assert percent(0.6667) == "66.7 %"


def test_the_backup_size_is_a_french_number(app, runner, demo, tmp_path):
    target = tmp_path / "copie.db"
    saved = runner.invoke(args=["consult", "backup", str(target)], env={"CONSULT_LANG": "fr"})
    assert saved.exit_code == 0, saved.output
    size = target.stat().st_size
    assert size >= 1000
    grouped = f"{size:,}".replace(",", "\u202f")
    assert f"({grouped} octets)." in saved.output
    assert re.search(r"\(\d{1,3}(\u202f\d{3})+ octets\)", saved.output)
