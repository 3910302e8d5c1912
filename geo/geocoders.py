"""Online geocoding, opt-in: ask a web service where a place is, politely, and remember the answer.

The offline gazetteer stays the source of places. When the user turns online geocoding on, the
resolver asks :func:`confirm_candidate` which of its gazetteer candidates the service agrees
with; the answer can only ever pick one of those candidates, and any failure of the service
leaves the offline choice standing.

Layers, from the wire out:

* ``_JsonOnlyAdapter``: geopy's requests adapter without urllib3's hidden retries, refusing an
  answer that is not ``application/json``.
* one geopy ``Geocoder`` per service (``_SERVICES``; Nominatim for now), built by
  :func:`make_geocoder` with the user's own user agent.
* :class:`OnlineGeocoder`: a persistent SQLite cache around geopy's ``RateLimiter`` (spacing,
  bounded retries of transient failures, Retry-After), with the clock and sleep passed in.
"""

from __future__ import annotations

import functools
import json
import logging
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import geopy.exc
import urllib3
import geopy.geocoders
from geopy.adapters import AdapterHTTPError, RequestsAdapter
from geopy.distance import geodesic
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geo.errors import GeocoderError, GeocoderRateLimited, GeocoderTimedOut, GeocoderUnavailable

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


@dataclass(frozen=True, slots=True)
class GeocodeResult:
    """Where an online service puts a place name, with the service's own answer kept as is."""

    query: str
    latitude: float
    longitude: float
    address: str
    provider: str
    raw: Mapping[str, Any] = field(hash=False, repr=False)


class Candidate(Protocol):
    """A gazetteer entry the offline resolver is choosing between."""

    geonameid: int
    name: str
    latitude: float
    longitude: float
    country: str


# ---------------------------------------------------------------------------------------------
# The wire


#: The most an answer may hold: Nominatim's answers are a few kilobytes.
MAX_ANSWER_BYTES = 1 << 20
_MAX_REDIRECTS = 3


class _Refused(geopy.exc.GeocoderServiceError):
    """An answer we will not read (too big, or a redirect to another host): not retried."""


class _JsonOnlyAdapter(RequestsAdapter):
    """geopy's requests adapter that retries nothing itself and accepts only JSON answers.

    urllib3 would otherwise retry resets and time-outs on its own, unspaced and uncounted; every
    retry belongs to the rate limiter outside. A captive portal's or proxy's HTML page is a
    failed call, not a parse of whatever happens to be in it. A hostile server is held to
    bounds: at most :data:`MAX_ANSWER_BYTES` read, ``timeout`` for the whole answer (not per
    read: one byte every few seconds would last for ever), redirects followed only on the
    same host, JSON too deeply nested refused.
    """

    def __init__(self, *, proxies: Mapping[str, str] | None, ssl_context: Any) -> None:
        super().__init__(proxies=proxies, ssl_context=ssl_context, max_retries=0)
        # geopy's _request calls session.get(url, timeout=, headers=): stream the body so its
        # size and time can be bounded, and decide on redirects here.
        self.session.get = functools.partial(_streamed_get, self.session.get)

    def get_json(self, url: str, *, timeout: float, headers: Mapping[str, str]) -> Any:
        deadline = time.monotonic() + timeout
        for _ in range(_MAX_REDIRECTS + 1):
            response = self._request(url, timeout=timeout, headers=headers)
            if not response.is_redirect:
                break
            url = self._same_host_redirect(url, response)
        else:
            raise _Refused(f"more than {_MAX_REDIRECTS} redirects: not followed")
        with response:
            content_type = response.headers.get("Content-Type", "")
            body = _bounded_body(response, deadline, timeout)
        if "json" not in content_type.lower():
            raise geopy.exc.GeocoderParseError(
                f"expected a JSON answer, got Content-Type {content_type!r}: {body[:120]!r}"
            )
        try:
            return json.loads(body)
        except ValueError as err:
            raise geopy.exc.GeocoderParseError(
                f"the answer is not valid JSON ({err}): {body[:120]!r}"
            ) from err
        except RecursionError as err:
            raise geopy.exc.GeocoderParseError("the answer is JSON nested too deep to read") from err

    @staticmethod
    def _same_host_redirect(url: str, response: Any) -> str:
        location = urljoin(url, response.headers.get("Location", ""))
        response.close()
        if urlsplit(location).netloc.lower() != urlsplit(url).netloc.lower():
            raise _Refused(f"the service redirected us to another host ({location!r}): not followed")
        return location


def _streamed_get(get: Callable[..., Any], url: str, **kwargs: Any) -> Any:
    """``session.get`` streaming the body, without following redirects. An error answer's body
    (which geopy reads whole for its message) is cut to its first 4 kB first."""
    response = get(url, stream=True, allow_redirects=False, **kwargs)
    if response.status_code >= 400:
        try:
            # requests' own fields: what .text reads from once the body is consumed
            response._content = response.raw.read(4096, decode_content=True)
        except Exception:  # noqa: BLE001 - a broken error body is just an empty message
            response._content = b""
        response._content_consumed = True
        response.close()
    return response


def _bounded_body(response: Any, deadline: float, timeout: float) -> bytes:
    """The answer's bytes, refusing more than MAX_ANSWER_BYTES or past the deadline."""
    limit = MAX_ANSWER_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _Refused(f"the answer is {int(declared) / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit: not read")
    chunks: list[bytes] = []
    size = 0
    try:
        # read1: whatever has arrived (requests' iter_content waits for a full chunk, which a
        # server sending a byte at a time never completes); each wait is at most ``timeout``.
        while chunk := response.raw.read1(65536, decode_content=True):
            size += len(chunk)
            if size > limit:
                raise _Refused(f"the answer is over the {limit / 1e6:.0f} MB limit: not read")
            if time.monotonic() > deadline:
                raise geopy.exc.GeocoderTimedOut(f"the answer took longer than {timeout:g} s in all")
            chunks.append(chunk)
    except urllib3.exceptions.ReadTimeoutError as err:
        raise geopy.exc.GeocoderTimedOut(f"the answer took longer than {timeout:g} s") from err
    except (urllib3.exceptions.HTTPError, OSError) as err:
        raise geopy.exc.GeocoderUnavailable(f"the answer broke off: {err}") from err
    return b"".join(chunks)


# ---------------------------------------------------------------------------------------------
# Errors: geopy's into ours


class _RetryableRateLimited(GeocoderRateLimited):
    """A 429 whose Retry-After is short enough to wait out; never leaves this module."""


def _http_status(err: BaseException) -> int | None:
    cause = err.__cause__
    return cause.status_code if isinstance(cause, AdapterHTTPError) else None


def _translate(
    err: geopy.exc.GeopyError, *, where: str, timeout: float, max_wait_seconds: float
) -> GeocoderError:
    """Our exception for one failed call to the service (geopy's stays as its ``__cause__``)."""
    status = _http_status(err)
    if isinstance(err, geopy.exc.GeocoderRateLimited) or status == 429:
        retry_after = getattr(err, "retry_after", None)
        if retry_after is not None and retry_after > max_wait_seconds:
            return GeocoderRateLimited(
                f"{where} is rate limiting us and asks to wait {retry_after:g} s, longer than "
                f"max_wait_seconds={max_wait_seconds:g}; try again later",
                retry_after=retry_after,
            )
        return _RetryableRateLimited(
            f"{where} is rate limiting us (429, Retry-After: {retry_after})",
            retry_after=retry_after,
        )
    if isinstance(err, geopy.exc.GeocoderParseError):
        return GeocoderError(f"{where} sent an answer that cannot be read: {err}")
    if status in (408, 504) or (status is None and isinstance(err, geopy.exc.GeocoderTimedOut)):
        return GeocoderTimedOut(f"{where} did not answer within {timeout:g} s: {err}")
    # geopy raises its bare base class for transport failures it cannot name (a reset
    # mid-answer, an unreadable body): those are transient too.
    transport_failure = status is None and (
        isinstance(err, geopy.exc.GeocoderUnavailable)
        or type(err) is geopy.exc.GeocoderServiceError
    )
    if transport_failure or (status is not None and status >= 500):
        return GeocoderUnavailable(f"{where} is unavailable: {err}")
    if status in (401, 403, 407):
        return GeocoderError(
            f"{where} refused us (HTTP {status}): {err}; check that --user-agent names you and "
            f"that you follow the service's usage policy"
        )
    return GeocoderError(f"{where} failed: {err}")


# ---------------------------------------------------------------------------------------------
# Rate limiting and retries, from outside the call


class _PoliteRateLimiter(RateLimiter):
    """geopy's RateLimiter with the clock and sleep passed in, retrying only transient failures.

    Retried: the service unavailable (5xx, resets, refused connections), time-outs, and 429s,
    after waiting at least the answer's Retry-After. Not retried: answers that cannot be read and
    refusals (4xx), which would only fail again.
    """

    # geopy's seams: RateLimiter reads the class attribute and calls _clock/_sleep (its own
    # tests replace them the same way).
    _retry_exceptions = (GeocoderUnavailable, GeocoderTimedOut, _RetryableRateLimited)

    def __init__(
        self,
        ask: Callable[..., Location | None],
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        min_delay_seconds: float,
        max_retries: int,
        error_wait_seconds: float,
    ) -> None:
        super().__init__(
            self._ask_noting_retry_after,
            min_delay_seconds=min_delay_seconds,
            max_retries=max_retries,
            error_wait_seconds=error_wait_seconds,
            swallow_exceptions=False,
        )
        self._ask = ask
        self._clock_seam = clock
        self._sleep_seam = sleep
        self._owed_wait = 0.0  # a 429's Retry-After, paid in the wait before the retry

    def _ask_noting_retry_after(self, *args: Any, **kwargs: Any) -> Location | None:
        try:
            return self._ask(*args, **kwargs)
        except _RetryableRateLimited as err:
            self._owed_wait = float(err.retry_after or 0.0)
            raise

    def _clock(self) -> float:
        return self._clock_seam()

    def _sleep(self, seconds: float) -> None:
        seconds, self._owed_wait = max(seconds, self._owed_wait), 0.0
        logger.debug("waiting %.3g s before the next request", seconds)
        self._sleep_seam(seconds)


# ---------------------------------------------------------------------------------------------
# The cache


def _normalise_query(query: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", query).split()).casefold()


def _normalise_country_codes(country_codes: Sequence[str]) -> tuple[str, ...]:
    if isinstance(country_codes, str):  # one code, not a sequence of letters
        country_codes = (country_codes,)
    codes = []
    for code in country_codes:
        if not (isinstance(code, str) and len(code.strip()) == 2 and code.strip().isalpha()):
            raise ValueError(
                f"country codes should be ISO 3166-1 alpha-2 like 'sy', got {code!r} instead"
            )
        codes.append(code.strip().lower())
    return tuple(sorted(set(codes)))


@dataclass(frozen=True, slots=True)
class _CachedAnswer:
    result: GeocodeResult | None  # None: the service said there is no such place


class _AnswerCache:
    """Answers by (provider, normalised query, country codes), committed one by one.

    WAL and a commit per answer: a process killed mid-run keeps every answer it got.
    ``path=None`` keeps answers for this process only.
    """

    _SCHEMA = """
        CREATE TABLE IF NOT EXISTS answers (
            provider TEXT NOT NULL,
            query TEXT NOT NULL,
            country_codes TEXT NOT NULL,
            found INTEGER NOT NULL,
            latitude REAL,
            longitude REAL,
            address TEXT,
            raw TEXT,
            answered_at TEXT NOT NULL,
            PRIMARY KEY (provider, query, country_codes)
        )
    """

    def __init__(self, path: Path | None) -> None:
        self._lock = threading.Lock()
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                ":memory:" if path is None else path, check_same_thread=False
            )
            if path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")  # durable against a killed process
            self._db.execute(self._SCHEMA)
            self._db.commit()
        except (OSError, sqlite3.Error) as err:
            raise GeocoderError(
                f"cannot open the geocoder cache {str(path)!r}: {err}; "
                f"delete it or pass another --geocoder-cache"
            ) from err

    def get(self, provider: str, query: str, country_codes: str) -> _CachedAnswer | None:
        with self._lock:
            row = self._db.execute(
                "SELECT found, latitude, longitude, address, raw FROM answers"
                " WHERE provider = ? AND query = ? AND country_codes = ?",
                (provider, _normalise_query(query), country_codes),
            ).fetchone()
        if row is None:
            return None
        found, latitude, longitude, address, raw = row
        if not found:
            return _CachedAnswer(None)
        return _CachedAnswer(
            GeocodeResult(
                query=query,
                latitude=latitude,
                longitude=longitude,
                address=address,
                provider=provider,
                raw=MappingProxyType(json.loads(raw)),
            )
        )

    def put(self, query: str, country_codes: str, answer: _CachedAnswer, *, provider: str) -> None:
        result = answer.result
        row = (
            provider,
            _normalise_query(query),
            country_codes,
            result is not None,
            None if result is None else result.latitude,
            None if result is None else result.longitude,
            None if result is None else result.address,
            None if result is None else json.dumps(dict(result.raw), ensure_ascii=False),
            datetime.now(timezone.utc).isoformat(timespec="seconds"),
        )
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row
            )
            self._db.commit()

    def close(self) -> None:
        with self._lock:
            self._db.close()


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
        self._cache = _AnswerCache(cache_path)
        self._limited_ask = _PoliteRateLimiter(
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
        codes = ",".join(_normalise_country_codes(country_codes))
        cached = self._cache.get(self.provider, query, codes)
        if cached is not None:
            logger.debug("%s: %r from the cache", self.provider, query)
            return cached.result
        try:
            location = self._limited_ask(query, codes)
        except _RetryableRateLimited as err:
            raise GeocoderRateLimited(
                f"{err}; gave up after {self.max_retries + 1} tries",
                retry_after=err.retry_after,
            ) from err
        except (GeocoderUnavailable, GeocoderTimedOut) as err:
            raise type(err)(f"{err}; gave up after {self.max_retries + 1} tries") from err
        result = None if location is None else self._result(query, location)
        self._cache.put(query, codes, _CachedAnswer(result), provider=self.provider)
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
            raise _translate(
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
    options.setdefault("adapter_factory", _JsonOnlyAdapter)
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
