"""The rules behind ``geo.dates.timex.read_dates``: TIMEX3 spans, types and values.

Two sources of expressions. ``from_scanner`` turns a match of ``geo.dates.find``' scanner (and the
DateMention it resolved to) into TIMEX3 mentions: the preposition left out of the span, ranges
split into their two ends, "the past year" and "three days after" read as durations. ``extra``
finds what ``geo.dates.find`` leaves out because an event map does not need it: durations, sets,
clock times, bare years and months, seasons, quarters and halves, decades and centuries,
present/past/future references, holidays and anaphoric dates ("the following year").
Every rule is general English; the examples in comments and tests are our own.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, replace
from collections.abc import Callable, Iterable, Sequence
from typing import Final, Protocol

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

from geo.dates import words as _w
from geo.dates import find as _d
from geo.read.text import lowered_as_ignorecase
from geo.rules import example
from geo.native import by_fields
_date = datetime.date


@dataclass(frozen=True, slots=True)
class TimeMention:
    """One temporal expression, TIMEX3-style.

    ``text == source[start_char:end_char]`` is the expression alone (no "in"/"on"/"since");
    ``phrase == source[phrase_start:phrase_end]`` is the expression with its preposition (the
    same as ``text`` when it has none). ``type`` is DATE, TIME, DURATION or SET; ``value`` the
    TIMEX3 value. ``date``/``date_start``/``date_end`` bound the days a DATE or TIME stands for
    (None for durations, sets, vague references and when it needs a publication date that was
    not given); ``precision`` says how finely ("day", "week", "month", "quarter", "season",
    "year", "decade", "century"; "undated" when there are no days). ``mod`` is TIMEX3's mod
    (START, MID, END) for "early", "mid", "late".
    """

    text: str
    start_char: int
    end_char: int
    phrase: str
    phrase_start: int
    phrase_end: int
    type: str
    value: str
    date: datetime.date | None
    date_start: datetime.date | None
    date_end: datetime.date | None
    precision: str
    mod: str = ""

    def __reduce__(self):  # pickled by calling the class: see geo.native.by_fields
        return by_fields(self)


Days = tuple[datetime.date | None, datetime.date | None, datetime.date | None, str]
_NO_DAYS: Final[Days] = (None, None, None, "undated")


def _make(
    src: str, start: int, end: int, ttype: str, value: str, days: Days = _NO_DAYS,
    phrase_start: int | None = None, mod: str = "",
) -> TimeMention:
    """A mention of src[start:end]; its phrase runs from phrase_start (the preposition)."""
    ps = start if phrase_start is None else min(phrase_start, start)  # "the" can come before
    best, lo, hi, precision = days
    return TimeMention(
        src[start:end], start, end, src[ps:end], ps, end, ttype, value, best, lo, hi, precision, mod
    )


def _window(lo: datetime.date, hi: datetime.date, precision: str) -> Days:
    return lo + (hi - lo) // 2, lo, hi, precision


def _day_value(d: datetime.date | None) -> str:
    return d.isoformat() if d is not None else "XXXX-XX-XX"


def _week_value(d: datetime.date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def _value_of(days: Days, precision: str) -> str:
    """The TIMEX3 value of a day, week, month or year span."""
    best, lo, _, _ = days
    if best is None or lo is None:
        return {"day": "XXXX-XX-XX", "month": "XXXX-XX", "week": "XXXX-WXX"}.get(precision, "XXXX")
    if precision == "day":
        return best.isoformat()
    if precision == "week":
        return _week_value(best)
    if precision == "month":
        return f"{lo.year:04d}-{lo.month:02d}"
    return f"{lo.year:04d}"


# --------------------------------------------------------------------------------------------
# What geo.dates.find' scanner found
# --------------------------------------------------------------------------------------------

_KINDS: Final = ("dr", "iso", "num", "dmy", "mdy", "my", "mo", "yr", "wd", "rd", "pe", "ago")
_POINT_PRECISION: Final = {"date": "day", "weekday": "day", "month": "month", "year": "year"}
_MOD_NAMES: Final = {"early": "START", "mid": "MID", "late": "END"}
_TOD: Final = _w.DAY_PARTS  # "morning" -> "MO"
_LEADING: Final = re.compile(r"(?i:at\s+)")
_THE_BEFORE: Final = re.compile(r"(?i:the)\s+$")
_MODIFIERS: Final = _w.alternation(_w.MODIFIERS_BEFORE)  # "early", "mid", "late"
_MODIFIED_BEFORE: Final = re.compile(rf"(?i:{_MODIFIERS})[\s-]+$")


def _days_of(mention: _d.DateMention) -> Days:
    return mention.date, mention.date_start, mention.date_end, mention.precision


def from_scanner(m: re.Match[str], mention: _d.DateMention, ctx: _d._Context) -> list[TimeMention]:
    """The TIMEX3 mentions one match of geo.dates.find' scanner makes."""
    src = ctx.text
    if m.group("an"):  # "three days after X": the duration "three days"; "the day after": a date
        if (m.group("an_n") or "").lower() == "the" and not m.group("an_u").lower().endswith("s"):
            end = m.end("an_u")
            unit = _d._unit(m.group("an_u"))
            return [_make(src, m.start("an"), end, "DATE", _value_of(_days_of(mention), unit), _days_of(mention))]
        return [_duration_mention(src, m.start("an"), m.end("an_u"), m.group("an_n"), m.group("an_u"))]
    if m.group("rg"):
        return _range_mentions(m, mention, src)
    kind = next(k for k in _KINDS if m.group(k))
    start = m.start(kind)
    lead = _LEADING.match(src, start, m.end())
    if lead:
        start = lead.end()
    if kind in ("pe", "ago") or (kind in ("mo", "yr", "my") and m.group(f"{kind}_mod")):
        the = _THE_BEFORE.search(src, max(0, start - 4), start)
        if the and not m.group("prep") or the and kind == "pe":
            start = the.start()
    mod_word = _MODIFIED_BEFORE.search(src, max(0, start - 8), start)
    if mod_word and (kind == "pe" or kind == "mo" and m.group("mo_lnt")):
        start = mod_word.start()  # "early this year", "late last July"
    days = _days_of(mention)
    if kind == "pe":
        return [_period_mention(m, src, start, days, ctx.published)]
    ttype, value = "DATE", ""
    if kind in ("iso", "num", "dmy", "mdy", "dr"):  # "March 8-9": the first day's value
        value = _day_value(mention.date)
    elif kind in ("my", "mo", "yr"):
        value = _value_of(days, "month" if kind != "yr" else "year")
    elif kind == "wd":
        value = _day_value(mention.date)
        if m.group("wd_tod"):
            ttype, value = "TIME", value + "T" + _TOD[m.group("wd_tod").strip().lower()]
    elif kind == "rd":
        ttype, value = _relday_value(m.group("rd"), mention.date)
    elif kind == "ago":
        value = _ago_value(m, days)
    mod = ""
    if kind in ("my", "mo", "yr"):
        mod = _MOD_NAMES.get(_d._modifier(m.group(f"{kind}_mod")) or "", "")
    return [_make(src, start, m.end(), ttype, value, days, m.start(), mod)]


def _relday_value(word: str, day: datetime.date | None) -> tuple[str, str]:
    _, part = _w.RELATIVE_DAYS[" ".join(word.lower().split())]
    if part:  # "tonight", "this morning"
        return "TIME", _day_value(day) + "T" + _TOD[part]
    return "DATE", _day_value(day)


def _ago_value(m: re.Match[str], days: Days) -> str:
    """ "three years ago" is a year, "two weeks ago" a week; "years ago" is just the past."""
    count = _d._count(m.group("ago_n"))
    unit = _d._unit(m.group("ago_u"))
    if count is None or unit == "hour" or days[0] is None:
        return "PAST_REF"
    return _value_of((days[0], days[0], days[0], unit), unit)


def _period_mention(
    m: re.Match[str], src: str, start: int, days: Days, pub: datetime.date | None
) -> TimeMention:
    """ "last week" (the previous ISO week), "this month", "the past year" (a duration)."""
    which = _d._which(m.group("pe_lnt")) or "this"
    unit = m.group("pe_u").lower()
    if which == "past":
        return _make(src, start, m.end(), "DURATION", "P1" + unit[0].upper(), phrase_start=m.start())
    if pub is None:
        return _make(src, start, m.end(), "DATE", "XXXX", phrase_start=m.start())
    shift = _w.SHIFTS.get(which, 0)
    if unit in ("week", "weekend"):
        monday = pub - datetime.timedelta(days=pub.weekday()) + datetime.timedelta(weeks=shift)
        if unit == "weekend":
            sat = _d._weekday_on_or_before(pub, 5, strict=False) if which != "next" else monday + datetime.timedelta(days=5)
            if which == "last" and pub.weekday() >= 5:
                sat -= datetime.timedelta(days=7)
            return _make(src, start, m.end(), "DATE", _week_value(sat) + "-WE",
                         _window(sat, sat + datetime.timedelta(days=1), "week"), m.start())
        if which in ("last", "this", "next"):
            days = _window(monday, monday + datetime.timedelta(days=6), "week")
        return _make(src, start, m.end(), "DATE", _week_value(monday), days, m.start())
    return _make(src, start, m.end(), "DATE", _value_of(days, unit), days, m.start())


def _range_mentions(m: re.Match[str], mention: _d.DateMention, src: str) -> list[TimeMention]:
    """ "from May 2015 to March 2016": two dates, each with its own value."""
    out = []
    for side, day in (("rg_l", mention.date_start), ("rg_r", mention.date_end)):
        point_match = _d._ENDPOINT.fullmatch(m.group(side))
        point = _d._parse_point(point_match) if point_match else None
        precision = _POINT_PRECISION.get(point.kind, "day") if point else "day"
        if mention.date is None or day is None:
            days: Days = _NO_DAYS
        elif precision == "day":
            days = (day, day, day, "day")
        elif precision == "month":
            first = day.replace(day=1)
            days = (day, first, _d._month_end(first), "month")
        else:
            days = (day, day.replace(month=1, day=1), day.replace(month=12, day=31), "year")
        out.append(_make(src, m.start(side), m.end(side), "DATE", _value_of(days, precision), days))
    return out


# --------------------------------------------------------------------------------------------
# Durations
# --------------------------------------------------------------------------------------------

_UNIT_CODES: Final = {name: code for name, (_, code) in _w.UNITS.items()}  # "day" -> "D"
_UNIT_NAMES: Final = {form: name for name, (plural, _) in _w.UNITS.items() for form in (name, plural)}
_CALENDAR_UNITS: Final = ("day", "week", "month", "year")
_NUMBER_WORDS: Final = _w.alternation(_w.NUMBERS)
_DUR_UNIT: Final = _w.unit_pattern(_w.UNITS)


def _number(word: str | None) -> int | None:
    """3 for "three" or "3", 25 for "twenty-five", 1 for "a"; None for a vague count."""
    if not word:
        return None
    word = " ".join(word.lower().replace(",", "").split())
    if word.isdigit():
        return int(word)
    parts = re.split(r"[\s-]+", word)
    if len(parts) == 2 and parts[0] in _w.TENS and parts[1] in _w.UNITS_1_TO_9:
        return _w.TENS[parts[0]] + _w.UNITS_1_TO_9[parts[1]]
    return _w.COUNTS.get(word, _w.NUMBERS.get(word))  # None for a vague or unknown count


def duration_value(count: str | None, unit: str) -> str:
    """P3D for ("three", "days"), PT24H for ("24", "hour"), PXM for (None, "months")."""
    code = _UNIT_CODES[_UNIT_NAMES[unit.lower()]]
    n = _number(count)
    number = "X" if n is None else str(n)
    if code == "W2":
        return "PX" + "W" if n is None else f"P{2 * n}W"
    if code == "DE":
        return "PXDE" if n is None else f"P{10 * n}Y"
    if code == "CE":
        return "PXCE" if n is None else f"P{100 * n}Y"
    if code.startswith("T"):
        return f"PT{number}{code[1]}"
    return f"P{number}{code}"


def _duration_mention(src: str, start: int, end: int, count: str | None, unit: str) -> TimeMention:
    return _make(src, start, end, "DURATION", duration_value(count, unit))


# --------------------------------------------------------------------------------------------
# The extra scanner
# --------------------------------------------------------------------------------------------

_YEAR: Final = _d._YEAR
# A count: a number ("3", "1,000", "twenty-five") or a count phrase ("a", "several", "a few").
_COUNT_RX: Final = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})*(?:\.\d+)?|(?i:(?:{_NUMBER_WORDS})(?:[\s-](?:{_NUMBER_WORDS}))?"
    rf"|{_w.alternation(_w.DURATION_COUNTS)}))"
)
_DUR_MODS: Final = (
    r"(?i:(?:(?:the|a|an)\s+)?(?:(?:past|last|next|first|coming|previous|following|final|remaining"
    r"|recent|entire|whole|full|other|additional|further|subsequent|same|initial)\s+)?)"
)
_SEASONS: Final = _w.SEASONS  # "summer" -> "SU"
_ORDINALS: Final = _w.ORDINALS  # "third" -> 3; "final" -> -1, the last one
_DECADE_WORDS: Final = _w.DECADE_WORDS  # "nineties" -> 9
# A month named alone ("the October raid"): months that are also words only after "the" and
# only as nouns ("the March offensive"); "May" alone is the verb.
_MONTHS_BARE: Final = (
    rf"(?:{_w.alternation(n.title() for n in _w.MONTH_FULL if n not in _w.MONTH_COMMON)}"
    rf"|(?<=the\s)(?:{_w.alternation(n.title() for n, sense in _w.MONTH_COMMON.items() if sense != 'modal')}))"
    r"(?!\s+[A-Z][a-z])"
)
# Present, past and future references: the phrases, and the word of each that the quick
# check looks for (its last).
_PRESENT_PHRASES: Final = ("now", "currently", "presently", "nowadays", "at present", "these days", "at the moment", "right now")
_PRESENT: Final = rf"{_w.alternation(_PRESENT_PHRASES)}|today(?='s)"
_PAST_PHRASES: Final = ("recently", "lately", "formerly", "once upon a time")
_PAST: Final = (
    rf"{_w.alternation(_PAST_PHRASES)}"
    rf"|(?<=in\s)the\s+past(?!\s+(?:\d|[a-z]+\s+(?:{_w.unit_pattern((*_CALENDAR_UNITS, 'decade'))})))"
)
_FUTURE_REF: Final = (
    r"(?<=in\s)the\s+(?:near\s+|distant\s+)?future"
    rf"|(?<=in\s)the\s+coming\s+(?:{_w.unit_pattern(('year', 'month', 'decade'), singular=False)})"
)
_REF_KEYS: Final = (*(p.split()[-1] for p in (*_PRESENT_PHRASES, *_PAST_PHRASES)), "today", "past", "future", "coming")
_SET_UNIT: Final = _w.alternation((*_CALENDAR_UNITS, "quarter", "season", "weekend", *_w.DAY_PARTS, *_w.SEASONS))
_SETS: Final = {
    "daily": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y", "yearly": "P1Y",
    "nightly": "XXXX-XX-XXTNI", "hourly": "PT1H", "quarterly": "P3M",
}  # fmt: skip
_HOLIDAYS: Final = _w.alternation(_w.HOLIDAY_NAMES)
_ANAPHOR_UNIT: Final = _w.alternation((*_CALENDAR_UNITS, *_w.DAY_PARTS))
_DAGO_UNIT: Final = _w.unit_pattern(("decade", "century"))
_REL_UNIT: Final = _w.unit_pattern((*_CALENDAR_UNITS, "decade"))
_ENDOF_WORD: Final = _w.alternation(_w.MODIFIERS_OF_PERIOD)  # "end", "turn"
_ENDOF_UNIT: Final = _w.alternation((*_CALENDAR_UNITS[1:], "decade", "century", "quarter"))
# "yesterday morning": a day named in one word, with no part of the day of its own
_RTOD_DAY: Final = _w.alternation(
    (*(w for w, (_, part) in _w.RELATIVE_DAYS.items() if " " not in w and not part), "early", "late")
)
_DAY_PART: Final = _w.alternation(_w.DAY_PARTS)
_WEEKDAY_FULL: Final = _w.alternation(_w.WEEKDAY_FULL)
_CALENDAR_UNIT: Final = _w.alternation(_CALENDAR_UNITS)
_SET_ADVERB: Final = _w.alternation(_SETS)
_SPAN_UNITS: Final = _w.unit_pattern(("hour", *_CALENDAR_UNITS, "decade"), singular=False)  # "for days"
_RECENT_UNITS: Final = _w.unit_pattern(_CALENDAR_UNITS, singular=False)  # "recent weeks"
_ORDINAL: Final = _w.alternation(_ORDINALS)
_SEASON: Final = _w.alternation(_SEASONS)

_PREP_RX: Final = (
    rf"(?P<prep>\b(?i:in|on|during|since|until|till|by|from|through|throughout|at|for|over|within)\s+)?"
)
_P_DEC: Final = (
    rf"(?P<dec>\b(?:the\s+)?(?:(?P<dec_mod>{_MODIFIERS})[\s-]+)?(?:(?P<dec_y>1[89]\d|20\d)0'?s|'(?P<dec_2>\d)0s"
    rf"|(?:(?<=the\s)|(?<=The\s)|(?<=THE\s))(?P<dec_w>(?i:{'|'.join(_DECADE_WORDS)}))))\b"  # not "in their thirties"
)
_P_QU: Final = (
    rf"(?P<qu>\b(?:(?i:the)\s+)?(?:(?P<qu_w>(?i:this|last|next|latest|current|previous|same|year-ago|fiscal))[\s-]+)?"
    rf"(?:(?P<qu_o>{_ORDINAL})[\s-]+(?:fiscal[\s-]+)?(?P<qu_u>quarter|half)"
    rf"|(?P<qu_q>Q[1-4])|(?P<qu_bare>(?:(?<=the\s)|(?<=this\s)|(?<=last\s))quarter))"
    rf"(?:,?\s+(?:of\s+)?(?:fiscal\s+)?(?P<qu_y>{_YEAR}))?)(?![\w-])"
)
_P_SE: Final = (
    rf"(?P<se>\b(?:(?P<se_w>(?i:this|last|next|past|coming|{_MODIFIERS}|the))[\s-]+)?"
    rf"(?P<se_n>(?i:{_SEASON}))(?:\s+(?:of\s+)?(?P<se_y>{_YEAR}))?)\b"
)
# Seasons, quarters, decades and the weekend: what geo.dates.find reads of them too (see periods()).
_P_WKEND: Final = r"(?P<wkend>\b(?i:the)\s+(?i:weekend))\b"
_PERIODS: Final = re.compile(rf"{_PREP_RX}(?:{_P_DEC}|{_P_QU}|{_P_SE}|{_P_WKEND})")
# What the extra scanner reads (TempEval's expressions beyond ingest's dates): compiled on first
# use by _extra(), as ingest never reads them and compiling it takes 8 ms of every start-up.
_EXTRA_RX: Final = (
    _PREP_RX +
    r"(?:"
    rf"{_P_DEC}|"
    r"(?:\b(?i:the)\s+)?(?P<cen>\b(?:(?P<cen_n>\d{1,2})(?:st|nd|rd|th)|(?P<cen_w>this|last|next|current|previous|past))[\s-]+(?i:century))\b"
    rf"|(?P<dago>\b(?P<dago_n>{_COUNT_RX})\s+(?P<dago_u>(?i:{_DAGO_UNIT}))\s+(?i:ago))\b"
    rf"|{_P_QU}|{_P_SE}"
    rf"|{_P_WKEND}"
    rf"|(?P<hol>\b(?P<hol_n>{_HOLIDAYS})(?:,?\s+(?P<hol_y>{_YEAR}))?)\b"
    rf"|(?P<ana>\b(?:(?P<ana_lead>(?i:later|earlier))\s+)?(?P<ana_w>(?i:the\s+following|the\s+next|the\s+previous|the\s+prior"
    rf"|that|the\s+same|the\s+preceding))\s+(?P<ana_u>{_ANAPHOR_UNIT}))\b"
    rf"|(?P<rel>\b(?P<rel_n>{_COUNT_RX})[\s-]+(?P<rel_u>{_REL_UNIT})\s+(?P<rel_d>earlier|later|before|afterwards?))\b"
    rf"|(?P<endof>\b(?:(?i:the)\s+)?(?P<endof_w>{_ENDOF_WORD})\s+of\s+(?:the\s+|this\s+|last\s+|next\s+)?(?P<endof_u>{_ENDOF_UNIT}))\b"
    rf"|(?P<yrange>(?P<yrange_a>{_YEAR})[-–/](?P<yrange_b>\d\d)(?!\d))"
    rf"|(?P<fy>\b(?:(?:fiscal(?:\s+year)?|FY|financial\s+year)\s*'?(?P<fy_y>{_YEAR})"
    r"|(?:the\s+)?(?P<fy_w>this|last|next|current|previous|coming)\s+(?:fiscal|financial)\s+year\b))"
    rf"|(?P<byear>(?:\bthe\s+year\s+)?(?P<byear_y>{_YEAR}))"
    rf"|(?P<bmon>\b{_MONTHS_BARE})\b"
    rf"|(?P<clock>\b(?P<clock_h>1[0-2]|0?[1-9])(?::(?P<clock_m>[0-5]\d))?\s*(?P<clock_ap>(?i:[ap]))\.?(?i:m)\b\.?"
    rf"|\b(?P<clock_24>(?:[01]?\d|2[0-3]):[0-5]\d)(?=\s*(?:GMT|UTC|GST|EST|EDT|PST|CET|BST|local\s+time|hours|hrs|h\b))"
    rf"|\b(?P<clock_w>noon|midnight|midday))"
    rf"|(?P<rtod>\b(?P<rtod_d>{_RTOD_DAY})\s+(?P<rtod_t>{_DAY_PART})\b)"
    rf"|(?P<set>\b(?:(?:every|each|per)\s+(?:other\s+)?(?P<set_u>{_SET_UNIT}|(?i:{_WEEKDAY_FULL}))"
    rf"|(?:(?<=once\s)|(?<=twice\s)|(?<=times\s))a\s+(?P<set_a>{_CALENDAR_UNIT})|(?P<set_adv>(?i:{_SET_ADVERB})))\b)"
    rf"|(?P<pres>\b(?i:{_PRESENT}))\b|(?P<past>\b(?i:{_PAST}))\b|(?P<fut>\b(?i:{_FUTURE_REF}))\b"
    rf"|(?P<dur>\b(?:(?i:almost|nearly|about|around|roughly|approximately|more\s+than|less\s+than|at\s+least|up\s+to)\s+)?{_DUR_MODS}(?:(?P<dur_n>{_COUNT_RX})[\s-]+(?:more\s+|full\s+|long\s+)?(?P<dur_u>{_DUR_UNIT})"
    rf"|(?P<dur_p>(?:(?<=for\s)|(?<=over\s)|(?<=within\s)|(?<=in\s))(?:{_SPAN_UNITS})|(?i:recent)\s+(?:{_RECENT_UNITS})))(?![\w-]*-old)\b)"
    r")"
)


@functools.cache
def _extra() -> re.Pattern[str]:
    """:data:`_EXTRA_RX` compiled (once, when first asked)."""
    return re.compile(_EXTRA_RX)


_EXTRA_KINDS: Final = (
    "dec", "cen", "dago", "qu", "se", "wkend", "hol", "ana", "rel", "endof", "yrange", "fy", "byear",
    "bmon", "clock", "rtod", "set", "pres", "past", "fut", "dur",
)  # fmt: skip


def _reads(kind: str) -> Callable[[str], bool]:
    """A check for rule examples: whether the extra scanner reads an expression of ``kind``
    (a named group of _EXTRA_RX) in a text published on geo.dates.find' example day."""

    def check(text: str) -> bool:
        ctx = _d._Context(text, _d._EXAMPLES_PUBLISHED)
        return any(m.group(kind) is not None and _HANDLERS[kind](m, kind, ctx) for m in scan_extra(text))

    return check


# Each kind of the extra scanner is declared with the examples it must read and must not
# (geo.rules; the examples are in geo/lexicons/date_examples.tsv).
_w.declare_examples(_EXTRA_KINDS, _reads)

# Trying _extra() at every position is ten times slower than geo.dates.find' scanner. Every expression
# it finds holds a trigger word (a digit, a unit, a month, a season ...) at most _REACH_BACK
# characters after its start, so it is tried only at the word starts just before a trigger
# (the same idea as geo.dates.find._scan; a property test checks both give the same matches). The
# trigger words are built from the tables and word lists the patterns are built from.
_TRIGGER_WORDS: Final = sorted({
    *_w.MONTHS, *_w.WEEKDAYS, *_w.SEASONS, *_w.DAY_PARTS, *_DECADE_WORDS, *_SETS, *_REF_KEYS,
    *(form for name, (plural, _) in _w.UNITS.items() for form in (name, plural)),
    *(name.split()[0].split("'")[0].lower() for name in _w.HOLIDAY_NAMES),  # "valentine"
    "season", "weekend", "half", "noon", "midnight", "midday", "fy", "fiscal", "financial",
    "q1", "q2", "q3", "q4",
})  # fmt: skip
_TRIGGER: Final = re.compile(rf"(?i)(?:\d+|\b(?:{_w.alternation(_TRIGGER_WORDS)})(?:s|'s|’s)?\b)")
_WORD_START: Final = re.compile(r"\b\w|(?<!\w)'")
_REACH_BACK: Final = 45


def scan_extra(text: str) -> list[re.Match[str]]:
    """Leftmost, non-overlapping _extra() matches in text order, like ``_extra().finditer``."""
    return _scan_at(text, _extra(), (t.start() for t in _TRIGGER.finditer(text)))


def _scan_at(text: str, pattern: re.Pattern[str], triggers: Iterable[int]) -> list[re.Match[str]]:
    """Leftmost, non-overlapping pattern matches that reach past a trigger position (in
    ascending order): the pattern is tried at the word starts up to _REACH_BACK before it."""
    out: list[re.Match[str]] = []
    tried: dict[int, re.Match[str] | None] = {}  # a word start's match, tried once
    done = 0
    for c in triggers:
        if c < done:
            continue
        for word in _WORD_START.finditer(text, max(done, c - _REACH_BACK)):
            w = word.start()
            if w > c:
                break
            if w not in tried:
                tried[w] = pattern.match(text, w)
            m = tried[w]
            if m is not None and m.end() > c and m.end() > m.start():
                out.append(m)
                done = m.end()
                break
    return out


# Every season, quarter, half or decade expression holds one of these, lowercased.
_PERIOD_HINTS: Final = (
    "0s", "0's", *_DECADE_WORDS, *_SEASONS, "quarter", "half", "q1", "q2", "q3", "q4", "weekend",
)


def _anchor_groups(hints: Sequence[str]) -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
    """The hints grouped by a piece of each to search for: its last four letters ("ties" for
    all eight decade words), or its first character when shorter ("0" for "0s" and "0's", "q"
    for "q1" to "q4"); each hint with where the piece stands in it."""
    groups: dict[str, list[tuple[str, int]]] = {}
    for hint in hints:
        anchor = hint[-4:] if len(hint) >= 4 else hint[:1]
        groups.setdefault(anchor, []).append((hint, hint.rindex(anchor) if len(hint) >= 4 else 0))
    return tuple((anchor, tuple(members)) for anchor, members in groups.items())


_HINT_GROUPS: Final = _anchor_groups(_PERIOD_HINTS)


def _hint_positions(lower: str) -> list[int]:
    """Where the hints occur in the lowercased text, in order (str.find is much faster than a
    regular expression tried at every position). Each group's piece is searched once (11
    searches for 22 hints): every occurrence of a hint holds its piece at its own offset."""
    found: list[int] = []
    for anchor, members in _HINT_GROUPS:
        i = lower.find(anchor)
        while i >= 0:
            for hint, offset in members:
                if i >= offset and lower.startswith(hint, i - offset):
                    found.append(i - offset)
            i = lower.find(anchor, i + 1)
    return sorted(found)


_UP_TO: Final = frozenset({"until", "till", "by"})


def periods(text: str, ctx: _d._Context) -> list[TimeMention]:
    """Seasons, quarters, halves, decades and the weekend ("last summer", "the third quarter",
    "the 1990s", "over the weekend"): the part of ``extra`` that ``geo.dates.find.find_dates``
    reads too, for events."""
    out: list[TimeMention] = []
    # text.lower() where lowered_as_ignorecase gives it: the scanner has just asked it of
    # the same text, and the answer is remembered
    lower = lowered_as_ignorecase(text) or text.lower()
    if len(lower) != len(text):  # a few letters lowercase to two characters
        lower = "".join(c.lower()[0] if c.lower() else c for c in text)
    positions = _hint_positions(lower)
    if not positions:  # most texts: a fast no
        return out
    for m in _scan_at(text, _PERIODS, positions):
        kind = next(k for k in ("dec", "qu", "se", "wkend") if m.group(k) is not None)
        if kind == "wkend" and (m.group("prep") or "").strip().lower() in _UP_TO:
            continue  # "closed until the weekend": how long a state lasts, no day of a happening
        try:
            out.extend(_HANDLERS[kind](m, kind, ctx))
        except (ValueError, OverflowError):
            continue
    return out


# "The following day", "two days later", "later that month": the story's own time moved on,
# what geo.dates.find reads of the anaphors too (see anaphors()). Day, week, month and year
# only; "before"/"after" are geo.dates.find's anchored offsets.
_STORY_UNIT: Final = r"(?:day|week|month|year)"
_LATER: Final = re.compile(
    rf"(?P<ana>\b(?:(?P<ana_lead>(?i:later|earlier))\s+)?(?P<ana_w>(?i:the\s+following|the\s+next"
    rf"|the\s+previous|the\s+same|that))\s+(?P<ana_u>(?i:{_STORY_UNIT})))\b(?!\s+(?:of|after|before)\b)"
    rf"|(?P<rel>\b(?P<rel_n>{_COUNT_RX})[\s-]+(?P<rel_u>(?i:{_STORY_UNIT}s?))\s+(?P<rel_d>(?i:earlier|later)))\b"
)
_STORY_UNITS: Final = ("day", "week", "month", "year")
#: Each match of _LATER holds one of these words, in lower case (tests/test_dates_properties.py
#: compares the matches with those of every stretch searched).
_LATER_WORDS: Final = ("that", "following", "next", "previous", "same", "earlier", "later")
_LATER_REACH: Final = 40  # characters before a unit word where such an expression can start


def anaphors(text: str, ctx: _d._Context, dated: list) -> list[TimeMention]:
    """ "The following day", "two days later": each counted from the latest of ``dated``
    (geo.dates.find's mentions, in text order) that is a day, week, month or year and comes
    before it; none when nothing before it is dated ("two days later" in a lead means nothing
    to a map). "That day" and "the same day" are the anchor's own day."""
    out: list[TimeMention] = []
    for m in _later_matches(text):
        kind = "ana" if m.group("ana") else "rel"
        try:
            t = _anaphor(m, kind, ctx)[0] if kind == "ana" else _later(m, ctx)
        except (ValueError, OverflowError):
            continue
        # the latest dated point before it, one of these too: "Two days later ... A week later"
        before = [d for d in dated if d.end_char <= m.start() and d.date is not None and d.precision in _ANCHOR_PRECISIONS]
        anchor = max(before + out, key=lambda d: d.end_char) if before or out else None
        try:
            made = _anchored(t, anchor) if anchor is not None else None
        except (ValueError, OverflowError):
            made = None  # past year 9999: left out, never raised
        if made is not None and made.date is not None:
            out.append(made)
    return out


_ANCHOR_PRECISIONS: Final = frozenset({"day", "week", "month", "year"})


def _reads_a_moved_day(text: str) -> bool:
    """A check for rule examples: whether find_dates reads "the following day" and the like in
    ``text`` (published on geo.dates.find' example day)."""
    ctx = _d._Context(text, _d._EXAMPLES_PUBLISHED)
    dated = _d.find_dates(text, _d._EXAMPLES_PUBLISHED)
    return bool(anaphors(text, ctx, [d for d in dated if _LATER.search(d.text) is None]))


example(
    "dates.story_moves_on",
    _reads_a_moved_day,
    fires=["Rebels took the hill on Monday. The following day they lost it.",
           "The dam broke on 3 June. Two days later the water reached the town.",
           "Talks opened in March 2016. A year later they collapsed."],
    holds=["Two days later the water reached the town.",  # nothing before it is dated
           "The following day of talks was calm.",  # "day of": a day of something, no shift
           "On Monday he said he works the same days every week."],
)


def _later_matches(text: str) -> list[re.Match[str]]:
    """``_LATER``'s matches, in text order: tried only around the unit words, found by plain
    substring search, since one regex pass over a whole article costs as much as all of
    geo.dates.find' scanner (most articles name "year" a few times and hold no such phrase)."""
    # lowered_as_ignorecase gives text.lower() itself, or None where that would not read as
    # the case-insensitive pattern does (then the stretches are all searched)
    lowered = lowered_as_ignorecase(text)
    lower = lowered if lowered is not None else text.lower()
    starts: set[int] = set()
    for unit in _STORY_UNITS:
        i = lower.find(unit)
        while i >= 0:
            starts.add(max(0, i - _LATER_REACH))
            i = lower.find(unit, i + len(unit))
    # Every match holds one of _LATER_WORDS: a stretch without any cannot hold one.
    found: dict[int, re.Match[str]] = {}
    for start in sorted(starts):
        end = start + _LATER_REACH + 20
        if lowered is not None and not any(w in lowered[start:end] for w in _LATER_WORDS):
            continue
        for m in _LATER.finditer(text, start, end):
            if m.start() not in found and not any(o.start() < m.end() and m.start() < o.end() for o in found.values()):
                found[m.start()] = m
    return [found[k] for k in sorted(found)]


def _later(m: re.Match[str], ctx: _d._Context) -> TimeMention:
    """ "two days later": the anchor's day moved by the count (the phrase is the timex here)."""
    s, e = m.start("rel"), m.end("rel")
    n = _number(m.group("rel_n"))
    if n is None:
        raise ValueError("a count of no number")
    unit = m.group("rel_u").lower().rstrip("s")
    sign = -1 if m.group("rel_d").lower() == "earlier" else 1
    return _make(ctx.text, s, e, "DATE", f"ANCHOR {unit} {sign * n}")


def extra(text: str, ctx: _d._Context) -> list[TimeMention]:
    """The expressions geo.dates.find' scanner does not report (see the module docstring)."""
    out: list[TimeMention] = []
    for m in scan_extra(text):
        kind = next((k for k in _EXTRA_KINDS if m.group(k) is not None), None)
        if kind is None:
            continue
        try:
            made = _HANDLERS[kind](m, kind, ctx)
        except (ValueError, OverflowError):
            continue
        out.extend(made)
    return out


def _span(m: re.Match[str], kind: str) -> tuple[int, int, int]:
    """(start, end, phrase start) of the kind's group; a leading "at" is not part of it."""
    return m.start(kind), m.end(kind), m.start()


def _simple(ttype: str, value: str, days: Days = _NO_DAYS, mod: str = ""):
    def make(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
        s, e, p = _span(m, kind)
        return [_make(ctx.text, s, e, ttype, value, days, p, mod)]
    return make


def _weekend(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "the weekend": the latest Saturday and Sunday, or the next ones in a sentence about
    the future."""
    s, e, p = _span(m, kind)
    pub = ctx.published
    if pub is None:
        return [_make(ctx.text, s, e, "DATE", "XXXX-WXX-WE", phrase_start=p)]
    if ctx.is_future(s, e):
        sat = _d._weekday_on_or_after(pub, 5, strict=False)
    else:
        sat = _d._weekday_on_or_before(pub, 5, strict=False)
    days = _window(sat, sat + datetime.timedelta(days=1), "week")
    return [_make(ctx.text, s, e, "DATE", _week_value(sat) + "-WE", days, p)]


def _decade(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "the 1990s", "the '80s", "the nineties", "the early 2000s"."""
    if m.group("dec_y"):
        prefix = int(m.group("dec_y"))
    else:
        digit = int(m.group("dec_2")) if m.group("dec_2") else _DECADE_WORDS[m.group("dec_w").lower()]
        pub_year = ctx.published.year if ctx.published else 2000
        prefix = 190 + digit if 1900 + 10 * digit <= pub_year else 180 + digit
    lo, hi = _date(prefix * 10, 1, 1), _date(prefix * 10 + 9, 12, 31)
    mod = _MOD_NAMES.get((m.group("dec_mod") or "").lower(), "")
    s, e, p = _span(m, kind)
    return [_make(ctx.text, s, e, "DATE", str(prefix), _window(lo, hi, "decade"), p, mod)]


def _century(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "the 20th century" is 19xx (TIMEX3 value "19"); "this century" counts from publication."""
    if m.group("cen_n"):
        n = int(m.group("cen_n")) - 1
    elif ctx.published is not None:
        n = ctx.published.year // 100 + _w.SHIFTS.get(m.group("cen_w").lower(), 0)
    else:
        return []
    if not 1 <= n <= 99:
        return []
    days = _window(_date(max(1, n * 100), 1, 1), _date(n * 100 + 99, 12, 31), "century")
    s, e, p = _span(m, kind)
    return [_make(ctx.text, s, e, "DATE", f"{n:02d}", days, p)]


def _decades_ago(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "a decade ago" is the decade ten years before publication ("200" in 2013)."""
    s, e, p = _span(m, kind)
    n = _number(m.group("dago_n"))
    if ctx.published is None or n is None:
        return [_make(ctx.text, s, e, "DATE", "PAST_REF", phrase_start=p)]
    if m.group("dago_u").lower().startswith("dec"):
        prefix = (ctx.published.year - 10 * n) // 10
        days = _window(_date(prefix * 10, 1, 1), _date(prefix * 10 + 9, 12, 31), "decade")
        return [_make(ctx.text, s, e, "DATE", str(prefix), days, p)]
    cent = (ctx.published.year - 100 * n) // 100
    days = _window(_date(max(1, cent * 100), 1, 1), _date(cent * 100 + 99, 12, 31), "century")
    return [_make(ctx.text, s, e, "DATE", f"{cent:02d}", days, p)]


def _quarter_bounds(year: int, q: int, half: bool) -> Days:
    """The days of a quarter (precision "quarter") or a half (precision "year": no finer)."""
    first = 1 + (6 if half else 3) * (q - 1)
    last = first + (5 if half else 2)
    lo = _date(year, first, 1)
    return _window(lo, _d._month_end(_date(year, last, 1)), "year" if half else "quarter")


def _quarter(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "the third quarter" (the latest one, or this year's when it is still to come), "Q2 2015",
    "the first half of 2016", "last quarter"."""
    half = (m.group("qu_u") or "").lower() == "half"
    word = (m.group("qu_w") or "").lower()
    if half and not (m.group("qu_y") or word or re.match(r"\s+of\s+(?:the|this|last|next)\s+year", ctx.text[m.end():])):
        return []  # "the second half" of a match is not a time of year
    if m.group("qu_o"):
        parts, n = (2 if half else 4), _ORDINALS[m.group("qu_o").lower()]
        q = parts + 1 + n if n < 0 else min(parts, n)  # "the final quarter": the fourth
    elif m.group("qu_q"):
        q = int(m.group("qu_q")[1])
    else:
        q = 0
    s, e, p = _span(m, kind)
    pub = ctx.published
    if m.group("qu_y"):
        year = int(m.group("qu_y"))
    elif pub is None:
        return [_make(ctx.text, s, e, "DATE", "XXXX-" + ("H" if half else "Q") + (str(q) if q else "X"), phrase_start=p)]
    else:
        now_q = (pub.month - 1) // (6 if half else 3) + 1
        if q == 0:
            q = now_q - (1 if _w.SHIFTS.get(word, 0) < 0 else 0)
        year = pub.year
        if q <= 0:
            q, year = (2 if half else 4), year - 1
        elif q > now_q and not ctx.is_future(s, e) and word not in ("next", "this", "current"):
            year -= 1
        if word == "year-ago":
            year -= 1
    value = f"{year}-{'H' if half else 'Q'}{q}"
    return [_make(ctx.text, s, e, "DATE", value, _quarter_bounds(year, q, half), p)]


def _season_bounds(year: int, code: str) -> Days:
    """The three months of a season; one that runs over new year is named by the year it
    ends in (winter 2016: December 2015 to February 2016)."""
    first = _w.SEASON_FIRST_MONTH[code]
    start = _date(year - 1 if first > 10 else year, first, 1)
    return _window(start, _d._month_end(start + relativedelta(months=2)), "season")


def _season(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "last summer", "this winter", "spring 2015", "in the fall" (the latest, or the next one
    when the sentence speaks of the future)."""
    word = (m.group("se_w") or "").lower()
    code = _SEASONS[m.group("se_n").lower()]
    prep = (m.group("prep") or "").strip().lower()
    if not (word or m.group("se_y") or prep in ("in", "during", "since", "by", "until", "through")):
        return []  # a bare "spring" or "fall" is a word, not a time
    if m.group("se_n").lower() == "fall" and not m.group("se_y") and re.match(r"\s+(?:of|in)\s", ctx.text[m.end():]):
        return []  # "the fall of the city", "a fall in prices"
    if word == "the" and not (m.group("se_y") or prep):
        return []
    s, e, p = _span(m, kind)
    mod = _MOD_NAMES.get(word, "")
    pub = ctx.published
    if m.group("se_y"):
        year = int(m.group("se_y"))
    elif pub is None:
        return [_make(ctx.text, s, e, "DATE", "XXXX-" + code, phrase_start=p, mod=mod)]
    else:
        year = _season_year(pub, code, word, ctx.is_future(s, e))
    value = f"{year}-{code}"
    return [_make(ctx.text, s, e, "DATE", value, _season_bounds(year, code), p, mod)]


def _season_year(pub: datetime.date, code: str, word: str, future: bool) -> int:
    """The year of the season meant: the current one for "this", else by last/next/tense."""
    first = _w.SEASON_FIRST_MONTH[code]
    this_year = pub.year + (1 if first > 10 and pub.month >= first else 0)  # December: next winter
    _, lo, hi, _ = _season_bounds(this_year, code)
    if word in ("this", "current"):
        return this_year
    if word in ("last", "past"):
        return this_year - 1 if hi is not None and hi >= pub else this_year
    if word in ("next", "coming") or future:
        return this_year + 1 if lo is not None and lo <= pub else this_year
    return this_year if lo is not None and lo <= pub else this_year - 1


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> datetime.date:
    """The n-th (n < 0: from the end) weekday of a month: Thanksgiving, Labor Day."""
    if n > 0:
        first = _date(year, month, 1)
        return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = _d._month_end(_date(year, month, 1))
    return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)


def holiday_date(name: str, year: int) -> datetime.date | None:
    """The day a named holiday (holidays.tsv) begins in a year, or None when the tables do
    not know it (an unknown name, or a lunar holiday in a year holiday_days.tsv lacks)."""
    key = _w.holiday_key(name)
    holiday = _w.HOLIDAYS.get(key)
    if holiday is None:
        return None
    if holiday.rule == "fixed":
        return _date(year, holiday.month, holiday.day)
    if holiday.rule == "nth_weekday":
        return _nth_weekday(year, holiday.month, holiday.weekday, holiday.nth)
    if holiday.rule == "easter":
        return easter(year)
    day = _w.LUNAR_DAYS.get((key, year))
    return _date(year, *day) if day else None


def _holiday(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "Christmas", "Thanksgiving 2015", "Eid al-Adha": the latest one (the next one when the
    sentence speaks of the future) unless a year is given."""
    s, e, p = _span(m, kind)
    name = m.group("hol_n")
    pub = ctx.published
    if m.group("hol_y"):
        day = holiday_date(name, int(m.group("hol_y")))
    elif pub is None:
        return []
    else:
        future = ctx.is_future(s, e)
        days = [holiday_date(name, pub.year + k) for k in (-1, 0, 1)]
        days_known = [d for d in days if d is not None]
        if future:
            day = next((d for d in days_known if d >= pub), None)
        else:
            day = next((d for d in reversed(days_known) if d <= pub), None)
    if day is None:
        return []
    length = _w.HOLIDAYS[_w.holiday_key(name)].days
    if length > 1:  # Ramadan, a month of fasting
        end = day + datetime.timedelta(days=length - 1)
        return [_make(ctx.text, s, e, "DATE", f"{day.year}-{day.month:02d}", _window(day, end, "month"), p)]
    return [_make(ctx.text, s, e, "DATE", day.isoformat(), (day, day, day, "day"), p)]




def _anaphor(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "the following year", "later that month", "the next day": counted from the story's own
    time (the latest date before it), filled in by ``anchor_anaphors``."""
    s, e, p = _span(m, kind)
    which = " ".join(m.group("ana_w").lower().split())
    unit = m.group("ana_u").lower()
    ttype = "TIME" if unit in ("morning", "night", "evening", "afternoon") else "DATE"
    return [_make(ctx.text, s, e, ttype, f"ANCHOR {unit} {_w.SHIFTS[which.split()[-1]]}", phrase_start=p)]


def _relative_offset(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "two days later", "a year earlier": the story's time shifted (see ``anchor_anaphors``)."""
    s, e, p = _span(m, kind)
    # TimeML: in "a week before X" and "two days later" the timex is the duration
    value = duration_value(m.group("rel_n"), m.group("rel_u"))
    e = m.end("rel_u")
    if m.group("rel_d").lower() in ("before", "after"):
        return [_make(ctx.text, s, e, "DURATION", value, phrase_start=p)]
    n = _number(m.group("rel_n"))
    unit = m.group("rel_u").lower().rstrip("s")
    sign = -1 if m.group("rel_d").lower() in ("earlier", "before") else 1
    if n is None:
        return [_make(ctx.text, s, e, "DURATION", value, phrase_start=p)]
    if unit == "decade":
        unit, n = "year", 10 * n
    return [_make(ctx.text, s, e, "DURATION", f"ANCHOR {unit} {sign * n} {value}", phrase_start=p)]


def _end_of(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "the end of the year", "the beginning of the month": the period publication is in."""
    s, e, p = _span(m, kind)
    mod = _MOD_NAMES[_w.MODIFIER_PARTS[m.group("endof_w").lower()]]  # which part; the value is the whole period
    unit = m.group("endof_u").lower()
    pub = ctx.published
    if pub is None or unit in ("week", "decade", "century", "quarter"):
        value, days = ("XXXX", _NO_DAYS) if pub is None else ("", _NO_DAYS)
        unit = unit if pub is not None else "year"
        if pub is not None and unit == "week":
            value = _week_value(pub)
        elif pub is not None and unit == "decade":
            value = str(pub.year // 10)
        elif pub is not None and unit == "century":
            value = f"{pub.year // 100:02d}"
        elif pub is not None:
            value = f"{pub.year}-Q{(pub.month - 1) // 3 + 1}"
        return [_make(ctx.text, s, e, "DATE", value, days, p, mod)]
    shift = {"last ": -1, "next ": 1}
    words = m.group("endof").lower()
    delta = next((v for k, v in shift.items() if k in words), 0)
    if unit == "year":
        year = pub.year + delta
        return [_make(ctx.text, s, e, "DATE", str(year), _window(_date(year, 1, 1), _date(year, 12, 31), "year"), p, mod)]
    first = pub.replace(day=1) + relativedelta(months=delta)
    days = _window(first, _d._month_end(first), "month")
    return [_make(ctx.text, s, e, "DATE", f"{first.year}-{first.month:02d}", days, p, mod)]


def _year_days(year: int) -> Days:
    return _date(year, 7, 1), _date(year, 1, 1), _date(year, 12, 31), "year"


def _year_range(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "1957-58", "2015/16": two years, each its own date."""
    a = int(m.group("yrange_a"))
    b = a // 100 * 100 + int(m.group("yrange_b"))
    if b <= a:
        b += 100
    if b - a > 10:
        return []
    s, e, p = _span(m, kind)
    sa = m.end("yrange_a")
    return [
        _make(ctx.text, s, sa, "DATE", str(a), _year_days(a), p),
        _make(ctx.text, m.start("yrange_b"), e, "DATE", str(b), _year_days(b)),
    ]


def _fiscal(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "fiscal 2015", "this fiscal year": the year (fiscal years start in different months)."""
    s, e, p = _span(m, kind)
    if m.group("fy_y"):
        year = int(m.group("fy_y"))
    elif ctx.published is None:
        return [_make(ctx.text, s, e, "DATE", "XXXX", phrase_start=p)]
    else:
        word = m.group("fy_w").lower()
        year = ctx.published.year + _w.SHIFTS.get(word, 0)
    return [_make(ctx.text, s, e, "DATE", str(year), _year_days(year), p)]


def _bare_year(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "a 2010 raid", "2009": a four-digit year that is not a quantity ("2010 people" is
    still read as a year: news rarely counts that exactly)."""
    s, e, p = _span(m, kind)
    if ctx.text[s - 1 : s] == "$" or re.match(r"\s*(?:%|percent\b|per\s+cent\b)", ctx.text[e : e + 10]):
        return []
    if _QUANTITY_BEFORE.search(ctx.text, max(0, s - 20), s):
        return []  # "more than 2000 people", "about 1900 fighters": a count
    if (
        not m.group("prep")
        and _PLURAL_AFTER.match(ctx.text, e)
        and not _DETERMINER_BEFORE.search(ctx.text, max(0, s - 12), s)
    ):
        return []  # "2000 shares", "1900 troops"; but "the 2010 elections" is a year
    year = int(m.group("byear_y"))
    return [_make(ctx.text, s, e, "DATE", str(year), _year_days(year), p)]


_PLURAL_AFTER: Final = re.compile(  # a plural noun, not a verb ("2016 marks ...")
    r"\s+(?!(?:is|was|has|does|marks|sees|remains|looks|promises|brings|becomes|means|proves"
    r"|begins|ends|starts|comes|goes|seems|gives|takes|makes|as|was|plus|versus)\b)[a-z]+s\b(?!')"
)
_DETERMINER_BEFORE: Final = re.compile(r"(?i:\b(?:the|a|an|its|their|his|her|our|this|that|of)\s+|'s\s+|’s\s+)$")
_QUANTITY_BEFORE: Final = re.compile(
    r"(?i:\b(?:than|over|about|around|nearly|almost|some|approximately|least|estimated|up\s+to"
    r"|roughly|only|just|another|total\s+of)\s+)$"
)


def _bare_month(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "the October slaying": the latest such month (the next one in a sentence about the
    future)."""
    s, e, p = _span(m, kind)
    if m.group("bmon").lower() in _w.MONTH_COMMON and not _d._NOUN_AFTER.match(ctx.text, e):
        return []  # "the March on Washington" is a march
    month = _w.MONTHS[m.group("bmon").lower()]
    if ctx.published is None:
        return [_make(ctx.text, s, e, "DATE", f"XXXX-{month:02d}", phrase_start=p)]
    year = _d._month_year(ctx.published, month, None, ctx.is_future(s, e))
    first = _date(year, month, 1)
    return [_make(ctx.text, s, e, "DATE", f"{year}-{month:02d}", (_date(year, month, 15), first, _d._month_end(first), "month"), p)]


def _clock(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "3 p.m.", "10:30 am", "noon": a time on the publication day."""
    s, e, p = _span(m, kind)
    if m.group("clock_24"):
        h, mi = m.group("clock_24").split(":")
        hhmm = f"{int(h):02d}:{mi}"
    elif m.group("clock_w"):
        hhmm = "24:00" if m.group("clock_w").lower() == "midnight" else "12:00"
    else:
        h = int(m.group("clock_h")) % 12 + (12 if m.group("clock_ap").lower() == "p" else 0)
        hhmm = f"{h:02d}:{m.group('clock_m') or '00'}"
    pub = ctx.published
    days = (pub, pub, pub, "day") if pub else _NO_DAYS
    return [_make(ctx.text, s, e, "TIME", f"{_day_value(pub)}T{hhmm}", days, p)]


def _day_part(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "yesterday morning", "tomorrow night", "early morning" (of the publication day)."""
    s, e, p = _span(m, kind)
    word = m.group("rtod_d").lower()
    pub = ctx.published
    day = pub + datetime.timedelta(days=_w.RELATIVE_DAYS.get(word, (0, ""))[0]) if pub else None  # "early": 0
    days = (day, day, day, "day") if day else _NO_DAYS
    code = _TOD[m.group("rtod_t").lower()]
    return [_make(ctx.text, s, e, "TIME", f"{_day_value(day)}T{code}", days, p)]


_SET_VALUES: Final = {"day": "P1D", "week": "P1W", "month": "P1M", "year": "P1Y", "quarter": "P3M",
                      "weekend": "XXXX-WXX-WE",
                      **{part: f"XXXX-XX-XXT{code}" for part, code in _w.DAY_PARTS.items()}}  # fmt: skip


def _set(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "every year", "each Monday", "twice a week", "annually": a set of times."""
    s, e, p = _span(m, kind)
    word = (m.group("set_u") or m.group("set_a") or "").lower()
    if m.group("set_adv"):
        value = _SETS[m.group("set_adv").lower()]
    elif word in _w.WEEKDAYS:
        value = f"XXXX-WXX-{_w.WEEKDAYS[word] + 1}"
    elif word in _SEASONS:
        value = "XXXX-" + _SEASONS[word]
    else:
        value = _SET_VALUES.get(word, "P1Y" if word == "season" else "P1D")
    return [_make(ctx.text, s, e, "SET", value, phrase_start=p)]


def _duration(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "for three days", "the past several months", "a five-year plan", "24 hours"."""
    s, e, p = _span(m, kind)
    if m.group("dur_p"):
        unit = m.group("dur_p").split()[-1]
        return [_make(ctx.text, s, e, "DURATION", duration_value(None, unit), phrase_start=p)]
    count, unit = m.group("dur_n"), m.group("dur_u")
    if count.lower() in ("a", "an") and (unit.lower().endswith("s") or unit.lower() == "second"):
        return []  # "a second attack" is an ordinal
    if unit.lower().startswith("quarter") and re.match(r"\s+of\b", ctx.text[e:]):
        return []  # "a quarter of the vote", "three quarters of them": fractions
    if ctx.text[m.end("dur_n") : m.start("dur_u")].startswith("-"):
        s = m.start("dur_n")  # "a five-year plan": the adjective is the duration
    if re.match(r"\s+(?:ago)\b", ctx.text[e : e + 12]):
        return []
    return [_make(ctx.text, s, e, "DURATION", duration_value(count, unit), phrase_start=p)]


def _present_ref(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "now", "currently": PRESENT_REF, with the week up to publication as its window."""
    s, e, p = _span(m, kind)
    pub = ctx.published
    days = (pub, pub - datetime.timedelta(days=6), pub, "week") if pub else _NO_DAYS
    return [_make(ctx.text, s, e, "DATE", "PRESENT_REF", days, p)]


def _past_ref(m: re.Match[str], kind: str, ctx: _d._Context) -> list[TimeMention]:
    """ "recently", "lately": PAST_REF within about three months before publication; "the
    past" and "formerly" have no window."""
    s, e, p = _span(m, kind)
    pub = ctx.published
    days = _NO_DAYS
    if pub and m.group(kind).lower() in ("recently", "lately"):
        days = (pub - datetime.timedelta(days=30), pub - datetime.timedelta(days=90), pub, "month")
    return [_make(ctx.text, s, e, "DATE", "PAST_REF", days, p)]


_HANDLERS: Final = {
    "dec": _decade, "cen": _century, "dago": _decades_ago, "qu": _quarter, "se": _season,
    "wkend": _weekend, "hol": _holiday, "ana": _anaphor, "rel": _relative_offset, "endof": _end_of,
    "yrange": _year_range, "fy": _fiscal, "byear": _bare_year, "bmon": _bare_month,
    "clock": _clock, "rtod": _day_part, "set": _set, "pres": _present_ref,
    "past": _past_ref, "fut": _simple("DATE", "FUTURE_REF"), "dur": _duration,
}  # fmt: skip


def anchor_anaphors(mentions: list[TimeMention]) -> list[TimeMention]:
    """Fill in "the following year", "two days later" from the latest date before each."""
    out: list[TimeMention] = []
    anchor: TimeMention | None = None
    for t in mentions:
        if t.value.startswith("ANCHOR "):
            try:
                shifted = _anchored(t, anchor)
            except (ValueError, OverflowError):
                shifted = None  # past year 9999 (an absurd publication date): left out, never raised
            if shifted is None:
                continue
            t = shifted
        elif t.type in ("DATE", "TIME") and t.date is not None and t.precision in ("day", "month", "year", "week"):
            anchor = t
        out.append(t)
    return out


class _Dated(Protocol):
    """What an anchor needs: a day. A TimeMention, or a :class:`geo.dates.find.DateMention`."""

    @property
    def date(self) -> datetime.date | None: ...


def _anchored(t: TimeMention, anchor: _Dated | None) -> TimeMention | None:
    _, unit, shift_s, *duration = t.value.split()
    shift = int(shift_s)
    if duration:  # "two days later": a duration whose days are those it points at
        if anchor is None or anchor.date is None:
            return replace(t, value=duration[0])
        dated = _anchored(replace(t, value=f"ANCHOR {unit} {shift}"), anchor)
        return replace(dated, value=duration[0]) if dated else None
    if anchor is None or anchor.date is None:
        return replace(t, value="PAST_REF" if shift < 0 else "FUTURE_REF") if shift else None
    tod = "T" + _TOD[unit] if unit in _TOD else None
    base = anchor.date
    if tod:
        d = base + datetime.timedelta(days=shift)
        return replace(t, value=d.isoformat() + tod, date=d, date_start=d, date_end=d, precision="day")
    d = base + relativedelta(**{unit + "s": shift})
    if unit == "day":
        days: Days = (d, d, d, "day")
        value = d.isoformat()
    elif unit == "week":
        monday = d - datetime.timedelta(days=d.weekday())
        days, value = _window(monday, monday + datetime.timedelta(days=6), "week"), _week_value(d)
    elif unit == "month":
        first = d.replace(day=1)
        days, value = _window(first, _d._month_end(first), "month"), f"{d.year}-{d.month:02d}"
    else:
        days, value = _year_days(d.year), str(d.year)
    best, lo, hi, precision = days
    return replace(t, value=value, date=best, date_start=lo, date_end=hi, precision=precision)
