"""Review in the dashboard, in headless Chromium: every action by click and by keyboard, the
queue with the map following, several rows at once, a popup picking the event, two sessions
at once losing nothing, and notes shown as text.

One server on a copy of the seed corpus in a temporary folder (so its review file,
``datelines-review.jsonl`` beside the corpus, is the test's own); each test reads the file to
see what was decided.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

pytest.register_assert_rewrite("browser_support")
from browser_support import (  # noqa: E402
    StreamlitServer,
    attach_server,
    map_frame,
    new_guarded_page,
    visible_count,
    wait_for_map,
    wait_idle,
)
from dashboard import review_labels, view  # noqa: E402
from geo import ingest  # noqa: E402
pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAME_INPUT = "Your name (recorded with each decision)"
HOSTILE_NOTE = '<img src=x onerror="window.__pwned=1"> **bold** {{7*7}}'


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("review") / "seeds"
    shutil.copytree(ROOT / "seeds", folder)
    return folder


@pytest.fixture(scope="module")
def review_server(corpus):
    with StreamlitServer(corpus) as server:
        yield server


@pytest.fixture(scope="module")
def events(corpus):
    return ingest(corpus).events


def decisions(corpus: Path) -> list[dict]:
    path = corpus.parent / "datelines-review.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def wait_for_decisions(page, corpus: Path, count: int) -> list[dict]:
    page.wait_for_function("() => true")  # let pending events flush
    for _ in range(900):
        found = decisions(corpus)
        if len(found) >= count:
            wait_idle(page)
            return found
        page.wait_for_timeout(100)  # polling, bounded: the file is written by the server
    return decisions(corpus)


def open_review(page, server, name: str = "ana", query: str = ""):
    page.goto(server.url + query, timeout=90_000)
    frame = wait_for_map(page)
    box = settled(page.get_by_label(NAME_INPUT))
    box.fill(name)
    box.press("Enter")
    wait_idle(page)
    expect(action(page, "✓ Confirm")).to_be_enabled(timeout=30_000)
    return frame


def current_label(page) -> str:
    """The event under review, as its picker shows it."""
    return picker(page).input_value()


def picker(page):
    return settled(page.get_by_role("combobox", name=re.compile("^Event to review")))


def unfocus(page) -> None:
    """Leave any input, so a key press goes to the page's shortcuts."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")


def settled(locator):
    """The live copy of an element (a rerun briefly keeps a stale, hidden one beside it)."""
    return locator.filter(visible=True).last


def tab(page, label: str) -> None:
    """Open a tab of the review's fixes (once the page has settled: no stale copy of it)."""
    wait_idle(page)
    page.get_by_role("tab", name=label).filter(visible=True).last.click()


def action(page, label: str):
    """A review button by its label (its accessible name adds the keyboard shortcut)."""
    return settled(page.get_by_role("button", name=re.compile("^" + re.escape(label) + "( Shortcut .)?$")))


def evidence(page) -> str:
    return page.get_by_test_id("stCode").first.inner_text()


def test_confirm_by_click_and_reject_by_keyboard_hides_it(request, review_server, corpus, events, guarded_page):
    page, guard = guarded_page
    attach_server(request, review_server)
    open_review(page, review_server)
    before = len(decisions(corpus))
    first = current_label(page)
    action(page, "✓ Confirm").click()
    found = wait_for_decisions(page, corpus, before + 1)
    assert found[-1]["new"] == "confirmed" and found[-1]["reviewer"] == "ana"
    expect(picker(page)).not_to_have_value(first)
    shown = visible_count(page)
    unfocus(page)  # focus the page, not an input
    page.keyboard.press("x")
    found = wait_for_decisions(page, corpus, before + 2)
    assert found[-1]["new"] == "rejected"
    rejected = found[-1]["event_id"]
    assert rejected != found[-2]["event_id"]  # confirming moved on to the next event
    assert visible_count(page, expect=shown - 1) == shown - 1  # rejected: off the map
    page.get_by_text("Show rejected events").click()
    wait_idle(page)
    assert visible_count(page, expect=shown) == shown
    row = int(events.index[events["id"] == rejected][0])
    assert events["id"].iloc[row] == rejected
    guard.check()


def test_the_queue_steps_by_keyboard_and_the_map_follows(request, review_server, corpus, events, guarded_page):
    from dashboard.review_labels import picker_label

    page, guard = guarded_page
    attach_server(request, review_server)
    frame = open_review(page, review_server, name="bo")
    page.get_by_text("Needs review queue").click()
    wait_idle(page)
    frame.locator('[data-testid="event-popup"]').wait_for(timeout=15_000)  # the map opened the current event
    first = current_label(page)
    unfocus(page)
    page.keyboard.press("j")  # next
    expect(picker(page)).not_to_have_value(first, timeout=30_000)
    wait_idle(page)
    shown = current_label(page)

    def popup_row() -> int | None:
        index = frame.evaluate(
            "() => document.querySelector('[data-testid=\"event-popup\"]')?.getAttribute('data-event-index')"
        )
        return None if index is None else int(index)

    # the map follows the review: the open popup is the event the picker shows
    for _ in range(150):
        row = popup_row()
        if row is not None and picker_label(events.iloc[row], row) == shown:
            break
        page.wait_for_timeout(200)
    assert row is not None and picker_label(events.iloc[row], row) == shown
    before = len(decisions(corpus))
    page.keyboard.press("y")  # confirm the current one
    found = wait_for_decisions(page, corpus, before + 1)
    assert (found[-1]["new"], found[-1]["reviewer"]) == ("confirmed", "bo")
    assert found[-1]["event_id"] == events["id"].iloc[row]  # the one both the picker and the map showed
    guard.check()


def test_fixes_and_a_hostile_note_are_saved_and_shown_as_text(request, review_server, corpus, guarded_page):
    page, guard = guarded_page
    attach_server(request, review_server)
    open_review(page, review_server, name="<b>cy</b>")
    before = len(decisions(corpus))
    tab(page, "Note")
    settled(page.get_by_role("textbox", name="Note")).fill(HOSTILE_NOTE)
    settled(page.get_by_role("button", name="Save note")).click()
    found = wait_for_decisions(page, corpus, before + 1)
    assert (found[-1]["field"], found[-1]["new"]) == ("note", HOSTILE_NOTE)
    expect(page.get_by_test_id("stCode").first).to_contain_text(HOSTILE_NOTE)
    assert page.evaluate("() => window.__pwned") is None

    tab(page, "Fix type & fatalities")
    settled(page.get_by_label("Fatalities (blank: not stated)")).fill("17")
    settled(page.get_by_role("button", name="Save type & fatalities")).click()
    found = wait_for_decisions(page, corpus, before + 2)
    assert (found[-1]["field"], found[-1]["new"]) == ("fatalities", 17)

    tab(page, "Fix place")
    settled(page.get_by_text("the gazetteer, by name")).click()
    settled(page.get_by_label("Search the gazetteer by name")).fill("Madaya")
    settled(page.get_by_label("Search the gazetteer by name")).press("Enter")
    wait_idle(page)
    settled(page.get_by_role("combobox", name="Matches (2)")).click()  # Myanmar's and Syria's
    page.keyboard.type(", SY")  # the picker filters as one types
    page.keyboard.press("Enter")  # Syria's Madaya, not Myanmar's
    wait_idle(page)
    settled(page.get_by_role("button", name="Save place")).click()
    found = wait_for_decisions(page, corpus, before + 3)
    assert (found[-1]["field"], found[-1]["new"]["geonameid"], found[-1]["new"]["country"]) == ("place", 167558, "SY")

    tab(page, "Fix date")
    settled(page.get_by_label("Day, or first day (YYYY-MM-DD)")).fill("2016-03-21")
    settled(page.get_by_label("Last day (blank: the same day)")).fill("2016-03-27")
    settled(page.get_by_role("button", name="Save date")).click()
    found = wait_for_decisions(page, corpus, before + 4)
    assert (found[-1]["field"], found[-1]["new"]["date_start"], found[-1]["new"]["date_precision"]) == (
        "date", "2016-03-21", "week")
    expect(page.get_by_test_id("stCode").first).to_contain_text("Status: corrected")
    expect(page.get_by_test_id("stCode").first).to_contain_text("week of 21 Mar 2016")
    assert page.evaluate("() => window.__pwned") is None
    guard.check()


def _grid_click_row(page, index: int) -> None:
    """Tick row ``index``'s selection box in the review table (a canvas grid)."""
    grid = settled(page.get_by_test_id("stDataFrame"))
    grid.scroll_into_view_if_needed()
    grid.click(position={"x": 16, "y": 35 * (index + 1) + 17})


def test_several_rows_at_once(request, review_server, corpus, guarded_page):
    page, guard = guarded_page
    attach_server(request, review_server)
    open_review(page, review_server, name="di")
    for index in (0, 1, 2):
        _grid_click_row(page, index)
        expect(settled(page.get_by_role("button", name=f"✓ Confirm {index + 1} selected"))).to_be_visible(timeout=30_000)
        wait_idle(page)
    button = page.get_by_role("button", name="✓ Confirm 3 selected")
    expect(button).to_be_enabled(timeout=30_000)
    before = len(decisions(corpus))
    button.click()
    found = wait_for_decisions(page, corpus, before + 3)
    assert [d["new"] for d in found[-3:]] == ["confirmed"] * 3
    assert len({d["event_id"] for d in found[-3:]}) == 3 and {d["reviewer"] for d in found[-3:]} == {"di"}
    guard.check()


def test_a_popup_button_picks_the_event_to_review(request, review_server, corpus, events, guarded_page):
    page, guard = guarded_page
    attach_server(request, review_server)
    frame = open_review(page, review_server, name="ed")
    target = len(events) - 1
    frame.evaluate(f"() => window.datelines.openEvent({target})")
    expect(frame.get_by_test_id("review-note").first).to_contain_text("Review: ")  # evidence, as text
    frame.get_by_test_id("review-this-event").first.click()
    wait_idle(page)
    expected = review_labels.picker_label(events.iloc[target], target)
    expect(picker(page)).to_have_value(expected, timeout=30_000)
    guard.check()


def test_two_sessions_reviewing_at_once_lose_nothing(request, chromium_browser, review_server, corpus):
    attach_server(request, review_server)
    pages = []
    for name in ("fay", "gus"):
        context, page, guard = new_guarded_page(chromium_browser)
        open_review(page, review_server, name=name)
        pages.append((context, page, guard))
    before = len(decisions(corpus))
    for _, page, _ in pages:  # both click before either's run is over
        action(page, "✗ Reject").click(no_wait_after=True)
    for _, page, _ in pages:
        unfocus(page)
        page.keyboard.press("y")
    found = wait_for_decisions(pages[0][1], corpus, before + 4)
    mine = found[before:]
    assert sorted((d["reviewer"], d["new"]) for d in mine) == sorted(
        [("fay", "rejected"), ("fay", "confirmed"), ("gus", "rejected"), ("gus", "confirmed")])
    for context, page, guard in pages:
        wait_idle(page)
        guard.check()
        context.close()


def test_fix_place_by_clicking_the_map(request, review_server, corpus, guarded_page):
    page, guard = guarded_page
    attach_server(request, review_server)
    frame = open_review(page, review_server, name="hal")
    tab(page, "Fix place")
    settled(page.get_by_text("coordinates", exact=True)).click()
    wait_idle(page)
    settled(page.get_by_text("Pick the point on the map (the next click)")).click()
    wait_idle(page)
    frame.wait_for_function("() => document.querySelector('.leaflet-container').style.cursor === 'crosshair'",
                            timeout=15_000)
    frame.evaluate("() => { window.datelines.map().setView([33.69, 36.10], 9, {animate: false}); }")
    container = frame.locator(".leaflet-container")
    container.scroll_into_view_if_needed()  # the map is above the review panel
    box = container.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the map's centre
    expect(settled(page.get_by_label("Latitude"))).to_have_value(re.compile(r"^33\.6"), timeout=30_000)
    settled(page.get_by_label("Name")).fill("Madaya (by the map)")
    settled(page.get_by_label("Name")).press("Enter")
    wait_idle(page)
    before = len(decisions(corpus))
    settled(page.get_by_role("button", name="Save place")).click()
    found = wait_for_decisions(page, corpus, before + 1)
    new = found[-1]["new"]
    assert (found[-1]["field"], new["place"], round(new["latitude"], 1), round(new["longitude"], 1)) == (
        "place", "Madaya (by the map)", 33.7, 36.1)
    guard.check()
