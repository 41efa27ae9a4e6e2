"""French typography in everything French the platform shows: the catalogue and the demo's data.

A no-break space (U+00A0, or the narrow U+202F) goes before ; : ? ! and », after «, between a number
and %, and between groups of thousands; a plain space there lets a line break strand the sign."""
import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import consult
from consult.demo import forums as demo_forums

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(consult.__file__).parent
NO_BREAK = "\u00a0\u202f"
# Placeholders, markup and addresses are not French text.
NOT_TEXT = re.compile(r"%\([a-z_]+\)[sd]|%%|\{[a-zA-Z_]+\}|https?://\S+|<[^>]+>")
RULES = [
    (re.compile(r" [;:?!»]"), "a plain space before ; : ? ! or »"),
    (re.compile(rf"[^\s{NO_BREAK}(][;?!»](?=\s|$)"), "no space before ; ? ! or »"),
    (re.compile(rf"[^\s{NO_BREAK}(\d]:(?=\s|$)"), "no space before :"),
    (re.compile(rf"«(?![{NO_BREAK}])"), "no no-break space after «"),
    (re.compile(r"\d ?%"), "a number and % without a no-break space"),
    (re.compile(r"\d \d{3}(?!\d)"), "groups of thousands split by a plain space"),
]


def errors(text: str) -> list[str]:
    bare = NOT_TEXT.sub("", text.replace("%%", "%"))
    return [name for pattern, name in RULES if pattern.search(bare)]


def french_catalogue() -> list[str]:
    with (ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    texts = []
    for message in catalogue:
        if message.id:
            texts.extend(message.string if isinstance(message.string, tuple) else [message.string])
    return [text for text in texts if text]


def french_in(node, french=False) -> list[str]:
    """The French strings of a JSON document: values under "fr" keys, or texts of entries in French."""
    if isinstance(node, str):
        return [node] if french else []
    if isinstance(node, list):
        return [text for item in node for text in french_in(item, french)]
    if isinstance(node, dict):
        in_french = french or node.get("lang") == "fr" or node.get("language") == "fr"
        return [text for key, value in node.items()
                for text in french_in(value, in_french or key in ("fr", "name_fr", "title_fr"))]
    return []


def demo_texts() -> list[str]:
    texts = []
    for path in [*sorted((PACKAGE / "demo" / "data").glob("*.json")), PACKAGE / "data" / "demo-consultation.json"]:
        texts.extend(french_in(json.loads(path.read_text("utf-8"))))
    for value in vars(demo_forums).values():
        if isinstance(value, dict) and "fr" in value:
            texts.append(value["fr"])
        elif isinstance(value, list):
            texts.extend(item[0]["fr"] for item in value if isinstance(item, tuple) and isinstance(item[0], dict))
    return texts


@pytest.mark.parametrize("source", [french_catalogue, demo_texts], ids=["catalogue", "demo data"])
def test_french_text_keeps_its_signs_with_their_words(source):
    texts = source()
    assert len(texts) > 50
    found = [(text, problems) for text in texts if (problems := errors(text))]
    assert not found, f"{len(found)} French texts with typography errors, for example:\n" + "\n".join(
        f"  {problems}: {text!r}" for text, problems in found[:15])


def test_the_rules_catch_what_they_should():
    assert errors("Forum no 1 : la politique") and errors("Vraiment?") and errors("« mot »")
    assert errors("plus de 99 %") and errors("15 000 personnes") and errors("mot»")
    assert not errors("Forum no\u00a01\u00a0: la politique, à 13:30 (;) %(count)s\u00a0% «\u00a0mot\u00a0»")
    assert not errors("15\u00a0000 personnes, 99\u00a0%%, https://example.org/a:b")
