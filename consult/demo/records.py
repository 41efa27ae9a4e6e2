"""What the demo's people leave: questionnaire responses, written submissions with their excerpts,
forum and interview notes, and the codes an analyst applies to the comments derived from them."""
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import (
    Answer,
    AnswerVersion,
    Code,
    Coding,
    Comment,
    Excerpt,
    Forum,
    ForumNote,
    Participant,
    Question,
    Questionnaire,
    Response,
    Submission,
    SubmissionLink,
    SubmissionText,
    Topic,
)
from ..models.questionnaire import PROMPTS
from ..submissions.services import send_submission
from .builder import Builder
from .texts import TOPICS

# The codes an analyst applies for what a remark does: (key, probability).
PROMPT_CODES = {
    "liked": [("BONIFIER", 0.2)],
    "disliked": [("MODIFIER", 0.5), ("BONIFIER", 0.15)],
    "unclear": [("PRECISER", 0.8)],
    "adjust": [("MODIFIER", 0.7), ("PRECISER", 0.15)],
    "missing": [("INCLURE", 0.8), ("BONIFIER", 0.15)],
}
THEME_CODED = 0.65


def questions_by_topic(questionnaire: Questionnaire) -> dict[int, list[Question]]:
    """{topic id: its questions}, for the questions about a topic."""
    grouped: dict[int, list[Question]] = {}
    for page in questionnaire.pages:
        for question in page.questions:
            if question.topic_id is not None:
                grouped.setdefault(question.topic_id, []).append(question)
    return grouped


def respond(build: Builder, questionnaire: Questionnaire, questions: dict[int, list[Question]],
             person: Participant, submitted: bool) -> None:
    """A response answering about half the topics, each with a few of the five prompts."""
    rng = build.rng
    started = build.moment(build.opened, build.now - timedelta(days=2))
    finished = build.moment(started, build.now - timedelta(days=1))
    response = Response(questionnaire_id=questionnaire.id, participant_id=person.id, created_at=started,
                        started_at=started, updated_at=finished, status="submitted" if submitted else "draft",
                        version=1 if submitted else 0, submitted_at=finished if submitted else None)
    db.session.add(response)
    db.session.flush()
    topic_ids = [topic_id for topic_id in questions if rng.random() < (0.7 if submitted else 0.1)]
    if not topic_ids:
        topic_ids = [next(iter(questions))]
    for topic_id in topic_ids:
        code = build.phrase_code(db.session.get(Topic, topic_id))
        for question in questions[topic_id]:
            if question.kind == "long_text" and question.prompt in PROMPTS and rng.random() < 0.5:
                # Someone answers a prompt only with something that answers it.
                remark = build.texts.remark(code, person.preferred_language, question.prompt)
                if remark is None:
                    continue
                value = build.written(remark)
            elif question.kind == "agreement" and question.option_values and rng.random() < 0.8:
                value = rng.choice(question.option_values[:4])
            else:
                continue
            answer = Answer(response_id=response.id, question_id=question.id, value=value, updated_at=finished)
            db.session.add(answer)
            if submitted:
                # What was submitted is the answer's version 1: comments are derived from it.
                answer.versions.append(AnswerVersion(value=value, saved_at=finished, response_version=1))
    if submitted:
        build.report.responses += 1
    db.session.flush()


def submit(build: Builder, person: Participant, number: int, send: bool) -> None:
    """A written submission on two to five topics, most of them received by email as in the reference,
    with one excerpt per topic text."""
    rng = build.rng
    lang = person.preferred_language
    by_email = rng.random() < 0.7
    submission = Submission(
        consultation_id=build.consultation.id, participant_id=person.id, language=lang, status="draft",
        general_text=build.texts.opening(lang), source="email" if by_email else "form",
        message_id=f"<demo-{number}.{person.id}@example.org>" if by_email else None,
        created_at=build.moment(build.opened, build.now - timedelta(days=1)))
    db.session.add(submission)
    candidates = [(topic, build.phrase_code(topic)) for topic in build.topics.values()
                  if topic.kind in ("orientation", "axis") or topic.code in TOPICS]
    candidates = [(topic, code) for topic, code in candidates if build.texts.has_remark(code, lang)]
    chosen = rng.sample(candidates, min(len(candidates), rng.randint(2, 5)))
    texts = {}
    for topic, code in chosen:
        remarks = [build.texts.remark(code, lang) for _ in range(rng.choice([1, 1, 2]))]
        remarks = [remark for remark in remarks if remark is not None]
        if not remarks:
            continue
        text = "\n\n".join(build.written(remark) for remark in remarks)
        # The first remark says what the passage asks for, which guides its codes.
        texts[topic.id] = (topic, text, remarks[0]["prompt"])
        submission.texts.append(SubmissionText(topic_id=topic.id, text=text))
    if rng.random() < 0.3:
        submission.links.append(SubmissionLink(position=0, url=f"https://example.org/publications/{number + 1}",
                                               title="Rapport de recherche" if lang == "fr" else "Research report"))
    db.session.flush()
    if not send:
        return
    send_submission(submission, receipt=False, at=submission.created_at + timedelta(hours=rng.randint(1, 30)))
    if rng.random() < 0.5:
        submission.status, submission.processed_at = "processed", submission.submitted_at + timedelta(days=2)
    for topic, text, prompt in texts.values():
        # The analysts cut each topic's text as one excerpt.
        excerpt = Excerpt(submission_id=submission.id, topic_id=topic.id, language=lang, text=text,
                          created_at=submission.submitted_at + timedelta(days=1))
        db.session.add(excerpt)
        db.session.flush()
        build.prompts[("excerpt", excerpt.id)] = prompt
    build.report.submissions += 1


def take_notes(build: Builder, forum: Forum, codes: list[str], lang: str, author: int | None) -> None:
    """The notes taken in a session, one per topic discussed, as far as there are notes to take."""
    for code in codes:
        topic = build.topics.get(code)
        body = build.texts.note(code, lang) if topic is not None else None
        if body is None:
            continue
        note = ForumNote(forum_id=forum.id, topic_id=topic.id, author_id=author, language=lang, body=body,
                         created_at=forum.ends_at + timedelta(hours=2))
        db.session.add(note)
        db.session.flush()
        build.prompts[("note", note.id)] = build.prompt()
        build.report.notes += 1


def code_comments(build: Builder, coder: int | None) -> None:
    """Codes as an analyst would apply them: modification codes from what each remark asks for, and
    the theme of its orientation for most."""
    rng = build.rng
    consultation = build.consultation
    codes = {code.key: code for code in db.session.scalars(select(Code).where(
        Code.consultation_id == consultation.id, Code.status == "active"))}
    themes: dict[int, list[Code]] = {}
    for code in codes.values():
        if code.theme_id is not None and code.theme is not None:
            themes.setdefault(code.theme.topic_id, []).append(code)
    comments = db.session.scalars(select(Comment).where(Comment.consultation_id == consultation.id)
                                  .order_by(Comment.id)).all()
    for comment in comments:
        if any(text in comment.text for text in build.off_topic):
            continue  # about something else: nothing in the codebook fits
        if comment.answer_id is not None:
            prompt = comment.prompt
        elif comment.excerpt_id is not None:
            prompt = build.prompts.get(("excerpt", comment.excerpt_id), "")
        else:
            prompt = build.prompts.get(("note", comment.note_id), "")
        applied = [codes[key] for key, chance in PROMPT_CODES.get(prompt, []) if key in codes and rng.random() < chance]
        if comment.topic_id in themes and rng.random() < THEME_CODED:
            applied.append(rng.choice(themes[comment.topic_id]))
        for code in dict.fromkeys(applied):
            db.session.add(Coding(comment_id=comment.id, code_id=code.id, coder_id=coder,
                                  created_at=comment.source_date + timedelta(days=3)))
            build.report.codings += 1
    db.session.flush()
