"""Every temporal expression of a text, TIMEX3-style: ``read_dates(text, published)``.

``geo.dates.find.find_dates`` reads the dates an event map needs (a day or an honest interval for
each happening, with the preposition that introduced it). ``read_dates`` is the public face of
the date reader: it reports what the temporal-tagging field reports (TimeML's TIMEX3, scored by
TempEval-3), so it can be measured against the field's benchmarks, and gives callers more:

- the span of the expression alone (TIMEX3 leaves out "in", "on", "since" ...) and the span with
  its preposition (``phrase``);
- the TIMEX3 type: DATE ("March 2016", "last week"), TIME ("Friday morning", "3 p.m."),
  DURATION ("for three days", "a five-year plan") or SET ("every year", "weekly");
- the normalised TIMEX3 value: ``2016-03-27``, ``2016-W12``, ``2016-03``, ``2016``,
  ``2016-Q1``, ``2016-H1``, ``2016-SU``, ``201`` (the 2010s), ``20`` (the 21st century),
  ``PAST_REF``/``PRESENT_REF``/``FUTURE_REF``, ``2016-03-27TMO``, ``P3D``, ``PXM``, ``P1Y`` ...;
- for DATE and TIME, the days it can stand for (``date_start <= date <= date_end``) and a
  precision (day, week, month, quarter, season, year, decade, century).

Hand-written rules, as in ``geo.dates.find`` (see its docstring for why not dateparser): the DATE
expressions ``find_dates`` reads come from it, with the same resolution, and this module adds
what an event map does not need but a temporal tagger must report (durations, sets, times of
day, bare years and months, seasons, quarters, decades, present/past references, holidays).
"""

from __future__ import annotations

import datetime

from geo.dates import find as _d
from geo.dates import timex_rules as _r
from geo.dates.timex_rules import TimeMention

__all__ = ["TimeMention", "read_dates"]


def _candidates(text: str, published: datetime.date | None) -> list[TimeMention]:
    """What ``find_dates`` reads, as timexes, then what only a temporal tagger needs."""
    ctx = _d._Context(text, published)
    found: list[_d.DateMention] = []
    out: list[TimeMention] = []
    for m in _d._scan(text):
        try:
            mention = _d._mention(m, ctx, found)
        except (ValueError, OverflowError):
            mention = None
        if mention is None:
            continue
        found.append(mention)
        out.extend(_r.from_scanner(m, mention, ctx))
    out.extend(_r.extra(text, ctx))
    return out


def read_dates(text: str, published: datetime.date | None) -> list[TimeMention]:
    """Every date and time expression in ``text``, TIMEX3-style, resolved against ``published``.

    ``text`` is any English text (offsets in the result index into it) and ``published`` the
    day it was written, as for :func:`geo.dates.find.find_dates`: TimeML's document creation time,
    which "Friday", "last week" or "now" count from. Without it those have no days (precision
    "undated") and their values an X for what is unknown ("XXXX-03").

    Returns
    -------
    list of TimeMention
        Sorted by ``start_char`` and non-overlapping; the same text and date give the same
        answer. Durations, sets and times of day are included (``type`` says which).
    """
    if not text:
        return []
    found = _candidates(text, _d._publication_day(published))
    return _r.anchor_anaphors(_d._longest_first(found))  # non-overlapping, longer first
