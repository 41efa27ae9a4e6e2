"""Participation for the demo consultation, shaped like the 2025 consultation it reproduces
(consult/data/consultation-method.json): 60 Québec-track forum participants from 24 organisations in
five categories, 26 Canadian-track forum participants from 14 organisations in six provinces, three
interviews, two questionnaire respondents, 35 written submissions, 91 participants in all.

The 91 are four separate groups (Québec forums, Canadian forums, interviews, questionnaire); the 35
submissions come from people already among them (everyone who answered or was invited could write),
so they add no one. A few more people signed up and never took part (no-shows, a draft response, a
draft submission): they are in the database but not in the 91.

Everything is made as the platform makes it: participants with consents, registrations through the
seat service then marked attended or absent on sessions that have taken place, submitted responses
with their submitted versions, sent submissions with excerpts, forum and interview notes; then the
comments are derived from them, the codebook seeded, codes applied and a few memos written. The
texts are written remarks and notes (data/comments.json), each used once and drawn with a fixed
seed, so two runs on an empty database give the same content.
"""
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..analysis.codebook import ensure_codebook
from ..analysis.derivation import derive_all
from ..extensions import db
from ..models import (
    Comment,
    Consultation,
    Forum,
    ForumNote,
    Questionnaire,
    Registration,
    Response,
    Submission,
    TopicMemo,
)
from ..models.base import utcnow
from ..questionnaires.builder import ensure_demo_questionnaire, find_questionnaire
from . import texts
from .builder import (
    OTHER_CATEGORIES,
    QC_ORGANISATIONS,
    ActivityRefused,
    ActivityReport,
    Builder,
    round_robin,
    staff_with_role,
)
from .evaluations import seed_evaluations
from .records import code_comments, questions_by_topic, respond, submit, take_notes
from .shape import reference_shape
from .transcripts import add_transcript

__all__ = ["ActivityRefused", "ActivityReport", "existing_activity", "seed_activity"]


def existing_activity(consultation: Consultation) -> dict[str, int]:
    """What the consultation already holds that the demo activity would add to."""
    def count(statement) -> int:
        return db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0

    return {
        "registrations": count(select(Registration.id).join(Forum, Registration.forum_id == Forum.id).where(
            Forum.consultation_id == consultation.id, Registration.status != "cancelled")),
        "responses": count(select(Response.id).join(Questionnaire, Response.questionnaire_id == Questionnaire.id)
                           .where(Questionnaire.consultation_id == consultation.id)),
        "submissions": count(select(Submission.id).where(Submission.consultation_id == consultation.id)),
        "notes": count(select(ForumNote.id).join(Forum, ForumNote.forum_id == Forum.id)
                       .where(Forum.consultation_id == consultation.id)),
        "comments": count(select(Comment.id).where(Comment.consultation_id == consultation.id)),
    }



def seed_activity(consultation: Consultation, now: datetime | None = None) -> ActivityReport:
    """Fill the consultation with the demo's participation, comments, codes and memos; flushes, the
    caller commits. ActivityRefused (nothing added) when it already has activity."""
    now = now or utcnow()
    found = {name: number for name, number in existing_activity(consultation).items() if number}
    if found:
        raise ActivityRefused("exists", **found)
    tracks = {track.code: track for track in consultation.tracks}
    if not {"qc", "ca"} <= set(tracks):
        raise ActivityRefused("tracks")
    shape = reference_shape()
    build = Builder(consultation, now)
    rng = build.rng
    sessions = build.held_sessions()
    qc_forums = [forum for forum in sessions if forum.kind == "forum" and forum.track_id == tracks["qc"].id]
    ca_forums = [forum for forum in sessions if forum.kind == "forum" and forum.track_id == tracks["ca"].id]
    interviews = [forum for forum in sessions if forum.kind == "interview"]
    if not qc_forums or not ca_forums or len(interviews) < shape.interviews:
        raise ActivityRefused("sessions")
    joined_by = min(forum.starts_at for forum in sessions) - timedelta(days=10)
    joined_from = min(build.opened, joined_by - timedelta(days=10))

    def joined():
        return build.moment(joined_from, joined_by)

    # Québec track: the reference's categories and organisations, one forum each.
    names = {category.name_fr.casefold(): category for category in build.categories.values()}
    qc_categories = [names.get(name.casefold()) for name, number in shape.qc_categories.items()
                     for _ in range(number)]
    rng.shuffle(qc_categories)
    qc_orgs = build.organisations(QC_ORGANISATIONS, shape.qc_organisations, shape.qc_forum)
    qc_people = [build.person("en" if rng.random() < 0.05 else "fr", category, "QC", organisation,
                              "forum-signup", joined(), forum=True)
                 for category, organisation in zip(qc_categories, qc_orgs, strict=True)]
    # Canadian track: the reference's provinces and number of organisations; one to three forums each.
    pairs = build.ca_organisations(shape.ca_provinces, shape.ca_organisations)
    ca_pairs = list(pairs) + [rng.choice(pairs) for _ in range(shape.ca_forum - len(pairs))]
    rng.shuffle(ca_pairs)
    ca_people = [build.person("fr" if rng.random() < 0.08 else "en", build.category(rng.choice(OTHER_CATEGORIES)),
                              province, organisation, "forum-signup", joined(), forum=True)
                 for organisation, province in ca_pairs]
    interviewees = [build.person(rng.choice(["en", "en", "fr"]),
                                 build.category(rng.choice(["professor", "clinician"])), province, organisation,
                                 "forum-signup", joined(), forum=True)
                    for organisation, province in (rng.choice(pairs) for _ in range(shape.interviews))]
    respondents = [build.person("en", build.category(rng.choice(OTHER_CATEGORIES)), province, organisation,
                                "questionnaire", joined())
                   for organisation, province in (rng.choice(pairs) for _ in range(shape.respondents))]
    # People who signed up and never took part.
    absent_qc = [build.person("fr", build.category(rng.choice(OTHER_CATEGORIES)), "QC",
                              rng.choice(QC_ORGANISATIONS[:shape.qc_organisations]), "forum-signup", joined(),
                              forum=True) for _ in range(4)]
    absent_ca = [build.person("en", build.category(rng.choice(OTHER_CATEGORIES)), province, organisation,
                              "forum-signup", joined(), forum=True)
                 for organisation, province in (rng.choice(pairs) for _ in range(2))]
    drafting = build.person("en", build.category("health-professional"), "ON", "", "questionnaire", joined())
    db.session.flush()

    # Sessions: attended, and a few registrations nobody came to.
    for person, forum in round_robin(qc_people, qc_forums):
        build.attend(forum, person)
    for person, forum in round_robin(rng.sample(qc_people, 3), qc_forums):
        if (forum.id, person.id) not in build.registered:
            build.attend(forum, person, attended=False)
    for person, forum in round_robin(absent_qc, qc_forums):
        build.attend(forum, person, attended=False)
    for index, person in enumerate(ca_people):
        count = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
        for step in range(count):
            forum = ca_forums[(index + step * 2) % len(ca_forums)]
            if (forum.id, person.id) not in build.registered:
                # Everyone came to their first forum; some missed a later one.
                build.attend(forum, person, attended=step == 0 or rng.random() > 0.15)
    for person, forum in round_robin(absent_ca, ca_forums):
        build.attend(forum, person, attended=False)
    for person, forum in zip(interviewees, interviews, strict=False):
        build.attend(forum, person)
    db.session.flush()

    # Questionnaire: the respondents submit; one more person leaves a draft.
    questionnaire = find_questionnaire(consultation) or ensure_demo_questionnaire(consultation, now)
    questions = questions_by_topic(questionnaire)
    for person in respondents:
        respond(build, questionnaire, questions, person, submitted=True)
    respond(build, questionnaire, questions, drafting, submitted=False)

    # Written submissions, from people already counted: respondents, interviewees, then both tracks.
    remaining = shape.submissions - len(respondents) - len(interviewees)
    from_ca = remaining // 3
    writers = (respondents + interviewees + rng.sample(ca_people, from_ca)
               + rng.sample(qc_people, remaining - from_ca))
    for number, person in enumerate(writers):
        submit(build, person, number, send=True)
    submit(build, absent_qc[0], len(writers), send=False)

    # Notes taken in the forums and interviews.
    author = staff_with_role("organizer") or staff_with_role("coordinator")
    orientations = [code for code in texts.TOPICS
                    if code in build.topics and build.topics[code].kind == "orientation"]
    # The Québec forums go through the whole proposal, its vision and foundations included.
    whole = [code for code in texts.TOPICS if code in build.topics and code != "G"]
    for forum in qc_forums:
        codes = ["G"] + rng.sample(whole, min(len(whole), rng.randint(9, 12)))
        take_notes(build, forum, codes, "fr", author)
    for forum in ca_forums:
        covered = [topic.code for topic in forum.topics if topic.code in texts.TOPICS] or orientations
        codes = [rng.choice(covered) for _ in range(rng.randint(5, 7))]
        take_notes(build, forum, codes, "en", author)
    for forum, person in zip(interviews, interviewees, strict=False):
        codes = rng.sample(orientations, min(len(orientations), rng.randint(5, 7)))
        take_notes(build, forum, codes, person.preferred_language, author)
    db.session.flush()

    # Each held session's recording, transcribed and partly placed on the topics it discussed.
    analyst = staff_with_role("analyst")
    for forum in sessions:
        topics = [topic for topic in forum.topics if topic.kind == "orientation"] or \
            [build.topics[code] for code in orientations]
        add_transcript(forum, topics, analyst)
    db.session.flush()

    # Analysis: derive the comments, seed the codebook, code, write a few memos.
    coder = staff_with_role("analyst")
    build.report.tally = derive_all(consultation)
    ensure_codebook(consultation, coder)
    code_comments(build, coder)
    for code, memo in texts.MEMOS.items():
        topic = build.topics.get(code)
        if topic is not None and db.session.scalar(select(TopicMemo.id).where(TopicMemo.topic_id == topic.id)) is None:
            db.session.add(TopicMemo(topic_id=topic.id, body_fr=memo["fr"], body_en=memo["en"], updated_by_id=coder,
                                     updated_at=now))
            build.report.memos += 1
    build.report.evaluations = seed_evaluations(build, sessions)
    db.session.flush()
    build.report.took_part = shape.total
    build.report.comments = db.session.scalar(select(func.count(Comment.id)).where(
        Comment.consultation_id == consultation.id)) or 0
    return build.report
