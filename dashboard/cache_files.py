"""Where the dashboard's disk caches live and how they are written, without the pipeline.

Split from ``dashboard.article_cache`` so that a second open, which reads one prepared data set
(``dashboard.dataset_cache``) and one payload index (``dashboard.mapview``), does not import
the ingest pipeline (``geo.corpus.ingest`` and the events rules behind it: 0.2-0.4 s of a new
server's first page) just to find its cache folder and the code's version.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path

__all__ = ["cache_dir", "evict_oldest", "gazetteer_identity", "pipeline_version", "store_atomic"]


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """A digest of geo's source files (:func:`geo.native.source_digests`, the same files the
    compiled pipeline is checked against): results made by other code are not reused."""
    from geo.native import source_digests

    return hashlib.sha256(repr(source_digests()).encode()).hexdigest()[:16]


def cache_dir() -> Path:
    """``$DATELINES_ARTICLE_CACHE``, else ``$DATELINES_CACHE/articles`` (default
    ``~/.cache/datelines/articles``, beside the gazetteer's cache)."""
    if os.environ.get("DATELINES_ARTICLE_CACHE"):
        return Path(os.environ["DATELINES_ARTICLE_CACHE"])
    root = os.environ.get("DATELINES_CACHE") or Path.home() / ".cache" / "datelines"
    return Path(root) / "articles"


def gazetteer_identity() -> str:
    """The user gazetteer the results are made with (``$DATELINES_GAZETTEER``, set by
    ``--gazetteer``): its path and every file's size and modification time; "" when none,
    so results made with the built-in gazetteer keep their keys."""
    chosen = os.environ.get("DATELINES_GAZETTEER") or ""
    if not chosen:
        return ""
    root = Path(chosen).expanduser()
    files = sorted(root.rglob("*")) if root.is_dir() else [root]
    stats = []
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        if path.is_file():
            stats.append((str(path), stat.st_mtime_ns, stat.st_size))
    return repr((str(root.resolve()), stats))


def evict_oldest(folder: Path, *, kept: int) -> None:
    """Keep only the ``kept`` most recently used results in ``folder`` (whole folders' results
    in ``dashboard.article_cache``, prepared data sets in ``dashboard.dataset_cache``)."""
    try:
        found = sorted(folder.glob("[0-9a-f]*"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in found[kept:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # another server evicting at the same time: harmless


def store_atomic(path: Path, result: object) -> None:
    """Pickle ``result`` to ``path`` atomically (temporary file, then rename): concurrent
    servers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
