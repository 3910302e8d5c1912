"""Shared test set-up: one Chromium for the whole session (browser_support's fixtures and its
report hook), since Playwright's sync API allows one running instance per process."""

pytest_plugins = ["browser_support"]


def pytest_collection_modifyitems(config, items):
    """Browser tests get up to two reruns: since the linked views and the review bridge met,
    a few of them race on a loaded machine (key presses lost while the map's reported view
    reruns the app); each passes alone. A known, open defect, not a fix (see README).

    Tests marked ``pure_python`` patch the pipeline's own functions, which compiled code
    (geo.native) calls directly: in a run on the compiled pipeline they are skipped here and
    run in a pure-Python process by test_compiled_pipeline.py."""
    import os

    import pytest

    import geo.native

    if geo.native.active():
        skip = pytest.mark.skip(reason="patches the pipeline: run in pure Python by test_compiled_pipeline.py")
        for item in items:
            if item.get_closest_marker("pure_python"):
                item.add_marker(skip)
    if os.environ.get("DATELINES_NO_RERUNS"):
        return
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("flaky"):
            item.add_marker(pytest.mark.flaky(reruns=2, reruns_delay=2))
