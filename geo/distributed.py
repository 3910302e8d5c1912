"""Ingest on Dask: the same pipeline on every core of a machine, or on a cluster.

How a run goes (:func:`ingest_dask`):

1. The client reads the corpus with :func:`geo.articles.read_corpus` — a stream, one input at
   a time — and cuts it into partitions of ``partition_size`` inputs. A window of a few
   partitions per worker at a time becomes a :mod:`dask.bag`; the next window is read while
   the workers process this one, so neither the client nor the workers ever hold more than
   two windows of article texts, however large the corpus.
2. Each worker runs :func:`geo.ingest.process_outcomes` over its partition with the gazetteer
   it loaded once (:func:`geo.gazetteer.load_gazetteer` is cached per process), and sends back
   only compact results: the report rows and the events as frame rows
   (:func:`geo.frame.events_to_frame`, excerpts already sliced). Article texts stay on the
   worker and are dropped there.
3. Grouping needs every event of the corpus, so the client does it, over five compact columns
   (place, type, first and last day, id) with :func:`geo.events.event_groups` — the function
   :func:`geo.events.group_events` uses — and fills ``event_group``.

The result is the :class:`geo.ingest.IngestResult` that :func:`geo.ingest.ingest` returns for
the same corpus: same events, same order, same bytes when written as GeoJSON.

Workers must be able to import ``geo`` (the same version as the client) and find or build the
gazetteer cache (``$DATELINES_CACHE``). The corpus need not be on the workers' disks: the
client reads it and ships the articles with the tasks.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from geo.articles import MAX_ARTICLE_BYTES, ReadOutcome, read_corpus
from geo.errors import ClusterUnavailable
from geo.events import event_groups
from geo.frame import empty_events_frame, events_to_frame
from geo.gazetteer import Gazetteer, load_gazetteer
from geo.ingest import IngestResult, process_outcomes, summarise
from geo.schema import EVENT_PROPERTIES, REPORT_COLUMNS

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["ingest_dask", "write_events_parquet", "PARTITION_SIZE"]

#: Inputs per partition: large enough that a task's overhead (a few ms) is lost in its work
#: (about 200 articles a second a core), small enough to spread a modest corpus over workers.
PARTITION_SIZE = 200
#: Partitions per worker in one window of the corpus (two windows are in memory at most).
_PARTITIONS_PER_WORKER = 2
_PART_NAME = "part-{:05d}.parquet"


@dataclass(frozen=True, slots=True)
class _PartitionResult:
    """What one partition sends back: a report row per input and its (ungrouped) events."""

    report: list[tuple[str, str, int, str]]  # file, status, events of this input, reason
    events: gpd.GeoDataFrame


def ingest_dask(
    corpus: str | Path,
    *,
    scheduler: str | Client = "local",
    max_bytes: int = MAX_ARTICLE_BYTES,
    workers: int | None = None,
    partition_size: int = PARTITION_SIZE,
    gazetteer: Gazetteer | None = None,
) -> IngestResult:
    """Turn a corpus into events on Dask; the same result as :func:`geo.ingest.ingest`.

    Parameters
    ----------
    corpus
        A folder of articles (with an optional ``articles.csv``), a JSON Lines file, or one
        article file. Read on the client.
    scheduler
        ``"local"`` (default): a :class:`distributed.LocalCluster` of ``workers`` processes on
        this machine, started and closed for this run. ``"tcp://HOST:8786"``: an existing
        cluster's scheduler. Or a connected :class:`distributed.Client`, used and left open.
    max_bytes
        Articles larger than this are refused with a reason.
    workers
        Worker processes of a ``"local"`` cluster; default: one per core.
    partition_size
        Inputs per task.
    gazetteer
        A gazetteer to send to every worker (tests pass small ones); by default each worker
        loads :func:`geo.gazetteer.load_gazetteer` once.

    Raises
    ------
    CorpusError
        When the corpus does not exist (before any cluster is started).
    ClusterUnavailable
        When the scheduler at ``scheduler`` cannot be reached.
    """
    if partition_size < 1:
        raise ValueError(
            f"'partition_size' should be a positive number of inputs, got {partition_size!r} instead"
        )
    outcomes = read_corpus(corpus, max_bytes=max_bytes)
    head = list(islice(outcomes, 1))  # a missing corpus fails here, before a cluster starts
    outcomes = chain(head, outcomes)
    from distributed import Client

    if isinstance(scheduler, Client):
        return _run(scheduler, outcomes, partition_size, gazetteer)
    if scheduler == "local":
        from distributed import LocalCluster

        with LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",  # this machine only
            dashboard_address=":0",  # a free port: the scheduler's HTTP routes never clash on 8787
        ) as cluster, Client(cluster) as client:
            return _run(client, outcomes, partition_size, gazetteer)
    if not isinstance(scheduler, str) or "://" not in scheduler:
        raise ValueError(
            f"'scheduler' should be 'local' or a scheduler address such as "
            f"'tcp://HOST:8786', got {scheduler!r} instead"
        )
    try:
        client = Client(scheduler)  # waits up to distributed.comm.timeouts.connect (30 s)
    except (OSError, TimeoutError) as err:
        raise ClusterUnavailable(
            f"No Dask scheduler answered at {scheduler!r}: start one (`dask scheduler`, then "
            f"`dask worker {scheduler}`), or use --scheduler local."
        ) from err
    with client:
        return _run(client, outcomes, partition_size, gazetteer)


def _run(
    client: Client,
    outcomes: Iterable[ReadOutcome],
    partition_size: int,
    gazetteer: Gazetteer | None,
) -> IngestResult:
    import dask.bag as db

    if gazetteer is None:
        client.run(_warm_worker)  # start-up: every worker loads its gazetteer now, once
        shared = None
    else:
        shared = client.scatter(gazetteer, broadcast=True)
    n_workers = max(1, len(client.scheduler_info().get("workers", {})))
    window = partition_size * _PARTITIONS_PER_WORKER * n_workers
    parts: list[_PartitionResult] = []
    pending = None
    for inputs in _batches(outcomes, window):
        bag = db.from_sequence(inputs, partition_size=partition_size)
        future = client.compute(bag.map_partitions(_process_partition, shared))
        if pending is not None:  # this window was sent before the last one is gathered
            parts.extend(pending.result())
        pending = future
    if pending is not None:
        parts.extend(pending.result())
    return _assemble(parts)


def _batches(outcomes: Iterable[ReadOutcome], size: int) -> Iterator[list[ReadOutcome]]:
    iterator = iter(outcomes)
    while batch := list(islice(iterator, size)):
        yield batch


def _warm_worker() -> None:
    load_gazetteer()


def _process_partition(
    outcomes: Iterable[ReadOutcome], gazetteer: Gazetteer | None = None
) -> list[_PartitionResult]:
    """On a worker: process a partition and keep only what the client needs."""
    report: list[tuple[str, str, int, str]] = []
    events = []
    for result in process_outcomes(outcomes, gazetteer or load_gazetteer()):
        report.append((result.file, result.status, len(result.events), result.reason))
        events.extend(result.events)
    return [_PartitionResult(report, events_to_frame(events))]


def _assemble(parts: list[_PartitionResult]) -> IngestResult:
    """Group the events of all partitions and build the frame, report and summary, exactly
    as :func:`geo.ingest.assemble` does from whole events."""
    frames = [p.events for p in parts if len(p.events)]
    events = pd.concat(frames, ignore_index=True) if frames else empty_events_frame()
    if len(events):
        keys = [
            (int(g), kind, _date(start), _date(end), event_id)
            for g, kind, start, end, event_id in zip(
                events["geonameid"], events["event_type"], events["date_start"],
                events["date_end"], events["id"],
            )
        ]
        events["event_group"] = event_groups(keys)
    # A report row counts the events of its file, as geo.ingest.assemble does.
    counts: Counter[str] = Counter()
    for part in parts:
        for file, _status, n, _reason in part.report:
            counts[file] += n
    report = pd.DataFrame(
        [(file, status, counts.get(file, 0), reason) for p in parts for file, status, _n, reason in p.report],
        columns=list(REPORT_COLUMNS),
    )
    report["events"] = report["events"].astype("int64")
    return IngestResult(events, report, summarise(report))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


def write_events_parquet(
    events: gpd.GeoDataFrame, path: str | Path, *, rows_per_part: int = 100_000
) -> Path:
    """Write events as partitioned GeoParquet: a folder of part files, in event order.

    ``path`` is a folder (``events/``, ``events.parquet``); its part files are named
    ``part-00000.parquet``, ``part-00001.parquet``, ... so their names sort in event order.
    :func:`geo.export.read_events`, ``dask_geopandas.read_parquet`` and Spark read it back. A
    folder from an earlier run is replaced whole; a folder holding anything else is refused.
    """
    if rows_per_part < 1:
        raise ValueError(
            f"'rows_per_part' should be a positive number of rows, got {rows_per_part!r} instead"
        )
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise FileExistsError(
            f"{str(target)!r} is a file: partitioned GeoParquet is written to a folder; "
            "remove it or pick another path."
        )
    if target.is_dir():
        foreign = sorted(
            p.name for p in target.iterdir() if not (p.name.startswith("part-") and p.suffix == ".parquet")
        )
        if foreign:
            raise FileExistsError(
                f"{str(target)!r} holds other files ({', '.join(foreign[:3])}): "
                "pick an empty or new folder for the events."
            )
    geometry = events.geometry.name
    extra = [c for c in events.columns if c not in EVENT_PROPERTIES and c != geometry]
    frame = events[[*EVENT_PROPERTIES, *extra, geometry]]
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part"))
    try:
        starts = range(0, max(len(frame), 1), rows_per_part)
        for number, start in enumerate(starts):
            frame.iloc[start : start + rows_per_part].to_parquet(
                staging / _PART_NAME.format(number), index=False
            )
        # Swap folders so a reader never sees a half-written set of parts.
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, old)
        os.replace(staging, target)
        if old is not None:
            shutil.rmtree(old)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target
