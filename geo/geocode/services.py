"""Online geocoding, opt-in: ask a web service where a place is, politely, and remember the answer.

The offline gazetteer stays the source of places. When the user turns online geocoding on, the
resolver asks :func:`confirm_candidate` which of its gazetteer candidates the service agrees
with; the answer can only ever pick one of those candidates, and any failure of the service
leaves the offline choice standing.

Layers, from the wire out:

* ``JsonOnlyAdapter``: geopy's requests adapter without urllib3's hidden retries, refusing an
  answer that is not ``application/json``.
* one geopy ``Geocoder`` per service (``_SERVICES``; Nominatim for now), built by
  :func:`make_geocoder` with the user's own user agent.
* :class:`OnlineGeocoder`: a persistent SQLite cache around geopy's ``RateLimiter`` (spacing,
  bounded retries of transient failures, Retry-After), with the clock and sleep passed in.

Files: the wire, geopy's errors turned into ours and the rate limiter in
:mod:`geo.geocode.wire`; the answer cache in :mod:`geo.geocode.cache`; the geocoder, the
services and :func:`confirm_candidate` here.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any, Protocol

import geopy.exc
import urllib3
import geopy.geocoders
from geopy.distance import geodesic
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geo.errors import GeocoderError, GeocoderRateLimited, GeocoderTimedOut, GeocoderUnavailable
from geo.geocode.cache import AnswerCache, CachedAnswer, GeocodeResult, normalise_country_codes
from geo.geocode.wire import JsonOnlyAdapter, PoliteRateLimiter, RetryableRateLimited, translate

__all__ = [
    "GeocodeResult",
    "OnlineGeocoder",
    "Candidate",
    "make_geocoder",
    "confirm_candidate",
]

logger = logging.getLogger(__name__)

_PUBLIC_NOMINATIM = "nominatim.openstreetmap.org"
_NOMINATIM_POLICY = "https://operations.osmfoundation.org/policies/nominatim/"


class Candidate(Protocol):
    """A gazetteer entry the offline resolver is choosing between."""

    geonameid: int
    name: str
    latitude: float
    longitude: float
    country: str


# ---------------------------------------------------------------------------------------------
# The geocoder


class OnlineGeocoder:
    """A geopy geocoder behind a persistent cache and a polite rate limiter.

    Parameters
    ----------
    geocoder
        The geopy geocoder of one service (see :func:`make_geocoder`).
    cache_path
        SQLite file of past answers, shared between runs; None keeps them for this process only.
    provider
        Name of the service; keys the cache and is recorded on every result.
    min_delay_seconds
        Least time between two requests (Nominatim's public server allows one a second).
    max_retries
        Retries of a transient failure (5xx, reset, time-out, 429) before giving up.
    error_wait_seconds
        Wait before a retry; a 429's Retry-After makes it longer.
    max_wait_seconds
        Give up at once, rather than sleep, when a 429 asks to wait longer than this.
    timeout
        Seconds to wait for one answer.
    sleep, clock
        Seams for tests: what waits, and a monotonic clock in seconds.
    """

    def __init__(
        self,
        geocoder: Geocoder,
        *,
        cache_path: Path | None,
        provider: str,
        min_delay_seconds: float = 1.0,
        max_retries: int = 2,
        error_wait_seconds: float = 5.0,
        max_wait_seconds: float = 120.0,
        timeout: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not min_delay_seconds >= 0:
            raise ValueError(f"'min_delay_seconds' should be >= 0, got {min_delay_seconds!r}")
        if not (isinstance(max_retries, int) and max_retries >= 0):
            raise ValueError(f"'max_retries' should be an int >= 0, got {max_retries!r}")
        if not error_wait_seconds >= min_delay_seconds:
            raise ValueError(
                f"'error_wait_seconds' should be >= min_delay_seconds={min_delay_seconds!r}, "
                f"got {error_wait_seconds!r}"
            )
        if not timeout > 0:
            raise ValueError(f"'timeout' should be > 0 seconds, got {timeout!r}")
        self.provider = provider
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_wait_seconds = max_wait_seconds
        self._geocoder = geocoder
        self._cache = AnswerCache(cache_path)
        self._limited_ask = PoliteRateLimiter(
            self._ask,
            clock=clock,
            sleep=sleep,
            min_delay_seconds=min_delay_seconds,
            max_retries=max_retries,
            error_wait_seconds=error_wait_seconds,
        )

    def geocode(self, query: str, *, country_codes: Sequence[str] = ()) -> GeocodeResult | None:
        """Where the service puts ``query``; None when it says there is no such place.

        Answers, "no such place" included, come from the cache when it has them; each new one is
        committed as it arrives. Raises a :class:`~geo.errors.GeocoderError` subclass when the
        service failed (after retrying transient failures).
        """
        if not (isinstance(query, str) and query.strip()):
            raise ValueError(f"'query' should be a place name, got {query!r} instead")
        query = query.strip()
        codes = ",".join(normalise_country_codes(country_codes))
        cached = self._cache.get(self.provider, query, codes)
        if cached is not None:
            logger.debug("%s: %r from the cache", self.provider, query)
            return cached.result
        try:
            location = self._limited_ask(query, codes)
        except RetryableRateLimited as err:
            raise GeocoderRateLimited(
                f"{err}; gave up after {self.max_retries + 1} tries",
                retry_after=err.retry_after,
            ) from err
        except (GeocoderUnavailable, GeocoderTimedOut) as err:
            raise type(err)(f"{err}; gave up after {self.max_retries + 1} tries") from err
        result = None if location is None else self._result(query, location)
        self._cache.put(query, codes, CachedAnswer(result), provider=self.provider)
        return result

    def close(self) -> None:
        """Close the cache and the HTTP session."""
        self._cache.close()
        self._geocoder.__exit__(None, None, None)  # geopy's Geocoder closes its adapter here

    def __enter__(self) -> OnlineGeocoder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _ask(self, query: str, codes: str) -> Location | None:
        """One request to the service; failures come out as geo.errors classes."""
        where = f"{self.provider} (asked for {query!r})"
        options: dict[str, Any] = {"country_codes": codes.split(",")} if codes else {}
        try:
            return self._geocoder.geocode(query, exactly_one=True, timeout=self.timeout, **options)
        except geopy.exc.GeopyError as err:
            raise translate(
                err, where=where, timeout=self.timeout, max_wait_seconds=self.max_wait_seconds
            ) from err
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as err:
            # JSON of the wrong shape (a dict, a place without lat/lon) breaks geopy's parser.
            raise GeocoderError(f"{where} sent an answer of an unexpected shape: {err!r}") from err

    def _result(self, query: str, location: Location) -> GeocodeResult:
        # geopy's Point has already refused NaN and out-of-range coordinates.
        return GeocodeResult(
            query=query,
            latitude=location.latitude,
            longitude=location.longitude,
            address=location.address or "",
            provider=self.provider,
            raw=MappingProxyType(dict(location.raw)),
        )


# ---------------------------------------------------------------------------------------------
# One adapter per service


class _Nominatim(geopy.geocoders.Nominatim):
    """Nominatim that refuses a place without usable coordinates.

    geopy would make a place without ``lat``/``lon`` a Location at (0, 0): an invented place.
    """

    def _parse_code(self, place: Mapping[str, Any]) -> Location:
        latitude, longitude = place.get("lat"), place.get("lon")
        try:
            usable = -90 <= float(latitude) <= 90 and -180 <= float(longitude) <= 180
        except (TypeError, ValueError):
            usable = False
        if not usable:  # also NaN, which compares false
            raise geopy.exc.GeocoderParseError(
                f"expected a place with (lat, lon), got ({latitude!r}, {longitude!r}) "
                f"for {str(place.get('display_name'))[:120]!r}"
            )
        if not isinstance(place.get("display_name", ""), str):  # it becomes the address
            raise geopy.exc.GeocoderParseError(
                f"expected a text display_name, got {type(place.get('display_name')).__name__}"
            )
        return super()._parse_code(place)


def _nominatim(
    *, user_agent: str, domain: str | None, scheme: str, timeout: float, **options: Any
) -> Geocoder:
    return _Nominatim(
        user_agent=user_agent,
        domain=domain or _PUBLIC_NOMINATIM,
        scheme=scheme,
        timeout=timeout,
        **options,
    )


_SERVICES: dict[str, Callable[..., Geocoder]] = {"nominatim": _nominatim}

_WRAPPER_OPTIONS = (
    "min_delay_seconds",
    "max_retries",
    "error_wait_seconds",
    "max_wait_seconds",
    "timeout",
    "sleep",
    "clock",
)


def _check_user_agent(user_agent: str | None, provider: str) -> str:
    if (
        not isinstance(user_agent, str)
        or not user_agent.strip()
        or user_agent.strip().lower().startswith("geopy/")
    ):
        raise GeocoderError(
            f"online geocoding with {provider} needs a user agent that names your application "
            f"and how to reach you ({_NOMINATIM_POLICY}), got {user_agent!r}; pass "
            f"--user-agent 'datelines-yourname/0.1 (you@example.org)'"
        )
    return user_agent.strip()


def make_geocoder(
    provider: str = "nominatim",
    *,
    user_agent: str | None = None,
    domain: str | None = None,
    scheme: str = "https",
    cache_path: Path | None = None,
    **options: Any,
) -> OnlineGeocoder:
    """An :class:`OnlineGeocoder` for one service, with the user's own user agent.

    Parameters
    ----------
    provider
        Which service: one of ``_SERVICES`` ("nominatim").
    user_agent
        Required: names your application and how to reach you (Nominatim's usage policy).
    domain, scheme
        Another server than the public one, e.g. a self-hosted Nominatim at ``"127.0.0.1:8080"``
        with ``scheme="http"``.
    cache_path
        SQLite file of past answers (see :class:`OnlineGeocoder`).
    **options
        :class:`OnlineGeocoder` options (``min_delay_seconds``, ``max_retries``, ``timeout``,
        ...); the rest go to the geopy geocoder (``proxies``, ``ssl_context``, ...).
    """
    if provider not in _SERVICES:
        raise GeocoderError(
            f"'provider' should be one of {sorted(_SERVICES)}, got {provider!r} instead"
        )
    user_agent = _check_user_agent(user_agent, provider)
    wrapper_options = {name: options.pop(name) for name in _WRAPPER_OPTIONS if name in options}
    if (
        provider == "nominatim"
        and domain in (None, _PUBLIC_NOMINATIM)
        and wrapper_options.get("min_delay_seconds", 1.0) < 1.0
    ):
        raise GeocoderError(
            f"the public Nominatim server allows at most one request a second "
            f"({_NOMINATIM_POLICY}), got "
            f"min_delay_seconds={wrapper_options['min_delay_seconds']!r}; use 1.0 or more"
        )
    options.setdefault("adapter_factory", JsonOnlyAdapter)
    try:
        service = _SERVICES[provider](
            user_agent=user_agent,
            domain=domain,
            scheme=scheme,
            timeout=wrapper_options.get("timeout", 10.0),
            **options,
        )
    except geopy.exc.ConfigurationError as err:
        raise GeocoderError(f"cannot set up {provider}: {err}") from err
    # A self-hosted server answers differently from the public one: keep their answers apart.
    name = provider if domain in (None, _PUBLIC_NOMINATIM) else f"{provider}@{domain}"
    return OnlineGeocoder(service, cache_path=cache_path, provider=name, **wrapper_options)


# ---------------------------------------------------------------------------------------------
# What the offline resolver calls


def confirm_candidate(
    name: str,
    candidates: Sequence[Candidate],
    *,
    geocoder: OnlineGeocoder,
    country_codes: Sequence[str] = (),
    max_km: float = 50.0,
) -> tuple[int | None, str]:
    """Which gazetteer candidate the online service agrees with, and why.

    Asks the service where ``name`` is and returns the index of the candidate nearest its answer
    if that is within ``max_km`` (geodesic), else None with the reason ("no answer",
    "service failed: ...", "answer 812 km from every candidate"). Never raises for a failure of
    the service: the caller keeps its offline choice. Never invents a place: the index is always
    one of ``candidates``.
    """
    if not max_km > 0:
        raise ValueError(f"'max_km' should be > 0, got {max_km!r}")
    if not candidates:
        return None, "no candidates to confirm"
    try:
        answer = geocoder.geocode(name, country_codes=country_codes)
    except GeocoderError as err:
        return None, f"service failed: {err}"
    except (sqlite3.Error, OSError, RecursionError) as err:  # the cache, or an answer it cannot hold
        return None, f"service failed: {type(err).__name__}: {err}"
    if answer is None:
        return None, "no answer"
    distances = [
        geodesic((answer.latitude, answer.longitude), (place.latitude, place.longitude)).km
        for place in candidates
    ]
    nearest = min(range(len(candidates)), key=distances.__getitem__)
    if distances[nearest] > max_km:
        return None, f"answer {distances[nearest]:.0f} km from every candidate"
    place = candidates[nearest]
    return nearest, (
        f"answer {distances[nearest]:.1f} km from {place.name} "
        f"({place.country}, geonameid {place.geonameid})"
    )
