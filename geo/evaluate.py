"""Scoring events against a hand-made gold list: what a careful reader would map.

A gold row names an article, a place (a GeoNames id, or a latitude and longitude) and the
interval the true date lies in (empty for an undated article). A predicted event matches a gold
row of its article when the place is the same (the same id, or within
:data:`MATCH_KM`) and the date intervals overlap (or both are undated). Recall: gold rows matched by at least one event. Precision: events that match some
gold row (several reports of one happening all count as right).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from geopy.distance import great_circle

__all__ = ["Score", "score_events", "read_gold", "MATCH_KM"]

#: How close an event must be to a gold place given by coordinates.
MATCH_KM = 25.0


@dataclass(frozen=True)
class Score:
    gold: int
    found: int
    events: int
    correct: int
    missed: tuple[str, ...]
    wrong: tuple[str, ...]

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.events if self.events else 1.0


def read_gold(path: str | Path) -> list[dict]:
    """Gold rows: article, place, (geonameid | lat, lon), date_start, date_end, what."""
    rows = []
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            row = dict(row)
            row["geonameid"] = int(row["geonameid"]) if row.get("geonameid") else None
            row["lat"] = float(row["lat"]) if row.get("lat") else None
            row["lon"] = float(row["lon"]) if row.get("lon") else None
            row["date_start"] = row.get("date_start") or None
            row["date_end"] = row.get("date_end") or None
            rows.append(row)
    return rows


def _same_place(event, gold: dict) -> bool:
    if gold["geonameid"] is not None:
        return int(event.geonameid) == gold["geonameid"]
    # event geometry is a shapely Point: x is the longitude
    return great_circle((gold["lat"], gold["lon"]), (event.geometry.y, event.geometry.x)).km <= MATCH_KM


def _same_time(event, gold: dict) -> bool:
    if gold["date_start"] is None:
        return event.date_start is None or pd.isna(event.date_start)
    if event.date_start is None or pd.isna(event.date_start):
        return False
    return event.date_start <= gold["date_end"] and gold["date_start"] <= event.date_end


def score_events(events: pd.DataFrame, gold: list[dict]) -> Score:
    """Precision and recall of events (the ingest schema) against gold rows."""
    rows = list(events.itertuples(index=False))
    matched_events: set[int] = set()
    missed: list[str] = []
    for g in gold:
        hits = [
            i for i, r in enumerate(rows)
            if r.article == g["article"] and _same_place(r, g) and _same_time(r, g)
        ]
        matched_events.update(hits)
        if not hits:
            missed.append(f"{g['article']} {g['place']} {g['date_start']}..{g['date_end']}: {g['what']}")
    articles = {g["article"] for g in gold}
    scored = [i for i, r in enumerate(rows) if r.article in articles]
    wrong = [
        f"{rows[i].article} {rows[i].place} {rows[i].date}: {rows[i].excerpt[:80]}"
        for i in scored if i not in matched_events
    ]
    return Score(
        gold=len(gold),
        found=len(gold) - len(missed),
        events=len(scored),
        correct=len(scored) - len(wrong),
        missed=tuple(missed),
        wrong=tuple(wrong),
    )
