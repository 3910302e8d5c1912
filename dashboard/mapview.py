"""The event map: events published once as a static JSON file, a slider move sends only a mask.

Why this shape (measured, see /work/shared/notes/offline-map.md): folium markers rebuilt on every
slider move take 17-69 s at 10,000 events. Here the browser fetches every event once from
``/app/static/data/<sha256>.json`` and clusters it with supercluster (``datelines-map.js``);
each rerun sends only a bit mask of the visible events (12.5 KB at 100,000 events) through
``st_folium(feature_group_to_add=...)``. The base map script does not change between reruns,
so streamlit-folium keeps the map, its zoom and its centre.

Pure shaping (:func:`events_payload`, :func:`build_map`, :func:`visibility_layer`) is apart
from I/O (:func:`publish_events`) and from Streamlit (:func:`show_map`).
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
import math
import os
import re
import tempfile
import weakref
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from folium.elements import JSCSSMixin
from folium.template import Template

from dashboard.assets import STATIC_DIR, check, localize_map, static_url, vendor_url
from geo.schema import DATE_PRECISIONS, EVENT_TYPES, PLACE_PRECISIONS, TYPE_COLOURS, TYPE_LABELS

__all__ = [
    "BASEMAPS",
    "DISPLAYS",
    "DENSE_SHARE",
    "MapState",
    "PAYLOAD_FORMAT",
    "STATIC_DIR",
    "build_map",
    "dense_bounds",
    "events_payload",
    "map_state",
    "publish_events",
    "show_map",
    "visibility_layer",
]

#: Basemaps build_map knows: the offline Natural Earth countries, or OpenStreetMap web tiles
#: (opt-in: the only choice that makes the browser leave 127.0.0.1).
BASEMAPS: tuple[str, ...] = ("natural-earth", "osm")

#: What markers can be coloured by.
COLOUR_BY: tuple[str, ...] = ("type", "source")
#: How the visible events are drawn: clustered markers, or a heatmap (leaflet.heat).
DISPLAYS: tuple[str, ...] = ("markers", "heat")

#: Names the JSON layout below; datelines-map.js refuses any other.
PAYLOAD_FORMAT = "datelines-events/1"

MIN_ZOOM = 2
MAX_ZOOM = 14  # street level is meaningless for a Natural Earth basemap and city-level places
_FIT_MAX_ZOOM = 9  # fitting to one town should not land at street level
_COORD_DECIMALS = 5  # about 1 m
_EPOCH = np.datetime64("1970-01-01", "D")

# Columns events_payload reads; all are in geo.schema.EVENT_PROPERTIES.
_REQUIRED = (
    "title", "source", "published", "place", "country", "date", "date_start", "date_end",
    "date_precision", "excerpt", "event_type", "fatalities", "event_group", "url",
    "place_char_start", "place_char_end", "date_text", "date_char_start", "date_char_end",
    "excerpt_char_start", "place_precision",
)  # fmt: skip
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


# --------------------------------------------------------------------------- payload (pure)


def events_payload(events: gpd.GeoDataFrame) -> bytes:
    """Compact JSON (UTF-8) of every event, in row order, that datelines-map.js loads once.

    The layout is columnar: one array per field, index ``i`` is row ``i``.

    - ``lat``, ``lon``: degrees (5 decimals), null when the event has no point;
    - ``date_start``, ``date_end``: days since 1970-01-01, null when undated;
    - ``date_precision``, ``place_precision``, ``event_type``: indices into the lists of the
      same name (``geo.schema``) sent alongside;
    - ``fatalities``: int or null; ``event_group``: small ints, equal for reports of the same
      happening;
    - ``place``, ``country``, ``date``, ``date_text``, ``excerpt``: strings or null;
    - ``article``: index into ``articles``, which holds ``title``, ``source``, ``published`` and
      ``url`` once per article (``url`` only if it is http(s), else null);
    - ``place_span``, ``date_span``: ``[start, end]`` of the place name and of the date
      expression RELATIVE to the excerpt, in UTF-16 code units (JavaScript string indices),
      null when missing or outside the excerpt.

    Text is data: it is JSON-encoded here and put into the page with ``textContent`` only.
    """
    missing = [c for c in _REQUIRED if c not in events.columns]
    if missing:
        raise ValueError(
            f"events lack the column(s) {missing}: pass the frame from geo (columns "
            "geo.schema.EVENT_PROPERTIES + geometry)"
        )
    n = len(events)
    lat, lon = _coordinates(events)
    excerpts = [_text(v) for v in events["excerpt"]]
    excerpt_start = _ints(events["excerpt_char_start"])
    place_span = _spans(excerpts, excerpt_start, events["place_char_start"], events["place_char_end"])
    date_span = _spans(excerpts, excerpt_start, events["date_char_start"], events["date_char_end"])

    article_keys = list(
        zip(
            (_text(v) for v in events["title"]),
            (_text(v) for v in events["source"]),
            (_iso_day(v, "published") for v in events["published"]),
            (_web_url(v) for v in events["url"]),
        )
    )
    article_index: dict[tuple, int] = {}
    article = [article_index.setdefault(key, len(article_index)) for key in article_keys]
    articles = list(article_index)

    payload = {
        "format": PAYLOAD_FORMAT,
        "count": n,
        "event_types": list(EVENT_TYPES),
        "type_colours": dict(TYPE_COLOURS),  # geo/lexicons/event_types.tsv: a new type needs no JS edit
        "type_labels": dict(TYPE_LABELS),
        "date_precisions": list(DATE_PRECISIONS),
        "place_precisions": list(PLACE_PRECISIONS),
        "lat": lat,
        "lon": lon,
        "date_start": _day_numbers(events["date_start"]),
        "date_end": _day_numbers(events["date_end"]),
        "date_precision": _codes(events["date_precision"], DATE_PRECISIONS, "date_precision"),
        "place_precision": _codes(events["place_precision"], PLACE_PRECISIONS, "place_precision"),
        "event_type": _codes(events["event_type"], EVENT_TYPES, "event_type"),
        "fatalities": _ints(events["fatalities"]),
        "event_group": _group_codes(events["event_group"]),
        "place": [_text(v) for v in events["place"]],
        "country": [_text(v) for v in events["country"]],
        "date": [_iso_day(v, "date") for v in events["date"]],
        "date_text": [_text(v) for v in events["date_text"]],
        "excerpt": excerpts,
        "place_span": place_span,
        "date_span": date_span,
        "article": article,
        "articles": {
            "title": [a[0] for a in articles],
            "source": [a[1] for a in articles],
            "published": [a[2] for a in articles],
            "url": [a[3] for a in articles],
        },
    }
    text = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    # A lone surrogate (broken input) cannot be UTF-8: it becomes "?" rather than an error.
    return text.encode("utf-8", errors="replace")


def _coordinates(events: gpd.GeoDataFrame) -> tuple[list, list]:
    """(lat, lon) lists from point geometries; null for a missing or empty point."""
    geoms = events.geometry
    if geoms.crs is not None and not geoms.crs.equals("EPSG:4326"):
        geoms = geoms.to_crs("EPSG:4326")
    present = geoms.notna() & ~geoms.is_empty
    kinds = geoms[present].geom_type
    if (kinds != "Point").any():
        row = kinds[kinds != "Point"].index[0]
        raise ValueError(
            f"event geometries should be points, got a {kinds[row]} at row {row!r} instead"
        )
    # shapely points are (x=lon, y=lat); the payload says lat and lon by name.
    x = np.where(present, geoms.x.to_numpy(dtype=float, na_value=np.nan), np.nan)
    y = np.where(present, geoms.y.to_numpy(dtype=float, na_value=np.nan), np.nan)
    bad = present.to_numpy() & ((np.abs(y) > 90) | (np.abs(x) > 180) | ~np.isfinite(x + y))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"Expected (lat, lon) within (±90, ±180), instead got: ({y[i]!r}, {x[i]!r}) "
            f"at row {events.index[i]!r}"
        )
    lat = [None if math.isnan(v) else round(float(v), _COORD_DECIMALS) for v in y]
    lon = [None if math.isnan(v) else round(float(v), _COORD_DECIMALS) for v in x]
    return lat, lon


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _text(value: Any) -> str | None:
    return None if _missing(value) else str(value)


def _ints(values: pd.Series) -> list[int | None]:
    return [None if _missing(v) else int(v) for v in values]


def _iso_day(value: Any, column: str) -> str | None:
    """An ISO date string (first 10 characters of a date, datetime or ISO string) or None."""
    if _missing(value):
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()[:10]
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError as err:
        raise ValueError(f"{column!r} should be an ISO date, got {value!r} instead") from err


def _day_numbers(values: pd.Series) -> list[int | None]:
    """Days since 1970-01-01 for each date (ISO string, date or timestamp), None when null."""
    days = [_iso_day(v, str(values.name)) for v in values]
    array = np.array([d or "NaT" for d in days], dtype="datetime64[D]")
    numbers = (array - _EPOCH).astype("int64")
    return [None if d is None else int(k) for d, k in zip(days, numbers)]


def _codes(values: pd.Series, allowed: Sequence[str], column: str) -> list[int]:
    lookup = {name: i for i, name in enumerate(allowed)}
    codes = []
    for v in values:
        code = lookup.get(v)
        if code is None:
            raise ValueError(f"{column!r} should be one of {list(allowed)}, got {v!r} instead")
        codes.append(code)
    return codes


def _group_codes(values: pd.Series) -> list[int]:
    """Small ints, equal where event_group is equal; an event with no group is its own group."""
    lookup: dict[Hashable, int] = {}
    codes = []
    for i, v in enumerate(values):
        key: Hashable = ("row", i) if _missing(v) else ("group", str(v))
        codes.append(lookup.setdefault(key, len(lookup)))
    return codes


def _web_url(value: Any) -> str | None:
    """The url if it is an absolute http(s) url with a host, else None (javascript:, data:...)."""
    if _missing(value):
        return None
    url = str(value).strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    if any(ord(c) < 0x20 or c.isspace() for c in url):
        return None
    return url


def _spans(
    excerpts: list[str | None], excerpt_start: list[int | None], starts: pd.Series, ends: pd.Series
) -> list[list[int] | None]:
    """[start, end] relative to each excerpt, in UTF-16 code units; None when not inside it."""
    spans: list[list[int] | None] = []
    for text, base, start, end in zip(excerpts, excerpt_start, starts, ends):
        if text is None or base is None or _missing(start) or _missing(end):
            spans.append(None)
            continue
        s, e = int(start) - base, int(end) - base
        if not 0 <= s < e <= len(text):
            spans.append(None)
            continue
        if _ASTRAL.search(text, 0, e):  # Python indexes code points, JavaScript UTF-16 units
            s, e = _utf16_len(text[:s]), _utf16_len(text[:e])
        spans.append([s, e])
    return spans


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


# --------------------------------------------------------------------------- publishing (I/O)


def publish_events(events: gpd.GeoDataFrame, *, static_dir: Path = STATIC_DIR) -> str:
    """Write the payload, gzipped, to ``static_dir/data/<sha256>.json.gz`` once; return its URL.

    Content-addressed (the digest of the JSON) and written atomically (a temporary file in the
    same folder, then ``os.replace``), so concurrent sessions publishing the same or different
    events never see a half-written file and never clash. Gzipped once here because Streamlit
    serves a ``.gz`` file as it is (``application/gzip``) but compresses a ``.json`` again on
    every request, in the server's Python, while the page's script run competes for it: 7 MB
    at 36,000 events, 1 MB gzipped. datelines-map.js gunzips it (DecompressionStream).
    """
    payload = events_payload(events)
    return _publish_bytes(payload, static_dir=Path(static_dir))


def _publish_bytes(payload: bytes, *, static_dir: Path) -> str:
    name = hashlib.sha256(payload).hexdigest() + ".json.gz"
    folder = static_dir / "data"
    target = folder / name
    if not target.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json.gz")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(gzip.compress(payload, compresslevel=6, mtime=0))  # same bytes each time
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return static_url("data/" + name)


# --------------------------------------------------------------------------- the map (pure)


class EventLayer(JSCSSMixin):
    """Leaflet layer (datelines-map.js) that fetches the events from ``data_url`` once."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.datelines.eventLayer(
                {{ this.options|tojson }}
            ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, data_url: str, *, basemap_url: str | None) -> None:
        super().__init__()
        self._name = "EventLayer"
        self.options = {
            "dataUrl": data_url,
            "basemapUrl": basemap_url,
            "iconImagePath": static_url("vendor/leaflet/images/"),
            "maxZoom": MAX_ZOOM,
        }
        self.default_js = [
            ("supercluster", vendor_url("supercluster/supercluster.min.js")),
            ("leaflet_heat", vendor_url("leaflet.heat/leaflet-heat.js")),
            ("topojson_client", vendor_url("topojson-client/topojson-client.min.js")),
            ("datelines_map", static_url("datelines/datelines-map.js")),
        ]
        self.default_css = [("datelines_map_css", static_url("datelines/datelines-map.css"))]


class _MaskScript(folium.MacroElement):
    """Hands the visible-event mask and the selected event to the event layer.

    Both are queued in the browser if the events are not loaded yet; a selection opens that
    event's popup and pans to it (once: the same selection sent again does nothing).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            if (window.L && L.datelines) {
                L.datelines.setMask({{ this.mask|tojson }}, {{ this.count|tojson }});
                L.datelines.colourBy({{ this.colour_by|tojson }});
                if (L.datelines.display) {
                    L.datelines.display({{ this.display|tojson }});
                    L.datelines.caption({{ this.caption|tojson }});
                }
                L.datelines.select({{ this.selected|tojson }}, {{ this.pan|tojson }});
                if (L.datelines.reportDrawn) L.datelines.reportDrawn({{ this.report_drawn|tojson }});
            } else {
                console.error("Datelines: datelines-map.js is not loaded; run `make setup`");
            }
        {% endmacro %}
        """
    )

    def __init__(
        self,
        mask: str,
        count: int,
        selected: int | None,
        *,
        pan: bool,
        colour_by: str = "type",
        display: str = "markers",
        caption: str = "",
        report_drawn: bool = False,
    ) -> None:
        super().__init__()
        self.report_drawn = report_drawn
        self.colour_by = colour_by
        self.display = display
        self.caption = caption
        self._name = "MaskScript"
        self.mask = mask
        self.count = count
        self.selected = selected
        self.pan = pan


def build_map(
    data_url: str,
    *,
    bounds: tuple[float, float, float, float] | None = None,
    basemap: str = "natural-earth",
    height: int = 560,
    centre: tuple[float, float, int] | None = None,
) -> folium.Map:
    """A folium map whose event layer fetches ``data_url``; its script depends only on the args.

    Parameters
    ----------
    data_url
        URL path of the published events (:func:`publish_events`).
    bounds
        ``(west, south, east, north)`` in degrees, the order of GeoDataFrame.total_bounds; the
        map opens fitted to it. None: the whole world.
    basemap
        ``"natural-earth"`` (offline, default): country polygons drawn from the local
        world-atlas TopoJSON, fetched by the browser once. ``"osm"``: OpenStreetMap web tiles,
        which need the internet.
    height
        Height of the map in pixels.
    centre
        ``(lat, lon, zoom)`` to open at instead of fitting ``bounds`` (a shared link's view).
    """
    if basemap not in BASEMAPS:
        raise ValueError(f"'basemap' should be one of {list(BASEMAPS)}, got {basemap!r} instead")
    location, zoom_start = (30.0, 20.0), MIN_ZOOM
    if centre is not None:
        location, zoom_start = (float(centre[0]), float(centre[1])), int(centre[2])  # [lat, lon]
    m = folium.Map(
        location=location, zoom_start=zoom_start, tiles=None, height=height, control_scale=True
    )
    # With tiles=None folium does not pass min/max zoom to L.map; supercluster needs maxZoom.
    m.options["minZoom"] = MIN_ZOOM
    m.options["maxZoom"] = MAX_ZOOM
    m.options["maxBounds"] = [[-90, -240], [90, 240]]
    localize_map(m)
    if basemap == "osm":
        folium.TileLayer("OpenStreetMap", min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM).add_to(m)
    basemap_url = vendor_url("world-atlas/countries-50m.json") if basemap == "natural-earth" else None
    layer = EventLayer(data_url, basemap_url=basemap_url)
    layer.add_to(m)
    # First of the map's scripts: starts every download at once (see datelines-prefetch.js).
    m.default_js = [("datelines_prefetch", _prefetch_url(m, layer))] + list(m.default_js)
    if centre is None and bounds is not None:
        west, south, east, north = _validate_bounds(bounds)
        # Leaflet wants [[lat, lon], [lat, lon]]: (south, west) and (north, east).
        folium.FitBounds(
            [[south, west], [north, east]],
            padding_top_left=(48, 24),  # the zoom buttons
            padding_bottom_right=(24, 24),
            max_zoom=_FIT_MAX_ZOOM,
        ).add_to(m)
    return m


def _prefetch_url(m: folium.Map, layer: EventLayer) -> str:
    """datelines-prefetch.js with the events, the basemap and the map's scripts and styles to
    fetch in parallel in its query string (streamlit-folium loads scripts one by one)."""
    query: list[tuple[str, str]] = [("data", layer.options["dataUrl"])]
    if layer.options["basemapUrl"]:
        query.append(("basemap", layer.options["basemapUrl"]))
    query += [("script", url) for _, url in [*m.default_js, *layer.default_js]]
    query += [("style", url) for _, url in [*m.default_css, *layer.default_css]]
    return static_url("datelines/datelines-prefetch.js") + "?" + urlencode(query)


def _validate_bounds(bounds: Sequence[float]) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(v) for v in bounds)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"Expected bounds as (west, south, east, north) degrees, instead got: {bounds!r}"
        ) from err
    if not (
        all(math.isfinite(v) for v in (west, south, east, north))
        and -180 <= west <= east <= 180
        and -90 <= south <= north <= 90
    ):
        raise ValueError(
            f"Expected bounds as (west, south, east, north) degrees, instead got: {bounds!r}"
        )
    return west, south, east, north


def _encode_mask(visible: np.ndarray) -> tuple[str, int]:
    """(base64 of numpy.packbits(visible), len(visible)): bit i, big-endian, is event i."""
    mask = np.asarray(visible)
    if mask.ndim != 1 or not (mask.dtype == bool or np.issubdtype(mask.dtype, np.integer)):
        raise ValueError(
            f"'visible' should be a 1-D boolean array, one value per event, got "
            f"dtype={mask.dtype} shape={mask.shape} instead"
        )
    return base64.b64encode(np.packbits(mask.astype(bool))).decode("ascii"), int(mask.size)


def _decode_mask(text: str, count: int) -> np.ndarray:
    """The inverse of :func:`_encode_mask`."""
    return np.unpackbits(np.frombuffer(base64.b64decode(text), dtype=np.uint8), count=count).astype(bool)


def visibility_layer(
    visible: np.ndarray,
    *,
    selected: int | None = None,
    pan: bool = True,
    colour_by: str = "type",
    display: str = "markers",
    caption: str = "",
    report_drawn: bool = False,
) -> folium.FeatureGroup:
    """A FeatureGroup whose script hands the visible-event mask to the loaded event layer.

    For ``st_folium(feature_group_to_add=...)``: only this group changes between reruns.
    ``selected`` is the position of the event whose popup the map should open, or None;
    ``pan=False`` opens it without moving the map (a link that also gives the map's view);
    ``colour_by`` is ``"type"`` (event type) or ``"source"`` (the most frequent sources);
    ``display`` is ``"markers"`` or ``"heat"`` (a heatmap, see ``DISPLAYS``); ``caption`` (the
    window and counts) is written at the top of the map's "Save PNG" image; ``report_drawn``
    asks the map to report once that its events are drawn (``MapState.drawn``): only while
    the page waits for it, since each report reruns the app.
    """
    if colour_by not in COLOUR_BY:
        raise ValueError(f"'colour_by' should be one of {list(COLOUR_BY)}, got {colour_by!r}")
    if display not in DISPLAYS:
        raise ValueError(f"'display' should be one of {list(DISPLAYS)}, got {display!r}")
    mask, count = _encode_mask(visible)
    if selected is not None and not 0 <= int(selected) < count:
        raise ValueError(f"'selected' should be an event position below {count}, got {selected!r}")
    group = folium.FeatureGroup(name="visible events", control=False)
    position = None if selected is None else int(selected)
    group.add_child(
        _MaskScript(
            mask, count, position, pan=pan, colour_by=colour_by, display=display,
            caption=caption[:300], report_drawn=report_drawn,
        )
    )
    return group


# --------------------------------------------------------------------------- Streamlit


# Published data sets, so a rerun that only moved the slider neither re-encodes nor re-hashes
# the events: by identity (the app shares one read-only frame through st.cache_resource; free),
# then by a fingerprint of every value (0.5 s at 100,000 events; a payload takes 3 s).
_by_identity: dict[int, tuple[weakref.ref, str, tuple[float, float, float, float] | None]] = {}
_by_fingerprint: dict[str, tuple[str, tuple[float, float, float, float] | None]] = {}


def _published(
    events: gpd.GeoDataFrame, fingerprint: str | None = None
) -> tuple[str, tuple[float, float, float, float] | None]:
    """(data url, bounds) of ``events``, publishing them if this process has not yet.

    ``fingerprint``: :func:`_fingerprint` of ``events`` when the caller knows it already
    (``view.Dataset.fingerprint``, kept with a cached data set), else it is computed here.
    """
    hit = _by_identity.get(id(events))
    if hit is not None and hit[0]() is events and _file_of(hit[1]).is_file():
        return hit[1], hit[2]
    fingerprint = fingerprint or _fingerprint(events)
    found = _by_fingerprint.get(fingerprint) or _remembered(fingerprint)
    if found is None or not _file_of(found[0]).is_file():
        found = (publish_events(events, static_dir=STATIC_DIR), _bounds(events))
        _remember(fingerprint, found)
    _by_fingerprint[fingerprint] = found
    _by_identity.clear()  # one live frame per data set is enough; no stale ids
    _by_identity[id(events)] = (weakref.ref(events), *found)
    return found


def _index_dir() -> Path:
    """Where a new server finds the payloads earlier servers published (fingerprint -> file).

    Outside ``static/`` (nothing here is served), beside the per-article cache. Encoding the
    payload is 0.6 s of a second open at 4,000 articles; the file itself is still there.
    """
    from dashboard.cache_files import cache_dir

    return cache_dir().parent / "payloads"


def _remembered(fingerprint: str) -> tuple[str, tuple[float, float, float, float] | None] | None:
    """(data url, bounds) an earlier server published for ``fingerprint``, if it says so."""
    try:
        entry = json.loads((_index_dir() / f"{fingerprint}.json").read_text(encoding="utf-8"))
        name, bounds = str(entry["file"]), entry["bounds"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not re.fullmatch(r"[0-9a-f]{64}\.json(\.gz)?", name):  # .json: published before gzip
        return None
    return static_url("data/" + name), None if bounds is None else tuple(float(b) for b in bounds)


def _remember(fingerprint: str, found: tuple[str, tuple[float, float, float, float] | None]) -> None:
    """Note which file holds ``fingerprint``'s payload, for the next server; best effort."""
    folder = _index_dir()
    entry = {"file": found[0].rsplit("/", 1)[-1], "bounds": found[1]}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(entry, out)
        os.replace(tmp, folder / f"{fingerprint}.json")
    except OSError:
        return  # an unwritable cache only costs the next server an encode


def _fingerprint(events: gpd.GeoDataFrame) -> str:
    """A digest of every value in ``events`` (the data set's, see view.events_fingerprint)."""
    from dashboard.view import events_fingerprint

    return events_fingerprint(events)


#: Share of the events the first view fits: a few far-off events (a wrong match on another
#: continent) should not zoom the map out to the whole world.
DENSE_SHARE = 0.95


def dense_bounds(
    lat: np.ndarray, lon: np.ndarray, *, share: float = DENSE_SHARE
) -> tuple[float, float, float, float] | None:
    """``(west, south, east, north)`` of the bulk of the points, leaving out the outliers.

    On each axis the ``(1 - share) / 2`` smallest and largest values are cut (whole points, so
    fewer than ``2 / (1 - share)`` points are all kept); the bounds are those of the points
    left on both axes. None when there is no point. NaN coordinates are not points.
    """
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    keep = np.isfinite(lat) & np.isfinite(lon)
    lat, lon = lat[keep], lon[keep]
    if not len(lat):
        return None
    cut = int(len(lat) * (1.0 - share) / 2.0)
    if cut:
        lat_lo, lat_hi = np.sort(lat)[[cut, len(lat) - 1 - cut]]
        lon_lo, lon_hi = np.sort(lon)[[cut, len(lon) - 1 - cut]]
        inside = (lat >= lat_lo) & (lat <= lat_hi) & (lon >= lon_lo) & (lon <= lon_hi)
        if inside.any():
            lat, lon = lat[inside], lon[inside]
    return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())


def _bounds(events: gpd.GeoDataFrame) -> tuple[float, float, float, float] | None:
    points = events.geometry[events.geometry.notna() & ~events.geometry.is_empty]
    if points.empty:
        return None
    # shapely points are (x=lon, y=lat)
    return dense_bounds(points.y.to_numpy(dtype=float), points.x.to_numpy(dtype=float))


@dataclass(frozen=True)
class MapState:
    """What the analyst did on the map, as streamlit-folium reports it after a rerun."""

    #: Position of the event whose marker was clicked last, and a token that changes with each
    #: click (so a second click on the same marker counts again); None before any click.
    clicked: int | None = None
    click_token: str | None = None
    #: Centre ``(lat, lon)`` and zoom of the map, None until the map has reported them.
    centre: tuple[float, float] | None = None
    zoom: int | None = None
    #: ``(west, south, east, north)`` in view, None until reported.
    bounds: tuple[float, float, float, float] | None = None
    #: The map has drawn its events (reported once by each new map frame, until a click).
    drawn: bool = False


_CLICK = re.compile(r"^datelines-event:(\d+):(\d+)$")
_DRAWN = re.compile(r"^datelines-drawn:\d+$")


def map_state(value: Mapping[str, Any] | None) -> MapState:
    """Read st_folium's return value (marker click, centre, zoom, bounds, drawn) into a MapState."""
    if not value:
        return MapState()
    clicked = token = None
    tooltip = str(value.get("last_object_clicked_tooltip") or "")
    drawn = bool(_DRAWN.match(tooltip))
    match = _CLICK.match(tooltip)
    if match:
        clicked, token = int(match.group(1)), f"{match.group(1)}:{match.group(2)}"
    centre = zoom = bounds = None
    try:
        c = value.get("center") or {}
        centre = (float(c["lat"]), float(c["lng"]))
        zoom = int(value["zoom"])
    except (KeyError, TypeError, ValueError):
        centre = zoom = None
    try:
        b = value.get("bounds") or {}
        sw, ne = b["_southWest"], b["_northEast"]
        bounds = (float(sw["lng"]), float(sw["lat"]), float(ne["lng"]), float(ne["lat"]))
    except (KeyError, TypeError, ValueError):
        bounds = None
    return MapState(
        clicked=clicked, click_token=token, centre=centre, zoom=zoom, bounds=bounds, drawn=drawn
    )


def show_map(
    events: gpd.GeoDataFrame,
    visible: np.ndarray,
    *,
    key: str = "map",
    basemap: str = "natural-earth",
    height: int = 560,
    selected: int | None = None,
    pan: bool = True,
    centre: tuple[float, float, int] | None = None,
    colour_by: str = "type",
    display: str = "markers",
    caption: str = "",
    fingerprint: str | None = None,
    report_drawn: bool = False,
) -> MapState:
    """Publish ``events`` (once), then render the map showing the events where ``visible``.

    Only the mask (and ``selected``) change between reruns that keep the same events, so
    streamlit-folium keeps the map as it is (zoom, centre, open popup) and the event layer
    redraws in the browser. ``selected`` opens that event's popup and pans to it (unless
    ``pan`` is False); ``centre``
    (lat, lon, zoom) opens the map there instead of fitting the events — keep it the same on
    every rerun, or the map is rebuilt. Returns what the analyst did on the map: a rerun
    follows a marker click and each pan or zoom. ``events`` is treated as read-only;
    ``fingerprint`` is its digest when known (``view.Dataset.fingerprint``), saving a hash;
    ``report_drawn``: the map reports once its events are drawn (``MapState.drawn``).
    """
    from streamlit_folium import st_folium

    check()
    if len(visible) != len(events):
        raise ValueError(
            f"'visible' should have one value per event ({len(events)}), got {len(visible)} instead"
        )
    data_url, bounds = _published(events, fingerprint)
    m = build_map(data_url, bounds=bounds, basemap=basemap, height=height, centre=centre)
    value = st_folium(
        m,
        key=key,
        height=height,
        use_container_width=True,
        feature_group_to_add=visibility_layer(
            np.asarray(visible),
            selected=selected,
            pan=pan,
            colour_by=colour_by,
            display=display,
            caption=caption,
            report_drawn=report_drawn,
        ),
        returned_objects=["last_object_clicked_tooltip", "center", "zoom", "bounds"],
    )
    return map_state(value)


def _file_of(url: str) -> Path:
    return STATIC_DIR / "data" / url.rsplit("/", 1)[-1]
