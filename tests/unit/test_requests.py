"""Form text reaches the views without NUL characters, which PostgreSQL cannot store."""


def test_nul_characters_are_dropped_from_form_text(app):
    with app.test_request_context("/", method="POST", data={"name": "Ana\x00 Tremblay", "other": ["a\x00", "b"]}):
        from flask import request

        assert request.form["name"] == "Ana Tremblay"
        assert request.form.getlist("other") == ["a", "b"]


def test_ordinary_forms_are_untouched(app):
    with app.test_request_context("/", method="POST", data={"text": "Équité\n\nligne"}):
        from flask import request

        assert request.form["text"] == "Équité\n\nligne"


def test_other_control_characters_are_dropped_but_tabs_and_line_breaks_stay(app):
    with app.test_request_context("/", method="POST", data={"text": "Word\x0bslide\x0c\x1b end\tcol\r\nline"}):
        from flask import request

        assert request.form["text"] == "Wordslide end\tcol\r\nline"
