"""Every input of a corpus is accounted for: odd file kinds (links, pipes, devices, folder
links) are reported with a reason, links never lead the reader out of the corpus, ids are
unique across the corpus, and HTML too big or too deep to parse is reported, not ground
through. Fixtures are written by the tests."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from geo.read.articles import read_corpus

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Nice, 15 July 2016 - A truck drove into a crowd in Nice on Thursday, killing 84 people.\n"


def _outcomes(corpus: Path) -> dict:
    return {o.file: o for o in read_corpus(corpus)}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT)
    return folder


def test_a_dangling_link_is_reported(corpus):
    (corpus / "gone.txt").symlink_to(corpus / "nowhere.txt")
    found = _outcomes(corpus)["gone.txt"]
    assert found.status == "unreadable" and "does not exist" in found.reason


def test_a_looping_link_is_reported(corpus):
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    found = _outcomes(corpus)["loop.txt"]
    assert found.status == "unreadable" and "loop" in found.reason


def test_a_named_pipe_is_reported_and_never_opened(corpus):
    os.mkfifo(corpus / "pipe.txt")  # opening it would block for ever
    found = _outcomes(corpus)["pipe.txt"]
    assert found.status == "skipped" and "pipe" in found.reason


def test_a_device_file_is_reported(corpus):
    try:
        os.mknod(corpus / "null.txt", 0o600 | __import__("stat").S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError):
        pytest.skip("cannot make a device file here")
    found = _outcomes(corpus)["null.txt"]
    assert found.status == "skipped" and "device" in found.reason


def test_a_folder_link_is_reported_not_followed(corpus, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "b.txt").write_text(TEXT)
    (corpus / "more").symlink_to(other, target_is_directory=True)
    outcomes = _outcomes(corpus)
    assert outcomes["more"].status == "skipped" and "link" in outcomes["more"].reason
    assert "more/b.txt" not in outcomes


def test_a_link_out_of_the_corpus_is_not_read(corpus, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:Secret Town\n")
    (corpus / "shadow.txt").symlink_to(secret)
    (corpus / "inside.txt").symlink_to(corpus / "a.txt")
    outcomes = _outcomes(corpus)
    assert outcomes["shadow.txt"].article is None
    assert outcomes["shadow.txt"].status == "skipped" and "outside" in outcomes["shadow.txt"].reason
    assert outcomes["inside.txt"].status == "ok"
    # Passed directly, the same file is the user's choice and is read.
    assert _outcomes(secret)["secret.txt"].status == "ok"


def test_the_manifest_as_a_link_out_of_the_corpus_is_not_read(corpus, tmp_path):
    outside = tmp_path / "other.csv"
    outside.write_text("file,title,source,published\na.txt,Secret,S,2016-07-15\n")
    (corpus / "articles.csv").symlink_to(outside)
    outcomes = _outcomes(corpus)
    assert outcomes["articles.csv"].status == "skipped" and "outside" in outcomes["articles.csv"].reason
    assert outcomes["a.txt"].article.title != "Secret"


def test_ids_are_unique_across_the_corpus(corpus):
    (corpus / "one.jsonl").write_text(
        json.dumps({"id": "a", "text": TEXT}) + "\n" + json.dumps({"id": "x", "text": TEXT}) + "\n"
    )
    (corpus / "two.jsonl").write_text(json.dumps({"id": "x", "text": TEXT}) + "\n")
    articles = [o.article for o in read_corpus(corpus) if o.article is not None]
    ids = [a.id for a in articles]
    assert len(articles) == 4 and len(set(ids)) == 4


def test_events_of_two_inputs_never_share_an_id(corpus):
    from geo.corpus.ingest import ingest

    (corpus / "x.jsonl").write_text(json.dumps({"id": "a", "text": TEXT}) + "\n")
    events = ingest(corpus).events
    assert len(events) >= 2 and events["id"].is_unique


def test_html_nested_too_deep_is_reported_as_too_deep(corpus):
    (corpus / "deep.html").write_text("<html><body>" + "<div>" * 100_000 + "Nice" + "</div>" * 100_000)
    found = _outcomes(corpus)["deep.html"]
    assert found.article is None and "deep" in found.reason


def test_html_with_too_many_attributes_is_skipped_before_parsing(corpus):
    attributes = " ".join(f"a{i}=1" for i in range(100_000))
    (corpus / "attrs.html").write_text(f"<html><body><p {attributes}>Nice</p></body></html>")
    found = _outcomes(corpus)["attrs.html"]
    assert found.status == "skipped" and "attributes" in found.reason


def test_html_with_too_many_elements_is_skipped_before_parsing(corpus):
    (corpus / "many.html").write_text("<html><body>" + "<b>x</b>" * 300_000 + "</body></html>")
    found = _outcomes(corpus)["many.html"]
    assert found.status == "skipped" and "elements" in found.reason


def test_an_ordinary_html_page_is_still_read(corpus):
    paragraphs = "".join(f"<div class='c'><p id='p{i}'>{TEXT}</p></div>" for i in range(50))
    (corpus / "page.html").write_text(f"<html><head><title>T</title></head><body><article>{paragraphs}</article></body></html>")
    assert _outcomes(corpus)["page.html"].status == "ok"


def test_the_dashboard_cache_key_sees_edits_in_subfolders(corpus):
    sys.path.insert(0, str(ROOT))
    from dashboard.view import data_signature

    (corpus / "sub").mkdir()
    article = corpus / "sub" / "b.txt"
    article.write_text(TEXT)
    before = data_signature(corpus)
    article.write_text(TEXT + "More.\n")
    assert data_signature(corpus) != before
    (corpus / "sub" / "c.txt").write_text(TEXT)
    assert data_signature(corpus) != before
