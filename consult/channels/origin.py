"""Where a comment was said, as a row of the analysis shows it."""
from dataclasses import dataclass


@dataclass
class Origin:
    label: str
    url: str | None  # None when the viewer may not open that page
