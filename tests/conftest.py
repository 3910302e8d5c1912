"""Shared test set-up: one Chromium for the whole session (browser_support's fixtures and its
report hook), since Playwright's sync API allows one running instance per process."""

pytest_plugins = ["browser_support"]
