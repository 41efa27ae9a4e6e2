"""Each broken structure file gets a message naming the place and the fault."""
import copy
import json

import pytest
from flask_babel import force_locale

from consult.structure.validation import StructureError, parse_json, validate
from tests.conftest import minimal_document


def problems_of(app, document):
    with app.test_request_context(), force_locale("en"):
        with pytest.raises(StructureError) as caught:
            validate(document, "file.json")
    return [str(problem) for problem in caught.value.problems]


def broken(**changes):
    document = copy.deepcopy(minimal_document())
    for path, value in changes.items():
        target = document
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if value is ...:
            del target[last]
        elif last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value
    return document


def test_a_valid_document_passes(app):
    with app.test_request_context():
        validate(minimal_document(), "file.json")


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (broken(title=...), "title: the field “title” is required"),
        (broken(format="other/2"), "format: “other/2” is not allowed here"),
        (broken(languages=["fr", "de"]), "languages[1]: “de” is not allowed here"),
        (broken(title={"fr": "", "en": " "}), "title: needs a text in at least one of: fr, en"),
        (broken(languages=["fr"]), "title.en: “en” is not one of the consultation's languages (fr)"),
        (broken(topics__0__kind="orientation"),
         "topics[0].kind: a “orientation” cannot be at the top level"),
        (broken(topics__0__children__0__kind="axis"), "topics[0].children[0].kind: a “axis” cannot be inside a “axis”"),
        (broken(topics__0__children__0__code="1"),
         "topics[0].children[0].code: the code “1” is already used at topics[0]"),
        (broken(topics__0__children__0__colour="red"), "topics[0].children[0]: unknown field “colour”"),
        (broken(topics__0__children__0__code="1 1"), "topics[0].children[0].code: “1 1” is not a valid code"),
        (broken(opens_at="2025-13-40"), "opens_at: “2025-13-40” is not a real date"),
        (broken(opens_at="next monday"), "opens_at: “next monday” is not a date"),
        (broken(opens_at="2025-06-13", closes_at="2025-05-06"), "closes_at: must come after opens_at"),
        (broken(timezone="Mars/Olympus"), "timezone: “Mars/Olympus” is not a known time zone"),
        (broken(slug="Bad Slug!"), "slug: “Bad Slug!” is not a valid code"),
        (broken(topics=[]), "topics: must not be empty"),
        (broken(tracks=[{"code": "qc", "name": {"fr": "A"}}, {"code": "qc", "name": {"fr": "B"}}]),
         "tracks[1].code: the code “qc” is used twice"),
        (broken(topics__0__children__0__themes=[{"code": "T", "name": {"fr": "a"}},
                                                {"code": "T", "name": {"fr": "b"}}]),
         "topics[0].children[0].themes[1].code: the code “T” is used twice"),
        (broken(topics__0__title="Axe un"), "topics[0].title: must be an object"),
    ],
)
def test_broken_documents_are_explained(app, document, expected):
    assert any(problem.startswith(expected) for problem in problems_of(app, document)), problems_of(app, document)


def test_every_problem_is_reported_at_once(app):
    document = broken(slug="Bad Slug!", topics__0__children__0__colour="red")
    assert len(problems_of(app, document)) == 2


def test_invalid_json_names_line_and_column(app):
    with app.test_request_context(), force_locale("en"):
        with pytest.raises(StructureError) as caught:
            parse_json('{\n  "slug": "x",\n  oops\n}', "broken.json")
    message = str(caught.value)
    assert message.startswith("broken.json: line 3, column 3: not valid JSON")


def test_messages_are_translated(app):
    with app.test_request_context(), force_locale("fr"):
        with pytest.raises(StructureError) as caught:
            validate(broken(title=...), "file.json")
    assert "obligatoire" in str(caught.value)


def test_the_schema_file_is_valid_json_schema():
    from jsonschema import Draft202012Validator

    from consult.structure.validation import schema

    Draft202012Validator.check_schema(schema())
    assert json.dumps(schema())
