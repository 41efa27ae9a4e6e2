"""The words of the demo's remarks (data/phrases.json): short phrases per topic and per questionnaire
prompt that the builder combines, with a fixed random seed, into remarks that read like an expert's.

Subjects are singular noun phrases with their article, written to follow « sur », « pour »,
« concernant », « en ce qui concerne » (never « à » or « de », which would contract) and "on",
"about", "regarding"; the prompt sentences never make a word agree with them. Each entry is a
[French, English] pair.
"""
from .data import load

_PHRASES = load("phrases.json")
# topic code -> {"subjects": [[fr, en]], "details": [[fr, en]]}
TOPICS = _PHRASES["topics"]
PROMPT_SENTENCES = _PHRASES["prompt_sentences"]
EVIDENCE = _PHRASES["evidence"]
CLOSINGS = _PHRASES["closings"]
# How staff open a note taken during a forum or an interview.
NOTE_OPENERS = _PHRASES["note_openers"]
GENERAL_OPENINGS = _PHRASES["general_openings"]
# A few orientations get the analysts' draft of "what we heard".
MEMOS = _PHRASES["memos"]
