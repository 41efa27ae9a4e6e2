"""The download of everything held about a participant: a zip of data.json and their documents.

data.json is meant to be read by people and programs alike (portability): plain keys in English,
dates in ISO 8601 (UTC), labels in the language the download was asked in.
"""
import json
import zipfile
from datetime import datetime

from flask_babel import gettext as _

from ..channels.transcripts import timecode
from ..i18n import current_language, localized
from ..mail.rendering import shown as shown_email
from ..participants.regions import region_name
from ..partners.labels import accommodation_label, entry_label
from ..partners.money import plain
from ..questionnaires.copies import answer_text
from ..submissions.services import attachment_path
from .services import Holdings, ordered_answers

FORMAT = "consult-my-data/1"


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _text(obj, name: str) -> str:
    return localized(obj, name).text if obj is not None else ""


def document_name(attachment) -> str:
    """Where a document sits in the archive: its id keeps two files of the same name apart."""
    return f"documents/{attachment.id}-{attachment.filename}"


def data_document(held: Holdings, now: datetime) -> dict:
    participant = held.participant
    return {
        "format": FORMAT,
        "generated_at": _when(now),
        "language": current_language(),
        "consultation": {"slug": held.consultation.slug, "title": _text(held.consultation, "title")},
        "profile": {
            "email": participant.email,
            "name": participant.name,
            "organisation": participant.organisation,
            "category": _text(participant.category, "name") if participant.category else "",
            "province_or_country": region_name(participant.region) if participant.region else "",
            "region_code": participant.region,
            "preferred_language": participant.preferred_language,
            "pseudonym": participant.pseudonym,
            "created_at": _when(participant.created_at),
            "updated_at": _when(participant.updated_at),
        },
        "consents": [
            {"purpose": consent.purpose, "granted": consent.granted, "at": _when(consent.at),
             "notice_version": consent.notice_version, "where": consent.source}
            for consent in participant.consents
        ],
        "transcript_turns": [
            {"session": _text(turn.transcript.forum, "title"), "starts_at": _when(turn.transcript.forum.starts_at),
             "from": timecode(turn.start_ms), "to": timecode(turn.end_ms), "text": turn.text}
            for turn in held.turns
        ],
        "registrations": [
            {"session": _text(item.forum, "title"), "kind": item.forum.kind, "starts_at": _when(item.forum.starts_at),
             "status": item.status, "registered_at": _when(item.created_at),
             "confirmed_at": _when(item.confirmed_at), "cancelled_at": _when(item.cancelled_at),
             "walk_in": item.walk_in}
            for item in held.registrations
        ],
        "session_evaluations": {
            "note": _("Your evaluation answers are stored without your name or any link to you, so they cannot "
                      "be found again to be given back: only whether you answered is kept."),
            "asked": [{"session": _text(item.forum, "title"), "starts_at": _when(item.forum.starts_at),
                       "asked_at": _when(item.sent_at), "answered": item.answered} for item in held.evaluations],
        },
        "session_invitations": [
            {"session": _text(item.forum, "title"), "starts_at": _when(item.forum.starts_at),
             "invited_at": _when(item.invited_at)} for item in held.session_invitations],
        "accommodations": [
            {"session": _text(item.registration.forum, "title") if item.registration else "",
             "needs": [accommodation_label(need) for need in item.needs], "other": item.other,
             "asked_at": _when(item.created_at)} for item in held.accommodations],
        "compensation": {
            "wished": held.compensation_choice.opted_in if held.compensation_choice else None,
            "chosen_at": _when(held.compensation_choice.at) if held.compensation_choice else None,
            "amounts": [
                {"kind": entry_label(entry), "amount": plain(entry.amount_cents), "currency": "CAD",
                 "status": entry.status, "description": entry.description, "receipt": entry.receipt_filename,
                 "decision_reason": entry.decision_reason, "entered_at": _when(entry.created_at),
                 "decided_at": _when(entry.decided_at)} for entry in held.ledger],
        },
        "pool_of_partners": None if held.pool_record is None else {
            "status": held.pool_record.status, "languages": list(held.pool_record.languages or []),
            "since": _when(held.pool_record.proposed_at),
            "left_at": _when(held.pool_record.member.left_at) if held.pool_record.member else None},
        "questionnaire_invitations": [
            {"questionnaire": _text(item.questionnaire, "title"), "created_at": _when(item.created_at),
             "sent_at": _when(item.sent_at), "reminders": item.reminders}
            for item in held.invitations
        ],
        "questionnaire_responses": [_response(response) for response in held.responses],
        "written_submissions": [_submission(submission) for submission in held.submissions],
        "comments_in_analysis": [
            {"channel": comment.channel, "topic": comment.topic.code if comment.topic else "",
             "prompt": comment.prompt, "language": comment.language, "text": comment.text,
             "said_at": _when(comment.source_date)}
            for comment in held.comments
        ],
        "emails": [
            {"subject": shown.subject, "status": message.status, "queued_at": _when(message.created_at),
             "sent_at": _when(message.sent_at), "body": shown.body_text}
            for message, shown in ((message, shown_email(message)) for message in held.emails)
        ],
    }


def _response(response) -> dict:
    answers = ordered_answers(response)
    return {
        "questionnaire": _text(response.questionnaire, "title"),
        "status": response.status,
        "reference": response.reference if response.version else "",
        "started_at": _when(response.started_at),
        "submitted_at": _when(response.submitted_at),
        "answers": [
            {"question": _text(answer.question, "label"),
             "topic": answer.question.topic.code if answer.question.topic else "",
             "answer": answer_text(answer.question, answer), "saved_at": _when(answer.updated_at),
             "earlier_versions": [{"value": version.value, "choices": list(version.choices or []),
                                   "saved_at": _when(version.saved_at)} for version in answer.versions]}
            for answer in answers
        ],
    }


def _submission(submission) -> dict:
    return {
        "reference": submission.reference,
        "status": submission.status,
        "received_through": submission.source,
        "language": submission.language,
        "created_at": _when(submission.created_at),
        "submitted_at": _when(submission.submitted_at),
        "text": submission.general_text,
        "texts_by_topic": [{"topic": item.topic.code if item.topic else "", "text": item.text}
                           for item in submission.texts],
        "links": [{"url": link.url, "title": link.title} for link in submission.links],
        "documents": [{"name": item.filename, "type": item.mimetype, "size": item.size, "sha256": item.sha256,
                       "file": document_name(item)} for item in submission.attachments],
    }


def write_archive(held: Holdings, target, now: datetime) -> None:
    """Write the zip into a binary file object: data.json, then each document still on disk."""
    document = data_document(held, now)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(document, ensure_ascii=False, indent=2))
        for attachment in held.attachments:
            path = attachment_path(attachment)
            if path is not None:
                archive.write(path, document_name(attachment))


def turns_text(turns) -> str:
    """A person's turns as text, one block per turn under its session's heading."""
    lines, session = [], None
    for turn in turns:
        forum = turn.transcript.forum
        if forum.id != session:
            session = forum.id
            lines += ["", f"# {_text(forum, 'title')} ({_when(forum.starts_at)})", ""]
        span = timecode(turn.start_ms) + (f"–{timecode(turn.end_ms)}" if turn.end_ms is not None else "")
        lines += [f"[{span}] {turn.text}", ""]
    return "\n".join(lines).strip() + "\n"
