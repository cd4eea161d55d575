"""The kill -9 harness (R-29, R-40): a version lands whole or not at all.

A forked child process opens the store and adds a large version; the parent kills it
with SIGKILL at a random moment of the write (the child signals when it starts
writing; kill moments are stratified over the write's measured duration), then
checks the database as a restarted process would find it: ``integrity_check`` ok,
no foreign-key violation, the version absent or complete (feature count and content
hash), nothing staged after reopening, the R*Tree in step with the features.

The child gets the version's rows computed beforehand, so every kill lands in the
write path, and small batches, so that many kills fall between two commits of the
staging. The default run makes 20 kill points on SQLite and 8 on PostGIS with 10 000
features; the ``slow`` test adds 200 on SQLite.
"""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from tests.store._data import reset_postgis, squares  # noqa: E402

from guotu.store import _sql, open_store  # noqa: E402
from guotu.store.content import content_hash, prepare_version  # noqa: E402
from guotu.store.sqlite import SQLiteStore  # noqa: E402

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the harness forks (POSIX)")

FEATURES = 10_000
BASE = 100  # features of version 1, which must survive every kill untouched


class Harness:
    """Runs ``add_version`` in forked children and kills them."""

    def __init__(
        self, url: str, reset: Callable[[], None], monkeypatch: pytest.MonkeyPatch, *, features: int = FEATURES
    ) -> None:
        self.url = url
        self.reset = reset
        self.features = features
        data = squares(features, seed=42)
        self.prepared = prepare_version(data)
        self.data = data
        monkeypatch.setattr(_sql, "prepare_version", lambda d: self.prepared if d is data else prepare_version(d))
        monkeypatch.setattr(_sql, "BATCH", 2000)
        monkeypatch.setattr(SQLiteStore, "_batch_pause", 0.0)  # no other writer to let in
        self.read_end, self.write_end = os.pipe()
        original = _sql.SQLStore._stage

        def signalling_stage(store: Any, *args: Any) -> int:
            os.write(self.write_end, b"s")
            return original(store, *args)

        monkeypatch.setattr(_sql.SQLStore, "_stage", signalling_stage)
        self.base_hash = ""

    def prepare(self) -> None:
        self.reset()
        with open_store(self.url, migrate=True) as store:
            store.create_layer("big", "current_land_use")
            self.base_hash = store.add_version("big", squares(BASE, seed=1, prefix="B")).content_hash
        os.read(self.read_end, 1)  # the signal of the setup itself

    def run(self, kill_after: float | None) -> tuple[bool, float]:
        """Fork a child that adds the version; kill it ``kill_after`` s after it starts writing."""
        pid = os.fork()
        if pid == 0:  # the child: no pytest, no cleanup, just the write
            code = 1
            try:
                with open_store(self.url) as store:
                    store.add_version("big", self.data, expected_parent=1)
                code = 0
            finally:
                os._exit(code)
        ready, _, _ = select.select([self.read_end], [], [], 60)
        if not ready:  # the child died or hangs before writing: do not wait forever
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the child never started writing")
        os.read(self.read_end, 1)
        started = time.monotonic()
        if kill_after is not None:
            time.sleep(kill_after)
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        elapsed = time.monotonic() - started
        finished = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        if not finished:
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
        return finished, elapsed

    def verify(self) -> bool:
        """Check the database as a restarted process finds it; return whether the version landed."""
        with open_store(self.url) as store:  # opening removes staging left by the dead child
            execute = store._execute  # type: ignore[attr-defined]
            versions = store.list_versions("big")
            assert [v.version for v in versions] in ([1], [1, 2])
            assert versions[0].content_hash == self.base_hash
            assert execute("SELECT count(*) FROM layer_versions WHERE staging").fetchone()[0] == 0
            landed = len(versions) == 2
            expected_rows = BASE + (self.features if landed else 0)
            assert execute("SELECT count(*) FROM features").fetchone()[0] == expected_rows
            if landed:
                version = versions[1]
                assert (version.feature_count, version.content_hash) == (self.features, self.prepared.content_hash)
                hashes = store.feature_hashes("big", 2)
                assert len(hashes) == self.features and content_hash(hashes.values()) == self.prepared.content_hash
            if isinstance(store, SQLiteStore):
                assert execute("SELECT count(*) FROM features_rtree").fetchone()[0] == expected_rows
        return landed

    def campaign(self, points: int, seed: int) -> dict[str, int]:
        self.prepare()
        finished, duration = self.run(None)  # calibration: the whole write, not killed
        assert finished and self.verify()
        rng = random.Random(seed)
        outcomes = {"absent": 0, "complete": 0}
        for i in range(points):
            self.prepare()
            delay = duration * (i + rng.random()) / points  # stratified over the write
            finished, _ = self.run(delay)
            landed = self.verify()
            assert landed or not finished
            outcomes["complete" if landed else "absent"] += 1
        return outcomes


def _sqlite_harness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, features: int = FEATURES) -> Harness:
    path = tmp_path / "crash.db"

    def reset() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    harness = Harness(f"sqlite:///{path}", reset, monkeypatch, features=features)
    original_verify = harness.verify

    def verify() -> bool:
        with sqlite3.connect(path) as raw:  # before the store opens (and cleans up)
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        raw.close()
        return original_verify()

    harness.verify = verify  # type: ignore[method-assign]
    return harness


def test_kill9_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = _sqlite_harness(tmp_path, monkeypatch).campaign(20, seed=1)
    assert outcomes["absent"] >= 5, outcomes  # most kills land inside the write


@pytest.mark.slow
def test_kill9_sqlite_many(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = _sqlite_harness(tmp_path, monkeypatch).campaign(200, seed=2)
    assert outcomes["absent"] >= 50, outcomes


@pytest.mark.postgis
def test_kill9_postgis(postgis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    harness = Harness(postgis_url, lambda: reset_postgis(postgis_url), monkeypatch)
    outcomes = harness.campaign(8, seed=3)
    assert outcomes["absent"] >= 2, outcomes
