"""The dashboard's review: the analyst confirms, corrects or rejects events (geo.review).

Wired into ``app.py`` with three calls: :func:`reviewed` (apply the review file on every
load), :func:`sidebar_mask` (reviewer name, review status / country filters, show rejected)
and :func:`panel` (evidence, actions, the "needs review" queue, several events at once).
Every decision is appended to the review file at once and the page reruns on the file's new
state, so two sessions reviewing the same corpus see each other's decisions.

Article text (excerpts, notes, titles) reaches the page only through ``st.code`` (verbatim
text), ``st.dataframe`` and widget values, never as Markdown or HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import review_labels as labels
from dashboard import view
from geo.review import (
    Decision,
    ReviewError,
    ReviewFile,
    apply_review,
    date_fix,
    default_review_path,
    make_decision,
    place_fix,
    read_review,
    review_summary,
)
from geo.schema import EVENT_TYPES, REVIEW_STATUSES

__all__ = ["panel", "review_path", "reviewed", "sidebar_mask"]

#: Rows the multi-select review table shows at most.
TABLE_MAX_ROWS = 500
_COLUMNS = ("review_status", "confidence", "review_reasons", "when", "place", "country", "event_type",
            "fatalities", "title", "excerpt", "review_note", "id")  # fmt: skip


def review_path(data: str | Path, review: str | Path | None) -> Path:
    """``--review`` if given, else ``datelines-review.jsonl`` beside ``--data``."""
    return Path(review).expanduser().resolve() if review else default_review_path(data)


_applied: dict[tuple, tuple[Any, view.Dataset]] = {}


def reviewed(dataset: view.Dataset, path: Path) -> view.Dataset:
    """``dataset`` with the review file applied; recomputed only when the file or the data
    change (keyed by the events' identity and the file's size and mtime). With no decision
    yet, the data set is returned as it is (no review columns, as `datelines ingest` without
    --review)."""
    try:
        stat = path.stat()
        signature = (stat.st_size, stat.st_mtime_ns)
    except FileNotFoundError:
        signature = None
    key = (id(dataset.events), str(path), signature)
    hit = _applied.get(key)
    if hit is not None and hit[0] is dataset.events:
        return hit[1]
    log = read_review(path)
    if not log.decisions and not log.warnings:  # nothing decided yet: the data as it is
        return dataset
    result = apply_review(dataset.events, log)
    out = view.build_dataset(result.events, report=dataset.report, summary={**dataset.summary})
    object.__setattr__(out, "review", result)  # the orphans and warnings, for the panel
    if len(_applied) > 8:
        _applied.clear()
    _applied[key] = (dataset.events, out)
    return out


def sidebar_mask(dataset: view.Dataset) -> np.ndarray:
    """The sidebar's review widgets; returns the events the review filters keep."""
    events = dataset.events
    countries = sorted({str(c) for c in events["country"].dropna().unique() if str(c)})
    with st.sidebar:
        st.header("Review")
        st.text_input("Your name (recorded with each decision)", key="reviewer", max_chars=80)
        st.multiselect("Review status", list(REVIEW_STATUSES), key="review_statuses")
        st.multiselect("Country", countries, key="review_countries")
        st.toggle("Leave the chosen countries out", key="review_exclude_countries")
        st.toggle("Show rejected events", key="show_rejected")
    state = st.session_state
    return labels.review_mask(
        events,
        statuses=tuple(state.get("review_statuses") or ()),
        countries=tuple(state.get("review_countries") or ()),
        exclude_countries=bool(state.get("review_exclude_countries")),
        show_rejected=bool(state.get("show_rejected")),
    )


# --------------------------------------------------------------------------- writing


def _reviewer() -> str:
    return str(st.session_state.get("reviewer") or "").strip()


def _write(path: Path, decisions: Sequence[Decision]) -> None:
    ReviewFile(path).append(decisions)
    st.session_state["_review_flash"] = f"Saved {len(decisions)} decision(s) to {path.name}."


def _decide(path: Path, events: pd.DataFrame, rows: Sequence[int], field: str, new: Any, note: str = "") -> None:
    """Write one decision per row (callbacks: before the rerun that shows the result)."""
    try:
        _write(path, [make_decision(events.iloc[r], field, new, reviewer=_reviewer(), note=note) for r in rows])
    except ReviewError as err:
        st.session_state["_review_flash"] = f"Not saved: {err}"


def _step(ids: Sequence[str], by: int) -> None:
    """Move the current event ``by`` places along ``ids``.

    The current event is read when the key is pressed, not when the button was drawn: a key
    pressed while the page is still redrawing must act on the event the map and the list
    show, not on the one of the run before."""
    if not ids:
        return
    current = st.session_state.get("review_current")
    at = ids.index(current) if current in ids else -1
    _set_current(ids[max(0, min(len(ids) - 1, at + by))])
    st.session_state["_review_engaged"] = True


def _set_current(event_id: str) -> None:
    """Make ``event_id`` the event under review.

    ``review_current`` is plain state, not the picker's own: the picker's key changes with
    each change the program makes, so a browser message sent before the new choice reached
    the page (the map reporting its view after a popup opened) cannot bring the old one back."""
    state = st.session_state
    if state.get("review_current") != event_id:
        state["review_current"] = event_id
        state["_review_picker"] = int(state.get("_review_picker", 0)) + 1


def _picker_key() -> str:
    return f"review_current@{st.session_state.get('_review_picker', 0)}"


def _picked(key: str) -> None:
    """The analyst chose an event in the picker: it is under review, and the map follows.

    Only the picker drawn last counts: one drawn before the program moved the review on can
    still report its old choice (the browser sends what it holds before the new picker
    arrives, and Streamlit counts a value it no longer knows as changed)."""
    if key != _picker_key():
        return
    st.session_state["review_current"] = st.session_state[key]
    st.session_state["_review_engaged"] = True


def _decide_and_step(path: Path, events: pd.DataFrame, new: str, ids: Sequence[str]) -> None:
    """Confirm or reject the current event (read now, as in :func:`_step`), then step on."""
    current = st.session_state.get("review_current")
    at = np.flatnonzero((events["id"].astype(str) == current).to_numpy())
    if not len(at):
        return
    _decide(path, events, [int(at[0])], "status", new)
    st.session_state["_review_engaged"] = True
    following = [i for i in ids[ids.index(current) + 1 :]] if current in ids else []
    if following:
        _set_current(following[0])


# --------------------------------------------------------------------------- panel


def panel(dataset: view.Dataset, mask: np.ndarray, path: Path) -> None:
    """The review section under the table: summary, queue, current event, several at once."""
    st.subheader("Review")
    # Messages that come and go sit in slots that are always there, so the buttons and forms
    # below keep their places on the page: a shifted form is re-created, losing what is being
    # typed into it, and a shortcut key pressed meanwhile finds no button.
    flash_slot, summary_slot, hint_slot = st.empty(), st.container(), st.empty()
    flash = st.session_state.pop("_review_flash", None)
    if flash:
        (flash_slot.error if flash.startswith("Not saved") else flash_slot.success)(flash)
    with summary_slot:
        _summary(dataset, path)
    if not _reviewer():
        hint_slot.info("Set your name under Review in the sidebar to record decisions.")
    events = dataset.events
    queue = st.toggle("Needs review queue (unreviewed, least confident first)", key="review_queue")
    rows = labels.queue_rows(events, mask) if queue else np.flatnonzero(np.asarray(mask, dtype=bool))
    rows = rows[:TABLE_MAX_ROWS]
    rows = _with_picked(events, rows)
    ids = [str(v) for v in events["id"].iloc[rows]]
    if not ids:
        st.caption("No event to review here: widen the window or the filters.")
        return
    if st.session_state.get("review_current") not in ids:
        _set_current(ids[0])
    current = st.session_state["review_current"]
    key = _picker_key()
    st.selectbox(
        f"Event to review ({len(ids):,})", ids, index=ids.index(current), key=key, on_change=_picked, args=(key,),
        format_func=lambda i: labels.picker_label(events.iloc[rows[ids.index(i)]], int(rows[ids.index(i)])),
    )  # fmt: skip
    row = int(rows[ids.index(current)])
    _actions(path, events, ids)
    _evidence(events.iloc[row])
    _fixes(path, events, row)
    _several(path, events, rows)


def _summary(dataset: view.Dataset, path: Path) -> None:
    result = getattr(dataset, "review", None)
    if result is None:
        st.caption(f"No decision yet; they will be kept in {path}.")
        return
    summary = review_summary(result)
    cells = st.columns(5)
    cells[0].metric("Reviewed", f"{summary.reviewed:,} / {summary.events:,}")
    cells[1].metric("Confirmed", f"{summary.confirmed:,}")
    cells[2].metric("Corrected", f"{summary.corrected:,}")
    cells[3].metric("Rejected", f"{summary.rejected:,}")
    cells[4].metric("Implied precision", "—" if summary.precision is None else f"{summary.precision:.0%}")
    st.caption(f"Review file: {path}. " + " ".join(summary.lines()[1:]))
    if result.orphans or result.warnings:
        with st.expander(f"Orphaned decisions ({len(result.orphans)}) and unreadable lines ({len(result.warnings)})"):
            st.dataframe(pd.DataFrame(
                [(o.decision.event_id, o.decision.field, str(o.decision.new), o.decision.reviewer, o.decision.time, o.reason)
                 for o in result.orphans],
                columns=["event", "field", "new", "reviewer", "time", "why"]), hide_index=True)  # fmt: skip
            for warning in result.warnings:
                st.code(warning, language=None, wrap_lines=True)


def _actions(path: Path, events: pd.DataFrame, ids: list[str]) -> None:
    """Previous / next / confirm / reject, each with a keyboard shortcut."""
    off = not _reviewer()
    cells = st.columns(4)
    cells[0].button("◀ Previous", key="review_prev", shortcut="k", on_click=_step, args=(ids, -1),
                    help="Keyboard: k")
    cells[1].button("Next ▶", key="review_next", shortcut="j", on_click=_step, args=(ids, 1),
                    help="Keyboard: j")
    cells[2].button("✓ Confirm", key="review_confirm", shortcut="y", disabled=off, type="primary",
                    on_click=_decide_and_step, args=(path, events, "confirmed", ids), help="Keyboard: y")
    cells[3].button("✗ Reject", key="review_reject", shortcut="x", disabled=off,
                    on_click=_decide_and_step, args=(path, events, "rejected", ids), help="Keyboard: x")


def _evidence(event: pd.Series) -> None:
    """What the machine based the event on: the sentence, the date's source, the places it beat."""
    status = event.get("review_status") or "unreviewed"
    by = f" by {event.get('reviewed_by')} at {event.get('reviewed_at')}" if event.get("reviewed_by") else ""
    when = labels.date_range_label(event.get("date_start"), event.get("date_end"), event.get("date_precision"))
    lines = [
        f"Status: {status}{by}",
        f"Place: {event.get('place')} ({event.get('country')}), written “{event.get('place_text')}”",
        f"Date: {when} — {labels.date_source_label(event)}",
        f"Type: {event.get('event_type')} · fatalities: {_plain(event.get('fatalities'))}",
    ]
    if "confidence" in event.index and _plain(event.get("confidence")) is not None:
        lines.append(f"Confidence: {float(event['confidence']):.2f}")
    if _reasons_text(event.get("review_reasons")):
        lines.append("Why to check: " + _reasons_text(event.get("review_reasons")))
    alternatives = labels.place_candidates(event.get("place_candidates"))
    lines.append("Alternatives it beat: " + ("; ".join(c.label for c in alternatives) if alternatives else "none"))
    if _plain(event.get("review_note")):
        lines.append(f"Note: {event.get('review_note')}")
    # st.code: article text and notes shown verbatim as text, never Markdown or HTML
    st.code("\n".join(lines), language=None, wrap_lines=True)
    st.code(f"“{event.get('excerpt')}” — {event.get('title')} ({event.get('source')})", language=None, wrap_lines=True)


def _plain(value: Any) -> Any:
    return None if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) else value


def _reasons_text(value: Any) -> str:
    """``review_reasons`` as text, whether the data holds a list or a string ("" if none)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return "; ".join(map(str, value))
    return "" if _plain(value) is None else str(value)


def _popup_notes(events: pd.DataFrame, rows: np.ndarray) -> dict[str, str]:
    """A line of review evidence for the popups of the listed events: status, confidence and
    reasons (when the data has them), the earlier sentence a date was read from (expression
    marked), the alternatives the place beat. Column by column, not
    row by row: it runs on every rerun."""
    def column(name: str) -> list:
        return events[name].iloc[rows].tolist() if name in events.columns else [None] * len(rows)

    evidence_columns = ("date_source", "date_evidence", "date_sentence_char_start", "date_used_char_start",
                        "date_used_char_end")
    evidence = [dict(zip(evidence_columns, values)) for values in zip(*(column(c) for c in evidence_columns))]
    notes: dict[str, str] = {}
    for row, status, confidence, reasons, beaten, dated in zip(
        rows.tolist(), column("review_status"), column("confidence"), column("review_reasons"),
        column("place_candidates"), evidence,
    ):
        parts = [f"Review: {status or 'unreviewed'}"]
        if dated["date_source"] in ("context", "lead") and labels.marked_evidence(dated):
            parts.append("date " + labels.date_source_label(dated))
        if _plain(confidence) is not None:
            parts.append(f"confidence {float(confidence):.2f}")
        if _reasons_text(reasons):
            parts.append("check: " + _reasons_text(reasons))
        alternatives = labels.place_candidates(beaten)
        if alternatives:
            parts.append("beat " + ", ".join(f"{c.name} ({c.country})" for c in alternatives))
        notes[str(row)] = " · ".join(parts)
    return notes


def _with_picked(events: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Let the map follow the current event; an event picked from a map popup becomes the
    current one (added to the list when the queue or filters left it out)."""
    from dashboard.review_bridge import follow

    state = st.session_state
    ids = events["id"].astype(str)
    current = state.get("review_current")
    at = np.flatnonzero((ids == current).to_numpy()) if current else []
    # The map follows the review only once the analyst reviews (a name, the queue, an action):
    # otherwise opening the first event's popup would move everyone's map on every page load.
    engaged = state.get("_review_engaged") or state.get("review_queue") or bool(_reviewer())
    picked = follow(int(at[0]) if len(at) and engaged else None, data_version=str(id(events)),
                    pick_point=bool(state.get(_place_key("pick"))), notes=_popup_notes(events, rows))
    if picked is not None and picked.row is not None and 0 <= picked.row < len(events):
        _set_current(str(ids.iloc[picked.row]))
        state["_review_engaged"] = True
        state["_review_pinned"] = picked.row
    elif picked is not None and picked.latitude is not None:  # a click on the map: Fix place
        # new keys for the place widgets rather than writing into theirs (see _set_current)
        state["_review_place_point"] = (picked.latitude, picked.longitude)
        state["_review_place_version"] = int(state.get("_review_place_version", 0)) + 1
    pinned = state.get("_review_pinned")
    if pinned is not None and pinned < len(events) and pinned not in set(rows.tolist()):
        rows = np.concatenate([[pinned], rows])
    return rows


# --------------------------------------------------------------------------- corrections


@st.cache_resource(show_spinner=False)
def _gazetteer():
    from geo.gazetteer.index import load_gazetteer

    return load_gazetteer()


def _lookup(name: str) -> list:
    from geo.gazetteer.index import name_key

    return list(_gazetteer().places(name_key(name)))[:20] if name.strip() else []


def _fixes(path: Path, events: pd.DataFrame, row: int) -> None:
    """Forms for the current event: place, date, type and fatalities, note.

    Saving runs in the button's callback, before the rerun that shows the result: one run, so
    the open tab stays open. Widget keys carry the row, so each event starts from its values.
    """
    event = events.iloc[row]
    off = not _reviewer()
    tabs = st.tabs(["Fix place", "Fix date", "Fix type & fatalities", "Note"])
    with tabs[0]:
        _place_form(path, events, row, event, off)
    with tabs[1], st.form(f"review_date_form_{row}"):
        st.text_input("Day, or first day (YYYY-MM-DD)", value=str(event.get("date_start") or "")[:10],
                      max_chars=10, key=f"review_date_start_{row}")
        st.text_input("Last day (blank: the same day)", value=str(event.get("date_end") or "")[:10],
                      max_chars=10, key=f"review_date_end_{row}")
        st.selectbox("Precision", ["(from the interval)", "day", "week", "month", "year"], key=f"review_date_precision_{row}")
        st.form_submit_button("Save date", disabled=off, on_click=_save_date, args=(path, events, row))
    with tabs[2], st.form(f"review_type_form_{row}"):
        st.selectbox("Event type", list(EVENT_TYPES), index=_index(EVENT_TYPES, event.get("event_type")),
                     key=f"review_type_{row}")
        known = _plain(event.get("fatalities"))
        st.number_input("Fatalities (blank: not stated)", min_value=0, step=1,
                        value=None if known is None else int(known), key=f"review_fatalities_{row}")
        st.form_submit_button("Save type & fatalities", disabled=off, on_click=_save_type, args=(path, events, row))
    with tabs[3], st.form(f"review_note_form_{row}", clear_on_submit=True):
        st.text_area("Note", max_chars=2000, key=f"review_note_{row}")
        st.form_submit_button("Save note", disabled=off, on_click=_save_note, args=(path, events, row))


def _save_date(path: Path, events: pd.DataFrame, row: int) -> None:
    state = st.session_state
    precision = state[f"review_date_precision_{row}"]
    try:
        new = date_fix(state[f"review_date_start_{row}"], state[f"review_date_end_{row}"].strip() or None,
                       date_precision=None if precision.startswith("(") else precision)
    except ReviewError as err:
        state["_review_flash"] = f"Not saved: {err}"
        return
    _decide(path, events, [row], "date", new)


def _save_type(path: Path, events: pd.DataFrame, row: int) -> None:
    state = st.session_state
    event = events.iloc[row]
    kind, count = state[f"review_type_{row}"], state[f"review_fatalities_{row}"]
    known = _plain(event.get("fatalities"))
    if kind != event.get("event_type"):
        _decide(path, events, [row], "event_type", kind)
    if (None if count is None else int(count)) != (None if known is None else int(known)):
        _decide(path, events, [row], "fatalities", None if count is None else int(count))


def _save_note(path: Path, events: pd.DataFrame, row: int) -> None:
    note = str(st.session_state.get(f"review_note_{row}") or "")
    if note.strip():
        _decide(path, events, [row], "note", note)


def _index(options: Sequence[str], value: Any) -> int:
    return list(options).index(value) if value in options else 0


def _place_form(path: Path, events: pd.DataFrame, row: int, event: pd.Series, off: bool) -> None:
    """Pick an alternative the machine beat, a gazetteer entry found by name, or coordinates.

    Not a form: the gazetteer's matches for a name are listed as soon as it is typed, so the
    analyst picks Madaya, SY rather than the larger Madaya, MM.
    """
    point = st.session_state.get("_review_place_point")
    how = st.radio("New place from", ["an alternative", "the gazetteer, by name", "coordinates"],
                   index=2 if point else 0, horizontal=True, key=_place_key("how"))
    try:
        if how == "an alternative":
            alternatives = labels.place_candidates(event.get("place_candidates"))
            choice = st.selectbox("Alternative", alternatives, format_func=lambda c: c.label, key="review_place_alt")
            # Looked up only when it can be saved: the first lookup loads the gazetteer (0.6 s),
            # which a page opened by someone not reviewing should not pay after its map.
            new = _alternative(choice) if choice is not None and not off else None
        elif how.startswith("the gazetteer"):
            name = st.text_input("Search the gazetteer by name", max_chars=120, key="review_place_name")
            matches = _lookup(name)
            choice = st.selectbox(f"Matches ({len(matches)})", matches, key="review_place_match",
                                  format_func=lambda p: f"{p.name}, {p.country} (admin1 {p.admin1}), population {p.population:,}")
            new = _from_gazetteer(choice) if choice is not None else None
        else:
            new = _from_coordinates()
    except ReviewError as err:
        st.caption(str(err))
        new = None
    st.button("Save place", key="review_place_save", disabled=off or new is None,
              on_click=_decide, args=(path, events, [row], "place", new))


def _alternative(choice: labels.Candidate) -> dict:
    found = [p for p in _lookup(choice.name) if p.geonameid == choice.geonameid]
    if not found:
        raise ReviewError(f"GeoNames {choice.geonameid} is not in the offline gazetteer: search by name")
    return _from_gazetteer(found[0])


def _from_gazetteer(place) -> dict:
    return place_fix(place.name, place.longitude, place.latitude, country=place.country,
                     geonameid=place.geonameid, admin1=place.admin1)


def _place_key(name: str) -> str:
    """Key of a place widget; it changes when a map click fills them (see :func:`_set_current`)."""
    return f"review_place_{name}@{st.session_state.get('_review_place_version', 0)}"


def _from_coordinates() -> dict | None:
    point = st.session_state.get("_review_place_point") or (None, None)
    st.toggle("Pick the point on the map (the next click)", key=_place_key("pick"))
    cells = st.columns(3)
    lat = cells[0].number_input("Latitude", min_value=-90.0, max_value=90.0, value=point[0], format="%.5f",
                                key=_place_key("lat"))
    lon = cells[1].number_input("Longitude", min_value=-180.0, max_value=180.0, value=point[1], format="%.5f",
                                key=_place_key("lon"))
    label = cells[2].text_input("Name", max_chars=120, key="review_place_label")
    if lat is None or lon is None or not label.strip():
        st.caption("Give a latitude, a longitude and a name.")
        return None
    return place_fix(label, lon, lat)


# --------------------------------------------------------------------------- several at once


def _several(path: Path, events: pd.DataFrame, rows: np.ndarray) -> None:
    """A table to select several events (rows) and act on them all at once."""
    st.markdown("**Several at once** — select rows, then act on them.")
    table = pd.DataFrame({c: events[c].iloc[rows].to_numpy() for c in _COLUMNS if c in events.columns and c != "when"})
    table.insert(1, "when", [labels.date_range_label(s, e, p) for s, e, p in zip(
        events["date_start"].iloc[rows], events["date_end"].iloc[rows], events["date_precision"].iloc[rows])])
    if "review_reasons" in table.columns:
        table["review_reasons"] = table["review_reasons"].map(_reasons_text)
    picked = st.dataframe(table, hide_index=True, on_select="rerun", selection_mode="multi-row", key="review_table")
    chosen = [int(rows[i]) for i in picked.selection.rows if i < len(rows)]
    off = not _reviewer() or not chosen
    cells = st.columns([1, 1, 2, 1])
    cells[0].button(f"✓ Confirm {len(chosen)} selected", key="review_confirm_many", disabled=off,
                    on_click=_decide, args=(path, events, chosen, "status", "confirmed"))
    cells[1].button(f"✗ Reject {len(chosen)} selected", key="review_reject_many", disabled=off,
                    on_click=_decide, args=(path, events, chosen, "status", "rejected"))
    kind = cells[2].selectbox("Type for the selected", list(EVENT_TYPES), key="review_many_type", label_visibility="collapsed")
    cells[3].button("Set type", key="review_type_many", disabled=off,
                    on_click=_decide, args=(path, events, chosen, "event_type", kind))
