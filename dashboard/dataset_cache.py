"""The prepared data set of a ``--data`` path, kept on disk: a second open reads one file.

A second open of an unchanged 4,000-article folder used to list and read every article again
to make the content keys of ``dashboard.article_cache`` (0.9 s), then unpickle the folder's
result, check its events, build the filter's arrays and hash every value to find the map's
payload (1.5 s more on a loaded machine), all before the slider and the map could be sent.
Here the finished ``view.Dataset`` (with its fingerprint) is kept under a key made of

- the path and every input file's name, size and modification time (``view.data_signature``:
  the key the server already trusts to keep a data set in memory between sessions),
- the pipeline version (a digest of geo's source files), a digest of the dashboard code
  that shapes a data set (``view.py``, ``article_cache.py``, this file) and the user
  gazetteer if one is given (``--gazetteer``: its files' sizes and modification times),

so the same folder opened by a new server is one stat per file and one unpickling (about
0.1 s at 36,000 events). An edited, added or removed file changes the key and the data set is
made again from the per-article cache, which is keyed by content and processes only what
changed. The newest few are kept (``_KEPT``).
"""

from __future__ import annotations

import hashlib
import pickle
from functools import lru_cache
from pathlib import Path

from dashboard.cache_files import cache_dir, evict_oldest, gazetteer_identity, pipeline_version, store_atomic

__all__ = ["load_snapshot", "snapshot_dir", "store_snapshot"]

#: Bump when the layout of what is stored changes in a way the code digest would not show.
_FORMAT = "datelines-dataset/1"
_KEPT = 4
_SHAPING = ("view.py", "article_cache.py", "cache_files.py", "dataset_cache.py")


def snapshot_dir() -> Path:
    """``datasets/`` beside the per-article cache (e.g. ``~/.cache/datelines/datasets``)."""
    return cache_dir().parent / "datasets"


@lru_cache(maxsize=1)
def _code_version() -> str:
    digest = hashlib.sha256(f"{_FORMAT}\x1f{pipeline_version()}".encode())
    here = Path(__file__).resolve().parent
    for name in _SHAPING:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def _path(signature: tuple) -> Path:
    digest = hashlib.sha256(_code_version().encode())
    digest.update(gazetteer_identity().encode("utf-8", errors="surrogatepass"))  # --gazetteer
    digest.update(repr(signature).encode("utf-8", errors="surrogatepass"))
    return snapshot_dir() / digest.hexdigest()


def load_snapshot(signature: tuple):
    """The ``view.Dataset`` stored for ``signature`` (``view.data_signature``), else None.

    A missing, unreadable or foreign file is a miss: the caller makes the data set again.
    """
    from dashboard.view import Dataset

    path = _path(signature)
    try:
        with path.open("rb") as handle:
            found = pickle.load(handle)  # our own cache folder, written by store_snapshot only
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None
    if not isinstance(found, Dataset):
        return None
    for array in (found.start_day, found.end_day, found.dated, found.best_day):
        array.flags.writeable = False  # read-only again, as build_dataset left them
    try:
        path.touch()  # recently used: kept by the eviction below
    except OSError:
        pass
    return found


def store_snapshot(signature: tuple, dataset) -> None:
    """Keep ``dataset`` (its fingerprint computed first, so it is stored with it) for the
    next server; best effort: an unwritable cache only costs the next open its full load."""
    _ = dataset.fingerprint
    path = _path(signature)
    try:
        store_atomic(path, dataset)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return
    evict_oldest(path.parent, kept=_KEPT)
