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
import logging
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts dashboard/ on the path
    sys.path.insert(0, str(_ROOT))

import altair as alt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from dashboard import uploads, view  # noqa: E402
from dashboard.assets import AssetsMissing  # noqa: E402

from dashboard.mapview import show_map  # noqa: E402
from geo.export import to_csv_bytes, to_geojson_bytes  # noqa: E402
from geo.schema import REPORT_COLUMNS  # noqa: E402

PLAY_STEP_SECONDS = 2.0
TABLE_MAX_ROWS = 1000
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
    args, _unknown = parser.parse_known_args(argv)
    return args


def _queue_window(window: tuple[dt.date, dt.date]) -> None:
    """Ask for a new slider window; it is applied before the slider exists on the next run."""
    st.session_state["_pending_window"] = window


def _initialise_state(dataset: view.Dataset) -> None:
    """First run of a session: widget state from the link's query string, else the defaults."""
    state = st.session_state
    if state.get("_initialised"):
        return
    filters = view.filters_from_query(st.query_params.get_all, dataset)
    state["window"] = (filters.start, filters.end)
    state["places"] = list(filters.places)
    state["event_types"] = list(filters.event_types)
    state["sources"] = list(filters.sources)
    state["text"] = filters.text
    state["show_undated"] = filters.show_undated
    state["basemap"] = "natural-earth"
    state["playing"] = False
    state["_initialised"] = True


def _fit_state_to(dataset: view.Dataset, bounds: tuple[dt.date, dt.date]) -> None:
    """Keep widget state valid when the data changes (uploads): clamp dates, drop lost options."""
    state = st.session_state
    pending = state.pop("_pending_window", None)
    current = tuple(state.get("window", bounds))
    start, end = (min(max(day, bounds[0]), bounds[1]) for day in (pending or current))
    window = (min(start, end), max(start, end))
    if window != current:
        state["window"] = window
    for key, options in (
        ("places", dataset.places),
        ("event_types", dataset.event_types),
        ("sources", dataset.sources),
    ):
        allowed = set(options)
        kept = [value for value in state.get(key, []) if value in allowed]
        if kept != list(state.get(key, [])):
            state[key] = kept


def _toggle_play() -> None:
    st.session_state["playing"] = not st.session_state.get("playing", False)


def _stop_play() -> None:
    st.session_state["playing"] = False


def _write_query(filters: view.Filters) -> None:
    """Mirror the view to the URL, touching only keys whose value changed."""
    wanted = view.filters_to_query(filters)
    for key in view.QUERY_KEYS:
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

    url, _ = mapview._published(dataset.events)  # show_map has just published it: a cache hit
    path = mapview._file_of(url)
    lease = state.get("_payload_lease")
    if lease is None or lease.path != path:
        state["_payload_lease"] = uploads.lease_payload(path)


def _timeline_chart(counts: pd.DataFrame, freq: str) -> alt.Chart:
    """Bars of events per bin; the bins the window overlaps in the theme's red."""
    label = "Events per day" if freq == "day" else "Events per week"
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
        .properties(height=140)
    )


def main() -> None:
    st.set_page_config(page_title="Datelines", page_icon=":world_map:", layout="wide")
    args = parse_args(sys.argv[1:])
    try:
        base = view.load_dataset(args.data)
    except (OSError, ValueError) as err:
        st.error("Datelines could not read --data.")
        st.text(f"{args.data}: {err}")
        st.stop()
    if base.summary.get("problems"):  # a hand-made events file: say what the map leaves out
        st.warning("Some of --data could not be shown and was dropped: " + "; ".join(base.summary["problems"]))

    dataset = _upload_sidebar(base)
    bounds = dataset.bounds()
    _initialise_state(dataset)
    _fit_state_to(dataset, bounds)  # also applies a window queued by Play

    st.title("Datelines")
    window = st.slider(
        "Date window",
        min_value=bounds[0],
        max_value=bounds[1],
        step=dt.timedelta(days=1),
        format="YYYY-MM-DD",
        key="window",
        on_change=_stop_play,
        help="Events whose possible dates overlap this window are on the map.",
    )

    controls = st.columns([1, 5])
    playing = st.session_state.get("playing", False)
    controls[0].button(
        "⏸ Pause" if playing else "▶ Play",
        key="play",
        on_click=_toggle_play,
        help="Step the window forward by its own width every few seconds.",
    )

    filters = _sidebar_filters(dataset, window)
    mask = view.event_mask(dataset, filters)
    in_view = int(mask.sum())
    _write_query(filters)

    controls[1].caption(
        f"{in_view:,} of {len(dataset):,} events in view · "
        f"{filters.start:%d %b %Y} – {filters.end:%d %b %Y}"
    )

    if playing:
        _play_ticker(bounds)

    try:
        show_map(dataset.events, mask, key="map", basemap=st.session_state["basemap"], height=560)
        _hold_upload_payload(dataset, base)
    except AssetsMissing as err:  # the table, timeline and downloads still work
        st.error("The map's browser files are not installed: run `make assets`.")
        st.text(str(err))

    freq = view.timeline_freq(bounds)
    counts = view.timeline_counts(
        dataset, view.event_mask(dataset, filters, use_window=False), window, freq=freq
    )
    st.altair_chart(_timeline_chart(counts, freq), width="stretch")
    st.caption(f"Events per {freq} by their best date; red: the {freq}s the window overlaps.")

    st.subheader("Events in view")
    if in_view > TABLE_MAX_ROWS:
        st.caption(f"The first {TABLE_MAX_ROWS:,} of {in_view:,}; the downloads hold them all.")
    st.dataframe(
        view.table_rows(dataset, mask, limit=TABLE_MAX_ROWS),
        hide_index=True,
        width="stretch",
        key="events_table",
    )
    _download_buttons(dataset, mask, filters)

    with st.expander("Ingest summary"):
        _show_summary(dataset)


def _sidebar_filters(dataset: view.Dataset, window: tuple[dt.date, dt.date]) -> view.Filters:
    """The sidebar's filters and basemap choice (no slider here: the sidebar comes first)."""
    with st.sidebar:
        st.header("Filters")
        st.multiselect("Place", dataset.places, key="places", format_func=dataset.place_label)
        st.multiselect("Event type", dataset.event_types, key="event_types")
        st.multiselect("Source", dataset.sources, key="sources")
        st.text_input("Text contains", key="text", max_chars=200)
        st.toggle("Show undated events", key="show_undated")
        st.radio(
            "Basemap",
            list(BASEMAPS),
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
    """GeoJSON and CSV of exactly the events in view, built only when clicked."""
    visible = mask.copy()  # this run's view, whatever later runs do to theirs
    stamp = f"{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
    columns = st.columns(2)
    columns[0].download_button(
        "Download GeoJSON",
        data=lambda: to_geojson_bytes(view.events_in_view(dataset, visible)),
        file_name=f"datelines-{stamp}.geojson",
        mime="application/geo+json",
        on_click="ignore",
        key="download_geojson",
    )
    columns[1].download_button(
        "Download CSV",
        data=lambda: to_csv_bytes(view.events_in_view(dataset, visible)),
        file_name=f"datelines-{stamp}.csv",
        mime="text/csv",
        on_click="ignore",
        key="download_csv",
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
    """While playing, every PLAY_STEP_SECONDS move the window forward by its width."""
    st.session_state["_full_run"] = True

    @st.fragment(run_every=PLAY_STEP_SECONDS)
    def tick() -> None:
        state = st.session_state
        if state.pop("_full_run", False):
            return  # the inline run inside a full rerun: wait for the timer
        if not state.get("playing"):
            return
        current = tuple(state["window"])
        following = view.next_window(current, bounds)
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
