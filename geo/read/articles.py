"""Reading articles: a corpus folder (or one file) in, one outcome per input out.

A corpus is a folder of articles, one per file (``.txt``, ``.md``, ``.html``/``.htm``), with an
optional manifest ``articles.csv`` (``file,title,source,published[,url]``, published in
ISO 8601) and/or JSON Lines files (``*.jsonl``, one article with its ``text`` per line).

Every input is accounted for: :func:`read_corpus` yields a :class:`ReadOutcome` for each file,
each manifest row that could not be used and each JSON line, with a status and a reason that
names the file or row. Bad input never stops the rest of the corpus.

Publication dates come from the manifest, a JSON field, the HTML's metadata, or a dateline near
the top of the text ("Mar 28, 2016") — never from the file's modification time.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import re
import os
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from geo.errors import ArticleError, CorpusError
from geo.read.stamps import find_stamp

__all__ = [
    "Article",
    "ReadOutcome",
    "read_corpus",
    "read_article_file",
    "decode_text",
    "ARTICLE_SUFFIXES",
    "MAX_ARTICLE_BYTES",
    "plausible_years",
    "wire_dateline_span",
]

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm"})
MANIFEST_NAME = "articles.csv"
MANIFEST_COLUMNS = ("file", "title", "source", "published")
#: An article over this size is refused with a reason rather than read into memory.
MAX_ARTICLE_BYTES = 10 * 1024 * 1024
#: Years a news article's publication date can fall in; others are typos ("1016-12-12") or
#: hostile ("0001-01-01"), and later stages (date arithmetic, the dashboard's timeline) cannot
#: hold them. Set DATELINES_YEARS="1700-2200" to widen it.
DEFAULT_YEARS = (1800, 2100)
_DATELINE_LINES = 12
_NOT_ARTICLES = ("readme", "license", "licence", "changelog", "copying", "notice")

# Leading bytes of common binary formats that end up named .txt.
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "an executable (ELF)"),
    (b"MZ", "a Windows executable"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
)


@dataclass(frozen=True, slots=True)
class Article:
    """One news article: its text and what is known about it.

    ``text`` is the text every offset in Datelines refers to (Unicode NFC, ``\\n`` line ends).
    """

    id: str
    text: str
    title: str
    source: str = ""
    published: dt.date | None = None
    url: str | None = None
    file: str = ""
    published_from: str = ""  # "manifest" | "jsonl" | "html" | "text" (a stamp) | "dateline" | ""
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class ReadOutcome:
    """What became of one input: an article, or a status and the reason it was not read."""

    file: str
    article: Article | None
    status: str  # "ok" | "unreadable" | "skipped"
    reason: str = ""


@dataclass(frozen=True, slots=True)
class _ManifestRow:
    row: int
    title: str
    source: str
    published: dt.date | None
    url: str | None
    problem: str


def read_corpus(path: str | Path, *, max_bytes: int = MAX_ARTICLE_BYTES) -> Iterator[ReadOutcome]:
    """Read a corpus folder, a single article file, a manifest or a JSON Lines file.

    Yields one :class:`ReadOutcome` per input, in a stable order (file names sorted). Article
    ids are unique across the corpus (a JSON line's ``id`` may repeat a file's or another
    line's: the later one gets a suffix, noted in its reason). Links are read only when they
    lead to a file inside the corpus folder; a file passed directly is always read.

    Raises
    ------
    CorpusError
        When ``path`` does not exist or is neither a folder nor a readable file type.
    """
    if max_bytes < 1:
        raise ValueError(f"'max_bytes' should be a positive number of bytes, got {max_bytes!r} instead")
    return _with_unique_ids(_read_inputs(Path(path), max_bytes))


def _unlisted_rows(manifest: dict[str, _ManifestRow], listed: dict[str, Path]) -> Iterator[ReadOutcome]:
    """Manifest rows naming a file the corpus folder does not hold."""
    for name, row in manifest.items():
        if name not in listed:
            yield ReadOutcome(
                file=f"{MANIFEST_NAME} row {row.row}",
                article=None,
                status="skipped",
                reason=f"{MANIFEST_NAME} row {row.row} lists {name!r}, which is not in the corpus folder",
            )


def _with_unique_ids(outcomes: Iterator[ReadOutcome]) -> Iterator[ReadOutcome]:
    """Outcomes with article ids made unique (event ids are "<article id>:<offset>")."""
    used: set[str] = set()
    for outcome in outcomes:
        article = outcome.article
        if article is not None:
            if article.id in used:
                n = 2
                while f"{article.id}-{n}" in used:
                    n += 1
                note = f"id {article.id!r} is already used in this corpus; this one is {article.id}-{n}"
                article = replace(article, id=f"{article.id}-{n}", notes=(*article.notes, note))
                outcome = replace(outcome, article=article, reason="; ".join(article.notes))
            used.add(article.id)
        yield outcome


def _read_inputs(root: Path, max_bytes: int) -> Iterator[ReadOutcome]:
    """:func:`read_corpus` without the id check."""
    if not root.exists():
        raise CorpusError(f"Corpus {str(root)!r} does not exist: pass a folder of articles.")
    if not (root.is_file() or root.is_dir()):
        raise CorpusError(f"{str(root)!r} is neither a file nor a folder ({_kind(root)}): pass a folder of articles.")
    if root.is_file():
        if root.suffix.lower() == ".jsonl":
            yield from _read_jsonl(root, root.name, max_bytes)
            return
        if root.name.lower() == MANIFEST_NAME:
            root = root.parent
        elif root.suffix.lower() in ARTICLE_SUFFIXES:
            yield _read_one(root, root.name, None, max_bytes)
            return
        else:
            raise CorpusError(
                f"{str(root)!r} is not a corpus: pass a folder, an articles.jsonl file or an "
                f"article ({', '.join(sorted(ARTICLE_SUFFIXES))})."
            )
    manifest, manifest_outcomes = _read_manifest(root)
    yield from manifest_outcomes
    listed, hidden, odd = _walk(root)
    ids = _article_ids(listed)
    yield from _unlisted_rows(manifest, listed)
    entries = sorted([(rel, p) for rel, p in listed.items()] + [(rel, None) for rel in [*hidden, *odd]])
    for rel, p in entries:
        if rel in odd:
            yield odd[rel]
            continue
        if p is None:
            yield ReadOutcome(
                rel, None, "skipped",
                "hidden (its name starts with '.' or '_'): not read; rename it to include it",
            )
            continue
        suffix = p.suffix.lower()
        if rel == MANIFEST_NAME:
            continue
        if suffix == ".jsonl":
            yield from _read_jsonl(p, rel, max_bytes)
        elif p.stem.lower() in _NOT_ARTICLES:
            yield ReadOutcome(rel, None, "skipped", "documentation, not an article")
        elif suffix not in ARTICLE_SUFFIXES:
            yield ReadOutcome(
                rel,
                None,
                "skipped",
                f"{suffix or 'files without an extension'} is not an article type: convert it "
                f"to .txt, .md or .html",
            )
        else:
            yield _read_one(p, rel, manifest.get(rel), max_bytes, article_id=ids[rel])


def read_article_file(
    path: str | Path, *, article_id: str | None = None, max_bytes: int = MAX_ARTICLE_BYTES
) -> Article:
    """Read one article file (no manifest). Raises :class:`ArticleError` with the reason."""
    p = Path(path)
    outcome = _read_one(p, p.name, None, max_bytes)
    if outcome.article is None:
        raise ArticleError(f"{p.name}: {outcome.reason}")
    return replace(outcome.article, id=article_id) if article_id else outcome.article


# -- one file ---------------------------------------------------------------------------------
def _read_one(
    path: Path, rel: str, meta: _ManifestRow | None, max_bytes: int, *, article_id: str | None = None
) -> ReadOutcome:
    try:
        size, data = _bytes_within(path, max_bytes)
    except OSError as err:
        return ReadOutcome(rel, None, "unreadable", f"cannot read the file: {err.strerror or err}")
    if size == 0:
        return ReadOutcome(rel, None, "unreadable", "the file is empty")
    if data is None:
        return ReadOutcome(
            rel,
            None,
            "skipped",
            f"{_size(size)} is over the {_size(max_bytes)} limit for one article: "
            "split it, or raise the limit with --max-bytes",
        )
    try:
        text, encoding = decode_text(data)
    except ArticleError as err:
        return ReadOutcome(rel, None, "unreadable", str(err))
    notes: list[str] = []
    if encoding not in {"utf_8", "utf-8", "ascii", "utf_8_sig"}:
        notes.append(f"decoded as {encoding}")
    html_title = html_date = ""
    if path.suffix.lower() in {".html", ".htm"}:
        too_big = _html_over_limits(text)
        if too_big:  # checked before parsing: such pages cost the parser minutes
            return ReadOutcome(rel, None, "skipped", too_big)
        html = text
        text, html_title, html_date = _html_to_text(html)
        if not text.strip():
            return ReadOutcome(rel, None, "unreadable", _why_no_html_text(html))
    text = _normalise(text)
    if not text.strip():
        return ReadOutcome(rel, None, "unreadable", "the file holds only white space")
    article_id = article_id or _stem(rel)
    article = _build_article(article_id, text, rel, meta, html_title, html_date, notes)
    return ReadOutcome(rel, article, "ok", "; ".join(article.notes))


def _bytes_within(path: Path, max_bytes: int) -> tuple[int, bytes | None]:
    """The file's size, and its bytes unless it is empty or over ``max_bytes``: the size is
    read first, from the open file, so a huge file is refused without being read.

    Written with :mod:`os` calls because ``path.stat()`` then ``path.read_bytes()`` make about
    ten system calls and build a buffered file object for each article, where this makes five
    (open, fstat, read, the read that finds the end, close): 20,000 articles read in 0.10 s of
    CPU against 0.19-0.30 s. Reads to the end, as ``read_bytes`` does, if the file grew."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        size = os.fstat(fd).st_size
        if size == 0 or size > max_bytes:
            return size, None
        chunks = [os.read(fd, size + 1)]
        while chunks[-1]:  # to the end: a read may be short, or the file grew since fstat
            chunks.append(os.read(fd, 1 << 20))
        return size, chunks[0] if len(chunks) == 2 else b"".join(chunks)
    finally:
        os.close(fd)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode article bytes: UTF-8 first, else the encoding charset-normalizer detects.

    Raises :class:`ArticleError` for binary content (PDF, images, executables, NUL bytes).
    """
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ArticleError(f"binary content: this is {what}, not text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf_16"
        except UnicodeDecodeError as err:
            raise ArticleError(f"starts like UTF-16 text but is not: {err}") from err
    if b"\x00" in data[:4096]:
        raise ArticleError("binary content: NUL bytes, not text")
    try:
        return data.decode("utf-8-sig"), "utf_8"
    except UnicodeDecodeError:
        pass
    western = _western_text(data)
    if western is not None:
        return western, "cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1 << 20]).best()
    if best is None:
        raise ArticleError("binary content: no text encoding fits")
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError):
        return data.decode("cp1252", errors="replace"), "cp1252"


# Letters of Western European languages in Latin-1's upper half, and the punctuation
# Windows-1252 puts in 0x80-0x9F (curly quotes, dashes, ellipsis, euro).
_WESTERN_LETTERS = frozenset("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿŒœŠšŽžŸ")
_WESTERN_SYMBOLS = frozenset("‘’‚“”„•–—…€™‹›†‡ˆ˜‰\u00a0¡¢£¥§¨©ª«¬\u00ad®°±²³´µ¶·¸¹º»¼½¾¿×÷")


def _western_text(data: bytes) -> str | None:
    """``data`` as Windows-1252 (a superset of Latin-1's printable characters) when it reads as
    Western European text: every byte above 0x7F is an accented letter or common punctuation,
    and accented letters are a minority of the letters.

    Short texts defeat statistical detectors ("café" comes back as cp1250 or mac_latin2), and
    Windows-1252 is by far the most common legacy encoding of English and Western news.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D are not Windows-1252
        return None
    accented = ascii_letters = 0
    for ch in text:
        if ch.isascii():
            ascii_letters += ch.isalpha()
        elif ch in _WESTERN_LETTERS:
            accented += 1
        elif ch not in _WESTERN_SYMBOLS:
            return None
    return text if accented <= ascii_letters // 3 else None


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB ({n:,} bytes)" if n >= 1_000_000 else f"{n:,} bytes"


def _stem(rel: str) -> str:
    return rel.rsplit(".", 1)[0] if "." in rel.rsplit("/", 1)[-1] else rel


def _article_ids(listed: dict[str, Path]) -> dict[str, str]:
    """Article ids: the file's path without its extension, or with it when two files of the
    corpus would share one ("a.txt" and "a.md")."""
    stems = Counter(_stem(rel) for rel in listed)
    return {rel: _stem(rel) if stems[_stem(rel)] == 1 else rel for rel in listed}


def _walk(root: Path) -> tuple[dict[str, Path], list[str], dict[str, ReadOutcome]]:
    """The corpus's files by their path below ``root``, in that path's order; its hidden files
    and folders (not entered); and what is neither a regular file nor a folder, or a link that
    leads nowhere or out of the corpus, each with its outcome. Folder links are not followed:
    they could lead anywhere, or loop."""
    files: list[tuple[str, Path]] = []
    hidden: list[str] = []
    odd: dict[str, ReadOutcome] = {}
    real_root = root.resolve()
    for folder, dirs, names in os.walk(root):
        base = Path(folder)
        # each name's path below the root, written once per folder ("a/b" + "/" + name)
        below = base.relative_to(root).as_posix()
        prefix = "" if below == "." else below + "/"
        for name in sorted(dirs):
            rel = prefix + name
            if name.startswith((".", "_")):
                hidden.append(rel)
            elif (base / name).is_symlink():
                odd[rel] = ReadOutcome(rel, None, "skipped", "a link to a folder: not followed (it "
                                       "could lead out of the corpus or loop); copy the folder in to read it")
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")) and not (base / d).is_symlink())
        for name in names:
            path = base / name
            rel = prefix + name
            if name.startswith((".", "_")):
                hidden.append(rel)
                continue
            problem = _not_a_corpus_file(path, rel, real_root)
            if problem is None:
                files.append((rel, path))
            else:
                odd[rel] = problem
    files.sort()
    return dict(files), sorted(hidden), odd


def _not_a_corpus_file(path: Path, rel: str, real_root: Path) -> ReadOutcome | None:
    """Why ``path`` is not read as a file of the corpus, or None when it is a regular file in
    the corpus (a link to one included)."""
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except FileNotFoundError:
            return ReadOutcome(rel, None, "unreadable", f"a link to {os.readlink(path)!r}, which does not exist")
        except (RuntimeError, OSError):  # ELOOP: Python 3.11 raises RuntimeError for a loop
            return ReadOutcome(rel, None, "unreadable", "a link that loops (it leads back to itself)")
        if not target.is_relative_to(real_root):
            return ReadOutcome(rel, None, "skipped", "a link to a file outside the corpus folder: not "
                               "read; pass that file directly, or copy it in, to read it")
    kind = _kind(path)
    if kind == "file":
        return None
    return ReadOutcome(rel, None, "skipped" if kind != "unknown" else "unreadable",
                       f"{kind}, not a file: not read")


def _kind(path: Path) -> str:
    """"file", "folder", or what else ``path`` is ("a named pipe (FIFO)", "a device file"...)."""
    import stat

    try:
        mode = path.stat().st_mode
    except OSError:
        return "unknown"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device file"
    return "not a regular file"


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return unicodedata.normalize("NFC", text)


#: Limits on an HTML page, checked before parsing. Parsers take time quadratic in one
#: element's attributes (100,000 took minutes); real pages have a few dozen per element and a
#: few tens of thousands of elements. lxml reads at most 255 levels of nesting.
MAX_HTML_ELEMENTS = 200_000
MAX_HTML_ATTRIBUTES_PER_ELEMENT = 1_000
_HTML_MAX_DEPTH = 255
_TAG_OPEN = re.compile(r"<[A-Za-z]")
_LONG_TAG = re.compile(r"<[A-Za-z][^<>]{3000,}")  # 1,000 attributes take at least 3,000 characters
_ATTRIBUTE = re.compile(r"""[\s"'][^\s"'<>=/]+\s*=""")
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)[^<>]*?(/?)>")
_VOID_ELEMENTS = frozenset(
    "area base br col embed hr img input link meta param source track wbr p li dt dd option tr td th".split()
)


def _html_over_limits(html: str) -> str:
    """Why a page is too big to parse (its element or attribute count), or ""."""
    elements = len(_TAG_OPEN.findall(html))
    if elements > MAX_HTML_ELEMENTS:
        return (f"the HTML page has {elements:,} elements, over the limit of {MAX_HTML_ELEMENTS:,}: "
                "not parsed; save the article's text as .txt")
    for tag in _LONG_TAG.finditer(html):
        attributes = len(_ATTRIBUTE.findall(tag.group()))
        if attributes > MAX_HTML_ATTRIBUTES_PER_ELEMENT:
            return (f"an element of the HTML page has {attributes:,} attributes, over the limit of "
                    f"{MAX_HTML_ATTRIBUTES_PER_ELEMENT:,}: not parsed; save the article's text as .txt")
    return ""


def _why_no_html_text(html: str) -> str:
    """The reason a page gave no text: nested deeper than the parser reads, or no text."""
    depth = deepest = 0
    for m in _TAG.finditer(html):  # only pages that gave no text get here: the cost is rare
        closing, name, self_closing = m.groups()
        if self_closing or name.lower() in _VOID_ELEMENTS:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
    if deepest > _HTML_MAX_DEPTH:
        return (f"the HTML page is nested too deep ({deepest:,} levels; the parser reads "
                f"{_HTML_MAX_DEPTH}): its text could not be read; save it as .txt")
    return "the HTML page holds no article text"


def _html_to_text(html: str) -> tuple[str, str, str]:
    """Main text, title and date of an HTML page, via trafilatura (boilerplate removed)."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False, favor_recall=True
    )
    if doc is not None and (doc.text or "").strip():
        return doc.text, doc.title or "", doc.date or ""
    # Pages too short for trafilatura's heuristics: keep all visible text.
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return "", "", ""
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    title = (tree.findtext(".//title") or "").strip()
    return tree.text_content(), title, ""


def _build_article(
    article_id: str,
    text: str,
    rel: str,
    meta: _ManifestRow | None,
    html_title: str,
    html_date: str,
    notes: list[str],
) -> Article:
    published: dt.date | None = None
    published_from = ""
    title = source = ""
    url: str | None = None
    if meta is not None:
        title, source, url = meta.title, meta.source, meta.url
        if meta.published:
            published, published_from = meta.published, "manifest"
        if meta.problem:
            notes.append(meta.problem)
    if published is None and html_date:
        published = _iso_date(html_date)
        published_from = "html" if published else ""
    if published is None:
        for line in _first_lines(text):
            found = _dateline_date(line)
            if found is not None:
                published, published_from = found, "dateline"
                break
    if published is None:  # a stamp opening the body: "Tue 3 Mar 2020 Floods cut ..."
        stamp = find_stamp(text)
        if stamp is not None:
            published, published_from = stamp.date, "text"
    if not title:
        title = html_title or next(iter(_first_lines(text, 1)), "")
        title = title.lstrip("#").strip()[:300]
    return Article(
        id=article_id,
        text=text,
        title=title,
        source=source,
        published=published,
        url=url,
        file=rel,
        published_from=published_from,
        notes=tuple(notes),
    )


# A wire story's dateline: "Nice, 15 July 2016 (Reuters) - A truck ...", "BEIRUT, March 3
# (AP) —", "Santiago, Chile - October 19, 2019": a place (and country), the date, maybe the
# agency, then a dash. Group "date" is what parse_publication_date is asked to read.
_WIRE_DATELINE = re.compile(
    r"^\s*[A-Z][\w'’.-]*(?:[ -][A-Z][\w'’.-]*){0,3}(?:,\s*[A-Z][\w.]*(?: [A-Z][\w.]*)?)?"
    r"\s*(?:,|[-–—]|/)\s*(?P<date>[^()\n]{6,40}?)\s*(?:\([A-Za-z .]{2,30}\))?\s*(?:[-–—:]|$)"
)


def _dateline_date(line: str) -> dt.date | None:
    """The publication date a top line gives: the whole line as a date line, or the date
    part of a wire dateline."""
    from geo.dates.find import parse_publication_date as parse

    found = parse(line)
    if found is None:
        wire = _wire_date(line)
        found = wire[1] if wire is not None else None
    return found if found is None or _plausible(found) else None


def _wire_date(line: str) -> tuple[re.Match[str], dt.date] | None:
    """A wire dateline's match and the date its "date" part reads as, if it reads as one."""
    from geo.dates.find import parse_publication_date as parse

    m = _WIRE_DATELINE.match(line)
    if m is None:
        return None
    found = parse(m.group("date").strip(" ,"))
    return (m, found) if found is not None else None


def wire_dateline_span(text: str) -> tuple[int, int] | None:
    """Where the date of a wire dateline stands in ``text`` ("Nice, 15 July 2016 (Reuters) -"
    in one of the first lines), as (start, end) characters: the day the story was filed, not
    a day of the story. None when no top line is a wire dateline with a readable date."""
    offset, seen = 0, 0
    for line in text.split("\n", 4 * _DATELINE_LINES)[: 4 * _DATELINE_LINES]:
        if line.strip():
            wire = _wire_date(line)
            if wire is not None:
                return offset + wire[0].start("date"), offset + wire[0].end("date")
            seen += 1
            if seen >= _DATELINE_LINES:
                break
        offset += len(line) + 1
    return None


def _first_lines(text: str, limit: int = _DATELINE_LINES) -> list[str]:
    lines = []
    for line in text.split("\n"):
        if line.strip():
            lines.append(line.strip())
            if len(lines) >= limit:
                break
    return lines


def _iso_date(value: str) -> dt.date | None:
    """An ISO 8601 date within :func:`plausible_years`, else None."""
    try:
        found = dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
    return found if _plausible(found) else None


def plausible_years() -> tuple[int, int]:
    """The first and last year a publication date may have (env DATELINES_YEARS="1800-2100")."""
    return _years_in(os.environ.get("DATELINES_YEARS", ""))


@functools.lru_cache(maxsize=8)
def _years_in(text: str) -> tuple[int, int]:
    """:func:`plausible_years` for the variable's text, parsed once a text (it is asked for each
    manifest row and JSON line: 20,000 rows, 0.1 s)."""
    m = re.fullmatch(r"\s*(\d{1,4})\s*[-–]\s*(\d{1,4})\s*", text)
    if m and 1 <= int(m.group(1)) <= int(m.group(2)) <= 9999:
        return int(m.group(1)), int(m.group(2))
    return DEFAULT_YEARS


def _plausible(day: dt.date) -> bool:
    first, last = plausible_years()
    return first <= day.year <= last


def _checked_date(value: str, where: str) -> tuple[dt.date | None, str]:
    """A manifest's or JSON line's ``published``, and the problem with it ("" if none)."""
    try:
        found = dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None, f"{where}: published {value!r} is not an ISO 8601 date; dated from its text"
    if not _plausible(found):
        first, last = plausible_years()
        return None, (
            f"{where}: published {value!r} is outside {first}-{last}, the years a news date can "
            "have (a typo?); dated from its text"
        )
    return found, ""


# -- manifest and JSON Lines ------------------------------------------------------------------
def _read_manifest(root: Path) -> tuple[dict[str, _ManifestRow], list[ReadOutcome]]:
    path = root / MANIFEST_NAME
    if not path.is_file():
        return {}, []  # a manifest that is a pipe, a dangling link...: reported by _walk
    if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
        return {}, []  # a link out of the corpus: reported by _walk, never read
    try:
        text, _ = decode_text(path.read_bytes())
    except (OSError, ArticleError) as err:
        return {}, [ReadOutcome(MANIFEST_NAME, None, "unreadable", f"manifest not read: {err}")]
    reader = csv.DictReader(io.StringIO(_normalise(text)))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    if "file" not in columns:
        return {}, [
            ReadOutcome(
                MANIFEST_NAME,
                None,
                "skipped",
                f"manifest ignored: it has no 'file' column (columns: {', '.join(columns) or 'none'}); "
                f"expected {','.join(MANIFEST_COLUMNS)}[,url]",
            )
        ]
    outcomes: list[ReadOutcome] = []
    missing = [c for c in MANIFEST_COLUMNS if c not in columns]
    rows: dict[str, _ManifestRow] = {}
    for number, raw in enumerate(reader, start=2):  # row 1 is the header
        record = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        name = record.get("file", "")
        where = f"{MANIFEST_NAME} row {number}"
        if not name:
            outcomes.append(ReadOutcome(where, None, "skipped", f"{where} has no file name"))
            continue
        name = _posix_name(name)
        if name in rows:
            outcomes.append(
                ReadOutcome(
                    where, None, "skipped",
                    f"{where} repeats {name!r} (first listed in row {rows[name].row}); the first row is used",
                )
            )
            continue
        problem = ""
        published = None
        value = record.get("published", "")
        if value:
            published, problem = _checked_date(value, where)
        elif "published" in missing:
            problem = f"{MANIFEST_NAME} has no 'published' column; dated from its text"
        url = record.get("url") or None
        rows[name] = _ManifestRow(
            row=number,
            title=record.get("title", ""),
            source=record.get("source", ""),
            published=published,
            url=url,
            problem=problem,
        )
    return rows, outcomes


def _posix_name(name: str) -> str:
    """A manifest's file name as the POSIX path :class:`~pathlib.Path` makes of it: a leading
    "./", "." parts and repeated or trailing slashes dropped; "../" and ".name" kept. A name
    with none of those is its own path, and is returned without building a Path (10 us a
    row: 0.2 s of a 20,000-row manifest)."""
    if all(part not in ("", ".") for part in name.split("/")):
        return name
    return Path(name).as_posix()


def _jsonl_lines(handle: io.BufferedReader, max_bytes: int) -> Iterator[tuple[int, bytes, int]]:
    """(line number, line, its size) for each line; a line over ``max_bytes`` comes back empty
    with its size, and is never held in memory whole."""
    number = 0
    while raw := handle.readline(max_bytes + 1):
        number += 1
        size = len(raw.rstrip(b"\r\n"))
        if size <= max_bytes:
            yield number, raw, size
            continue
        while not raw.endswith(b"\n") and (raw := handle.readline(1 << 20)):
            size += len(raw.rstrip(b"\r\n"))
        yield number, b"", size


#: A JSON escape of a UTF-16 surrogate (\ud800-\udfff): the only way a lone one gets in.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _lone_surrogate(record: object) -> str:
    """The reason a decoded JSON line cannot be text (a lone surrogate, which no file can hold
    and no writer can encode), or "" when it is fine."""
    if not isinstance(record, dict):
        return ""
    for key, value in record.items():
        for text in (key, value if isinstance(value, str) else ""):
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as err:
                return (
                    f"field {key.encode('utf-8', 'backslashreplace').decode()!r} holds a lone "
                    f"surrogate ({text[err.start]!r} at character {err.start}): not valid Unicode "
                    "text; fix the line's escapes"
                )
    return ""


def _json_record(raw: bytes) -> tuple[object, str]:
    """One JSON line decoded, or the reason it cannot be: not JSON, nested too deep for the
    parser, or holding a lone surrogate."""
    try:
        try:
            line = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            line = decode_text(raw)[0]  # a line in a legacy encoding (cp1252, ...)
        record = json.loads(line)
    except (ArticleError, ValueError) as err:
        return None, f"not valid JSON: {err}"
    except RecursionError:
        return None, "JSON nested too deep to read: one flat object per line is expected"
    return record, (_SURROGATE_ESCAPE.search(raw) and _lone_surrogate(record)) or ""


def _read_jsonl(path: Path, rel: str, max_bytes: int = MAX_ARTICLE_BYTES) -> Iterator[ReadOutcome]:
    try:
        handle = path.open("rb")
    except OSError as err:
        yield ReadOutcome(rel, None, "unreadable", f"cannot read the file: {err.strerror or err}")
        return
    seen_ids: dict[str, int] = {}
    with handle:
        for number, raw, size in _jsonl_lines(handle, max_bytes):
            where = f"{rel} line {number}"
            if size > max_bytes:
                yield ReadOutcome(
                    where, None, "skipped",
                    f"{_size(size)} is over the {_size(max_bytes)} limit for one article: "
                    "split it, or raise the limit with --max-bytes",
                )
                continue
            if not raw.strip():
                continue
            record, problem = _json_record(raw)
            if problem:
                yield ReadOutcome(where, None, "unreadable", problem)
                continue
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                yield ReadOutcome(where, None, "unreadable", "a JSON object with a 'text' string is expected")
                continue
            text = _normalise(record["text"])
            if not text.strip():
                yield ReadOutcome(where, None, "unreadable", "the article text is empty")
                continue
            article_id = str(record.get("id") or Path(str(record.get("file") or "")).stem or f"{path.stem}-{number}")
            notes: list[str] = []
            if article_id in seen_ids:  # event ids are "<article>:<offset>": keep them unique
                notes.append(f"id {article_id!r} repeats line {seen_ids[article_id]}; this one is {article_id}-{number}")
                article_id = f"{article_id}-{number}"
            seen_ids.setdefault(article_id, number)
            published = None
            if record.get("published"):
                published, problem = _checked_date(str(record["published"]), where)
                if problem:
                    notes.append(problem)
            meta = _ManifestRow(
                row=number,
                title=str(record.get("title") or ""),
                source=str(record.get("source") or ""),
                published=published,
                url=str(record["url"]) if record.get("url") else None,
                problem="; ".join(notes),
            )
            article = _build_article(article_id, text, where, meta, "", "", [])
            if published is not None:
                article = replace(article, published_from="jsonl")
            yield ReadOutcome(where, article, "ok", "; ".join(article.notes))
