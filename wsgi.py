"""Entry point for gunicorn and the flask command: `gunicorn wsgi:app`."""
from consult import create_app

app = create_app()
