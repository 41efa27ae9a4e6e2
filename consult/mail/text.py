"""Plain-text email bodies."""
import re

from flask import render_template


def render_text(name: str, **context) -> str:
    """The email `mail/<name>.txt`, with the blank lines left by its optional parts squeezed."""
    text = render_template(f"mail/{name}.txt", **context)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
