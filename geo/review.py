"""Review: the analyst confirms, corrects or rejects events, and the decisions last.

Decisions live in a review file, JSON Lines, one decision a line, only ever appended to
(``datelines-review.jsonl`` beside the corpus by default)::

    {"event_id": "a1:120", "fingerprint": "3f0c...", "field": "place", "old": {...},
     "new": {...}, "reviewer": "ana", "time": "2026-11-28T04:01:02Z", "note": ""}

Why this shape: a person can read and diff it, two sessions can append to it at once (an
exclusive lock, then one ``write`` of whole lines), and a crash mid-write tears at most the
last line, which :func:`read_review` skips with a warning.

A decision is applied on every load (:func:`apply_review`) to the event with its id whose
*fingerprint* (the evidence: article, sentence, the place as written and where, the date
expression) still matches. When re-extraction with changed rules no longer yields that event,
the decision is listed as an orphan with the reason, never dropped and never applied to
another event. A confirmation also certifies the machine's values: it is orphaned when they
changed since.

Pure shaping (decisions → a reviewed frame, the summary) is apart from I/O
(:class:`ReviewFile`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from geo.errors import DatelinesError
from geo.schema import (
    DATE_PRECISIONS,
    EVENT_TYPES,
    PLACE_PRECISIONS,
    REVIEW_FIELDS,
    REVIEW_PROPERTIES,
    REVIEW_STATUSES,
)

__all__ = [
    "REVIEW_FILENAME",
    "Decision",
    "Orphan",
    "ReviewLog",
    "ReviewedEvents",
    "ReviewError",
    "ReviewFile",
    "ReviewSummary",
    "apply_review",
    "apply_reviews_to",
    "date_fix",
    "default_review_path",
    "event_fingerprint",
    "machine_events",
    "make_decision",
    "place_fix",
    "read_review",
    "review_summary",
    "without_rejected",
]

#: The review file's default name, beside the corpus (or beside the events file).
REVIEW_FILENAME = "datelines-review.jsonl"

#: The columns whose values make an event's fingerprint: the evidence, which no correction
#: changes, so a corrected export still matches its decisions.
_FINGERPRINT_COLUMNS = (
    "article", "excerpt", "place_text", "place_char_start", "place_char_end", "date_text",
)  # fmt: skip

#: The machine's values a confirmation certifies (old value of a "status" decision).
_SNAPSHOT_COLUMNS = ("geonameid", "date_start", "date_end", "date_precision", "event_type", "fatalities")

#: The event columns each correctable field sets, and keeps the machine's value of in
#: ``<column>_auto`` (see geo.schema.REVIEW_PROPERTIES).
_FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "place": ("place", "country", "geonameid", "admin1", "place_precision"),
    "date": ("date", "date_start", "date_end", "date_precision"),
    "event_type": ("event_type",),
    "fatalities": ("fatalities",),
}
_STATUS_VALUES = ("confirmed", "rejected", "unreviewed")


class ReviewError(DatelinesError, ValueError):
    """A decision or a review file that cannot be used; the message says what to do."""


# --------------------------------------------------------------------------- decisions


@dataclass(frozen=True, slots=True)
class Decision:
    """One analyst decision on one event: a line of the review file.

    ``field`` is ``status`` (new: confirmed / rejected / unreviewed), ``place``, ``date``,
    ``event_type``, ``fatalities`` or ``note``; ``old`` is the machine's value it replaces.
    """

    event_id: str
    fingerprint: str
    field: str
    new: Any
    old: Any = None
    reviewer: str = ""
    time: str = ""
    note: str = ""

    def to_line(self) -> str:
        """The decision as one line of JSON (no newline inside: JSON escapes them)."""
        return json.dumps(asdict(self), ensure_ascii=False, allow_nan=False, sort_keys=False)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Decision:
        """A decision from a parsed line; ReviewError when it lacks a key or has a bad value."""
        try:
            decision = cls(
                event_id=str(data["event_id"]),
                fingerprint=str(data["fingerprint"]),
                field=str(data["field"]),
                new=data["new"],
                old=data.get("old"),
                reviewer=str(data.get("reviewer") or ""),
                time=str(data.get("time") or ""),
                note=str(data.get("note") or ""),
            )
        except (KeyError, TypeError) as err:
            raise ReviewError(f"a decision needs event_id, fingerprint, field and new; got {data!r}") from err
        _validate(decision.field, decision.new)
        return decision


def _validate(field_name: str, new: Any) -> None:
    """Refuse a value the event could not carry, quoting it."""
    if field_name not in REVIEW_FIELDS:
        raise ReviewError(f"'field' should be one of {list(REVIEW_FIELDS)}, got {field_name!r} instead")
    if field_name == "status" and new not in _STATUS_VALUES:
        raise ReviewError(f"a status should be one of {list(_STATUS_VALUES)}, got {new!r} instead")
    if field_name == "event_type" and new not in EVENT_TYPES:
        raise ReviewError(f"'event_type' should be one of {list(EVENT_TYPES)}, got {new!r} instead")
    if field_name == "fatalities" and new is not None and (
        isinstance(new, bool) or not isinstance(new, int) or new < 0
    ):
        raise ReviewError(f"'fatalities' should be a count (0 or more) or null, got {new!r} instead")
    if field_name == "note" and not isinstance(new, str):
        raise ReviewError(f"a note should be text, got {new!r} instead")
    if field_name == "place":
        place_fix(**new) if isinstance(new, dict) else _bad_dict("place", new)
    if field_name == "date":
        date_fix(**new) if isinstance(new, dict) else _bad_dict("date", new)


def _bad_dict(name: str, value: Any) -> None:
    raise ReviewError(f"a {name} correction should be an object, got {value!r} instead")


def place_fix(
    place: str,
    longitude: float,
    latitude: float,
    *,
    country: str | None = None,
    geonameid: int | None = None,
    admin1: str | None = None,
    place_precision: str = "city",
) -> dict[str, Any]:
    """The ``new`` value of a place correction, validated: a name and a point (lon, lat)."""
    if not str(place).strip():
        raise ReviewError("a corrected place needs a name")
    try:
        lon, lat = float(longitude), float(latitude)
    except (TypeError, ValueError) as err:
        raise ReviewError(f"Expected (longitude, latitude) numbers, instead got: ({longitude!r}, {latitude!r})") from err
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ReviewError(
            f"Expected longitude in [-180, 180] and latitude in [-90, 90], instead got: ({lon!r}, {lat!r})"
        )
    if place_precision not in PLACE_PRECISIONS:
        raise ReviewError(f"'place_precision' should be one of {list(PLACE_PRECISIONS)}, got {place_precision!r}")
    if geonameid is not None and (isinstance(geonameid, bool) or not isinstance(geonameid, int)):
        raise ReviewError(f"'geonameid' should be a GeoNames id (int) or null, got {geonameid!r} instead")
    return {
        "place": str(place).strip(), "longitude": lon, "latitude": lat, "country": country,
        "geonameid": geonameid, "admin1": admin1, "place_precision": place_precision,
    }  # fmt: skip


def date_fix(
    date_start: str | dt.date,
    date_end: str | dt.date | None = None,
    *,
    date: str | dt.date | None = None,
    date_precision: str | None = None,
) -> dict[str, Any]:
    """The ``new`` value of a date correction: a day, or an interval with its precision.

    The best day defaults to the interval's first; the precision to ``day`` for one day,
    else ``week`` up to 7 days, ``month`` up to 31, ``year`` past that.
    """
    start = _day(date_start, "date_start")
    end = _day(date_end, "date_end") if date_end is not None else start
    if end < start:
        raise ReviewError(f"the interval ends before it starts: {start} – {end}; swap them")
    best = _day(date, "date") if date is not None else start
    if not start <= best <= end:
        raise ReviewError(f"the best day {best} should lie in {start} – {end}")
    span = (end - start).days + 1
    precision = date_precision or (
        "day" if span == 1 else "week" if span <= 7 else "month" if span <= 31 else "year"
    )
    if precision not in DATE_PRECISIONS or precision == "undated":
        raise ReviewError(f"'date_precision' should be one of day, week, month, year; got {precision!r}")
    return {
        "date": best.isoformat(), "date_start": start.isoformat(), "date_end": end.isoformat(),
        "date_precision": precision,
    }  # fmt: skip


def _day(value: str | dt.date, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError as err:
        raise ReviewError(f"{name!r} should be a day as YYYY-MM-DD, got {value!r} instead") from err


def _plain(value: Any) -> Any:
    """A frame value as JSON has it (numpy scalars, pd.NA, NaN → Python / null)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()[:10]
    return value


def event_fingerprint(event: Mapping[str, Any]) -> str:
    """A short digest of an event's evidence (``_FINGERPRINT_COLUMNS``): same sentence, same
    mention, same fingerprint, whatever the place, date or type the machine or analyst gave."""
    values = [_plain(event.get(c)) for c in _FINGERPRINT_COLUMNS]
    text = json.dumps(values, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()[:16]


def _snapshot(event: Mapping[str, Any]) -> dict[str, Any]:
    return {c: _plain(event.get(c)) for c in _SNAPSHOT_COLUMNS}


def _old_value(event: Mapping[str, Any], field_name: str) -> Any:
    if field_name == "status":
        return _snapshot(event)
    if field_name == "note":
        return _plain(event.get("review_note")) or ""
    if field_name == "place":
        value = {c: _plain(event.get(c)) for c in _FIELD_COLUMNS["place"]}
        geometry = event.get("geometry")
        if geometry is not None and not getattr(geometry, "is_empty", True):
            value.update(longitude=float(geometry.x), latitude=float(geometry.y))  # x is lon
        return value
    return {c: _plain(event.get(c)) for c in _FIELD_COLUMNS[field_name]} if field_name == "date" else _plain(event.get(field_name))


def now_utc() -> str:
    """The current time as ISO 8601 UTC to the second ("2026-11-28T04:01:02Z")."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def make_decision(
    event: Mapping[str, Any],
    field_name: str,
    new: Any,
    *,
    reviewer: str,
    note: str = "",
    time: str | None = None,
) -> Decision:
    """A decision on ``event`` (a row of the machine's frame, e.g. ``frame.iloc[i]``).

    The fingerprint and the old value are taken from the event; ``new`` is validated.
    """
    if field_name == "place" and isinstance(new, Mapping):
        new = place_fix(**new)
    if field_name == "date" and isinstance(new, Mapping):
        new = date_fix(**new)
    _validate(field_name, new)
    return Decision(
        event_id=str(event["id"]),
        fingerprint=event_fingerprint(event),
        field=field_name,
        new=new,
        old=_old_value(event, field_name),
        reviewer=str(reviewer).strip(),
        time=time or now_utc(),
        note=str(note),
    )


# --------------------------------------------------------------------------- the file (I/O)


def default_review_path(corpus: str | Path) -> Path:
    """``datelines-review.jsonl`` beside ``corpus`` (a folder of articles or an events file).

    Beside, not inside: a corpus folder's ``*.jsonl`` files are articles, and the dashboard
    re-reads a folder whose files change.
    """
    return Path(corpus).expanduser().resolve().parent / REVIEW_FILENAME


@dataclass(frozen=True)
class ReviewLog:
    """The decisions of a review file, in the order written, and what was skipped and why."""

    decisions: tuple[Decision, ...]
    warnings: tuple[str, ...] = ()


def _parse_lines(data: bytes, source: str) -> ReviewLog:
    decisions: list[Decision] = []
    problems: list[str] = []
    lines = data.split(b"\n")
    torn_tail = bool(lines) and lines[-1] != b""  # no newline at the end: an interrupted write
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            decisions.append(Decision.from_mapping(json.loads(raw.decode("utf-8"))))
        except (ValueError, UnicodeDecodeError, AttributeError) as err:
            last = number == len(lines) and torn_tail
            why = "an unfinished last line (a write was interrupted)" if last else f"unreadable ({err})"
            problems.append(f"{source} line {number}: {why}; skipped")
    return ReviewLog(tuple(decisions), tuple(problems))


def read_review(path: str | Path) -> ReviewLog:
    """Every decision in the review file at ``path`` (none if it does not exist yet).

    A line that cannot be read — a torn last line after a crash, a hand edit gone wrong — is
    skipped with a warning (also issued through :mod:`warnings`); the rest still applies.
    """
    source = Path(path)
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        return ReviewLog(())
    log = _parse_lines(data, str(source))
    for problem in log.warnings:
        warnings.warn(problem, RuntimeWarning, stacklevel=2)
    return log


class ReviewFile:
    """The review file at ``path``: append decisions (locked, whole lines), read them back."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def read(self) -> ReviewLog:
        """Every decision written so far (see :func:`read_review`)."""
        return read_review(self.path)

    def append(self, decisions: Iterable[Decision]) -> int:
        """Append decisions as whole lines, under an exclusive lock; returns how many.

        The lock serialises writers (two dashboard sessions, a script); the lines go out in one
        ``os.write`` on an O_APPEND descriptor and are fsynced before the lock is released. If
        an earlier writer crashed mid-line, a newline is written first so the torn line stays
        alone (and skipped) instead of swallowing this one.
        """
        lines = [d.to_line() for d in decisions]
        if not lines:
            return 0
        payload = ("\n".join(lines) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            _lock(fd)
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                payload = b"\n" + payload
            _write_all(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)  # closing releases the lock
        return len(lines)


def _lock(fd: int) -> None:
    """An exclusive advisory lock on the open file (POSIX flock; msvcrt on Windows).

    Hand-written rather than a package: the standard library does it in a line per platform,
    and the lock must be on this very descriptor (lock-then-append), not on a side file.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


# --------------------------------------------------------------------------- applying (pure)


@dataclass(frozen=True)
class Orphan:
    """A decision that no event of this load matches, and why."""

    decision: Decision
    reason: str


@dataclass
class ReviewedEvents:
    """Events with the decisions applied (``REVIEW_PROPERTIES`` added), and the orphans."""

    events: gpd.GeoDataFrame
    orphans: tuple[Orphan, ...] = ()
    applied: int = 0
    warnings: tuple[str, ...] = field(default_factory=tuple)


def _typed(column: str, value: Any) -> Any:
    """A value read back from an export (CSV gives text) as the event column holds it."""
    value = _plain(value)
    if value == "":
        return None
    if column in {"geonameid", "fatalities"} and value is not None:
        return int(float(value))
    return value


def machine_events(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The machine's events: a frame read back from a reviewed export gets its corrected
    fields' original values back from the ``*_auto`` columns, review columns removed."""
    if "review_corrected" not in events.columns:
        return events
    frame = events.copy()
    for row in np.flatnonzero(frame["review_corrected"].fillna("").astype(str).str.len().to_numpy() > 0):
        for name in str(frame["review_corrected"].iloc[row]).split(";"):
            for column in _FIELD_COLUMNS.get(name, ()):
                frame.iat[row, frame.columns.get_loc(column)] = _typed(column, frame[f"{column}_auto"].iloc[row])
            if name == "place" and _typed("", frame["longitude_auto"].iloc[row]) is not None:
                point = Point(float(frame["longitude_auto"].iloc[row]), float(frame["latitude_auto"].iloc[row]))
                frame.iat[row, frame.columns.get_loc(frame.geometry.name)] = point
    return frame.drop(columns=[c for c in REVIEW_PROPERTIES if c in frame.columns])


def apply_review(events: gpd.GeoDataFrame, decisions: Sequence[Decision] | ReviewLog) -> ReviewedEvents:
    """Apply decisions, in the order written, to the events they still match.

    Every event gets the ``REVIEW_PROPERTIES`` columns (status ``unreviewed`` when no decision
    applies); corrected fields keep the machine's value in ``<column>_auto``. Rejected events
    stay in the frame with status ``rejected``: :func:`without_rejected` leaves them out.
    A decision whose event id is gone, whose fingerprint no longer matches, or (a
    confirmation) whose machine values changed is returned as an :class:`Orphan`.
    """
    log = decisions if isinstance(decisions, ReviewLog) else ReviewLog(tuple(decisions))
    frame = machine_events(events).copy()
    for column in REVIEW_PROPERTIES:
        frame[column] = None
    frame["review_status"] = "unreviewed"
    rows_by_id = {str(v): i for i, v in enumerate(frame["id"].tolist())}
    by_row: dict[int, list[Decision]] = {}
    orphans: list[Orphan] = []
    for decision in log.decisions:
        row = rows_by_id.get(decision.event_id)
        if row is None:
            orphans.append(Orphan(decision, f"no event {decision.event_id!r} in this data: the rules no longer find it"))
            continue
        by_row.setdefault(row, []).append(decision)
    applied = 0
    for row, group in by_row.items():
        machine = _row_mapping(frame, row)
        matching, lost = _matching(machine, group)
        orphans.extend(lost)
        if matching:
            _apply_event(frame, row, machine, matching)
            applied += len(matching)
    for column in ("geonameid_auto", "fatalities_auto"):
        frame[column] = pd.array(pd.to_numeric(frame[column], errors="coerce"), dtype="Int64")
    for column in ("geonameid", "fatalities"):
        frame[column] = pd.array(pd.to_numeric(frame[column], errors="coerce"), dtype="Int64")
    return ReviewedEvents(frame, tuple(orphans), applied, log.warnings)


def _row_mapping(frame: gpd.GeoDataFrame, row: int) -> dict[str, Any]:
    return {c: frame[c].iloc[row] for c in frame.columns}


def _matching(machine: Mapping[str, Any], group: list[Decision]) -> tuple[list[Decision], list[Orphan]]:
    """The decisions that still fit this event, and the orphans among them."""
    fingerprint = event_fingerprint(machine)
    snapshot = _snapshot(machine)
    kept: list[Decision] = []
    lost: list[Orphan] = []
    for decision in group:
        if decision.fingerprint != fingerprint:
            lost.append(Orphan(decision, "the event's sentence or place mention changed since the decision"))
        elif decision.field == "status" and decision.new == "confirmed" and isinstance(decision.old, dict) and any(
            _same(decision.old.get(c), snapshot[c]) is False for c in _SNAPSHOT_COLUMNS if c in decision.old
        ):
            lost.append(Orphan(decision, "the machine's place, date, type or fatalities changed since it was confirmed"))
        else:
            kept.append(decision)
    return kept, lost


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return str(a) == str(b)


def _apply_event(frame: gpd.GeoDataFrame, row: int, machine: Mapping[str, Any], group: list[Decision]) -> None:
    """Set one event's review columns and corrected values from its decisions (last wins)."""
    latest: dict[str, Decision] = {}
    for decision in group:
        latest[decision.field] = decision
    corrected = [name for name in _FIELD_COLUMNS if name in latest]
    for name in corrected:
        _set_field(frame, row, machine, name, latest[name].new)
    status = latest.get("status")
    if status is not None and status.new == "rejected":
        value = "rejected"
    elif corrected:
        value = "corrected"
    elif status is not None and status.new == "confirmed":
        value = "confirmed"
    else:
        value = "unreviewed"
    last = group[-1]
    _set(frame, row, "review_status", value)
    _set(frame, row, "reviewed_by", last.reviewer or None)
    _set(frame, row, "reviewed_at", last.time or None)
    _set(frame, row, "review_note", latest["note"].new if "note" in latest else None)
    _set(frame, row, "review_corrected", ";".join(corrected) or None)


def _set(frame: gpd.GeoDataFrame, row: int, column: str, value: Any) -> None:
    frame.iat[row, frame.columns.get_loc(column)] = value


def _set_field(frame: gpd.GeoDataFrame, row: int, machine: Mapping[str, Any], name: str, new: Any) -> None:
    """Put a corrected value in place, keeping the machine's in ``<column>_auto``."""
    for column in _FIELD_COLUMNS[name]:
        _set(frame, row, f"{column}_auto", _plain(machine.get(column)))
    if name == "place":
        geometry = machine.get(frame.geometry.name)
        if geometry is not None and not geometry.is_empty:
            _set(frame, row, "longitude_auto", float(geometry.x))  # shapely x is the longitude
            _set(frame, row, "latitude_auto", float(geometry.y))
        for column in _FIELD_COLUMNS["place"]:
            _set(frame, row, column, new.get(column))
        _set(frame, row, frame.geometry.name, Point(new["longitude"], new["latitude"]))  # (x=lon, y=lat)
    elif name == "date":
        for column in _FIELD_COLUMNS["date"]:
            _set(frame, row, column, new.get(column))
    else:
        _set(frame, row, name, new)


def without_rejected(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The events an analyst publishes: all but the rejected ones."""
    if "review_status" not in events.columns:
        return events
    return events[events["review_status"] != "rejected"].reset_index(drop=True)


# --------------------------------------------------------------------------- summary (pure)


@dataclass(frozen=True)
class ReviewSummary:
    """How far review has got, and what it implies for the events nobody looked at yet.

    ``precision`` is the share of reviewed events the machine had right (confirmed, neither
    corrected nor rejected), with a Wilson 95% interval: the precision to expect of the
    unreviewed rest *if* they resemble the reviewed ones (a queue that takes the least
    confident first makes it a pessimistic estimate).
    """

    events: int
    reviewed: int
    confirmed: int
    corrected: int
    rejected: int
    unreviewed: int
    orphans: int
    precision: float | None
    precision_low: float | None
    precision_high: float | None

    def lines(self) -> list[str]:
        """The summary as short lines for a terminal or a panel."""
        out = [
            f"{self.events} events: {self.reviewed} reviewed ({self.confirmed} confirmed, "
            f"{self.corrected} corrected, {self.rejected} rejected), {self.unreviewed} unreviewed",
        ]
        if self.precision is None:
            out.append("precision of the unreviewed rest: unknown until some events are reviewed")
        else:
            out.append(
                f"implied precision of the unreviewed rest: {self.precision:.0%} "
                f"(95% interval {self.precision_low:.0%}–{self.precision_high:.0%}, from {self.reviewed} reviewed)"
            )
        if self.orphans:
            out.append(f"{self.orphans} decision(s) orphaned: their events are no longer found")
        return out


def _wilson(successes: int, trials: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval: hand-written (five lines) rather than pulling in SciPy."""
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def review_summary(reviewed: ReviewedEvents) -> ReviewSummary:
    """Counts by review status and the precision they imply (see :class:`ReviewSummary`)."""
    statuses = reviewed.events["review_status"] if "review_status" in reviewed.events.columns else pd.Series([], dtype=str)
    counts = {s: int((statuses == s).sum()) for s in REVIEW_STATUSES}
    done = counts["confirmed"] + counts["corrected"] + counts["rejected"]
    precision = low = high = None
    if done:
        precision = counts["confirmed"] / done
        low, high = _wilson(counts["confirmed"], done)
    return ReviewSummary(
        events=len(reviewed.events), reviewed=done, confirmed=counts["confirmed"],
        corrected=counts["corrected"], rejected=counts["rejected"], unreviewed=counts["unreviewed"],
        orphans=len(reviewed.orphans), precision=precision, precision_low=low, precision_high=high,
    )  # fmt: skip


def apply_reviews_to(result: Any, review: str | Path | Iterable[Decision] | ReviewLog, *, include_rejected: bool) -> Any:
    """An ingest result (:class:`geo.corpus.ingest.IngestResult`) with a review applied: events
    reviewed (rejected ones left out unless ``include_rejected``), ``result.review`` set."""
    from dataclasses import replace

    if isinstance(review, (str, os.PathLike)):
        log = read_review(review)
    elif isinstance(review, ReviewLog):
        log = review
    else:
        log = ReviewLog(tuple(review))
    reviewed = apply_review(result.events, log)
    events = reviewed.events if include_rejected else without_rejected(reviewed.events)
    summary = dict(result.summary)
    summary["review"] = asdict(review_summary(reviewed))
    return replace(result, events=events, summary=summary, review=reviewed)
