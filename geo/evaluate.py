"""Scoring events against a hand-made gold list: what a careful reader would map.

A gold row names an article, a GeoNames id and the interval the true date lies in. A predicted
event matches a gold row of its article when the place is the same and the date intervals
overlap. Recall: gold rows matched by at least one event. Precision: events that match some
gold row (several reports of one happening all count as right).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["Score", "score_events", "read_gold"]


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
    """Gold rows: article, geonameid, place, date_start, date_end, what."""
    with open(path, newline="", encoding="utf-8") as fh:
        return [dict(row, geonameid=int(row["geonameid"])) for row in csv.DictReader(fh)]


def _overlaps(row, start: str, end: str) -> bool:
    return row.date_start is not None and row.date_start <= end and start <= row.date_end


def score_events(events: pd.DataFrame, gold: list[dict]) -> Score:
    """Precision and recall of events (the ingest schema) against gold rows."""
    rows = list(events.itertuples(index=False))
    matched_events: set[int] = set()
    missed: list[str] = []
    for g in gold:
        hits = [
            i for i, r in enumerate(rows)
            if r.article == g["article"] and int(r.geonameid) == g["geonameid"]
            and _overlaps(r, g["date_start"], g["date_end"])
        ]
        matched_events.update(hits)
        if not hits:
            missed.append(f"{g['article'][:3]} {g['place']} {g['date_start']}..{g['date_end']}: {g['what']}")
    articles = {g["article"] for g in gold}
    scored = [i for i, r in enumerate(rows) if r.article in articles]
    wrong = [
        f"{rows[i].article[:3]} {rows[i].place} {rows[i].date}: {rows[i].excerpt[:80]}"
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
