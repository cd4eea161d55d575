"""Records and the audit trail: the same behaviour on every backend."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import shapely

from guotu.errors import ConflictError, InvalidInputError, NotFoundError, StorageError
from guotu.services.audit import audited, record_denied, verify
from guotu.store import Store
from guotu.store.audit import GENESIS, verify_chain

SQUARE = shapely.to_wkb(shapely.box(500_000, 4_000_000, 500_100, 4_000_100))


def test_put_get_and_revisions(store: Store) -> None:
    first = store.put_record("review", "r-1", {"a": 1, "名称": "阳泉"}, jurisdiction="140300", year=2026, status="草稿")
    assert first.revision == 1
    assert first.data == {"a": 1, "名称": "阳泉"}
    assert first.created_at.tzinfo is not None
    second = store.put_record("review", "r-1", {"a": 2}, jurisdiction="140300", year=2026, status="已通过",
                              expected_revision=1)  # fmt: skip
    assert second.revision == 2
    assert second.created_at == first.created_at
    assert store.get_record("review", "r-1").data == {"a": 2}
    assert store.find_record("review", "nope") is None
    with pytest.raises(NotFoundError) as err:
        store.get_record("review", "nope")
    assert err.value.code == "record.not_found"


def test_compare_and_set(store: Store) -> None:
    store.put_record("plan_version", "k", {}, expected_revision=None)
    with pytest.raises(ConflictError) as err:
        store.put_record("plan_version", "k", {}, expected_revision=None)
    assert err.value.code == "record.exists"
    with pytest.raises(ConflictError) as err:
        store.put_record("plan_version", "k", {"x": 1}, expected_revision=5)
    assert err.value.code == "record.stale"
    assert store.get_record("plan_version", "k").data == {}


def test_list_and_count_filters(store: Store) -> None:
    for i in range(5):
        store.put_record("supply_record", f"140300:{i:03d}", {"i": i}, jurisdiction="140300", year=2026,
                         status="ok" if i % 2 else "draft")  # fmt: skip
    store.put_record("supply_record", "140302:000", {"i": 9}, jurisdiction="140302", year=2025)
    store.put_record("review", "140300:000", {"other": True})
    keys = [r.key for r in store.list_records("supply_record", jurisdiction="140300")]
    assert keys == [f"140300:{i:03d}" for i in range(5)]
    assert store.count_records("supply_record", status="ok") == 2
    assert store.count_records("supply_record", year=2025) == 1
    assert [r.key for r in store.list_records("supply_record", key_prefix="140302")] == ["140302:000"]
    assert [r.key for r in store.list_records("supply_record", limit=2, offset=1)] == ["140300:001", "140300:002"]
    assert len(store.list_records("supply_record", offset=4)) == 2
    # A prefix with LIKE wildcards is taken literally.
    assert store.list_records("supply_record", key_prefix="1403%") == []


def test_geometry_round_trip(store: Store) -> None:
    stored = store.put_record("review", "g", {}, geometry=SQUARE, crs=4524)
    assert stored.geometry is not None and shapely.from_wkb(stored.geometry).equals(shapely.from_wkb(SQUARE))
    assert stored.crs == 4524


@pytest.mark.parametrize(
    ("kind", "key", "data", "kwargs"),
    [
        ("Bad Kind", "k", {}, {}),
        ("review", "", {}, {}),
        ("review", "x" * 201, {}, {}),
        ("review", "k", {"v": {1, 2}}, {}),
        ("review", "k", {"v": "a\x00b"}, {}),
        ("review", "k", {}, {"geometry": SQUARE}),
        ("review", "k", {}, {"geometry": b"not wkb", "crs": 4524}),
    ],
)
def test_bad_records_are_refused_and_nothing_is_written(
    store: Store, kind: str, key: str, data: dict[str, object], kwargs: dict[str, object]
) -> None:
    with pytest.raises(InvalidInputError) as err:
        store.put_record(kind, key, data, **kwargs)  # type: ignore[arg-type]
    assert err.value.code == "record.invalid"
    assert store.count_records("review") == 0


def test_records_take_part_in_transactions(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.put_record("review", "a", {})
        store.put_record("review", "b", {})
        raise RuntimeError("boom")
    assert store.count_records("review") == 0


def test_delete_record(store: Store) -> None:
    store.put_record("session", "s", {})
    with pytest.raises(ConflictError):
        store.delete_record("session", "s", expected_revision=2)
    store.delete_record("session", "s", expected_revision=1)
    assert store.find_record("session", "s") is None
    with pytest.raises(NotFoundError):
        store.delete_record("session", "s")


def test_audit_chain_verifies_and_detects_tampering(store: Store) -> None:
    for i in range(3):
        store.append_audit(actor="cli:root", action="layer.import", outcome="ok", target=f"layer:{i}",
                           inputs={"i": i, "文件": "a.gpkg"}, result={"version": i + 1})  # fmt: skip
    events = store.list_audit()
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS
    assert events[1].prev_hash == events[0].hash
    assert verify(store).ok
    assert verify(store).events == 3
    # An edited event breaks the chain where it was edited.
    forged = [events[0], type(events[1])(**{**events[1].__dict__, "inputs": {"i": 99}}), events[2]]
    check = verify_chain(forged)
    assert not check.ok and check.broken_at == 2
    # A removed event breaks it too.
    assert verify_chain([events[0], events[2]]).broken_at == 3
    assert store.list_audit(descending=True, limit=1)[0].seq == 3
    assert [e.seq for e in store.list_audit(target="layer:1")] == [2]


def test_audit_events_cannot_be_changed_or_deleted(store: Store) -> None:
    store.append_audit(actor="cli:root", action="x.y", outcome="ok")
    for sql in ("UPDATE audit_events SET actor = 'mallory'", "DELETE FROM audit_events"):
        with pytest.raises(StorageError) as err:
            store._execute(sql)  # type: ignore[attr-defined]
        assert err.value.code == "store.immutable"
    assert verify(store).ok


def test_audited_writes_ok_with_the_work_and_failed_after_rollback(store: Store) -> None:
    with audited(store, actor="cli:root", action="review.save", target="review:a", inputs={"n": 1}) as event:
        store.put_record("review", "a", {})
        event.result = {"saved": True}
    with pytest.raises(ConflictError), audited(store, actor="web:alice", action="review.save", inputs={"n": 2}):
        store.put_record("review", "b", {})
        store.put_record("review", "a", {}, expected_revision=None)
    assert store.find_record("review", "b") is None  # the failed work left nothing
    record_denied(store, actor="public", action="review.save")
    ok, failed, denied = store.list_audit()
    assert (ok.outcome, ok.result) == ("ok", {"saved": True})
    assert failed.outcome == "failed"
    assert failed.result == {"error": "record.exists", "params": {"kind": "review", "key": "a"}}
    assert denied.outcome == "denied"
    assert verify(store).ok


def test_concurrent_appends_keep_one_chain(store: Store, request: pytest.FixtureRequest) -> None:
    def work(n: int) -> None:
        for i in range(10):
            store.append_audit(actor=f"t{n}", action="x.y", outcome="ok", inputs={"i": i},
                               at=datetime.now(UTC))  # fmt: skip

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check = verify(store)
    assert check.ok and check.events == 40
