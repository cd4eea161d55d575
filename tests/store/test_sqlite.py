"""What only the embedded SQLite store promises: settings, filesystems, locking, URLs."""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from tests.store._data import squares  # noqa: E402

from guotu.errors import ConfigurationError, InvalidInputError, StorageError  # noqa: E402
from guotu.store import _sql, open_store, sqlite_path  # noqa: E402
from guotu.store import sqlite as sqlite_store  # noqa: E402
from guotu.store.sqlite import SQLiteStore, filesystem_type  # noqa: E402


def test_safety_settings_are_read_back(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "a.db") as store:
        assert store.pragmas() == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 5000}


def _fake_mounts(tmp_path: Path, fstype: str) -> Path:
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/vda / ext4 rw 0 0\nserver:/export {tmp_path} {fstype} rw,relatime 0 0\n", encoding="utf-8")
    return mounts


@pytest.mark.parametrize("fstype", ["nfs4", "cifs", "smb3"])
def test_network_filesystems_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fstype: str) -> None:
    monkeypatch.setattr(sqlite_store, "_PROC_MOUNTS", _fake_mounts(tmp_path, fstype))
    monkeypatch.delenv("GUOTU_ALLOW_NETWORK_FS", raising=False)
    with pytest.raises(ConfigurationError) as caught:
        open_store(f"sqlite:///{tmp_path / 'shared.db'}")
    assert caught.value.code == "store.network_fs"
    assert caught.value.params["fstype"] == fstype
    assert not (tmp_path / "shared.db").exists()
    monkeypatch.setenv("GUOTU_ALLOW_NETWORK_FS", "1")
    with open_store(f"sqlite:///{tmp_path / 'shared.db'}", migrate=True) as store:
        assert store.schema_version() >= 1


def test_filesystem_type(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/vda / ext4 rw 0 0\n//nas/share /mnt/my\\040share cifs rw 0 0\n/dev/vdb /mnt/my ext4 rw 0 0\n",
        encoding="utf-8",
    )
    assert filesystem_type(Path("/mnt/my share/x.db"), mounts) == "cifs"
    assert filesystem_type(Path("/mnt/my/x.db"), mounts) == "ext4"
    assert filesystem_type(Path("/mnt/myother/x.db"), mounts) == "ext4"  # only whole path components count
    assert filesystem_type(Path("/x.db"), tmp_path / "missing") is None
    assert filesystem_type(tmp_path / "a.db") is not None  # the real /proc/mounts


def test_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with open_store("sqlite:///rel.db", migrate=True) as store:
        assert store.schema_version() >= 1
    assert (tmp_path / "rel.db").exists()
    with open_store(tmp_path / "bare.db", migrate=True), open_store("sqlite:///:memory:", migrate=True):
        pass
    assert (tmp_path / "bare.db").exists()
    assert sqlite_path(f"sqlite:///{tmp_path}/x.db") == f"{tmp_path}/x.db"  # tmp_path is absolute: 4 slashes
    for bad in ("mysql://u:secret@h/db", "", "http://x"):
        with pytest.raises(InvalidInputError) as caught:
            open_store(bad)
        assert caught.value.code == "store.url_invalid"
        assert "secret" not in caught.value.message("en")


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with SQLiteStore(path) as store:
        store.migrate()
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01')")
    with pytest.raises(StorageError) as caught:
        SQLiteStore(path)
    assert caught.value.code == "store.schema_too_new"


def test_unopenable_path(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as caught:
        SQLiteStore(tmp_path / "no" / "such" / "dir.db")
    assert caught.value.code == "store.open_failed"


def test_bbox_goes_through_the_rtree(sqlite_store: SQLiteStore) -> None:
    sqlite_store.create_layer("a", "custom")
    sqlite_store.add_version("a", squares(100))
    plan = sqlite_store._conn.execute(
        "EXPLAIN QUERY PLAN SELECT f.fid FROM features_rtree r CROSS JOIN features f ON f.id = r.id "
        "WHERE r.minv <= 1 AND r.maxv >= 1 AND r.minx <= 2 AND r.maxx >= 1 AND r.miny <= 2 AND r.maxy >= 1 "
        "AND f.version_id = 1"
    ).fetchall()
    assert "VIRTUAL TABLE" in plan[0][-1]
    rtree = sqlite_store._conn.execute("SELECT count(*) FROM features_rtree").fetchone()[0]
    assert rtree == 100


def test_raw_writes_from_another_connection_are_refused(sqlite_store: SQLiteStore) -> None:
    sqlite_store.create_layer("a", "custom")
    sqlite_store.add_version("a", squares(5))
    with sqlite3.connect(sqlite_store.path) as raw:
        for sql in ("UPDATE features SET attrs = '{}'", "DELETE FROM layer_versions", "DELETE FROM features"):
            with pytest.raises(sqlite3.IntegrityError, match=r"guotu\.immutable"):
                raw.execute(sql)
        raw.execute("UPDATE layer_versions SET filed = 1")  # legal metadata may change
    assert sqlite_store.get_version("a", 1).filed


def test_a_writer_waits_for_the_lock_instead_of_failing(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    with SQLiteStore(path) as first, SQLiteStore(path) as second:
        first.migrate()
        held = threading.Event()

        def hold() -> None:
            with first.transaction():
                first.create_layer("holder", "custom")
                held.set()
                time.sleep(1.0)

        thread = threading.Thread(target=hold)
        thread.start()
        held.wait(5)
        started = time.monotonic()
        second.create_layer("waiter", "custom")  # waits for the lock, no "database is locked"
        waited = time.monotonic() - started
        thread.join()
        assert waited > 0.5
        assert [layer.name for layer in second.list_layers()] == ["holder", "waiter"]


def test_other_writers_get_in_while_a_large_version_is_staged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_sql, "BATCH", 500)
    path = tmp_path / "import.db"
    with SQLiteStore(path) as importer, SQLiteStore(path) as other:
        importer.migrate()
        importer.create_layer("big", "current_land_use")
        data = squares(20_000)
        done: list[object] = []
        thread = threading.Thread(target=lambda: done.append(importer.add_version("big", data)))
        thread.start()
        deadline = time.monotonic() + 30
        while not other._execute("SELECT 1 FROM layer_versions WHERE staging").fetchone():
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.005)
        other.create_layer("meanwhile", "custom")  # between two batches of the import
        assert other.get_layer("big").latest_version is None  # the staged version is invisible
        thread.join()
        big = other.get_version("big")
        assert big.feature_count == 20_000
        assert other.get_layer("meanwhile").created_at < big.created_at


def test_disk_full_is_a_typed_error_and_leaves_nothing(sqlite_store: SQLiteStore) -> None:
    sqlite_store.create_layer("a", "custom")
    pages = sqlite_store._conn.execute("PRAGMA page_count").fetchone()[0]
    sqlite_store._conn.execute(f"PRAGMA max_page_count = {pages + 20}")
    with pytest.raises(StorageError) as caught:
        sqlite_store.add_version("a", squares(5000))
    assert caught.value.code == "store.full"
    assert sqlite_store._conn.execute("SELECT count(*) FROM layer_versions").fetchone()[0] == 0
    assert sqlite_store._conn.execute("SELECT count(*) FROM features").fetchone()[0] == 0
    assert sqlite_store.list_versions("a") == []
    sqlite_store._conn.execute("PRAGMA max_page_count = 1073741823")
    assert sqlite_store.add_version("a", squares(5000)).version == 1
