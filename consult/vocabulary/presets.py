"""Presets a consultation starts from: the names of its tree's levels, its questionnaire's prompts
and its codebook's modification codes. They are content, stored on the consultation in both
languages and edited there; the reference consultation's choices are the defaults."""


def _names(fr_one, fr_many, en_one, en_many) -> dict:
    return {"singular": {"fr": fr_one, "en": en_one}, "plural": {"fr": fr_many, "en": en_many}}


# Top level first. A tree has one level per entry; general sections stand outside the levels.
LEVEL_PRESETS: dict[str, list[dict]] = {
    "axes": [_names("axe", "axes", "axis", "axes"),
             _names("orientation", "orientations", "orientation", "orientations")],
    "sections": [_names("section", "sections", "section", "sections"),
                 _names("élément", "éléments", "item", "items")],
    "themes": [_names("thème", "thèmes", "theme", "themes"),
               _names("sous-thème", "sous-thèmes", "sub-theme", "sub-themes")],
    "recommendations": [
        _names("recommandation principale", "recommandations principales", "main recommendation",
               "main recommendations"),
        _names("recommandation détaillée", "recommandations détaillées", "detailed recommendation",
               "detailed recommendations")],
    "questions": [_names("question", "questions", "question", "questions")],
}
DEFAULT_LEVELS = "axes"  # a structure file that names no levels keeps the names files have always had
# What the new-consultation form proposes: words no consultation in particular uses.
NEW_CONSULTATION_LEVELS = "sections"

# What each question of a generated questionnaire asks about every item of the tree.
PROMPT_PRESETS: dict[str, list[dict]] = {
    "reference": [
        {"key": "liked", "label": {"fr": "Ce que vous appréciez", "en": "What you like"}},
        {"key": "disliked", "label": {"fr": "Ce que vous n'appréciez pas", "en": "What you dislike"}},
        {"key": "unclear", "label": {"fr": "Ce qui est peu clair", "en": "What is unclear"}},
        {"key": "adjust", "label": {"fr": "Ce qui devrait être ajusté", "en": "What should be adjusted"}},
        {"key": "missing", "label": {"fr": "Ce qui manque", "en": "What is missing"}},
    ],
    "short": [
        {"key": "strengths", "label": {"fr": "Points forts", "en": "Strengths"}},
        {"key": "concerns", "label": {"fr": "Préoccupations", "en": "Concerns"}},
        {"key": "suggestions", "label": {"fr": "Suggestions", "en": "Suggestions"}},
    ],
    "open": [
        {"key": "comments", "label": {"fr": "Vos commentaires", "en": "Your comments"}},
    ],
}
DEFAULT_PROMPTS = "reference"

# The modification codes analysts apply, each in one of the report's two groups of proposed changes.
CODEBOOK_PRESETS: dict[str, dict] = {
    "reference": {
        "groups": {"clarify": {"fr": "À préciser ou à modifier", "en": "To clarify or change"},
                   "strengthen": {"fr": "Manquant ou à bonifier", "en": "Missing or to strengthen"}},
        "codes": [
            {"key": "PRECISER", "label": {"fr": "Préciser", "en": "Clarify"}, "group": "clarify", "shortcut": "1",
             "description": {"fr": "Rendre plus clair ou plus explicite ce qui est déjà proposé.",
                             "en": "Make what is already proposed clearer or more explicit."}},
            {"key": "MODIFIER", "label": {"fr": "Modifier", "en": "Change"}, "group": "clarify", "shortcut": "2",
             "description": {"fr": "Changer une partie de ce qui est proposé.",
                             "en": "Change part of what is proposed."}},
            {"key": "INCLURE", "label": {"fr": "Inclure", "en": "Include"}, "group": "strengthen", "shortcut": "3",
             "description": {"fr": "Ajouter un élément absent de la proposition.",
                             "en": "Add something the proposal leaves out."}},
            {"key": "BONIFIER", "label": {"fr": "Bonifier", "en": "Strengthen"}, "group": "strengthen",
             "shortcut": "4",
             "description": {"fr": "Renforcer ou élargir un élément déjà proposé.",
                             "en": "Strengthen or widen something already proposed."}},
        ],
    },
    "findings": {
        "groups": {"clarify": {"fr": "Ce qui fonctionne ou pose problème", "en": "What works or fails"},
                   "strengthen": {"fr": "Ce qui manque", "en": "What is missing"}},
        "codes": [
            {"key": "SUPPORT", "label": {"fr": "Appui", "en": "Support"}, "group": "clarify", "shortcut": "1",
             "description": {"fr": "Ce qui est appuyé tel quel.", "en": "What is supported as it stands."}},
            {"key": "BARRIER", "label": {"fr": "Obstacle", "en": "Barrier"}, "group": "clarify", "shortcut": "2",
             "description": {"fr": "Ce qui empêche ou freine.", "en": "What prevents or slows down."}},
            {"key": "GAP", "label": {"fr": "Lacune", "en": "Gap"}, "group": "strengthen", "shortcut": "3",
             "description": {"fr": "Ce qui est absent.", "en": "What is absent."}},
        ],
    },
}
DEFAULT_CODEBOOK = "reference"
REPORT_GROUPS = ("clarify", "strengthen")


def copy(value):
    """A deep copy of a preset, so that editing a consultation's never changes the preset."""
    if isinstance(value, dict):
        return {key: copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy(item) for item in value]
    return value


def default(name: str):
    """A new consultation's "levels", "prompts" or "codebook": the reference consultation's."""
    return copy({"levels": LEVEL_PRESETS[DEFAULT_LEVELS], "prompts": PROMPT_PRESETS[DEFAULT_PROMPTS],
                 "codebook": CODEBOOK_PRESETS[DEFAULT_CODEBOOK]}[name])


def level_preset_label(key: str, lang: str) -> str:
    """"axe / orientation": how a creation form names a level preset, in its own words."""
    return " / ".join(level["singular"][lang] for level in LEVEL_PRESETS[key])
