"""Online geocoding, the wire and the rate limits (see :mod:`geo.geocode.services`): geopy's requests
adapter without hidden retries and refusing what is not JSON or too big; geopy's errors turned
into ours; a rate limiter that spaces calls, retries transient failures a bounded number of
times and honours Retry-After."""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import geopy.exc
import urllib3
import geopy.geocoders
from geopy.adapters import AdapterHTTPError, RequestsAdapter
from geopy.extra.rate_limiter import RateLimiter
from geopy.location import Location

from geo.errors import GeocoderError, GeocoderRateLimited, GeocoderTimedOut, GeocoderUnavailable

__all__ = [
    "MAX_ANSWER_BYTES",
    "JsonOnlyAdapter",
    "PoliteRateLimiter",
    "Refused",
    "RetryableRateLimited",
    "translate",
]

logger = logging.getLogger("geo.geocode.services")


# ---------------------------------------------------------------------------------------------
# The wire


#: The most an answer may hold: Nominatim's answers are a few kilobytes.
MAX_ANSWER_BYTES = 1 << 20
MAX_REDIRECTS = 3


class Refused(geopy.exc.GeocoderServiceError):
    """An answer we will not read (too big, or a redirect to another host): not retried."""


class JsonOnlyAdapter(RequestsAdapter):
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
        self.session.get = functools.partial(streamed_get, self.session.get)

    def get_json(self, url: str, *, timeout: float, headers: Mapping[str, str]) -> Any:
        deadline = time.monotonic() + timeout
        for _ in range(MAX_REDIRECTS + 1):
            response = self._request(url, timeout=timeout, headers=headers)
            if not response.is_redirect:
                break
            url = self._same_host_redirect(url, response)
        else:
            raise Refused(f"more than {MAX_REDIRECTS} redirects: not followed")
        with response:
            content_type = response.headers.get("Content-Type", "")
            body = bounded_body(response, deadline, timeout)
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
            raise Refused(f"the service redirected us to another host ({location!r}): not followed")
        return location


def streamed_get(get: Callable[..., Any], url: str, **kwargs: Any) -> Any:
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


def bounded_body(response: Any, deadline: float, timeout: float) -> bytes:
    """The answer's bytes, refusing more than MAX_ANSWER_BYTES or past the deadline."""
    limit = MAX_ANSWER_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Refused(f"the answer is {int(declared) / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit: not read")
    chunks: list[bytes] = []
    size = 0
    try:
        # read1: whatever has arrived (requests' iter_content waits for a full chunk, which a
        # server sending a byte at a time never completes); each wait is at most ``timeout``.
        while chunk := response.raw.read1(65536, decode_content=True):
            size += len(chunk)
            if size > limit:
                raise Refused(f"the answer is over the {limit / 1e6:.0f} MB limit: not read")
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


class RetryableRateLimited(GeocoderRateLimited):
    """A 429 whose Retry-After is short enough to wait out; never leaves this module."""


def http_status(err: BaseException) -> int | None:
    cause = err.__cause__
    return cause.status_code if isinstance(cause, AdapterHTTPError) else None


def translate(
    err: geopy.exc.GeopyError, *, where: str, timeout: float, max_wait_seconds: float
) -> GeocoderError:
    """Our exception for one failed call to the service (geopy's stays as its ``__cause__``)."""
    status = http_status(err)
    if isinstance(err, geopy.exc.GeocoderRateLimited) or status == 429:
        retry_after = getattr(err, "retry_after", None)
        if retry_after is not None and retry_after > max_wait_seconds:
            return GeocoderRateLimited(
                f"{where} is rate limiting us and asks to wait {retry_after:g} s, longer than "
                f"max_wait_seconds={max_wait_seconds:g}; try again later",
                retry_after=retry_after,
            )
        return RetryableRateLimited(
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


class PoliteRateLimiter(RateLimiter):
    """geopy's RateLimiter with the clock and sleep passed in, retrying only transient failures.

    Retried: the service unavailable (5xx, resets, refused connections), time-outs, and 429s,
    after waiting at least the answer's Retry-After. Not retried: answers that cannot be read and
    refusals (4xx), which would only fail again.
    """

    # geopy's seams: RateLimiter reads the class attribute and calls _clock/_sleep (its own
    # tests replace them the same way).
    _retry_exceptions = (GeocoderUnavailable, GeocoderTimedOut, RetryableRateLimited)

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
        except RetryableRateLimited as err:
            self._owed_wait = float(err.retry_after or 0.0)
            raise

    def _clock(self) -> float:
        return self._clock_seam()

    def _sleep(self, seconds: float) -> None:
        seconds, self._owed_wait = max(seconds, self._owed_wait), 0.0
        logger.debug("waiting %.3g s before the next request", seconds)
        self._sleep_seam(seconds)
