"""A shareable link: everything that makes one analyst's view, to and from the query string.

``dashboard.view`` reads the filters (window, places, types, sources, text, undated); this
module adds what the map shows — basemap, colouring, markers or heatmap, Play's "leave out
coarse dates", centre and zoom, the selected event — and collects,
in plain sentences, every value of the link that could not be applied, so the app can warn
instead of silently showing everything. Pure functions: ``tests/test_link.py`` covers them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from dashboard import view

__all__ = [
    "LINK_KEYS",
    "Link",
    "MapView",
    "link_to_query",
    "read_link",
]

#: Query-string keys of a link, in the order they appear in it (the filters' keys first).
LINK_KEYS: tuple[str, ...] = (
    *view.QUERY_KEYS, "basemap", "colour", "display", "coarse", "lat", "lon", "zoom", "event",
)  # fmt: skip

#: ``colour``: what the markers' colour says; ``display``: markers or a heatmap (first: default).
COLOUR_BY: tuple[str, ...] = ("type", "source")
DISPLAYS: tuple[str, ...] = ("markers", "heat")

_COORD_DECIMALS = 4  # about 10 m: enough to put the map back where it was
_ZOOM_RANGE = (1, 18)


@dataclass(frozen=True)
class MapView:
    """Where the map looks: centre (degrees) and zoom level."""

    lat: float
    lon: float
    zoom: int


@dataclass(frozen=True)
class Link:
    """One view as a link carries it; ``warnings`` are the values that could not be applied."""

    filters: view.Filters
    basemap: str = "natural-earth"
    map_view: MapView | None = None
    #: The selected event's ``id`` (stable across ingests of the same articles), or None.
    event: str | None = None
    #: Colour markers by event ``"type"`` or ``"source"``.
    colour_by: str = "type"
    #: ``"markers"`` or ``"heat"`` (a heatmap of the events in view).
    display: str = "markers"
    #: Leave events dated more coarsely than the window out of it (Play's option).
    coarse_out: bool = False
    warnings: tuple[str, ...] = field(default=())


def _last(get_all: Callable[[str], list[str]], key: str) -> str | None:
    values = get_all(key)
    return values[-1].strip() if values else None


def _read_map_view(get_all: Callable[[str], list[str]], warnings: list[str]) -> MapView | None:
    """Centre and zoom from ``lat``, ``lon`` and ``zoom``; all three or none of them."""
    raw = {key: _last(get_all, key) for key in ("lat", "lon", "zoom")}
    if all(value is None for value in raw.values()):
        return None
    try:
        lat, lon = float(raw["lat"] or "nan"), float(raw["lon"] or "nan")
        zoom = int(raw["zoom"] or "")
    except ValueError:
        lat = lon = math.nan
        zoom = 0
    if not (
        math.isfinite(lat)
        and math.isfinite(lon)
        and -90 <= lat <= 90
        and -180 <= lon <= 180
        and _ZOOM_RANGE[0] <= zoom <= _ZOOM_RANGE[1]
    ):
        shown = ", ".join(f"{key}={value!r}" for key, value in raw.items())
        warnings.append(
            f"The link's map view ({shown}) is not a latitude within ±90, a longitude within "
            f"±180 and a zoom from {_ZOOM_RANGE[0]} to {_ZOOM_RANGE[1]}: the map shows the "
            "events instead."
        )
        return None
    return MapView(lat=lat, lon=lon, zoom=zoom)


def _choice(
    get_all: Callable[[str], list[str]], key: str, allowed: Sequence[str], warnings: list[str]
) -> str:
    """The link's value of ``key`` if it is one of ``allowed``; else (with a warning) the first."""
    value = _last(get_all, key)
    if value is None or value in allowed:
        return value or allowed[0]
    warnings.append(
        f"The link's {key} {value[:40]!r} is not one of {', '.join(allowed)}: {allowed[0]} is used."
    )
    return allowed[0]


def _read_coarse(get_all: Callable[[str], list[str]], warnings: list[str]) -> bool:
    value = _last(get_all, "coarse")
    if value is None or value in ("0", "1"):
        return value == "1"
    warnings.append(f"The link's coarse {value[:40]!r} is not 0 or 1: coarse dates are shown.")
    return False


def read_link(
    get_all: Callable[[str], list[str]],
    dataset: view.Dataset,
    *,
    basemaps: Sequence[str],
) -> Link:
    """The view a link describes, for ``dataset``; what does not fit it becomes a warning.

    ``get_all(key)`` returns every value of a key (``st.query_params.get_all``);
    ``basemaps`` are the basemap names the app offers (the first is the default).
    """
    filters, warnings = view.read_filters(get_all, dataset)
    basemap = _last(get_all, "basemap")
    if basemap is not None and basemap not in basemaps:
        warnings.append(
            f"The link's basemap {basemap[:40]!r} is not one of {', '.join(basemaps)}: "
            f"{basemaps[0]} is shown."
        )
        basemap = None
    map_view = _read_map_view(get_all, warnings)
    event = _last(get_all, "event")
    if event is not None and not (dataset.events["id"].astype("string") == event).any():
        warnings.append(
            f"The link's selected event {event[:40]!r} is not in this data set: nothing is "
            "selected."
        )
        event = None
    colour_by = _choice(get_all, "colour", COLOUR_BY, warnings)
    display = _choice(get_all, "display", DISPLAYS, warnings)
    coarse_out = _read_coarse(get_all, warnings)
    return Link(
        filters=filters,
        basemap=basemap or basemaps[0],
        map_view=map_view,
        event=event or None,
        colour_by=colour_by,
        display=display,
        coarse_out=coarse_out,
        warnings=tuple(warnings),
    )


def link_to_query(link: Link, *, default_basemap: str) -> dict[str, str | list[str]]:
    """The query string of a view: only keys that carry something, in ``LINK_KEYS`` order."""
    query = view.filters_to_query(link.filters)
    if link.basemap != default_basemap:
        query["basemap"] = link.basemap
    if link.colour_by != COLOUR_BY[0]:
        query["colour"] = link.colour_by
    if link.display != DISPLAYS[0]:
        query["display"] = link.display
    if link.coarse_out:
        query["coarse"] = "1"
    if link.map_view is not None:
        query["lat"] = f"{link.map_view.lat:.{_COORD_DECIMALS}f}"
        query["lon"] = f"{link.map_view.lon:.{_COORD_DECIMALS}f}"
        query["zoom"] = str(int(link.map_view.zoom))
    if link.event:
        query["event"] = link.event
    return {key: query[key] for key in LINK_KEYS if key in query}
