"""Ingest a folder with a per-article disk cache and progress, for the dashboard.

Opening a 4,000-article folder used to mean a blank page and the whole pipeline again on every
server start. Here each article's result is kept on disk under a key made of its content (every
field of ``geo.Article``: text, title, source, dates, url, file) and the pipeline version (a
digest of geo's source files), so:

- a second open reads every result from disk and never loads the gazetteer;
- adding ten articles to a folder processes only those ten;
- any change to geo's code makes new keys, so a stale result is never shown;
- the assembled result of a whole folder is kept too, under a key made of every article's key
  (``corpora/``, the newest few): a second open of an unchanged folder reads one file instead
  of 4,000 results (2.5 s -> about 1 s at 4,000 articles; unpickling thousands of small
  dataclasses and framing their events was most of the second open's server time).

Events are grouped once over all articles at the end (``geo.corpus.ingest.assemble_batches``), exactly
as ``geo.corpus.ingest`` does, so the result is the same as an uncached ingest.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path

from dashboard.cache_files import cache_dir, evict_oldest, gazetteer_identity, pipeline_version, store_atomic
from geo.read.articles import Article, read_corpus
from geo.output.frame import events_to_frame
from geo.corpus.ingest import (
    ArticleResult,
    IngestResult,
    ProcessedBatch,
    assemble_batches,
    process_article,
)

__all__ = ["cache_dir", "cached_ingest", "pipeline_version"]

_CORPORA = "corpora"  # sub-folder of the cache with whole folders' results
_CORPORA_KEPT = 4  # the newest this many are kept (a changed folder leaves its old one behind)
#: (articles done, articles in all, what is happening) — e.g. to advance a progress bar.
Progress = Callable[[int, int, str], None]


def _key(article: Article, gazetteer: str = "") -> str:
    """The article's cache key; ``gazetteer`` is :func:`gazetteer_identity` (computed once)."""
    digest = hashlib.sha256(pipeline_version().encode())
    digest.update(gazetteer.encode("utf-8", errors="surrogatepass"))
    for value in (article.id, article.file, article.title, article.source, article.url,
                  article.published, article.published_from, article.notes, article.text):  # fmt: skip
        digest.update(repr(value).encode("utf-8", errors="surrogatepass"))
        digest.update(b"\x1f")
    return digest.hexdigest()


def _load(path: Path) -> ArticleResult | None:
    try:
        with path.open("rb") as handle:
            result = pickle.load(handle)  # our own cache folder, written by store_atomic only
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None  # missing or unreadable (another version's classes): process again
    return result if isinstance(result, ArticleResult) else None


def _corpus_key(outcomes: list, keys: list[str | None]) -> str:
    """Every input's file, status, reason and article key: the folder's content, in order."""
    digest = hashlib.sha256(pipeline_version().encode())
    for outcome, key in zip(outcomes, keys, strict=True):
        for value in (outcome.file, outcome.status, outcome.reason, key):
            digest.update(repr(value).encode("utf-8", errors="surrogatepass"))
            digest.update(b"\x1f")
    return digest.hexdigest()


def _load_corpus(path: Path) -> IngestResult | None:
    try:
        with path.open("rb") as handle:
            result = pickle.load(handle)  # our own cache folder, written by store_atomic only
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    if not isinstance(result, IngestResult):
        return None
    os.utime(path)  # recently used: kept by evict_oldest
    return result


def cached_ingest(
    corpus: str | Path,
    *,
    on_progress: Progress | None = None,
    folder: Path | None = None,
    gazetteer: object | None = None,
) -> IngestResult:
    """``geo.ingest(corpus)``, reusing each article's result from ``folder`` when it is there.

    ``on_progress(done, total, what)`` is called as articles are read and processed. The
    gazetteer (``gazetteer``, default ``geo.load_gazetteer()``) is loaded only if some article
    is not in the cache.
    """
    report = on_progress or (lambda done, total, what: None)
    folder = Path(folder) if folder is not None else cache_dir()
    report(0, 0, "Listing the articles…")
    outcomes = list(read_corpus(corpus))
    total = len(outcomes)
    report(0, total, f"Read {total:,} files; looking up earlier results…")
    chosen = gazetteer_identity()  # --gazetteer makes other results: other keys
    keys = [None if o.article is None else _key(o.article, chosen) for o in outcomes]
    whole = folder / _CORPORA / _corpus_key(outcomes, keys)
    found_whole = _load_corpus(whole)
    if found_whole is not None:
        report(total, total, f"All {total:,} articles from the cache")
        return found_whole
    result = _ingest_articles(outcomes, keys, folder, report, gazetteer)
    store_atomic(whole, result)
    evict_oldest(whole.parent, kept=_CORPORA_KEPT)
    return result


def _ingest_articles(
    outcomes: list, keys: list[str | None], folder: Path, report: Progress, gazetteer: object | None
) -> IngestResult:
    """Each article's result from the cache or processed now (and cached), then assembled."""
    total = len(outcomes)
    results: list[ArticleResult | None] = []
    missing: list[int] = []
    for k, outcome in enumerate(outcomes):
        if outcome.article is None:
            results.append(ArticleResult(outcome.file, outcome.status, outcome.reason))
            continue
        found = _load(folder / keys[k][:2] / keys[k])
        results.append(found)
        if found is None:
            missing.append(k)
    done = total - len(missing)
    report(done, total, f"{done:,} of {total:,} from the cache; {len(missing):,} to process")
    if missing:
        if gazetteer is None:
            from geo.gazetteer.index import load_gazetteer

            report(done, total, "Loading the gazetteer…")
            gazetteer = load_gazetteer()
        for k in missing:
            article = outcomes[k].article
            result = process_article(article, gazetteer)
            key = keys[k]
            store_atomic(folder / key[:2] / key, result)
            results[k] = result
            done += 1
            if done % 25 == 0 or done == total:
                report(done, total, f"Processed {done:,} of {total:,} articles")
    batch = ProcessedBatch(
        [(r.file, r.status, len(r.events), r.reason) for r in results],
        events_to_frame([event for r in results for event in r.events]),
    )
    report(total, total, "Grouping the events…")
    return assemble_batches([batch])
