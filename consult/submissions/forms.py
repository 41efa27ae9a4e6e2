"""Forms of written submissions: the public form (built per consultation, with one text per topic
and a few link rows) and the staff forms (processed, excerpts)."""
import unicodedata
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from .. import uploads
from ..channels.passages import PassageForm
from ..form_fields import optional_int
from ..i18n import LANGUAGE_NAMES, current_language, localized
from ..participants.fields import email_field, name_field, organisation_field, single_line, valid_email
from ..participants.services import Profile
from ..tree import topic_choices
from . import services

ACCEPT = ".pdf,.docx,.odt,.txt,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml" \
         ".document,application/vnd.oasis.opendocument.text,text/plain"
CHOOSE_FILES_AGAIN = _l("Choose your documents again: browsers do not keep chosen files when a form comes back "
                        "with errors. Documents already saved with your draft are kept.")
UPLOAD_MESSAGES = {
    "empty": _l("the file is empty."),
    "type": _l("this is not a PDF, DOCX, ODT or plain-text document (its content was checked, not its name)."),
}


def shown_name(filename: str) -> str:
    """The name of a chosen file as its owner knows it, without any path or control character."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(char for char in name if unicodedata.category(char)[0] != "C")[:200]


def megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}".rstrip("0").rstrip(".")


def web_address(value: str) -> str:
    """The address if it is a well-formed http(s) URL; ValidationError with a helpful message otherwise."""
    value = (value or "").strip()
    if any(char.isspace() for char in value) or any(ord(char) < 32 for char in value):
        raise ValidationError(_l("A web address has no spaces. Copy it from your browser's address bar."))
    parts = urlsplit(value)
    if not parts.scheme and "." in value.split("/")[0]:
        raise ValidationError(_l("Start the address with https:// (for example https://www.example.org/report)."))
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError as error:
        raise ValidationError(_l("This web address is not valid.")) from error
    if parts.scheme not in ("http", "https") or not host or ("." not in host and host != "localhost") \
            or host.startswith(".") or host.endswith(".") or ".." in host:
        raise ValidationError(_l("Enter a web address such as https://www.example.org/report."))
    return value


class SubmissionForm(FlaskForm):
    """Use submission_form() to build one: the topic texts and link rows depend on the consultation."""

    name = name_field()
    email = email_field(_l("We send the receipt of your submission here, or the link to your draft."))
    organisation = organisation_field(_l("If you write on behalf of an organization."))
    category = SelectField(_l("Which group best describes you? (optional)"), validate_choice=False)
    language = RadioField(_l("Language of your submission"), validate_choice=False,
                          description=_l("We also write to you in this language."))
    general_text = TextAreaField(
        _l("Your comments"), validators=[Length(max=services.GENERAL_TEXT_MAX)],
        description=_l("Your opinion on the proposal as a whole, or anything that does not belong to one topic. "
                       "Plain text; leave a blank line between paragraphs."),
        render_kw={"rows": 10})
    files = MultipleFileField(_l("Documents (optional)"))
    consent_processing = BooleanField(
        _l("I agree that my submission and my information are used for the analysis of this consultation, "
           "and that my submission is described, anonymously, in its report (required to send)"),
        description=_l("As explained in the privacy notice on this page."))
    consent_quotation = BooleanField(_l("My submission may be quoted in the report, without my name (optional)"))
    consent_contact = BooleanField(_l("You may contact me about future consultations (optional)"))

    # Set by the view before validation.
    sending = True
    draft = None  # the Submission being resumed, when there is one
    remove_ids: set[int] = set()

    def setup(self, consultation, topics, max_links: int, participant=None):
        self.topic_fields = [(topic, depth, self[f"text_{topic.id}"]) for topic, depth in topics]
        self.link_rows = [(self[f"link_url_{number}"], self[f"link_title_{number}"]) for number in range(max_links)]
        self.checked_files: list[uploads.CheckedFile] = []
        categories = [category for category in consultation.categories if category.active]
        if participant is not None:
            for name in ("name", "email", "organisation", "category"):
                del self[name]
        elif categories:
            self.category.choices = [SelectChoice("", _l("Choose…"))] + [
                SelectChoice(str(category.id), localized(category, "name").text) for category in categories]
        else:
            del self.category
        languages = [code for code in consultation.language_list if code in LANGUAGE_NAMES] or ["fr", "en"]
        self.language.choices = [SelectChoice(code, LANGUAGE_NAMES[code]) for code in languages]
        if not self.language.data:
            preferred = participant.preferred_language if participant is not None else current_language()
            self.language.data = preferred if preferred in languages else languages[0]
        max_files, max_bytes = services.max_files(), services.max_file_bytes()
        self.files.description = _(
            "PDF, Word (DOCX), OpenDocument (ODT) or plain text (TXT): at most %(count)d documents of %(size)s MB "
            "each. The type is checked from the content of each file, not from its name.",
            count=max_files, size=megabytes(max_bytes))
        self.files.render_kw = {"accept": ACCEPT, "data-max-bytes": str(max_bytes),
                                "data-max-files": str(max_files),
                                "data-too-big": _("This file is larger than %(size)s MB:", size=megabytes(max_bytes)),
                                "data-too-many": ngettext("Choose at most %(num)d document.",
                                                          "Choose at most %(num)d documents.", max_files)}
        return self

    # -- reading the form -------------------------------------------------------------------

    @property
    def chosen_files(self) -> list[FileStorage]:
        return [item for item in (self.files.data or []) if isinstance(item, FileStorage) and item.filename]

    validate_email = valid_email

    def validate_category(self, field):
        offered = {choice.value for choice in field.choices}
        if (field.data or "") not in offered:
            raise ValidationError(_l("Choose one of the groups listed."))

    def validate_language(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose the language of your submission."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.sending and not self.consent_processing.data:
            self.consent_processing.errors = [*self.consent_processing.errors, _(
                "Tick this box to send your submission: without it we cannot use it in the analysis. "
                "You can also save it as a draft.")]
            valid = False
        valid = self._check_links() and valid
        valid = self._check_files() and valid
        if valid:
            try:
                services.check_content(self.content(), self.draft, for_sending=self.sending)
            except services.SubmissionRefused as refused:
                if refused.code == "empty":
                    self.general_text.errors = [*self.general_text.errors, _(
                        "Your submission is empty: write your comments, attach a document or give a link.")]
                else:
                    self.files.errors = [*self.files.errors, self._too_many_message()]
                valid = False
        if not valid and self.chosen_files:
            self.files.errors = [*self.files.errors, str(CHOOSE_FILES_AGAIN)]
        return valid

    def _too_many_message(self) -> str:
        kept = len(services.kept_attachments(self.draft, services.Content(remove_attachment_ids=self.remove_ids)))
        message = ngettext("You can send at most %(num)d document.", "You can send at most %(num)d documents.",
                           services.max_files())
        if kept:
            message += " " + ngettext("%(num)d is already saved with your draft.",
                                      "%(num)d are already saved with your draft.", kept)
        return message

    def _check_links(self) -> bool:
        valid = True
        for url_field, title_field in self.link_rows:
            if not (url_field.data or "").strip():
                if (title_field.data or "").strip():
                    url_field.errors = [*url_field.errors, _("Enter the web address of this link, or erase its title.")]
                    valid = False
                continue
            try:
                url_field.data = web_address(url_field.data)
            except ValidationError as error:
                url_field.errors = [*url_field.errors, str(error)]
                valid = False
        return valid

    def _check_files(self) -> bool:
        chosen = self.chosen_files
        max_files, max_bytes = services.max_files(), services.max_file_bytes()
        if len(chosen) > max_files:
            self.files.errors = [*self.files.errors, self._too_many_message()]
            return False
        problems = []
        for upload in chosen:
            try:
                self.checked_files.append(uploads.check_document(uploads.read_limited(upload.stream, max_bytes),
                                                                 upload.filename, max_bytes))
            except uploads.UploadRefused as refused:
                problems.append(_("“%(name)s”: %(problem)s", name=shown_name(upload.filename),
                                  problem=_upload_problem(refused)))
        if problems:
            self.checked_files = []
            self.files.errors = [*self.files.errors, *problems]
            return False
        return True

    # -- what the services get --------------------------------------------------------------

    def content(self) -> services.Content:
        return services.Content(
            language=self.language.data,
            general_text=self.general_text.data or "",
            topic_texts={topic.id: field.data or "" for topic, _depth, field in self.topic_fields},
            links=[((url.data or "").strip(), title.data or "") for url, title in self.link_rows
                   if (url.data or "").strip()],
            files=list(self.checked_files),
            remove_attachment_ids=set(self.remove_ids),
        )

    def profile(self) -> Profile:
        category = self.category.data if "category" in self else ""
        return Profile(name=self.name.data, organisation=self.organisation.data or "",
                       category_id=int(category) if category else None, preferred_language=self.language.data)

    @property
    def consents(self) -> dict[str, bool]:
        return {"processing": bool(self.consent_processing.data), "quotation": bool(self.consent_quotation.data),
                "contact": bool(self.consent_contact.data)}


def _upload_problem(refused: uploads.UploadRefused) -> str:
    if refused.code == "too_big":
        return _("it is larger than %(size)s MB.", size=megabytes(refused.details["max_bytes"]))
    if refused.code == "mismatch":
        return _("its name ends in .%(named)s but its content is something else. Check that you chose the right "
                 "file.", named=refused.details["named"])
    return str(UPLOAD_MESSAGES[refused.code])


def submission_form(consultation, topics, *, max_links: int, participant=None, **kwargs) -> SubmissionForm:
    """A SubmissionForm with one optional text per topic and `max_links` rows of links."""
    fields = {}
    for topic, _depth in topics:
        fields[f"text_{topic.id}"] = TextAreaField(
            f"{topic.code} – {localized(topic, 'title').text}",
            validators=[Length(max=services.TOPIC_TEXT_MAX)], render_kw={"rows": 5})
    for number in range(max_links):
        fields[f"link_url_{number}"] = URLField(
            _l("Link %(number)d: web address", number=number + 1),
            validators=[Length(max=2000, message=_l("A web address has at most 2,000 characters."))],
            render_kw={"spellcheck": "false", "inputmode": "url", "placeholder": "https://"})
        fields[f"link_title_{number}"] = StringField(
            _l("Link %(number)d: title (optional)", number=number + 1),
            validators=[Length(max=300)], filters=[single_line])
    form_class = type("ConsultationSubmissionForm", (SubmissionForm,), fields)
    return form_class(**kwargs).setup(consultation, topics, max_links, participant)


# -- staff --------------------------------------------------------------------------------------

class ProcessedForm(FlaskForm):
    processed = SelectField(choices=[SelectChoice("yes"), SelectChoice("no")],
                            invalid_choice_message=_l("Say whether the submission is processed."))


class ExcerptForm(PassageForm):
    topic_id = SelectField(_l("Topic"), coerce=optional_int,
                           validators=[DataRequired(message=_l("Choose the topic this excerpt is about."))],
                           invalid_choice_message=_l("Choose one of the topics listed."),
                           description=_l("The part of the proposal the excerpt comments on."))
    source = SelectField(_l("Where it comes from"), invalid_choice_message=_l("Choose one of the sources listed."))
    locator = StringField(_l("Page or section (optional)"), validators=[Optional(), Length(max=100)],
                          filters=[single_line], description=_l("For example “p. 4” or “section 2.1”."))
    language = RadioField(_l("Language of the excerpt"),
                          invalid_choice_message=_l("Choose the language of the excerpt."))
    text = TextAreaField(_l("Excerpt"), validators=[DataRequired(message=_l("Copy the passage of the submission.")),
                                                    Length(max=20000)],
                         description=_l("The passage as written, which analysis will code."), render_kw={"rows": 6})

    def __init__(self, consultation, submission, topics, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic_id.choices = [SelectChoice("", _l("Choose…"))] + topic_choices(topics)
        sources = [SelectChoice("text", _l("The texts of the submission"))]
        sources += [SelectChoice(f"attachment-{item.id}", _("Document: %(name)s", name=item.filename))
                    for item in submission.attachments]
        sources += [SelectChoice(f"link-{link.id}", _("Link: %(title)s", title=link.title or link.url))
                    for link in submission.links]
        self.source.choices = sources
        self.offer_languages(consultation, submission.language)

    def values(self) -> dict:
        kind, _sep, number = (self.source.data or "text").partition("-")
        return {"topic_id": self.topic_id.data, "locator": self.locator.data or "", "language": self.language.data,
                "text": (self.text.data or "").strip(),
                "attachment_id": int(number) if kind == "attachment" else None,
                "link_id": int(number) if kind == "link" else None}

    @staticmethod
    def source_of(excerpt) -> str:
        if excerpt.attachment_id:
            return f"attachment-{excerpt.attachment_id}"
        if excerpt.link_id:
            return f"link-{excerpt.link_id}"
        return "text"
