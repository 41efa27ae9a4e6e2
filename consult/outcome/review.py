"""Frozen versions of the report and their review.

A coordinator freezes the report as it stands (every section, in every language held); reviewers,
reached by a personal link, comment per section and approve or ask for changes; the coordinator
answers and resolves each comment, then freezes the next version. A version cannot be marked final
while a required reviewer has an open comment, or has not approved that version.
"""
from datetime import datetime

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..i18n import localized
from ..items.services import ItemError
from ..mail.outbox import queue_message
from ..mail.text import render_text
from ..mail.urls import external_url
from ..models import Consultation, ReportVersion, ReviewComment, Reviewer, ReviewVerdict
from ..models.review import VERDICTS
from ..reports.report_draft import build
from ..tokens import LinkError, make_token, read_token

TOKEN_PURPOSE = "report-review"
INTRO = "intro"


def snapshot(consultation: Consultation) -> dict:
    """The report's content in every language held, as plain data."""
    languages = {}
    for lang in consultation.language_list or ["fr"]:
        with force_locale(lang):
            draft = build(consultation, lang)
            languages[lang] = {
                "title": draft.title.text,
                "sections": [{
                    "key": f"topic-{section.topic.id}",
                    "heading": section.heading,
                    "depth": section.depth,
                    "memo": section.memo.text if section.memo else "",
                    "note": section.note.text if section.note else "",
                    "comments": section.total,
                    "tables": [{"kind": table.kind, "title": table.title,
                                "rows": [row.as_dict() for row in table.rows]} for table in section.items],
                } for section in draft.sections],
            }
    return {"languages": languages}


def content_in(version: ReportVersion, lang: str) -> dict:
    languages = version.content.get("languages", {})
    return languages.get(lang) or next(iter(languages.values()), {"title": "", "sections": []})


def versions_of(consultation: Consultation) -> list[ReportVersion]:
    return list(db.session.scalars(select(ReportVersion).where(ReportVersion.consultation_id == consultation.id)
                                   .order_by(ReportVersion.number)))


def latest_version(consultation_id: int) -> ReportVersion | None:
    return db.session.scalar(select(ReportVersion).where(ReportVersion.consultation_id == consultation_id)
                             .order_by(ReportVersion.number.desc()).limit(1))


def get_version(consultation: Consultation, number: int) -> ReportVersion | None:
    return db.session.scalar(select(ReportVersion).where(ReportVersion.consultation_id == consultation.id,
                                                         ReportVersion.number == number))


def freeze(consultation: Consultation, actor_id: int | None, now: datetime) -> ReportVersion:
    last = db.session.scalar(select(func.max(ReportVersion.number)).where(
        ReportVersion.consultation_id == consultation.id)) or 0
    version = ReportVersion(consultation_id=consultation.id, number=last + 1, content=snapshot(consultation),
                            frozen_by_id=actor_id, frozen_at=now)
    db.session.add(version)
    db.session.flush()
    for reviewer in reviewers_of(consultation):
        invite(reviewer, version)
    audit.record(actor_id, "report.freeze", "report_version", version.id, consultation.id, number=version.number)
    return version


def changes(previous: ReportVersion | None, current: ReportVersion, lang: str) -> list[str]:
    """What changed from the previous version, section by section, in plain words."""
    if previous is None:
        return []
    before = {section["key"]: section for section in content_in(previous, lang)["sections"]}
    found = []
    for section in content_in(current, lang)["sections"]:
        old = before.get(section["key"])
        heading = section["heading"]
        if old is None:
            found.append(_("%(section)s: new section.", section=heading))
            continue
        if old["memo"] != section["memo"]:
            found.append(_("%(section)s: the text of what we heard changed.", section=heading))
        if old["note"] != section["note"]:
            found.append(_("%(section)s: the coordinator's text changed.", section=heading))
        old_rows = {row["number"]: row for table in old["tables"] for row in table["rows"]}
        new_rows = {row["number"]: row for table in section["tables"] for row in table["rows"]}
        for number in sorted(new_rows.keys() - old_rows.keys()):
            found.append(_("%(section)s: item %(number)d added.", section=heading, number=number))
        for number in sorted(old_rows.keys() - new_rows.keys()):
            found.append(_("%(section)s: item %(number)d removed.", section=heading, number=number))
        for number in sorted(new_rows.keys() & old_rows.keys()):
            if new_rows[number]["statement"] != old_rows[number]["statement"]:
                found.append(_("%(section)s: item %(number)d reworded.", section=heading, number=number))
            elif new_rows[number]["comments"] != old_rows[number]["comments"]:
                found.append(_("%(section)s: the support of item %(number)d changed.", section=heading,
                               number=number))
    return found


# -- reviewers ---------------------------------------------------------------------------------

def reviewers_of(consultation: Consultation) -> list[Reviewer]:
    return list(db.session.scalars(select(Reviewer).where(Reviewer.consultation_id == consultation.id)
                                   .order_by(Reviewer.id)))


def add_reviewer(consultation: Consultation, email: str, language: str, required: bool,
                 actor_id: int | None) -> Reviewer:
    email = email.strip().lower()
    if db.session.scalar(select(Reviewer.id).where(Reviewer.consultation_id == consultation.id,
                                                   Reviewer.email == email)) is not None:
        raise ItemError(_("This person is already a reviewer of this consultation."))
    reviewer = Reviewer(consultation_id=consultation.id, email=email, language=language, required=required)
    db.session.add(reviewer)
    db.session.flush()
    latest = latest_version(consultation.id)
    if latest is not None and not latest.is_final:  # a final version takes no review: the next one will
        invite(reviewer, latest)
    audit.record(actor_id, "review.reviewer.add", "reviewer", reviewer.id, consultation.id,
                 pseudonym=reviewer.pseudonym, required=required)
    return reviewer


def reviewer_token(reviewer: Reviewer) -> str:
    return make_token(TOKEN_PURPOSE, reviewer.id, reviewer.link_version)


def reviewer_from_token(token: str) -> Reviewer:
    reviewer_id, version = read_token(TOKEN_PURPOSE, token)
    reviewer = db.session.get(Reviewer, reviewer_id)
    if reviewer is None or reviewer.link_version != version:
        raise LinkError("invalid")
    return reviewer


def send_new_link(reviewer: Reviewer, actor_id: int | None) -> ReportVersion | None:
    """A new personal link for the latest version open to review, the earlier link revoked (a lost or
    forwarded email); None, and nothing changed, when no version is open to review."""
    latest = latest_version(reviewer.consultation_id)
    if latest is None or latest.is_final:
        return None
    reviewer.link_version += 1
    db.session.flush()
    invite(reviewer, latest)
    audit.record(actor_id, "review.reviewer.new_link", "reviewer", reviewer.id, reviewer.consultation_id,
                 pseudonym=reviewer.pseudonym)
    return latest


def invite(reviewer: Reviewer, version: ReportVersion):
    """The personal link to read and review a version; once per reviewer, version and link."""
    consultation = reviewer.consultation or db.session.get(Consultation, reviewer.consultation_id)
    language = reviewer.language
    title = localized(consultation, "title", language).text
    with force_locale(language):
        subject = _("Report to review, version %(number)d: %(title)s", number=version.number, title=title)
        body = render_text("review_invitation", number=version.number, consultation_title=title,
                           url=external_url("outcome.review_version", token=reviewer_token(reviewer),
                                            number=version.number, lang=language),
                           site_name=current_app.config["SITE_NAME"], participant=None, lang=language)
    return queue_message(reviewer.email, subject, body, language=language,
                         dedupe_key=f"review-{reviewer.id}-version-{version.id}"
                                    + (f"-link-{reviewer.link_version}" if reviewer.link_version > 1 else ""),
                         object_type="reviewer",
                         object_id=str(reviewer.id))


# -- what reviewers and the coordinator do ---------------------------------------------------------

def section_keys(version: ReportVersion) -> list[str]:
    return [INTRO] + [section["key"] for section in content_in(version, "fr")["sections"]]


def latest_number(consultation_id: int) -> int:
    return db.session.scalar(select(func.max(ReportVersion.number))
                             .where(ReportVersion.consultation_id == consultation_id)) or 0


def _check_open(version: ReportVersion) -> None:
    """Only the latest version, not final, takes comments and verdicts: an older one was replaced."""
    if version.is_final:
        raise ItemError(_("This version is final: it no longer takes comments."))
    latest = latest_number(version.consultation_id)
    if version.number < latest:
        raise ItemError(_("Version %(number)d was replaced by version %(latest)d: review that one.",
                          number=version.number, latest=latest))


def comment(version: ReportVersion, reviewer: Reviewer, section: str, body: str, now: datetime) -> ReviewComment:
    if reviewer.consultation_id != version.consultation_id:
        raise ItemError(_("This version is not one you were asked to review."))
    _check_open(version)
    if section not in section_keys(version):
        raise ItemError(_("Choose a section of this version."))
    item = ReviewComment(version=version, reviewer=reviewer, section=section, body=body.strip(), created_at=now)
    db.session.add(item)
    db.session.flush()
    return item


def give_verdict(version: ReportVersion, reviewer: Reviewer, verdict: str, now: datetime) -> ReviewVerdict:
    if verdict not in VERDICTS or reviewer.consultation_id != version.consultation_id:
        raise ItemError(_("Choose approve or ask for changes."))
    _check_open(version)
    found = db.session.scalar(select(ReviewVerdict).where(ReviewVerdict.version_id == version.id,
                                                          ReviewVerdict.reviewer_id == reviewer.id))
    if found is None:
        found = ReviewVerdict(version=version, reviewer=reviewer, verdict=verdict, at=now)
        db.session.add(found)
    else:
        found.verdict, found.at = verdict, now
    db.session.flush()
    return found


def answer(item: ReviewComment, text: str, resolve: bool, actor_id: int | None, now: datetime) -> None:
    item.answer = text.strip()
    if resolve and item.resolved_at is None:
        item.resolved_at, item.resolved_by_id = now, actor_id
    elif not resolve:
        item.resolved_at = item.resolved_by_id = None
    db.session.flush()
    audit.record(actor_id, "review.answer", "review_comment", item.id, item.version.consultation_id,
                 resolved=item.resolved_at is not None)


def open_required_comments(consultation: Consultation) -> list[ReviewComment]:
    return list(db.session.scalars(
        select(ReviewComment).join(Reviewer, ReviewComment.reviewer_id == Reviewer.id)
        .join(ReportVersion, ReviewComment.version_id == ReportVersion.id)
        .where(ReportVersion.consultation_id == consultation.id, Reviewer.required.is_(True),
               ReviewComment.resolved_at.is_(None)).order_by(ReviewComment.id)))


def unapproved_required(version: ReportVersion) -> list[Reviewer]:
    """The required reviewers whose verdict on this version is not "approved" (none given, or changes asked)."""
    approved = select(ReviewVerdict.reviewer_id).where(ReviewVerdict.version_id == version.id,
                                                       ReviewVerdict.verdict == "approved")
    return list(db.session.scalars(
        select(Reviewer).where(Reviewer.consultation_id == version.consultation_id, Reviewer.required.is_(True),
                               Reviewer.id.not_in(approved)).order_by(Reviewer.id)))


def mark_final(version: ReportVersion, actor_id: int | None, now: datetime) -> None:
    consultation = db.session.get(Consultation, version.consultation_id)
    latest = latest_version(consultation.id)
    if version.id != latest.id:
        raise ItemError(_("Only the latest version can be marked final."))
    still_open = open_required_comments(consultation)
    if still_open:
        where = ", ".join(_("version %(number)d", number=number)
                          for number in sorted({item.version.number for item in still_open}))
        raise ItemError(" ".join((
            ngettext("A required reviewer still has %(num)d open comment: answer and resolve it first.",
                     "Required reviewers still have %(num)d open comments: answer and resolve them first.",
                     len(still_open)),
            _("Versions concerned: %(versions)s.", versions=where))))
    waiting = unapproved_required(version)
    if waiting:
        raise ItemError(ngettext(
            "A required reviewer has not approved version %(number)s yet: %(names)s.",
            "%(num)d required reviewers have not approved version %(number)s yet: %(names)s.", len(waiting),
            number=version.number, names=", ".join(reviewer.pseudonym for reviewer in waiting)))
    version.final_at = now
    db.session.flush()
    audit.record(actor_id, "report.final", "report_version", version.id, consultation.id, number=version.number)
