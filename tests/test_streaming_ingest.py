"""Writing events as they are made: the same bytes as writing them all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo import ingest, read_events, to_csv_bytes, to_geojson_bytes
from geo.corpus.ingest import ingest_to_file

ROOT = Path(__file__).resolve().parent.parent
CORPORA = [ROOT / "seeds", ROOT / "tests" / "corpora" / "unseen"]


@pytest.mark.parametrize("corpus", CORPORA, ids=["seeds", "unseen"])
@pytest.mark.parametrize("batch_size", [1, 2, 64])
def test_streamed_geojson_is_byte_identical_to_the_whole(corpus, batch_size, tmp_path):
    whole = ingest(corpus)
    written = ingest_to_file(corpus, tmp_path / "events.geojson", batch_size=batch_size)
    assert written.output.read_bytes() == to_geojson_bytes(whole.events)
    assert written.report.equals(whole.report)
    assert written.summary == whole.summary


def test_streamed_csv_is_byte_identical_to_the_whole(tmp_path):
    whole = ingest(ROOT / "seeds")
    written = ingest_to_file(ROOT / "seeds", tmp_path / "events.csv", batch_size=2)
    assert written.output.read_bytes() == to_csv_bytes(whole.events)


def test_streamed_parquet_is_a_folder_of_parts_that_reads_back(tmp_path):
    whole = ingest(ROOT / "seeds")
    written = ingest_to_file(ROOT / "seeds", tmp_path / "events.parquet", batch_size=2)
    assert written.output.is_dir() and len(list(written.output.glob("part-*.parquet"))) > 1
    back = read_events(written.output)
    assert back["id"].tolist() == whole.events["id"].tolist()
    assert back["event_group"].tolist() == whole.events["event_group"].tolist()


def test_a_corpus_with_no_events_still_writes_a_valid_empty_collection(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Nothing happened anywhere today.\n", "utf-8")
    written = ingest_to_file(corpus, tmp_path / "events.geojson")
    assert written.output.read_bytes() == to_geojson_bytes(ingest(corpus).events)
    assert len(read_events(written.output)) == 0


def test_a_run_collects_garbage_less_often_and_leaves_the_collector_as_it_found_it(tmp_path, monkeypatch):
    """The pipeline's thresholds hold while batches are processed (also in a pool's worker,
    which runs only process_batch); the caller's own are back afterwards, even after an error."""
    import gc

    import geo.corpus.ingest as run

    seen: list[tuple[int, int, int]] = []
    real = run.process_outcomes

    def watched(*args, **kwargs):
        seen.append(gc.get_threshold())
        return real(*args, **kwargs)

    monkeypatch.setattr(run, "process_outcomes", watched)
    before = gc.get_threshold()
    gc.set_threshold(500, 5, 5)
    try:
        ingest(ROOT / "seeds", batch_size=2)
        ingest_to_file(ROOT / "seeds", tmp_path / "out.geojson", batch_size=2)
        assert gc.get_threshold() == (500, 5, 5)
        with pytest.raises(RuntimeError):
            with run._fewer_collections():
                raise RuntimeError("a failed batch")
        assert gc.get_threshold() == (500, 5, 5)
    finally:
        gc.set_threshold(*before)
    assert seen and set(seen) == {run.COLLECTOR_THRESHOLDS}
