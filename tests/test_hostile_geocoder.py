"""A hostile geocoding server (opt-in online path) never crashes a run, hangs it, fills the
disk or memory, or sends us elsewhere: each bad answer is a failed call, and the offline
choice stands. The server is a real one on 127.0.0.1, written here."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from geo.errors import GeocoderError
from geo.geocode.services import confirm_candidate, make_geocoder

USER_AGENT = "datelines-tests/0.1 (tests@example.org)"
PLACE = {"place_id": 1, "lat": "34.5608", "lon": "38.2805", "display_name": "Tadmur, Syria"}


@dataclass(frozen=True)
class Town:
    geonameid: int
    name: str
    latitude: float
    longitude: float
    country: str


TADMUR = Town(163345, "Palmyra", 34.56, 38.27, "SY")


class _Hostile(BaseHTTPRequestHandler):
    """Answers /search by the behaviour named in the query (q=...)."""

    def log_message(self, *args) -> None:  # quiet
        pass

    def _json(self, body: bytes, *, length: int | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(length if length is not None else len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        params = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        q = params.get("q", "")
        self.server.asked.append(self.path)  # type: ignore[attr-defined]
        if urlsplit(self.path).path.startswith("/moved"):
            self._json(json.dumps([PLACE]).encode())
        elif q == "object name":
            self._json(json.dumps([{**PLACE, "display_name": {"a": 1}}]).encode())
        elif q == "list name":
            self._json(json.dumps([{**PLACE, "display_name": ["a", "b"]}]).encode())
        elif q == "deep":
            self._json(b"[" * 100_000 + b"]" * 100_000)
        elif q == "huge":
            chunk = b" " * (1 << 20)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()  # no length: the client must stop reading by itself
            try:
                self.wfile.write(b"[")
                for _ in range(200):  # 200 MB
                    self.wfile.write(chunk)
            except OSError:
                pass
        elif q == "slow":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                while not self.server.stopping.is_set():  # type: ignore[attr-defined]
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
        elif q in {"elsewhere", "same host"}:
            host = "example.org" if q == "elsewhere" else self.headers["Host"]
            self.send_response(302)
            self.send_header("Location", f"http://{host}/moved?q=x")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._json(json.dumps([PLACE]).encode())


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    httpd.daemon_threads = True
    httpd.asked = []  # type: ignore[attr-defined]
    httpd.stopping = threading.Event()  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield httpd
    httpd.stopping.set()  # type: ignore[attr-defined]
    httpd.shutdown()
    httpd.server_close()


def _online(server, tmp_path, **options):
    host, port = server.server_address[:2]
    return make_geocoder(
        user_agent=USER_AGENT, domain=f"{host}:{port}", scheme="http", cache_path=tmp_path / "c.sqlite",
        proxies={}, min_delay_seconds=0, max_retries=0, timeout=1.0, **options,
    )


@pytest.mark.parametrize("query", ["object name", "list name", "deep"])
def test_an_answer_of_the_wrong_shape_is_a_failed_call(server, tmp_path, query):
    with _online(server, tmp_path) as geocoder:
        with pytest.raises(GeocoderError):
            geocoder.geocode(query)
        assert confirm_candidate(query, [TADMUR], geocoder=geocoder)[0] is None
        assert geocoder.geocode("Tadmur") is not None  # the geocoder still works


@pytest.mark.timeout(120)
def test_a_huge_answer_is_refused_and_never_cached(server, tmp_path):
    with _online(server, tmp_path) as geocoder:
        with pytest.raises(GeocoderError, match="MB"):
            geocoder.geocode("huge")
    assert (tmp_path / "c.sqlite").stat().st_size < 1 << 20


@pytest.mark.timeout(120)
def test_a_slow_loris_answer_times_out_in_all_not_per_read(server, tmp_path):
    with _online(server, tmp_path) as geocoder:
        with pytest.raises(GeocoderError):
            geocoder.geocode("slow")
        index, reason = confirm_candidate("slow", [TADMUR], geocoder=geocoder)
        assert index is None and "fail" in reason


def test_a_redirect_to_another_host_is_not_followed(server, tmp_path):
    with _online(server, tmp_path) as geocoder:
        with pytest.raises(GeocoderError, match="example.org") as failure:
            geocoder.geocode("elsewhere")
    assert "redirect" in str(failure.value)


def test_a_redirect_on_the_same_server_is_followed(server, tmp_path):
    with _online(server, tmp_path) as geocoder:
        assert geocoder.geocode("same host") is not None
    assert any(path.startswith("/moved") for path in server.asked)
