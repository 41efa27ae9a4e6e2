"""The request class: form text without control characters.

NUL and the other C0 control characters (tab, line feed and carriage return excepted) are never
meaningful in what a person types; they arrive pasted from word processors. PostgreSQL refuses to
store a NUL, and XML-based files (DOCX, XLSX) cannot hold any of them, so they would break the
report and exports later: they are dropped at the door for every form.
"""
import re

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


class ConsultRequest(Request):
    def _load_form_data(self):
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form and any(CONTROL_CHARACTERS.search(value) for value in form.values()):
            self.__dict__["form"] = ImmutableMultiDict(
                [(key, without_control_characters(value)) for key, value in form.items(multi=True)]
            )
