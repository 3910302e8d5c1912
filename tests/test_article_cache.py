"""The dashboard's per-article ingest cache (dashboard.article_cache): same events as
geo.corpus.ingest, a second run processes nothing, new articles are the only ones processed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from dashboard import article_cache
from geo import ingest
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture
def counted(monkeypatch):
    """Count the articles the pipeline really processes."""
    calls: list[str] = []
    original = article_cache.process_article

    def process(article, gazetteer, **kw):
        calls.append(article.file)
        return original(article, gazetteer, **kw)

    monkeypatch.setattr(article_cache, "process_article", process)
    return calls


def test_cached_events_are_geo_ingests(tmp_path, counted):
    plain = ingest(SEEDS)
    cold = article_cache.cached_ingest(SEEDS, folder=tmp_path / "cache")
    warm = article_cache.cached_ingest(SEEDS, folder=tmp_path / "cache")
    for result in (cold, warm):
        pd.testing.assert_frame_equal(result.events, plain.events)
        pd.testing.assert_frame_equal(result.report, plain.report)
        assert result.summary == plain.summary
    assert len(counted) == plain.summary["articles"]  # the cold run only


def test_a_second_open_never_loads_the_gazetteer(tmp_path, monkeypatch):
    article_cache.cached_ingest(SEEDS, folder=tmp_path)

    def refuse():
        raise AssertionError("the gazetteer was loaded though every article was cached")

    monkeypatch.setattr("geo.gazetteer.index.load_gazetteer", refuse)
    assert len(article_cache.cached_ingest(SEEDS, folder=tmp_path).events) > 0


def test_adding_articles_processes_only_those(tmp_path, counted):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    article_cache.cached_ingest(corpus, folder=tmp_path / "cache")
    counted.clear()
    (corpus / "new_mosul.txt").write_text(
        "Clashes in Mosul\n\nIraqi forces fought in Mosul on 3 March 2016, officials said.\n",
        encoding="utf-8",
    )
    result = article_cache.cached_ingest(corpus, folder=tmp_path / "cache")
    assert counted == ["new_mosul.txt"]
    assert "new_mosul.txt" in set(result.report["file"])


def test_an_edited_article_or_new_code_is_processed_again(tmp_path, counted, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    article_cache.cached_ingest(corpus, folder=tmp_path / "cache")
    name = sorted(p.name for p in corpus.glob("*.txt"))[0]
    (corpus / name).write_text((corpus / name).read_text() + "\nOne more line.\n")
    counted.clear()
    article_cache.cached_ingest(corpus, folder=tmp_path / "cache")
    assert counted == [name]
    monkeypatch.setattr(article_cache, "pipeline_version", lambda: "another-version")
    counted.clear()
    article_cache.cached_ingest(corpus, folder=tmp_path / "cache")
    assert len(counted) == 5


def test_progress_counts_up_to_the_total(tmp_path):
    seen: list[tuple[int, int, str]] = []
    article_cache.cached_ingest(SEEDS, folder=tmp_path, on_progress=lambda *a: seen.append(a))
    totals = {total for _, total, _ in seen if total}
    assert totals == {6}  # five articles and a README, which is skipped
    done = [d for d, total, _ in seen if total]
    assert done == sorted(done) and done[-1] == 6


def test_an_unreadable_cache_entry_is_processed_again(tmp_path, counted):
    article_cache.cached_ingest(SEEDS, folder=tmp_path)
    for entry in tmp_path.rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a pickle")
    counted.clear()
    article_cache.cached_ingest(SEEDS, folder=tmp_path)
    assert len(counted) == 5
