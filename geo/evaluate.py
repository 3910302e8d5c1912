"""Scoring events against a hand-made gold list: what a careful reader would map.

A gold row names an article, a place (a GeoNames id, or a latitude and longitude) and the
interval the true date lies in (empty for an undated article). A predicted event matches a gold
row of its article when the place is the same (the same id, or within
:data:`MATCH_KM`) and the date intervals overlap (or both are undated). Recall: gold rows matched by at least one event. Precision: events that match some
gold row (several reports of one happening all count as right).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from geopy.distance import great_circle

__all__ = [
    "Score", "score_events", "read_gold", "MATCH_KM", "Rate", "Evaluation", "evaluate_events",
    "point_matches", "reliability_table", "SCORED_PRECISIONS", "ingest_without_manifest",
]

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


# -- the dev-set measure: points against exhaustive gold ----------------------------------------
#
# The devset README's definitions: a point matches a gold row of its article when the place
# agrees (the same GeoNames id, or within MATCH_KM) and its best ``date`` lies in the gold
# window. Precision = dated points that match some gold row / dated points; recall = gold rows
# of place_precision city or admin1 that some point matches; main = the same over main=yes rows.

#: Gold place precisions that recall counts (a country-only row is not scored for place).
SCORED_PRECISIONS = frozenset({"city", "admin1"})
_Z95 = 1.959963984540054  # the normal quantile for a two-sided 95% interval


@dataclass(frozen=True)
class Rate:
    """A proportion with its 95% Wilson score interval."""

    hits: int
    total: int

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else float("nan")

    @property
    def interval(self) -> tuple[float, float]:
        """Wilson score interval (hand-written: one formula does not warrant scipy)."""
        n, z = self.total, _Z95
        if n == 0:
            return (0.0, 1.0)
        p = self.hits / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
        return (max(0.0, centre - half), min(1.0, centre + half))

    def __str__(self) -> str:
        low, high = self.interval
        return f"{self.value:6.1%} ({self.hits}/{self.total}; 95% {low:.1%}–{high:.1%})"


@dataclass(frozen=True)
class Evaluation:
    """Precision, recall and main-event recall, with what was missed and what matched nothing.

    ``point_correct`` says, for each row of the events frame that was scored (dated, in a gold
    article), whether it matched: the reliability table of ``confidence`` is built on it.
    """

    precision: Rate
    recall: Rate
    main: Rate
    missed: tuple[str, ...]
    unmatched: tuple[str, ...]
    point_correct: dict[int, bool]


def point_matches(event, gold: dict) -> bool:
    """Does one point (a row of the events frame) match one gold row? Place and best date."""
    if event.article != gold["article"]:
        return False
    same_id = gold["geonameid"] is not None and _int_or_none(event.geonameid) == gold["geonameid"]
    if not same_id:
        if gold["lat"] is None or gold["lon"] is None:
            return False
        # event geometry is a shapely Point: x is the longitude
        if great_circle((gold["lat"], gold["lon"]), (event.geometry.y, event.geometry.x)).km > MATCH_KM:
            return False
    date = event.date
    if date is None or (not isinstance(date, str) and pd.isna(date)):
        return False
    if gold["date_start"] is None or gold["date_end"] is None:
        return False
    return gold["date_start"] <= str(date)[:10] <= gold["date_end"]


def _int_or_none(value) -> int | None:
    if value is None or (not isinstance(value, (int, str)) and pd.isna(value)):
        return None
    return int(value)


def evaluate_events(events: pd.DataFrame, gold: list[dict]) -> Evaluation:
    """Score points (the ingest schema) against exhaustive gold rows, as the devset README
    defines it; only articles with gold rows are scored."""
    articles = {g["article"] for g in gold}
    rows = [(i, r) for i, r in enumerate(events.itertuples(index=False)) if r.article in articles]
    dated = [(i, r) for i, r in rows if r.date is not None and not (not isinstance(r.date, str) and pd.isna(r.date))]
    by_article: dict[str, list[tuple[int, object]]] = {}
    for i, r in dated:
        by_article.setdefault(r.article, []).append((i, r))
    correct: dict[int, bool] = {i: False for i, _ in dated}
    missed, found, main_rows, main_found = [], 0, 0, 0
    scored_gold = [g for g in gold if (g.get("place_precision") or "city") in SCORED_PRECISIONS]
    for g in gold:
        hits = [i for i, r in by_article.get(g["article"], []) if point_matches(r, g)]
        for i in hits:
            correct[i] = True
        if g not in scored_gold:
            continue
        is_main = (g.get("main") or "").strip().lower() == "yes"
        main_rows += is_main
        if hits:
            found += 1
            main_found += is_main
        else:
            missed.append(
                f"{g['article']} {'MAIN ' if is_main else ''}{g['place']} "
                f"{g['date_start']}..{g['date_end']}: {g.get('what', '')}"
            )
    unmatched = [
        f"{r.article} {r.place} {str(r.date)[:10]} ({r.date_source}): {_one_line(r.excerpt)}"
        for i, r in dated if not correct[i]
    ]
    return Evaluation(
        precision=Rate(sum(correct.values()), len(correct)),
        recall=Rate(found, len(scored_gold)),
        main=Rate(main_found, main_rows),
        missed=tuple(missed),
        unmatched=tuple(unmatched),
        point_correct=correct,
    )


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reliability_table(confidence: Sequence[float], correct: Sequence[bool], *, bins: Sequence[float] = (0.0, 0.2, 0.4, 0.6, 0.7, 0.8, 0.9, 1.0001)) -> list[tuple[str, Rate, float]]:
    """Rows (bin label, share right, mean confidence) for confidence bins: is a point given
    0.8 right about 80% of the time?"""
    table = []
    for low, high in zip(bins, bins[1:]):
        inside = [(c, ok) for c, ok in zip(confidence, correct) if low <= c < high]
        mean = sum(c for c, _ in inside) / len(inside) if inside else float("nan")
        label = f"{low:.1f}–{min(high, 1.0):.1f}"
        table.append((label, Rate(sum(ok for _, ok in inside), len(inside)), mean))
    return table


def ingest_without_manifest(corpus: str | Path, **ingest_options):
    """Ingest a corpus folder as if it had no ``articles.csv``: a temporary copy without it.

    This is how an analyst's own scraped folder arrives, so the dev set is scored both ways.
    """
    import shutil
    import tempfile

    from geo.read.articles import MANIFEST_NAME
    from geo.corpus.ingest import ingest

    corpus = Path(corpus)
    if not corpus.is_dir():
        return ingest(corpus, **ingest_options)
    with tempfile.TemporaryDirectory(prefix="datelines-eval-") as tmp:
        copy = Path(tmp) / corpus.name
        shutil.copytree(corpus, copy, ignore=shutil.ignore_patterns(MANIFEST_NAME))
        return ingest(copy, **ingest_options)
