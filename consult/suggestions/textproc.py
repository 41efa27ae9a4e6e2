"""How comment and structure texts are cut into the features the scorer compares.

Texts are normalised with `search_form` (lower case, no accents), cut into words, stripped of the most
common French and English words, and each word is cut to a short prefix: French and English share
most of the Latin roots of this vocabulary ("financement", "financing" and "finance" all give
"financ"), so the prefix both conflates inflections and bridges the two languages.
"""
import re
from typing import NamedTuple

from ..analysis.text import search_form

TOKEN = re.compile(r"[^\W_]+")
# Ligatures NFKD leaves whole: "cœur" must meet "coeur".
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
PREFIX_LENGTH = 7

STOPWORDS = frozenset("""
a ai aie aient aies ait alors as au aucun aucune aupres auquel aussi autre autres aux avait avaient avant avec
avoir avons ayant bien c ca car ce ceci cela celle celles celui cependant certains ces cet cette ceux chaque
chez ci comme comment d dans de des deja depuis dont donc du elle elles en encore entre est et etaient etait
ete etre eu eux fait faire fois font hors il ils j je jusqu l la laquelle le lequel les lesquels leur leurs
lors lorsqu lorsque lui m ma mais me meme memes mes moi moins mon n ne ni non nos notre nous on ont ou par
parce pas peu peut peuvent plus plusieurs pour pourquoi pourrait pourraient qu quand que quel quelle quelles
quels qui quoi s sa sans se sera seraient serait ses si sien soit sont sous souvent sur t ta tant te tes toi
ton tous tout toute toutes tres tu un une unes uns vers voici voila vos votre vous y doit doivent devrait
devraient faut aujourd hui ainsi afin selon celui cellesci ceuxci etc dit dits cas
about above after again against all also am an and any are aren as at be because been before being below
between both but by can cannot could couldn did didn do does doesn doing don down during each else ever every
few for from further had has hasn have haven having he her here hers herself him himself his how however i
if in into is isn it its itself just let ll me more most much must mustn my myself no nor not now of off on
once only or other others our ours ourselves out over own per rather re same shall she should shouldn so some
such than that the their theirs them themselves then there these they this those through to too under until
up upon us very via was wasn we were weren what when where whether which while who whom whose why will with
within without won would wouldn yet you your yours yourself ve d s t m o
""".split())


class Word(NamedTuple):
    stem: str  # what is compared
    norm: str  # lower case, without accents
    text: str  # as written, shown in the reasons
    start: int  # where it is in the text
    end: int


def normalise(text: str) -> str:
    return search_form((text or "").translate(LIGATURES))


def stem(word: str) -> str:
    """A short prefix of the word, plural s/x dropped first so that both forms give the same prefix."""
    if len(word) > 4 and word[-1] in "sx":
        word = word[:-1]
    return word[:PREFIX_LENGTH]


def all_words(text: str) -> list[Word]:
    """Every word of the text, in order: what the lexicon's phrases are matched against."""
    result = []
    for match in TOKEN.finditer(text or ""):
        norm = normalise(match.group())
        if norm:
            result.append(Word(stem(norm), norm, match.group(), match.start(), match.end()))
    return result


def span(text: str, first: Word, last: Word) -> str:
    """The text from one word to another, as written ("paiement à l'acte")."""
    return " ".join(text[first.start:last.end].split())


def meaningful(words_: list[Word]) -> list[Word]:
    """The words that carry meaning: not a common word, a number or a single letter."""
    return [word for word in words_ if len(word.norm) >= 2 and word.norm not in STOPWORDS and not word.norm.isdigit()]


def words(text: str) -> list[Word]:
    return meaningful(all_words(text))
