"""The organizers' work on a questionnaire: generate it from the policy tree, edit, reorder and add
questions, set its dates and access. Every function flushes; the caller commits. Every change is
recorded as an AuditEvent."""
from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import func, select

from ..audit import record as audit
from ..extensions import db
from ..lookups import get_owned_or_404
from ..models import Answer, Channel, Consultation, Question, Questionnaire, QuestionnairePage, Topic
from ..models.questionnaire import DEFAULT_MAX_LENGTH
from ..tree import load_tree
from ..vocabulary.terms import prompt_labels

# Content, not interface: stored in both languages whatever the language of the page (like the
# suggested interview titles), then edited by the organizer.
DEFAULT_TITLES = {"fr": "Questionnaire de consultation en ligne", "en": "Online consultation questionnaire"}
# With the consultation's name for the level people answer ("{level}", plural "{levels}") and its prompts.
DEFAULT_INTROS = {
    "fr": "Pour chaque {level} de la proposition, quelques questions : {prompts}. Répondez seulement pour "
          "les {levels} que vous connaissez : vous pouvez passer les autres. Vos réponses sont enregistrées au "
          "fur et à mesure ; vous pouvez revenir plus tard, depuis n'importe quel appareil.",
    "en": "For each {level} of the proposal, a few questions: {prompts}. Answer only for the {levels} you know: "
          "you can skip the others. Your answers are saved as you go; you can come back later, from any device.",
}
AGREEMENT_LABEL = {"fr": "Dans l'ensemble, êtes-vous d'accord avec ce qui est proposé ici ?",
                   "en": "Overall, do you agree with what is proposed here?"}
AGREEMENT_OPTIONS = [
    {"value": "5", "label_fr": "Tout à fait d'accord", "label_en": "Strongly agree"},
    {"value": "4", "label_fr": "Plutôt d'accord", "label_en": "Somewhat agree"},
    {"value": "3", "label_fr": "Ni d'accord ni en désaccord", "label_en": "Neither agree nor disagree"},
    {"value": "2", "label_fr": "Plutôt en désaccord", "label_en": "Somewhat disagree"},
    {"value": "1", "label_fr": "Tout à fait en désaccord", "label_en": "Strongly disagree"},
]
# The default scale of a new Likert question; the organizer may change its labels.
LIKERT_OPTIONS = AGREEMENT_OPTIONS
GENERAL_PAGE_TITLE = {"fr": "Questions générales", "en": "General questions"}
CHOICE_KINDS = ("single_choice", "multiple_choice")
SCALE_KINDS = ("likert", "agreement")




def _in_languages(texts: dict[str, str], consultation: Consultation) -> dict[str, str]:
    """The text in each language the consultation is held in, empty in the others."""
    offered = consultation.language_list or ["fr", "en"]
    return {lang: (texts[lang] if lang in offered else "") for lang in ("fr", "en")}


# -- the questionnaire itself ---------------------------------------------------------------

def find_questionnaire(consultation: Consultation) -> Questionnaire | None:
    return db.session.scalar(select(Questionnaire).where(Questionnaire.consultation_id == consultation.id))


def get_or_create_questionnaire(consultation: Consultation, actor_id: int | None = None) -> Questionnaire:
    """The consultation's questionnaire; a new one is a draft with the questionnaire channel's dates."""
    questionnaire = find_questionnaire(consultation)
    if questionnaire is not None:
        return questionnaire
    channel = db.session.scalar(select(Channel).where(Channel.consultation_id == consultation.id,
                                                      Channel.kind == "questionnaire"))
    title = _in_languages(DEFAULT_TITLES, consultation)
    intro = _in_languages(default_intros(consultation), consultation)
    questionnaire = Questionnaire(
        consultation_id=consultation.id, title_fr=title["fr"], title_en=title["en"], intro_fr=intro["fr"],
        intro_en=intro["en"], access="open", status="draft",
        opens_at=channel.opens_at if channel else consultation.opens_at,
        closes_at=channel.closes_at if channel else consultation.closes_at)
    db.session.add(questionnaire)
    db.session.flush()
    audit(actor_id, "questionnaire.created", "questionnaire", questionnaire.id, consultation.id)
    return questionnaire


SETTINGS_FIELDS = ("title_fr", "title_en", "intro_fr", "intro_en", "access", "status", "opens_at", "closes_at")


def update_settings(questionnaire: Questionnaire, values: dict, actor_id: int | None) -> list[str]:
    changed = []
    for name in SETTINGS_FIELDS:
        if name in values and getattr(questionnaire, name) != values[name]:
            setattr(questionnaire, name, values[name])
            changed.append(name)
    db.session.flush()
    if changed:
        audit(actor_id, "questionnaire.settings", "questionnaire", questionnaire.id, questionnaire.consultation_id,
              fields=changed)
    return changed


# -- generating from the tree ---------------------------------------------------------------

@dataclass
class GenerateReport:
    pages_created: int = 0
    questions_created: int = 0


def subjects_of(root: Topic) -> list[Topic]:
    """What a page asks about: the orientations of an axis, the sub-sections of a section, or the
    section itself when it has none."""
    leaves: list[Topic] = []

    def walk(node):
        if not node.children:
            leaves.append(node)
        for child in node.children:
            walk(child)

    walk(root)
    return leaves


# What may end a prompt's label ("What would you add?"), spaces before it included (French "ajouter ?").
_LABEL_END = " \u00a0\u202f.?!:;…"


def listed_prompts(labels: list[str], lang: str) -> str:
    """The prompts inside the introduction's sentence: "ce que vous appuyez ; ce que vous changeriez",
    each without its own end mark (the sentence has one), separated as each language writes a list."""
    items = [label.strip().rstrip(_LABEL_END) for label in labels]
    return (" ; " if lang == "fr" else "; ").join(item[:1].lower() + item[1:] for item in items if item)


def default_intros(consultation: Consultation) -> dict[str, str]:
    """The introduction of a new questionnaire, in the consultation's words."""
    vocab = consultation.vocabulary
    intros = {}
    for lang in ("fr", "en"):
        prompts = listed_prompts(prompt_labels(consultation, lang), lang)
        intros[lang] = DEFAULT_INTROS[lang].format(level=vocab.term(vocab.leaf, lang=lang).text,
                                                   levels=vocab.plural(vocab.leaf, lang=lang).text, prompts=prompts)
    return intros


def default_prompt_labels(consultation: Consultation) -> dict[str, dict[str, str]]:
    """{prompt key: {"fr", "en"}}: the consultation's prompts, in the order it asks them."""
    return {prompt["key"]: _in_languages({lang: (prompt.get("label") or {}).get(lang, "") for lang in ("fr", "en")},
                                         consultation)
            for prompt in consultation.prompt_set}


def generate(questionnaire: Questionnaire, labels: dict[str, dict[str, str]] | None = None,
             agreement: bool = False, actor_id: int | None = None) -> GenerateReport:
    """One page per root of the tree (section or first-level topic); for each item under it the
    consultation's prompts as long-text questions, plus the agreement scale if asked. Running it again only adds what is
    missing (a new orientation, the agreement scale): nothing is duplicated or overwritten."""
    consultation = questionnaire.consultation
    labels = labels or default_prompt_labels(consultation)
    report = GenerateReport()
    pages = {page.topic_id: page for page in questionnaire.pages if page.topic_id is not None}
    existing = set(db.session.execute(
        select(Question.topic_id, Question.prompt).join(QuestionnairePage)
        .where(QuestionnairePage.questionnaire_id == questionnaire.id, Question.topic_id.is_not(None))
    ).all())
    next_page = max([page.position for page in questionnaire.pages] or [0]) + 1
    agreement_label = _in_languages(AGREEMENT_LABEL, consultation)
    for root in load_tree(consultation).roots:
        page = pages.get(root.id)
        if page is None:
            page = QuestionnairePage(questionnaire=questionnaire, topic_id=root.id, position=next_page,
                                     title_fr=root.title_fr, title_en=root.title_en)
            db.session.add(page)
            next_page += 1
            report.pages_created += 1
        position = max([question.position for question in page.questions] or [0]) + 1
        for subject in subjects_of(root):
            wanted = [(prompt, "long_text", label, []) for prompt, label in labels.items()]
            if agreement:
                wanted.append(("agreement", "agreement", agreement_label, [dict(o) for o in AGREEMENT_OPTIONS]))
            for prompt, kind, label, options in wanted:
                if (subject.id, prompt) in existing:
                    continue
                page.questions.append(Question(topic_id=subject.id, kind=kind, prompt=prompt,
                                               label_fr=label.get("fr", ""), label_en=label.get("en", ""),
                                               position=position, max_length=DEFAULT_MAX_LENGTH,
                                               options=options, required=False))
                existing.add((subject.id, prompt))
                position += 1
                report.questions_created += 1
    db.session.flush()
    audit(actor_id, "questionnaire.generated", "questionnaire", questionnaire.id, consultation.id,
          pages=report.pages_created, questions=report.questions_created, agreement=agreement)
    return report


# -- questions and pages --------------------------------------------------------------------

def get_question(questionnaire: Questionnaire, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.page.questionnaire_id != questionnaire.id:
        abort(404)
    return question


def get_page(questionnaire: Questionnaire, page_id: int) -> QuestionnairePage:
    return get_owned_or_404(QuestionnairePage, page_id, questionnaire_id=questionnaire.id)


QUESTION_FIELDS = ("label_fr", "label_en", "help_fr", "help_en", "required", "max_length", "options")


def keep_option_values(new: list[dict], old: list[dict]) -> list[dict]:
    """Stored answers hold option values: an edited option keeps its value, so relabelling or
    reordering never changes what an existing answer means. Matched by label, then by position;
    options that are really new get values never used before."""
    unused = list(old)
    kept: list[dict | None] = []
    for option in new:
        match = next((o for o in unused if o.get("label_fr") == option["label_fr"]
                      or o.get("label_en") == option["label_en"]), None)
        if match is not None:
            unused.remove(match)
        kept.append(match)
    for index in range(len(new)):
        if kept[index] is None and index < len(old) and old[index] in unused:
            kept[index] = old[index]
            unused.remove(old[index])
    taken = [int(o["value"]) for o in old if str(o.get("value", "")).isdigit()]
    next_value = max(taken or [0]) + 1
    result = []
    for option, match in zip(new, kept, strict=True):
        if match is None:
            value, next_value = str(next_value), next_value + 1
        else:
            value = match["value"]
        result.append({**option, "value": value})
    return result


def apply_question_values(question, values: dict) -> list[str]:
    """Set what the question form edits on any question (a questionnaire's or an evaluation's): an empty
    scale keeps its options, edited options keep their values. Returns the names changed."""
    if "options" in values:
        if question.kind in SCALE_KINDS and not values["options"]:
            values = {**values, "options": [dict(option) for option in (question.options or LIKERT_OPTIONS)]}
        else:
            values = {**values, "options": keep_option_values(values["options"], question.options or [])}
    changed = []
    for name in QUESTION_FIELDS:
        if name in values and getattr(question, name) != values[name]:
            setattr(question, name, values[name])
            changed.append(name)
    return changed


def update_question(question: Question, values: dict, actor_id: int | None) -> list[str]:
    changed = apply_question_values(question, values)
    db.session.flush()
    if changed:
        audit(actor_id, "questionnaire.question_updated", "question", question.id,
              question.page.questionnaire.consultation_id, fields=changed)
    return changed


def add_question(page: QuestionnairePage, values: dict, actor_id: int | None) -> Question:
    position = max([question.position for question in page.questions] or [0]) + 1
    question = Question(kind=values["kind"], prompt="", position=position, topic_id=None,
                        **{name: values[name] for name in QUESTION_FIELDS if name in values})
    if question.kind in SCALE_KINDS and not question.options:
        question.options = [dict(option) for option in LIKERT_OPTIONS]
    page.questions.append(question)
    db.session.flush()
    audit(actor_id, "questionnaire.question_added", "question", question.id, page.questionnaire.consultation_id,
          kind=question.kind, page=page.id)
    return question


def add_page(questionnaire: Questionnaire, title_fr: str, title_en: str, actor_id: int | None) -> QuestionnairePage:
    position = max([page.position for page in questionnaire.pages] or [0]) + 1
    page = QuestionnairePage(questionnaire=questionnaire, topic_id=None, position=position,
                             title_fr=title_fr, title_en=title_en)
    db.session.add(page)
    db.session.flush()
    audit(actor_id, "questionnaire.page_added", "questionnaire_page", page.id, questionnaire.consultation_id)
    return page


def rename_page(page: QuestionnairePage, title_fr: str, title_en: str, actor_id: int | None) -> None:
    page.title_fr, page.title_en = title_fr, title_en
    db.session.flush()
    audit(actor_id, "questionnaire.page_renamed", "questionnaire_page", page.id, page.questionnaire.consultation_id)


def page_has_answers(page: QuestionnairePage) -> bool:
    question_ids = [question.id for question in page.questions]
    return bool(question_ids) and bool(db.session.scalar(
        select(func.count()).select_from(Answer).where(Answer.question_id.in_(question_ids))))


def delete_page(page: QuestionnairePage, actor_id: int | None) -> bool:
    """A page and its questions, only while none of them has an answer: answers are never thrown away."""
    if page_has_answers(page):
        return False
    questionnaire = page.questionnaire
    audit(actor_id, "questionnaire.page_deleted", "questionnaire_page", page.id, questionnaire.consultation_id,
          title_fr=page.title_fr, title_en=page.title_en, questions=len(page.questions))
    questionnaire.pages.remove(page)
    db.session.flush()
    return True


def swap_positions(items: list, item, direction: str) -> bool:
    """Exchange the positions of item and its neighbour; renumbers first so that ties cannot stick."""
    for number, each in enumerate(items, start=1):
        each.position = number
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(items):
        return False
    items[index].position, items[other].position = items[other].position, items[index].position
    return True


def move_question(question: Question, direction: str, actor_id: int | None) -> bool:
    siblings = sorted(question.page.questions, key=lambda each: (each.position, each.id))
    moved = swap_positions(siblings, question, direction)
    db.session.flush()
    if moved:
        audit(actor_id, "questionnaire.question_moved", "question", question.id,
              question.page.questionnaire.consultation_id, direction=direction)
    return moved


def move_page(page: QuestionnairePage, direction: str, actor_id: int | None) -> bool:
    siblings = sorted(page.questionnaire.pages, key=lambda each: (each.position, each.id))
    moved = swap_positions(siblings, page, direction)
    db.session.flush()
    if moved:
        audit(actor_id, "questionnaire.page_moved", "questionnaire_page", page.id,
              page.questionnaire.consultation_id, direction=direction)
    return moved


def answer_count(question: Question) -> int:
    return db.session.scalar(select(func.count()).select_from(Answer).where(Answer.question_id == question.id))


def delete_question(question: Question, actor_id: int | None) -> bool:
    """Only a question nobody has answered yet: answers are never thrown away."""
    if answer_count(question):
        return False
    consultation_id = question.page.questionnaire.consultation_id
    audit(actor_id, "questionnaire.question_deleted", "question", question.id, consultation_id,
          label_fr=question.label_fr, label_en=question.label_en)
    question.page.questions.remove(question)
    db.session.flush()
    return True


# -- the demo -------------------------------------------------------------------------------

def ensure_demo_questionnaire(consultation: Consultation, now: datetime) -> Questionnaire:
    """The demo's questionnaire: generated from the tree with the agreement scale, open access,
    published, on the questionnaire channel's dates (open today)."""
    questionnaire = get_or_create_questionnaire(consultation)
    generate(questionnaire, agreement=True)
    channel = db.session.scalar(select(Channel).where(Channel.consultation_id == consultation.id,
                                                      Channel.kind == "questionnaire"))
    values = {"access": "open", "status": "published",
              "opens_at": channel.opens_at if channel else consultation.opens_at,
              "closes_at": channel.closes_at if channel else consultation.closes_at}
    if values["opens_at"] is None or values["opens_at"] > now:
        values["opens_at"] = now
    update_settings(questionnaire, values, None)
    return questionnaire
