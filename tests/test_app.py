"""The dashboard's widgets, headless (streamlit.testing.v1.AppTest), on seeds and synthetic data."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_events import HOSTILE_STRINGS, synthetic_events, write_events  # noqa: E402
from dashboard.table import PAGE_SIZES  # noqa: E402
from dashboard.view import TABLE_COLUMNS  # noqa: E402
from geo.schema import EVENT_PROPERTIES  # noqa: E402

APP = str(ROOT / "dashboard" / "app.py")
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def synthetic_path(tmp_path_factory) -> Path:
    events = synthetic_events(600, seed=11, hostile_every=13)
    return write_events(events, tmp_path_factory.mktemp("data") / "events.geojson")


@pytest.fixture
def downloads(monkeypatch) -> dict[str, object]:
    """Deferred download callables the app registers, by file name extension."""
    captured: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        captured[Path(file_name or "").suffix] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return captured


def app(monkeypatch, data: Path, query: dict | None = None) -> AppTest:
    monkeypatch.setattr(sys, "argv", ["dashboard/app.py", "--data", str(data)])
    at = AppTest.from_file(APP, default_timeout=120)
    if query:
        at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def events_table(at: AppTest, *, page: int | None = None):
    """The events table's current page, with every column and the largest page size."""
    changed = False
    if at.multiselect(key="table_columns").value != list(TABLE_COLUMNS):
        at.multiselect(key="table_columns").set_value(list(TABLE_COLUMNS))
        changed = True
    if at.selectbox(key="table_page_size").value != max(PAGE_SIZES):
        at.selectbox(key="table_page_size").set_value(max(PAGE_SIZES))
        changed = True
    if page is not None:
        page_box(at).set_value(page)
        changed = True
    if changed:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    for frame in at.main.dataframe:
        if frame.proto.id and "events_table" in frame.proto.id:
            return frame.value
    return at.main.dataframe[0].value


def in_view_caption(at: AppTest) -> str:
    return next(c.value for c in at.main.caption if "events in view" in c.value)


def page_box(at: AppTest):
    """The table's page number box (its key changes when the program sets the page)."""
    return next(box for box in at.number_input if box.label == "Page")


def table_caption(at: AppTest) -> str:
    return next(c.value for c in at.main.caption if "Click a row" in c.value)


def this_page(at: AppTest):
    """What this page sends with its next message, for replaying a page that misses the runs
    in between: it keeps the widgets it shows now, with their values (send it with
    ``send_from``). AppTest itself would send the widgets of the last run."""
    return at._tree.get_widget_states()


def moved_on(page, widget, value):
    """``page`` after the analyst set ``widget`` (one of its widgets) to ``value``."""
    widget.set_value(value)
    for state in page.widgets:
        if state.id == widget.id:
            state.CopyFrom(widget._widget_state)
    return page


def send_from(at: AppTest, page) -> None:
    at._run(page)
    assert not at.exception, [e.value for e in at.exception]


# ----------------------------------------------------------------------------- layout


def test_the_first_slider_is_the_date_window(monkeypatch, synthetic_path):
    at = app(monkeypatch, synthetic_path)
    first = at.slider[0]
    assert first.label == "Date window"
    start, end = first.value
    assert isinstance(start, dt.date) and isinstance(end, dt.date) and start < end
    assert len(at.sidebar.slider) == 0  # the sidebar comes first in the page
    assert at.title[0].value == "Datelines"


def test_basemap_defaults_to_natural_earth_and_osm_says_internet(monkeypatch, synthetic_path):
    at = app(monkeypatch, synthetic_path)
    radio = at.sidebar.radio(key="basemap")
    assert radio.value == "natural-earth"
    labels = list(radio.proto.options)
    assert "Natural Earth" in labels[0] and "needs internet" not in labels[0]
    assert "OpenStreetMap" in labels[1] and "needs internet" in labels[1]


# ----------------------------------------------------------------------------- the window


def test_moving_the_slider_changes_the_table(monkeypatch, synthetic_path):
    at = app(monkeypatch, synthetic_path)
    before = events_table(at)
    start, end = at.slider[0].value
    window = (start + dt.timedelta(days=200), start + dt.timedelta(days=260))
    at.slider[0].set_value(window).run()
    after = events_table(at)
    assert 0 < len(after) < len(before)
    best = pd.to_datetime(after["date"]).dt.date
    # Every row's interval overlaps the window (its best day may sit up to a year outside).
    assert (best >= window[0] - dt.timedelta(days=366)).all()
    assert (best <= window[1] + dt.timedelta(days=366)).all()
    assert "events in view" in in_view_caption(at)
    assert at.query_params["start"] == [window[0].isoformat()] or at.query_params["start"] == (
        window[0].isoformat()
    )


def test_play_queues_the_next_window_before_the_slider(monkeypatch, synthetic_path):
    at = app(monkeypatch, synthetic_path)
    start, _ = at.slider[0].value
    at.slider[0].set_value((start, start + dt.timedelta(days=6))).run()
    at.button(key="play").click().run()
    assert at.button(key="play").label.endswith("Pause")
    # What the Play timer does between runs: queue the next window, rerun.
    at.session_state["_pending_window"] = (
        start + dt.timedelta(days=7),
        start + dt.timedelta(days=13),
    )
    at.run()
    assert not at.exception
    assert at.slider[0].value == (start + dt.timedelta(days=7), start + dt.timedelta(days=13))


# ----------------------------------------------------------------------------- filters


def test_place_filter(monkeypatch, synthetic_path):
    at = app(monkeypatch, synthetic_path)
    at.sidebar.multiselect(key="places").set_value(["Palmyra", "Mosul"]).run()
    rows = events_table(at)
    assert len(rows) > 0
    assert set(rows["place"]) == {"Palmyra", "Mosul"}


def test_type_and_source_filters(monkeypatch, synthetic_path):
    at = app(monkeypatch, synthetic_path)
    at.sidebar.multiselect(key="event_types").set_value(["battles"])
    at.sidebar.multiselect(key="sources").set_value(["Reuters"]).run()
    rows = events_table(at)
    assert len(rows) > 0
    assert set(rows["event_type"]) == {"battles"} and set(rows["source"]) == {"Reuters"}


def test_text_filter_is_case_insensitive(monkeypatch, synthetic_path):
    at = app(monkeypatch, synthetic_path)
    at.sidebar.text_input(key="text").input("AIR strike").run()
    rows = events_table(at)
    assert len(rows) > 0
    assert rows["excerpt"].str.lower().str.contains("air strike").all()


def test_undated_toggle(monkeypatch, synthetic_path):
    at = app(monkeypatch, synthetic_path)
    assert events_table(at)["date"].notna().all()
    at.sidebar.toggle(key="show_undated").set_value(True).run()
    # Sorted by date, undated events come last: on the last page.
    last_page = page_box(at).proto.max
    assert events_table(at, page=int(last_page))["date"].isna().any()


# ----------------------------------------------------------------------------- link


def test_query_params_set_the_view_and_round_trip(monkeypatch, synthetic_path):
    query = {
        "start": "2015-03-01",
        "end": "2015-09-30",
        "place": ["Aleppo", "Raqqa"],
        "type": "battles",
        "q": "clashed",
    }
    at = app(monkeypatch, synthetic_path, query)
    assert at.slider[0].value == (dt.date(2015, 3, 1), dt.date(2015, 9, 30))
    assert at.sidebar.multiselect(key="places").value == ["Aleppo", "Raqqa"]
    assert at.sidebar.multiselect(key="event_types").value == ["battles"]
    assert at.sidebar.text_input(key="text").value == "clashed"
    rows = events_table(at)
    assert len(rows) > 0 and set(rows["place"]) <= {"Aleppo", "Raqqa"}

    # The URL the app wrote opens the same view in a new session.
    shared = dict(at.query_params)
    again = app(monkeypatch, synthetic_path, shared)
    assert again.slider[0].value == at.slider[0].value
    assert events_table(again)["id"].tolist() == rows["id"].tolist()


def _send_what_a_fresh_page_shows(at: AppTest, dataset) -> None:
    """Rerun as a browser does that drew a later run's page before the first one: each filter
    widget sends the default its element carries (a value set only in the first run never
    reached it)."""
    micros = at.slider[0].proto.default
    at.slider[0].set_value(
        tuple(dt.datetime.fromtimestamp(v / 1e6, tz=dt.timezone.utc).date() for v in micros)
    )
    for key, options in (
        ("places", dataset.places),
        ("event_types", dataset.event_types),
        ("sources", dataset.sources),
    ):
        widget = at.sidebar.multiselect(key=key)
        widget.set_value([options[i] for i in widget.proto.default])
    at.sidebar.text_input(key="text").set_value(at.sidebar.text_input(key="text").proto.default)
    at.sidebar.toggle(key="show_undated").set_value(at.sidebar.toggle(key="show_undated").proto.default)
    at.checkbox(key="coarse_out").set_value(at.checkbox(key="coarse_out").proto.default)
    for key, values in (("colour_by", ("type", "source")), ("map_display", ("markers", "heat"))):
        at.sidebar.radio(key=key).set_value(values[at.sidebar.radio(key=key).proto.default])
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_a_link_survives_a_page_that_missed_its_first_run(monkeypatch, synthetic_path):
    """Ten sessions opened at once from links on a loaded machine: a page could draw the second
    run before the first, keep the widgets' defaults and send them back, and showed the whole
    span with no place. The link's view is the widgets' default, so what such a page sends is
    the link."""
    from dashboard import view
    from geo import read_events

    dataset = view.build_dataset(read_events(synthetic_path))
    query = {
        "start": "2015-03-01",
        "end": "2015-05-30",
        "place": "Aleppo",
        "type": "battles",
        "q": "clashed",
        "undated": "1",
        "coarse": "1",
        "colour": "source",
        "display": "heat",
    }
    at = app(monkeypatch, synthetic_path, query)
    opened = (
        at.slider[0].value,
        at.sidebar.multiselect(key="places").value,
        at.sidebar.multiselect(key="event_types").value,
        at.sidebar.text_input(key="text").value,
        at.sidebar.toggle(key="show_undated").value,
        at.checkbox(key="coarse_out").value,
        at.sidebar.radio(key="colour_by").value,
        at.sidebar.radio(key="map_display").value,
    )
    assert opened == (
        (dt.date(2015, 3, 1), dt.date(2015, 5, 30)), ["Aleppo"], ["battles"], "clashed",
        True, True, "source", "heat",
    )  # fmt: skip
    caption = in_view_caption(at)
    _send_what_a_fresh_page_shows(at, dataset)
    assert at.slider[0].value == opened[0]
    assert at.sidebar.multiselect(key="places").value == ["Aleppo"]
    assert in_view_caption(at) == caption
    assert (at.query_params["start"], at.query_params["end"]) in (
        ("2015-03-01", "2015-05-30"), (["2015-03-01"], ["2015-05-30"]),
    )  # fmt: skip


def test_a_play_step_survives_a_page_that_missed_its_run(monkeypatch, synthetic_path):
    """A page that had not drawn the run of a Play step (its messages dropped when a later run
    started, or drawn after a later one) still shows the slider it had and sends that window
    back with its next message (a Play tick, a click elsewhere). The step is the window's
    default in a slider drawn anew, so the old slider's window is not taken as the analyst's."""
    at = app(monkeypatch, synthetic_path)
    start, _ = at.slider[0].value
    week = (start, start + dt.timedelta(days=6))
    at.slider[0].set_value(week).run()
    at.button(key="play").click().run()
    page = this_page(at)  # the page that will miss the next run
    at.session_state["_pending_window"] = (  # what the Play timer does between runs
        start + dt.timedelta(days=7),
        start + dt.timedelta(days=13),
    )
    at.run()
    stepped = at.slider[0].value
    assert stepped == (start + dt.timedelta(days=7), start + dt.timedelta(days=13))
    send_from(at, page)  # the page sends what it shows
    assert at.slider[0].value == stepped
    assert at.button(key="play").label.endswith("Pause")  # still playing


def test_a_moved_slider_on_a_page_that_missed_a_play_step_still_counts(monkeypatch, synthetic_path):
    """The analyst's own move of the slider such a page shows is theirs: it sets the window
    and stops Play."""
    at = app(monkeypatch, synthetic_path)
    start, _ = at.slider[0].value
    at.slider[0].set_value((start, start + dt.timedelta(days=6))).run()
    at.button(key="play").click().run()
    page, page_slider = this_page(at), at.slider[0]
    at.session_state["_pending_window"] = (start + dt.timedelta(days=7), start + dt.timedelta(days=13))
    at.run()
    chosen = (start + dt.timedelta(days=30), start + dt.timedelta(days=90))
    send_from(at, moved_on(page, page_slider, chosen))
    assert at.slider[0].value == chosen
    assert at.button(key="play").label.endswith("Play")


def test_typed_dates_survive_a_page_that_drew_a_later_run_first(monkeypatch, synthetic_path):
    """A page that drew a later run before the run of a typed date shows that run's date boxes
    but never took the slider's new window, and sends its old window back. The typed window is
    the default of a slider drawn anew, so the old slider's window is not taken as a move."""
    at = app(monkeypatch, synthetic_path)
    start, end = at.slider[0].value
    old_slider = at.slider[0]._widget_state  # what the page's slider still says afterwards
    typed = start + dt.timedelta(days=100)
    next(box for box in at.date_input if box.label == "From").set_value(typed).run()
    assert at.slider[0].value == (typed, end)
    page = this_page(at)
    for state in list(page.widgets):
        if state.id == at.slider[0].id:
            page.widgets.remove(state)
    page.widgets.append(old_slider)
    send_from(at, page)
    assert at.slider[0].value == (typed, end)


def test_a_brush_survives_a_page_that_missed_its_run(monkeypatch, synthetic_path):
    """A drag across the timeline sets the window; the page that sent the drag and missed the
    run it started still shows its old slider, and sends it again with the same brush."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    at = app(monkeypatch, synthetic_path)
    chart = next(e for e in at.get("vega_lite_chart") if "timeline" in e.proto.id)
    brushed = (dt.date(2015, 6, 1), dt.date(2015, 8, 31))
    ms = [int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc).timestamp() * 1000) for d in brushed]
    page = this_page(at)  # the page with its brush drawn: it will miss the run the brush starts
    page.widgets.append(
        WidgetState(id=chart.proto.id, string_value=json.dumps({"selection": {"brush": {"bin_start": ms}}}))
    )
    send_from(at, page)
    assert at.slider[0].value == brushed
    send_from(at, page)
    assert at.slider[0].value == brushed


def test_a_new_order_starts_on_page_one_on_a_page_that_missed_its_run(monkeypatch, synthetic_path):
    """A new order starts the table on its first page; a page that missed that run still
    shows the page number it had and sends it back: the table stays on page 1."""
    at = app(monkeypatch, synthetic_path)
    at.selectbox(key="table_page_size").set_value(min(PAGE_SIZES)).run()
    page_box(at).set_value(3).run()
    assert "page 3 of" in table_caption(at)
    at.toggle(key="table_desc").set_value(True)
    page = this_page(at)  # Descending on, page 3: it will miss the run that follows
    at.run()
    assert "(descending); page 1 of" in table_caption(at)
    send_from(at, page)
    assert "(descending); page 1 of" in table_caption(at)


def test_a_turn_to_the_selected_row_survives_a_page_that_missed_its_run(monkeypatch, synthetic_path):
    """A marker click turns the table to the clicked event's page; a page that missed that run
    sends back the page number it showed: the table stays on the event's page."""
    at = app(monkeypatch, synthetic_path)
    events_table(at)  # the largest pages: three of them
    event_id = events_table(at, page=3)["id"].iloc[0]
    page_box(at).set_value(1).run()
    page = this_page(at)
    at.session_state["selected_id"] = event_id  # what a marker click sets (see _follow_map)
    at.session_state["_turn_to_selection"] = True
    at.run()
    assert "; page 3 of" in table_caption(at)
    send_from(at, page)
    assert "; page 3 of" in table_caption(at)


def test_query_params_follow_the_widgets(monkeypatch, synthetic_path):
    at = app(monkeypatch, synthetic_path)
    at.sidebar.multiselect(key="sources").set_value(["AFP", "BBC"])
    at.sidebar.text_input(key="text").input("Mosul").run()
    params = at.query_params

    def values(key):
        value = params.get(key)
        return [value] if isinstance(value, str) else list(value or [])

    assert values("source") == ["AFP", "BBC"]
    assert values("q") == ["Mosul"]
    assert {"start", "end"} <= set(params)


# ----------------------------------------------------------------------------- downloads


def test_download_geojson_is_exactly_the_events_in_view(monkeypatch, synthetic_path, downloads):
    at = app(monkeypatch, synthetic_path)
    at.sidebar.multiselect(key="places").set_value(["Aleppo"])
    start, _ = at.slider[0].value
    at.slider[0].set_value((start, start + dt.timedelta(days=300))).run()
    rows = events_table(at)
    caption = in_view_caption(at)
    data = downloads[".geojson"]()
    collection = json.loads(data)
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    features = collection["features"]
    assert sorted(f["properties"]["id"] for f in features) == sorted(rows["id"])
    assert caption.startswith(f"{len(features):,} of")
    for feature in features:
        assert list(feature["properties"]) == list(EVENT_PROPERTIES)
        lon, lat = feature["geometry"]["coordinates"]
        assert feature["properties"]["place"] == "Aleppo"
        assert 36 < lon < 38 and 35 < lat < 37  # Aleppo: lon 37.1, lat 36.2 (lon first)
    csv = downloads[".csv"]()
    csv_text = csv.decode("utf-8") if isinstance(csv, bytes) else csv
    assert csv_text.count("Aleppo") >= len(features)
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download GeoJSON", "Download CSV", "Download GeoParquet"]


# ----------------------------------------------------------------------------- summary, escaping


def test_summary_is_one_click_away(monkeypatch, synthetic_path):
    at = app(monkeypatch, synthetic_path)
    expander = next(e for e in at.expander if e.label == "Ingest summary")
    labels = [m.label for m in expander.metric]
    assert "Events" in labels and "Articles read" in labels


def _walk(node):
    yield node
    children = getattr(node, "children", None) or {}
    for child in children.values():
        yield from _walk(child)


def test_hostile_titles_are_not_rendered_as_html(monkeypatch, synthetic_path):
    at = app(monkeypatch, synthetic_path, {"q": "<"})
    rows = events_table(at)
    assert rows["title"].str.contains("<script>|<img", regex=True).any()
    assert len(at.get("html")) == 0
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(proto, "allow_html", False):
            pytest.fail(f"unsafe_allow_html element: {proto}")
        body = getattr(proto, "body", "") if proto is not None else ""
        for hostile in HOSTILE_STRINGS:
            assert hostile not in body, f"article text reached Markdown: {body!r}"


# ----------------------------------------------------------------------------- seeds


def test_seed_corpus(monkeypatch):
    at = app(monkeypatch, SEEDS)
    rows = events_table(at)
    written = set(rows["place_text"])  # the gazetteer says Tadmur where the article says Palmyra
    for expected in ("Palmyra", "Aleppo", "Mosul", "Raqqa", "Ramadi", "Jisr al-Shughour"):
        assert expected in written, written
    expander = next(e for e in at.expander if e.label == "Ingest summary")
    metrics = {m.label: m.value for m in expander.metric}
    assert metrics["Articles read"] == "5"
    assert metrics["Events"] == f"{len(rows)}"
    report = expander.dataframe[0].value
    assert list(report.columns) == ["file", "status", "events", "reason"]
    assert "README.md" in set(report["file"])  # skipped inputs are listed with their reason


def test_uploaded_article_joins_this_session_only(monkeypatch, tmp_path):
    at = app(monkeypatch, SEEDS)
    before = len(events_table(at))
    article = (
        "Clashes in Mosul\n\nIraqi forces fought Islamic State fighters in Mosul on "
        "3 March 2016, officials said. An air strike hit Fallujah on 4 March 2016.\n"
    ).encode()
    uploader = at.sidebar.file_uploader(key="uploads")
    uploader.set_value(
        [("../../upload_mosul.txt", article, "text/plain"), ("evil.txt", b"\x89PNG\r\n\x1a\n", "text/plain")]
    ).run()
    assert not at.exception, [e.value for e in at.exception]
    rows = events_table(at)
    assert len(rows) > before
    assert "upload_mosul" in set(rows["article"])
    refused = [f for f in at.sidebar.dataframe if "reason" in f.value.columns]
    assert refused and refused[0].value["file"].tolist() == ["evil.txt"]
    # A second session on the same server sees the seeds only.
    other = app(monkeypatch, SEEDS)
    assert len(events_table(other)) == before


# ----------------------------------------------------------------------------- command line


def test_data_argument_after_the_double_dash():
    from dashboard.app import parse_args

    assert parse_args(["--", "--data", "corpus"]).data == "corpus"
    assert parse_args(["--data", "events.geojson"]).data == "events.geojson"
    assert parse_args([]).data == str(SEEDS)
    # pytest's own arguments do not leak in, and no abbreviation of --data is taken.
    assert parse_args(["-q", "tests/test_app.py", "--da", "x"]).data == str(SEEDS)


def test_missing_data_is_reported_not_raised(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "argv", ["dashboard/app.py", "--data", str(tmp_path / "nope")])
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "could not read --data" in at.error[0].value
    assert "nope" in at.text[0].value


# ----------------------------------------------------------------------------- linked views


def test_a_link_that_cannot_be_applied_warns(monkeypatch, synthetic_path):
    at = app(monkeypatch, synthetic_path, {"source": "No Such Wire", "end": "2016-02-31"})
    warning = at.main.warning[0].value
    assert "could not be applied" in warning
    assert "'No Such Wire'" in warning and "'2016-02-31'" in warning
    at.button(key="dismiss_link_warnings").click().run()
    assert not at.main.warning


def test_the_table_holds_every_event_in_view_page_by_page(monkeypatch, synthetic_path):
    at = app(monkeypatch, synthetic_path)
    in_view = int(in_view_caption(at).split(" of ")[0].replace(",", ""))
    assert in_view > max(PAGE_SIZES)
    events_table(at)  # the largest page size
    seen = []
    pages = int(page_box(at).proto.max)
    assert pages == -(-in_view // max(PAGE_SIZES))
    for page in range(1, pages + 1):
        seen += events_table(at, page=page)["id"].tolist()
    assert len(seen) == len(set(seen)) == in_view


def test_the_selected_event_is_in_the_link_and_opens_a_new_session(monkeypatch, synthetic_path):
    at = app(monkeypatch, synthetic_path)
    event_id = events_table(at)["id"].iloc[4]
    at.session_state["selected_id"] = event_id  # what a row click or a marker click sets
    at.run()
    assert at.query_params["event"] in (event_id, [event_id])
    again = app(monkeypatch, synthetic_path, dict(at.query_params))
    assert again.session_state["selected_id"] == event_id
    assert not again.main.warning


def test_download_only_the_maps_extent(monkeypatch, synthetic_path, downloads):
    at = app(monkeypatch, synthetic_path)
    at.session_state["_map_bounds"] = (36.9, 36.0, 37.4, 36.4)  # what the map reports: Aleppo
    at.run()
    at.radio(key="download_scope").set_value("only those inside the map's current extent").run()
    features = json.loads(downloads[".geojson"]())["features"]
    assert features and {f["properties"]["place"] for f in features} == {"Aleppo"}
    parquet = downloads[".parquet"]()
    import io

    import geopandas as gpd

    frame = gpd.read_parquet(io.BytesIO(parquet))
    assert sorted(frame["id"]) == sorted(f["properties"]["id"] for f in features)


def test_play_offers_steps_and_speeds(monkeypatch, synthetic_path):
    at = app(monkeypatch, synthetic_path)
    assert list(at.selectbox(key="play_speed").options) == ["1×", "2×", "4×"]
    assert list(at.selectbox(key="play_step").options) == ["its width", "a day", "a week", "a month"]
    at.selectbox(key="play_step").set_value("month")
    at.selectbox(key="play_speed").set_value(4).run()
    assert not at.exception
    assert at.session_state["play_step"] == "month" and at.session_state["play_speed"] == 4


def test_the_maps_reports_wait_for_a_run_in_progress(monkeypatch, synthetic_path):
    """Under load a review shortcut ("y") or a button click was lost: the map, following the
    review, reported its new view just after the page had sent the trigger; a full-app rerun
    stops the run in progress, and a run stopped before its callbacks loses its trigger (the
    page sends a trigger once). The map is drawn in a fragment, so its reports are fragment
    reruns, which Streamlit lets wait for the run in progress (streamlit's
    ``_fragment_run_should_not_preempt_script``)."""
    import streamlit_folium
    from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

    drawn_in: list[str | None] = []

    def fake_st_folium(*args, **kwargs):
        drawn_in.append(ThreadState.get().fragment_id)
        return None

    monkeypatch.setattr(streamlit_folium, "st_folium", fake_st_folium)
    app(monkeypatch, synthetic_path)
    assert drawn_in and all(fragment is not None for fragment in drawn_in), drawn_in
