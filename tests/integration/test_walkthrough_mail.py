"""Emails arrive as written, through a real SMTP server."""
from consult.extensions import db
from consult.mail.delivery import deliver_pending
from consult.mail.outbox import queue_message


def test_lines_starting_with_from_arrive_unquoted(ctx, smtp_server):
    body = "Your comment:\n\nFrom my experience as a nurse, teams need clear roles.\nFrom here on, thank you."
    queue_message("ana@example.org", "Receipt", body, language="en", body_html="<p>From a nurse</p>")
    queue_message("zoé@exemple.québec", "Reçu", "From the start.", language="fr")
    db.session.commit()

    assert deliver_pending().sent == 2

    plain = smtp_server.messages[0].get_body(("plain",)).get_content()
    assert "\nFrom my experience as a nurse" in plain and ">From" not in plain
    assert "\nFrom here on, thank you." in plain
    assert smtp_server.messages[1].get_body(("plain",)).get_content().strip() == "From the start."
    assert smtp_server.handler.envelopes[1][1] == ["zoé@exemple.québec"]
