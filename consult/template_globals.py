"""Every template global and filter, registered in one place; the functions live with the area they
describe (breadcrumbs with its views, formatting in web.py and forums/when.py)."""
from flask_babel import get_locale

from .analysis.codebook import coding_shortcuts
from .analysis.navigation import analysis_breadcrumbs
from .consultations import language_asked
from .forums.organizer_views import forum_breadcrumbs, forum_span, in_zone, time_zone_name
from .forums.public_views import forum_when, forum_zone
from .i18n import LANGUAGE_NAMES, LANGUAGES, current_language, language_name, localized, url_for_language
from .participants.regions import region_name
from .permissions import can
from .privacy.staff_views import privacy_breadcrumbs
from .privacy.views import privacy_answer_text, privacy_answers
from .questionnaires.public_views import localized_option, question_baseline, question_value
from .questionnaires.staff_views import questionnaire_breadcrumbs
from .reports.views import report_breadcrumbs
from .submissions.notifications import file_size
from .submissions.staff_views import submission_breadcrumbs
from .vocabulary.terms import prompt_labels
from .web import HTMX_VERSION, last_day, local_date, local_datetime, number, paragraphs, text_blocks


def region_label(code: str) -> str:
    """A province, territory or country by its name; nothing for no answer."""
    return region_name(code) if code else ""


def init_app(app) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(paragraphs=paragraphs, text_blocks=text_blocks, local_date=local_date,
                                 last_day=last_day, local_datetime=local_datetime, in_zone=in_zone,
                                 number=number)
    app.jinja_env.globals.update(
        # every page
        localized=localized, url_for_language=url_for_language, LANGUAGES=LANGUAGES, LANGUAGE_NAMES=LANGUAGE_NAMES,
        HTMX_VERSION=HTMX_VERSION, current_language=current_language, get_locale=get_locale, can=can,
        language_name=language_name, prompt_labels=prompt_labels, language_asked=language_asked,
        region_label=region_label, file_size=file_size,
        # forums and interviews
        forum_span=forum_span, forum_when=forum_when, forum_zone=forum_zone, time_zone_name=time_zone_name,
        # the questionnaire's answering pages and "My data"
        localized_option=localized_option, question_value=question_value, question_baseline=question_baseline,
        privacy_answers=privacy_answers, privacy_answer_text=privacy_answer_text,
        # staff breadcrumbs, one per area
        forum_breadcrumbs=forum_breadcrumbs, submission_breadcrumbs=submission_breadcrumbs,
        questionnaire_breadcrumbs=questionnaire_breadcrumbs, analysis_breadcrumbs=analysis_breadcrumbs,
        coding_shortcuts=coding_shortcuts, report_breadcrumbs=report_breadcrumbs,
        privacy_breadcrumbs=privacy_breadcrumbs,
    )
