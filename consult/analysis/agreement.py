"""Agreement between the main codes of comments and a second coder's blind codes (pure computation).

Each code is a yes/no decision per comment: did the coder apply it? For one code over n comments the
two coders' decisions fill a 2×2 table (both applied it, only the main coder, only the second,
neither). From it:

- percent agreement  p_o = (both + neither) / n
- chance agreement   p_e = p_main·p_second + (1 − p_main)·(1 − p_second), where p_main and p_second
  are the shares of comments each coder applied the code to;
- Cohen's kappa      κ = (p_o − p_e) / (1 − p_e), undefined when p_e = 1: both coders gave every
  comment the same answer (no variation), so agreement beyond chance cannot be measured.

The overall figures pool the tables of every code (each comment × code decision counts once).
"""
from dataclasses import dataclass
from typing import Hashable, Iterable

UNDEFINED_NO_COMMENTS = "no_comments"
UNDEFINED_NO_VARIATION = "no_variation"


@dataclass(frozen=True)
class Table:
    """Decisions of the two coders about one code (or pooled over codes)."""

    both: int = 0
    main_only: int = 0
    second_only: int = 0
    neither: int = 0

    @property
    def n(self) -> int:
        return self.both + self.main_only + self.second_only + self.neither

    def __add__(self, other: "Table") -> "Table":
        return Table(self.both + other.both, self.main_only + other.main_only,
                     self.second_only + other.second_only, self.neither + other.neither)

    @property
    def percent_agreement(self) -> float | None:
        """Share of decisions where the coders agree, 0 to 100; None without decisions."""
        return None if self.n == 0 else 100 * (self.both + self.neither) / self.n

    @property
    def kappa(self) -> float | None:
        return cohen_kappa(self)

    @property
    def undefined_reason(self) -> str | None:
        """Why kappa is undefined (UNDEFINED_NO_COMMENTS, UNDEFINED_NO_VARIATION), or None."""
        if self.n == 0:
            return UNDEFINED_NO_COMMENTS
        if self.kappa is None:
            return UNDEFINED_NO_VARIATION
        return None


def cohen_kappa(table: Table) -> float | None:
    """Cohen's kappa of a 2×2 table, or None when it is undefined (no decision, or no variation)."""
    n = table.n
    if n == 0:
        return None
    observed = (table.both + table.neither) / n
    main_yes = (table.both + table.main_only) / n
    second_yes = (table.both + table.second_only) / n
    expected = main_yes * second_yes + (1 - main_yes) * (1 - second_yes)
    if abs(1 - expected) < 1e-12:
        return None
    # Rounded so that a kappa of zero computed as -1e-17 is shown as 0, not -0.
    return round((observed - expected) / (1 - expected), 12) + 0.0


def table_for(code: Hashable, pairs: Iterable[tuple[set, set]]) -> Table:
    """The 2×2 table of one code over (main codes, second codes) pairs, one pair per comment."""
    both = main_only = second_only = neither = 0
    for main, second in pairs:
        in_main, in_second = code in main, code in second
        if in_main and in_second:
            both += 1
        elif in_main:
            main_only += 1
        elif in_second:
            second_only += 1
        else:
            neither += 1
    return Table(both, main_only, second_only, neither)


@dataclass(frozen=True)
class Agreement:
    tables: dict  # {code: Table}, for every code either coder applied at least once
    overall: Table  # the tables pooled
    comments: int  # comments compared
    identical: int  # comments whose two sets of codes are the same

    @property
    def identical_percent(self) -> float | None:
        return None if self.comments == 0 else 100 * self.identical / self.comments


def agreement(pairs: list[tuple[set, set]], codes: Iterable[Hashable] | None = None) -> Agreement:
    """Figures per code and overall for (main codes, second codes) pairs, one per comment compared.
    `codes` lists the codes to report in their order; by default every code applied by either coder."""
    pairs = [(set(main), set(second)) for main, second in pairs]
    if codes is None:
        codes = sorted(set().union(*(main | second for main, second in pairs)) if pairs else set(), key=str)
    tables = {code: table_for(code, pairs) for code in codes}
    overall = sum(tables.values(), Table())
    return Agreement(tables, overall, len(pairs), sum(1 for main, second in pairs if main == second))
