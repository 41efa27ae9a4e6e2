"""`flask consult evaluate-suggestions`: the figures it prints, its baseline, its refusals."""
import json
import random
import re
from pathlib import Path

import pytest

from consult.suggestions import evaluation
from consult.suggestions.evaluation import Passage

DATA = Path(__file__).resolve().parents[1] / "data"
LABELLED = DATA / "suggestions-labelled.jsonl"
HOLDOUT = DATA / "suggestions-holdout.jsonl"
SLUG = "politique-premiere-ligne-2025"


@pytest.fixture
def english(monkeypatch):
    monkeypatch.setenv("CONSULT_LANG", "en")


def _rows(output: str) -> dict[tuple[str, str], list[float]]:
    """{(method, examples): [top-1, top-3, theme top-1, theme top-3]} from the printed table."""
    rows = {}
    for line in output.splitlines():
        match = re.match(r"(suggestions|TF-IDF baseline)\s+(\d+(?: \(\w+\))?)\s+\d+\s+(.*)$", line)
        if match:
            rows[(match.group(1), match.group(2))] = [float(value) for value in re.findall(r"([\d.]+)(?: ± [\d.]+)? %",
                                                                                         match.group(3))]
    return rows


def test_the_command_prints_every_figure_and_beats_the_baseline(runner, demo, english):
    result = runner.invoke(args=["consult", "evaluate-suggestions", str(LABELLED), "--consultation", SLUG,
                                 "--draws", "2"])
    assert result.exit_code == 0, result.output
    assert "140 passages (en 70, fr 70) on 14 orientations" in result.output
    assert "examples drawn 2 times (seed 2025)" in result.output
    header = result.output.splitlines()[1]
    for title in ("method", "examples per orientation", "orientation top-1", "orientation top-3", "theme top-1",
                  "theme top-3"):
        assert title in header
    rows = _rows(result.output)
    for method, subsets in (("suggestions", ("0 (en)", "0 (fr)")), ("TF-IDF baseline", ())):
        for shots in ("0", *subsets, "1", "3", "5"):
            assert len(rows[(method, shots)]) == 4, (method, shots)
    zero, baseline = rows[("suggestions", "0")], rows[("TF-IDF baseline", "0")]
    assert zero[1] >= 90 and zero[1] > baseline[1] + 15
    assert zero[0] > baseline[0] + 20
    assert rows[("suggestions", "5")][0] >= 78


def test_examples_from_another_file_score_every_passage(runner, demo, english):
    result = runner.invoke(args=["consult", "evaluate-suggestions", str(HOLDOUT), "--examples", str(LABELLED),
                                 "--consultation", SLUG, "--draws", "1"])
    assert result.exit_code == 0, result.output
    assert "every passage of" in result.output
    assert re.search(r"^suggestions\s+5\s+42\s", result.output, re.M)  # none of the 42 is an example


def test_a_wrong_line_is_named_and_nothing_is_measured(runner, demo, english, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "Un texte.", "orientation": "1.1"}) + "\n"
                    + json.dumps({"text": "Another.", "node": "9.9"}) + "\n", encoding="utf-8")
    result = runner.invoke(args=["consult", "evaluate-suggestions", str(path), "--consultation", SLUG])
    assert result.exit_code == 1
    assert "bad.jsonl:2: no part of the tree has the code “9.9”." in result.output
    path.write_text(json.dumps({"text": "Un texte.", "orientation": "1.1", "theme": "4.2.T1"}) + "\n",
                    encoding="utf-8")
    result = runner.invoke(args=["consult", "evaluate-suggestions", str(path), "--consultation", SLUG])
    assert result.exit_code == 1 and "“4.2.T1” is not a theme of 1.1." in result.output
    path.write_bytes(b"\xff\xfe{}\n")
    result = runner.invoke(args=["consult", "evaluate-suggestions", str(path), "--consultation", SLUG])
    assert result.exit_code == 1 and "bad.jsonl: not UTF-8 text (byte 0)." in result.output
    result = runner.invoke(args=["consult", "evaluate-suggestions", str(LABELLED), "--consultation", "nope"])
    assert result.exit_code == 1


def test_the_labelled_sets_are_bilingual_and_cover_every_orientation():
    for path, per_orientation in ((LABELLED, 10), (HOLDOUT, 3)):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["orientation"]] = counts.get(row["orientation"], 0) + 1
        assert len(counts) == 14 and min(counts.values()) >= per_orientation
        languages = [row["language"] for row in rows]
        assert abs(languages.count("fr") - languages.count("en")) <= 1
    dev = {json.loads(line)["text"] for line in LABELLED.read_text(encoding="utf-8").splitlines()}
    held = {json.loads(line)["text"] for line in HOLDOUT.read_text(encoding="utf-8").splitlines()}
    assert not dev & held


def test_a_draw_never_takes_every_passage_of_an_orientation():
    passages = [Passage(f"text {number}", key) for key in ("a", "b") for number in range(3)]
    examples, rest = evaluation._draw(passages, 5, random.Random(1))
    assert len(examples) == 4 and {passage.orientation for passage in rest} == {"a", "b"}
    examples, rest = evaluation._draw(passages, 1, random.Random(1), pool=passages[:3])
    assert len(examples) == 1 and rest == passages
