"""What the review panel shows, as pure functions: honest date labels, the evidence, the queue.

No Streamlit here: ``tests/test_review_panel.py`` covers it without a browser.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "Candidate",
    "date_range_label",
    "date_source_label",
    "marked_evidence",
    "event_label",
    "picker_label",
    "place_candidates",
    "queue_rows",
    "review_mask",
    "uncertainty",
]


def _day(value: Any) -> dt.date | None:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _month_span(start: dt.date, end: dt.date) -> str:
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%b %Y}"
    return f"{start:%b %Y} – {end:%b %Y}"


def date_range_label(start: Any, end: Any, precision: str | None) -> str:
    """The interval an event could be in, said as it is known: "21 Mar 2016", "week of
    21 Mar 2016", "Mar 2016", "May 2015 – Mar 2016", "2016" — never just its first month."""
    first, last = _day(start), _day(end) or _day(start)
    if first is None or last is None or precision == "undated":
        return "undated"
    if first == last:
        return f"{first.day} {first:%b %Y}"
    if precision == "week" and (last - first).days <= 6:
        return f"week of {first.day} {first:%b %Y}"
    whole_years = (first.month, first.day, last.month, last.day) == (1, 1, 12, 31)
    if whole_years:
        return str(first.year) if first.year == last.year else f"{first.year} – {last.year}"
    if first.day == 1 and (last + dt.timedelta(days=1)).day == 1:
        return _month_span(first, last)
    return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"


def date_source_label(event: Mapping[str, Any]) -> str:
    """Where the event's date came from, in words, with the expression quoted: from this
    sentence, from an earlier sentence or the article's lead (that sentence quoted whole, the
    expression marked ⟦like this⟧), or the week before publication."""
    source = event.get("date_source")
    text = str(event.get("date_text") or "").strip()
    if source == "text":
        return f"from this sentence: «{text}»" if text else "from this sentence"
    if source in ("context", "lead"):
        where = "from an earlier sentence" if source == "context" else "from the article's lead"
        quoted = marked_evidence(event) or text  # files written before date_evidence existed
        return f"{where}: «{quoted}»" if quoted else where
    if source == "published":
        published = _day(event.get("published"))
        return "the week before publication" + (f" ({published.day} {published:%b %Y})" if published else "")
    return "no date"


def marked_evidence(event: Mapping[str, Any]) -> str:
    """``date_evidence`` (the sentence a context or lead date was read from) with the date
    expression in it marked ⟦…⟧; "" when the event has none. Offsets that do not fall inside
    the sentence (hand-edited data) leave it unmarked rather than marking the wrong words."""
    sentence = event.get("date_evidence")
    if not isinstance(sentence, str) or not sentence.strip():
        return ""
    try:
        base = int(event.get("date_sentence_char_start"))
        start = int(event.get("date_used_char_start")) - base
        end = int(event.get("date_used_char_end")) - base
    except (TypeError, ValueError):
        return sentence.strip()
    if not 0 <= start < end <= len(sentence):
        return sentence.strip()
    return f"{sentence[:start]}⟦{sentence[start:end]}⟧{sentence[end:]}".strip()


class Candidate(NamedTuple):
    """A gazetteer entry the chosen place beat."""

    geonameid: int
    name: str
    country: str

    @property
    def label(self) -> str:
        return f"{self.name}, {self.country} (GeoNames {self.geonameid})"


def place_candidates(text: Any) -> list[Candidate]:
    """The ``place_candidates`` property ("geonameid name CC;...") as candidates."""
    out: list[Candidate] = []
    for item in str(text or "").split(";"):
        parts = item.strip().split(" ")
        if len(parts) >= 3 and parts[0].isdigit():
            out.append(Candidate(int(parts[0]), " ".join(parts[1:-1]), parts[-1]))
    return out


def uncertainty(events: pd.DataFrame) -> np.ndarray:
    """How doubtful each event is, for ordering the queue (higher first).

    With a ``confidence`` column (the accuracy work's), it is ``1 - confidence``; without
    one, a rough stand-in: a date not read from the sentence itself, alternative places it
    beat, a province or country rather than a town, a date wider than a day.
    """
    if "confidence" in events.columns:
        confidence = pd.to_numeric(events["confidence"], errors="coerce").fillna(0.5).to_numpy(dtype=float)
        return 1.0 - confidence
    score = np.zeros(len(events))
    score += (events["date_source"].astype("string").fillna("") != "text").to_numpy(dtype=float) * 0.3
    score += (events["place_candidates"].astype("string").fillna("") != "").to_numpy(dtype=float) * 0.3
    score += (events["place_precision"].astype("string").fillna("city") != "city").to_numpy(dtype=float) * 0.2
    score += (events["date_precision"].astype("string").fillna("day") != "day").to_numpy(dtype=float) * 0.2
    return score


def queue_rows(events: pd.DataFrame, mask: np.ndarray) -> np.ndarray:
    """Rows of the "needs review" queue: unreviewed events in view, least confident first
    (ties in the data set's order)."""
    status = events["review_status"] if "review_status" in events.columns else pd.Series("unreviewed", index=events.index)
    wanted = np.asarray(mask, dtype=bool) & (status.astype("string").fillna("unreviewed") == "unreviewed").to_numpy()
    rows = np.flatnonzero(wanted)
    order = np.lexsort((rows, -uncertainty(events.iloc[rows])))
    return rows[order]


def review_mask(
    events: pd.DataFrame,
    *,
    statuses: Sequence[str] = (),
    countries: Sequence[str] = (),
    exclude_countries: bool = False,
    show_rejected: bool = False,
) -> np.ndarray:
    """True for the events the review filters keep: chosen statuses (any when empty), chosen
    countries (or all but them), and rejected events only when asked for."""
    n = len(events)
    status = (
        events["review_status"].astype("string").fillna("unreviewed")
        if "review_status" in events.columns
        else pd.Series(["unreviewed"] * n, dtype="string")
    )
    mask = np.ones(n, dtype=bool)
    if statuses:
        mask &= status.isin(list(statuses)).to_numpy(dtype=bool)
    if not show_rejected and "rejected" not in statuses:
        mask &= (status != "rejected").to_numpy(dtype=bool)
    if countries:
        chosen = events["country"].astype("string").isin(list(countries)).to_numpy(dtype=bool, na_value=False)
        mask &= ~chosen if exclude_countries else chosen
    return mask


def event_label(event: Mapping[str, Any]) -> str:
    """One line naming an event in a picker: date, place, type, title."""
    when = date_range_label(event.get("date_start"), event.get("date_end"), event.get("date_precision"))
    title = str(event.get("title") or "")
    title = title if len(title) <= 60 else title[:59] + "…"
    return f"{when} · {event.get('place')} · {event.get('event_type')} · {title}"


def picker_label(event: Mapping[str, Any], row: int) -> str:
    """:func:`event_label` with the event's number in the data set, so no two entries of the
    picker read the same: two reports of one sentence share date, place, type and title, and
    the picker gives back the label chosen, so a repeated one would pick the other event."""
    return f"{event_label(event)} · event {row + 1}"
