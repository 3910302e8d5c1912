"""Start the real dashboard and drive it in Debian's headless Chromium, offline.

Used by tests/test_dashboard_browser.py (as a pytest plugin: fixtures + one report hook) and by
benchmarks/slider_latency.py (plain functions). The server is started the way Streamlit's own
end-to-end suite does it: a free port, /_stcore/health polled with a deadline, output kept in a
file and shown when a test fails. Every request that is not to 127.0.0.1 fails the test, as do
failed assets and page errors.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOCAL_HOSTS = frozenset({"127.0.0.1"})

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "MAP_IFRAME",
    "Guard",
    "StreamlitServer",
    "free_port",
    "launch_chromium",
    "map_frame",
    "new_guarded_page",
    "wait_for_map",
    "wait_idle",
]


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """``streamlit run dashboard/app.py -- --data PATH`` on 127.0.0.1 and a free port."""

    def __init__(self, data: str | Path, *, log_dir: Path | None = None) -> None:
        self.data = Path(data)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        log_dir = log_dir or Path(tempfile.mkdtemp(prefix="datelines-server-"))
        self.log_path = log_dir / f"streamlit-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self, *, timeout: float = 90.0) -> StreamlitServer:
        command = [
            sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
            "--", "--data", str(self.data),
        ]  # fmt: skip
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,  # .streamlit/config.toml: static serving, upload limit, theme
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group, so stop() ends its children too
        )
        self._wait_healthy(timeout)
        return self

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        health = f"{self.url}_stcore/health"
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with code {self.process.returncode} before it was "
                    f"healthy:\n{self.output()}"
                )
            try:
                with urllib.request.urlopen(health, timeout=2) as response:
                    if response.status == 200 and response.read().strip() == b"ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError) as err:
                last_error = str(err)
            # A short poll interval, bounded by the deadline: not a fixed wait.
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(
            f"streamlit was not healthy at {health} within {timeout:.0f} s ({last_error}):\n"
            f"{self.output()}"
        )

    def output(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError as err:
            return f"(no server log: {err})"

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --------------------------------------------------------------------------- browser


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@dataclass
class Guard:
    """What went wrong in one browser context: outside requests, failed assets, page errors."""

    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"request left 127.0.0.1: {u}" for u in self.external]
            + [f"failed asset: {u}" for u in self.failed]
            + [f"page error: {e}" for e in self.page_errors]
        )

    def check(self) -> None:
        problems = self.problems()
        assert not problems, "\n".join(problems)


_LOCAL_SCHEMES = frozenset({"data", "blob", "about", "chrome-extension"})


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in _LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


def new_guarded_page(browser, *, viewport=None):
    """A page in a fresh context whose every request is checked; returns (context, page, guard)."""
    guard = Guard()
    context = browser.new_context(
        viewport=viewport or {"width": 1400, "height": 1000}, accept_downloads=True
    )

    def route(route):
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            guard.external.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()

    def on_failed(request):
        if not _is_local(request.url):
            return  # already counted as external
        failure = request.failure or ""
        # Streamlit cancels a superseded fetch when a newer rerun wins: not a broken asset.
        if "ERR_ABORTED" in failure and "/_stcore/" in request.url:
            return
        guard.failed.append(f"{request.url} ({failure})")

    def on_response(response):
        if response.status >= 400 and _is_local(response.url):
            guard.failed.append(f"{response.url} (HTTP {response.status})")

    def on_websocket(ws):
        if not _is_local(ws.url.replace("ws://", "http://").replace("wss://", "https://")):
            guard.external.append(ws.url)

    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    page.on("websocket", on_websocket)
    page.on("pageerror", lambda err: guard.page_errors.append(str(err)))
    return context, page, guard


_IDLE_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]')
    && !!document.querySelector('[data-testid="stApp"]')"""


def wait_idle(page, *, timeout: float = 60_000) -> None:
    """Until the script run is over: no running/stale indicator left on the page."""
    page.wait_for_function(_IDLE_JS, timeout=timeout)


def map_frame(page, *, timeout: float = 60_000):
    """The Frame of the folium map (the iframe streamlit-folium renders)."""
    handle = page.wait_for_selector(MAP_IFRAME, timeout=timeout, state="attached")
    frame = handle.content_frame()
    if frame is None:
        raise AssertionError(f"{MAP_IFRAME} has no content frame")
    return frame


def wait_for_map(page, *, timeout: float = 90_000):
    """Wait until the map has its events and a mask applied and the page below it (timeline,
    table, review: drawn once the map reports its events drawn) is there; return the map's
    Frame."""
    frame = map_frame(page, timeout=timeout)
    frame.wait_for_function(
        "() => window.datelines && window.datelines.loaded && window.datelines.maskVersion > 0",
        timeout=timeout,
    )
    page.wait_for_selector(".st-key-below_map", timeout=timeout, state="attached")
    wait_idle(page, timeout=timeout)
    return frame


def visible_count(page, *, expect: int | None = None, timeout: float = 30_000) -> int:
    """Events the map shows. With ``expect``, first wait (bounded) for the map to show that
    many: the map's iframe applies a new mask a moment after the script run has ended."""
    frame = map_frame(page)
    if expect is not None:
        try:
            frame.wait_for_function(
                f"() => window.datelines && window.datelines.visibleCount() === {int(expect)}",
                timeout=timeout,
            )
        except Exception:
            pass  # the assertion that follows shows the count it got
    return int(frame.evaluate("() => window.datelines.visibleCount()"))


def mask_version(page) -> int:
    return int(map_frame(page).evaluate("() => window.datelines.maskVersion"))


def in_view_caption(page) -> str:
    return page.get_by_text(re.compile(r"events in view")).first.inner_text()


# --------------------------------------------------------------------------- pytest plugin


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item; add the server logs to a failed test's report."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
    if report.failed:
        for server in getattr(item, "datelines_servers", ()):
            tail = server.output()[-20_000:]
            report.sections.append((f"streamlit server log ({server.port})", tail))


@pytest.fixture(scope="session")
def chromium_browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium`")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def guarded_page(request, chromium_browser) -> Iterator[tuple]:
    """(page, guard) in a fresh context; a screenshot goes to test-artifacts/ when the test fails."""
    context, page, guard = new_guarded_page(chromium_browser)
    yield page, guard
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def attach_server(request, server: StreamlitServer) -> StreamlitServer:
    """Show ``server``'s log in the report of the running test if it fails."""
    servers = getattr(request.node, "datelines_servers", [])
    servers.append(server)
    request.node.datelines_servers = servers
    return server
