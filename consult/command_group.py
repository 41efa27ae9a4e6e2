"""The `flask consult` command group; each area attaches its commands to it in its own commands.py.
Their help is written in the command line's language (cli_text.py)."""
from flask.cli import AppGroup

from .cli_text import LocalizedCommand, LocalizedHelp, cli_l


class ConsultGroup(LocalizedHelp, AppGroup):
    command_class = LocalizedCommand


consult = ConsultGroup("consult", help=cli_l("Manage consultations, staff and demo data."))
