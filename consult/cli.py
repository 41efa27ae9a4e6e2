"""`flask --app wsgi consult ...`: the command group with every area's commands (each in the area's
commands.py, imported here), the demo data and the cache reset. They call the same services as the views."""
import json
import sys
from datetime import datetime, timedelta, timezone
from importlib import resources

import click
from flask_babel import gettext as _
from flask_babel import ngettext

from . import change_stamps
from .analysis import commands as _analysis_commands  # noqa: F401  (each module attaches its commands)
from .auth import commands as _auth_commands  # noqa: F401
from .auth.services import create_or_update_staff, generate_password
from .cli_text import cli_l
from .command_group import consult
from .demo import activity as demo_activity
from .demo.builder import staff_with_role
from .demo.forums import add_demo_forums
from .demo.partners import seed_partners as seed_demo_partners
from .evaluation import commands as _evaluation_commands  # noqa: F401
from .exports import commands as _exports_commands  # noqa: F401
from .extensions import db
from .forums import commands as _forums_commands  # noqa: F401
from .mail import commands as _mail_commands  # noqa: F401
from .outcome.demo import seed_outcome
from .partners import commands as _partners_commands  # noqa: F401
from .privacy import commands as _privacy_commands  # noqa: F401
from .qdpx import commands as _qdpx_commands  # noqa: F401
from .questionnaires.builder import ensure_demo_questionnaire
from .structure.commands import echo_report, import_or_exit
from .submissions import commands as _submissions_commands  # noqa: F401
from .suggestions import commands as _suggestions_commands  # noqa: F401
from .transcripts import commands as _transcripts_commands  # noqa: F401

DEMO_FILE = "demo-consultation.json"
# A second, small consultation held in English only, with its own level names, questions and codes.
SECOND_DEMO_FILE = "demo-interview-study.json"
DEMO_STAFF = {
    "admin@example.org": ["admin"],
    "organizer@example.org": ["organizer"],
    "analyst@example.org": ["analyst"],
    "coordinator@example.org": ["coordinator"],
}


def demo_document(now: datetime, name: str = DEMO_FILE) -> dict:
    """A shipped demo, with its six weeks moved so that it is open today."""
    document = json.loads(resources.files("consult.data").joinpath(name).read_text("utf-8"))
    start = (now - timedelta(days=7)).date()
    shift = start - datetime.fromisoformat(document["opens_at"]).date()

    def moved(value: str) -> str:
        return (datetime.fromisoformat(value).date() + shift).isoformat()

    for item in [document, *document.get("channels", [])]:
        for name in ("opens_at", "closes_at", "retention_until"):
            if name in item:
                item[name] = moved(item[name][:10])
    return document


@consult.command("seed-demo",
                 help=cli_l("Load the demo consultations (2025 Québec primary-care policy; an English-only interview "
                            "study) and demo staff accounts."))
@click.option("--staff/--no-staff", default=True, help=cli_l("Also create the demo staff accounts (one per role)."))
@click.option("--keep-dates", is_flag=True, help=cli_l("Keep the 2025 dates instead of opening the demo today."))
@click.option("--with-activity", is_flag=True,
              help=cli_l("Also fill it with participation, comments, codes and memos shaped like the 2025 "
                         "consultation."))
def seed_demo(staff: bool, keep_dates: bool, with_activity: bool):
    now = datetime.now(timezone.utc)
    document = demo_document(now)
    if keep_dates:
        document = json.loads(resources.files("consult.data").joinpath(DEMO_FILE).read_text("utf-8"))
    report = import_or_exit(document, DEMO_FILE)
    echo_report(report)
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
    second = import_or_exit(demo_document(now, SECOND_DEMO_FILE), SECOND_DEMO_FILE)
    echo_report(second)
    ensure_demo_questionnaire(second.consultation, now)
    db.session.commit()
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


def _activity_found(details: dict[str, int]) -> str:
    """What the consultation already holds, in words: "91 registrations, 2 questionnaire responses"."""
    words = {
        "registrations": ("%(num)d registration", "%(num)d registrations"),
        "responses": ("%(num)d questionnaire response", "%(num)d questionnaire responses"),
        "submissions": ("%(num)d written submission", "%(num)d written submissions"),
        "notes": ("%(num)d forum or interview note", "%(num)d forum and interview notes"),
        "comments": ("%(num)d comment", "%(num)d comments"),
    }
    return ", ".join(ngettext(*words[name], number) if name in words else f"{name} {number}"
                     for name, number in details.items())


def _seed_demo_activity(consultation) -> None:
    try:
        made = demo_activity.seed_activity(consultation)
    except demo_activity.ActivityRefused as refused:
        db.session.rollback()
        if refused.reason == "exists":
            click.echo(_("The demo consultation already has participation (%(found)s): no activity was added.",
                         found=_activity_found(refused.details)))
            return
        missing = {"tracks": _("its tracks are missing"), "sessions": _("its sessions are missing")}
        click.echo(_("The demo activity needs the demo's tracks and sessions (%(reason)s): nothing was added.",
                     reason=missing.get(refused.reason, refused.reason)), err=True)
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
    _seed_demo_outcome(consultation)
    _seed_demo_partners(consultation)


def _seed_demo_partners(consultation) -> None:
    made = seed_demo_partners(consultation, datetime.now(timezone.utc), staff_with_role("coordinator"))
    db.session.commit()
    if made.ledger_rows:
        click.echo(_("Demo compensation: a policy, %(rows)s, %(approved)s, %(needs)s.",
                     rows=ngettext("%(num)d ledger row", "%(num)d ledger rows", made.ledger_rows),
                     approved=ngettext("%(num)d approved", "%(num)d approved", made.approved),
                     needs=ngettext("%(num)d accommodation need", "%(num)d accommodation needs",
                                    made.accommodations)))


def _seed_demo_outcome(consultation) -> None:
    items = seed_outcome(consultation, datetime.now(timezone.utc), staff_with_role("coordinator"))
    db.session.commit()
    if items:
        click.echo(ngettext("Demo outcome: %(num)d modification item with its decision, a reviewed final report "
                            "and the published outcome page.",
                            "Demo outcome: %(num)d modification items with decisions, a reviewed final report and "
                            "the published outcome page.", items))


@consult.command("touch-caches",
                 help=cli_l("Make every worker drop the pages and counts it keeps (after data was changed by hand in "
                            "SQL)."))
def touch_caches():
    change_stamps.replace(db.session.connection(), *change_stamps.SCOPES)
    db.session.commit()
    click.echo(_("Kept pages and counts will be made again on their next request."))


def init_app(app):
    app.cli.add_command(consult)
