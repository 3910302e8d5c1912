"""Ingest: a corpus in, events and a report of every input out.

This is the one call the CLI and the dashboard make. The stages are the modules named after
them: :mod:`geo.articles` (reading), :mod:`geo.places` (finding places), :mod:`geo.resolve`
(resolving them), :mod:`geo.dates` (reading dates), :mod:`geo.events` (building events),
:mod:`geo.frame` (the GeoDataFrame) and :mod:`geo.export`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.articles import MAX_ARTICLE_BYTES, Article, ReadOutcome, read_corpus
from geo.errors import CorpusError
from geo.events import Event, build_events, group_events
from geo.frame import events_to_frame
from geo.gazetteer import Gazetteer, load_gazetteer
from geo.places import find_places
from geo.resolve import resolve_places
from geo.schema import ARTICLE_STATUSES, REPORT_COLUMNS

__all__ = [
    "IngestResult",
    "ArticleResult",
    "ingest",
    "process_article",
    "process_outcomes",
    "process_in_parallel",
    "assemble",
]


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """What one input gave: its events, a status from the schema and the reason."""

    file: str
    status: str
    reason: str
    events: tuple[Event, ...] = ()


@dataclass
class IngestResult:
    """Events (a GeoDataFrame in the shared schema) and one report row per input."""

    events: gpd.GeoDataFrame
    report: pd.DataFrame
    summary: dict = field(default_factory=dict)


def process_article(
    article: Article, gazetteer: Gazetteer, *, geocoder: object | None = None
) -> ArticleResult:
    """Find, resolve and date the events of one article (ungrouped)."""
    from geo.dates import find_dates

    mentions = find_places(article.text, gazetteer)
    places = resolve_places(mentions, gazetteer, geocoder=geocoder)
    dates = find_dates(article.text, article.published)
    events = tuple(build_events(article, places, dates))
    notes = list(article.notes)
    if article.published is None:
        status = "undated"
        notes.insert(
            0,
            "no publication date (manifest, metadata or dateline): its relative dates are "
            "left undated; add it to articles.csv",
        )
    elif events:
        status = "ok"
    else:
        status = "no_places"
        named = sorted({p.name for p in places})
        if not mentions or not named:
            notes.insert(0, "no place names found")
        elif not any(p.precision != "country" for p in places):
            notes.insert(0, f"names only countries ({', '.join(named[:5])}), no town to map")
        else:
            notes.insert(0, f"names {', '.join(named[:5])} but no sentence reports an event there")
    return ArticleResult(article.file, status, "; ".join(notes), events)


def process_outcomes(
    outcomes: Iterable[ReadOutcome], gazetteer: Gazetteer, *, geocoder: object | None = None
) -> Iterator[ArticleResult]:
    """Process read outcomes one by one; unreadable and skipped inputs pass through."""
    for outcome in outcomes:
        if outcome.article is None:
            yield ArticleResult(outcome.file, outcome.status, outcome.reason)
        else:
            yield process_article(outcome.article, gazetteer, geocoder=geocoder)


def ingest(
    corpus: str | Path,
    *,
    gazetteer: Gazetteer | None = None,
    geocoder: object | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
    workers: int = 1,
    on_progress: Callable[[ArticleResult], None] | None = None,
) -> IngestResult:
    """Turn a corpus into events.

    Parameters
    ----------
    corpus
        A folder of articles (with an optional ``articles.csv``), a JSON Lines file, or one
        article file.
    gazetteer
        The offline gazetteer; default :func:`geo.gazetteer.load_gazetteer`.
    geocoder
        Optional online geocoder (:func:`geo.geocoders.make_geocoder`); off by default.
    max_bytes
        Articles larger than this are refused with a reason.
    workers
        Processes to use. The output is the same whatever the number: articles are processed
        in batches and results kept in input order; events are grouped once, at the end.
        An online geocoder keeps the run to one process (it holds a connection and a cache).
    on_progress
        Called after each input, e.g. to advance a progress bar.

    Raises
    ------
    CorpusError
        When the corpus does not exist.
    """
    gazetteer = gazetteer or load_gazetteer()
    outcomes = read_corpus(corpus, max_bytes=max_bytes)
    if workers > 1 and geocoder is None:
        stream = process_in_parallel(outcomes, gazetteer, workers=workers)
    else:
        stream = process_outcomes(outcomes, gazetteer, geocoder=geocoder)
    results: list[ArticleResult] = []
    for result in stream:
        results.append(result)
        if on_progress is not None:
            on_progress(result)
    return assemble(results)


_worker_gazetteer: Gazetteer | None = None


def _init_worker(gazetteer: Gazetteer | None) -> None:
    global _worker_gazetteer
    _worker_gazetteer = gazetteer or load_gazetteer()


def _process_in_worker(outcome: ReadOutcome) -> ArticleResult:
    assert _worker_gazetteer is not None
    return next(process_outcomes([outcome], _worker_gazetteer))


def process_in_parallel(
    outcomes: Iterable[ReadOutcome], gazetteer: Gazetteer, *, workers: int, batch: int = 64
) -> Iterator[ArticleResult]:
    """Process outcomes on ``workers`` processes, in input order, a bounded batch at a time
    (memory stays flat however large the corpus)."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    # fork shares the loaded gazetteer copy-on-write; elsewhere each worker loads the cache.
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    shared = gazetteer if context.get_start_method() == "fork" else None
    with context.Pool(workers, initializer=_init_worker, initargs=(shared,)) as pool:
        pending: list[ReadOutcome] = []
        for outcome in outcomes:
            pending.append(outcome)
            if len(pending) >= batch * workers:
                yield from pool.map(_process_in_worker, pending, chunksize=batch // 4 or 1)
                pending = []
        if pending:
            yield from pool.map(_process_in_worker, pending, chunksize=max(1, len(pending) // (workers * 4)))


def assemble(results: list[ArticleResult]) -> IngestResult:
    """Group the events of all articles and build the frame, report and summary."""
    events = group_events([e for r in results for e in r.events])
    counts = Counter(e.article.file for e in events)
    report = pd.DataFrame(
        [(r.file, r.status, counts.get(r.file, 0), r.reason) for r in results],
        columns=list(REPORT_COLUMNS),
    )
    report["events"] = report["events"].astype("int64")
    return IngestResult(events_to_frame(events), report, summarise(report))


def summarise(report: pd.DataFrame) -> dict:
    """Totals of a report: inputs, articles read, events, and inputs by status."""
    by_status = {s: int((report["status"] == s).sum()) for s in ARTICLE_STATUSES}
    read = by_status["ok"] + by_status["no_places"] + by_status["undated"]
    return {
        "inputs": int(len(report)),
        "articles": read,
        "events": int(report["events"].sum()) if len(report) else 0,
        "by_status": by_status,
    }


def require_some_articles(result: IngestResult) -> None:
    """Raise when nothing at all could be read: the one case a run should fail."""
    if result.summary.get("articles", 0) == 0:
        reasons = "; ".join(f"{f}: {r}" for f, r in result.report[["file", "reason"]].head(5).itertuples(index=False))
        raise CorpusError(
            "No article could be read from the corpus"
            + (f" ({reasons})" if reasons else " (it holds no .txt, .md, .html or .jsonl files)")
            + ". Check the path and the files' formats."
        )
