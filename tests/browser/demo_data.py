"""Texts of the shipped demo consultation, read from the file the `demo` fixture imports."""
import json
from pathlib import Path

import consult

DEMO = json.loads((Path(consult.__file__).parent / "data" / "demo-consultation.json").read_text(encoding="utf-8"))
SLUG = DEMO["slug"]


def topic(code: str) -> dict:
    def walk(nodes):
        for node in nodes:
            if node["code"] == code:
                return node
            found = walk(node.get("children", []))
            if found:
                return found
        return None

    node = walk(DEMO["topics"])
    assert node is not None, f"no topic {code} in the demo consultation"
    return node
