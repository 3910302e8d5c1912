"""The date stage's words, read once from the lexicon tables (``geo/lexicons``), and the
regular-expression pieces built from them.

``geo.dates.find`` and ``geo.dates.timex_rules`` spell out no month, weekday, number, season, holiday or
unit: they read them here, so a word added to a table reaches every pattern (and the quick
key-word checks that decide where the patterns are tried) at once.

Adding to the date stage
------------------------
- A word of a kind the readers know (a month abbreviation, a holiday, a season, a count
  word, a unit): one row in its table (months.tsv, holidays.tsv, seasons.tsv,
  date_counts.tsv, time_units.tsv ...). Patterns and quick checks pick it up.
- A new pattern: a named group in ``geo.dates.find``' scanner (resolved in ``_mention``) or in
  ``geo.dates.timex_rules._EXTRA_RX`` (a handler in ``_HANDLERS`` and its name in ``_EXTRA_KINDS``),
  built from the words here; the words it starts with or hinges on go in the lists the quick
  checks are built from (``geo.dates.find._CORE_NAMES``/``_START_NAMES``,
  ``geo.dates.timex_rules._TRIGGER_WORDS``). Then its examples, as rows of date_examples.tsv: the
  rule is declared from them (geo.rules) and ``tests/test_rule_examples.py`` runs them, and
  ``tests/test_date_rules.py`` fails if a quick check would hide one of them.

>>> MONTHS["sept"], WEEKDAYS["thurs"], NUMBERS["forty"]
(9, 3, 40)
>>> alternation(["today", "tonight", "a", "a few"])
'(?:a(?:\\\\s+few)?|to(?:day|night))'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Final

from geo.lexicons import table
from geo.rules import example

__all__ = [
    "COUNTS", "DAY_PARTS", "DECADE_WORDS", "DURATION_COUNTS", "HOLIDAYS", "HOLIDAY_NAMES",
    "Holiday", "LUNAR_DAYS", "MODIFIERS_BEFORE", "MODIFIERS_OF_DATE", "MODIFIERS_OF_PERIOD",
    "MODIFIER_PARTS", "MONTHS", "MONTH_COMMON", "MONTH_FULL", "MONTH_SHORT",
    "NOT_WEEKDAY_AFTER", "NOT_WEEKDAY_BEFORE", "NUMBERS", "OFFSET_COUNTS", "OFFSET_UNITS",
    "ORDINALS", "RELATIVE_DAYS", "SEASONS", "SEASON_FIRST_MONTH", "SHIFTS", "TENS", "UNITS",
    "UNITS_1_TO_9", "VAGUE_OFFSETS", "WEEKDAYS", "WEEKDAY_FULL", "alternation",
    "declare_examples", "holiday_key", "month_pattern", "rule_examples", "unit_pattern",
]  # fmt: skip


def alternation(words: Iterable[str], *, as_written: bool = False) -> str:
    """A regular expression matching any of ``words``, a longer word before a word it starts
    with ("a few" before "a"), with a space matching any run of white space, an apostrophe
    either apostrophe and a hyphen a hyphen or a space ("Eid al-Adha", "Eid al Adha");
    ``as_written``: each character only itself.

    Written as a trie ("to(?:day|morrow|night)"): Python's re tries the branches of a flat
    alternation one by one, and these lists sit in the scanner's hottest patterns. It matches
    what the flat alternation of the words longest first matches, and on backtracking gives
    the shorter words in the same order: the words that match at one place each begin the
    next, and the trie tries the longer first."""
    if as_written:
        return _trie([[re.escape(char) for char in word] for word in set(words)])
    return _trie([_tokens(word) for word in set(words)])


def _tokens(word: str) -> list[str]:
    """The regex atoms of one word, one a character (white space, apostrophes and hyphens
    widened as ``alternation`` says)."""
    out: list[str] = []
    for char in " ".join(word.split()):
        out.append({" ": r"\s+", "'": "['’]", "-": r"[-\s]"}.get(char, re.escape(char)))
    return out


def _trie(words: list[list[str]]) -> str:
    """The alternation of token lists, shared beginnings written once; greedy, so the
    longest word wins where one begins another."""
    ends = any(not w for w in words)
    rests: dict[str, list[list[str]]] = {}
    for w in words:
        if w:
            rests.setdefault(w[0], []).append(w[1:])
    branches = [first + _trie(rest) for first, rest in sorted(rests.items())]
    if not branches:
        return ""
    if len(branches) == 1 and not ends:
        return branches[0]
    return "(?:" + "|".join(branches) + (")?" if ends else ")")


# Months and weekdays ------------------------------------------------------------------------

_MONTH_ROWS: Final = table("months")
MONTHS: Final[dict[str, int]] = {row["name"]: int(row["number"]) for row in _MONTH_ROWS}
MONTH_FULL: Final[tuple[str, ...]] = tuple(row["name"] for row in _MONTH_ROWS if row["form"] == "full")
MONTH_SHORT: Final = tuple(row["name"] for row in _MONTH_ROWS if row["form"] == "short")
# Full names that are also everyday words ("march", "may", "august"), by their other sense.
MONTH_COMMON: Final[dict[str, str]] = {
    row["name"]: row["common_word"] for row in _MONTH_ROWS if row["common_word"]
}
WEEKDAYS: Final[dict[str, int]] = {row["name"]: int(row["number"]) for row in table("weekdays")}
WEEKDAY_FULL: Final[tuple[str, ...]] = tuple(row["name"] for row in table("weekdays") if row["form"] == "full")


def month_pattern(names: Iterable[str], *, any_case: bool) -> str:
    """Month ``names`` as a regex: in any case, or (``any_case`` False) only Capitalised or
    in CAPITALS, as a month name is written when the word means the month."""
    names = list(names)
    if any_case:
        return f"(?i:{alternation(names)})"
    return alternation([n.title() for n in names] + [n.upper() for n in names])


# Numbers and counts -------------------------------------------------------------------------

NUMBERS: Final[dict[str, int]] = {
    row["word"]: int(row["value"]) for row in table("numbers") if row["kind"] == "exact"
}
# "twenty" .. "ninety": the tens that combine with a unit ("twenty-five").
TENS: Final[dict[str, int]] = {w: v for w, v in NUMBERS.items() if 20 <= v < 100 and v % 10 == 0}
UNITS_1_TO_9: Final[dict[str, int]] = {w: v for w, v in NUMBERS.items() if v < 10}
# "the twenties" .. "the nineties": a decade of a century, by its tens word's plural.
DECADE_WORDS: Final[dict[str, int]] = {w[:-1] + "ies": v // 10 for w, v in TENS.items()}
_COUNT_ROWS: Final = table("date_counts")
# Count phrases of date expressions: value None is a vague count ("a few", "several").
COUNTS: Final[dict[str, int | None]] = {
    row["word"]: int(row["value"]) if row["value"] else None for row in _COUNT_ROWS
}
OFFSET_COUNTS: Final = tuple(row["word"] for row in _COUNT_ROWS if row["offsets"])
DURATION_COUNTS: Final[tuple[str, ...]] = tuple(row["word"] for row in _COUNT_ROWS if row["durations"])
ORDINALS: Final[dict[str, int]] = {row["word"]: int(row["value"]) for row in table("ordinals")}

# Units, parts of the day, seasons ----------------------------------------------------------

_UNIT_ROWS: Final = table("time_units")
# unit name -> (plural, TIMEX3 duration code)
UNITS: Final[dict[str, tuple[str, str]]] = {
    row["name"]: (row["plural"], row["code"]) for row in _UNIT_ROWS
}
OFFSET_UNITS: Final = tuple(row["name"] for row in _UNIT_ROWS if row["offsets"])


def unit_pattern(names: Iterable[str], *, singular: bool = True, plural: bool = True) -> str:
    """Units ``names`` (each in time_units.tsv) as a regex of their singular and/or plural."""
    forms = []
    for name in names:
        forms += ([name] if singular else []) + ([UNITS[name][0]] if plural else [])
    return alternation(forms)


DAY_PARTS: Final[dict[str, str]] = {row["name"]: row["code"] for row in table("day_parts")}
SEASONS: Final[dict[str, str]] = {row["name"]: row["code"] for row in table("seasons")}
SEASON_FIRST_MONTH: Final[dict[str, int]] = {
    row["code"]: int(row["first_month"]) for row in table("seasons")
}

# Weekday names that are something else beside these words ---------------------------------

NOT_WEEKDAY_BEFORE: Final = frozenset(
    row["word"] for row in table("not_weekdays") if row["side"] == "before"
)
NOT_WEEKDAY_AFTER: Final = tuple(row["word"] for row in table("not_weekdays") if row["side"] == "after")

# Holidays ------------------------------------------------------------------------------------


def holiday_key(name: str) -> str:
    """A holiday name as the tables key it: lower case, one space, a plain apostrophe
    ("Eid al-Adha" and "Eid al Adha" are one holiday)."""
    return " ".join(re.split(r"[\s\-]+", name.lower().replace("’", "'").strip()))


class Holiday:
    """One row of holidays.tsv: how to find its day in a year, and how many days it lasts."""

    __slots__ = ("name", "rule", "month", "day", "weekday", "nth", "days")

    def __init__(self, row: dict[str, str]) -> None:
        number = lambda key: int(row[key]) if row[key] else 0  # noqa: E731
        self.name, self.rule = row["name"], row["rule"]
        self.month, self.day, self.weekday = number("month"), number("day"), number("weekday")
        self.nth, self.days = number("nth"), number("days") or 1


HOLIDAYS: Final[dict[str, Holiday]] = {holiday_key(row["name"]): Holiday(row) for row in table("holidays")}
HOLIDAY_NAMES: Final[tuple[str, ...]] = tuple(holiday.name for holiday in HOLIDAYS.values())
# (holiday key, year) -> (month, day) of a lunar holiday
LUNAR_DAYS: Final[dict[tuple[str, int], tuple[int, int]]] = {
    (holiday_key(row["name"]), int(row["year"])): (int(row["month"]), int(row["day"]))
    for row in table("holiday_days")
}

# Days named by their distance from publication -----------------------------------------------

_RELATIVE_ROWS: Final = table("relative_days")
# phrase -> (days from publication, the part of the day it names or "")
RELATIVE_DAYS: Final[dict[str, tuple[int, str]]] = {
    row["phrase"]: (int(row["shift"]), row["day_part"]) for row in _RELATIVE_ROWS
}



# Rule examples ---------------------------------------------------------------------------------


def declare_examples(kinds: Iterable[str], reads: Callable[[str], Callable[[str], object]]) -> None:
    """Declare (geo.rules) each rule of date_examples.tsv whose kind is one of ``kinds``, its
    check ``reads(kind)``: whether the scanner reads an expression of that kind in a text."""
    for rule, kind, fires, holds in rule_examples(kinds):
        example(rule, reads(kind), fires=fires, holds=holds)


def rule_examples(kinds: Iterable[str]) -> list[tuple[str, str, list[str], list[str]]]:
    """(rule name, pattern kind, fires, holds) of each rule in date_examples.tsv whose kind is
    one of ``kinds`` (the named groups of one scanner), for ``geo.rules.example``."""
    wanted = set(kinds)
    rules: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for row in table("date_examples"):
        if row["kind"] in wanted:
            fires, holds = rules.setdefault((row["rule"], row["kind"]), ([], []))
            (fires if row["expect"] == "fires" else holds).append(row["text"])
    return [(rule, kind, fires, holds) for (rule, kind), (fires, holds) in rules.items()]


# Parts of a period and vague reaches ------------------------------------------------------------

_MODIFIER_ROWS: Final = table("date_modifiers")
# "early", "beginning", "end" ... -> "early" | "mid" | "late"
MODIFIER_PARTS: Final[dict[str, str]] = {row["word"]: row["part"] for row in _MODIFIER_ROWS}
MODIFIERS_BEFORE: Final[tuple[str, ...]] = tuple(row["word"] for row in _MODIFIER_ROWS if row["use"] == "before_date")
MODIFIERS_OF_DATE: Final = tuple(row["word"] for row in _MODIFIER_ROWS if row["use"] == "of_date")
MODIFIERS_OF_PERIOD: Final[tuple[str, ...]] = (
    *MODIFIERS_OF_DATE, *(row["word"] for row in _MODIFIER_ROWS if row["use"] == "of_period")
)
# unit -> (least, likeliest, most units, precision) of a vague count of it
VAGUE_OFFSETS: Final[dict[str, tuple[int, int, int, str]]] = {
    row["unit"]: (int(row["least"]), int(row["likeliest"]), int(row["most"]), row["precision"])
    for row in table("vague_offsets")
}

# "last", "this", "next" ... -> periods back (-1), the same (0) or ahead (+1)
SHIFTS: Final[dict[str, int]] = {row["word"]: int(row["shift"]) for row in table("relative_words")}
