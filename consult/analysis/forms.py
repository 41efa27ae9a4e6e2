"""The workspace's filter form: read from the query string (GET, no CSRF: it changes nothing), so a
filtered view is a URL that can be shared. A value the consultation does not know is an error
shown next to its filter, never ignored."""
import threading
from dataclasses import dataclass

from cachetools import LRUCache
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy import select, text
from wtforms import SearchField, SelectField
from wtforms.validators import ValidationError

from .. import change_stamps
from ..channels import channel_labels
from ..extensions import db
from ..i18n import current_language, localized, translated_once
from ..models import Code, ParticipantCategory, StaffRole, StaffUser, Theme, Topic, Track
from ..participants.regions import find_country, province_choices, region_name
from ..participants.services import REGIONS
from ..permissions import roles_with
from ..vocabulary.terms import pick
from . import stamped
from .queries import Filters
from .search import parse

MAX_QUERY_LENGTH = 2000


class CheckedSelect(SelectField):
    """A select whose unknown values get a message that names the filter, not WTForms' generic one."""

    def __init__(self, label=None, validators=None, invalid=None, **kwargs):
        super().__init__(label, validators, validate_choice=False, **kwargs)
        self.id = f"filter-{self.name}"
        self.invalid = invalid
        self.extra_values: set[str] = set()  # also valid, though not offered (a country nobody is from now)

    def _values(self) -> set[str]:
        values = set(self.extra_values)
        choices = self.choices or []
        groups = choices.values() if isinstance(choices, dict) else [choices]
        for group in groups:
            values.update(str(choice[0]) for choice in group)
        return values

    def pre_validate(self, form):
        if (self.data or "") not in self._values():
            raise ValidationError(self.invalid)

    def options_html(self) -> Markup:
        """The list's <option>s (in their groups), the current value selected."""
        current = self.data or ""
        return Markup("".join(selected if value == current else plain
                              for value, plain, selected in _options_of(self.choices or [])))


# The options of the lists last shown, escaped once per worker: the same dozen lists come back on every
# analysis page, and rendering them option by option was a tenth of its time.
_RENDERED_OPTIONS: LRUCache = LRUCache(maxsize=256)
_RENDERED_OPTIONS_LOCK = threading.Lock()


def _options_of(choices) -> tuple:
    """(value, html, html selected) per option; None for the tags around a group. Labels are text."""
    groups = choices if isinstance(choices, dict) else {"": choices}
    key = tuple((title, tuple(options)) for title, options in groups.items())  # (value, label) pairs of text
    with _RENDERED_OPTIONS_LOCK:
        found = _RENDERED_OPTIONS.get(key)
    if found is not None:
        return found
    pieces = []
    for title, options in key:
        if title:
            opening = f'<optgroup label="{escape(title)}">'
            pieces.append((None, opening, opening))
        for value, label in options:
            pieces.append((str(value), f'<option value="{escape(value)}">{escape(label)}</option>',
                           f'<option value="{escape(value)}" selected>{escape(label)}</option>'))
        if title:
            pieces.append((None, "</optgroup>", "</optgroup>"))
    found = tuple(pieces)
    with _RENDERED_OPTIONS_LOCK:
        _RENDERED_OPTIONS[key] = found
    return found


def _optional_id(value: str) -> int | None:
    return int(value) if value else None


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Search"), id="filter-q", description=_l(
        'Words find every form that starts with them; "quoted words" find that phrase; -word leaves out '
        "comments with that word; OR between two words finds either."))
    channel = CheckedSelect(_l("Channel"), default="", invalid=_l("Choose a channel from the list."))
    track = CheckedSelect(_l("Track"), default="", invalid=_l("This consultation has no such track."))
    category = CheckedSelect(_l("Participant category"), default="",
                             invalid=_l("This consultation has no such participant category."))
    province = CheckedSelect(_l("Province or country"), default="",
                             invalid=_l("Choose a province, a territory or a country from the list."))
    language = CheckedSelect(_l("Language"), default="", invalid=_l("Choose French or English."))
    prompt = CheckedSelect(_l("Question asked"), default="", invalid=_l("Choose a question from the list."))
    code = CheckedSelect(_l("Code"), default="", invalid=_l("This consultation's codebook has no such code."))
    theme = CheckedSelect(_l("Theme"), default="", invalid=_l("This consultation has no such theme."))
    coded = CheckedSelect(_l("Coding"), default="", invalid=_l("Choose coded or not coded yet."))
    visibility = CheckedSelect(_l("Visibility"), default="visible",
                               invalid=_l("Choose visible, flagged, hidden or all."))
    review = CheckedSelect(_l("Text changed since coding"), default="", invalid=_l("Choose from the list."))
    coder = CheckedSelect(_l("Coded by"), default="", invalid=_l("No analyst has this identifier."))
    suggestion = CheckedSelect(_l("Suggested places"), default="", invalid=_l("Choose from the list."))
    topic = CheckedSelect(_l("Topic"), default="", invalid=_l("Choose all topics or no topic yet."))
    sort = CheckedSelect(_l("Sort by"), default="newest", invalid=_l("Choose an order from the list."))

    def __init__(self, consultation, args, with_topic: bool = False):
        super().__init__(formdata=args)
        self.consultation = consultation
        self.with_topic = with_topic
        if not with_topic:
            del self.topic
        self._choices()

    def _choices(self):
        consultation = self.consultation
        fixed = _fixed_lists()
        every = fixed["every"]
        self.channel.choices = list(fixed["channel"])
        lists = stamped.kept(("filter lists", consultation.id, current_language(), tuple(consultation.language_list)),
                             lambda: _lists(consultation), change_stamps.LISTS)
        self.track.choices = [every] + [(code, label) for code, label, _id in lists.tracks]
        self._tracks = {code: item_id for code, _label, item_id in lists.tracks}
        self.category.choices = [every] + [(code, label) for code, label, _id in lists.categories]
        self._categories = {code: item_id for code, _label, item_id in lists.categories}
        self.province.choices = {"": [every], fixed["provinces"]: province_choices()}
        # Regions are read every time: a new participant from a new country replaces no stamp.
        countries = sorted((code for code in regions_in_use(consultation.id) if code and code not in REGIONS),
                           key=region_name)
        if countries:
            self.province.choices[fixed["outside"]] = [(code, region_name(code)) for code in countries]
        asked = self.province.data or ""
        if asked and find_country(asked) == asked:
            self.province.extra_values.add(asked)
        self.language.choices = list(fixed["language"])
        # The consultation's own prompts: what each questionnaire answer replied to.
        self.prompt.choices = [every] + [
            (prompt["key"], pick(prompt.get("label"), current_language(), consultation.language_list))
            for prompt in consultation.prompt_set]
        self.code.choices = {"": [every]}
        for kind, title in fixed["code groups"]:
            if lists.codes.get(kind):
                self.code.choices[title] = list(lists.codes[kind])
        self.theme.choices = {"": [every]}
        for title, options in lists.themes:
            self.theme.choices[title] = list(options)
        for name in ("coded", "visibility", "review", "suggestion", "sort"):
            self[name].choices = list(fixed[name])
        # Roles are not analysis data: the coders are read on every request (one query, no objects).
        coders = db.session.execute(
            select(StaffUser.id, StaffUser.name, StaffUser.email).join(StaffRole, StaffRole.user_id == StaffUser.id)
            .where(StaffRole.role.in_(roles_with("code_comments"))).distinct()
            .order_by(StaffUser.name, StaffUser.email)).all()
        self.coder.choices = [fixed["anyone"]] + [(str(user_id), name or email) for user_id, name, email in coders]
        # Someone who coded and no longer holds a role still has their codings.
        asked = self.coder.data or ""
        if asked.isdigit() and asked not in {str(user_id) for user_id, _name, _email in coders}:
            former = db.session.get(StaffUser, int(asked)) if len(asked) < 10 else None
            if former is not None:
                self.coder.choices.append((asked, former.name or former.email))
        if self.with_topic:
            self.topic.choices = list(fixed["topic"])

    def validate_q(self, field):
        if len(field.data or "") > MAX_QUERY_LENGTH:
            raise ValidationError(_l("Search for at most %(num)d characters.", num=MAX_QUERY_LENGTH))

    def validate_sort(self, field):
        if field.data == "relevance" and not (self.q.data or "").strip():
            raise ValidationError(_l("Sorting by relevance needs words in the search box."))

    def filters(self) -> Filters:
        """The filters, once the form is valid."""
        return Filters(
            channel=self.channel.data or "", track_id=self._tracks.get(self.track.data),
            category_id=self._categories.get(self.category.data), province=self.province.data or "",
            language=self.language.data or "", prompt=self.prompt.data or "", code_id=_optional_id(self.code.data),
            theme_id=_optional_id(self.theme.data), coded=self.coded.data or "",
            visibility=self.visibility.data or "visible", needs_review=self.review.data == "yes",
            coder_id=_optional_id(self.coder.data), suggestion_pending=self.suggestion.data == "pending",
            no_topic=self.with_topic and self.topic.data == "none", search=parse(self.q.data),
            sort=self.sort.data or "newest")

    def as_args(self) -> dict:
        """The query string of the current filters (defaults left out), for links that keep them."""
        args = {}
        for field in self:
            value = (field.data or "").strip() if field.name == "q" else (field.data or "")
            if value and value != field.default:
                args[field.name] = value
        return args

    @property
    def active(self) -> bool:
        """Some filter narrows the view (sorting aside)."""
        return any(name != "sort" for name in self.as_args())


@translated_once
def _fixed_lists() -> dict:
    """The filters' own choices, the same for every consultation, as plain text: translated once per
    worker and language instead of on every page."""
    every = ("", _("All"))
    return {
        "every": every,
        "anyone": ("", _("Anyone")),
        "channel": (every, *((key, str(label)) for key, label in channel_labels().items())),
        "provinces": _("Provinces and territories"),
        "outside": _("Outside Canada"),
        "language": (every, ("fr", _("French")), ("en", _("English"))),
        "code groups": (("modification", _("Modification codes")), ("theme", _("Theme codes")),
                        ("other", _("Other codes"))),
        "coded": (every, ("yes", _("Coded")), ("no", _("Not coded yet"))),
        "visibility": (("visible", _("Visible and flagged")), ("flagged", _("Flagged only")),
                       ("hidden", _("Hidden only")), ("all", _("All, hidden included"))),
        "review": (every, ("yes", _("Changed, to look at again"))),
        "suggestion": (every, ("pending", _("Suggested, not reviewed yet"))),
        "topic": (("", _("All topics")), ("none", _("No topic yet"))),
        "sort": (("newest", _("Newest first")), ("oldest", _("Oldest first")),
                 ("relevance", _("Relevance (when searching)")), ("confidence", _("Suggestion confidence"))),
    }


@dataclass(frozen=True)
class Lists:
    """The consultation's own values of the filters, as plain text in one language (kept between
    requests under the "lists" stamp)."""

    tracks: tuple  # (code, label, id)
    categories: tuple  # (code, label, id)
    codes: dict  # kind → ((id, label), ...)
    themes: tuple  # (orientation title, ((id, name), ...))


def _code_label(code: Code) -> str:
    label = localized(code, "label").text or code.key
    if code.status == "retired":
        return f"{label} ({_('retired')})"
    return label


def _lists(consultation) -> Lists:
    tracks = db.session.scalars(select(Track).where(Track.consultation_id == consultation.id)
                                .order_by(Track.position, Track.id))
    categories = db.session.scalars(select(ParticipantCategory)
                                    .where(ParticipantCategory.consultation_id == consultation.id)
                                    .order_by(ParticipantCategory.position, ParticipantCategory.id))
    codes: dict[str, list] = {}
    for code in db.session.scalars(select(Code).where(Code.consultation_id == consultation.id)
                                   .order_by(Code.position, Code.id)):
        codes.setdefault(code.kind, []).append((str(code.id), _code_label(code)))
    themes: dict[str, list] = {}
    for theme, topic in db.session.execute(
            select(Theme, Topic).join(Topic, Theme.topic_id == Topic.id)
            .where(Topic.consultation_id == consultation.id).order_by(Topic.position, Topic.id, Theme.position)):
        title = f"{topic.code} · {localized(topic, 'title').text}"
        themes.setdefault(title, []).append((str(theme.id), localized(theme, "name").text))
    return Lists(
        tracks=tuple((track.code, localized(track, "name").text, track.id) for track in tracks),
        categories=tuple((item.code, localized(item, "name").text, item.id) for item in categories),
        codes={kind: tuple(options) for kind, options in codes.items()},
        themes=tuple((title, tuple(options)) for title, options in themes.items()))


# One index seek per region in use (a few dozen), however many people took part: a plain DISTINCT
# read every participant's entry of the (consultation, region) index on every analysis page.
_REGIONS_IN_USE = text("""
WITH RECURSIVE seen(region) AS (
    SELECT min(region) FROM participant WHERE consultation_id = :consultation_id
    UNION ALL
    SELECT (SELECT min(region) FROM participant WHERE consultation_id = :consultation_id AND region > seen.region)
    FROM seen WHERE seen.region IS NOT NULL
)
SELECT region FROM seen WHERE region IS NOT NULL""")


def regions_in_use(consultation_id: int) -> list[str]:
    """The distinct regions (provinces, territories, countries) of a consultation's participants."""
    return list(db.session.scalars(_REGIONS_IN_USE, {"consultation_id": consultation_id}))
