"""Articles an analyst uploads in the sidebar: checked, renamed safely, written to a session folder.

Nothing here trusts the browser: the name may carry a path (``../../x.txt``, ``C:\\x.txt``), the
extension may lie about the content, and the size is checked again on the bytes received.
The folder is then ingested like any corpus and joined to the map for that session only.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import unicodedata
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from geo.read.articles import MANIFEST_NAME
from geo.errors import DatelinesError

__all__ = [
    "ALLOWED_SUFFIXES",
    "MAX_FILE_BYTES",
    "MAX_TOTAL_BYTES",
    "MAX_FILES",
    "Rejected",
    "UploadBatch",
    "UploadRejected",
    "check_content",
    "new_session_folder",
    "safe_name",
    "save_uploads",
    "MAX_PAYLOAD_BYTES",
    "PayloadLease",
    "lease_payload",
]

#: What an article (or a manifest) may be: plain text, Markdown, HTML, a CSV or JSONL manifest.
ALLOWED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".csv", ".jsonl")
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TOTAL_BYTES = 20 * 1024 * 1024
MAX_FILES = 500
_MAX_NAME_CHARS = 120

#: Leading bytes of common binary formats someone might rename to .txt.
_BINARY_MAGIC: tuple[bytes, ...] = (
    b"%PDF",
    b"PK\x03\x04",  # zip, docx, xlsx, epub
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",  # JPEG
    b"\x7fELF",
    b"MZ",  # Windows executables
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\xd0\xcf\x11\xe0",  # OLE: .doc, .xls
    b"SQLite format 3",
    b"PAR1",  # Parquet
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UNSAFE_CHARS = re.compile(r"[^\w.\- ]+", flags=re.UNICODE)


class UploadRejected(DatelinesError, ValueError):
    """One uploaded file cannot be used: its name, type or size is not acceptable."""


@dataclass(frozen=True)
class Rejected:
    """An uploaded file that was not kept, as the browser named it, and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class UploadBatch:
    """What became of one set of uploads: files written to ``folder`` and files refused."""

    folder: Path
    written: tuple[Path, ...]
    rejected: tuple[Rejected, ...]


def safe_name(raw: str) -> str:
    """A plain file name for an uploaded file: no folders, no leading dots, no odd characters.

    ``"../../x.txt"`` → ``"x.txt"``; ``"C:\\\\Users\\\\a\\\\.b.md"`` → ``"b.md"``; ``"/etc/passwd.txt"``
    → ``"passwd.txt"``. Raises ``UploadRejected`` when nothing usable is left or the extension
    is not one of ``ALLOWED_SUFFIXES``.
    """
    name = unicodedata.normalize("NFC", str(raw))
    name = _CONTROL.sub("", name)
    # Both separators count, whatever the server's OS: keep the last component only.
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE_CHARS.sub("_", name).strip(" ._")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem.strip(" ._")
    suffix = "." + suffix.lower() if suffix else ""
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadRejected(
            f"{raw!r} is not an article file: the name should end in one of "
            f"{', '.join(ALLOWED_SUFFIXES)}"
        )
    if not stem:
        raise UploadRejected(f"{raw!r} has no usable file name: rename it, e.g. 'article.txt'")
    return stem[: _MAX_NAME_CHARS - len(suffix)] + suffix


def check_content(name: str, data: bytes) -> None:
    """Raise ``UploadRejected`` unless ``data`` looks like text (UTF-8/UTF-16, or 8-bit text).

    Binary files renamed to ``.txt`` are refused by magic number, NUL bytes or a high share of
    control characters.
    """
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte-order mark
        try:
            text = head.decode("utf-16")
        except UnicodeDecodeError as err:
            raise UploadRejected(f"{name!r} is not readable text (bad UTF-16): {err}") from err
    else:
        for magic in _BINARY_MAGIC:
            if head.startswith(magic):
                raise UploadRejected(
                    f"{name!r} is a binary file (starts with {magic!r}), not an article: "
                    "upload the text as .txt, .md or .html"
                )
        if b"\x00" in head:
            raise UploadRejected(f"{name!r} is a binary file (it contains NUL bytes), not text")
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as err:
            if err.start >= len(head) - 4:  # cut mid-character at the 64 KiB mark
                text = head[: err.start].decode("utf-8")
            else:
                text = head.decode("latin-1")  # 8-bit text: ingest detects the real charset
    if text:
        controls = len(_CONTROL.findall(text))
        if controls > max(2, len(text) // 100):
            raise UploadRejected(
                f"{name!r} looks binary ({controls} control characters in the first "
                f"{len(text)}): upload plain text, Markdown, HTML, CSV or JSONL"
            )


def new_session_folder() -> tempfile.TemporaryDirectory:
    """A fresh private folder (mode 0700) for one session's uploads.

    Keep the returned object in the session's state: the folder is deleted when the object is
    garbage-collected, i.e. when the session ends, or at interpreter exit.
    """
    return tempfile.TemporaryDirectory(prefix="datelines-upload-")


def save_uploads(
    files: Iterable[tuple[str, bytes]],
    folder: Path,
    *,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    max_files: int = MAX_FILES,
) -> UploadBatch:
    """Check each ``(browser name, bytes)`` and write the good ones into ``folder``.

    ``folder`` is emptied first so it holds exactly this set of uploads. Names that collide
    after cleaning get ``-2``, ``-3``… A CSV is the corpus manifest, so it is saved as
    ``articles.csv`` (the name ingest looks for) and a second one is refused. Files past the
    total size or count are refused with a reason rather than silently dropped.
    """
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, mode=0o700)
    root = folder.resolve()
    written: list[Path] = []
    rejected: list[Rejected] = []
    used: set[str] = set()
    total = 0
    for raw_name, data in files:
        try:
            if len(written) >= max_files:
                raise UploadRejected(f"more than {max_files} files: upload fewer at once")
            name = safe_name(raw_name)
            if len(data) > max_file_bytes:
                raise UploadRejected(
                    f"{raw_name!r} is {len(data):,} bytes, over the limit of "
                    f"{max_file_bytes:,} per file"
                )
            if total + len(data) > max_total_bytes:
                raise UploadRejected(
                    f"{raw_name!r} would bring the uploads to {total + len(data):,} bytes, "
                    f"over the limit of {max_total_bytes:,} in total"
                )
            check_content(raw_name, data)
            if name.lower().endswith(".csv"):
                if MANIFEST_NAME in used:
                    raise UploadRejected(
                        f"{raw_name!r} is a second CSV manifest: upload one articles.csv "
                        "listing every article"
                    )
                name = MANIFEST_NAME
        except UploadRejected as err:
            rejected.append(Rejected(name=str(raw_name), reason=str(err)))
            continue
        name = _unique(name, used)
        target = (root / name).resolve()
        if target.parent != root:  # safe_name makes this impossible; keep the guarantee local
            rejected.append(Rejected(name=str(raw_name), reason=f"{raw_name!r}: unsafe path"))
            continue
        target.write_bytes(data)
        used.add(name.casefold())
        written.append(target)
        total += len(data)
    return UploadBatch(folder=root, written=tuple(written), rejected=tuple(rejected))


def _unique(name: str, used: set[str]) -> str:
    if name.casefold() not in used:
        return name
    stem, _, suffix = name.rpartition(".")
    n = 2
    while f"{stem}-{n}.{suffix}".casefold() in used:
        n += 1
    return f"{stem}-{n}.{suffix}"


# --------------------------------------------------------------------------- published payloads

#: The most the map payloads of uploads (base events + a session's articles) may hold on disk
#: together; past it the oldest are deleted (a session whose file went is re-published on its
#: next rerun).
MAX_PAYLOAD_BYTES = 256 * 1024 * 1024

_leases: Counter[Path] = Counter()
_lease_order: dict[Path, int] = {}
_lease_clock = iter(range(1 << 62))
_lease_lock = threading.Lock()


class PayloadLease:
    """A session's hold on a published payload file (``static/data/<sha256>.json``).

    The file is served only while some session holds it: when the last lease on it is released
    (the session ends and its state is collected, or its uploads change), it is deleted, so an
    upload's text is not fetchable after its session.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with _lease_lock:
            _leases[self.path] += 1
            _lease_order[self.path] = next(_lease_clock)
        self._release = weakref.finalize(self, _release, self.path)

    def release(self) -> None:
        """Let go of the file now (also done when the lease is garbage-collected)."""
        self._release()


def _release(path: Path) -> None:
    with _lease_lock:
        _leases[path] -= 1
        if _leases[path] > 0:
            return
        del _leases[path]
        _lease_order.pop(path, None)
    path.unlink(missing_ok=True)


def lease_payload(path: str | Path, *, max_total_bytes: int = MAX_PAYLOAD_BYTES) -> PayloadLease:
    """Hold ``path`` for a session, and keep all leased payloads within ``max_total_bytes``
    (the oldest others are deleted first; the new one is always kept)."""
    lease = PayloadLease(Path(path))
    with _lease_lock:
        held = sorted(_lease_order, key=_lease_order.__getitem__)
    sizes = {p: p.stat().st_size for p in held if p.is_file()}
    total = sum(sizes.values())
    for old in held:
        if total <= max_total_bytes or old == lease.path:
            break
        if old in sizes:
            old.unlink(missing_ok=True)
            total -= sizes[old]
    return lease
