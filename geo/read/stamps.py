"""Publication stamps: the date a scraped article carries at the start of its body.

Pages copied from news sites keep the site's stamp on the same line as the story, in many
formats: "Tue 3 Mar 2020 Floods cut ...", "Date of publication 9 May 2019 The ...",
"Published March 9 2019 A ...", "Posted on May 2 2018 by A. Writer ...", "Last updated at
Jan 052019 Police ...", "Reuters Monday 4 Feb 2019 Two ...", "12.06.2018(updated 1204
12.06.2018) Get short URL ...", "02-10-2019 Storm ...". :func:`find_stamp` finds such a stamp
where it stands (the first lines of the body, at the start of a line, or right after a wire
agency's name near the top) and returns it with its offsets.

Why position matters: a full date at the start of the body is the page's stamp; the same date
in the middle of a sentence ("on 5 May 2019 the army ...") is a date of the story and is never
taken for the stamp. A stamp needs a day, a month and a four-digit year; nothing is guessed
where there is none. Hand-written regular expressions: dateparser's ``search_dates`` finds dates
anywhere in prose, which is exactly what a stamp reader must not do.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from geo.native import by_fields

__all__ = ["Stamp", "find_stamp", "STAMP_LINES"]

#: How many non-empty lines from the top may hold the stamp (title, byline, body start).
STAMP_LINES: Final = 4
#: How far into a line an agency-introduced stamp may stand ("Headline words AFP Monday ...").
_AGENCY_REACH: Final = 240

_MONTHS: Final = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH: Final = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY: Final = (
    r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)"
)
_YEAR: Final = r"(?P<year>(?:19|20)\d\d)"
# The date itself, in the orders pages use; a 2-digit day glued to the year ("Jan 052019") is
# how some scrapes lose the space between them.
_DATE: Final = (
    rf"(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}"  # 9 May 2019
    rf"|{_MONTH.replace('month', 'month2')}\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?,?\s*{_YEAR.replace('year', 'year2')}"  # May 9, 2019 / May 092019
    r"|(?P<nday>\d{1,2})(?P<sep>[./-])(?P<nmonth>\d{1,2})(?P=sep)(?P<nyear>(?:19|20)\d\d)"  # 09.05.2019
    r"|(?P<iyear>(?:19|20)\d\d)-(?P<imonth>\d\d)-(?P<iday>\d\d))"  # 2019-05-09
)
_LABEL: Final = (
    r"(?:(?:date of publication|first published|published|posted|last updated|last modified"
    r"|updated|modified|released|date)(?:\s+(?:on|at))?\s*:?\s+)"
)
_AT_LINE_START: Final = re.compile(rf"(?:{_LABEL})?(?:{_WEEKDAY})?{_DATE}(?![\d])", re.IGNORECASE)
# "Reuters Monday 4 Feb 2019": a wire agency's name, then the day it filed.
_AGENCIES: Final = r"(?:AFP|Reuters|AP|Associated Press|UPI|dpa|DPA|Xinhua|EFE|ANSA|Anadolu(?: Agency)?|IANS|PTI|TASS|Sputnik)"
_AFTER_AGENCY: Final = re.compile(rf"\b(?-i:{_AGENCIES})\s+(?:{_WEEKDAY})?{_DATE}(?![\d])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Stamp:
    """A publication stamp: the day, and where its text stands in the article."""

    date: dt.date
    start_char: int
    end_char: int
    text: str

    def __reduce__(self):  # pickled by calling the class: see geo.native.by_fields
        return by_fields(self)


def find_stamp(text: str) -> Stamp | None:
    """The publication stamp at the top of an article, or None when it carries none.

    Looks at the first :data:`STAMP_LINES` non-empty lines: a stamp opening a line (with an
    optional label and weekday), else a date right after a wire agency's name early in a line.
    """
    for start, line in _top_lines(text):
        found = _stamp_in(_AT_LINE_START.match(line), start)
        if found is not None:
            return found
    for start, line in _top_lines(text):
        for m in _AFTER_AGENCY.finditer(line, 0, _AGENCY_REACH):
            found = _stamp_in(m, start)
            if found is not None:
                return found
    return None


def _top_lines(text: str) -> list[tuple[int, str]]:
    """(offset, line without its leading blanks) of the first non-empty lines."""
    lines: list[tuple[int, str]] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.lstrip()
        if stripped:
            lines.append((pos + len(raw) - len(stripped), stripped))
            if len(lines) >= STAMP_LINES:
                break
        pos += len(raw) + 1
    return lines


def _stamp_in(m: re.Match[str] | None, offset: int) -> Stamp | None:
    if m is None:
        return None
    day = _date_of(m)
    if day is None:
        return None
    return Stamp(day, offset + m.start(), offset + m.end(), m.group())


def _date_of(m: re.Match[str]) -> dt.date | None:
    """The calendar day a matched stamp names, or None if it names no real day."""
    g = m.groupdict()
    try:
        if g.get("year"):
            return dt.date(int(g["year"]), _MONTHS[g["month"].lower()], int(g["day"]))
        if g.get("year2"):
            return dt.date(int(g["year2"]), _MONTHS[g["month2"].lower()], int(g["day2"]))
        if g.get("nyear"):
            first, second = int(g["nday"]), int(g["nmonth"])
            # Day first, as most of the world's pages write it; month first only when the
            # day-first reading is impossible ("12/25/2019").
            if second > 12 >= first:
                first, second = second, first
            return dt.date(int(g["nyear"]), second, first)
        if g.get("iyear"):
            return dt.date(int(g["iyear"]), int(g["imonth"]), int(g["iday"]))
    except (ValueError, KeyError):
        return None
    return None
