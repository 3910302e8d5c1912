"""Reading dates: the temporal expressions of a news article, resolved to days on a calendar.

An event map needs a day (or an honest interval) for each happening, and news gives it as
"on Wednesday", "last March", "days after ...", counted from the publication date. This module
finds those expressions with hand-written regular expressions and resolves them by rule.

Why hand-written and not dateparser (measured on the seeds, see shared/notes/places-and-dates.md):
``search_dates`` takes 35-180 ms an article and is noisy ("we" becomes Wednesday, "10 months",
"one a minute" and "a five-year" become dates); ``parse`` alone takes 8-10 ms an expression and
gets the publication weekday itself wrong ("on Sunday" in a Sunday article goes back a week),
misses "in May last year", future tense, "mid-2015" and ranges. Here a whole article takes about
a millisecond. dateparser is used only as a last resort for odd absolute datelines.

Conventions (what ``DateMention`` fields mean)
----------------------------------------------
- ``date_start``/``date_end`` bound the days the event could be on, inclusive; ``date`` is the
  best single day inside them. A calendar day is ``[d, d]``; a named month is the whole month
  with ``date`` on the 15th; a named year is the whole year with ``date`` on 1 July; "early",
  "mid", "late" keep the first, middle or last third (days 1-10 / 11-20 / 21-end of a month,
  Jan-Apr / May-Aug / Sep-Dec of a year) with ``date`` at its middle, and keep the precision of
  the unit named. Offsets ("nine months ago", "three months after") put ``date`` on the exact
  offset day, inside the calendar month or year the precision names.
- "last week" runs from the Monday of the previous calendar (ISO) week to the day before
  publication (news means the calendar week before or the seven days before: both are in),
  ``date`` in the middle of the days both readings share (always in the calendar week before); ``geo.read_dates`` gives its TIMEX3 value as the previous ISO week;
  "this week" is the Monday-to-Sunday week of publication, "next week" the one after.
- Weekdays, bare months ("in March") and day-months without a year ("Feb 27") are the latest
  such day/month on or before publication (the publication weekday itself is the publication
  day); "last March" is strictly before the publication month. If the sentence speaks of the
  future ("will", "is to", "prepares to", "scheduled", "next", "tomorrow" ...) they are the next
  one on or after publication instead.
- role "since" ("since April"): the interval runs from the start of the named day/month/year to
  publication, and ``date`` is the starting point's best day. role "range" ("from May 2015 to
  March 2016"): the interval spans both ends, ``date`` is the first end's best day, precision is
  the coarser end's. role "anchored" ("days after X", "three months after X"): the mention dates
  X, counted back (after) or forward (before) from the nearest preceding dated point in the same
  sentence, else from publication. When the sentence has no date but names X ("13 days after
  the attack") and an earlier sentence (within 2,000 characters) dates it with an absolute day,
  month or year, the mention instead dates this sentence's happening: X's date plus the offset. "days" means 1-7 days (precision week), "weeks" 1-8 weeks
  (month), "months" 2-12 months (year), "years" 2-10 years (year): geo/lexicons/vague_offsets.tsv.
- Seasons, quarters and decades ("last summer", "the third quarter of 2015", "the 1990s") are
  read by ``geo.dates.timex_rules`` and keep their own precision ("season", "quarter", "decade"):
  the whole period, ``date`` at its middle. A season or quarter without a year is the latest
  one (the next one when the sentence speaks of the future); winter 2016 is Dec 2015-Feb 2016.
- With no publication date, expressions that need one are still returned, with ``date``,
  ``date_start`` and ``date_end`` None and precision "undated"; absolute ones resolve normally.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, TypeVar
from collections.abc import Callable, Iterator, Sequence

from dateutil.relativedelta import relativedelta

from geo.dates import words as _w
from geo.read.text import Sentence, TwinPattern, lowered_as_ignorecase, split_sentences
from geo.read.wordlist import LETTER_RUNS, letter_runs
from geo.native import by_fields

if TYPE_CHECKING:
    from geo.dates.timex_rules import TimeMention

__all__ = ["DateMention", "Dateline", "find_dates", "parse_publication_date", "read_dateline"]

_date = datetime.date
_ONE_DAY: Final = datetime.timedelta(days=1)


@dataclass(frozen=True, slots=True, init=False)
class DateMention:
    """One temporal expression in an article and the days it can stand for.

    ``text == article_text[start_char:end_char]``; when dated,
    ``date_start <= date <= date_end``. See the module docstring for how each kind resolves.
    """

    text: str
    start_char: int
    end_char: int
    date: datetime.date | None
    date_start: datetime.date | None
    date_end: datetime.date | None
    precision: str  # "day" | "week" | "month" | "quarter" | "season" | "year" | "decade" | "undated"
    role: str  # "point" | "since" | "range" | "anchored"
    relative: bool  # needed an anchor: the publication date or an earlier date

    def __init__(
        self,
        text: str,
        start_char: int,
        end_char: int,
        date: datetime.date | None,
        date_start: datetime.date | None,
        date_end: datetime.date | None,
        precision: str,
        role: str,
        relative: bool,
    ) -> None:
        # written out: compiled, each field is stored directly (geo.native, "Frozen dataclasses")
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "start_char", start_char)
        object.__setattr__(self, "end_char", end_char)
        object.__setattr__(self, "date", date)
        object.__setattr__(self, "date_start", date_start)
        object.__setattr__(self, "date_end", date_end)
        object.__setattr__(self, "precision", precision)
        object.__setattr__(self, "role", role)
        object.__setattr__(self, "relative", relative)

    def __reduce__(self):  # pickled by calling the class: see geo.native.by_fields
        return by_fields(self)


# --------------------------------------------------------------------------------------------
# Words: months, weekdays, numbers, units and the like come from the lexicon tables
# (geo/lexicons, read by geo.dates.words); the grammar words of the patterns are named here once
# and the quick key-word checks below are built from the same names.
# --------------------------------------------------------------------------------------------

_MONTH_NUMBERS: Final = _w.MONTHS
_WEEKDAY_NUMBERS: Final = _w.WEEKDAYS
_NOT_WEEKDAY_BEFORE: Final = _w.NOT_WEEKDAY_BEFORE  # "Good Friday", "Bloody Sunday"
_NOT_WEEKDAY_AFTER: Final = re.compile(rf"\s+(?:{_w.alternation(_w.NOT_WEEKDAY_AFTER)})\b")  # "the Sunday Times"
_DURATION_WORDS: Final = frozenset({"for", "during", "within", "over", "lasted", "spent"})
_PREPOSITIONS: Final = ("since", "in", "on", "during", "until", "till", "by", "from", "through", "throughout")
_RANGE_OPENERS: Final = ("from", "between")
_MODIFIER_WORDS: Final = (*_w.MODIFIERS_BEFORE, "at", "the", *_w.MODIFIERS_OF_DATE)  # words _MOD begins with
_WHICH_WORDS: Final = ("last", "this", "next", "past", "coming")
_PERIOD_WHICH: Final = (*_WHICH_WORDS[:3], "past", "earlier this", "later this")
_PERIOD_UNITS: Final = ("week", "month", "year", "weekend")
_OFFSET_COUNT_WORDS: Final = (*_w.OFFSET_COUNTS, *_w.NUMBERS)

# --------------------------------------------------------------------------------------------
# Patterns. "March", "May" and "August" are also words (months.tsv, column common_word), so
# they count as months only capitalised (or in ALL CAPS) and only in a date context (a year, a
# day, a preposition or a modifier before them); other month and weekday names are matched in
# any case.
# --------------------------------------------------------------------------------------------

# Each pattern below is declared with examples it must read and must not (geo.rules; the
# examples are in geo/lexicons/date_examples.tsv, read as published on this day, a Monday).
_EXAMPLES_PUBLISHED: Final = datetime.date(2016, 3, 28)


def _reads(kind: str) -> Callable[[str], bool]:
    """A check for rule examples: whether ``find_dates`` reads an expression of ``kind`` (a
    named group of the scanner) in a text, through the same quick key-word check."""

    def check(text: str) -> bool:
        ctx = _Context(text, _EXAMPLES_PUBLISHED)
        found: list[DateMention] = []
        for m in _scan(text):
            mention = _mention(m, ctx, found)
            if mention is not None:
                found.append(mention)
                if m.group(kind):
                    return True
        return False

    return check


_MON_FULL: Final = (
    rf"(?:{_w.month_pattern((n for n in _w.MONTH_FULL if n not in _w.MONTH_COMMON), any_case=True)}"
    rf"|{_w.month_pattern(_w.MONTH_COMMON, any_case=False)})\b"
)
_MON_ABBR: Final = rf"(?:{_w.month_pattern(_w.MONTH_SHORT, any_case=False)})\b\.?"
_MON: Final = rf"(?:{_MON_FULL}|{_MON_ABBR})"
_WD_FULL: Final = rf"(?i:{_w.alternation(_w.WEEKDAY_FULL)})\b"
_WD_ANY: Final = rf"(?i:{_w.alternation(_w.WEEKDAYS)})\b\.?"
# A possessive with its apostrophe stripped, as scraped text has it: "Saturdays blast" (the
# "s" is left outside the name; "on Saturdays" and "Saturdays and Sundays" are habits, see
# _is_date_here)
_WD_POSSESSIVE: Final = rf"(?i:{_w.alternation(_w.WEEKDAY_FULL)})(?=s\s+(?!(?:and|or|to|through|are|were)\b)[a-z])"
_DAY: Final = r"(?<![\d.,/:])(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?(?!\w|[.,:/]\d|-\w)"
_YEAR: Final = (
    r"(?<![\d.,/:$£€#])(?:1[89]\d\d|20\d\d)"
    r"(?!\w|[.,:/]\d|-(?:year|yr|old)|\s*(?i:gmt|utc|hours|hrs|local\s+time|[ap]\.?m\b))"
)
_MOD: Final = (
    rf"(?i:{_w.alternation(_w.MODIFIERS_BEFORE)}"
    rf"|(?:at\s+)?(?:the\s+)?(?:{_w.alternation(_w.MODIFIERS_OF_DATE)})\s+of)\b"
)
_LNT: Final = rf"(?i:{_w.alternation(_WHICH_WORDS)})"
_COUNT: Final = rf"(?:(?<![\d,.])\d{{1,3}}(?!\d)|(?i:{_w.alternation(_OFFSET_COUNT_WORDS)})\b)"
_UNIT: Final = rf"(?i:{_w.unit_pattern(_w.OFFSET_UNITS)})\b"
_DAY_PART: Final = rf"(?i:{_w.alternation(_w.DAY_PARTS)})\b"

# One named pattern per kind of point; the same names are read whether they matched in the
# scanner or as one end of a range.
_P_ISO: Final = (
    rf"(?P<iso>(?P<iso_y>{_YEAR})-(?P<iso_m>0[1-9]|1[0-2])-(?P<iso_d>0[1-9]|[12]\d|3[01])"
    r"(?!\d))"
)
_P_NUM: Final = (
    r"(?P<num>(?<![\d.,/])(?P<num_a>\d{1,2})[./-](?P<num_b>\d{1,2})[./-]"
    r"(?P<num_y>(?:1[89]|20)\d\d)(?![\d]|[.,/]\d))"
)
_P_DMY: Final = (
    rf"(?P<dmy>(?:{_WD_ANY},?\s+(?:the\s+)?)?(?P<dmy_d>{_DAY})(?:\s+of)?\s+(?P<dmy_m>{_MON})"
    rf"(?:,?\s+(?P<dmy_y>{_YEAR}))?)"
)
_P_MDY: Final = (
    rf"(?P<mdy>(?:{_WD_ANY},?\s+)?(?P<mdy_m>{_MON})\s+(?P<mdy_d>{_DAY})"
    rf"(?:,?\s+(?P<mdy_y>{_YEAR}))?)"
)
_P_MY: Final = rf"(?P<my>(?:(?P<my_mod>{_MOD})[\s-]*)?(?P<my_m>{_MON}),?\s+(?:of\s+)?(?P<my_y>{_YEAR}))"
_P_MONTH: Final = (
    rf"(?P<mo>(?:(?P<mo_mod>{_MOD})[\s-]*|(?P<mo_lnt>{_LNT})\s+)?(?P<mo_m>{_MON_FULL})"
    rf"(?:\s+(?:of\s+)?(?P<mo_yr>(?i:last|this|next))\s+(?i:year)\b)?)"
)
_P_YEAR: Final = rf"(?P<yr>(?:(?P<yr_mod>{_MOD})[\s-]*)?(?P<yr_y>{_YEAR}))"
_P_WEEKDAY: Final = (
    rf"(?P<wd>(?:(?P<wd_lnt>{_LNT})\s+)?(?P<wd_name>{_WD_FULL}|{_WD_POSSESSIVE})"
    rf"(?P<wd_tod>\s+{_DAY_PART})?)"
)
_P_RELDAY: Final = rf"(?P<rd>(?i:{_w.alternation(_w.RELATIVE_DAYS)})\b)"
_P_PERIOD: Final = (
    # "early this week", "at the end of last month", "the beginning of the week" ("the" only
    # after a modifier: "the week" alone is no date)
    rf"(?P<pe>(?:(?P<pe_mod>{_MOD})[\s-]*)?(?P<pe_lnt>(?i:{_w.alternation(_PERIOD_WHICH)})|(?(pe_mod)(?i:the)|(?!)))\s+"
    rf"(?P<pe_u>(?i:{_w.alternation(_PERIOD_UNITS)}))\b)"
)
_P_AGO: Final = rf"(?P<ago>\b(?:(?P<ago_n>{_COUNT})[\s-]+)?(?P<ago_u>{_UNIT})\s+(?i:ago)\b)"
_P_ANCHORED: Final = (
    rf"(?P<an>\b(?:(?P<an_n>{_COUNT})[\s-]+)?(?P<an_u>{_UNIT})\s+(?P<an_dir>(?i:after|before))\b)"
)
_PREFIX: Final = (
    rf"(?:(?P<prep>(?i:{_w.alternation(_PREPOSITIONS)}))\s+"
    r"(?:(?i:midnight|noon|midday|dawn|dusk)\s+on\s+)?)?"
)

# Two days of one month: "March 8-9", "April 24 and 25, 2015", "8-9 March".
_DAY_NUM: Final = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_DAY_PAIR_SEP: Final = r"\s*(?:-|–|—|/)\s*|\s+(?i:and|to|through|or)\s+"
_P_DAYS: Final = (
    rf"(?P<dr>(?:(?P<dr_m1>{_MON})\s+(?<![\d.,/:])(?P<dr_a1>{_DAY_NUM})(?:{_DAY_PAIR_SEP})"
    rf"(?P<dr_b1>{_DAY_NUM})|(?<![\d.,/:])(?P<dr_a2>{_DAY_NUM})(?:{_DAY_PAIR_SEP})(?P<dr_b2>{_DAY_NUM})"
    rf"(?:\s+of)?\s+(?P<dr_m2>{_MON}))(?!\w|[.,:/]\d)(?:,?\s+(?P<dr_y>{_YEAR}))?)"
)
_ENDPOINT_KINDS: Final = "|".join((_P_ISO, _P_NUM, _P_DMY, _P_MDY, _P_MY, _P_MONTH, _P_YEAR, _P_WEEKDAY))
_POINT_KINDS: Final = "|".join((_P_DAYS, _ENDPOINT_KINDS, _P_RELDAY, _P_PERIOD, _P_AGO))


def _unnamed(pattern: str) -> str:
    """The pattern with its named groups made anonymous, to embed a second copy of it."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


_ENDPOINT_ANON: Final = _unnamed(_ENDPOINT_KINDS)
_P_RANGE: Final = (
    rf"(?P<rg>(?i:{_w.alternation(_RANGE_OPENERS)})\s+(?P<rg_l>{_ENDPOINT_ANON})\s*"
    rf"(?:(?i:to|until|till|through|thru|and)\s+|[-–—]\s*)(?P<rg_r>{_ENDPOINT_ANON}))"
)


# The scanner: at each word start, a range first, then a point (with its preposition), then an
# anchored offset. finditer gives leftmost, non-overlapping matches in text order.
_SCAN: Final = re.compile(rf"\b(?:{_P_RANGE}|{_PREFIX}(?:{_POINT_KINDS})|{_P_ANCHORED})")
_ENDPOINT: Final = re.compile(_ENDPOINT_KINDS)
_w.declare_examples(_SCAN.groupindex, _reads)

# Trying the scanner at every word start costs about 4 ms an article. Every expression holds a
# "core" word (a digit, month, weekday, day/week/month/year word), at most a few words after its
# start, so the scanner is tried only at the word starts just before each core word. Both
# checks are built from the words the patterns above are built from, so a word added to a
# table or a pattern's word list is never missed (tests/test_date_rules.py holds every rule's
# examples to it).


def _prefixes_only(words: set[str]) -> list[str]:
    """The words, less those that begin with another of them (a prefix check finds them)."""
    return sorted(w for w in words if not any(w != v and w.startswith(v) for v in words))


_CORE_NAMES: Final = _prefixes_only(
    {name[:3] for name in (*_w.MONTHS, *_w.WEEKDAYS)}  # "jan" finds "January" and "Jan."
    | {phrase.split()[-1] for phrase in _w.RELATIVE_DAYS}
    | {*_w.OFFSET_UNITS, *_PERIOD_UNITS, *_w.DAY_PARTS}
)
_CORE_WORDS: Final = (
    r"(?:\d{1,2}|(?:1[89]|20)\d\d)(?!\d|,\d)"  # a day, a month number or a year; not 400
    rf"|{_w.alternation(_CORE_NAMES)}"
)
# The phrases an expression can open with before its core word.
_OPENING_PHRASES: Final = (
    *_PREPOSITIONS, *_RANGE_OPENERS, *_MODIFIER_WORDS, *_WHICH_WORDS, *_PERIOD_WHICH,
    *_OFFSET_COUNT_WORDS, *_w.RELATIVE_DAYS,
)  # fmt: skip
_START_NAMES: Final = sorted({phrase.split()[0] for phrase in _OPENING_PHRASES})


def _first_letters(words: list[str]) -> str:
    """A character class of digits and the words' first letters: a quick no elsewhere."""
    return r"[\d" + "".join(sorted({w[0] for w in words})) + "]"


_CORE: Final = re.compile(rf"(?i)\b(?={_first_letters(_CORE_NAMES)})(?:{_CORE_WORDS})")
# Where a match can start: a core word or a word that can come before one.
_MATCH_START: Final = re.compile(
    rf"(?i)\b(?={_first_letters(_CORE_NAMES + _START_NAMES)})"
    rf"(?:(?:{_w.alternation(_START_NAMES)})\b|(?=(?:{_CORE_WORDS})))"
)
# The same two for a lower-cased text: the patterns' words are all lower case.
_CORE_LOWER: Final = re.compile(_CORE.pattern.removeprefix("(?i)"))
_MATCH_START_LOWER: Final = re.compile(_MATCH_START.pattern.removeprefix("(?i)"))
# And the two with their ASCII twins, for ASCII text (most articles): the same (see ascii_twin; the
# scanner itself has none: compiling its twin costs 19 ms, what it saves in about 1,300 articles).
_CORE_TWIN: Final = TwinPattern(_CORE_LOWER)
_MATCH_START_TWIN: Final = TwinPattern(_MATCH_START_LOWER)
_REACH_BACK: Final = 45  # characters from a match's start to its first core word, at most


# Every word a match can hold before its first core word: every word of the opening phrases
# (whose first words are _START_NAMES) and the patterns' own words that come before a core
# (_MOD's "at the ... of", _PREFIX's "midnight on"). A start word with any other word between
# it and the core cannot begin a match that reaches the core (tests/test_date_rules.py draws
# matches from the scanner to hold this list to it).
_BEFORE_CORE_WORDS: Final = frozenset(
    word
    for phrase in (*_OPENING_PHRASES, "at the of on midnight noon midday dawn dusk")
    for word in LETTER_RUNS.findall(phrase.lower())
)


def _past_other_words(lowered: str, first: int, core: int) -> int:
    """Where to look for a match's start before ``core`` from ``first`` on: past the last run of
    letters a-z between them that no match holds before its first core word (most windows:
    "in the attack that killed 20" is no date, whatever "in" begins). Failed attempts at such
    starts were half of all the scanner's attempts on the dev-set articles, 80 us an article.
    The runs are listed without match objects (letter_runs)."""
    for at, run in letter_runs(lowered, first, core):
        if run not in _BEFORE_CORE_WORDS:
            first = at + len(run)
    return first


# What may follow a bare day number (one or two digits and a space) in a match, besides a core
# word: "3 of May", "8 and 9 March", "8 to 9 March", "8 through 9", "8 or 9 March".
_AFTER_DAY_NUMBER: Final = frozenset({"of", "and", "to", "through", "or"})


def _number_ends_here(lowered: str, core: re.Match[str], cores: re.Pattern[str]) -> bool:
    """Whether no match can begin at this core, a number of one or two digits followed by a
    space: the word after it ("20 people") is none a match can go on with. Only spaces and
    hyphens are read past; anything else next (a letter glued to the number, a slash, a dash, a
    digit, a core word, one of _AFTER_DAY_NUMBER) says no, and the scanner tries. On the dev-set
    articles 357 of the scanner's 404 tries at numbers failed (find_dates -6% of its instructions
    without them)."""
    end, number = core.end(), core.group()
    if not (len(number) <= 2 and number.isascii() and number.isdigit()):
        return False
    if end >= len(lowered) or not lowered[end].isspace():
        return False
    nxt = end
    while nxt < len(lowered) and (lowered[nxt].isspace() or lowered[nxt] == "-"):
        nxt += 1
    run = LETTER_RUNS.match(lowered, nxt)
    if run is None:
        return False
    return run.group() not in _AFTER_DAY_NUMBER and cores.match(lowered, nxt) is None


def _scan(text: str) -> Iterator[re.Match[str]]:
    """Leftmost, non-overlapping scanner matches in text order, like ``_SCAN.finditer``.

    ``tried``: every word start before it was tried for an earlier core word and gave no match
    reaching past that core, so none reaches past a later one either: they are not tried again
    (cores come in clusters, "on 3 May 2016": each start word is tried once)."""
    # The two locating searches run case-sensitively on the lower-cased text where that finds
    # the same (see lowered_as_ignorecase); the match itself reads the text as written.
    lowered = lowered_as_ignorecase(text)
    if lowered is None:
        cores, starts, hay = _CORE, _MATCH_START, text
    else:
        cores, starts, hay = _CORE_TWIN.for_text(lowered), _MATCH_START_TWIN.for_text(lowered), lowered
    done = tried = 0
    for core in cores.finditer(hay):
        c = core.start()
        if c < done:
            continue
        first = max(done, tried, c - _REACH_BACK)
        if lowered is not None:
            first = _past_other_words(lowered, first, c)
        for word in starts.finditer(hay, first):
            if word.start() > c:
                break
            if word.start() == c and lowered is not None and _number_ends_here(lowered, core, cores):
                break  # the core, a bare day number, is the last start to try
            m = _SCAN.match(text, word.start())
            if m is not None and m.end() > c:
                yield m
                done = m.end()
                break
            if word.start() == c:  # the core word is a start too, and the last to try: no
                break  # search for the start after it
        if done <= c:  # no match reaches past this core
            tried = c + 1

_FUTURE: Final = re.compile(
    r"\b(?:will|won't|shall|(?:is|are)\s+(?:due\s+|set\s+|scheduled\s+|expected\s+|going\s+"
    r"|about\s+)?to|prepar(?:es?|ing)\s+to|plans?\s+to|planning\s+to|intends?\s+to|scheduled"
    r"|upcoming|next(?!\s+(?:to|day|morning|afternoon|evening|night)\b)|tomorrow"
    # "payable Dec. 15", "expected to be completed by", "slated for", "due on"
    r"|payable|expected|slated|due(?!\s+to\b)|set\s+for)\b|'ll\b"
    # A start or end announced just before the day: "a truce starting on Thursday", "a halt
    # would begin Monday", "talks to resume on Friday", "effective Sunday". Only right before
    # the expression (the search ends there): "clashes that started on Monday" stays past.
    r"|\b(?:starting|beginning|effective|(?:would|to)\s+(?:begin|start|resume|end|expire"
    r"|take\s+effect|come\s+into\s+force))\s+(?:on\s+|from\s+)?$",
    re.IGNORECASE,
)
# "to run through June", "to stay until March": an infinitive reaching up to the date
_REACHES_UP_TO: Final = re.compile(
    r"\bto\s+[a-z]+(?:\s+[a-z]+)?\s+(?:through|until|till|by)\s", re.IGNORECASE
)
_LAST_WORD: Final = re.compile(r"(\w+)\W*$")
# The last with its ASCII twin, for an ASCII text: the same answers, faster (see ascii_twin).
_LAST_WORD_TWIN: Final = TwinPattern(_LAST_WORD)
# The first two case-sensitive, for the lower-cased text where that finds the same (see
# lowered_as_ignorecase; their words are all lower case): asked around every date, they were
# 2% of a run's instructions case-insensitive. A text not lower-cased is never ASCII, so the
# two as written need no ASCII twin.
_FUTURE_LOWER_TWIN: Final = TwinPattern(re.compile(_FUTURE.pattern))
_REACHES_UP_TO_LOWER_TWIN: Final = TwinPattern(re.compile(_REACHES_UP_TO.pattern))
_FUTURE_LOOKBACK: Final = 80  # characters before the expression, within its sentence
_FUTURE_LOOKAHEAD: Final = 30  # and after it: "on Thursday, ministers will meet"

# --------------------------------------------------------------------------------------------
# Spans: an interval with a best day and a precision
# --------------------------------------------------------------------------------------------

_PRECISION_RANK: Final[dict[str, int]] = {
    "day": 0, "week": 1, "month": 2, "quarter": 3, "season": 3, "year": 4, "decade": 5,
}  # fmt: skip


@dataclass(frozen=True, slots=True, init=False)
class _Span:
    start: datetime.date
    end: datetime.date
    best: datetime.date
    precision: str

    def __init__(self, start: datetime.date, end: datetime.date, best: datetime.date, precision: str) -> None:
        # written out: compiled, each field is stored directly (geo.native, "Frozen dataclasses")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "best", best)
        object.__setattr__(self, "precision", precision)


def _coarser(a: str, b: str) -> str:
    return a if _PRECISION_RANK[a] >= _PRECISION_RANK[b] else b


def _month_end(d: datetime.date) -> datetime.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _window(start: datetime.date, end: datetime.date, precision: str) -> _Span:
    """An interval whose best day is its middle."""
    return _Span(start, end, start + (end - start) // 2, precision)


def _day_span(d: datetime.date) -> _Span:
    return _Span(d, d, d, "day")


def _month_span(year: int, month: int) -> _Span:
    first = _date(year, month, 1)
    return _Span(first, _month_end(first), _date(year, month, 15), "month")


def _year_span(year: int) -> _Span:
    return _Span(_date(year, 1, 1), _date(year, 12, 31), _date(year, 7, 1), "year")


def _modified(span: _Span, modifier: str | None) -> _Span:
    """The first, middle or last third of a month or a year ("early May", "mid-2015"); of a
    week, its Monday-Tuesday, Wednesday-Friday or Friday-Sunday ("early last week")."""
    if modifier is None or span.precision not in ("week", "month", "year") or (span.end - span.start).days < 6:
        return span  # "late this weekend", "earlier this month": no part of them to tell
    third = ("early", "mid", "late").index(modifier)
    if span.precision == "week":
        monday = span.best - datetime.timedelta(days=span.best.weekday())
        first, last = ((0, 1), (2, 4), (4, 6))[third]
        return _window(monday + datetime.timedelta(days=first), monday + datetime.timedelta(days=last), "week")
    if span.precision == "month":
        y, m = span.start.year, span.start.month
        first, last = ((1, 10), (11, 20), (21, span.end.day))[third]
        return _window(_date(y, m, first), _date(y, m, last), "month")
    y = span.start.year
    first_month, last_month = ((1, 4), (5, 8), (9, 12))[third]
    return _window(_date(y, first_month, 1), _month_end(_date(y, last_month, 1)), "year")


def _offset(anchor: _Span, count: int | None, unit: str, sign: int) -> _Span:
    """The span ``count`` units before (sign -1) or after (sign +1) ``anchor``.

    ``count`` None is a vague count ("days after", "a few weeks ago"). See the module docstring.
    """
    a = anchor
    if unit == "hour":  # "hours after X": the same day or the one before
        if sign < 0:
            return _Span(a.start - _ONE_DAY, a.end, a.best, _coarser("day", a.precision))
        return _Span(a.start, a.end + _ONE_DAY, a.best, _coarser("day", a.precision))
    if count is None:  # how far a vague count reaches: vague_offsets.tsv
        least, likeliest, most, precision = _w.VAGUE_OFFSETS[unit]
        lo, mid, hi = (relativedelta(**{unit + "s": n}) for n in (least, likeliest, most))
        if sign < 0:
            start, best, end = a.start - hi, a.best - mid, a.end - lo
        else:
            start, best, end = a.start + lo, a.best + mid, a.end + hi
    else:
        step = {
            "day": relativedelta(days=count),
            "week": relativedelta(weeks=count),
            "month": relativedelta(months=count),
            "year": relativedelta(years=count),
        }[unit]
        step = step if sign > 0 else -step
        start, best, end = a.start + step, a.best + step, a.end + step
        precision = unit
        if unit == "week":  # a week either way of the exact day
            start, end = start - relativedelta(days=3), end + relativedelta(days=3)
    if precision == "month" or (precision == "year" and unit == "month"):
        start, end = start.replace(day=1), _month_end(end)
    if unit == "year" or precision == "year":
        start, end = start.replace(month=1, day=1), end.replace(month=12, day=31)
    return _Span(start, end, best, _coarser(precision, a.precision))


# --------------------------------------------------------------------------------------------
# Points: what a matched expression says, before it is resolved against an anchor
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, init=False)
class _Point:
    kind: str  # "date" | "month" | "year" | "weekday" | "relday" | "period" | "ago"
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    modifier: str | None = None  # "early" | "mid" | "late"
    which: str | None = None  # "last" | "this" | "next" | "past" | "coming" | "earlier" | "later"
    year_shift: int | None = None  # "in May last year": -1
    shift: int = 0  # days from the anchor for "yesterday" etc.
    unit: str | None = None
    count: int | None = None
    explicit: bool = False  # said which one: a preposition, modifier or last/this/next

    def __init__(
        self,
        kind: str,
        year: int | None = None,
        month: int | None = None,
        day: int | None = None,
        weekday: int | None = None,
        modifier: str | None = None,
        which: str | None = None,
        year_shift: int | None = None,
        shift: int = 0,
        unit: str | None = None,
        count: int | None = None,
        explicit: bool = False,
    ) -> None:
        # written out: compiled, each field is stored directly (geo.native, "Frozen dataclasses")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "month", month)
        object.__setattr__(self, "day", day)
        object.__setattr__(self, "weekday", weekday)
        object.__setattr__(self, "modifier", modifier)
        object.__setattr__(self, "which", which)
        object.__setattr__(self, "year_shift", year_shift)
        object.__setattr__(self, "shift", shift)
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "count", count)
        object.__setattr__(self, "explicit", explicit)

    @property
    def relative(self) -> bool:
        if self.kind in ("date", "month", "year"):
            return self.year is None
        return True

    @property
    def tense_sensitive(self) -> bool:
        """Past or future depends on the sentence: a bare weekday, month or day-month."""
        if self.kind == "weekday":
            return self.which in (None, "this")
        if self.kind in ("date", "month"):
            return self.year is None and self.year_shift is None and self.which in (None, "this")
        return False


def _modifier(words: str | None) -> str | None:
    """ "early", "mid" or "late" for a modifier _MOD matched ("mid-", "at the end of")."""
    if not words:
        return None
    return next(_w.MODIFIER_PARTS[w] for w in re.findall(r"[a-z]+", words.lower()) if w in _w.MODIFIER_PARTS)


def _which(word: str | None) -> str | None:
    return word.split()[0].lower() if word else None


def _count(word: str | None) -> int | None:
    """The number in "three months", 1 for "a month", None for a vague "months", "a few days"."""
    if word is None:
        return None
    word = " ".join(word.lower().split())
    if word.isdigit():
        return int(word)
    if word in _w.COUNTS:
        return _w.COUNTS[word]  # None for a vague count
    return _w.NUMBERS.get(word)


def _unit(word: str) -> str:
    word = word.lower().rstrip("s")
    return "hour" if word == "minute" else word


def _valid_day(year: int | None, month: int, day: int) -> bool:
    try:
        _date(year if year is not None else 2000, month, day)  # 2000 is a leap year
    except ValueError:
        return False
    return True


def _parse_point(m: re.Match[str]) -> _Point | None:
    """The point a match of one of the point kinds describes, or None if it is not a date."""
    g = m.group
    y: int | None
    if g("iso"):
        y, mo, d = int(g("iso_y")), int(g("iso_m")), int(g("iso_d"))
        return _Point("date", y, mo, d, explicit=True) if _valid_day(y, mo, d) else None
    if g("num"):
        a, b, y = int(g("num_a")), int(g("num_b")), int(g("num_y"))
        d, mo = (b, a) if b > 12 >= a else (a, b)  # day first unless that cannot be
        return _Point("date", y, mo, d, explicit=True) if _valid_day(y, mo, d) else None
    for kind in ("dmy", "mdy"):
        if g(kind):
            mo = _MONTH_NUMBERS[g(f"{kind}_m").rstrip(".").lower()]
            d = int(re.match(r"\d+", g(f"{kind}_d")).group())  # type: ignore[union-attr]
            y = int(g(f"{kind}_y")) if g(f"{kind}_y") else None
            return _Point("date", y, mo, d, explicit=True) if _valid_day(y, mo, d) else None
    if g("my"):
        mo = _MONTH_NUMBERS[g("my_m").rstrip(".").lower()]
        return _Point("month", int(g("my_y")), mo, modifier=_modifier(g("my_mod")), explicit=True)
    if g("mo"):
        shift = _w.SHIFTS.get((g("mo_yr") or "").lower())
        return _Point(
            "month",
            month=_MONTH_NUMBERS[g("mo_m").lower()],
            modifier=_modifier(g("mo_mod")),
            which=_which(g("mo_lnt")),
            year_shift=shift,
            explicit=bool(g("mo_mod") or g("mo_lnt") or g("mo_yr")),
        )
    if g("yr"):
        return _Point(
            "year", int(g("yr_y")), modifier=_modifier(g("yr_mod")), explicit=bool(g("yr_mod"))
        )
    if g("wd"):
        return _Point(
            "weekday",
            weekday=_WEEKDAY_NUMBERS[g("wd_name").lower()],
            which=_which(g("wd_lnt")),
            explicit=bool(g("wd_lnt") or g("wd_tod")),
        )
    return None


def _parse_relative(m: re.Match[str]) -> _Point | None:
    """Points that only the scanner finds: "yesterday", "last week", "nine months ago"."""
    g = m.group
    if g("rd"):
        shift, _ = _w.RELATIVE_DAYS[" ".join(g("rd").lower().split())]
        return _Point("relday", shift=shift, explicit=True)
    if g("pe"):
        which = g("pe_lnt").lower()
        return _Point(
            "period", which=None if which == "the" else _which(which), unit=g("pe_u").lower(),
            modifier=_modifier(g("pe_mod")), explicit=True,
        )
    if g("ago"):
        return _Point(
            "ago", unit=_unit(g("ago_u")), count=_count(g("ago_n")), explicit=True
        )
    return _parse_point(m)


# --------------------------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------------------------


def _weekday_on_or_before(base: datetime.date, weekday: int, strict: bool) -> datetime.date:
    back = (base.weekday() - weekday) % 7
    return base - datetime.timedelta(days=back or (7 if strict else 0))


def _weekday_on_or_after(base: datetime.date, weekday: int, strict: bool) -> datetime.date:
    ahead = (weekday - base.weekday()) % 7
    return base + datetime.timedelta(days=ahead or (7 if strict else 0))


def _day_month_near(base: datetime.date, month: int, day: int, future: bool) -> datetime.date:
    """The latest day-month on or before base, or the earliest on or after it."""
    step = 1 if future else -1
    for k in range(9):  # 29 February recurs within eight years
        try:
            d = _date(base.year + step * k, month, day)
        except ValueError:
            continue
        if (d >= base) if future else (d <= base):
            return d
    raise ValueError(f"no {month}-{day} near {base}")


def _month_year(base: datetime.date, month: int, which: str | None, future: bool) -> int:
    if which in ("last", "past"):
        return base.year if month < base.month else base.year - 1
    if which in ("next", "coming"):
        return base.year if month > base.month else base.year + 1
    if which == "this" and not future:
        return base.year
    if future:
        return base.year if month >= base.month else base.year + 1
    return base.year if month <= base.month else base.year - 1


def _period(base: datetime.date, which: str, unit: str) -> _Span:
    """"last week", "this month", "earlier this year", "the past week", "next weekend"."""
    if unit == "weekend":  # Saturday and Sunday: the latest one, unless last/next says so
        saturday = _weekday_on_or_before(base, 5, strict=False)
        if which == "next":
            saturday = _weekday_on_or_after(base, 5, strict=True)
        elif which == "last" and base.weekday() in (5, 6):
            saturday -= datetime.timedelta(days=7)
        return _window(saturday, saturday + _ONE_DAY, "week")
    if unit == "week":
        monday = base - datetime.timedelta(days=base.weekday())
        sunday = monday + datetime.timedelta(days=6)
        if which == "last":  # the previous calendar week or the seven days before: both
            start = min(monday - relativedelta(days=7), base - relativedelta(days=7))
            # best: the middle of what both readings share, so always in the calendar week before
            shared = max(monday - relativedelta(days=7), base - relativedelta(days=7))
            best = shared + (monday - _ONE_DAY - shared) / 2
            return _Span(start, base - _ONE_DAY, best, "week")
        if which == "past":
            return _Span(base - relativedelta(days=7), base, base - relativedelta(days=4), "week")
        if which == "next":
            return _window(monday + relativedelta(days=7), sunday + relativedelta(days=7), "week")
        if which == "earlier":
            return _window(monday, base, "week")
        if which == "later":
            return _window(base, sunday, "week")
        return _Span(monday, sunday, base, "week")
    if unit == "month":
        if which == "past":
            return _window(base - relativedelta(months=1), base, "month")
        if which == "earlier":
            return _window(base.replace(day=1), base, "month")
        if which == "later":
            return _window(base, _month_end(base), "month")
        shifted = base + relativedelta(months=_w.SHIFTS.get(which, 0))
        return _month_span(shifted.year, shifted.month)
    if which == "past":
        return _window(base - relativedelta(years=1), base, "year")
    if which == "earlier":
        return _window(base.replace(month=1, day=1), base, "year")
    if which == "later":
        return _window(base, base.replace(month=12, day=31), "year")
    return _year_span(base.year + _w.SHIFTS.get(which, 0))


def _resolve(point: _Point, base: datetime.date | None, future: bool) -> _Span | None:
    """The span a point stands for, counted from ``base``; None if it needs a base and has none."""
    if point.kind == "year":
        return _modified(_year_span(point.year), point.modifier)  # type: ignore[arg-type]
    if point.kind == "date":
        if point.year is not None:
            return _day_span(_date(point.year, point.month, point.day))  # type: ignore[arg-type]
        if base is None:
            return None
        return _day_span(_day_month_near(base, point.month, point.day, future))  # type: ignore[arg-type]
    if point.kind == "month":
        month: int = point.month  # type: ignore[assignment]
        if point.year is not None:
            year = point.year
        elif base is None:
            return None
        elif point.year_shift is not None:
            year = base.year + point.year_shift
        else:
            year = _month_year(base, month, point.which, future)
        return _modified(_month_span(year, month), point.modifier)
    if base is None:
        return None
    if point.kind == "weekday":
        wd: int = point.weekday  # type: ignore[assignment]
        if point.which in ("last", "past"):
            day = _weekday_on_or_before(base, wd, strict=True)
            if point.which == "last" and (base - day).days == 1:
                # "last Monday" written on a Tuesday: the writer would have said "yesterday",
                # so the Monday of the week before is meant
                day -= datetime.timedelta(days=7)
            return _day_span(day)
        if point.which in ("next", "coming"):
            return _day_span(_weekday_on_or_after(base, wd, strict=True))
        if future:
            return _day_span(_weekday_on_or_after(base, wd, strict=False))
        return _day_span(_weekday_on_or_before(base, wd, strict=False))
    if point.kind == "relday":
        return _day_span(base + datetime.timedelta(days=point.shift))
    if point.kind == "period":
        return _modified(_period(base, point.which or "this", point.unit or "week"), point.modifier)
    if point.kind == "ago":
        return _offset(_day_span(base), point.count, point.unit or "day", -1)
    return None


class _Context:
    """Per-article state: sentence boundaries and the publication date.

    The sentences are the article's one split (:func:`geo.read.text.split_sentences`, what
    :class:`geo.read.document.Document` holds), so "U.S. forces" does not end a sentence here
    and start one for the events stage."""

    __slots__ = ("text", "published", "_starts", "_ends", "_hay", "_future", "_reaches", "_last_word")

    def __init__(
        self, text: str, published: datetime.date | None, sentences: Sequence[Sentence] | None = None
    ) -> None:
        self.text = text
        self.published = published
        if sentences is None:
            sentences = split_sentences(text)
        # Each sentence reaches back to the end of the one before, so every offset has one.
        self._starts: list[int] = [0, *(s.start for s in sentences[1:])]
        self._ends: list[int] = [*(s.end for s in sentences[:-1]), len(text)]
        # is_future searches the lower-cased text case-sensitively where that finds the same
        # (the scanner has just lower-cased this text: the answer is remembered)
        lowered = lowered_as_ignorecase(text)
        if lowered is None:
            self._hay = text
            self._future = _FUTURE
            self._reaches = _REACHES_UP_TO
        else:
            self._hay = lowered
            self._future = _FUTURE_LOWER_TWIN.for_text(lowered)
            self._reaches = _REACHES_UP_TO_LOWER_TWIN.for_text(lowered)
        self._last_word = _LAST_WORD_TWIN.for_text(text)

    def sentence_start(self, pos: int) -> int:
        return self._starts[bisect_right(self._starts, pos) - 1]

    def sentence_end(self, pos: int) -> int:
        i = bisect_right(self._ends, pos - 1)
        return self._ends[i] if i < len(self._ends) else len(self.text)

    def is_future(self, start: int, end: int) -> bool:
        """Whether the words around [start, end) in its sentence speak of the future."""
        before = max(self.sentence_start(start), start - _FUTURE_LOOKBACK)
        after = min(self.sentence_end(end), end + _FUTURE_LOOKAHEAD)
        future, hay = self._future, self._hay
        if future.search(hay, before, start) or future.search(hay, end, after):
            return True
        reach = self._reaches.search(hay, before, min(end, start + 10))
        return reach is not None and reach.end() > start

    def word_before(self, pos: int) -> str:
        m = self._last_word.search(self.text[max(0, pos - 30) : pos])
        return m.group(1).lower() if m else ""


def _anchor(earlier: list[DateMention], sentence_start: int) -> _Span | None:
    """The nearest preceding dated point in the same sentence."""
    for mention in reversed(earlier):
        if mention.start_char < sentence_start:
            return None
        if mention.role == "point" and mention.date is not None:
            return _Span(mention.date_start, mention.date_end, mention.date, mention.precision)  # type: ignore[arg-type]
    return None


_HAPPENING_AFTER: Final = re.compile(
    r"\s+(?:the|a|an|his|her|their|its|this|that)\s+(?:[a-z]+\s+)?([a-z]{4,})\b", re.IGNORECASE
)
_HAPPENING_REACH: Final = 2000  # characters back to look for the happening's own sentence


def _named_happening(earlier: list[DateMention], ctx: _Context, end: int) -> _Span | None:
    """ "13 days after the attack": the day of the attack when an earlier sentence dates it.

    The happening is the noun after "after"/"before" ("the attack", "the chemical attack");
    its date is the latest absolute point of an earlier sentence that names the same noun
    (by its first five letters, so "attacked" finds "attack")."""
    m = _HAPPENING_AFTER.match(ctx.text, end)
    if m is None:
        return None
    stem = m.group(1).lower()[:5]
    for mention in reversed(earlier):
        if mention.end_char < end - _HAPPENING_REACH:
            return None
        if mention.role != "point" or mention.relative or mention.date is None:
            continue
        s = ctx.sentence_start(mention.start_char)
        sentence = ctx.text[s : ctx.sentence_end(mention.end_char)].lower()
        if re.search(rf"\b{re.escape(stem)}", sentence):
            return _Span(mention.date_start, mention.date_end, mention.date, mention.precision)  # type: ignore[arg-type]
    return None


def _mention(
    m: re.Match[str], ctx: _Context, earlier: list[DateMention]
) -> DateMention | None:
    """The mention one scanner match makes, or None when the match is not a date after all."""
    if m.group("an"):
        return _anchored_mention(m, ctx, earlier)
    if m.group("rg"):
        return _range_mention(m, ctx)
    if m.group("dr"):
        return _day_pair(m, ctx)
    return _point_mention(m, ctx, earlier)


def _anchored_mention(m: re.Match[str], ctx: _Context, earlier: list[DateMention]) -> DateMention | None:
    """ "three days after X": X's day, counted from the nearest dated point before it in the
    sentence (or publication); when an earlier sentence dates X itself ("13 days after the
    attack"), this sentence's happening: X's day plus the offset."""
    start, end = m.span()
    if ctx.word_before(start) in _DURATION_WORDS:  # "for 10 months after ..." is a duration
        return None
    unit = _unit(m.group("an_u"))
    count = _count(m.group("an_n"))
    if m.group("an_n") and m.group("an_n").lower() == "the" and m.group("an_u")[-1:] in "sS":
        count = None  # "the days after": vague
    sign = -1 if m.group("an_dir").lower() == "after" else 1
    anchor = _anchor(earlier, ctx.sentence_start(start))
    if anchor is None:
        anchor = _named_happening(earlier, ctx, end)
        if anchor is not None:  # X is dated: the mention dates this sentence's happening
            sign = -sign
    if anchor is None and ctx.published is not None:
        anchor = _day_span(ctx.published)
    span = _offset(anchor, count, unit, sign) if anchor is not None else None
    return _build(m, span, "anchored", relative=True)


def _range_mention(m: re.Match[str], ctx: _Context) -> DateMention | None:
    """ "from May 2015 to March 2016": both ends; a relative left end counts from the right."""
    start, end = m.span()
    left = _ENDPOINT.fullmatch(m.group("rg_l"))
    right = _ENDPOINT.fullmatch(m.group("rg_r"))
    lp = _parse_point(left) if left else None
    rp = _parse_point(right) if right else None
    if lp is None or rp is None:
        return None
    future = rp.tense_sensitive and ctx.is_future(start, end)
    rs = _resolve(rp, ctx.published, future)
    if rs is None:
        return _build(m, None, "range", relative=True)
    ls = _resolve(lp, rs.end if lp.relative else ctx.published, future=False)
    if ls is None:
        return _build(m, None, "range", relative=True)
    lo, hi = min(ls.start, rs.start), max(ls.end, rs.end)
    span = _Span(lo, hi, min(max(ls.best, lo), hi), _coarser(ls.precision, rs.precision))
    return _build(m, span, "range", relative=rp.relative)


def _point_mention(m: re.Match[str], ctx: _Context, earlier: list[DateMention]) -> DateMention | None:
    """A single point ("on Wednesday", "since April", "last week"), or None when the words
    only look like a date (a bare "May", "Good Friday", "on 2015")."""
    start, end = m.span()
    point = _parse_relative(m)
    if point is None or not _is_date_here(point, m, ctx):
        return None
    pub = ctx.published
    future = point.tense_sensitive and ctx.is_future(start, end)
    span = _resolve(point, pub, future)
    story = _story_day(earlier, ctx, start) if point.kind == "weekday" and not future else None
    if story is not None and point.which is None:  # "Friday" in a story of an earlier week
        span = _day_span(_weekday_on_or_after(story, point.weekday, strict=False))  # type: ignore[arg-type]
    role = _role(m)
    if span is not None and role == "since" and pub is not None and pub > span.end:
        span = _Span(span.start, pub, span.best, span.precision)
    return _build(m, span, role, relative=point.relative)


def _is_date_here(point: _Point, m: re.Match[str], ctx: _Context) -> bool:
    """Whether a point the scanner matched is a date in its context: a bare month or year
    needs a preposition or modifier (or to qualify a noun: "the 2013 attack"); a weekday
    must not name a feast or a paper ("Good Friday", "the Sunday Times"); a year is not "on"."""
    start, end = m.span()
    prep = (m.group("prep") or "").lower()
    if not point.explicit and not prep:
        attributive = point.kind in ("year", "month") and _ATTRIBUTIVE_YEAR.search(
            ctx.text, max(0, start - 8), start
        ) and _NOUN_AFTER.match(ctx.text, end)
        if point.kind in ("month", "year") and not attributive:
            return False  # a bare "May" or "1900" is not a date without context
        if point.kind == "weekday" and (
            ctx.word_before(start) in _NOT_WEEKDAY_BEFORE or _NOT_WEEKDAY_AFTER.match(ctx.text, end)
        ):
            return False
    if point.kind == "weekday" and ctx.text[end : end + 1] == "s" and (prep or ctx.word_before(start) in _HABIT_BEFORE):
        return False  # "on Saturdays", "every Sunday": a habit, not a day
    return not (point.kind == "year" and prep == "on")


_HABIT_BEFORE: Final = frozenset({"every", "most", "some", "all", "many", "on"})
_ATTRIBUTIVE_YEAR: Final = re.compile(r"(?i:\b(?:the|a|an|its|their|his|her)\s+)$")
# The word after such a year or month is a noun it qualifies, not a preposition or verb
# ("the March on Washington" is a march).
_NOUN_AFTER: Final = re.compile(
    r"\s+(?!(?:on|for|to|of|in|from|against|through|at|by|and|or|was|is|were|are|has|had|will"
    r"|with|that|which|who)\b)[a-z]"
)


def _day_pair(m: re.Match[str], ctx: _Context) -> DateMention | None:
    """ "March 8-9", "April 24 and 25, 2015": both days, role "range", ``date`` the first."""
    g = m.group
    month = _MONTH_NUMBERS[(g("dr_m1") or g("dr_m2")).rstrip(".").lower()]
    a, b = (int(re.match(r"\d+", g(k)).group()) for k in (("dr_a1", "dr_b1") if g("dr_m1") else ("dr_a2", "dr_b2")))  # type: ignore[union-attr]
    year = int(g("dr_y")) if g("dr_y") else None
    if not (a < b and _valid_day(year, month, a) and _valid_day(year, month, b)):
        return None
    start, end = m.span()
    if year is None:
        if ctx.published is None:
            return _build(m, None, "range", relative=True)
        first = _day_month_near(ctx.published, month, a, ctx.is_future(start, end))
    else:
        first = _date(year, month, a)
    last = first.replace(day=b)
    return _build(m, _Span(first, last, first, "day"), "range", relative=year is None)


_STORY_WEEK_GAP: Final = datetime.timedelta(days=7)


def _story_day(earlier: list[DateMention], ctx: _Context, start: int) -> datetime.date | None:
    """The day a story told in the past is at: the latest absolute day named earlier in the
    same paragraph, when it is more than a week before publication; else None."""
    if ctx.published is None or not earlier:
        return None
    last = earlier[-1]
    if (
        last.role != "point" or last.relative or last.precision != "day" or last.date is None
        or "\n" in ctx.text[last.end_char : start]
        or ctx.published - last.date <= _STORY_WEEK_GAP
    ):
        return None
    return last.date


def _role(m: re.Match[str]) -> str:
    if m.group("an"):
        return "anchored"
    if m.group("rg"):
        return "range"
    return "since" if (m.group("prep") or "").lower() == "since" else "point"


def _build(m: re.Match[str], span: _Span | None, role: str, *, relative: bool) -> DateMention:
    start, end = m.span()
    if span is None:
        return DateMention(m.group(), start, end, None, None, None, "undated", role, relative)
    return DateMention(
        m.group(), start, end, span.best, span.start, span.end, span.precision, role, relative
    )


def find_dates(
    text: str, published: datetime.date | None, *, sentences: Sequence[Sentence] | None = None
) -> list[DateMention]:
    """All temporal expressions in text, in order, resolved against the publication date.

    Parameters
    ----------
    text
        The article text; offsets in the result index into it.
    published
        The publication date that relative expressions ("on Wednesday", "last year") count
        from. None leaves them undated (precision "undated") but still reported.
    sentences
        The article's sentences when they are already split (``Document.sentences``);
        otherwise they are split here with the same splitter.

    Returns
    -------
    list of DateMention
        Sorted by ``start_char`` and non-overlapping. Durations ("for 10 months", "24 hours",
        "a five-year war") and words that only look like dates ("may", "a march") are left out.
    """
    if not text:
        return []
    ctx = _Context(text, _publication_day(published), sentences)
    mentions: list[DateMention] = []
    for m in _scan(text):
        try:
            mention = _mention(m, ctx, mentions)
        except (ValueError, OverflowError):
            # Arithmetic past year 1 or 9999 (only with absurd publication dates): the
            # expression is still reported, undated, rather than dropped or raised.
            mention = _build(m, None, _role(m), relative=True)
        if mention is not None:
            mentions.append(mention)
    return _with_periods(mentions, ctx)


def _with_periods(mentions: list[DateMention], ctx: _Context) -> list[DateMention]:
    """The mentions plus seasons, quarters and decades ("last summer", "the third quarter",
    "the 1990s") and the story's own time moved on ("the following day", "two days later"),
    which ``geo.dates.timex_rules`` reads; a longer expression wins an overlap."""
    from geo.dates import timex_rules  # it builds on this module
    found = timex_rules.periods(ctx.text, ctx) + timex_rules.anaphors(ctx.text, ctx, mentions)
    if not found:
        return mentions
    extra = [
        DateMention(
            t.phrase, t.phrase_start, t.phrase_end, t.date, t.date_start, t.date_end,
            t.precision, "point", relative=t.precision != "decade" and not re.search(r"\d", t.text),
        )
        for t in found
    ]
    return _longest_first(mentions + extra)


_Spanned = TypeVar("_Spanned", DateMention, "TimeMention")


def _longest_first(mentions: list[_Spanned]) -> list[_Spanned]:
    """Non-overlapping mentions in text order, a longer expression winning an overlap (the
    earlier one between two as long)."""
    ranked = sorted(mentions, key=lambda d: (-(d.end_char - d.start_char), d.start_char))
    kept: list[_Spanned] = []
    for d in ranked:
        if all(d.end_char <= k.start_char or k.end_char <= d.start_char for k in kept):
            kept.append(d)
    return sorted(kept, key=lambda d: d.start_char)


def _publication_day(published: datetime.date | None) -> datetime.date | None:
    """The day of a publication date or timestamp (a datetime is a date too: its day)."""
    return published.date() if isinstance(published, datetime.datetime) else published


# --------------------------------------------------------------------------------------------
# Datelines
# --------------------------------------------------------------------------------------------

_LABEL: Final = (
    r"(?i:(?:date\s+of\s+publication|publication\s+date|date\s+published"
    r"|(?:first\s+|last\s+)?(?:published|updated|posted|modified)(?:\s+(?:on|at))?|dated?|on)"
    r"\s*[:\-–—]?\s*)"
)
_TIME: Final = (
    r"(?:(?i:(?:at\s+)?\d{1,2}(?:[:.]\d{2}){1,2}(?:\.\d+)?\s*(?:[ap]\.?m\.?)?"
    r"|(?:at\s+)?\d{1,2}\s*[ap]\.?m\.?)"
    r"(?:\s*(?:Z|(?:GMT|UTC)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2}|\(?[A-Z]{2,5}\)?))?)"
)
_DATELINE: Final = re.compile(
    rf"\s*(?P<label>{_LABEL})?(?:{_TIME}\s*(?:[,|–-]|on)?\s*)?"
    rf"(?:{_P_ISO}|{_P_NUM}|{_P_DMY}|{_P_MDY})"
    rf"(?:(?:\s*[,|–-]\s*|\s+|T)(?:(?i:at)\s+)?{_TIME})?\s*[.,|]?\s*"
)
_DATELINE_MAX_CHARS: Final = 80
_DATELINE_WORDS: Final = frozenset(_MONTH_NUMBERS) | frozenset(_WEEKDAY_NUMBERS) | {
    "am", "pm", "a", "m", "p", "at", "of", "the", "st", "nd", "rd", "th", "t", "z", "gmt", "utc",
}  # fmt: skip
_LABEL_PREFIX: Final = re.compile(_LABEL)
_FOUR_DIGIT_YEAR: Final = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")


@dataclass(frozen=True, slots=True)
class Dateline:
    """A publication date read from one line near the top of an article.

    ``line[start_char:end_char]`` is the date as written (with its weekday, without its label
    or time); ``label`` is the label before it in lower case ("published", "updated on"; ""
    when none), so a caller can tell a publication date from an update; ``read_by`` says
    whether the date patterns or, for odd formats, dateparser read it.
    """

    date: datetime.date
    start_char: int
    end_char: int
    label: str
    read_by: Literal["patterns", "dateparser"]

    def __reduce__(self):  # pickled by calling the class: see geo.native.by_fields
        return by_fields(self)


def read_dateline(line: str) -> Dateline | None:
    """The publication date a dateline gives, with where it stands in the line, or None if
    the line is not a dateline.

    Accepts a short line that is mostly a date, optionally with a label ("Published",
    "Date of publication"), a weekday and a time: "Mar 28, 2016", "Sat Mar 12 2016",
    "19.07.2016", "28 March 2016 10:31 GMT". A line of prose that contains a date is not a
    dateline, and neither is a date without a year. The stage that reads an article's top
    lines (geo.read.articles) calls this for each; ``parse_publication_date`` gives the date alone.
    """
    if not line or len(line.strip()) > _DATELINE_MAX_CHARS:
        return None
    m = _DATELINE.fullmatch(line)
    if m is not None:
        return _dateline_by_patterns(m)
    return _dateline_by_dateparser(line)


def parse_publication_date(line: str) -> datetime.date | None:
    """The date of a dateline near the top of an article, or None if the line is not one
    (``read_dateline`` without where it stands)."""
    found = read_dateline(line)
    return found.date if found is not None else None


def _label_words(label: str | None) -> str:
    """ "Updated on: " -> "updated on"."""
    return " ".join(re.findall(r"[^\W\d_]+", (label or "").lower()))


def _dateline_by_patterns(m: re.Match[str]) -> Dateline | None:
    """A dateline the date patterns matched whole: its day, if it names one with a year."""
    point = _parse_point(m)
    if point is None or point.kind != "date" or point.year is None:
        return None
    kind = next(k for k in ("iso", "num", "dmy", "mdy") if m.group(k))
    day = _date(point.year, point.month, point.day)  # type: ignore[arg-type]
    return Dateline(day, m.start(kind), m.end(kind), _label_words(m.group("label")), "patterns")


def _dateline_by_dateparser(line: str) -> Dateline | None:
    """An odd dateline ("28-Mar-2016"): short, with a four-digit year and only date words
    beside its label, read by dateparser."""
    start = len(line) - len(line.lstrip())
    rest = line.strip()
    label = _LABEL_PREFIX.match(rest)
    if label:
        rest = rest[label.end() :]
        start += label.end()
    words = re.findall(r"[^\W\d_]+", rest)
    if (
        len(rest) > 40
        or not _FOUR_DIGIT_YEAR.search(rest)
        or any(w.lower() not in _DATELINE_WORDS and not (w.isupper() and len(w) <= 5) for w in words)
    ):
        return None
    day = _parse_with_dateparser(rest)
    if day is None:
        return None
    return Dateline(day, start, start + len(rest), _label_words(label.group() if label else ""), "dateparser")


@functools.lru_cache(maxsize=1024)
def _parse_with_dateparser(text: str) -> datetime.date | None:
    """Odd absolute formats ("28-Mar-2016", "2016/03/28 10:31") via dateparser, cached.

    Only absolute parsers and a required day, month and year, so the answer never depends on
    today's date.
    """
    import dateparser  # slow to import; only odd datelines need it

    try:
        parsed = dateparser.parse(
            text,
            languages=["en"],
            settings={
                "PARSERS": ["custom-formats", "absolute-time"],
                "REQUIRE_PARTS": ["day", "month", "year"],
                "DATE_ORDER": "DMY",
                "RETURN_AS_TIMEZONE_AWARE": False,
            },
        )
    except (ValueError, OverflowError, TypeError):  # dateparser's own errors on odd input
        return None
    return parsed.date() if parsed is not None else None
