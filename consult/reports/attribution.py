"""Anonymous attribution of what someone said: "A clinician from Alberta", « Une personne clinicienne
de l'Alberta ». Only the category and the province ever go into it: never a name, an email address,
a pseudonym or an organisation.

These are report content written in the report's language (like the questionnaire's default
titles), not interface strings: both languages are kept side by side here, with the French
prepositions a province name takes (« de l'Alberta », « du Manitoba », « de la Saskatchewan »).
"""
from ..i18n import localized
from ..models import Comment, Participant

# The singular person of each category of the reference consultation; a category whose code is
# not here is named by its (plural) name in brackets after the neutral fallback.
CATEGORY_PERSON = {
    "professor": {"fr": "Une personne du corps professoral", "en": "A professor"},
    "health-professional": {"fr": "Une personne professionnelle de la santé",
                            "en": "A health or other professional"},
    "doctoral-student": {"fr": "Une personne étudiante au doctorat", "en": "A doctoral student"},
    "clinician": {"fr": "Une personne clinicienne", "en": "A clinician"},
    "patient-partner": {"fr": "Une personne usagère ou citoyenne partenaire", "en": "A care user or citizen partner"},
}
SOMEONE = {"fr": "Une personne participante", "en": "A participant"}
FROM_PROVINCE = {
    "AB": {"fr": "de l'Alberta", "en": "from Alberta"},
    "BC": {"fr": "de la Colombie-Britannique", "en": "from British Columbia"},
    "MB": {"fr": "du Manitoba", "en": "from Manitoba"},
    "NB": {"fr": "du Nouveau-Brunswick", "en": "from New Brunswick"},
    "NL": {"fr": "de Terre-Neuve-et-Labrador", "en": "from Newfoundland and Labrador"},
    "NS": {"fr": "de la Nouvelle-Écosse", "en": "from Nova Scotia"},
    "NT": {"fr": "des Territoires du Nord-Ouest", "en": "from the Northwest Territories"},
    "NU": {"fr": "du Nunavut", "en": "from Nunavut"},
    "ON": {"fr": "de l'Ontario", "en": "from Ontario"},
    "PE": {"fr": "de l'Île-du-Prince-Édouard", "en": "from Prince Edward Island"},
    "QC": {"fr": "du Québec", "en": "from Quebec"},
    "SK": {"fr": "de la Saskatchewan", "en": "from Saskatchewan"},
    "YT": {"fr": "du Yukon", "en": "from Yukon"},
}
# A country would single out the one participant from abroad in a small consultation.
FROM_ABROAD = {"fr": "de l'extérieur du Canada", "en": "from outside Canada"}
# Notes taken by staff speak for a group, not for one person.
FORUM_GROUP = {"fr": "Des personnes participant à un forum", "en": "Forum participants"}
INTERVIEWEE = {"fr": "Une personne experte en entretien", "en": "An expert in an interview"}


def _lang(lang: str) -> str:
    return lang if lang in SOMEONE else "en"


def person(participant: Participant | None, lang: str) -> str:
    """Who said it, anonymously, in `lang`."""
    lang = _lang(lang)
    if participant is None:
        return SOMEONE[lang]
    category = participant.category
    if category is None:
        who = SOMEONE[lang]
    elif category.code in CATEGORY_PERSON:
        who = CATEGORY_PERSON[category.code][lang]
    else:
        name = localized(category, "name", lang).text
        who = f"{SOMEONE[lang]} ({name})" if name else SOMEONE[lang]
    region = (participant.region or "").strip().upper()
    if region in FROM_PROVINCE:
        return f"{who} {FROM_PROVINCE[region][lang]}"
    if region:
        return f"{who} {FROM_ABROAD[lang]}"
    return who


def of_comment(comment: Comment, lang: str) -> str:
    """The attribution of a comment: its participant's, or the group a forum or interview note speaks for."""
    lang = _lang(lang)
    if comment.participant is not None:
        return person(comment.participant, lang)
    if comment.channel == "interview":
        return INTERVIEWEE[lang]
    if comment.channel == "forum":
        if comment.track is not None:
            track = localized(comment.track, "name", lang).text
            if track:
                return f"{FORUM_GROUP[lang]} ({track})"
        return FORUM_GROUP[lang]
    return SOMEONE[lang]
