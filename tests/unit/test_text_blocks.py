from consult.web import text_blocks


def test_blank_lines_separate_paragraphs_and_lines_join():
    assert text_blocks("One\nline\n\nTwo") == [("p", "One line"), ("p", "Two")]


def test_dash_lines_become_a_list_between_prose():
    text = "The policy pursues:\n– access\n- continuity\nThat is all."
    assert text_blocks(text) == [("p", "The policy pursues:"), ("ul", ["access", "continuity"]), ("p", "That is all.")]


def test_empty_text_has_no_blocks():
    assert text_blocks("") == [] and text_blocks("\n\n  \n") == []


def test_dates_are_shown_in_the_consultations_time_zone_not_the_sites(app):
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from flask_babel import force_locale

    from consult.web import local_date, local_datetime

    moment = datetime(2026, 5, 12, 3, 30, tzinfo=timezone.utc)  # 23:30 the day before in Montréal
    with app.test_request_context(), force_locale("en"):
        assert local_date(moment, ZoneInfo("Europe/Paris")) == "May 12, 2026"
        assert "5:30" in local_datetime(moment, ZoneInfo("Europe/Paris"), "short")
        assert local_date(moment, ZoneInfo("America/Vancouver")) == "May 11, 2026"
