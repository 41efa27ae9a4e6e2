"""The demo's written words, as data (data/comments.json, data/memos.json): remarks as participants
wrote them, each in one language, on one topic (some speak to a second one, a few to nothing in the
proposal at all), for one of the questionnaire's prompts; notes as staff took them in forums and
interviews; the openings of written submissions; the analysts' memos.

Each remark and note is used once, so that no two comments read the same; what runs out is left out.
"""
from .data import load

COMMENTS = load("comments.json")
MEMOS = load("memos.json")  # topic code -> {"fr": ..., "en": ...}
OFF_TOPIC = "off"
# Topics the remarks are written for.
TOPICS = list(dict.fromkeys(entry["topic"] for entry in COMMENTS["remarks"] if entry["topic"] != OFF_TOPIC))
OFF_TOPIC_SHARE = 0.04


class Texts:
    """The unused remarks and notes, drawn with the demo's random generator."""

    def __init__(self, rng):
        self.rng = rng
        self.remarks: dict[tuple[str, str], list[dict]] = {}
        for entry in COMMENTS["remarks"]:
            self.remarks.setdefault((entry["topic"], entry["lang"]), []).append(entry)
        self.drawn: set[tuple[str, str, str | None]] = set()
        self.notes: dict[tuple[str, str], list[str]] = {}
        for entry in COMMENTS["notes"]:
            self.notes.setdefault((entry["topic"], entry["lang"]), []).append(entry["text"])

    def has_remark(self, topic: str, lang: str) -> bool:
        return bool(self.remarks.get((topic, lang)))

    def _take(self, pool: list):
        item = self.rng.choice(pool)
        pool.remove(item)
        return item

    def remark(self, topic: str, lang: str, prompt: str | None = None) -> dict | None:
        """An unused remark on the topic ({"text", "prompt", "topic", "also"?}), for that prompt when one is
        given; now and then one about something else, as people write in whatever box is open."""
        off = self.remarks.get((OFF_TOPIC, lang))
        if off and self.rng.random() < OFF_TOPIC_SHARE:
            return self._take(off)
        pool = [entry for entry in self.remarks.get((topic, lang), []) if prompt in (None, entry["prompt"])]
        if not pool:
            return None
        # The first remark drawn on a topic (for a prompt) is its longest: whatever the day the demo is
        # loaded (the sessions' dates change the draws), the long remarks people write are among the comments.
        first = (topic, lang, prompt) not in self.drawn
        self.drawn.add((topic, lang, prompt))
        entry = max(pool, key=lambda item: len(item["text"])) if first else self.rng.choice(pool)
        self.remarks[(topic, lang)].remove(entry)
        return entry

    def note(self, topic: str, lang: str) -> str | None:
        """A note on the topic as staff wrote it; when those run out, a participant's words quoted."""
        if self.notes.get((topic, lang)):
            return self._take(self.notes[(topic, lang)])
        pool = self.remarks.get((topic, lang))
        if not pool:
            return None
        quoted = self._take(pool)["text"]
        intro = self.rng.choice(COMMENTS["quote_intros"][lang])
        return f"{intro} «\u00a0{quoted}\u00a0»" if lang == "fr" else f"{intro} “{quoted}”"

    def opening(self, lang: str) -> str:
        return self.rng.choice(COMMENTS["general_openings"][lang])
