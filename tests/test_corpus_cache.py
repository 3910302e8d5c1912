"""The dashboard's whole-folder cache (dashboard.article_cache, ``corpora/``): a second open of
an unchanged folder reads one file, and any change to the folder misses it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from dashboard import article_cache

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _article_files(cache: Path) -> list[Path]:
    return [p for p in cache.glob("??/*") if p.is_file()]


def test_an_unchanged_folder_is_read_back_whole(tmp_path):
    cache = tmp_path / "cache"
    cold = article_cache.cached_ingest(SEEDS, folder=cache)
    for path in _article_files(cache):
        path.unlink()  # only the whole-folder result is left to read
    warm = article_cache.cached_ingest(SEEDS, folder=cache)
    pd.testing.assert_frame_equal(warm.events, cold.events)
    pd.testing.assert_frame_equal(warm.report, cold.report)
    assert warm.summary == cold.summary


def test_a_changed_article_misses_the_whole_folder_result(tmp_path):
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    shutil.copytree(SEEDS, corpus)
    before = article_cache.cached_ingest(corpus, folder=cache)
    (corpus / "new_homs.txt").write_text(
        "Shelling in Homs\n\nShelling hit Homs on 9 March 2016, residents said.\n", encoding="utf-8"
    )
    after = article_cache.cached_ingest(corpus, folder=cache)
    assert len(after.report) == len(before.report) + 1
    assert "new_homs.txt" in set(after.report["file"].astype(str).map(lambda f: Path(f).name))


def test_only_the_newest_whole_folder_results_are_kept(tmp_path):
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    shutil.copytree(SEEDS, corpus)
    for k in range(article_cache._CORPORA_KEPT + 2):
        (corpus / f"extra_{k}.txt").write_text(
            f"Talks in Geneva\n\nDelegates met in Geneva on {k + 1} May 2016.\n", encoding="utf-8"
        )
        article_cache.cached_ingest(corpus, folder=cache)
    assert len(list((cache / "corpora").iterdir())) <= article_cache._CORPORA_KEPT
