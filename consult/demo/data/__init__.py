"""The demo's texts and names, kept as data rather than code."""
import json
from functools import cache
from importlib import resources


@cache
def load(name: str):
    return json.loads(resources.files(__name__).joinpath(name).read_text("utf-8"))
