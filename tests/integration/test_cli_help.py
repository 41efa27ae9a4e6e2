"""The command line's help in the operator's language, with no consultation's own words."""
import json
import re
from importlib import resources

import click
import pytest

from consult.cli import consult  # every area's commands attached
from consult.cli_text import cli_gettext

COMMANDS = sorted(consult.commands)


def unwrapped(output: str) -> str:
    """The help as one line (it is wrapped to the terminal's width); no-break spaces are kept."""
    return re.sub(r"[ \n]+", " ", output)


def test_the_group_help_is_in_french_or_english_as_the_command_line_speaks(runner):
    french = runner.invoke(args=["consult", "--help"], env={"CONSULT_LANG": "fr"})
    assert french.exit_code == 0, french.output
    assert "Utilisation\u00a0: " in french.output
    assert "Gérer les consultations, le personnel et les données de démonstration." in french.output
    assert "Commandes\u00a0:" in french.output and "Options\u00a0:" in french.output
    assert "Afficher ce message et quitter." in french.output
    assert re.search(r"export-comments +Exporter les commentaires d'une consultation", french.output)
    assert "Manage consultations" not in french.output and "Usage:" not in french.output

    english = runner.invoke(args=["consult", "--help"], env={"CONSULT_LANG": "en"})
    assert english.exit_code == 0, english.output
    assert "Usage: " in english.output and "Commands:" in english.output
    assert "Manage consultations, staff and demo data." in english.output
    assert re.search(r"export-comments +Export a consultation's comments", english.output)
    assert "Gérer" not in english.output


def test_a_command_s_options_and_click_s_notes_are_translated(runner):
    french = runner.invoke(args=["consult", "export-comments", "--help"], env={"CONSULT_LANG": "fr"})
    assert french.exit_code == 0, french.output
    text = unwrapped(french.output)
    assert "Exporter les commentaires d'une consultation (pseudonymisés, sauf avec --identified)" in text
    assert "--node CODE Seulement cette partie de premier niveau de l'arborescence (son code, par exemple 4)" in text
    assert "L'identifiant de la consultation. [obligatoire]" in text
    assert "[par défaut\u00a0: csv]" in text
    assert "--axis" not in text  # the option's first name is still accepted, no longer shown

    english = runner.invoke(args=["consult", "export-comments", "--help"], env={"CONSULT_LANG": "en"})
    text = unwrapped(english.output)
    assert "--node CODE Only this top-level part of the tree (its code, such as 4)" in text
    assert "The consultation's slug. [required]" in text and "[default: csv]" in text

    notes = runner.invoke(args=["consult", "deliver-mail", "--help"], env={"CONSULT_LANG": "fr"})
    assert "Nombre maximal de messages envoyés par tour. [par défaut\u00a0: 100\u00a0; x>=1]" in unwrapped(notes.output)


def test_the_language_comes_from_lang_when_consult_lang_is_not_set(runner):
    english = runner.invoke(args=["consult", "purge", "--help"], env={"CONSULT_LANG": "", "LANG": "en_CA.UTF-8"})
    assert "Say what would be erased, and change nothing." in english.output
    french = runner.invoke(args=["consult", "purge", "--help"], env={"CONSULT_LANG": "", "LANG": "fr_CA.UTF-8"})
    assert "Dire ce qui serait effacé, sans rien changer." in french.output
    default = runner.invoke(args=["consult", "purge", "--help"], env={"CONSULT_LANG": "", "LANG": "C.UTF-8"})
    assert "Dire ce qui serait effacé" in default.output


def _help_texts(command: click.Command) -> list[str]:
    texts = [command.help]
    texts += [param.help for param in command.params if isinstance(param, click.Option) and not param.hidden]
    return [text for text in texts if text]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_help_text_has_a_french_translation(name):
    for text in _help_texts(consult.commands[name]):
        assert cli_gettext(text, "fr") != text, f"{name}: no French help for {text!r}"
        assert cli_gettext(text, "en") == text


def _level_names() -> set[str]:
    names = set()
    for shipped in ("demo-consultation.json", "demo-interview-study.json"):
        document = json.loads(resources.files("consult.data").joinpath(shipped).read_text("utf-8"))
        for level in document["levels"]:
            for form in ("singular", "plural"):
                names.update(level[form].values())
    return names


def test_no_help_text_uses_one_consultation_s_level_names(runner):
    names = _level_names()
    assert {"axis", "axe", "orientation", "key element"} <= names
    pattern = re.compile(r"\b(" + "|".join(re.escape(name) for name in sorted(names)) + r")\b", re.IGNORECASE)
    for lang in ("fr", "en"):
        for name in ["", *COMMANDS]:
            args = ["consult", *([name] if name else []), "--help"]
            result = runner.invoke(args=args, env={"CONSULT_LANG": lang, "COLUMNS": "1000"})
            assert result.exit_code == 0, result.output
            found = pattern.findall(result.output)
            assert not found, f"consult {name} --help ({lang}) says {found}"
