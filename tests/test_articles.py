"""Every input is accounted for: bad files, odd encodings, broken manifests and JSON lines each
give one report row with a status and a reason that names the file or row; nothing stops the
rest of the corpus, and no date is invented."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.read.articles import ReadOutcome, decode_text, read_article_file, read_corpus
from geo.errors import ArticleError, CorpusError
from geo.gazetteer.index import load_gazetteer
from geo.corpus.ingest import ingest

FIXTURES = Path(__file__).parent / "fixtures"

# Real leading bytes of each format, plus a little of what follows them.
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\nIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x00" * 40

LATIN1_TEXT = (FIXTURES / "latin1.txt").read_bytes().decode("latin-1")
CP1252_TEXT = (FIXTURES / "cp1252.txt").read_bytes().decode("cp1252")

MAX_BYTES = 4096

MANIFEST = """file,title,source,published
cp1252.txt,Fighters seize Homs suburb,Wire,2016-04-05
missing.txt,An article that is not there,Wire,2016-01-01
notes.md,Notes from Idlib,Blog,next Tuesday
cp1252.txt,Listed twice,Wire,2016-04-06
"""

NOTES_MD = """# Notes from Idlib

Aircraft bombed Idlib on 2 May 2016, killing 7 people, residents said.
"""

UNDATED = """Fighting flares in northern Syria

Rebels attacked Aleppo on 3 March 2016, killing 5 people, activists said.

On Wednesday, government forces shelled Homs, residents said.
"""

JSONL_LINES = [
    '{"id": "wire-1", "title": "Clashes in Aleppo", "published": "2016-12-11", '
    '"text": "Rebels clashed with troops in Aleppo on Sunday, activists said."}',
    '{"id": "wire-2", "title": "Broken", "text": "no closing brace"',
    '{"id": "wire-3", "title": "No text here", "published": "2016-12-11"}',
    '{"id": "wire-4", "title": "Palmyra", "published": "2016-12-12", '
    '"text": "Islamic State fighters recaptured Palmyra on Sunday."}',
]

#: file (or manifest row / JSON line) -> (status, words the reason must contain)
EXPECTED: dict[str, tuple[str, tuple[str, ...]]] = {
    "articles.csv row 3": ("skipped", ("articles.csv row 3", "missing.txt")),
    "articles.csv row 5": ("skipped", ("articles.csv row 5", "cp1252.txt", "row 2")),
    ".hidden.txt": ("skipped", ("hidden",)),
    ".git": ("skipped", ("hidden",)),
    "README.md": ("skipped", ("not an article",)),
    "article.html": ("ok", ()),
    "big.txt": ("skipped", ("limit", "--max-bytes")),
    "cp1252.txt": ("ok", ("cp1252",)),
    "data.csv": ("skipped", (".csv", "not an article")),
    "empty.txt": ("unreadable", ("empty",)),
    "latin1.txt": ("undated", ("cp1252",)),
    "notes.md": ("undated", ("articles.csv row 4", "next Tuesday")),
    "photo.txt": ("unreadable", ("PNG",)),
    "program.txt": ("unreadable", ("ELF", "executable")),
    "scan.txt": ("unreadable", ("PDF",)),
    "undated.txt": ("undated", ("no publication date",)),
    "wire.jsonl line 1": ("ok", ()),
    "wire.jsonl line 2": ("unreadable", ("not valid JSON",)),
    "wire.jsonl line 3": ("unreadable", ("'text'",)),
    "wire.jsonl line 4": ("ok", ()),
}


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def _write_corpus(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "empty.txt").write_bytes(b"")
    (root / "scan.txt").write_bytes(PDF)
    (root / "photo.txt").write_bytes(PNG)
    (root / "program.txt").write_bytes(ELF)
    shutil.copy(FIXTURES / "latin1.txt", root / "latin1.txt")
    shutil.copy(FIXTURES / "cp1252.txt", root / "cp1252.txt")
    shutil.copy(FIXTURES / "article.html", root / "article.html")
    (root / "big.txt").write_text("Aleppo was shelled on 3 March 2016.\n" * 200, encoding="utf-8")
    (root / "notes.md").write_text(NOTES_MD, encoding="utf-8")
    (root / "undated.txt").write_text(UNDATED, encoding="utf-8")
    (root / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (root / "README.md").write_text("# My corpus\n\nArticles about Aleppo.\n", encoding="utf-8")
    (root / ".hidden.txt").write_text("Aleppo was shelled on 3 March 2016.\n", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (root / "articles.csv").write_text(MANIFEST, encoding="utf-8")
    (root / "wire.jsonl").write_text("\n".join(JSONL_LINES) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return _write_corpus(tmp_path_factory.mktemp("corpus") / "articles")


@pytest.fixture(scope="module")
def outcomes(corpus) -> dict[str, ReadOutcome]:
    found = list(read_corpus(corpus, max_bytes=MAX_BYTES))
    names = [o.file for o in found]
    assert len(names) == len(set(names)), f"an input is reported twice: {names}"
    return {o.file: o for o in found}


@pytest.fixture(scope="module")
def result(corpus, gazetteer):
    return ingest(corpus, gazetteer=gazetteer, max_bytes=MAX_BYTES)


# -- the report: one row per input ------------------------------------------------------------
def test_report_has_one_row_per_input_and_per_problem_manifest_row(result):
    report = result.report
    assert list(report.columns) == ["file", "status", "events", "reason"]
    assert sorted(report["file"]) == sorted(EXPECTED)
    assert report["file"].is_unique


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_input_has_the_expected_status_and_a_reason_naming_it(result, name):
    row = result.report.set_index("file").loc[name]
    status, words = EXPECTED[name]
    assert row["status"] == status, row["reason"]
    for word in words:
        assert word in row["reason"], f"{name}: {row['reason']!r} should mention {word!r}"
    if status in {"unreadable", "skipped"}:
        assert row["reason"], f"{name} has no reason"
        assert row["events"] == 0


def test_the_report_is_in_a_stable_order(corpus, gazetteer, result):
    again = ingest(corpus, gazetteer=gazetteer, max_bytes=MAX_BYTES)
    pd.testing.assert_frame_equal(result.report, again.report)


def test_readable_articles_give_events_and_the_summary_adds_up(result):
    by_file = result.report.set_index("file")
    assert by_file.loc["article.html", "events"] > 0
    assert by_file.loc["wire.jsonl line 4", "events"] > 0
    summary = result.summary
    assert summary["inputs"] == len(EXPECTED)
    assert summary["events"] == len(result.events) == int(result.report["events"].sum())
    assert summary["by_status"]["unreadable"] == sum(s == "unreadable" for s, _ in EXPECTED.values())


# -- binary files named .txt ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "what"),
    [(PDF, "PDF"), (PNG, "PNG"), (ELF, "ELF"), (b"abc\x00\x00\x00def" * 10, "NUL")],
)
def test_binary_content_is_refused_with_what_it_is(data, what):
    with pytest.raises(ArticleError, match=what):
        decode_text(data)


def test_read_article_file_raises_with_the_file_name(tmp_path):
    (tmp_path / "scan.txt").write_bytes(PDF)
    with pytest.raises(ArticleError, match=r"scan\.txt.*PDF"):
        read_article_file(tmp_path / "scan.txt")


# -- encodings --------------------------------------------------------------------------------
def test_latin1_text_is_detected_and_decoded_exactly(outcomes):
    outcome = outcomes["latin1.txt"]
    assert outcome.status == "ok"
    assert outcome.article.text == LATIN1_TEXT
    assert "près" in outcome.article.text and "marché" in outcome.article.text
    assert "cp1252" in outcome.reason


def test_cp1252_text_keeps_its_curly_quotes(outcomes):
    article = outcomes["cp1252.txt"].article
    assert article.text == CP1252_TEXT
    assert "“we heard the shelling all night”" in article.text
    assert "café’s" in article.text and "—" in article.text


@pytest.mark.parametrize(
    "text",
    [
        "Fighting in Aleppo near the café.\n",
        "Très près de la frontière, l'armée a bombardé Alep. Élevé, déjà, à côté.\n",
        "Die Kämpfe in Aleppo gingen weiter, sagte ein Sprecher. Größere Schäden, Grüße.\n",
        "El ejército bombardeó Alepo, según la agencia. Año, niño, acción.\n",
    ],
)
@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_short_western_european_texts_decode_exactly(text, encoding):
    decoded, _ = decode_text(text.encode(encoding))
    assert decoded == text


def test_cp1252_punctuation_decodes_exactly():
    text = "“Aleppo” – the city’s ‘last’ hospital… €5\n"
    assert decode_text(text.encode("cp1252"))[0] == text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Российские самолёты нанесли удары по Алеппо, сообщили военные источники в Дамаске.\n", "cp1251"),
        ("Οι μάχες στο Χαλέπι συνεχίστηκαν σήμερα, σύμφωνα με ακτιβιστές της περιοχής.\n", "cp1253"),
    ],
)
def test_other_legacy_encodings_are_still_detected(text, encoding):
    assert decode_text(text.encode(encoding))[0] == text


def test_utf16_with_a_byte_order_mark_is_text():
    text = "Shelling hit Aleppo on 3 March 2016.\n"
    assert decode_text(text.encode("utf-16"))[0] == text


def test_utf8_with_bom_and_crlf_is_normalised(tmp_path):
    (tmp_path / "a.txt").write_bytes("\ufeffAleppo\r\n\r\nCafe\u0301 shelled.\r\n".encode())
    article = read_article_file(tmp_path / "a.txt")
    assert article.text == "Aleppo\n\nCafé shelled.\n"  # NFC, \n line ends, no BOM


# -- size limit -------------------------------------------------------------------------------
def test_a_file_over_max_bytes_is_refused_with_its_size_and_the_limit(outcomes):
    outcome = outcomes["big.txt"]
    assert outcome.status == "skipped"
    assert outcome.article is None
    assert "7,200 bytes" in outcome.reason and "4,096 bytes" in outcome.reason


def test_a_50_mb_file_is_refused_from_its_size_without_being_read(tmp_path, monkeypatch):
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        fh.write(b"Aleppo was shelled on 3 March 2016.\n" * (50 * 1024 * 1024 // 36 + 1))
    assert big.stat().st_size > 50 * 1024 * 1024
    (tmp_path / "small.txt").write_text("Aleppo was shelled on 3 March 2016.\n", encoding="utf-8")

    import geo.read.articles as reading

    read: list[int] = []  # the bytes each read of a file gave
    real_read = os.read
    monkeypatch.setattr(reading.os, "read", lambda fd, n: (data := real_read(fd, n), read.append(len(data)))[0])

    found = {o.file: o for o in read_corpus(tmp_path)}

    assert found["huge.txt"].status == "skipped"
    assert "MB" in found["huge.txt"].reason and "--max-bytes" in found["huge.txt"].reason
    assert found["small.txt"].status == "ok"
    assert sum(read) == (tmp_path / "small.txt").stat().st_size  # the small file's bytes, no more


def test_a_file_read_in_short_pieces_is_read_to_its_end(tmp_path, monkeypatch):
    """A read may give fewer bytes than asked (or the file may grow after its size is read):
    reading goes on to the end of the file, as Path.read_bytes does."""
    import geo.read.articles as reading

    text = "Aleppo was shelled on 3 March 2016. " * 200
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (whole,) = read_corpus(tmp_path / "a.txt")
    real_read = os.read
    monkeypatch.setattr(reading.os, "read", lambda fd, n: real_read(fd, min(n, 1000)))

    (pieces,) = read_corpus(tmp_path / "a.txt")

    assert whole.status == "ok" and len(whole.article.text) > 7000
    assert pieces == whole


def test_max_bytes_must_be_positive(tmp_path):
    (tmp_path / "a.txt").write_text("Aleppo.\n", encoding="utf-8")
    with pytest.raises(ValueError, match="max_bytes"):
        list(read_corpus(tmp_path, max_bytes=0))


# -- HTML and Markdown ------------------------------------------------------------------------
def test_html_article_title_and_date_come_from_its_metadata_and_boilerplate_is_dropped(outcomes):
    article = outcomes["article.html"].article
    assert article.title == "Shelling hits Aleppo market"
    assert article.published == dt.date(2016, 4, 28)
    assert article.published_from == "html"
    assert "Rockets struck a crowded market in Aleppo on Thursday" in article.text
    for boilerplate in ("cookies", "Subscribe", "Copyright", "Celebrity", "window.analytics", "font-family"):
        assert boilerplate not in article.text


def test_markdown_article_is_read_with_its_manifest_title(outcomes):
    article = outcomes["notes.md"].article
    assert article.title == "Notes from Idlib"
    assert article.text.startswith("# Notes from Idlib")
    assert article.source == "Blog"


def test_markdown_title_without_manifest_drops_the_hashes(tmp_path):
    (tmp_path / "notes.md").write_text(NOTES_MD, encoding="utf-8")
    assert read_article_file(tmp_path / "notes.md").title == "Notes from Idlib"


# -- manifest ---------------------------------------------------------------------------------
def test_manifest_metadata_is_used_and_the_first_of_two_rows_wins(outcomes):
    article = outcomes["cp1252.txt"].article
    assert article.title == "Fighters seize Homs suburb"
    assert article.published == dt.date(2016, 4, 5)
    assert article.published_from == "manifest"


def test_an_unparseable_manifest_date_is_not_a_date_and_the_text_dates_it(outcomes):
    outcome = outcomes["notes.md"]
    assert outcome.status == "ok"  # read; ingest reports it "undated"
    assert outcome.article.published is None  # "next Tuesday" is not a publication date
    assert "articles.csv row 4" in outcome.reason and "'next Tuesday'" in outcome.reason


def test_a_manifest_without_a_file_column_is_ignored_with_a_reason(tmp_path):
    (tmp_path / "articles.csv").write_text("name,title,published\na.txt,A,2016-01-01\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Mar 28, 2016\n\nTroops entered Palmyra.\n", encoding="utf-8")
    found = {o.file: o for o in read_corpus(tmp_path)}
    assert set(found) == {"articles.csv", "a.txt"}
    assert found["articles.csv"].status == "skipped"
    assert "'file' column" in found["articles.csv"].reason
    assert "name, title, published" in found["articles.csv"].reason
    article = found["a.txt"].article
    assert (article.published, article.published_from) == (dt.date(2016, 3, 28), "dateline")


def test_a_manifest_without_a_published_column_dates_articles_from_their_text(tmp_path):
    (tmp_path / "articles.csv").write_text("file,title\na.txt,Palmyra retaken\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Palmyra\n\nMar 28, 2016\n\nTroops entered Palmyra.\n", encoding="utf-8")
    found = {o.file: o for o in read_corpus(tmp_path)}
    assert set(found) == {"a.txt"}
    article = found["a.txt"].article
    assert article.title == "Palmyra retaken"
    assert (article.published, article.published_from) == (dt.date(2016, 3, 28), "dateline")
    assert "no 'published' column" in found["a.txt"].reason


def test_manifest_paths_with_dot_slash_match_and_other_dots_are_kept(tmp_path):
    (tmp_path / "articles.csv").write_text(
        "file,title,source,published\n./a.txt,A,S,2016-01-01\n..b.txt,B,S,2016-01-02\n", encoding="utf-8"
    )
    (tmp_path / "a.txt").write_text("Troops entered Palmyra.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Troops entered Palmyra.\n", encoding="utf-8")
    found = {o.file: o for o in read_corpus(tmp_path)}
    assert found["a.txt"].article.published == dt.date(2016, 1, 1)
    assert found["b.txt"].article.published is None  # "..b.txt" is not "b.txt"
    assert "..b.txt" in found["articles.csv row 3"].reason


# -- JSON Lines -------------------------------------------------------------------------------
def test_jsonl_good_lines_are_read_and_bad_ones_reported_by_line(outcomes):
    assert outcomes["wire.jsonl line 1"].article.published == dt.date(2016, 12, 11)
    assert outcomes["wire.jsonl line 1"].article.published_from == "jsonl"
    assert outcomes["wire.jsonl line 4"].article.title == "Palmyra"
    assert outcomes["wire.jsonl line 2"].status == "unreadable"
    assert outcomes["wire.jsonl line 3"].status == "unreadable"


def test_jsonl_given_directly_is_a_corpus(corpus):
    found = [o.file for o in read_corpus(corpus / "wire.jsonl")]
    assert found == [f"wire.jsonl line {n}" for n in (1, 2, 3, 4)]


# -- hidden files, README, missing corpus -----------------------------------------------------
def test_hidden_folders_are_reported_once_and_not_walked(outcomes):
    assert ".git" in outcomes and ".git/HEAD" not in outcomes


def test_a_missing_corpus_is_an_error_that_names_it(tmp_path):
    with pytest.raises(CorpusError, match="nowhere"):
        list(read_corpus(tmp_path / "nowhere"))


def test_article_ids_stay_unique_when_two_files_share_a_stem(tmp_path):
    (tmp_path / "a.txt").write_text("Troops entered Palmyra.\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("Troops entered Aleppo.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Troops entered Homs.\n", encoding="utf-8")
    ids = {o.file: o.article.id for o in read_corpus(tmp_path)}
    assert len(set(ids.values())) == 3
    assert ids["b.txt"] == "b"


# -- publication dates from datelines ---------------------------------------------------------
@pytest.mark.parametrize(
    ("dateline", "published"),
    [
        ("Mar 28, 2016", dt.date(2016, 3, 28)),
        ("Sat Mar 12 2016", dt.date(2016, 3, 12)),
        ("Date of publication 4 April 2017", dt.date(2017, 4, 4)),
        ("19.07.2016", dt.date(2016, 7, 19)),
        ("August 24 2014", dt.date(2014, 8, 24)),
    ],
)
def test_an_article_without_manifest_is_published_on_its_dateline(tmp_path, dateline, published):
    (tmp_path / "a.txt").write_text(
        f"Troops enter Palmyra\n\n{dateline}\n\nSyrian troops entered Palmyra on Sunday.\n", encoding="utf-8"
    )
    (outcome,) = read_corpus(tmp_path)
    assert outcome.status == "ok"
    assert (outcome.article.published, outcome.article.published_from) == (published, "dateline")


def test_a_date_in_prose_is_not_a_dateline(tmp_path):
    (tmp_path / "a.txt").write_text(UNDATED, encoding="utf-8")
    (outcome,) = read_corpus(tmp_path)
    assert outcome.article.published is None
    assert outcome.article.published_from == ""


def test_the_modification_time_is_never_a_publication_date(tmp_path):
    (tmp_path / "a.txt").write_text("Syrian troops entered Palmyra on Sunday.\n", encoding="utf-8")
    (outcome,) = read_corpus(tmp_path)
    assert outcome.article.published is None


def test_an_undated_article_keeps_absolute_dates_and_leaves_relative_ones_undated(result):
    assert result.report.set_index("file").loc["undated.txt", "status"] == "undated"
    events = result.events[result.events["article"] == "undated"].set_index("place")
    assert set(events.index) == {"Aleppo", "Homs"}
    aleppo, homs = events.loc["Aleppo"], events.loc["Homs"]
    assert (aleppo["date"], aleppo["date_precision"]) == ("2016-03-03", "day")
    assert homs["date_precision"] == "undated"
    assert pd.isna(homs["date"]) and pd.isna(homs["date_start"]) and pd.isna(homs["date_end"])


def test_a_jsonl_line_over_max_bytes_is_refused_and_the_next_lines_read(tmp_path):
    lines = [
        '{"text": "Troops entered Palmyra on 2 March 2016."}',
        '{"text": "' + "Aleppo was shelled. " * 300 + '"}',
        '{"text": "Troops entered Homs on 3 March 2016."}',
    ]
    (tmp_path / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = {o.file: o for o in read_corpus(tmp_path, max_bytes=1000)}
    assert [o.status for o in found.values()] == ["ok", "skipped", "ok"]
    assert "over the 1,000 bytes limit" in found["wire.jsonl line 2"].reason
    assert found["wire.jsonl line 3"].article.text == "Troops entered Homs on 3 March 2016."


def test_a_jsonl_line_in_cp1252_is_decoded(tmp_path):
    line = '{"id": "w", "text": "The café’s owner said “Aleppo was shelled”."}\n'
    (tmp_path / "wire.jsonl").write_bytes(b'{"text": "Troops entered Homs."}\n' + line.encode("cp1252"))
    found = [o for o in read_corpus(tmp_path)]
    assert [o.status for o in found] == ["ok", "ok"]
    assert found[1].article.text == "The café’s owner said “Aleppo was shelled”."


def test_jsonl_lines_that_repeat_an_id_get_their_own(tmp_path):
    (tmp_path / "wire.jsonl").write_text(
        '{"id": "a", "text": "Troops entered Homs."}\n{"id": "a", "text": "Troops entered Aleppo."}\n',
        encoding="utf-8",
    )
    first, second = read_corpus(tmp_path)
    assert (first.article.id, second.article.id) == ("a", "a-2")
    assert "repeats line 1" in second.reason


def test_files_in_folders_are_named_by_their_path_below_the_corpus_in_that_order(tmp_path):
    """Nested folders: each file reads as its path below the corpus with '/', sorted by it;
    hidden names are reported, not entered."""
    text = "Aleppo was shelled on 3 March 2016.\n"
    for name in ["z.txt", "a/y.txt", "a/b/x.txt", "a-b/w.txt", "a/.hidden.txt", "_drafts/v.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    outcomes = list(read_corpus(tmp_path))
    read = [o.file for o in outcomes if o.status == "ok"]
    assert read == sorted(read) == ["a-b/w.txt", "a/b/x.txt", "a/y.txt", "z.txt"]
    assert {o.file for o in outcomes if o.status == "skipped"} == {"a/.hidden.txt", "_drafts"}


@given(st.text(alphabet="ab./\\ ", min_size=1, max_size=12))
def test_a_manifest_file_name_is_the_path_pathlib_makes_of_it(name):
    """Manifest names skip building a Path when they are already what Path would make."""
    from geo.read.articles import _posix_name

    assert _posix_name(name) == Path(name).as_posix()


@pytest.mark.parametrize("text, years", [("", (1800, 2100)), ("1700-2200", (1700, 2200)), ("nonsense", (1800, 2100))])
def test_plausible_years_follow_the_variable_whenever_it_changes(monkeypatch, text, years):
    from geo.read.articles import plausible_years

    monkeypatch.setenv("DATELINES_YEARS", "1900-1950")
    assert plausible_years() == (1900, 1950)
    monkeypatch.setenv("DATELINES_YEARS", text)
    assert plausible_years() == years
