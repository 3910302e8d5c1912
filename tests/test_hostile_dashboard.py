"""The dashboard's disk and network exposure: a session's uploaded payload is served only
while the session holds it, the payload folder stays bounded, and a local Dask cluster listens
on this machine only."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import uploads  # noqa: E402


def _payload(folder: Path, name: str, size: int = 100) -> Path:
    path = folder / f"{name}.json"
    path.write_bytes(b"x" * size)
    return path


def test_a_payload_is_deleted_when_the_session_lets_go(tmp_path):
    path = _payload(tmp_path, "a")
    lease = uploads.lease_payload(path)
    assert path.is_file()
    del lease  # the session's state is dropped when the session ends
    gc.collect()
    assert not path.exists()


def test_a_payload_two_sessions_share_lives_until_both_let_go(tmp_path):
    path = _payload(tmp_path, "shared")
    first, second = uploads.lease_payload(path), uploads.lease_payload(path)
    first.release()
    assert path.is_file()
    second.release()
    assert not path.exists()


def test_the_payloads_on_disk_stay_within_the_bound(tmp_path):
    leases = [uploads.lease_payload(_payload(tmp_path, f"p{i}"), max_total_bytes=250) for i in range(5)]
    on_disk = sorted(p.name for p in tmp_path.iterdir())
    assert sum(p.stat().st_size for p in tmp_path.iterdir()) <= 250
    assert "p4.json" in on_disk  # the newest is always kept
    for lease in leases:
        lease.release()
    assert list(tmp_path.iterdir()) == []


def test_a_local_dask_cluster_listens_on_this_machine_only(monkeypatch, tmp_path):
    import distributed

    from geo.corpus.distributed import ingest_dask

    seen: dict = {}

    class Recorded(Exception):
        pass

    def fake_cluster(**kwargs):
        seen.update(kwargs)
        raise Recorded

    monkeypatch.setattr(distributed, "LocalCluster", fake_cluster)
    (tmp_path / "a.txt").write_text("Nice, 15 July 2016 - A truck drove into a crowd.\n")
    with pytest.raises(Recorded):
        ingest_dask(tmp_path, scheduler="local", workers=1)
    assert seen["host"] == "127.0.0.1"
    assert str(seen["dashboard_address"]).startswith("127.0.0.1:")


def _data_files() -> set[Path]:
    from dashboard import mapview

    folder = mapview.STATIC_DIR / "data"
    return set(folder.glob("*.json*")) if folder.is_dir() else set()  # .json.gz since gzipped


def _gone(paths: set[Path]) -> bool:
    """Whether the files are gone, once the script thread has let go of the session."""
    import time

    for _ in range(100):
        gc.collect()
        if not (paths & _data_files()):
            return True
        time.sleep(0.1)
    return False


def test_an_uploads_payload_is_removed_when_the_upload_goes_and_when_the_session_ends(monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(sys, "argv", ["dashboard/app.py", "--data", str(ROOT / "seeds")])
    article = (
        "Clashes in Mosul\n\nIraqi forces fought Islamic State fighters in Mosul on "
        "3 March 2016, officials said.\n"
    ).encode()

    def session_with_upload(name: str) -> tuple[AppTest, set[Path]]:
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
        at.run()
        before = _data_files()
        at.sidebar.file_uploader(key="uploads").set_value([(name, article, "text/plain")]).run()
        assert not at.exception, [e.value for e in at.exception]
        added = _data_files() - before
        assert len(added) == 1  # the base + upload payload
        return at, added

    at, added = session_with_upload("hostile_upload_one.txt")
    at.sidebar.file_uploader(key="uploads").set_value([]).run()
    assert _gone(added)  # the upload is gone: so is its payload

    at, added = session_with_upload("hostile_upload_two.txt")
    del at  # the session ends
    assert _gone(added)
