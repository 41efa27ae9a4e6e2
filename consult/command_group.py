"""The `flask consult` command group; each area attaches its commands to it in its own commands.py."""
from flask.cli import AppGroup

consult = AppGroup("consult", help="Manage consultations, staff and demo data.")
