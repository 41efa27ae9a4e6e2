"""What the suggestion model reads and answers, as plain data: the orientations and themes of a
consultation, the comments people placed, the settings, and one suggestion. Kept apart from the
model so that the application loads numpy, scipy and scikit-learn only when it computes suggestions."""
from dataclasses import dataclass, field

# The evaluation's defaults: draws of labelled examples averaged, and the seed that makes them repeatable.
DEFAULT_DRAWS = 5
DEFAULT_SEED = 2025


@dataclass(frozen=True)
class ThemeDoc:
    key: object  # the Theme id (its code in evaluation)
    code: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class OrientationDoc:
    key: object  # the Topic id (its code in evaluation)
    code: str
    segments: tuple[tuple[str, float], ...]  # (text, weight): title, summary, body, change targets
    context: tuple[str, ...] = ()  # the texts of its axis
    themes: tuple[ThemeDoc, ...] = ()
    group: str = ""  # the code of its top-level node (its axis), for figures per part of the structure


@dataclass(frozen=True)
class Example:
    """A comment a person placed on an orientation (and, if they coded one, a theme of it)."""

    text: str
    orientation: object
    theme: object = None
    ref: object = None  # the comment id, shown as a reason


@dataclass(frozen=True)
class Settings:
    alpha: float = 1.0  # ridge regularisation
    example_weight: float = 1.0  # a placed comment, against one sentence of the structure
    theme_name_weight: float = 1.0  # a theme's name, as a sentence of its orientation
    context_weight: float = 0.3  # the axis, as a sentence of each of its orientations
    theme_alpha: float = 1.0
    # Of the softmax that turns scores into likelihoods: the smallest log loss on held-out labelled
    # passages (calibration.fit_temperature; docs/suggestions.md gives the measurement).
    temperature: float = 0.15
    # Below this likelihood the first suggestion is not offered as one: "no confident suggestion".
    confidence_floor: float = 0.3
    theme_floor: float = 0.05  # below this share of its orientation's themes, no theme is suggested
    use_lexicon: bool = True
    min_example_similarity: float = 0.1  # a placed comment less similar than this is not shown as a reason
    neighbours: int = 2  # placed comments shown as the closest ones


@dataclass
class Suggestion:
    orientation: object
    code: str
    score: float
    theme: object = None
    theme_code: str = ""
    theme_score: float = 0.0
    words: list[str] = field(default_factory=list)
    examples: list[object] = field(default_factory=list)

    def reasons(self) -> dict:
        return {"words": self.words, "comments": self.examples}
