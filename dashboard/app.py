"""Datelines dashboard: dated, geolocated events on a map, with a date window and filters.

    streamlit run dashboard/app.py -- --data PATH

PATH is a folder of articles (ingested once, then cached) or a .geojson/.parquet file written by
``datelines ingest``; without ``--data`` the repository's seeds/ folder is shown. The logic lives
in ``dashboard.view`` (filter, timeline, link) and ``dashboard.uploads``; this file wires widgets
to it. Article text is data: it reaches the page only through st.dataframe and the map's
escaped popups, never through HTML or Markdown.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts dashboard/ on the path
    sys.path.insert(0, str(_ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

# Only what the slider and the map need is imported here: a new server imports everything on
# its first page, and each import before the map is time the analyst waits for it. The map's
# folium and streamlit-folium (0.4-0.6 s) come after the slider is sent (the browser draws the
# page meanwhile); the downloads (geo's export, which imports the events pipeline: 0.2-0.3 s)
# and the timeline's altair only once the page below the map is drawn.
from dashboard import frames, link, review_panel, table, uploads, view  # noqa: E402
from geo.schema import REPORT_COLUMNS  # noqa: E402

if TYPE_CHECKING:
    import altair as alt  # imported where the timeline is drawn: 0.4-0.8 s the map need not wait

    from dashboard.mapview import MapState

PLAY_STEP_SECONDS = 2.0  # at 1×
#: Replaced sliders whose last window is kept (see _on_window_moved); an older one is ignored.
RETIRED_SLIDERS_KEPT = 16
PLAY_SPEEDS = {1: "1×", 2: "2×", 4: "4×"}
PLAY_STEP_LABELS = {"window": "its width", "day": "a day", "week": "a week", "month": "a month"}
NARROW_WIDTH = 900  # px; under it the sidebar starts collapsed so the map gets the width
# Streamlit's "auto" sidebar collapses only under its 768 px mobile breakpoint, and the server
# cannot see the window's width: a few lines in the page collapse it once per tab (a user who
# opens it again keeps it open). Hand-written: no Streamlit option or library does this.
_COLLAPSE_WHEN_NARROW = f"""<!DOCTYPE html><html><head></head><body style="margin:0"><script>
(() => {{
  const doc = window.parent.document === undefined ? document : window.parent.document;
  const win = doc.defaultView || window;
  if (win.innerWidth >= {NARROW_WIDTH} || win.sessionStorage.getItem("datelines-narrow")) return;
  const tryCollapse = (left) => {{
    const button = doc.querySelector('[data-testid="stSidebarCollapseButton"] button');
    const sidebar = doc.querySelector('[data-testid="stSidebar"]');
    if (button && sidebar && sidebar.getAttribute("aria-expanded") !== "false") {{
      win.sessionStorage.setItem("datelines-narrow", "1");
      button.click();
    }} else if (left > 0) setTimeout(() => tryCollapse(left - 1), 100);
  }};
  tryCollapse(50);
}})();
</script></body></html>"""
#: Seconds the page below the map waits for the map to report its events drawn.
BELOW_MAP_WAIT_SECONDS = 6.0
TABLE_ROW_HEIGHT = 84  # px; over 64 px Streamlit wraps long text, so the excerpt is readable
BASEMAPS = {
    "natural-earth": "Natural Earth (offline)",
    "osm": "OpenStreetMap tiles (needs internet)",
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Arguments after ``--`` on the streamlit command line (``--data PATH``)."""
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    parser = argparse.ArgumentParser(prog="dashboard/app.py", allow_abbrev=False, add_help=False)
    parser.add_argument("--data", default=str(_ROOT / "seeds"))
    # Your own gazetteer (GeoNames dump files or a CSV name,lat,lon[,country]) for ingesting.
    parser.add_argument("--gazetteer", default=None)
    parser.add_argument("--review", default=None)  # review file; default beside --data
    args, _unknown = parser.parse_known_args(argv)
    if args.gazetteer:
        os.environ["DATELINES_GAZETTEER"] = args.gazetteer  # read by geo.gazetteer.index.load_gazetteer
    return args


def _collapse_when_narrow() -> None:
    """A 1 px frame running _COLLAPSE_WHEN_NARROW (same origin; not st.html: the page never
    renders HTML). ``st.iframe``, not the deprecated ``components.html``, which wrote a
    deprecation warning to the server log on every run. Its height is fixed: st.iframe takes no
    0, and "content" measures an empty page as 150 px (and a page without a body throws)."""
    st.iframe(_COLLAPSE_WHEN_NARROW, height=1, alt="Sidebar layout")


def _name_the_page(data: str, dataset: view.Dataset) -> None:
    """The browser tab names the corpus and its counts ("seeds: 62 events, 5 articles")."""
    articles = dataset.summary.get("articles")
    counts = f"{len(dataset):,} events" + (f", {int(articles):,} articles" if articles else "")
    name = Path(data).name or str(data)
    st.set_page_config(page_title=f"{name}: {counts} · Datelines")


def _load_with_progress(path: str) -> view.Dataset:
    """The data set at ``path``, with a progress bar while a folder's articles are ingested.

    The bar shows from the first second (articles done / total and what is happening) and is
    gone once the map can be drawn; a cached data set never shows it.
    """
    bar = st.empty()

    def on_progress(done: int, total: int, what: str) -> None:
        share = done / total if total else 0.0
        counts = f" — {done:,} / {total:,} articles" if total else ""
        bar.progress(min(1.0, share), text=f"{what}{counts}")

    dataset = view.load_dataset(path, on_progress=on_progress)
    bar.empty()
    return dataset


def _queue_window(window: tuple[dt.date, dt.date]) -> None:
    """Ask for a new slider window; it is applied before the slider exists on the next run."""
    st.session_state["_pending_window"] = window


def _redraw(name: str, value: object) -> None:
    """Set the widget ``name`` (the slider, the table's page box) to ``value`` as the link sets
    the filters: as the default of a widget drawn anew, under a new key (:func:`_drawn_key`).

    A value written into a widget's state reaches the page once, in that run's widgets. A page
    that missed that run (its messages dropped when a later run started) or drew a later one
    first keeps the old value and sends it back as if chosen: a Play step, a brush, typed dates
    or a new order's first page undone. A new widget takes its default on any page that draws
    it, and what a page still sends for the old one is the old one's (see _on_window_moved)."""
    state = st.session_state
    state[f"_{name}_drawn"] = int(state.get(f"_{name}_drawn", 0)) + 1
    state[f"_{name}_default"] = value


def _drawn_key(name: str) -> str:
    """The key of the widget ``name`` drawn last (see :func:`_redraw`)."""
    return f"{name}@{st.session_state.get(f'_{name}_drawn', 0)}"


def _initialise_state(dataset: view.Dataset) -> None:
    """First run of a session: read the link's view once, from the query string it opened with.

    The link's filters, basemap and map options become the widgets' defaults (``_link``; see
    :func:`_opened_with`), not values written into their state: Streamlit sends a value written
    into a widget's state to the page once, in this run's widgets, and the page takes it only
    when it draws that widget. Under load a page that had not kept the widgets' own defaults
    (the whole span, no place) and sent them back as if chosen (ten sessions opened together
    from links). A default is sent with every run. What the link asked for but cannot be
    applied is kept in ``_link_warnings`` and shown.
    """
    state = st.session_state
    if state.get("_initialised"):
        return
    shared = link.read_link(st.query_params.get_all, dataset, basemaps=list(BASEMAPS))
    state["_link"] = shared
    state["playing"] = False
    state["_link_warnings"] = list(shared.warnings)
    view_ = shared.map_view
    # The map opens where the link says, once; later reruns must pass the same (see show_map).
    state["_initial_view"] = None if view_ is None else (view_.lat, view_.lon, view_.zoom)
    state["_map_view"] = view_
    state["selected_id"] = shared.event
    state["_pan_to_selection"] = view_ is None  # the link's own view wins over the event's
    state["_initialised"] = True


def _opened_with() -> link.Link:
    """The view the session's link asked for (read once, on its first run): the widgets'
    defaults, which the browser shows until the analyst moves them."""
    return st.session_state["_link"]


def _clamp_window(
    window: tuple[dt.date, dt.date], bounds: tuple[dt.date, dt.date]
) -> tuple[dt.date, dt.date]:
    start, end = (min(max(day, bounds[0]), bounds[1]) for day in window)
    return min(start, end), max(start, end)


def _window_default(bounds: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """The window the slider is drawn with: the last one the program set (Play, the timeline,
    the date boxes), else the link's; inside the data's dates (uploads may change them)."""
    filters = _opened_with().filters
    window = st.session_state.get("_window_default") or (filters.start, filters.end)
    return _clamp_window(window, bounds)


def _window() -> tuple[dt.date, dt.date]:
    """The slider's window in this run."""
    return tuple(st.session_state[_drawn_key("window")])


def _fit_state_to(dataset: view.Dataset, bounds: tuple[dt.date, dt.date]) -> None:
    """Apply a window queued by Play, the timeline or the date boxes, as a new slider (see
    :func:`_redraw`); keep widget state valid when the data changes (uploads): clamp dates,
    drop lost options.

    A widget not drawn yet has no state: it will show the link's view (its default)."""
    state = st.session_state
    pending = state.pop("_pending_window", None)
    key = _drawn_key("window")
    if pending is not None or key in state:
        current = tuple(state.get(key, _window_default(bounds)))
        window = _clamp_window(pending or current, bounds)
        if window != current:
            # The replaced slider's window, to tell its page's later messages from a move.
            retired = {**state.get("_retired_windows", {}), key: current}
            state["_retired_windows"] = dict(list(retired.items())[-RETIRED_SLIDERS_KEPT:])
            _redraw("window", window)
    for key, options in (
        ("places", dataset.places),
        ("event_types", dataset.event_types),
        ("sources", dataset.sources),
    ):
        if key not in state:
            continue
        allowed = set(options)
        kept = [value for value in state[key] if value in allowed]
        if kept != list(state[key]):
            state[key] = kept


def _toggle_play() -> None:
    st.session_state["playing"] = not st.session_state.get("playing", False)


def _stop_play() -> None:
    st.session_state["playing"] = False


def _on_window_moved(key: str) -> None:
    """The analyst moved the slider: Play stops. A move on a slider the program had replaced
    (on a page that has not drawn the new one yet) sets the window too.

    Such a slider also reports the window it showed when it was replaced (Streamlit counts a
    value it no longer knows as changed): that is no move, and changes nothing."""
    state = st.session_state
    if key != _drawn_key("window"):
        moved = state.get(key)
        held = state.get("_retired_windows", {}).get(key)
        if moved is None or held is None or tuple(moved) == held:
            return
        _queue_window(tuple(moved))
    _stop_play()


def _write_query(filters: view.Filters) -> None:
    """Mirror the view (filters, basemap, map view, selection) to the URL, touching only keys
    whose value changed; keys this function does not know are left alone."""
    state = st.session_state
    shared = link.Link(
        filters=filters,
        basemap=state["basemap"],
        map_view=state.get("_map_view"),
        event=state.get("selected_id"),
        colour_by=state.get("colour_by", "type"),
        display=state.get("map_display", "markers"),
        coarse_out=bool(state.get("coarse_out", False)),
    )
    wanted = link.link_to_query(shared, default_basemap=next(iter(BASEMAPS)))
    for key in link.LINK_KEYS:
        value = wanted.get(key)
        values = [] if value is None else ([value] if isinstance(value, str) else list(value))
        if st.query_params.get_all(key) == values:
            continue
        if values:
            st.query_params[key] = values if len(values) > 1 else values[0]
        else:
            del st.query_params[key]


def _upload_sidebar(base: view.Dataset) -> view.Dataset:
    """Sidebar uploader; returns ``base`` joined with this session's uploaded articles.

    Uploads are ingested once per set of files and kept in this session's state, never in the
    shared caches: another session cannot see them, and they cannot evict the shared corpus.
    """
    state = st.session_state
    with st.sidebar.expander("Add articles", expanded=False):
        files = st.file_uploader(
            "Article files",
            type=[suffix.lstrip(".") for suffix in uploads.ALLOWED_SUFFIXES],
            accept_multiple_files=True,
            key="uploads",
            help=(
                "Plain text, Markdown or HTML articles, plus at most one CSV manifest "
                "(file,title,source,published[,url]) or JSON Lines file; up to "
                f"{uploads.MAX_FILE_BYTES // 2**20} MB a file and "
                f"{uploads.MAX_TOTAL_BYTES // 2**20} MB in all. Only you see them."
            ),
        )
        if not files:
            state.pop("_upload", None)
            state.pop("_combined", None)
            return base
        signature = tuple((f.file_id, f.name, f.size) for f in files)
        if state.get("_upload", (None,))[0] != signature:
            if "_upload_folder" not in state:  # deleted with the session (see new_session_folder)
                state["_upload_folder"] = uploads.new_session_folder()
            batch = uploads.save_uploads(
                ((f.name, f.getvalue()) for f in files), Path(state["_upload_folder"].name)
            )
            extra, error = None, None
            if batch.written:
                try:
                    extra = view.read_dataset(batch.folder)
                except (ValueError, OSError) as err:
                    error = str(err)
            state["_upload"] = (signature, batch, extra, error)
        _, batch, extra, error = state["_upload"]
        if batch.rejected:
            st.warning(f"{len(batch.rejected)} file(s) refused")
            st.dataframe(
                pd.DataFrame(
                    [(r.name, r.reason) for r in batch.rejected], columns=["file", "reason"]
                ),
                hide_index=True,
            )
        if error is not None:
            st.error("The uploaded articles could not be read.")
            st.text(error)
        if extra is None:
            return base
        st.caption(f"{len(batch.written)} file(s) added: {len(extra):,} events")
    # One combined frame per base and upload set, so the map publishes it once (by identity).
    combined_key = (id(base), id(extra))
    cached = state.get("_combined")
    if cached is None or cached[0] != combined_key:
        cached = (combined_key, view.combine_datasets(base, extra))
        state["_combined"] = cached
    return cached[1]


def _hold_upload_payload(dataset: view.Dataset, base: view.Dataset) -> None:
    """Keep the map file of this session's uploads only while the session lives: the lease in
    the session's state deletes it when the session ends or its uploads change."""
    state = st.session_state
    if dataset is base:
        state.pop("_payload_lease", None)
        return
    from dashboard import mapview

    url, _ = mapview._published(dataset.events, dataset.fingerprint)  # just published: a hit
    path = mapview._file_of(url)
    lease = state.get("_payload_lease")
    if lease is None or lease.path != path:
        state["_payload_lease"] = uploads.lease_payload(path)


def _timeline_chart(
    counts: pd.DataFrame, freq: str, window: tuple[dt.date, dt.date] | None = None
) -> alt.Chart:
    """Bars of events per bin; the bins the window overlaps in the theme's red.

    Dragging across it draws a brush (the ``brush`` selection) that sets the window; the brush
    opens on ``window`` (None: no brush, the whole span), so a double-click, which clears it,
    resets the window to the whole span.
    """
    import altair as alt  # here, not at the top: the map is drawn before the first import

    label = f"Events per {freq}"
    bars = counts.assign(
        bin_stop=pd.to_datetime(counts["bin_end"]) + pd.Timedelta(days=1),
        bin_start=pd.to_datetime(counts["bin_start"]),
        window=np.where(counts["in_window"], "in the window", "outside"),
    )
    return (
        alt.Chart(bars)
        .mark_rect()
        .encode(
            x=alt.X("bin_start:T", title=None),
            x2="bin_stop:T",
            y=alt.Y("events:Q", title=label),
            y2=alt.datum(0),
            color=alt.Color(
                "window:N",
                scale=alt.Scale(
                    domain=["in the window", "outside"], range=["#b3261e", "#c9c4ba"]
                ),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("bin_start:T", title="from"),
                alt.Tooltip("bin_end:T", title="to"),
                alt.Tooltip("events:Q", title="events"),
            ],
        )
        .add_params(_brush(window))
        .properties(height=140)
    )


def main() -> None:
    st.set_page_config(page_title="Datelines", page_icon=":world_map:", layout="wide")
    args = parse_args(sys.argv[1:])
    try:
        base = _load_with_progress(args.data)
    except (OSError, ValueError) as err:
        st.error("Datelines could not read --data.")
        st.text(f"{args.data}: {err}")
        st.stop()
    if base.summary.get("problems"):  # a hand-made events file: say what the map leaves out
        st.warning("Some of --data could not be shown and was dropped: " + "; ".join(base.summary["problems"]))

    with st.sidebar:  # narrow windows (issue 14): the map takes the width
        _collapse_when_narrow()
    dataset = _upload_sidebar(base)
    review_file = review_panel.review_path(args.data, args.review)  # review (issue 13)
    dataset = review_panel.reviewed(dataset, review_file)
    _name_the_page(args.data, dataset)
    bounds = dataset.bounds()
    _initialise_state(dataset)
    _fit_state_to(dataset, bounds)  # also applies a window queued by Play

    st.title("Datelines")
    window_key = _drawn_key("window")
    window = st.slider(
        "Date window",
        min_value=bounds[0],
        max_value=bounds[1],
        value=_window_default(bounds),
        step=dt.timedelta(days=1),
        format="YYYY-MM-DD",
        key=window_key,
        on_change=_on_window_moved,
        args=(window_key,),
        help="Events whose possible dates overlap this window are on the map.",
    )

    controls = st.columns([1, 1, 1, 3, 3])
    playing = st.session_state.get("playing", False)
    controls[0].button(
        "⏸ Pause" if playing else "▶ Play",
        key="play",
        on_click=_toggle_play,
        help="Step the window forward every few seconds (Step and Speed say how).",
    )
    controls[1].selectbox("Step", view.PLAY_STEPS, key="play_step", format_func=PLAY_STEP_LABELS.get)
    controls[2].selectbox("Speed", list(PLAY_SPEEDS), key="play_speed", format_func=PLAY_SPEEDS.get)
    controls[0].checkbox(
        "Exact frames",
        value=_opened_with().coarse_out,
        key="coarse_out",
        help="Leave out events dated more coarsely than the window (a 'year of 2016' event "
        "is not in a month's frame).",
    )

    filters = _sidebar_filters(dataset, window)
    mask = view.event_mask(dataset, filters)
    mask &= review_panel.sidebar_mask(dataset)  # review (issue 13): status, country, rejected
    if st.session_state.get("coarse_out"):
        mask &= frames.fits_frame(dataset, window)
    in_view = int(mask.sum())
    # Parts that come and go (the link's warnings, Play's ticker) sit in containers that are
    # always there: an element appearing above the map would shift the position of every
    # element below it, and Streamlit would re-create them (the map's frame reloaded, a key
    # press or a form being typed into lost).
    with st.container():
        _show_link_warnings()

    _typed_dates(controls[3], window, bounds)
    controls[4].caption(
        f"{in_view:,} of {len(dataset):,} events in view · "
        f"{filters.start:%d %b %Y} – {filters.end:%d %b %Y}"
    )

    with st.container():
        if playing:
            _play_ticker(bounds)

    map_shown = _show_map(dataset, mask)
    _hold_upload_payload(dataset, base)  # uploads' map file lives only as long as the session

    if _below_map_ready(map_shown):
        with st.container(key="below_map"):
            _timeline(dataset, filters, bounds)
            st.subheader("Events in view")
            _events_table(dataset, mask)
            _download_buttons(dataset, mask, filters)
            review_panel.panel(dataset, mask, review_file)  # review (issue 13)
            with st.expander("Ingest summary"):
                _show_summary(dataset)
    else:
        with st.container(key="below_map_waiting"):
            _await_map()
    _write_query(filters)  # last: the map and the table may have changed the selection


def _brush(window: tuple[dt.date, dt.date] | None) -> alt.Parameter:
    """The timeline's interval selection, drawn over ``window`` when there is one."""
    import altair as alt
    if window is None:
        return alt.selection_interval(name="brush", encodings=["x"])
    ends = [alt.DateTime(year=d.year, month=d.month, date=d.day) for d in window]
    return alt.selection_interval(name="brush", encodings=["x"], value={"x": ends})


def _timeline(dataset: view.Dataset, filters: view.Filters, bounds: tuple[dt.date, dt.date]) -> None:
    """Events over time under the map; drag across it to set the window, double-click to reset."""
    freq = view.timeline_freq(bounds)
    window = (filters.start, filters.end)
    counts = view.timeline_counts(
        dataset, view.event_mask(dataset, filters, use_window=False), window, freq=freq
    )
    st.session_state["_timeline_bounds"] = bounds
    st.altair_chart(
        _timeline_chart(counts, freq, None),  # no brush drawn back: a redrawn brush re-sent a stale window and undid slider moves
        width="stretch",
        key="timeline",
        on_select=_on_brush,
        selection_mode="brush",
    )
    st.caption(
        f"Events per {freq} by their best date; red: the {freq}s the window overlaps. "
        "Drag across the bars to set the window; double-click to show the whole span."
    )


def _on_brush() -> None:
    """A brush on the timeline becomes the window; a cleared brush (double-click) resets it."""
    state = st.session_state
    bounds = state.get("_timeline_bounds")
    if bounds is None:
        return
    selection = state["timeline"].selection.get("brush") or {}
    interval = next(iter(selection.values()), None) if selection else None
    window = view.window_from_brush(interval, bounds)
    _stop_play()
    _queue_window(window or bounds)


def _on_typed_dates(start_key: str, end_key: str) -> None:
    """Dates typed into From / To become the window.

    A pair of boxes drawn for an earlier window can still report its dates after the page
    moved on (the browser sends what it holds before the new boxes arrive, and Streamlit
    counts a value it no longer knows as changed): boxes that still hold the dates they were
    drawn with (the dates are in their key) were not typed into and change nothing.
    """
    state = st.session_state
    start, end = state.get(start_key), state.get(end_key)
    if (str(start), str(end)) == _drawn_dates(start_key, end_key):
        return
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        _stop_play()
        _queue_window((min(start, end), max(start, end)))


def _drawn_dates(start_key: str, end_key: str) -> tuple[str, str]:
    """The window a pair of From / To boxes was drawn with, read back from their keys."""
    start, _, end = start_key.partition("@")[2].partition("~")
    return start, end


def _typed_dates(column, window: tuple[dt.date, dt.date], bounds: tuple[dt.date, dt.date]) -> None:
    """From / To date boxes beside Play, showing the window and setting it when typed.

    The boxes follow the slider, so the program sets them. Their keys carry the window: the
    program never writes into a widget's state, it draws a new pair of boxes for a new window.
    (Writing ``st.session_state[key]`` before the widget is not safe here: a browser message
    sent before that run's values reached it, a fast key press on the slider or the map
    reporting its view, brings the old dates back as if typed, and the slider jumped back.)
    """
    keys = tuple(f"typed_{side}@{window[0]}~{window[1]}" for side in ("start", "end"))
    boxes = column.columns(2)
    for box, key, label, value in ((boxes[0], keys[0], "From", window[0]), (boxes[1], keys[1], "To", window[1])):
        box.date_input(
            label,
            value=value,
            min_value=bounds[0],
            max_value=bounds[1],
            key=key,
            format="YYYY-MM-DD",
            on_change=_on_typed_dates,
            args=keys,
        )


def _show_link_warnings() -> None:
    """The parts of the opening link that could not be applied, until the analyst closes them."""
    warnings = st.session_state.get("_link_warnings") or []
    if not warnings:
        return
    box = st.container(key="link_warnings")
    box.warning("This link could not be applied in full:\n\n" + "\n".join(f"- {w}" for w in warnings))
    if box.button("Dismiss", key="dismiss_link_warnings"):
        st.session_state["_link_warnings"] = []
        st.rerun()


def _selected_position(dataset: view.Dataset) -> int | None:
    """Position of the selected event (``selected_id``) in the data set, None if none."""
    selected = st.session_state.get("selected_id")
    if not selected:
        return None
    found = np.flatnonzero(dataset.events["id"].astype("string").to_numpy() == selected)
    return int(found[0]) if len(found) else None


def _below_map_ready(map_shown: bool) -> bool:
    """Whether this run draws the page below the map (timeline, table, downloads, review).

    On a session's first runs it waits until the map reports its events drawn: at 36,000
    events the map's download and drawing shared the server (the script run) and the page's
    main thread (the table, the chart) with them, and the map came seconds later. There is
    nothing to wait for when the map could not be shown, nor in a headless run (AppTest).
    """
    if st.session_state.get("_map_drawn") or not map_shown:
        return True
    from streamlit import config  # AppTest patches config.get_option, not st.get_option

    return bool(config.get_option("global.appTest"))


def _await_map() -> None:
    """Say what follows the map; draw it anyway after BELOW_MAP_WAIT_SECONDS without word
    from the map (a map that could not load its events must not hide the table)."""
    st.session_state["_await_inline"] = True

    @st.fragment(run_every=BELOW_MAP_WAIT_SECONDS)
    def waiting() -> None:
        state = st.session_state
        if state.pop("_await_inline", False):  # the run inside the full run: say what comes
            st.caption("The timeline, the table and the review follow once the map is drawn…")
            return
        state["_map_drawn"] = True
        st.rerun(scope="app")

    waiting()


def _show_map(dataset: view.Dataset, mask: np.ndarray) -> bool:
    """The map, with the selected event's popup open; reads back clicks, centre and zoom.

    The map is a fragment, so what it reports (a pan, a zoom, a click, its events drawn) is a
    fragment rerun. Streamlit lets a fragment rerun wait for a run in progress, while a
    full-app rerun stops it, and a run stopped before its callbacks loses the trigger it
    carried (the page sends a trigger once): the map following a review decision reported its
    new view just after the next "y" was sent, and that "y" was lost. The fragment run then
    reruns the whole app when the report changed anything, so the page is drawn as before.

    False when the map could not be shown (its browser files are missing)."""
    state = st.session_state
    state["_map_inline"] = True
    shown = [True]

    @st.fragment
    def the_map() -> None:
        inline = state.pop("_map_inline", False)  # False: a rerun of the map alone
        reported = _draw_map(dataset, mask)
        if reported is None:
            shown[0] = False
            return
        if _follow_map(dataset, reported) and not inline:
            st.rerun(scope="app")

    the_map()
    return shown[0]


def _draw_map(dataset: view.Dataset, mask: np.ndarray) -> MapState | None:
    """The map itself (see :func:`_show_map`); None when its browser files are missing."""
    from dashboard.assets import AssetsMissing
    from dashboard.mapview import map_state, show_map  # folium: imported once the slider is sent

    state = st.session_state
    position = _selected_position(dataset)
    if position is not None and not mask[position]:
        position = None  # out of view: no popup for an event the map does not show
    try:
        return show_map(
            dataset.events,
            mask,
            key="map",
            basemap=state["basemap"],
            height=560,
            selected=position,
            pan=bool(state.get("_pan_to_selection", True)),
            centre=state.get("_initial_view"),
            colour_by=state.get("colour_by", "type"),
            display=state.get("map_display", "markers"),
            caption=f"{int(mask.sum()):,} events · {_window()[0]:%d %b %Y} – "
            f"{_window()[1]:%d %b %Y}",
            fingerprint=dataset.fingerprint,
            # Only while the page below waits: each report reruns the app, and a rerun for
            # every new map frame (a review decision makes one) races the analyst's clicks.
            # Read from the value the map has just sent, so the request stops in the very run
            # that hears the report (a late change re-sent the old selection after a click).
            report_drawn=not (state.get("_map_drawn") or map_state(state.get("map")).drawn),
        )
    except AssetsMissing as err:  # the table, timeline and downloads still work
        st.error("The map's browser files are not installed: run `make assets`.")
        st.text(str(err))
        return None


def _follow_map(dataset: view.Dataset, reported: MapState) -> bool:
    """A marker click selects its event (and the table turns to its row); pans go to the link.

    True when the report changed what the page shows (the selection, the view, the map drawn)."""
    state = st.session_state
    before = _what_the_map_said()
    if reported.drawn:
        state["_map_drawn"] = True  # the page below the map follows (see _below_map_ready)
    if reported.centre is not None and reported.zoom is not None:
        state["_map_view"] = link.MapView(*reported.centre, zoom=reported.zoom)
    if reported.bounds is not None:
        state["_map_bounds"] = reported.bounds
    if reported.click_token and reported.click_token != state.get("_last_click"):
        state["_last_click"] = reported.click_token
        if reported.clicked is not None and reported.clicked < len(dataset):
            state["selected_id"] = str(dataset.events["id"].iloc[reported.clicked])
            state["_turn_to_selection"] = True
    return _what_the_map_said() != before


def _what_the_map_said() -> tuple:
    """What the page keeps of the map's reports: drawn, view, extent, last click."""
    state = st.session_state
    return tuple(state.get(key) for key in ("_map_drawn", "_map_view", "_map_bounds", "_last_click"))


def _on_table_select() -> None:
    """A row picked in the table selects its event: the map opens its popup and pans to it."""
    state = st.session_state
    picked = state["events_table"].selection.rows
    rows = state.get("_table_rows", [])
    if picked and picked[0] < len(rows):
        state["selected_id"] = rows[picked[0]]
        state["_pan_to_selection"] = True


def _first_page() -> None:
    """A new order or page size starts the table on its first page (a new page box)."""
    _redraw("table_page", 1)


def _table_controls() -> tuple[str, bool, int, list[str]]:
    """Sort key, direction, page size and columns of the events table."""
    controls = st.columns([2, 1, 1, 4])
    by = controls[0].selectbox(
        "Sort by", list(table.SORT_KEYS), key="table_sort", on_change=_first_page
    )
    descending = controls[1].toggle("Descending", key="table_desc", on_change=_first_page)
    size = controls[2].selectbox(
        "Rows a page", table.PAGE_SIZES, index=1, key="table_page_size", on_change=_first_page
    )
    columns = controls[3].multiselect(
        "Columns", view.TABLE_COLUMNS, default=list(table.DEFAULT_COLUMNS), key="table_columns"
    )
    return by, descending, int(size), list(columns)


def _events_table(dataset: view.Dataset, mask: np.ndarray) -> None:
    """Every event in view, one page at a time, sorted on the server; the selected row marked."""
    state = st.session_state
    by, descending, size, columns = _table_controls()
    rows = table.sorted_rows(dataset, mask, by=by, descending=descending)
    pages = table.page_count(len(rows), size)
    selected = _selected_position(dataset)
    if state.pop("_turn_to_selection", False) and selected is not None:
        _redraw("table_page", table.page_of(rows, selected, page_size=size) or 1)
    page_key = _drawn_key("table_page")
    first_page = min(int(state.get("_table_page_default", 1)), pages)
    if int(state.get(page_key, first_page)) > pages:
        state[page_key] = pages  # fewer pages now (written again while a page sends more)
    page = int(state.get(page_key, first_page))
    shown = table.page_rows(rows, page=page, page_size=size)
    state["_table_rows"] = [str(v) for v in dataset.events["id"].iloc[shown]]
    frame = table.page_frame(dataset, shown, columns=columns)
    # The selected event's row is marked in a first column (cheaper than a pandas Styler,
    # which costs every rerun, slider moves included).
    frame.insert(0, "selected", np.where(shown == selected, "▶", ""))
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        key="events_table",
        on_select=_on_table_select,
        selection_mode="single-row",
        row_height=TABLE_ROW_HEIGHT if "excerpt" in frame.columns else None,
        column_config={
            "excerpt": st.column_config.TextColumn("excerpt", width="large"),
            "title": st.column_config.TextColumn("title", width="medium"),
            "selected": st.column_config.TextColumn("", width=24, help="the selected event"),
        },
    )
    footer = st.columns([1, 4])
    footer[0].number_input(
        "Page", min_value=1, max_value=pages, value=first_page, step=1, key=page_key
    )
    first = (page - 1) * size
    footer[1].caption(
        f"Events {first + 1 if len(rows) else 0:,}–{first + len(shown):,} of {len(rows):,} "
        f"in view, by {by}{' (descending)' if descending else ''}; page {page} "
        f"of {pages:,}. Click a row to show it on the map."
    )


def _sidebar_filters(dataset: view.Dataset, window: tuple[dt.date, dt.date]) -> view.Filters:
    """The sidebar's filters and basemap choice (no slider here: the sidebar comes first).

    Each widget's default is the session's link (see _initialise_state)."""
    opened = _opened_with()
    shown = opened.filters
    with st.sidebar:
        st.header("Filters")
        for label, key, options, chosen, format_func in (
            ("Place", "places", dataset.places, shown.places, dataset.place_label),
            ("Event type", "event_types", dataset.event_types, shown.event_types, str),
            ("Source", "sources", dataset.sources, shown.sources, str),
        ):
            allowed = set(options)
            st.multiselect(
                label,
                options,
                default=[value for value in chosen if value in allowed],
                key=key,
                format_func=format_func,
            )
        st.text_input("Text contains", value=shown.text, key="text", max_chars=200)
        st.toggle("Show undated events", value=shown.show_undated, key="show_undated")
        st.radio(
            "Colour markers by",
            link.COLOUR_BY,
            index=link.COLOUR_BY.index(opened.colour_by),
            format_func={"type": "event type", "source": "source"}.get,
            key="colour_by",
            horizontal=True,
        )
        st.radio(
            "Show events as",
            link.DISPLAYS,
            index=link.DISPLAYS.index(opened.display),
            format_func={"markers": "markers", "heat": "heatmap"}.get,
            key="map_display",
            horizontal=True,
        )
        st.radio(
            "Basemap",
            list(BASEMAPS),
            index=list(BASEMAPS).index(opened.basemap),
            format_func=BASEMAPS.__getitem__,
            key="basemap",
            help="OpenStreetMap tiles are fetched from the internet; Natural Earth is built in.",
        )
    state = st.session_state
    return view.Filters(
        start=window[0],
        end=window[1],
        show_undated=bool(state["show_undated"]),
        places=tuple(state["places"]),
        event_types=tuple(state["event_types"]),
        sources=tuple(state["sources"]),
        text=str(state["text"]),
    )


def _download_buttons(dataset: view.Dataset, mask: np.ndarray, filters: view.Filters) -> None:
    """The events in view (or only those in the map's extent) as GeoJSON, CSV and GeoParquet,
    each built only when clicked."""
    from dashboard import downloads  # geo's export: the events pipeline, not needed for the map

    extent = st.session_state.get("_map_bounds")
    scope = st.radio(
        "Download",
        ["events in view", "only those inside the map's current extent"],
        key="download_scope",
        horizontal=True,
        disabled=extent is None,
        help="The extent is what the map shows now; pan or zoom the map to change it.",
    )
    visible = mask.copy()  # this run's view, whatever later runs do to theirs
    if extent is not None and scope != "events in view":
        visible &= downloads.inside_extent(dataset.events, extent)
    stamp = f"{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
    st.caption(f"{int(visible.sum()):,} events in the download.")
    columns = st.columns(len(downloads.FORMATS))
    for column, (name, (suffix, mime, writer)) in zip(columns, downloads.FORMATS.items()):
        column.download_button(
            f"Download {name}",
            data=lambda writer=writer: writer(view.events_in_view(dataset, visible)),
            file_name=f"datelines-{stamp}.{suffix}",
            mime=mime,
            on_click="ignore",
            key=f"download_{suffix if suffix != 'parquet' else 'geoparquet'}",
        )


def _show_summary(dataset: view.Dataset) -> None:
    """Articles read, events, and the per-file report: which inputs gave no event and why."""
    summary = dict(dataset.summary)
    report = dataset.report
    metrics = st.columns(3)
    articles = summary.get("articles")
    metrics[0].metric("Articles read", "—" if articles is None else f"{int(articles):,}")
    metrics[1].metric("Events", f"{len(dataset):,}")
    if len(report):
        events = pd.to_numeric(report["events"], errors="coerce").fillna(0)
        no_events = report[(events == 0)]
        metrics[2].metric("Inputs with no event", f"{len(no_events):,}")
        st.caption("One row per input file: what became of it and why.")
        st.dataframe(report[list(REPORT_COLUMNS)], hide_index=True, key="ingest_report")
    else:
        metrics[2].metric("Inputs with no event", "—")
        st.caption("Events read from a file written by `datelines ingest`: no per-article report.")
    st.json(summary, expanded=False)


def _play_ticker(bounds: tuple[dt.date, dt.date]) -> None:
    """While playing, every PLAY_STEP_SECONDS / speed move the window forward one step."""
    st.session_state["_full_run"] = True
    speed = int(st.session_state.get("play_speed", 1))

    @st.fragment(run_every=PLAY_STEP_SECONDS / speed)
    def tick() -> None:
        state = st.session_state
        if state.pop("_full_run", False):
            return  # the inline run inside a full rerun: wait for the timer
        if not state.get("playing"):
            return
        current = _window()
        following = view.next_window(current, bounds, step=state.get("play_step", "window"))
        if following == current:
            state["playing"] = False
        else:
            _queue_window(following)
        st.rerun(scope="app")

    tick()


def _main_with_error_panel() -> None:
    """:func:`main`, with an unexpected failure shown as a short panel. Streamlit's own error
    box would show a traceback (server paths, article text); the details go to the server's
    log instead (and `client.showErrorDetails = false` hides any that slip through)."""
    try:
        main()
    except Exception:  # noqa: BLE001 - the last line of defence; logged in full below
        logging.getLogger("datelines.dashboard").exception("the dashboard page failed")
        st.error(
            "Something went wrong drawing this page. Reload it or change the filters; "
            "if it happens again, the server's log has the details."
        )


if __name__ == "__main__":  # `streamlit run` and AppTest run the script as __main__
    _main_with_error_panel()
