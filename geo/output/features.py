"""GeoJSON Feature text of event rows: the writer's hot loop, compiled with the pipeline.

A run writes every event as one line of GeoJSON, so writing is the one part of a run's
output whose cost grows with the events (117,892 of them for 20,000 articles). It is done
here, in a module :mod:`geo.native` compiles, rather than in :mod:`geo.output.export`
(which also reads files and builds frames): a row of plain values (str, int, None, finite
float: the rows ingest builds) is written into :data:`FEATURE_TEMPLATE` value by value, each
as :data:`ENCODER` writes it; any other value sends its row through the encoder itself.

**Halves.** An event's ``event_group`` is decided over every event of the corpus, when all
batches are in; the rest of its Feature is known as soon as its article is read. So a batch
can be written as :func:`feature_halves`: each Feature's text before the group's value and
after it, made in the process that read the article (a ``--workers`` pool's worker, or a
worker of a Dask cluster on this machine, which hands its batches over as files); the run
then only puts each group between its halves (:func:`joined_features`). That keeps the
writing out of the run's last, one-process step. (The workers of a remote Dask cluster send
rows through Dask's comms, a third of the halves' bytes: over five pairs of 20,000-article
runs, halves sent that way cost the workers more, in writing and in sending, than they saved
the client: 38.1 against 37.3 s of CPU in all.)
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from typing import Final

from geo.output.frame import INT_COLUMNS, EventRows
from geo.schema import EVENT_PROPERTIES

__all__ = ["ENCODER", "FEATURE_TEMPLATE", "rows_features", "feature_halves", "joined_features"]

#: One encoder for every feature (``json.dumps`` with options builds a new one per call).
ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)

#: The string escaping :data:`ENCODER` uses (``ensure_ascii=False``): json's own, in C.
_json_string = json.encoder.encode_basestring

#: Where ``event_group`` sits among the properties (neither first nor last).
_GROUP_AT = EVENT_PROPERTIES.index("event_group")
_SLOTS = [_json_string(c).replace("%", "%%") + ": %s" for c in EVENT_PROPERTIES]
_GEOMETRY_SLOTS = '}, "geometry": {"type": "Point", "coordinates": [%s, %s]}}'
_OPENING = '{"type": "Feature", "properties": {'

#: A Feature's text with a slot for each property's JSON and the two coordinates: keys, order
#: and separators (``", "`` and ``": "``) as :data:`ENCODER` writes the feature's dicts.
FEATURE_TEMPLATE = _OPENING + ", ".join(_SLOTS) + _GEOMETRY_SLOTS
#: The same cut at the ``event_group`` slot: ``_HEAD % before + group + _TAIL % after``.
_HEAD = _OPENING + ", ".join(_SLOTS[:_GROUP_AT]) + ", " + _SLOTS[_GROUP_AT][:-2]
_TAIL = ", " + ", ".join(_SLOTS[_GROUP_AT + 1 :]) + _GEOMETRY_SLOTS

#: For each property, whether it is a whole-number column (JSON takes the int of its value).
_WHOLE: list[bool] = [c in INT_COLUMNS for c in EVENT_PROPERTIES]

class _NotPlain(Exception):
    """A value :func:`_json_number` leaves to the encoder."""


def _json_number(value: object, whole: bool) -> str:
    """An int or finite float property as :data:`ENCODER` writes it (``int.__repr__`` and
    ``float.__repr__``, as its C encoder calls them). Raises :class:`_NotPlain` for what
    :func:`plain_row_value` would change or refuse first: a float or text in a whole-number
    column, NaN, a bool, a numpy scalar."""
    kind = type(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float and not whole and math.isfinite(value):  # type: ignore[arg-type]
        return _float_text(value)  # type: ignore[arg-type]
    raise _NotPlain


#: ``float.__repr__`` of the floats written so far: a place's longitude and latitude and the
#: few confidence values repeat from event to event, and the shortest repr is worked out
#: digit by digit (47,000 floats: 12 ms; looked up: 3 ms).
_FLOAT_TEXTS: Final[dict[float, str]] = {}
#: Floats kept before the table starts again.
_FLOAT_TEXTS_KEPT: Final = 100_000


def _float_text(value: float) -> str:
    """``float.__repr__(value)`` for a finite float. 0.0 and -0.0 are equal keys with two
    texts, so zero is never kept; other equal floats are the same number."""
    if value == 0.0:
        return float.__repr__(value)
    text = _FLOAT_TEXTS.get(value)
    if text is None:
        if len(_FLOAT_TEXTS) >= _FLOAT_TEXTS_KEPT:
            _FLOAT_TEXTS.clear()
        text = _FLOAT_TEXTS[value] = float.__repr__(value)
    return text


def plain_row_value(value: object, whole: bool) -> object:
    """A row's value as a frame's writer gives it (whole: an Int64 column's): numpy scalars as
    Python's, NaN and infinities as missing."""
    if value is None:
        return None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()  # type: ignore[union-attr]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return int(value) if whole else value  # type: ignore[call-overload]


def encoded_feature(row: Sequence[object], x: float, y: float) -> str:
    """One row's Feature built as dicts and encoded: the general form of :func:`rows_features`."""
    properties = {c: plain_row_value(v, w) for c, v, w in zip(EVENT_PROPERTIES, row, _WHOLE)}
    # RFC 7946 positions are [longitude, latitude]: the rows keep (lon, lat).
    geometry = {"type": "Point", "coordinates": [round(float(x), 6), round(float(y), 6)]}
    return ENCODER.encode({"type": "Feature", "properties": properties, "geometry": geometry})


def _plain_json(value: object, whole: bool) -> str:
    """A plain property value (str, None, int, finite float) as :data:`ENCODER` writes it;
    :class:`_NotPlain` for any other (see :func:`_json_number`)."""
    if type(value) is str and not whole:
        return _json_string(value)
    if value is None:
        return "null"
    return _json_number(value, whole)


def _value_texts(row: Sequence[object], x: float, y: float) -> list[str]:
    """The JSON text of each property of ``row`` and of its two coordinates, as
    :func:`encoded_feature` writes them into its Feature (or the error it raises)."""
    lon, lat = round(float(x), 6), round(float(y), 6)
    try:
        texts = [_plain_json(v, w) for v, w in zip(row, _WHOLE)]
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise _NotPlain
    except _NotPlain:
        # As encoded_feature: every value made plain first (its errors first), then encoded in
        # order; the encoder writes a value alone as it writes it inside a dict or list.
        values = [plain_row_value(v, w) for v, w in zip(row, _WHOLE)]
        return [ENCODER.encode(v) for v in values] + [ENCODER.encode(lon), ENCODER.encode(lat)]
    texts.append(_float_text(lon))  # a place's point repeats from event to event
    texts.append(_float_text(lat))
    return texts


def rows_features(events: EventRows) -> Iterator[str]:
    """Each event of :class:`~geo.output.frame.EventRows` as one GeoJSON Feature: the same
    text :func:`geo.output.export.geojson_features` gives for the events' frame, without
    building one. Measured on the 494 events of the dev-set articles: 5.7 ms where building
    each feature's dicts and encoding them takes 9.6 ms (as Python; compiled, less)."""
    template = FEATURE_TEMPLATE
    for row, (x, y) in zip(events.rows, events.points):
        yield template % tuple(_value_texts(row, x, y))


def feature_halves(events: EventRows) -> tuple[list[str], list[str]]:
    """Each event's Feature text up to its ``event_group`` value and after it (see the module's
    "Halves"): ``head + group + tail`` is :func:`rows_features`' text for the row holding
    that group, once its JSON (:func:`joined_features`) is put between them."""
    heads: list[str] = []
    tails: list[str] = []
    g = _GROUP_AT
    for row, (x, y) in zip(events.rows, events.points):
        texts = _value_texts(row, x, y)
        heads.append(_HEAD % tuple(texts[:g]))
        tails.append(_TAIL % tuple(texts[g + 1 :]))
    return heads, tails


def joined_features(heads: Sequence[str], tails: Sequence[str], groups: Sequence[object]) -> Iterator[str]:
    """The Features of :func:`feature_halves` with each event's ``event_group`` between its
    halves, written as :func:`rows_features` writes that property."""
    for head, tail, group in zip(heads, tails, groups):
        yield head + _group_json(group) + tail


def _group_json(group: object) -> str:
    """An ``event_group`` value as :func:`_value_texts` writes it (it is not a whole-number column)."""
    try:
        return _plain_json(group, False)
    except _NotPlain:
        return ENCODER.encode(plain_row_value(group, False))
