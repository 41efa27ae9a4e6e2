from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional


class TermForm(FlaskForm):
    term_fr = StringField(_l("Term in French"), validators=[Optional(), Length(max=120)])
    expansion_fr = StringField(_l("Words the acronym stands for, in French"), validators=[Optional(), Length(max=300)],
                               description=_l("For an acronym only; shown when the pointer rests on it."))
    definition_fr = TextAreaField(_l("Definition in French"), validators=[Optional(), Length(max=2000)],
                                  description=_l("Plain text, in one or two short sentences."))
    term_en = StringField(_l("Term in English"), validators=[Optional(), Length(max=120)])
    expansion_en = StringField(_l("Words the acronym stands for, in English"), validators=[Optional(), Length(max=300)],
                               description=_l("For an acronym only; shown when the pointer rests on it."))
    definition_en = TextAreaField(_l("Definition in English"), validators=[Optional(), Length(max=2000)],
                                  description=_l("Plain text, in one or two short sentences."))


class DeleteTermForm(FlaskForm):
    pass
