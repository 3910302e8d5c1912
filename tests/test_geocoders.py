"""Online geocoding against a real HTTP server on 127.0.0.1 that misbehaves on cue.

No test waits for real except on the fake's time-outs (0.2 s each): the rate limiter's clock and
sleep are a fake clock that only moves when slept.
"""

from __future__ import annotations

import itertools
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from geopy.distance import geodesic
from hypothesis import strategies as st

from geo.errors import GeocoderError, GeocoderRateLimited, GeocoderTimedOut, GeocoderUnavailable
from geo.geocode.services import GeocodeResult, OnlineGeocoder, confirm_candidate, make_geocoder
from nominatim_fake import Fault, NominatimFake

REPO = Path(__file__).resolve().parents[1]
USER_AGENT = "datelines-tests/0.1 (tests@example.org)"
TADMUR = (34.5608, 38.2805)  # the modern town beside ancient Palmyra, Syria


@dataclass(frozen=True)
class Gazetteer:
    """A gazetteer entry, as the offline resolver passes candidates in."""

    geonameid: int
    name: str
    latitude: float
    longitude: float
    country: str


PALMYRA_NY = Gazetteer(5130361, "Palmyra", 43.06395, -77.23332, "US")
PALMYRA_SY = Gazetteer(163345, "Palmyra", 34.56, 38.27, "SY")  # GeoNames' Tadmur


class FakeClock:
    """A monotonic clock that moves only when slept (or ticked), recording every sleep."""

    def __init__(self, tick: float = 0.0) -> None:
        self.now = 1000.0
        self.tick = tick  # how far the clock moves on its own each time it is read
        self.sleeps: list[float] = []

    def clock(self) -> float:
        self.now += self.tick
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def nominatim() -> Iterator[NominatimFake]:
    with NominatimFake(retry_after="7") as fake:
        fake.add_place("Tadmur", *TADMUR, country_code="sy", display_name="Tadmur, Homs, Syria")
        fake.add_place("Homs", 34.7324, 36.7137, country_code="sy", display_name="Homs, Syria")
        fake.add_place("Aleppo", 36.2021, 37.1343, country_code="sy", display_name="Aleppo, Syria")
        fake.add_place("Palmyra", *TADMUR, country_code="sy", display_name="Palmyra, Syria")
        yield fake
        # Shown by pytest only when the test failed.
        print(f"--- fake Nominatim log ---\n{fake.log_text()}")


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


def online(
    fake: NominatimFake, clock: FakeClock, cache_path: Path | None = None, **options: object
) -> OnlineGeocoder:
    options = {"timeout": 0.2, **options}
    return make_geocoder(
        user_agent=USER_AGENT,
        domain=fake.domain,
        scheme="http",
        cache_path=cache_path,
        sleep=clock.sleep,
        clock=clock.clock,
        proxies={},  # never a system proxy between us and 127.0.0.1
        **options,
    )


# ---------------------------------------------------------------------------------------------
# Answers and the cache


def test_answer_keeps_the_raw_answer_and_the_request_is_polite(nominatim, fake_clock, tmp_path):
    with online(nominatim, fake_clock, tmp_path / "answers.sqlite") as geocoder:
        result = geocoder.geocode("Tadmur")

    assert isinstance(result, GeocodeResult)
    assert (result.latitude, result.longitude) == pytest.approx(TADMUR)
    assert result.address == "Tadmur, Homs, Syria"
    assert result.provider == f"nominatim@{nominatim.domain}"
    assert result.raw["place_id"] == 100_001 and result.raw["lat"] == "34.5608000"
    with pytest.raises(TypeError):
        result.raw["lat"] = "0"  # type: ignore[index]
    [request] = nominatim.requests
    assert request.path == "/search"
    assert request.query == "Tadmur"
    assert request.params["format"] == "json" and request.params["limit"] == "1"
    assert request.user_agent == USER_AGENT


def test_second_ask_comes_from_the_cache_even_in_a_new_geocoder(nominatim, fake_clock, tmp_path):
    cache = tmp_path / "answers.sqlite"
    with online(nominatim, fake_clock, cache) as geocoder:
        first = geocoder.geocode("Tadmur")
        again = geocoder.geocode("  TADMUR ")  # the same query, normalised
    with online(nominatim, fake_clock, cache) as geocoder:
        later = geocoder.geocode("tadmur")

    assert len(nominatim.requests) == 1
    assert again is not None and again.raw == first.raw
    assert again.query == "TADMUR"  # the query as asked this time, stripped
    assert later is not None and later.raw == first.raw
    assert later.query == "tadmur"  # the query as asked this time


def test_no_such_place_is_an_answer_and_is_cached(nominatim, fake_clock, tmp_path):
    with online(nominatim, fake_clock, tmp_path / "answers.sqlite") as geocoder:
        assert geocoder.geocode("Atlantis") is None
        assert geocoder.geocode("Atlantis") is None
    assert len(nominatim.requests) == 1


def test_country_codes_are_sent_and_key_the_cache(nominatim, fake_clock):
    with online(nominatim, fake_clock) as geocoder:
        assert geocoder.geocode("Tadmur", country_codes=["SY"]) is not None
        assert geocoder.geocode("Tadmur", country_codes=["us"]) is None
        assert geocoder.geocode("Tadmur", country_codes="sy") is not None  # cached
        with pytest.raises(ValueError, match="'Syria'"):
            geocoder.geocode("Tadmur", country_codes=["Syria"])
    assert [r.params.get("countrycodes") for r in nominatim.requests] == ["sy", "us"]


CHILD = """
import sys
from pathlib import Path
from geo.geocode.services import make_geocoder

domain, cache, *names = sys.argv[1:]
geocoder = make_geocoder(
    user_agent="datelines-tests/0.1 (tests@example.org)", domain=domain, scheme="http",
    cache_path=Path(cache), min_delay_seconds=0, error_wait_seconds=0, timeout=30, proxies={},
)
for name in names:
    result = geocoder.geocode(name)
    print("answered", name, result is not None, flush=True)
"""


def run_child(fake: NominatimFake, cache: Path, names: list[str], log: Path) -> subprocess.Popen:
    """A separate Python process geocoding ``names`` in turn; its stderr goes to ``log``."""
    with log.open("a") as stderr:
        return subprocess.Popen(
            [sys.executable, "-c", CHILD, fake.domain, str(cache), *names],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )


def test_cache_survives_a_process_killed_mid_run(nominatim, tmp_path):
    cache, log = tmp_path / "answers.sqlite", tmp_path / "child.log"
    nominatim.plan(None, None, Fault.TIMEOUT)  # the third request hangs until the kill
    child = run_child(nominatim, cache, ["Tadmur", "Homs", "Aleppo"], log)
    try:
        lines = [child.stdout.readline() for _ in range(2)]
        assert lines == ["answered Tadmur True\n", "answered Homs True\n"], log.read_text()
        assert len(nominatim.wait_for_requests(3)) == 3  # the child is stuck in the third
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=10)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL

    again = run_child(nominatim, cache, ["Tadmur", "Homs"], log)
    out, _ = again.communicate(timeout=30)
    assert again.returncode == 0, log.read_text()
    assert out.splitlines() == ["answered Tadmur True", "answered Homs True"]
    assert len(nominatim.requests) == 3  # both answers came from the cache


# ---------------------------------------------------------------------------------------------
# Rate limiting and retries


def test_min_delay_is_kept_between_requests_without_real_waiting(nominatim, fake_clock):
    started = time.monotonic()
    with online(nominatim, fake_clock, min_delay_seconds=1.0) as geocoder:
        for name in ("Tadmur", "Homs", "Aleppo"):
            geocoder.geocode(name)
        geocoder.geocode("Tadmur")  # cached: no request, no wait
    assert fake_clock.sleeps == [1.0, 1.0]
    assert len(nominatim.requests) == 3
    assert time.monotonic() - started < 2.0  # really sleeping would take 2 s


def test_min_delay_counts_the_time_already_passed(nominatim):
    clock = FakeClock(tick=0.25)  # each reading of the clock is 0.25 s later
    with online(nominatim, clock, min_delay_seconds=1.0) as geocoder:
        geocoder.geocode("Tadmur")
        geocoder.geocode("Homs")
    assert clock.sleeps == [pytest.approx(0.75)]


def test_429_waits_at_least_retry_after_then_succeeds(nominatim, fake_clock):
    nominatim.plan(Fault.RATE_LIMITED)
    with online(nominatim, fake_clock, error_wait_seconds=1.0) as geocoder:
        result = geocoder.geocode("Tadmur")
    assert result is not None
    assert len(nominatim.requests) == 2
    assert fake_clock.sleeps and max(fake_clock.sleeps) >= 7  # the fake's Retry-After
    assert sum(fake_clock.sleeps) < 7 + 1.0 + 1e-9  # and not much more


def test_429_asking_for_too_long_a_wait_gives_up_at_once(nominatim, fake_clock):
    nominatim.retry_after = "3600"
    nominatim.plan(Fault.RATE_LIMITED)
    with online(nominatim, fake_clock, max_wait_seconds=60) as geocoder:
        with pytest.raises(GeocoderRateLimited, match="3600") as caught:
            geocoder.geocode("Tadmur")
    assert caught.value.retry_after == 3600
    assert len(nominatim.requests) == 1
    assert fake_clock.sleeps == []


def test_429_every_time_gives_up_after_bounded_retries(nominatim, fake_clock):
    nominatim.plan(*[Fault.RATE_LIMITED] * 3)
    with online(nominatim, fake_clock, max_retries=2) as geocoder:
        with pytest.raises(GeocoderRateLimited, match="3 tries") as caught:
            geocoder.geocode("Tadmur")
    assert caught.value.retry_after == 7
    assert len(nominatim.requests) == 3


def test_500_then_success_is_retried_after_the_error_wait(nominatim, fake_clock):
    nominatim.plan(Fault.SERVER_ERROR)
    with online(nominatim, fake_clock, error_wait_seconds=5.0) as geocoder:
        assert geocoder.geocode("Tadmur") is not None
    assert len(nominatim.requests) == 2
    assert fake_clock.sleeps == [5.0]


def test_repeated_500_is_unavailable_after_bounded_retries(nominatim, fake_clock, tmp_path):
    nominatim.plan(*[Fault.SERVER_ERROR] * 3)
    with online(nominatim, fake_clock, tmp_path / "answers.sqlite", max_retries=2) as geocoder:
        with pytest.raises(GeocoderUnavailable, match="500") as caught:
            geocoder.geocode("Tadmur")
        assert isinstance(caught.value, ConnectionError)
        assert caught.value.__cause__ is not None  # raised `from` the underlying error
        assert len(nominatim.requests) == 3
        # A failure is not an answer: nothing was cached, the next ask goes out and succeeds.
        assert geocoder.geocode("Tadmur") is not None
    assert len(nominatim.requests) == 4


def test_time_out_is_retried_then_timed_out(nominatim, fake_clock):
    nominatim.plan(Fault.TIMEOUT, Fault.TIMEOUT)
    started = time.monotonic()
    with online(nominatim, fake_clock, max_retries=1, timeout=0.2) as geocoder:
        with pytest.raises(GeocoderTimedOut, match="0.2 s") as caught:
            geocoder.geocode("Tadmur")
    assert isinstance(caught.value, TimeoutError)
    assert len(nominatim.requests) == 2
    assert time.monotonic() - started < 3


def test_time_out_then_success(nominatim, fake_clock):
    nominatim.plan(Fault.TIMEOUT)
    with online(nominatim, fake_clock) as geocoder:
        assert geocoder.geocode("Tadmur") is not None
    assert len(nominatim.requests) == 2


def test_connection_reset_is_retried(nominatim, fake_clock):
    nominatim.plan(Fault.RESET)
    with online(nominatim, fake_clock) as geocoder:
        assert geocoder.geocode("Tadmur") is not None
    assert len(nominatim.requests) == 2


def test_repeated_reset_is_unavailable(nominatim, fake_clock):
    nominatim.plan(*[Fault.RESET] * 2)
    with online(nominatim, fake_clock, max_retries=1) as geocoder:
        with pytest.raises(GeocoderUnavailable):
            geocoder.geocode("Tadmur")
    assert len(nominatim.requests) == 2


@pytest.mark.parametrize("fault", [Fault.MALFORMED_JSON, Fault.WRONG_CONTENT_TYPE])
def test_unreadable_answer_fails_that_call_only(nominatim, fake_clock, fault):
    nominatim.plan(fault)
    with online(nominatim, fake_clock) as geocoder:
        with pytest.raises(GeocoderError) as caught:
            geocoder.geocode("Tadmur")
        # Not transient, so not retried and not reported as the service being down.
        assert not isinstance(caught.value, (GeocoderUnavailable, GeocoderTimedOut))
        assert len(nominatim.requests) == 1
        assert geocoder.geocode("Tadmur") is not None  # the next call works
    if fault is Fault.WRONG_CONTENT_TYPE:
        assert "text/html" in str(caught.value)


def test_place_without_coordinates_is_a_failed_call(nominatim, fake_clock):
    nominatim.plan(Fault.NO_COORDINATES)
    with online(nominatim, fake_clock) as geocoder:
        with pytest.raises(GeocoderError, match=r"\(None, None\)"):
            geocoder.geocode("Tadmur")
    assert len(nominatim.requests) == 1


def test_impossible_coordinates_are_refused_at_the_edge(nominatim, fake_clock):
    nominatim.add_place("Nowhere", 123.0, 45.0)
    with online(nominatim, fake_clock) as geocoder:
        with pytest.raises(GeocoderError, match=r"\('123\.0000000', '45\.0000000'\)"):
            geocoder.geocode("Nowhere")


def test_empty_list_is_no_such_place(nominatim, fake_clock):
    nominatim.plan(Fault.EMPTY)
    with online(nominatim, fake_clock) as geocoder:
        assert geocoder.geocode("Tadmur") is None
    assert len(nominatim.requests) == 1


# ---------------------------------------------------------------------------------------------
# Setting up


@pytest.mark.parametrize("user_agent", [None, "", "   ", "geopy/2.5.0"])
def test_missing_user_agent_is_refused_with_what_to_do(user_agent, nominatim):
    with pytest.raises(GeocoderError, match="--user-agent") as caught:
        make_geocoder(user_agent=user_agent, domain=nominatim.domain, scheme="http")
    assert repr(user_agent) in str(caught.value)
    assert nominatim.requests == []


def test_user_agent_is_required_even_when_not_passed_at_all():
    with pytest.raises(GeocoderError, match="--user-agent"):
        make_geocoder("nominatim")


def test_public_nominatim_refuses_more_than_one_request_a_second():
    with pytest.raises(GeocoderError, match="one request a second"):
        make_geocoder(user_agent=USER_AGENT, min_delay_seconds=0.2)


def test_public_nominatim_needs_no_request_to_set_up(tmp_path):
    with make_geocoder(user_agent=USER_AGENT, cache_path=tmp_path / "a.sqlite") as geocoder:
        assert geocoder.provider == "nominatim"


def test_unknown_provider_is_refused():
    with pytest.raises(GeocoderError, match="'nominatim'"):
        make_geocoder("googel", user_agent=USER_AGENT)


def test_unusable_cache_path_is_a_clear_error(tmp_path):
    not_a_database = tmp_path / "answers.sqlite"
    not_a_database.write_text("this is not SQLite\n" * 100)
    with pytest.raises(GeocoderError, match="--geocoder-cache"):
        make_geocoder(user_agent=USER_AGENT, cache_path=not_a_database)


# ---------------------------------------------------------------------------------------------
# confirm_candidate: never lose or invent a place


@pytest.mark.parametrize(
    "candidates, expected", [([PALMYRA_NY, PALMYRA_SY], 1), ([PALMYRA_SY, PALMYRA_NY], 0)]
)
def test_confirm_picks_the_candidate_near_the_answer(nominatim, fake_clock, candidates, expected):
    with online(nominatim, fake_clock) as geocoder:
        index, reason = confirm_candidate("Palmyra", candidates, geocoder=geocoder)
    assert index == expected
    assert "163345" in reason and "km" in reason


def test_confirm_sends_country_codes(nominatim, fake_clock):
    with online(nominatim, fake_clock) as geocoder:
        index, reason = confirm_candidate(
            "Palmyra", [PALMYRA_NY], geocoder=geocoder, country_codes=["us"]
        )
    assert (index, reason) == (None, "no answer")
    assert nominatim.requests[0].params["countrycodes"] == "us"


def test_confirm_refuses_an_answer_far_from_every_candidate(nominatim, fake_clock):
    with online(nominatim, fake_clock) as geocoder:
        index, reason = confirm_candidate("Aleppo", [PALMYRA_NY, PALMYRA_SY], geocoder=geocoder)
    assert index is None
    assert reason.startswith("answer ") and reason.endswith(" km from every candidate")
    km = float(reason.split()[1])
    assert 100 < km < 300  # Aleppo to Tadmur is about 200 km


@pytest.mark.parametrize(
    "fault", [f for f in Fault if f is not Fault.EMPTY], ids=lambda fault: fault.name
)
def test_confirm_keeps_the_offline_choice_when_the_service_fails(nominatim, fake_clock, fault):
    nominatim.plan(fault)
    with online(nominatim, fake_clock, max_retries=0) as geocoder:
        index, reason = confirm_candidate("Palmyra", [PALMYRA_NY, PALMYRA_SY], geocoder=geocoder)
    assert index is None
    assert reason.startswith("service failed: ")


def test_confirm_says_no_answer_when_the_service_finds_nothing(nominatim, fake_clock):
    nominatim.plan(Fault.EMPTY)
    with online(nominatim, fake_clock) as geocoder:
        assert confirm_candidate("Palmyra", [PALMYRA_SY], geocoder=geocoder) == (None, "no answer")


def test_confirm_without_candidates_asks_nothing(nominatim, fake_clock):
    with online(nominatim, fake_clock) as geocoder:
        index, _ = confirm_candidate("Palmyra", [], geocoder=geocoder)
    assert index is None and nominatim.requests == []


@pytest.fixture(scope="module")
def shared_geocoder() -> Iterator[tuple[NominatimFake, OnlineGeocoder]]:
    # One server and one geocoder for every example: each example asks for a new name.
    with NominatimFake() as fake, online(
        fake, FakeClock(), min_delay_seconds=0, error_wait_seconds=0
    ) as geocoder:
        yield fake, geocoder


latitudes = st.floats(min_value=-89.9, max_value=89.9, allow_nan=False)
longitudes = st.floats(min_value=-179.9, max_value=179.9, allow_nan=False)
place_numbers = itertools.count()
places = st.builds(
    Gazetteer, st.integers(1, 10**7), st.just("X"), latitudes, longitudes, st.just("XX")
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    answer=st.tuples(latitudes, longitudes),
    candidates=st.lists(places, max_size=6),
    max_km=st.floats(min_value=0.001, max_value=20_000),
)
def test_confirm_never_invents_a_place(shared_geocoder, answer, candidates, max_km):
    fake, geocoder = shared_geocoder
    name = f"place {next(place_numbers)}"
    fake.add_place(name, *answer)

    index, reason = confirm_candidate(name, candidates, geocoder=geocoder, max_km=max_km)

    assert isinstance(reason, str) and reason
    if index is None:
        return
    assert 0 <= index < len(candidates)
    distances = [geodesic(answer, (c.latitude, c.longitude)).km for c in candidates]
    assert distances[index] <= max_km
    assert math.isclose(distances[index], min(distances))
