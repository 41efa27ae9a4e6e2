"""`flask consult import-transcript FILE --consultation SLUG --forum ID [--dry-run]`."""
from pathlib import Path

import click
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from ..cli_text import cli_l
from ..command_group import consult
from ..extensions import db
from ..models import Consultation, Forum
from ..submissions.notifications import file_size
from . import services
from .parsing import TranscriptError, parse


def counts_line(turns: int, speakers: int) -> str:
    return _("%(turns)s, %(speakers)s", turns=ngettext("%(num)d turn", "%(num)d turns", turns),
             speakers=ngettext("%(num)d speaker", "%(num)d speakers", speakers))


@consult.command("import-transcript",
                 help=cli_l("Read a transcript (WebVTT, SubRip, DOCX, text) into speaker turns and keep it for a "
                            "held session.\n\nSpeakers whose label matches one registrant's name are that "
                            "registrant; the others are unidentified (or the facilitator, with --facilitator). Turns "
                            "of registrants without recording consent are dropped."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--consultation", "slug", required=True, metavar="SLUG",
              help=cli_l("The consultation's slug."))
@click.option("--forum", "forum_id", type=int, required=True, metavar="ID",
              help=cli_l("The id of the held forum or interview."))
@click.option("--facilitator", "facilitators", multiple=True, metavar="LABEL",
              help=cli_l("A speaker label that is the facilitator (repeat for several)."))
@click.option("--dry-run", is_flag=True, help=cli_l("Read the file and say what it holds, keep nothing."))
def import_transcript(file: Path, slug: str, forum_id: int, facilitators: tuple[str, ...], dry_run: bool):
    consultation = db.session.scalar(db.select(Consultation).where(Consultation.slug == slug))
    forum = db.session.get(Forum, forum_id)
    if consultation is None or forum is None or forum.consultation_id != consultation.id:
        raise click.ClickException(_("No session %(forum)s in the consultation “%(slug)s”.", forum=forum_id, slug=slug))
    if not services.is_held(forum):  # said before the file is read: nothing to count for a session to come
        raise click.ClickException(_("This session has not been held yet: its transcript can be added once it is "
                                     "over."))
    limit = current_app.config["TRANSCRIPT_MAX_BYTES"]
    if file.stat().st_size > limit:
        raise click.ClickException(_("The file is larger than %(size)s, the largest transcript accepted.",
                                     size=file_size(limit)))
    try:
        parsed = parse(file.name, file.read_bytes())
        click.echo(counts_line(len(parsed.turns), len(parsed.speakers)))
        if dry_run:
            return
        transcript = services.create_draft(forum, parsed, file.name, forum.language if forum.language in ("fr", "en")
                                           else consultation.language_list[0], services.default_retention(forum), None)
        people = services.registrants(forum)
        mapping = {speaker.number: services.FACILITATOR if speaker.label in facilitators
                   else services.suggest(speaker.label, people) for speaker in services.speakers_of(transcript)}
        kept = services.keep(transcript, mapping, None)
    except TranscriptError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(ngettext("Kept %(num)d turn.", "Kept %(num)d turns.", kept.turns))
    if kept.dropped:
        click.echo(ngettext("%(num)d turn dropped: its speaker did not consent to being recorded.",
                            "%(num)d turns dropped: their speakers did not consent to being recorded.", kept.dropped))
