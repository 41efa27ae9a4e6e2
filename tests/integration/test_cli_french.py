"""The commands speak French by default: counts agree with their number and decimals take a comma."""
import re

import pytest


@pytest.fixture
def french(monkeypatch):
    monkeypatch.setenv("CONSULT_LANG", "fr")


def test_seed_demo_summarises_each_structure_with_counts_that_agree(runner, french):
    result = runner.invoke(args=["consult", "seed-demo", "--no-staff"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    reference = next(line for line in lines if "politique-premiere-ligne-2025" in line)
    assert re.search(r": 5 sections, 5 axes, 14 orientations, \d+ thèmes, \d+ cibles de changement\.$", reference)
    # The interview study has one section, and neither themes nor change targets: singular in French.
    interviews = next(line for line in lines if "caregivers-interview-study" in line)
    assert interviews.endswith(": 1 section, 3 key elements, 5 sub-headings, 0 thème, 0 cible de changement."), \
        interviews


def test_suggest_writes_its_time_with_a_decimal_comma(runner, demo, french):
    result = runner.invoke(args=["consult", "suggest", "--consultation", demo])
    assert result.exit_code == 0, result.output
    assert re.search(r"suggestions calculées pour 0 commentaire en \d+,\d\u00a0s\.", result.output), result.output
