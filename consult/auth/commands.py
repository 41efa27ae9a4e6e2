"""`flask consult create-staff EMAIL --role ROLE`: staff accounts from the command line."""
import sys

import click
from flask_babel import gettext as _

from ..cli_text import cli_l
from ..command_group import consult
from ..extensions import db
from ..models import ROLES
from .passwords import MIN_LENGTH
from .services import create_or_update_staff, generate_password


@consult.command("create-staff",
                 help=cli_l("Create a staff account, or add roles to an existing one and reset its password."))
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES),
              help=cli_l("Role to grant; repeat for several."))
@click.option("--name", default="", metavar="NAME", help=cli_l("Name shown in the staff area."))
@click.option("--password", envvar="CONSULT_STAFF_PASSWORD", default=None,
              help=cli_l("Password (or the CONSULT_STAFF_PASSWORD variable); asked for when omitted."))
def create_staff(email: str, roles: tuple[str, ...], name: str, password: str | None):
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
