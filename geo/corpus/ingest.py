"""Ingest: a corpus in, events and a report of every input out.

This is the one call the CLI and the dashboard make. The stages are the modules named after
them: :mod:`geo.read.articles` (reading), :mod:`geo.places.find` (finding places), :mod:`geo.places.resolve`
(resolving them), :mod:`geo.dates.find` (reading dates), :mod:`geo.events.find` (building events),
:mod:`geo.output.frame` (the GeoDataFrame) and :mod:`geo.output.export`.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import pickle
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from geo.read.articles import MAX_ARTICLE_BYTES, Article, ReadOutcome, read_corpus
from geo.errors import CorpusError
from geo.read.document import read_document
from geo.events.find import Event, GroupKeys, build_events, group_first_days, group_labels
from geo.output.features import feature_halves, joined_features
from geo.output.frame import EventRows, FeatureHalves, events_to_rows, rows_to_frame
from geo.gazetteer.index import Gazetteer, PlaceIndex, load_gazetteer
from geo.places.find import find_places
from geo.places.resolve import resolve_places
from geo.schema import ARTICLE_STATUSES, REPORT_COLUMNS

if TYPE_CHECKING:  # imported where a frame is built: the CLI writes GeoJSON without them
    import geopandas as gpd
    import numpy as np
    import pandas as pd

__all__ = [
    "IngestResult",
    "ArticleResult",
    "ingest",
    "process_article",
    "process_outcomes",
    "process_batch",
    "ProcessedBatch",
    "assemble_batches",
    "ingest_to_file",
    "write_batches",
    "WrittenIngest",
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
    #: With ``ingest(..., review=...)``: the applied review, its orphans and warnings.
    review: object | None = None


def process_article(
    article: Article, gazetteer: PlaceIndex, *, geocoder: object | None = None
) -> ArticleResult:
    """Find, resolve and date the events of one article (ungrouped)."""
    from geo.dates.find import find_dates

    document = read_document(article.text)  # split once: every stage reads it
    mentions = find_places(article.text, gazetteer, document)
    places = resolve_places(mentions, gazetteer, geocoder=geocoder)
    dates = find_dates(article.text, article.published, sentences=document.sentences)
    events = tuple(build_events(article, places, dates, document))
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
            continue
        try:
            yield process_article(outcome.article, gazetteer, geocoder=geocoder)
        except (ArithmeticError, RecursionError, ValueError, TypeError, LookupError, UnicodeError) as err:
            # One article a stage cannot handle must never stop the rest of the corpus: it is
            # reported, with the reason, like any unreadable input.
            yield ArticleResult(
                outcome.file, "unreadable",
                f"could not be processed ({type(err).__name__}: {str(err)[:200]}); please report it",
            )


#: Inputs per batch by default.
BATCH_SIZE = 64


@dataclass
class ProcessedBatch:
    """What a batch of inputs gave, without their texts: report rows and ungrouped events.

    Batches are what travels between processes (a pool or Dask workers) and what the run
    keeps while it goes on, so memory holds event rows, never article texts. ``events`` are
    :class:`~geo.output.frame.EventRows` (what :func:`process_batch` makes: they pickle
    fast), their :class:`~geo.output.frame.FeatureHalves` (for a run writing GeoJSON) or a
    GeoDataFrame in the schema.
    """

    report: list[tuple[str, str, int, str]]
    events: EventRows | FeatureHalves | gpd.GeoDataFrame


def process_batch(
    outcomes: Iterable[ReadOutcome],
    gazetteer: Gazetteer,
    *,
    geocoder: object | None = None,
    as_features: bool = False,
) -> ProcessedBatch:
    """Process a batch of inputs and keep only report rows and event rows (with fewer garbage
    collections, see :func:`_fewer_collections`: a pool's or Dask's workers run only this).

    ``as_features``: keep the events as :class:`~geo.output.frame.FeatureHalves` instead, for a
    run that writes GeoJSON, so the process that read the articles also writes their Features
    (see :func:`write_batches`)."""
    report: list[tuple[str, str, int, str]] = []
    events: list[Event] = []
    with _fewer_collections():
        for result in process_outcomes(outcomes, gazetteer, geocoder=geocoder):
            report.append((result.file, result.status, len(result.events), result.reason))
            events.extend(result.events)
    rows = events_to_rows(events)
    return ProcessedBatch(report, _halves_of(rows) if as_features else rows)


def _halves_of(rows: EventRows) -> FeatureHalves:
    """Events as GeoJSON Features but for their group (:mod:`geo.output.features`)."""
    heads, tails = feature_halves(rows)
    return FeatureHalves(group_keys(rows), rows.column("id"), heads, tails)


#: The garbage collector's thresholds while a batch is processed (Python's default: 700, 10, 10).
COLLECTOR_THRESHOLDS = (10_000, 10, 10)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect garbage less often while a batch is processed, and as before after it.

    The pipeline makes and drops short-lived objects by the million; at the default
    thresholds a 2,000-article run stopped for 544 young, 49 middle and 4 full collections,
    0.26 s of 7.9 s of CPU, the full ones scanning the run's caches each time. At these,
    14 and 1 collections took 0.10 s. Refcounting still frees what has no cycle at once, and
    cycles are still collected, only in larger steps."""
    before = gc.get_threshold()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def ingest(
    corpus: str | Path,
    *,
    gazetteer: Gazetteer | str | Path | None = None,
    geocoder: object | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
    workers: int = 1,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[int], None] | None = None,
    review: str | Path | Iterable | None = None,
    include_rejected: bool = False,
) -> IngestResult:
    """Turn a corpus into events.

    Parameters
    ----------
    corpus
        A folder of articles (with an optional ``articles.csv``), a JSON Lines file, or one
        article file.
    gazetteer
        The offline gazetteer; default :func:`geo.gazetteer.index.load_gazetteer`. A path adds
        your own gazetteer files to it (GeoNames dump files, or a CSV name,lat,lon[,country]).
    geocoder
        Optional online geocoder (:func:`geo.geocode.services.make_geocoder`); off by default.
    max_bytes
        Articles larger than this are refused with a reason.
    workers
        Processes to use. The output is the same whatever the number: inputs are processed
        in batches kept in input order, and events are grouped once, at the end. An online
        geocoder keeps the run to one process (it holds a connection and a cache).
    batch_size
        Inputs per batch: memory holds one batch of article texts per process at a time.
    on_progress
        Called with the number of inputs done after each batch, e.g. to advance a bar.
    review
        A review file (path) or decisions (:mod:`geo.review`) to apply: the events gain the
        review columns, and ``result.review`` lists the decisions that no longer match.
    include_rejected
        With a review: keep the events the analyst rejected (status ``rejected``).

    Raises
    ------
    CorpusError
        When the corpus does not exist.
    """
    processed = _processed_batches(
        corpus, gazetteer=gazetteer, geocoder=geocoder, max_bytes=max_bytes, workers=workers,
        batch_size=batch_size,
    )
    kept: list[ProcessedBatch] = []
    with _fewer_collections():  # reading and assembling too, not only the batches
        for batch in processed:
            kept.append(batch)
            if on_progress is not None:
                on_progress(len(batch.report))
        result = assemble_batches(kept)
    if review is not None:
        from geo.review import apply_reviews_to

        result = apply_reviews_to(result, review, include_rejected=include_rejected)
    return result


def _processed_batches(
    corpus: str | Path,
    *,
    gazetteer: Gazetteer | str | Path | None,
    geocoder: object | None,
    max_bytes: int,
    workers: int,
    batch_size: int,
    as_features: bool = False,
) -> Iterator[ProcessedBatch]:
    """The corpus's inputs processed batch by batch, in order, here or on a pool."""
    if not isinstance(gazetteer, Gazetteer):  # None, or the path of the user's own gazetteer
        gazetteer = load_gazetteer(user=gazetteer)
    batches = _chunks(read_corpus(corpus, max_bytes=max_bytes), batch_size)
    if workers > 1 and geocoder is None:
        return _process_in_pool(batches, gazetteer, workers=workers, as_features=as_features)
    return (process_batch(b, gazetteer, geocoder=geocoder, as_features=as_features) for b in batches)


def _chunks(items: Iterable[ReadOutcome], size: int) -> Iterator[list[ReadOutcome]]:
    chunk: list[ReadOutcome] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_worker_gazetteer: Gazetteer | None = None


def _init_worker(gazetteer: Gazetteer | None) -> None:
    import signal

    global _worker_gazetteer
    # The pool stops its workers with SIGTERM: a handler inherited from the parent (the CLI's,
    # which unwinds to clean up) must not run in them.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker_gazetteer = gazetteer or load_gazetteer()


def _process_in_worker(outcomes: list[ReadOutcome], as_features: bool) -> ProcessedBatch:
    assert _worker_gazetteer is not None
    return process_batch(outcomes, _worker_gazetteer, as_features=as_features)


def _process_in_pool(
    batches: Iterable[list[ReadOutcome]], gazetteer: Gazetteer, *, workers: int, as_features: bool = False
) -> Iterator[ProcessedBatch]:
    """Process batches on ``workers`` processes, results in input order. At most
    ``2 * workers`` batches are in flight, so memory stays flat however large the corpus."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    # fork shares the loaded gazetteer copy-on-write; elsewhere each worker loads the cache.
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    shared = gazetteer if context.get_start_method() == "fork" else None
    with context.Pool(workers, initializer=_init_worker, initargs=(shared,)) as pool:
        in_flight: list = []
        for batch in batches:
            in_flight.append(pool.apply_async(_process_in_worker, (batch, as_features)))
            if len(in_flight) >= 2 * workers:
                yield in_flight.pop(0).get()
        for pending in in_flight:
            yield pending.get()


def assemble_batches(batches: Iterable[ProcessedBatch]) -> IngestResult:
    """Group the events of all batches and build the frame, report and summary."""
    batches = list(batches)
    if all(isinstance(b.events, EventRows) for b in batches):
        rows = EventRows.concat([b.events for b in batches])
        if len(rows):
            rows = with_groups(rows, group_keys(rows))
        events = rows_to_frame(rows)  # one frame, built once
    else:
        import pandas as pd

        frames = [b.events if not isinstance(b.events, EventRows) else rows_to_frame(b.events)
                  for b in batches if len(b.events)]
        events = pd.concat(frames, ignore_index=True) if frames else rows_to_frame(EventRows([], []))
        if len(events):
            keys = group_keys(events)
            events["event_group"] = group_labels(keys, group_first_days(keys), events["id"].tolist())
    report = report_frame(row for b in batches for row in b.report)
    return IngestResult(events, report, summarise(report))


def group_keys(events: pd.DataFrame | EventRows | FeatureHalves) -> GroupKeys:
    """The grouping columns of events (a frame, :class:`~geo.output.frame.EventRows` or
    :class:`~geo.output.frame.FeatureHalves`)."""
    if isinstance(events, FeatureHalves):
        return events.keys
    if isinstance(events, EventRows):
        columns = [events.column(c) for c in ("geonameid", "event_type", "date_start", "date_end")]
        return GroupKeys.of(*columns)
    return GroupKeys.of(events["geonameid"], events["event_type"], events["date_start"], events["date_end"])


def with_groups(rows: EventRows, keys: GroupKeys, first_days=None) -> EventRows:
    """The events with their ``event_group`` (``first_days``: their groups' first days when
    decided over more events than these, as :func:`group_first_days` gives them)."""
    days = group_first_days(keys) if first_days is None else first_days
    return rows.with_column("event_group", group_labels(keys, days, rows.column("id")))


def report_rows(rows: Iterable[tuple[str, str, int, str]]) -> list[tuple[str, str, int, str]]:
    """The report's rows: a file's events are summed over its rows (JSON Lines lines)."""
    rows = list(rows)
    counts: Counter[str] = Counter()
    for file, _status, n, _reason in rows:
        counts[file] += n
    return [(file, status, counts.get(file, 0), reason) for file, status, _n, reason in rows]


def report_frame(rows: Iterable[tuple[str, str, int, str]]) -> pd.DataFrame:
    """Report rows as a frame (:func:`report_rows`: a file's events summed over its rows)."""
    import pandas as pd

    report = pd.DataFrame(report_rows(rows), columns=list(REPORT_COLUMNS))
    report["events"] = report["events"].astype("int64")
    return report


@dataclass
class WrittenIngest:
    """What :func:`ingest_to_file` wrote: the output path, the report and its summary.

    The report is kept as rows (``report_rows``: file, status, events, reason, events summed
    per file); ``report`` is the same as a frame, built when first asked for, so a run that
    only writes files (the CLI) never imports pandas.
    """

    output: Path
    report_rows: list[tuple[str, str, int, str]]
    summary: dict = field(default_factory=dict)

    @functools.cached_property
    def report(self) -> pd.DataFrame:
        """The report as a frame (columns :data:`geo.schema.REPORT_COLUMNS`)."""
        import pandas as pd

        report = pd.DataFrame(self.report_rows, columns=list(REPORT_COLUMNS))
        report["events"] = report["events"].astype("int64")
        return report


def ingest_to_file(
    corpus: str | Path,
    output: str | Path,
    *,
    fmt: str | None = None,
    gazetteer: Gazetteer | str | Path | None = None,
    geocoder: object | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
    workers: int = 1,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[int], None] | None = None,
) -> WrittenIngest:
    """Turn a corpus into an events file, with memory flat in the corpus's size.

    Each batch's events are spooled to a temporary file as soon as they are made: for GeoJSON
    as Features but for their group (:class:`~geo.output.frame.FeatureHalves`, written by the
    process that read the batch), otherwise as rows (:class:`~geo.output.frame.EventRows`);
    memory keeps only four grouping columns (a few bytes an event) and the report. When every
    article is read, groups are decided over those columns and the parts are written out, one
    at a time, with their ``event_group``. No GeoDataFrame is built for GeoJSON (geopandas is
    never imported for it). The output is byte-identical to writing ``ingest(corpus).events``
    (GeoJSON, CSV) or its parts (GeoParquet folder).

    A run that reads no article at all writes nothing: an existing output is only ever
    replaced by a complete new one.
    """
    from geo.output.export import writes_geojson

    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    processed = _processed_batches(
        corpus, gazetteer=gazetteer, geocoder=geocoder, max_bytes=max_bytes, workers=workers,
        batch_size=batch_size, as_features=writes_geojson(target, fmt),
    )
    with _fewer_collections():  # reading and writing too, not only the batches
        return write_batches(processed, target, fmt=fmt, on_progress=on_progress)


def write_batches(
    processed: Iterable[ProcessedBatch],
    target: Path,
    *,
    fmt: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> WrittenIngest:
    """Write processed batches, in input order, as :func:`ingest_to_file` does: each batch's
    events spooled as they come, grouped once every batch is in, then written part by part.
    Shared by :func:`ingest_to_file` and :func:`geo.corpus.distributed.ingest_dask_to_file`.

    GeoJSON is spooled as :class:`~geo.output.frame.FeatureHalves` (batches made with
    ``as_features``, or turned into them here), so once the groups are decided only each
    group's JSON is put between its halves: the Features were written where the batches were
    processed (in parallel, on a pool or a local Dask cluster), or here as each batch came in
    (the workers of a remote Dask cluster send rows, see geo.corpus.distributed), not in this
    last step, which one process does alone.
    Other formats are spooled as rows and written through a frame per part."""
    from geo.output.export import spool_folder, sweep_debris, write_features, write_rows_parts, writes_geojson

    geojson = writes_geojson(target, fmt)
    rows: list[tuple[str, str, int, str]] = []
    keys: list[GroupKeys] = []
    sweep_debris(target)  # what a killed run left
    with spool_folder(target) as spool, open(Path(spool) / "events.pickle", "w+b") as parts:
        for batch in processed:
            rows.extend(batch.report)
            events = batch.events
            if geojson and isinstance(events, EventRows):
                events = _halves_of(events)
            elif not geojson and isinstance(events, FeatureHalves):
                raise ValueError(
                    f"{str(target)!r} is not GeoJSON, but these batches hold GeoJSON Features "
                    "(as_features=True): process them without as_features to write this format"
                )
            if len(events):
                keys.append(group_keys(events))
                pickle.dump(events, parts, protocol=pickle.HIGHEST_PROTOCOL)
            if on_progress is not None:
                on_progress(len(batch.report))
        first_days = group_first_days(GroupKeys.concat(keys))

        def spooled() -> Iterator[tuple[EventRows | FeatureHalves, GroupKeys, np.ndarray]]:
            """Each spooled part with its keys and its events' groups' first days."""
            parts.seek(0)
            offset = 0
            for part_keys in keys:
                part = pickle.load(parts)  # our own spool, written above in a private folder
                n = len(part)
                yield part, part_keys, first_days[offset : offset + n]
                offset += n

        report = report_rows(rows)
        summary = summarise_rows(report)
        if summary["articles"] and geojson:
            write_features(
                (joined_features(p.heads, p.tails, group_labels(k, days, p.ids)) for p, k, days in spooled()),
                target,
            )
        elif summary["articles"]:
            grouped = (with_groups(p, k, days) for p, k, days in spooled())
            write_rows_parts(grouped if keys else iter([EventRows([], [])]), target, fmt=fmt)
    return WrittenIngest(target, report, summary)


def summarise_rows(rows: list[tuple[str, str, int, str]]) -> dict:
    """:func:`summarise` for :func:`report_rows`' rows (the same totals, without pandas)."""
    statuses = Counter(status for _file, status, _n, _reason in rows)
    by_status = {s: statuses.get(s, 0) for s in ARTICLE_STATUSES}
    return {
        "inputs": len(rows),
        "articles": by_status["ok"] + by_status["no_places"] + by_status["undated"],
        "events": sum(n for _file, _status, n, _reason in rows),
        "by_status": by_status,
    }


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
