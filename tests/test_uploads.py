"""Uploaded articles: names cannot escape the session folder, binaries and oversize files are refused."""

from __future__ import annotations

import pytest

from dashboard import uploads
from dashboard.uploads import UploadRejected, check_content, safe_name, save_uploads

TEXT = "Islamic State fighters seized Palmyra on Wednesday.\n".encode()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../x.txt", "x.txt"),
        ("/etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\win.md", "win.md"),
        ("C:\\Users\\a\\report.html", "report.html"),
        ("x/../../y.jsonl", "y.jsonl"),
        (".hidden.txt", "hidden.txt"),
        ("...dots.md", "dots.md"),
        ("a\x00b.txt", "ab.txt"),
        ("\u202eevil.txt", "evil.txt"),
        ("Report (final).TXT", "Report _final.txt"),
        ("articles.csv", "articles.csv"),
        ("Ḥalab—news.txt", "Ḥalab_news.txt"),
    ],
)
def test_safe_name(raw, expected):
    name = safe_name(raw)
    assert name == expected
    assert "/" not in name and "\\" not in name and not name.startswith(".")


@pytest.mark.parametrize("raw", ["..", "../", ".txt", "/", "", "a.exe", "x.txt.exe", "noext", "a.pdf"])
def test_unusable_names_are_refused(raw):
    with pytest.raises(UploadRejected):
        safe_name(raw)


def test_rejection_is_also_a_value_error():
    with pytest.raises(ValueError, match="should end in one of"):
        safe_name("evil.sh")


def test_long_names_are_cut_keeping_the_extension():
    name = safe_name("a" * 500 + ".md")
    assert name.endswith(".md") and len(name) <= 120


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"PK\x03\x04\x14\x00\x06\x00",
        b"\x7fELF\x02\x01\x01",
        b"plain start then \x00 a NUL",
        bytes(range(1, 32)) * 20,
    ],
)
def test_binary_content_is_refused(data):
    with pytest.raises(UploadRejected, match="binary"):
        check_content("renamed.txt", data)


@pytest.mark.parametrize(
    "data",
    [
        TEXT,
        "Alep, Palmyre - déjà vu".encode("latin-1"),
        "\ufeffحلب تدمر".encode("utf-8"),
        "Ḥalab".encode("utf-16"),
        b"",
        b"<html><body><p>Mosul</p></body></html>",
        b'{"file": "a.txt", "title": "x"}\n',
    ],
)
def test_text_content_is_accepted(data):
    check_content("article.txt", data)


def test_utf8_cut_at_the_sniff_limit_is_still_text():
    data = ("é" * 40000).encode()  # 80 000 bytes: the 64 KiB cut can split a character
    check_content("long.txt", data)


def test_save_uploads_writes_only_into_the_folder(tmp_path):
    folder = tmp_path / "session"
    batch = save_uploads(
        [
            ("../../escape.txt", TEXT),
            ("/abs/path.md", TEXT),
            (".env.txt", TEXT),
            ("photo.txt", b"\x89PNG\r\n\x1a\n"),
            ("run.exe", b"MZ"),
        ],
        folder,
    )
    assert sorted(p.name for p in batch.written) == ["env.txt", "escape.txt", "path.md"]
    assert all(p.parent == folder.resolve() for p in batch.written)
    assert sorted(p.name for p in folder.iterdir()) == ["env.txt", "escape.txt", "path.md"]
    assert not (tmp_path / "escape.txt").exists()
    assert {r.name for r in batch.rejected} == {"photo.txt", "run.exe"}
    assert all(r.reason for r in batch.rejected)


def test_colliding_names_are_kept_apart(tmp_path):
    batch = save_uploads(
        [("a/x.txt", b"one"), ("b/x.txt", b"two"), ("X.TXT", b"three")], tmp_path / "s"
    )
    assert [p.name for p in batch.written] == ["x.txt", "x-2.txt", "X-3.txt"]
    assert [p.read_bytes() for p in batch.written] == [b"one", b"two", b"three"]


def test_size_limit_per_file(tmp_path):
    batch = save_uploads(
        [("big.txt", b"a" * 101), ("ok.txt", b"a" * 100)],
        tmp_path / "s",
        max_file_bytes=100,
        max_total_bytes=10_000,
    )
    assert [p.name for p in batch.written] == ["ok.txt"]
    assert batch.rejected[0].name == "big.txt" and "per file" in batch.rejected[0].reason


def test_size_limit_in_total(tmp_path):
    files = [(f"{i}.txt", b"a" * 40) for i in range(4)]
    batch = save_uploads(files, tmp_path / "s", max_file_bytes=100, max_total_bytes=100)
    assert [p.name for p in batch.written] == ["0.txt", "1.txt"]
    assert [r.name for r in batch.rejected] == ["2.txt", "3.txt"]
    assert all("in total" in r.reason for r in batch.rejected)


def test_file_count_limit(tmp_path):
    files = [(f"{i}.txt", b"a") for i in range(5)]
    batch = save_uploads(files, tmp_path / "s", max_files=3)
    assert len(batch.written) == 3 and len(batch.rejected) == 2


def test_a_new_batch_replaces_the_old_one(tmp_path):
    folder = tmp_path / "s"
    save_uploads([("old.txt", TEXT)], folder)
    save_uploads([("new.txt", TEXT)], folder)
    assert [p.name for p in folder.iterdir()] == ["new.txt"]


def test_session_folders_are_private_distinct_and_removed_with_the_session():
    import gc
    from pathlib import Path

    a, b = uploads.new_session_folder(), uploads.new_session_folder()
    path_a = Path(a.name)
    assert path_a != Path(b.name)
    assert path_a.stat().st_mode & 0o077 == 0
    save_uploads([("x.txt", TEXT)], path_a)
    del a
    gc.collect()
    assert not path_a.exists()
    b.cleanup()


def test_a_csv_is_the_manifest_and_only_one_is_kept(tmp_path):
    manifest = b"file,title,source,published\na.txt,A,Wire,2016-03-28\n"
    batch = save_uploads(
        [("My Manifest.csv", manifest), ("a.txt", TEXT), ("other.csv", manifest)], tmp_path / "s"
    )
    assert [p.name for p in batch.written] == ["articles.csv", "a.txt"]
    assert batch.written[0].read_bytes() == manifest
    assert [r.name for r in batch.rejected] == ["other.csv"]
    assert "second CSV manifest" in batch.rejected[0].reason
