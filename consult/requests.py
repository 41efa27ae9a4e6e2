"""The request class: form text without NUL characters.

A NUL is never meaningful in what a person types, PostgreSQL refuses to store it, and SQLite
would keep it only to break exports later; it is dropped at the door for every form.
"""
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict


class ConsultRequest(Request):
    def _load_form_data(self):
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form and any("\x00" in value for value in form.values()):
            self.__dict__["form"] = ImmutableMultiDict(
                [(key, value.replace("\x00", "")) for key, value in form.items(multi=True)]
            )
