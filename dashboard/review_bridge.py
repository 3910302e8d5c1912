"""The bridge between the map and the review panel: a zero-height Streamlit component.

The map follows the review (the current event's popup opens), and each popup gets a "Review
this event" button that makes its event the one under review. The component's files are
``dashboard/static/datelines/review-bridge/`` (plain JavaScript, Streamlit's component
messages written by hand); it finds the map's frame through the page, so neither the map's
script nor ``dashboard/mapview.py`` needs to know about review.
"""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from dashboard.assets import STATIC_DIR

__all__ = ["follow"]

_component = components.declare_component(
    "datelines_review_bridge", path=str(STATIC_DIR / "datelines" / "review-bridge")
)


def follow(row: int | None, *, data_version: str = "") -> int | None:
    """Open event ``row``'s popup on the map; return a row the analyst picked from a popup
    since the last call (None when none). ``data_version`` changes when the events do."""
    value = _component(row=row, data_version=data_version, key="review_bridge", default=None)
    if not isinstance(value, dict):
        return None
    nonce = value.get("nonce")
    if nonce is None or st.session_state.get("_review_bridge_nonce") == nonce:
        return None
    st.session_state["_review_bridge_nonce"] = nonce
    picked = value.get("row")
    return int(picked) if isinstance(picked, (int, float)) else None
