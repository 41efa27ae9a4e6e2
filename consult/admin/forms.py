from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional


class TopicTextsForm(FlaskForm):
    """Both languages of a topic's texts; a consultation may leave one language empty."""

    title_fr = StringField(_l("Title in French"), validators=[Optional(), Length(max=400)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=400)])
    summary_fr = TextAreaField(_l("Summary in French"), validators=[Optional(), Length(max=5000)])
    summary_en = TextAreaField(_l("Summary in English"), validators=[Optional(), Length(max=5000)])
    plain_summary_fr = TextAreaField(_l("Plain-language summary in French"), validators=[Optional(), Length(max=5000)],
                                     description=_l("Optional. Shown first on the page, the full text one step away."))
    plain_summary_en = TextAreaField(_l("Plain-language summary in English"), validators=[Optional(), Length(max=5000)],
                                     description=_l("Optional. Shown first on the page, the full text one step away."))
    body_fr = TextAreaField(_l("Text in French"), validators=[Optional(), Length(max=50000)],
                            description=_l("Plain text. Leave a blank line between paragraphs."))
    body_en = TextAreaField(_l("Text in English"), validators=[Optional(), Length(max=50000)],
                            description=_l("Plain text. Leave a blank line between paragraphs."))

    @classmethod
    def for_languages(cls, languages, **kwargs):
        """Fields only for the languages the consultation is held in."""
        form = cls(**kwargs)
        for lang in ("fr", "en"):
            if lang not in languages:
                for name in ("title", "summary", "body"):
                    del form[f"{name}_{lang}"]
        return form

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Checked here: Optional() on each title stops field-level checks when it is empty.
        titles = [self[name] for name in ("title_fr", "title_en") if name in self]
        if not any((title.data or "").strip() for title in titles):
            titles[0].errors = [*titles[0].errors, _l("Give a title in at least one language.")]
            return False
        return valid
