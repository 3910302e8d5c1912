"""Ingest on Dask: the same pipeline on every core of a machine, or on a cluster.

How a run goes (:func:`ingest_dask`):

1. The client reads the corpus with :func:`geo.read.articles.read_corpus` — a stream, one input at
   a time — and cuts it into partitions of ``partition_size`` inputs. A window of a few
   partitions per worker at a time is submitted, one task a partition; the next window is
   read while the workers process this one, so neither the client nor the workers ever hold
   more than two windows of article texts, however large the corpus.
2. Each worker runs :func:`geo.corpus.ingest.process_batch` over its partition with the
   gazetteer it loaded once (:func:`geo.gazetteer.index.load_gazetteer` is cached per process),
   and gives back only compact results: the report rows and the events (excerpts already
   sliced). Article texts stay on the worker and are dropped there.
   How a partition travels depends on where the workers are (see :func:`_processed_parts`):
   on a cluster this machine runs (a :class:`distributed.LocalCluster`, what
   ``--scheduler local`` starts), the articles and the results are handed over as files in a
   private folder, and the workers write the GeoJSON Features, as a ``--workers`` pool's do;
   on any other cluster, they go through Dask's comms, the events as frame rows.
3. Grouping needs every event of the corpus, so the client does it, over five compact columns
   (place, type, first and last day, id) with :func:`geo.events.find.event_groups` — the function
   :func:`geo.events.find.group_events` uses — and fills ``event_group``.

The result is the :class:`geo.corpus.ingest.IngestResult` that :func:`geo.corpus.ingest.ingest` returns for
the same corpus: same events, same order, same bytes when written as GeoJSON.

Workers must be able to import ``geo`` (the same version as the client) and find or build the
gazetteer cache (``$DATELINES_CACHE``). The corpus need not be on the workers' disks: the
client reads it and hands the articles over with the tasks.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from itertools import chain, count, islice
from pathlib import Path
from typing import TYPE_CHECKING


from geo.read.articles import MAX_ARTICLE_BYTES, ReadOutcome, read_corpus
from geo.errors import ClusterUnavailable
from geo.gazetteer.index import Gazetteer, load_gazetteer
from geo.output.export import spool_folder, writes_geojson
from geo.output.export import write_events_parquet  # noqa: F401  (re-exported: the partitioned writer)
from geo.corpus.ingest import IngestResult, ProcessedBatch, WrittenIngest, assemble_batches, process_batch, write_batches

if TYPE_CHECKING:
    from distributed import Client

__all__ = [
    "ingest_dask", "ingest_dask_to_file", "warm_workers", "write_events_parquet", "PARTITION_SIZE",
    "LOCAL_CLUSTER_CONFIG",
]

#: Inputs per partition: large enough that a task's overhead (a few ms) is lost in its work
#: (about 200 articles a second a core), small enough to spread a modest corpus over workers.
PARTITION_SIZE = 200
#: Dask settings for the cluster a run starts for itself (``scheduler="local"``). Its workers
#: need not sample their stacks every 10 ms for a dashboard profile nobody opens (about 3% of
#: their CPU on real news), nor wake their event loop every 20 ms to time it, nor poll memory
#: and system load ten and two times a second: each wake-up takes the interpreter lock from the
#: task. Together about 10% of the workers' CPU (250 -> 282 articles per CPU-second, 2 workers,
#: 4,000 real articles, with the tasks submitted as they are); memory limits are then enforced
#: within a second.
LOCAL_CLUSTER_CONFIG: dict[str, object] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
    # tasks are equal partitions, submitted a window at a time: nothing to steal, no need to look
    "distributed.scheduler.work-stealing": False,
}
#: Partitions per worker in one window of the corpus (two windows are in memory at most).
_PARTITIONS_PER_WORKER = 2


def ingest_dask(
    corpus: str | Path,
    *,
    scheduler: str | Client = "local",
    max_bytes: int = MAX_ARTICLE_BYTES,
    workers: int | None = None,
    partition_size: int = PARTITION_SIZE,
    gazetteer: Gazetteer | None = None,
) -> IngestResult:
    """Turn a corpus into events on Dask; the same result as :func:`geo.corpus.ingest.ingest`.

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
        loads :func:`geo.gazetteer.index.load_gazetteer` once.

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
    outcomes = _checked_outcomes(corpus, max_bytes)
    with _connected(scheduler, workers) as client, _handover(client, None) as folder:
        return assemble_batches(_processed_parts(client, outcomes, partition_size, gazetteer, folder))


def ingest_dask_to_file(
    corpus: str | Path,
    output: str | Path,
    *,
    fmt: str | None = None,
    scheduler: str | Client = "local",
    max_bytes: int = MAX_ARTICLE_BYTES,
    workers: int | None = None,
    partition_size: int = PARTITION_SIZE,
    gazetteer: Gazetteer | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> WrittenIngest:
    """:func:`ingest_dask`, written as :func:`geo.corpus.ingest.ingest_to_file` writes: the
    partitions' events spooled as they come back and written from their rows (GeoJSON without
    pandas or geopandas on the client), memory flat in the corpus's size; the same bytes.
    Parameters as :func:`ingest_dask`, plus ``output``, ``fmt`` and ``on_progress`` as
    :func:`geo.corpus.ingest.ingest_to_file` takes them."""
    if partition_size < 1:
        raise ValueError(
            f"'partition_size' should be a positive number of inputs, got {partition_size!r} instead"
        )
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    outcomes = _checked_outcomes(corpus, max_bytes)
    with _connected(scheduler, workers) as client, _handover(client, target) as folder:
        parts = _processed_parts(
            client, outcomes, partition_size, gazetteer, folder, as_features=writes_geojson(target, fmt)
        )
        return write_batches(parts, target, fmt=fmt, on_progress=on_progress)


def _checked_outcomes(corpus: str | Path, max_bytes: int) -> Iterator[ReadOutcome]:
    """The corpus's read outcomes; a missing corpus fails here, before a cluster starts."""
    outcomes = read_corpus(corpus, max_bytes=max_bytes)
    head = list(islice(outcomes, 1))
    return chain(head, outcomes)


@contextmanager
def _connected(scheduler: str | Client, workers: int | None) -> Iterator[Client]:
    """A client of ``scheduler`` (see :func:`ingest_dask`), closed after unless it was given."""
    from distributed import Client

    if isinstance(scheduler, Client):
        yield scheduler
        return
    if scheduler == "local":
        import dask
        from distributed import LocalCluster

        with dask.config.set(LOCAL_CLUSTER_CONFIG), LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",  # this machine only
            # this machine only, on a free port (":0" alone would listen on every interface)
            dashboard_address="127.0.0.1:0",
        ) as cluster, Client(cluster) as client:
            yield client
        return
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
        yield client


def _handover(client: Client, target: Path | None) -> AbstractContextManager[str | None]:
    """The folder where the client and the workers of a cluster on this machine (a
    :class:`distributed.LocalCluster`) hand partitions over, removed after the run: beside
    ``target``, as its spool is (:func:`geo.output.export.spool_folder`), or in the system's
    temporary folder. None for any other cluster: its workers may not see this machine's disk."""
    from distributed import LocalCluster

    if not isinstance(getattr(client, "cluster", None), LocalCluster):
        return nullcontext(None)
    if target is None:
        return tempfile.TemporaryDirectory(prefix="datelines-dask-")
    return spool_folder(target)


def _processed_parts(
    client: Client,
    outcomes: Iterable[ReadOutcome],
    partition_size: int,
    gazetteer: Gazetteer | None,
    folder: str | None = None,
    *,
    as_features: bool = False,
) -> Iterator[ProcessedBatch]:
    """The corpus's batches processed on the cluster, in input order, window by window.

    One task a partition, submitted as it is (``pure=False``): a dask.bag of the same inputs
    would first hash every article to name its tasks, a tenth of the client's CPU.

    How a partition travels:

    * With a ``folder`` (:func:`_handover`: the workers are on this machine), its inputs and
      its processed batch are pickled to files there, and only the files' name goes through
      Dask. The batch holds GeoJSON Features if ``as_features``, as a pool's do. Sent through
      Dask's comms instead, the articles and the event rows cost the client's and the workers'
      event loops 7-8% of a run's CPU (2 local workers, 20,000 real articles: 390-419 articles
      per CPU-second with the comms, 421-455 with files, in alternating runs).
    * Otherwise they are sent through Dask's comms, the events as rows (``as_features`` is
      ignored): Features are 2.6 times the bytes of the rows, and a remote worker's bytes cost
      more than the client's work of writing them."""
    if gazetteer is None:
        warm_workers(client)  # start-up, once a worker: a warm worker only answers
        shared = None
    else:
        shared = client.scatter(gazetteer, broadcast=True)
    n_workers = max(1, len(client.scheduler_info().get("workers", {})))
    window = partition_size * _PARTITIONS_PER_WORKER * n_workers
    numbers = count()
    pending: list | None = None
    for inputs in _batches(outcomes, window):
        if folder is None:
            futures = [client.submit(_process_partition, part, shared, pure=False)
                       for part in _batches(inputs, partition_size)]
        else:
            futures = [client.submit(_process_handed_partition, _hand_over(part, folder, next(numbers)), shared,
                                     as_features, pure=False)
                       for part in _batches(inputs, partition_size)]
        if pending is not None:  # this window was sent before the last one is gathered
            yield from _taken_over(client.gather(pending))
        pending = futures
    if pending is not None:
        yield from _taken_over(client.gather(pending))


def _hand_over(outcomes: list[ReadOutcome], folder: str, number: int) -> str:
    """Write a partition's inputs for a worker to ``<name>.in``; returns the name."""
    name = os.path.join(folder, f"partition-{number}")
    with open(name + ".in", "wb") as fh:
        pickle.dump(outcomes, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return name


def _taken_over(results: list[ProcessedBatch | str]) -> Iterator[ProcessedBatch]:
    """The processed batches of gathered tasks: sent, or handed over (a file's name)."""
    for result in results:
        if isinstance(result, str):
            with open(result + ".out", "rb") as fh:
                batch = pickle.load(fh)  # written by our own worker, in our private folder
            os.unlink(result + ".out")
            os.unlink(result + ".in")  # only now: a task run again (its worker died) reads it
            yield batch
        else:
            yield result


def _batches(outcomes: Iterable[ReadOutcome], size: int) -> Iterator[list[ReadOutcome]]:
    iterator = iter(outcomes)
    while batch := list(islice(iterator, size)):
        yield batch


def warm_workers(client: Client) -> None:
    """Make every worker of ``client`` ready to process partitions: import the pipeline and
    load the gazetteer, once a worker (a worker already warm only answers).

    This is a run's start-up on Dask, as importing ``geo`` and loading the gazetteer is a
    one-process run's (and a ``--workers`` pool's, whose forked workers inherit both): left to
    the first partition, each worker would compile and import the pipeline's modules in the
    middle of the run (about 0.1 s of CPU a worker)."""
    client.run(_warm_worker)


def _warm_worker() -> None:
    """On a worker: unpickling this function imports this module and so the whole pipeline
    (:mod:`geo.corpus.ingest` and what it imports); then the gazetteer is loaded. Returns
    nothing: ``client.run`` would ship a return value back."""
    load_gazetteer()


def _process_partition(outcomes: Iterable[ReadOutcome], gazetteer: Gazetteer | None = None) -> ProcessedBatch:
    """On a worker: process a partition and keep only what the client needs."""
    return process_batch(outcomes, gazetteer or load_gazetteer())


def _process_handed_partition(name: str, gazetteer: Gazetteer | None, as_features: bool) -> str:
    """On a worker on the client's machine: process the partition in ``<name>.in`` and write
    its batch to ``<name>.out``, whole or not at all (a task run again, after its worker died,
    writes it again). Returns ``name``."""
    with open(name + ".in", "rb") as fh:
        outcomes = pickle.load(fh)  # written by our own client, in its private folder
    batch = process_batch(outcomes, gazetteer or load_gazetteer(), as_features=as_features)
    with open(name + ".part", "wb") as fh:
        pickle.dump(batch, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(name + ".part", name + ".out")
    return name
