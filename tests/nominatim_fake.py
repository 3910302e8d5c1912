"""A small Nominatim look-alike for tests: a real HTTP server on 127.0.0.1 with scripted faults.

It answers ``/search?format=json&q=...`` the way Nominatim does (a JSON list of places with
``lat``/``lon`` as strings, ``display_name``, ``place_id``), records every request it gets, and
can be told to misbehave on the next requests: stall past the client's time-out, answer 429 with
Retry-After, answer 500, send broken JSON, send the right JSON as text/html, reset the
connection, find nothing, or find a place without coordinates.

    with NominatimFake() as fake:
        fake.add_place("Tadmur", 34.5608, 38.2805, country_code="sy")
        fake.plan(Fault.SERVER_ERROR, None)  # first request gets a 500, the second an answer
        ... make_geocoder(domain=fake.domain, scheme="http", ...)
"""

from __future__ import annotations

import enum
import itertools
import json
import socket
import struct
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["Fault", "NominatimFake", "RecordedRequest"]


class Fault(enum.Enum):
    """How the fake misbehaves on one request."""

    TIMEOUT = "stall longer than the client waits"
    RATE_LIMITED = "429 Too Many Requests with Retry-After"
    SERVER_ERROR = "500 Internal Server Error"
    MALFORMED_JSON = "200 application/json with a truncated body"
    WRONG_CONTENT_TYPE = "200 text/html (with the right JSON in it)"
    RESET = "connection reset before any answer"
    EMPTY = "200 with an empty list"
    NO_COORDINATES = "200 with a place that has no lat/lon"


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received, and what it did about it."""

    path: str
    params: Mapping[str, str]
    user_agent: str | None
    fault: Fault | None  # None: answered normally

    @property
    def query(self) -> str | None:
        return self.params.get("q")


@dataclass(frozen=True)
class _Place:
    name: str
    country_code: str
    answer: Mapping[str, Any]


class NominatimFake:
    """A threaded HTTP server on a free port of 127.0.0.1 that answers like Nominatim's /search.

    Parameters
    ----------
    retry_after
        The Retry-After header sent with 429 answers (seconds, as text), or None for none.
    stall_seconds
        How long a TIMEOUT request stalls; the server stops stalling at once when it stops.
    """

    def __init__(self, *, retry_after: str | None = "2", stall_seconds: float = 10.0) -> None:
        self.retry_after = retry_after
        self.stall_seconds = stall_seconds
        self.log: list[str] = []
        self._places: list[_Place] = []
        self._plan: list[Fault | None] = []
        self._requests: list[RecordedRequest] = []
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._place_ids = itertools.count(100_001)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},  # how soon stop() is noticed
            name="nominatim-fake",
            daemon=True,
        )

    # -- set-up ----------------------------------------------------------------------------

    @property
    def domain(self) -> str:
        """``host:port`` to pass as geopy's ``domain`` (with ``scheme="http"``)."""
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def add_place(
        self,
        name: str,
        latitude: float,
        longitude: float,
        *,
        country_code: str = "",
        display_name: str | None = None,
    ) -> None:
        """Make ``q=name`` (any case) find this place, after any place added before it."""
        answer = {
            "place_id": next(self._place_ids),
            "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
            "osm_type": "node",
            "osm_id": 1_000_000 + len(self._places),
            "lat": f"{latitude:.7f}",  # Nominatim sends coordinates as strings
            "lon": f"{longitude:.7f}",
            "class": "place",
            "type": "town",
            "place_rank": 16,
            "importance": 0.5,
            "addresstype": "town",
            "name": name,
            "display_name": display_name or name,
            "boundingbox": [
                f"{latitude - 0.05:.7f}",
                f"{latitude + 0.05:.7f}",
                f"{longitude - 0.05:.7f}",
                f"{longitude + 0.05:.7f}",
            ],
        }
        with self._changed:
            self._places.append(_Place(name.casefold(), country_code.lower(), answer))

    def plan(self, *steps: Fault | None) -> None:
        """Script the next requests, one step each, in order; None answers normally.

        Requests past the end of the plan are answered normally.
        """
        with self._changed:
            self._plan.extend(steps)

    # -- what happened ---------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first."""
        with self._changed:
            return list(self._requests)

    def wait_for_requests(self, count: int, *, timeout: float = 10.0) -> list[RecordedRequest]:
        """Block until at least ``count`` requests have arrived (or ``timeout`` passes)."""
        with self._changed:
            self._changed.wait_for(lambda: len(self._requests) >= count, timeout=timeout)
            return list(self._requests)

    def log_text(self) -> str:
        return "\n".join(self.log)

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> NominatimFake:
        # The socket is already listening (bound in __init__), so clients may connect at once.
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> NominatimFake:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- used by the handler ---------------------------------------------------------------

    def _take(self, path: str, params: dict[str, str], user_agent: str | None) -> Fault | None:
        with self._changed:
            fault = self._plan.pop(0) if self._plan else None
            self._requests.append(RecordedRequest(path, params, user_agent, fault))
            self._changed.notify_all()
            return fault

    def _search(self, params: Mapping[str, str]) -> list[Mapping[str, Any]]:
        query = " ".join(params.get("q", "").split()).casefold()
        wanted = {code for code in params.get("countrycodes", "").lower().split(",") if code}
        limit = int(params.get("limit", "10"))
        with self._changed:
            found = [
                place.answer
                for place in self._places
                if place.name == query and (not wanted or place.country_code in wanted)
            ]
        return found[:limit]


class _Handler(BaseHTTPRequestHandler):
    server_version = "NominatimFake/1.0"

    @property
    def fake(self) -> NominatimFake:
        return self.server.fake  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
        self.fake.log.append(f"{self.address_string()} {format % args}")

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        url = urlsplit(self.path)
        params = {key: values[-1] for key, values in parse_qs(url.query).items()}
        fault = self.fake._take(url.path, params, self.headers.get("User-Agent"))
        if url.path != "/search":
            self._send(404, "application/json", b'{"error": "no such endpoint"}')
            return
        if fault is Fault.RESET:
            # SO_LINGER with a zero time-out makes close() send RST instead of FIN.
            linger = struct.pack("ii", 1, 0)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            self.connection.close()
            self.close_connection = True
            return
        if fault is Fault.TIMEOUT:
            self.fake._stopping.wait(self.fake.stall_seconds)
        if fault is Fault.RATE_LIMITED:
            headers = {"Retry-After": self.fake.retry_after} if self.fake.retry_after else {}
            self._send(429, "text/html", b"<html><body>Too Many Requests</body></html>", headers)
            return
        if fault is Fault.SERVER_ERROR:
            self._send(500, "text/html", b"<html><body>Internal Server Error</body></html>")
            return
        places = [] if fault is Fault.EMPTY else self.fake._search(params)
        if fault is Fault.NO_COORDINATES:
            places = [{"place_id": 1, "display_name": "Somewhere without coordinates"}]
        body = json.dumps(places).encode()
        if fault is Fault.MALFORMED_JSON:
            self._send(200, "application/json; charset=utf-8", body[: max(1, len(body) // 2)])
        elif fault is Fault.WRONG_CONTENT_TYPE:
            self._send(200, "text/html; charset=utf-8", body)
        else:
            self._send(200, "application/json; charset=utf-8", body)

    def _send(
        self,
        status: int,
        content_type: str,
        body: bytes,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError as err:  # the client gave up (time-out) before we answered
            self.log_message("client went away before the answer: %r", err)
