"""Synthetic events in the exact event schema, for tests and the slider benchmark.

Deterministic for a given ``n`` and ``seed``: events spread over Syria/Iraq (most of them) and
the rest of the world, over two years (2015-01-01 .. 2016-12-31), with every date precision,
some undated events, and a few hostile strings (HTML, ``javascript:`` urls, template syntax)
in titles and excerpts so the dashboard's escaping is exercised.

Usage::

    python benchmarks/synthetic_events.py 10000 out/events-10k.geojson
    python benchmarks/synthetic_events.py 100000 out/events-100k.parquet
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from geo.schema import DATE_PRECISIONS, EVENT_PROPERTIES, EVENT_TYPES  # noqa: E402

__all__ = ["HOSTILE_STRINGS", "PLACES", "synthetic_events", "write_events"]

#: (name, country, geonameid, admin1, lat, lon). Syria and Iraq first: they get most events.
PLACES: tuple[tuple[str, str, int, str, float, float], ...] = (
    ("Palmyra", "SY", 163345, "14", 34.5560, 38.2673),
    ("Aleppo", "SY", 170063, "09", 36.2021, 37.1343),
    ("Raqqa", "SY", 163915, "04", 35.9528, 39.0079),
    ("Jisr al-Shughour", "SY", 169389, "12", 35.8124, 36.3176),
    ("Damascus", "SY", 170654, "13", 33.5102, 36.2913),
    ("Homs", "SY", 169577, "11", 34.7268, 36.7234),
    ("Deir ez-Zor", "SY", 170794, "05", 35.3359, 40.1408),
    ("Idlib", "SY", 169388, "12", 35.9306, 36.6339),
    ("Kobani", "SY", 170017, "09", 36.8910, 38.3539),
    ("Mosul", "IQ", 99072, "15", 36.3350, 43.1189),
    ("Ramadi", "IQ", 388349, "04", 33.4258, 43.2994),
    ("Fallujah", "IQ", 98860, "04", 33.3500, 43.7833),
    ("Baghdad", "IQ", 98182, "07", 33.3406, 44.4009),
    ("Tikrit", "IQ", 89933, "18", 34.6071, 43.6782),
    ("Kirkuk", "IQ", 94787, "13", 35.4681, 44.3922),
    ("Sinjar", "IQ", 94298, "15", 36.3209, 41.8754),
    ("Erbil", "IQ", 95446, "11", 36.1900, 44.0089),
    ("Beirut", "LB", 276781, "04", 33.8938, 35.5018),
    ("Amman", "JO", 250441, "16", 31.9552, 35.9450),
    ("Ankara", "TR", 323786, "68", 39.9199, 32.8543),
    ("Cairo", "EG", 360630, "11", 30.0626, 31.2497),
    ("Tripoli", "LY", 2210247, "77", 32.8872, 13.1913),
    ("Kabul", "AF", 1138958, "13", 34.5281, 69.1723),
    ("Paris", "FR", 2988507, "11", 48.8534, 2.3488),
    ("Brussels", "BE", 2800866, "BRU", 50.8505, 4.3488),
    ("Lagos", "NG", 2332459, "05", 6.4541, 3.3947),
    ("Mogadishu", "SO", 53654, "02", 2.0371, 45.3438),
    ("Sana'a", "YE", 71137, "26", 15.3547, 44.2067),
    ("Kyiv", "UA", 703448, "12", 50.4547, 30.5238),
    ("Caracas", "VE", 3646738, "25", 10.4880, -66.8792),
    ("Manila", "PH", 1701668, "D9", 14.6042, 120.9822),
    ("Sydney", "AU", 2147714, "02", -33.8679, 151.2073),
    ("Anchorage", "US", 5879400, "AK", 61.2181, -149.9003),
)
_N_LEVANT = 17  # the first 17 places are in Syria or Iraq

#: Strings an article could carry that must reach the analyst as text, never as markup or code.
HOSTILE_STRINGS: tuple[str, ...] = (
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 1">',
    "javascript:window.__pwned=1",
    "{{7*7}}",
    "`rm -rf /` and ``double``",
    "${window.__pwned = 1}",
    "**bold** _it_ [link](javascript:window.__pwned=1) <b>b</b> &amp; $x^2$",
)

_SOURCES = ("Reuters", "AP", "AFP", "BBC", "Al Jazeera", "SANA", "Rudaw", "The Guardian")
_VERBS = {
    "battles": "fighters clashed with government troops near",
    "violence against civilians": "militants executed civilians in",
    "explosions/remote violence": "an air strike hit a market in",
    "strategic developments": "forces took control of the road to",
    "protests": "hundreds marched peacefully through",
    "riots": "crowds set fire to offices in",
    "other": "officials met tribal leaders in",
}
_START = dt.date(2015, 1, 1)
_DAYS = 731  # 2015-01-01 .. 2016-12-31


def synthetic_events(n: int, *, seed: int = 7, hostile_every: int = 97) -> gpd.GeoDataFrame:
    """Return ``n`` synthetic events: columns ``EVENT_PROPERTIES`` + geometry, EPSG:4326.

    Parameters
    ----------
    n
        Number of events (rows).
    seed
        Seed of the random generator; the same ``(n, seed)`` gives the same frame.
    hostile_every
        Every ``hostile_every``-th event carries one of ``HOSTILE_STRINGS`` in its title and
        excerpt (0 for none).
    """
    if n < 0:
        raise ValueError(f"'n' should be a count of events >= 0, got {n!r} instead")
    rng = np.random.default_rng(seed)
    idx = np.arange(n)

    # 80 % of events in Syria/Iraq, the rest anywhere in the list.
    levant = rng.random(n) < 0.8
    place_i = np.where(
        levant, rng.integers(0, _N_LEVANT, n), rng.integers(0, len(PLACES), n)
    )
    places = [PLACES[i] for i in place_i]

    precision = rng.choice(
        np.array(DATE_PRECISIONS, dtype=object), size=n, p=[0.70, 0.12, 0.08, 0.03, 0.07, 0.0, 0.0, 0.0]
    )
    day0 = rng.integers(0, _DAYS, n)
    width = np.select(
        [precision == "day", precision == "week", precision == "month", precision == "year",
         precision == "quarter", precision == "season", precision == "decade"],
        [0, 6, 29, 364, 90, 91, 3651],
        default=0,
    )
    undated = precision == "undated"
    start_day = np.minimum(day0, _DAYS - 1 - width)
    starts = [_START + dt.timedelta(days=int(d)) for d in start_day]
    ends = [s + dt.timedelta(days=int(w)) for s, w in zip(starts, width)]
    published_day = np.minimum(start_day + width + rng.integers(0, 4, n), _DAYS + 3)
    published = [(_START + dt.timedelta(days=int(d))).isoformat() for d in published_day]
    best = [s + dt.timedelta(days=int(w) // 2) for s, w in zip(starts, width)]

    def iso_or_none(values: list[dt.date]) -> list[str | None]:
        return [None if u else v.isoformat() for v, u in zip(values, undated)]

    event_type = rng.choice(np.array(EVENT_TYPES, dtype=object), size=n)
    source = rng.choice(np.array(_SOURCES, dtype=object), size=n)
    article_no = rng.integers(0, max(1, n // 3), n)
    articles = [f"syn_{a:06d}" for a in article_no]
    fatalities = np.where(rng.random(n) < 0.5, rng.integers(0, 120, n), -1)

    titles, excerpts, urls = [], [], []
    for i in range(n):
        place = places[i][0]
        title = f"{event_type[i].capitalize()} reported in {place}"
        excerpt = f"On that day {_VERBS[event_type[i]]} {place}, witnesses said."
        url: str | None = f"https://news.example.org/{articles[i]}"
        if hostile_every and i % hostile_every == 3:
            bad = HOSTILE_STRINGS[(i // hostile_every) % len(HOSTILE_STRINGS)]
            title = f"{title} {bad}"
            excerpt = f"{excerpt} {bad}"
            if bad.startswith("javascript:"):
                url = bad
        titles.append(title)
        excerpts.append(excerpt)
        urls.append(url)

    place_start = 40 + (idx % 200)
    place_len = np.array([len(p[0]) for p in places])
    has_date_text = (precision != "undated") & (rng.random(n) < 0.6)
    date_start_char = np.where(has_date_text, place_start + place_len + 5, -1)

    frame = pd.DataFrame(
        {
            "article": articles,
            "title": titles,
            "source": source,
            "published": [None if u else p for p, u in zip(published, undated)],
            "place": [p[0] for p in places],
            "country": [p[1] for p in places],
            "geonameid": np.array([p[2] for p in places], dtype="int64"),
            "date": iso_or_none(best),
            "date_start": iso_or_none(starts),
            "date_end": iso_or_none(ends),
            "date_precision": precision,
            "excerpt": excerpts,
            "event_type": event_type,
            "fatalities": pd.array(
                [None if f < 0 else int(f) for f in fatalities], dtype="Int64"
            ),
            "event_group": [f"g{a:06d}-{p[2]}" for a, p in zip(article_no, places)],
            "id": [f"{a}:{s}:{i}" for i, (a, s) in enumerate(zip(articles, place_start))],
            "url": urls,
            "place_text": [p[0] for p in places],
            "place_char_start": place_start.astype("int64"),
            "place_char_end": (place_start + place_len).astype("int64"),
            "place_precision": "city",
            "admin1": [p[3] for p in places],
            "date_text": ["on Wednesday" if h else "" for h in has_date_text],
            "date_char_start": pd.array(
                [None if d < 0 else int(d) for d in date_start_char], dtype="Int64"
            ),
            "date_char_end": pd.array(
                [None if d < 0 else int(d) + 12 for d in date_start_char], dtype="Int64"
            ),
            "date_source": np.where(has_date_text, "text", "published"),
            "excerpt_char_start": (place_start - 20).astype("int64"),
            "place_candidates": "",
            **{
                column: pd.array([None] * n, dtype="Int64")
                for column in ("date_used_char_start", "date_used_char_end", "date_sentence_char_start",
                               "date_sentence_char_end")
            },
            "place_candidates_lost": "",
        },
        columns=list(EVENT_PROPERTIES),
    )
    # GeoNames gives (lat, lon); shapely points are (x=lon, y=lat).
    geometry = gpd.points_from_xy([p[5] for p in places], [p[4] for p in places])
    events = gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
    # The same deterministic order ingest uses: by start date (undated last), then id.
    order = events.assign(_k=events["date_start"].fillna("9999")).sort_values(
        ["_k", "id"], kind="stable"
    )
    return events.loc[order.index].reset_index(drop=True)


def write_events(events: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write events to ``.geojson`` (RFC 7946) or ``.parquet`` (GeoParquet); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix in {".geojson", ".json"}:
        from geo.output.export import to_geojson_bytes

        path.write_bytes(to_geojson_bytes(events))
    elif suffix in {".parquet", ".geoparquet"}:
        events.to_parquet(path, index=False)
    else:
        raise ValueError(
            f"'path' should end in .geojson or .parquet, got {str(path)!r} instead"
        )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of events")
    parser.add_argument("out", help="output .geojson or .parquet")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    path = write_events(synthetic_events(args.n, seed=args.seed), args.out)
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
