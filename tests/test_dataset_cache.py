"""The prepared data set kept on disk (dashboard.dataset_cache): a new server opens an unchanged
folder from one file, with the map's fingerprint; any change to the files or the code is a miss."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dashboard import dataset_cache, mapview, view

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> Path:
    """The seed articles in a folder of their own, with empty caches beside them."""
    monkeypatch.setenv("DATELINES_ARTICLE_CACHE", str(tmp_path / "cache" / "articles"))
    monkeypatch.setattr(view, "_LOADED", {})
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    return folder


def new_server(monkeypatch) -> list[str]:
    """Forget what this process loaded, as a new server would; count full reads from now."""
    monkeypatch.setattr(view, "_LOADED", {})
    reads: list[str] = []
    original = view._read

    def counted(path, **kw):
        reads.append(path)
        return original(path, **kw)

    monkeypatch.setattr(view, "_read", counted)
    return reads


def test_a_new_server_reads_the_prepared_data_set(corpus, monkeypatch):
    first = view.load_dataset(corpus)
    reads = new_server(monkeypatch)
    second = view.load_dataset(corpus)
    assert reads == []  # no article listed or read, no event checked again
    assert second is not first
    pd.testing.assert_frame_equal(second.events, first.events)
    pd.testing.assert_frame_equal(second.report, first.report)
    assert second.summary == first.summary
    assert (second.places, second.sources, second.place_labels) == (
        first.places, first.sources, first.place_labels
    )
    # Stored with its fingerprint, which is the map's: no hashing before the map is drawn.
    assert "fingerprint" in second.__dict__
    assert second.fingerprint == first.fingerprint == mapview._fingerprint(second.events)
    assert not second.start_day.flags.writeable and not second.dated.flags.writeable


def test_an_edited_added_or_removed_article_is_a_miss(corpus, monkeypatch):
    view.load_dataset(corpus)
    name = sorted(corpus.glob("*.txt"))[0]
    name.write_text(name.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    reads = new_server(monkeypatch)
    view.load_dataset(corpus)
    assert len(reads) == 1
    (corpus / "extra.txt").write_text(
        "Clashes in Mosul\n\nIraqi forces fought in Mosul on 3 March 2016, officials said.\n",
        encoding="utf-8",
    )
    reads = new_server(monkeypatch)
    assert "extra.txt" in set(view.load_dataset(corpus).report["file"])
    assert len(reads) == 1
    (corpus / "extra.txt").unlink()  # the files are as after the edit: that data set again
    new_server(monkeypatch)
    assert "extra.txt" not in set(view.load_dataset(corpus).report["file"])


def test_new_code_is_a_miss(corpus, monkeypatch):
    view.load_dataset(corpus)
    monkeypatch.setattr(dataset_cache, "_code_version", lambda: "another version")
    reads = new_server(monkeypatch)
    view.load_dataset(corpus)
    assert len(reads) == 1


def test_a_damaged_file_is_a_miss_not_an_error(corpus, monkeypatch):
    view.load_dataset(corpus)
    for stored in dataset_cache.snapshot_dir().iterdir():
        stored.write_bytes(b"not a pickle")
    reads = new_server(monkeypatch)
    assert len(view.load_dataset(corpus)) > 0
    assert len(reads) == 1


def test_only_the_newest_few_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("DATELINES_ARTICLE_CACHE", str(tmp_path / "cache" / "articles"))
    events = mapview_events()
    dataset = view.build_dataset(events)
    signatures = [("somewhere", ((f"file{k}", k, k),)) for k in range(dataset_cache._KEPT + 3)]
    for k, signature in enumerate(signatures):
        dataset_cache.store_snapshot(signature, dataset)
        stored = dataset_cache._path(signature)
        os.utime(stored, (k, k))  # stored one after another: a clock that surely moves
    assert len(list(dataset_cache.snapshot_dir().iterdir())) == dataset_cache._KEPT
    assert dataset_cache.load_snapshot(signatures[0]) is None
    assert dataset_cache.load_snapshot(signatures[-1]) is not None


def mapview_events():
    from test_mapview import event_row, events_frame  # the map's own small event fixture

    return events_frame([event_row()])


def test_a_user_gazetteer_makes_other_keys(corpus, monkeypatch, tmp_path):
    """--gazetteer changes the events: neither the data set nor an article's result made
    without it (or with an older version of it) is reused."""
    from dashboard import article_cache

    view.load_dataset(corpus)
    assert article_cache.gazetteer_identity() == ""  # keys made without one are unchanged
    places = tmp_path / "places.csv"
    places.write_text("name,lat,lon,country\nNewtown,34.5,38.2,SY\n", encoding="utf-8")
    monkeypatch.setenv("DATELINES_GAZETTEER", str(places))
    monkeypatch.setenv("DATELINES_CACHE", str(tmp_path / "gazetteer-cache"))
    first = article_cache.gazetteer_identity()
    assert first and str(places) in first
    places.write_text("name,lat,lon,country\nNewtown,34.5,38.2,SY\nOldtown,1,2,SY\n", encoding="utf-8")
    assert article_cache.gazetteer_identity() != first
    reads = new_server(monkeypatch)
    view.load_dataset(corpus)
    assert len(reads) == 1
