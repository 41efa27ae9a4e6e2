"""`flask --app wsgi consult ...` commands. They call the same services as the views."""
import json
import signal
import sys
import threading
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from . import change_stamps
from .auth.passwords import MIN_LENGTH
from .auth.services import create_or_update_staff, generate_password
from .demo.forums import add_demo_forums
from .evaluation.sending import send_evaluations
from .extensions import db
from .forums.reminders import send_reminders
from .mail.delivery import deliver_pending
from .models import ROLES
from .questionnaires.builder import ensure_demo_questionnaire
from .structure.exporter import export_json
from .structure.importer import import_structure, load_file
from .structure.validation import StructureError

consult = AppGroup("consult", help="Manage consultations, staff and demo data.")

DEMO_FILE = "demo-consultation.json"
DEMO_STAFF = {
    "admin@example.org": ["admin"],
    "organizer@example.org": ["organizer"],
    "analyst@example.org": ["analyst"],
    "coordinator@example.org": ["coordinator"],
}


def _import_or_exit(document: dict, source: str, prune: bool = False):
    try:
        report = import_structure(document, source=source, prune=prune)
    except StructureError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(f"{error.source}: {problem}", err=True)
        click.echo(_("Nothing was imported."), err=True)
        sys.exit(1)
    db.session.commit()
    return report


def _echo_report(report):
    counts = report.counts
    verb = _("Created") if report.created else _("Updated")
    click.echo(_("%(verb)s consultation “%(slug)s”: %(sections)s sections, %(axes)s axes, %(orientations)s "
                 "orientations, %(themes)s themes, %(targets)s change targets.",
                 verb=verb, slug=report.consultation.slug, sections=counts["section"], axes=counts["axis"],
                 orientations=counts["orientation"], themes=counts["themes"], targets=counts["change_targets"]))
    for label in report.kept_absent:
        click.echo(_("Kept (not in the file; use --prune to remove): %(label)s", label=label))
    for label in report.pruned:
        click.echo(_("Removed: %(label)s", label=label))


@consult.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--prune", is_flag=True, help="Remove topics, themes, change targets and tracks absent from the file.")
def import_command(path: Path, prune: bool):
    """Create or update a consultation from a structure file (JSON)."""
    try:
        document = load_file(path)
    except StructureError as error:
        for problem in error.problems:
            click.echo(f"{error.source}: {problem}", err=True)
        click.echo(_("Nothing was imported."), err=True)
        sys.exit(1)
    _echo_report(_import_or_exit(document, str(path), prune))


@consult.command("export")
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write; standard output when omitted.")
def export_command(slug: str, output: Path | None):
    """Write a consultation's structure in the import format."""
    text = export_json(slug)
    if text is None:
        click.echo(_("No consultation has the slug “%(slug)s”.", slug=slug), err=True)
        sys.exit(1)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(_("Written to %(path)s", path=output), err=True)
    else:
        click.echo(text, nl=False)


def demo_document(now: datetime) -> dict:
    """The shipped demo, with its six weeks moved so that it is open today."""
    document = json.loads(resources.files("consult.data").joinpath(DEMO_FILE).read_text("utf-8"))
    start = (now - timedelta(days=7)).date()
    shift = start - datetime.fromisoformat(document["opens_at"]).date()

    def moved(value: str) -> str:
        return (datetime.fromisoformat(value).date() + shift).isoformat()

    for item in [document, *document.get("channels", [])]:
        for name in ("opens_at", "closes_at", "retention_until"):
            if name in item:
                item[name] = moved(item[name][:10])
    return document


@consult.command("seed-demo")
@click.option("--staff/--no-staff", default=True, help="Also create the demo staff accounts (one per role).")
@click.option("--keep-dates", is_flag=True, help="Keep the 2025 dates instead of opening the demo today.")
@click.option("--with-activity", is_flag=True,
              help="Also fill it with participation, comments, codes and memos shaped like the 2025 consultation.")
def seed_demo(staff: bool, keep_dates: bool, with_activity: bool):
    """Load the demo consultation (2025 Québec primary-care policy) and demo staff accounts."""
    now = datetime.now(timezone.utc)
    document = demo_document(now)
    if keep_dates:
        document = json.loads(resources.files("consult.data").joinpath(DEMO_FILE).read_text("utf-8"))
    report = _import_or_exit(document, DEMO_FILE)
    _echo_report(report)
    if not keep_dates:
        created = add_demo_forums(report.consultation, now.astimezone(report.consultation.tz).date())
        db.session.commit()
        if created:
            click.echo(ngettext("Created %(num)d demo forum or interview slot.",
                                 "Created %(num)d demo forums and interview slots.", created))
    questionnaire = ensure_demo_questionnaire(report.consultation, now)
    db.session.commit()
    questions = sum(len(page.questions) for page in questionnaire.pages)
    click.echo(ngettext("Demo questionnaire: %(num)d question.", "Demo questionnaire: %(num)d questions.", questions))
    if staff:
        lines = []
        for email, roles in DEMO_STAFF.items():
            password = generate_password()
            create_or_update_staff(email, roles, password, name=email.split("@")[0].capitalize(),
                                   actor_label="seed-demo")
            lines.append(f"  {email:<26} {password:<22} {', '.join(roles)}")
        db.session.commit()
        click.echo(_("Demo staff accounts (passwords are new each time the demo is loaded):"))
        click.echo("\n".join(lines))
    if with_activity:
        _seed_demo_activity(report.consultation)


def _seed_demo_activity(consultation) -> None:
    # The analysis package registers commands on this module's group: imported here, not at the top.
    from .demo import activity as demo_activity

    try:
        made = demo_activity.seed_activity(consultation)
    except demo_activity.ActivityRefused as refused:
        db.session.rollback()
        if refused.reason == "exists":
            click.echo(_("The demo consultation already has participation (%(found)s): no activity was added.",
                         found=", ".join(f"{name} {number}" for name, number in refused.details.items())))
            return
        click.echo(_("The demo activity needs the demo's tracks and sessions (%(reason)s): nothing was added.",
                     reason=refused.reason), err=True)
        sys.exit(1)
    db.session.commit()
    parts = [
        ngettext("%(num)d registration", "%(num)d registrations", made.registrations),
        ngettext("%(num)d questionnaire response", "%(num)d questionnaire responses", made.responses),
        ngettext("%(num)d written submission", "%(num)d written submissions", made.submissions),
        ngettext("%(num)d forum or interview note", "%(num)d forum and interview notes", made.notes),
        ngettext("%(num)d comment", "%(num)d comments", made.comments),
        ngettext("%(num)d code applied", "%(num)d codes applied", made.codings),
        ngettext("%(num)d memo", "%(num)d memos", made.memos),
    ]
    click.echo(_("Demo activity: %(people)s (%(took_part)s), %(parts)s.",
                 people=ngettext("%(num)d participant", "%(num)d participants", made.participants),
                 took_part=ngettext("%(num)d took part", "%(num)d took part", made.took_part),
                 parts=", ".join(parts)))
    if made.moved_sessions:
        click.echo(ngettext("%(num)d session was moved into the past: it has been held.",
                             "%(num)d sessions were moved into the past: they have been held.", made.moved_sessions))
    # The held sessions are in the past: a second round in the coming weeks keeps sign-ups open to try.
    upcoming = add_demo_forums(consultation, datetime.now(consultation.tz).date(), series=2)
    db.session.commit()
    if upcoming:
        click.echo(ngettext("Demo forums: %(num)d more session in the coming weeks.",
                             "Demo forums: %(num)d more sessions in the coming weeks.", upcoming))


@consult.command("create-staff")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES),
              help="Role to grant; repeat for several.")
@click.option("--name", default="", help="Name shown in the staff area.")
@click.option("--password", envvar="CONSULT_STAFF_PASSWORD", default=None,
              help="Password (or the CONSULT_STAFF_PASSWORD variable); asked for when omitted.")
def create_staff(email: str, roles: tuple[str, ...], name: str, password: str | None):
    """Create a staff account, or add roles to an existing one and reset its password."""
    if password is None:
        if sys.stdin.isatty():
            password = click.prompt(_("Password (at least %(min)s characters)", min=MIN_LENGTH),
                                    hide_input=True, confirmation_prompt=True)
        else:
            password = generate_password()
            click.echo(_("Generated password: %(password)s", password=password))
    try:
        user, created = create_or_update_staff(email, list(roles), password, name=name)
    except ValueError as error:
        db.session.rollback()
        click.echo(str(error), err=True)
        sys.exit(1)
    db.session.commit()
    message = _("Created %(email)s with roles: %(roles)s") if created else _("Updated %(email)s, roles: %(roles)s")
    click.echo(message % {"email": user.email, "roles": ", ".join(sorted(user.roles))})


def _echo_delivery(report) -> None:
    click.echo(_("Mail: %(sent)s sent, %(retrying)s to retry, %(failed)s failed.",
                 sent=report.sent, retrying=report.retrying, failed=report.failed))
    if report.connection_error:
        click.echo(_("SMTP server unreachable, messages kept for later: %(error)s", error=report.connection_error),
                   err=True)


def _deliver_until_stopped(interval: int, limit: int) -> None:
    stop = threading.Event()
    # systemd stops a service with SIGTERM: finish the message in hand, then leave.
    previous = {signum: signal.signal(signum, lambda *_args: stop.set()) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stop.is_set():
            report = _delivery_round(limit, stop)
            # A full round means more may be waiting: go on at once.
            if report is None or report.total < limit or report.connection_error:
                stop.wait(interval)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _delivery_round(limit: int, stop: threading.Event):
    try:
        report = deliver_pending(limit, should_stop=stop.is_set)
    except SQLAlchemyError as error:
        # The database may be restarting: try again next round rather than exit.
        db.session.rollback()
        click.echo(_("Database unavailable: %(error)s", error=error), err=True)
        return None
    finally:
        db.session.remove()  # hand the connection back between rounds
    if report.total:
        _echo_delivery(report)
    return report


@consult.command("deliver-mail")
@click.option("--loop", "interval", type=click.IntRange(min=1), default=None, metavar="SECONDS",
              help="Keep running, looking for due messages every SECONDS (for a systemd service).")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True,
              help="Most messages sent per round.")
def deliver_mail(interval: int | None, limit: int):
    """Send the emails waiting in the outbox over SMTP, with retries."""
    if interval is not None:
        _deliver_until_stopped(interval, limit)
        return
    report = deliver_pending(limit)
    _echo_delivery(report)
    if report.connection_error:
        sys.exit(1)


def _moment(_ctx, _param, value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(_("not an ISO 8601 date and time: %(value)s", value=value)) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@consult.command("send-reminders")
@click.option("--now", callback=_moment, metavar="ISO",
              help="Act as if it were this moment (ISO 8601; UTC unless it has an offset).")
def send_reminders_command(now: datetime | None):
    """Queue the pre-reading (7 days before) and reminder (24 hours before) emails that are due."""
    report = send_reminders(now)
    db.session.commit()
    labels = {"prereading": _("pre-reading"), "reminder": _("reminder")}
    for item in report.queued:
        registration = item.registration
        line = _("%(kind)s: registration %(registration)s, forum %(forum)s",
                 kind=labels[item.kind], registration=registration.id, forum=registration.forum_id)
        click.echo(line if item.new else _("%(line)s (already queued)", line=line))
    click.echo(_("Pre-reading emails queued: %(prereadings)s. Reminders queued: %(reminders)s.",
                 prereadings=report.count("prereading"), reminders=report.count("reminder")))


@consult.command("send-evaluations")
@click.option("--now", callback=_moment, metavar="ISO",
              help="Act as if it were this moment (ISO 8601; UTC unless it has an offset).")
def send_evaluations_command(now: datetime | None):
    """Queue the evaluation requests due: to those present at a session, a set delay after it ends, once."""
    report = send_evaluations(now)
    db.session.commit()
    click.echo(ngettext("Evaluation requests queued: %(num)s.", "Evaluation requests queued: %(num)s.",
                        len(report.invitations)))


@consult.command("touch-caches")
def touch_caches():
    """Make every worker drop the pages and counts it keeps (after data was changed by hand in SQL)."""
    change_stamps.replace(db.session.connection(), *change_stamps.SCOPES)
    db.session.commit()
    click.echo(_("Kept pages and counts will be made again on their next request."))


@consult.command("import-mail")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--consultation", "slug", metavar="SLUG",
              help="The consultation the messages are submissions to (needed when there are several).")
@click.option("--send-receipts", is_flag=True, help="Email each sender a receipt with the reference number.")
def import_mail(directory: Path, slug: str | None, send_receipts: bool):
    """Turn .eml files (a mailbox export) into written submissions; a message already imported is skipped."""
    from .models import Consultation
    from .submissions import intake

    consultations = db.session.scalars(
        select(Consultation).where(Consultation.slug == slug) if slug else select(Consultation)).all()
    if len(consultations) != 1:
        click.echo(_("No consultation “%(slug)s”.", slug=slug) if slug else
                   _("Name the consultation with --consultation SLUG."), err=True)
        sys.exit(2)
    consultation = consultations[0]
    counts = {"imported": 0, "duplicate": 0, "empty": 0, "failed": 0}
    for path in intake.eml_files(directory):
        name = str(path.relative_to(directory))
        try:
            result = intake.import_file(consultation, path, send_receipt=send_receipts)
            db.session.commit()
        except intake.BrokenMessage as error:
            db.session.rollback()
            counts["failed"] += 1
            click.echo(_("FAILED %(file)s: %(reason)s; nothing was imported from it.", file=name,
                         reason=error.reason), err=True)
            continue
        except SQLAlchemyError as error:
            db.session.rollback()
            counts["failed"] += 1
            click.echo(_("FAILED %(file)s: the database refused it (%(error)s); nothing was imported from it.",
                         file=name, error=type(error).__name__), err=True)
            continue
        except (ValueError, LookupError, UnicodeError) as error:
            # Malformed headers the email package refuses (a line break in an address...).
            db.session.rollback()
            counts["failed"] += 1
            click.echo(_("FAILED %(file)s: %(reason)s; nothing was imported from it.", file=name,
                         reason=str(error)), err=True)
            continue
        counts[result.outcome] += 1
        if result.outcome == "imported":
            click.echo(_("%(reference)s imported from %(file)s (%(sender)s, %(documents)d documents, %(links)d "
                         "links)", reference=result.submission.reference, file=name, sender=result.sender,
                         documents=len(result.submission.attachments), links=len(result.submission.links)))
        elif result.outcome == "duplicate":
            click.echo(_("Already imported: %(file)s (%(reference)s)", file=name,
                         reference=result.submission.reference))
        else:
            click.echo(_("Skipped %(file)s: no text and no document in it.", file=name))
        for line in result.refused:
            click.echo(f"  {line}")
    click.echo(_("Imported: %(imported)d. Already imported: %(duplicate)d. Empty: %(empty)d. Failed: %(failed)d.",
                 **counts))
    if counts["failed"]:
        sys.exit(1)


def init_app(app):
    app.cli.add_command(consult)

