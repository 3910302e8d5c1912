"""One exception tree for Datelines.

Each class also subclasses the builtin a caller would naturally catch (geopy's habit:
``GeocoderTimedOut(GeocoderServiceError, TimeoutError)``), so ``except ValueError`` still works.
Messages say what was wrong, quote the value, and say what to do next.
"""

from __future__ import annotations

__all__ = [
    "DatelinesError",
    "CorpusError",
    "ArticleError",
    "ManifestError",
    "GazetteerError",
    "ClusterUnavailable",
    "GeocoderError",
    "GeocoderUnavailable",
    "GeocoderTimedOut",
    "GeocoderRateLimited",
]


class DatelinesError(Exception):
    """Base class of every error Datelines raises on purpose."""


class CorpusError(DatelinesError, ValueError):
    """The corpus as a whole cannot be read (missing folder, nothing readable in it)."""


class ArticleError(DatelinesError, ValueError):
    """One article cannot be read; the rest of the corpus goes on."""


class ManifestError(DatelinesError, ValueError):
    """A manifest (articles.csv / articles.jsonl) or one of its rows is malformed."""


class GazetteerError(DatelinesError, RuntimeError):
    """The offline gazetteer cannot be built or loaded."""


class ClusterUnavailable(DatelinesError, ConnectionError):
    """The Dask scheduler a run was pointed at cannot be reached."""


class GeocoderError(DatelinesError, RuntimeError):
    """An online geocoder failed; callers fall back to the offline gazetteer."""


class GeocoderUnavailable(GeocoderError, ConnectionError):
    """The service could not be reached or answered with a server error."""


class GeocoderTimedOut(GeocoderError, TimeoutError):
    """The service did not answer in time."""


class GeocoderRateLimited(GeocoderError):
    """The service answered 429; ``retry_after`` holds its Retry-After in seconds, if any."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
