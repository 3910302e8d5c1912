"""The bridge between the map and the review panel: a zero-height Streamlit component.

The map follows the review (the current event's popup opens), each popup gets a "Review
this event" button that makes its event the one under review, and when asked, a click on the
map gives the point of a corrected place. The component's files are
``dashboard/static/datelines/review-bridge/`` (plain JavaScript, Streamlit's component
messages written by hand); it finds the map's frame through the page, so neither the map's
script nor ``dashboard/mapview.py`` needs to know about review.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
import streamlit.components.v1 as components

from dashboard.assets import STATIC_DIR

__all__ = ["Pick", "follow"]

_component = components.declare_component(
    "datelines_review_bridge", path=str(STATIC_DIR / "datelines" / "review-bridge")
)


@dataclass(frozen=True)
class Pick:
    """What the analyst picked on the map: an event (its row) or a point (a map click)."""

    row: int | None = None
    latitude: float | None = None
    longitude: float | None = None


def follow(
    row: int | None, *, data_version: str = "", pick_point: bool = False, notes: dict[str, str] | None = None
) -> Pick | None:
    """Open event ``row``'s popup on the map; return what the analyst picked on the map since
    the last call: an event from a popup's button, or (with ``pick_point``) the point of the
    next map click. None when nothing new was picked. ``data_version`` changes with the events;
    ``notes`` ({row: text}) adds a line of review evidence to those events' popups (as text)."""
    value = _component(row=row, data_version=data_version, pick=pick_point, notes=notes or {},
                       key="review_bridge", default=None)
    if not isinstance(value, dict):
        return None
    nonce = value.get("nonce")
    if nonce is None or st.session_state.get("_review_bridge_nonce") == nonce:
        return None
    st.session_state["_review_bridge_nonce"] = nonce
    if isinstance(value.get("lat"), (int, float)) and isinstance(value.get("lng"), (int, float)):
        # Leaflet gives (lat, lng); longitude wraps past ±180 when the map is panned round.
        return Pick(latitude=float(value["lat"]), longitude=((float(value["lng"]) + 180) % 360) - 180)
    picked = value.get("row")
    return Pick(row=int(picked)) if isinstance(picked, (int, float)) else None
