"""`flask --app wsgi consult purge | erase | backup | restore`."""
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from ..auth import lockout as sign_in_failures
from ..cli_text import cli_l
from ..command_group import consult
from ..extensions import db
from ..models import Participant
from ..transcripts.services import purge_due as purge_transcripts
from . import backup as backups
from .drafts import purge_abandoned_drafts
from .retention import due_consultations, purge
from .services import Erasure, erase


def _labels() -> dict[str, str]:
    return {
        "participants": _("participants erased"),
        "registrations_cancelled": _("future registrations cancelled"),
        "responses_emptied": _("questionnaire responses emptied of their answers"),
        "submissions_emptied": _("written submissions emptied of their texts, documents and links"),
        "files_deleted": _("documents deleted"),
        "comments_kept_anonymously": _("comments kept anonymously"),
        "comments_deleted": _("comments deleted"),
        "interview_notes_deleted": _("interview notes deleted"),
        "emails_deleted": _("emails deleted"),
    }


def _echo_counts(erasure: Erasure) -> None:
    labels = _labels()
    for name, count in erasure.as_dict().items():
        click.echo("  " + _("%(label)s: %(count)s", label=labels[name], count=format_decimal(count)))


@consult.command("purge",
                 help=cli_l("Erase the personal data of consultations past their retention date (same rule as an "
                            "erasure request)."))
@click.option("--dry-run", is_flag=True, help=cli_l("Say what would be erased, and change nothing."))
@click.option("--consultation", "slug", metavar="SLUG", help=cli_l("Only this consultation."))
def purge_command(dry_run: bool, slug: str | None):
    now = datetime.now(timezone.utc)
    if slug and not due_consultations(datetime.max.replace(tzinfo=timezone.utc), slug):
        click.echo(_("“%(slug)s” has no retention date, or no consultation has this slug.", slug=slug), err=True)
        sys.exit(1)
    results = purge(now, slug)
    # Transcripts carry their own retention date (and drafts never kept go after a day).
    transcripts = purge_transcripts(now.date(), slug)
    drafts = purge_abandoned_drafts(now, slug)
    sign_in_failures.purge_expired(now)  # counts of failed sign-ins whose window and lockout are over
    if dry_run:
        db.session.rollback()  # the same work, undone: the counts are exactly what a real run would do
    else:
        db.session.commit()
    if transcripts:
        click.echo(ngettext("%(num)d transcript past its retention date deleted.",
                            "%(num)d transcripts past their retention date deleted.", transcripts))
    for draft in drafts:
        click.echo(_("%(slug)s (submissions closed): drafts never sent, deleted: %(drafts)s; their documents: "
                     "%(files)s.", slug=draft.consultation.slug, drafts=draft.drafts, files=draft.files))
    if not results:
        click.echo(_("No consultation is past its retention date: nothing to purge."))
        return
    for result in results:
        consultation = result.consultation
        if not result.erasure.participants:
            click.echo(_("%(slug)s: nothing left to erase.", slug=consultation.slug))
            continue
        heading = _("%(slug)s (retention date passed): would erase", slug=consultation.slug) if dry_run else \
            _("%(slug)s (retention date passed): erased", slug=consultation.slug)
        click.echo(heading)
        _echo_counts(result.erasure)
    if dry_run:
        click.echo(_("Dry run: nothing was changed."))


@consult.command("erase",
                 help=cli_l("Erase participants by id with the erasure rule (for example again after restoring a "
                            "backup)."))
@click.argument("participant_ids", nargs=-1, type=int, required=True, metavar="PARTICIPANT_ID...")
@click.option("--yes", is_flag=True, help=cli_l("Do not ask for confirmation."))
def erase_command(participant_ids: tuple[int, ...], yes: bool):
    if not yes:
        click.confirm(ngettext("Erase the personal data of %(num)d participant? This cannot be undone.",
                               "Erase the personal data of %(num)d participants? This cannot be undone.",
                               len(participant_ids)), abort=True)
    total = Erasure(participants=0)
    for participant_id in participant_ids:
        participant = db.session.get(Participant, participant_id)
        if participant is None or participant.erased_at is not None:
            click.echo(_("Participant %(id)s: unknown or already erased.", id=participant_id))
            continue
        total.add(erase(participant, reason="request", actor_label="cli"))
    db.session.commit()
    _echo_counts(total)


def _url():
    return db.engine.url


@consult.command("backup",
                 help=cli_l("Write a consistent copy of the database to PATH (SQLite file, or pg_dump custom format)."))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path):
    try:
        backups.backup(_url(), path)
    except backups.BackupError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    size = path.stat().st_size
    click.echo(ngettext("Database saved to %(path)s (%(size)s byte).", "Database saved to %(path)s (%(size)s bytes).",
                        size, path=path, size=format_decimal(size)))


@consult.command("restore",
                 help=cli_l("Replace the whole database with the backup in PATH."))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help=cli_l("Do not ask for confirmation."))
def restore_command(path: Path, yes: bool):
    if not yes:
        click.confirm(_("Every change made since this backup will be lost. Restore %(path)s?", path=path),
                      abort=True)
    db.session.remove()
    db.engine.dispose()  # no pooled connection keeps the old data open
    try:
        backups.restore(_url(), path)
    except backups.BackupError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    finally:
        db.engine.dispose()
    click.echo(_("Database restored from %(path)s.", path=path))
