"""The one store suite: every backend passes the same tests (CONVENTIONS.md, Tests)."""

from __future__ import annotations

import itertools
import json
import math
import sys
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from tests.store._data import CRS, X0, Y0, reset_postgis, reverse_rings, squares, star  # noqa: E402

from guotu.domain.jurisdictions import Jurisdiction, Level  # noqa: E402
from guotu.domain.layers import LegalStatus  # noqa: E402
from guotu.errors import (  # noqa: E402
    ConflictError,
    CRSError,
    GeometryError,
    InvalidInputError,
    NotFoundError,
    StorageError,
)
from guotu.geo.area import ellipsoidal_area, planar_area  # noqa: E402
from guotu.geo.vector import VectorData  # noqa: E402
from guotu.store import Store, open_store  # noqa: E402
from guotu.store.content import canonical_json, content_hash, feature_hash  # noqa: E402

IN_FORCE, DRAFTING, REPEALED = LegalStatus.IN_FORCE, LegalStatus.DRAFTING, LegalStatus.REPEALED
_names = itertools.count()


def _layer(store: Store, kind: str = "current_land_use") -> str:
    name = f"layer_{next(_names)}"
    store.create_layer(name, kind)
    return name


def _expected_wkb(data: VectorData) -> list[bytes]:
    return list(shapely.to_wkb(shapely.normalize(np.asarray(data.geometries)), byte_order=1, include_srid=False))


# ------------------------------------------------------------------ lifecycle


def test_migrate_is_idempotent_and_versioned(store: Store) -> None:
    assert store.schema_version() >= 1
    assert store.migrate() == []
    assert store.schema_version() >= 1


def test_new_database_has_no_schema_until_migrated(store_url: str) -> None:
    with open_store(store_url) as store:
        assert store.schema_version() == 0
        with pytest.raises(StorageError) as caught:
            store.list_layers()
        assert caught.value.code == "store.schema_missing"
        assert store.migrate() == list(range(1, store.schema_version() + 1))
        assert store.list_layers() == []


def test_closed_store_refuses_work(store_url: str) -> None:
    with open_store(store_url, migrate=True) as store:
        pass
    with pytest.raises(StorageError) as caught:
        store.list_layers()
    assert caught.value.code == "store.closed"
    store.close()  # closing twice is harmless


# ------------------------------------------------------------------ jurisdictions


def test_jurisdictions(store: Store) -> None:
    city = Jurisdiction("140300", "阳泉市", Level.CITY, "140000", name_en="Yangquan")
    boundary = shapely.to_wkb(shapely.box(X0, Y0, X0 + 1000, Y0 + 1000))
    store.upsert_jurisdiction(Jurisdiction("140302", "城区", Level.COUNTY, "140300"))  # the child first
    store.upsert_jurisdiction(city, boundary, CRS)
    store.upsert_jurisdiction(Jurisdiction("140311", "郊区", Level.COUNTY, "140300"))
    store.upsert_jurisdiction(Jurisdiction("140302-Z01", "高新区", Level.ZONE, "140302"))
    assert store.get_jurisdiction("140300") == city
    assert store.jurisdiction_boundary("140300") == (boundary, CRS)
    assert store.jurisdiction_boundary("140311") is None
    assert [j.code for j in store.list_jurisdictions()] == ["140300", "140302", "140302-Z01", "140311"]
    assert [j.name for j in store.list_jurisdictions("140300")] == ["城区", "郊区"]
    assert store.list_jurisdictions("999999") == []
    renamed = Jurisdiction("140300", "阳泉市（新）", Level.CITY, "140000")
    store.upsert_jurisdiction(renamed)  # no boundary given: the stored one stays
    assert store.get_jurisdiction("140300") == renamed
    assert store.jurisdiction_boundary("140300") == (boundary, CRS)
    for call in (lambda: store.get_jurisdiction("000000"), lambda: store.jurisdiction_boundary("000000")):
        with pytest.raises(NotFoundError) as caught:
            call()
        assert caught.value.code == "jurisdiction.not_found"


def test_jurisdiction_input_is_checked(store: Store) -> None:
    city = Jurisdiction("140300", "阳泉市", Level.CITY)
    with pytest.raises(InvalidInputError):
        store.upsert_jurisdiction(city, shapely.to_wkb(shapely.box(0, 0, 1, 1)))  # no CRS
    with pytest.raises(InvalidInputError) as caught:
        store.upsert_jurisdiction(city, b"not wkb", CRS)
    assert caught.value.code == "jurisdiction.boundary_invalid"
    with pytest.raises(InvalidInputError) as caught:
        store.upsert_jurisdiction(Jurisdiction("", "无", Level.CITY))
    assert caught.value.code == "jurisdiction.invalid"


# ---------------------------------------------------------------------- layers


def test_layers(store: Store) -> None:
    store.upsert_jurisdiction(Jurisdiction("140302", "城区", Level.COUNTY, "140300"))
    info = store.create_layer("yjjbnt_140302", "永久基本农田", jurisdiction="140302", title="永久基本农田 城区")
    assert (info.name, info.kind, info.jurisdiction, info.title, info.latest_version) == (
        "yjjbnt_140302",
        "permanent_basic_farmland",
        "140302",
        "永久基本农田 城区",
        None,
    )
    assert info.created_at.tzinfo is not None
    store.create_layer("a_zones", "GHFQ")
    assert store.get_layer("yjjbnt_140302") == info
    assert [layer.name for layer in store.list_layers()] == ["a_zones", "yjjbnt_140302"]
    with pytest.raises(ConflictError) as conflict:
        store.create_layer("yjjbnt_140302", "custom")
    assert conflict.value.code == "layer.exists"
    with pytest.raises(NotFoundError) as missing:
        store.get_layer("nope")
    assert missing.value.code == "layer.not_found"
    with pytest.raises(NotFoundError) as no_place:
        store.create_layer("b", "custom", jurisdiction="999999")
    assert no_place.value.code == "jurisdiction.not_found"
    with pytest.raises(InvalidInputError) as bad_kind:
        store.create_layer("c", "no such kind")
    assert bad_kind.value.code == "layer.kind_unknown"
    for bad in ("", "  ", "a\nb", "x" * 201):
        with pytest.raises(InvalidInputError) as bad_name:
            store.create_layer(bad, "custom")
        assert bad_name.value.code == "layer.name_invalid"
    assert len(store.list_layers()) == 2


# -------------------------------------------------------------------- versions


def test_add_and_read_a_version(store: Store) -> None:
    layer = _layer(store)
    data = squares(300, seed=1)
    info = store.add_version(layer, data, note="首次入库", findings=[{"rule": "G-01", "count": 2}])
    assert (info.layer, info.version, info.parent, info.feature_count, info.crs) == (layer, 1, None, 300, CRS)
    assert info.legal_status is DRAFTING and info.note == "首次入库" and info.source == data.source
    assert info.area_m2 == pytest.approx(float(ellipsoidal_area(data.geometries, CRS).sum()), rel=1e-12)
    assert store.get_layer(layer).latest_version == 1
    assert store.get_version(layer) == info == store.get_version(layer, 1)
    assert store.version_findings(layer, 1) == [{"rule": "G-01", "count": 2}]

    back = store.read_features(layer)
    assert back.feature_ids == data.feature_ids
    assert back.fields == data.fields and back.crs == CRS
    assert back.source == {"layer": layer, "version": 1}
    assert list(shapely.to_wkb(back.geometries, byte_order=1)) == _expected_wkb(data)
    expected = [json.loads(canonical_json(a)) for a in data.attributes]
    assert back.attributes == expected
    assert list(back.attributes[0]) == list(data.fields)  # the layer's field order, not the sorted one
    assert back.attributes[0]["DLBM"] == "0100" and back.attributes[0]["TBMJ"] == str(data.attributes[0]["TBMJ"])
    assert back.planar_m2 is not None and back.ellipsoidal_m2 is not None
    normal = shapely.normalize(data.geometries)  # areas are those of the stored (normalised) geometry
    np.testing.assert_array_equal(back.planar_m2, planar_area(normal))
    np.testing.assert_array_equal(back.ellipsoidal_m2, ellipsoidal_area(normal, CRS))

    hashes = store.feature_hashes(layer, 1)
    assert list(hashes) == list(data.feature_ids)
    wkb = _expected_wkb(data)
    assert hashes["F7"] == feature_hash("F7", wkb[7], canonical_json(data.attributes[7]))
    assert content_hash(hashes.values()) == info.content_hash

    second = store.add_version(layer, squares(10, seed=2))
    assert (second.version, second.parent) == (2, 1)
    assert [v.version for v in store.list_versions(layer)] == [1, 2]
    assert store.read_features(layer).source["version"] == 2
    assert len(store.read_features(layer, 1)) == 300


def test_given_areas_are_kept_and_empty_versions_allowed(store: Store) -> None:
    layer = _layer(store, "custom")
    data = squares(3)
    given_areas = VectorData(
        data.geometries,
        data.attributes,
        CRS,
        data.feature_ids,
        planar_m2=np.array([1.0, 2.0, 3.0]),
        ellipsoidal_m2=np.array([4.0, 5.0, 6.0]),
    )
    info = store.add_version(layer, given_areas)
    assert info.area_m2 == 15.0
    back = store.read_features(layer)
    assert back.ellipsoidal_m2 is not None and list(back.ellipsoidal_m2) == [4.0, 5.0, 6.0]
    assert back.fields == tuple(data.attributes[0])  # derived from the attributes when not given
    empty = VectorData(np.empty(0, dtype=object), [], CRS, ())
    none = store.add_version(layer, empty)
    assert (none.feature_count, none.area_m2, none.content_hash) == (0, 0.0, content_hash([]))
    assert len(store.read_features(layer)) == 0


def test_points_and_lines_are_stored_with_zero_area(store: Store) -> None:
    layer = _layer(store, "custom")
    data = VectorData(
        np.array([shapely.Point(X0, Y0), shapely.LineString([(X0, Y0), (X0 + 5, Y0)])], dtype=object),
        [{"名称": "点"}, {"名称": "线"}],
        CRS,
        ("p", "l"),
    )
    store.add_version(layer, data)
    back = store.read_features(layer)
    assert back.ellipsoidal_m2 is not None and list(back.ellipsoidal_m2) == [0.0, 0.0]
    assert [g.geom_type for g in back.geometries] == ["Point", "LineString"]


def _nan_polygon() -> Any:
    with np.errstate(invalid="ignore"):
        return shapely.Polygon([(X0, Y0), (X0 + 1, math.nan), (X0 + 1, Y0 + 1)])


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: None, "geometry.empty"),
        (shapely.Polygon, "geometry.empty"),
        (_nan_polygon, "geometry.non_finite"),
    ],
)
def test_bad_geometry_is_refused_and_nothing_is_left(store: Store, make: Any, code: str) -> None:
    geometry = make()
    layer = _layer(store)
    good = squares(2)
    data = VectorData(np.array([good.geometries[0], geometry], dtype=object), good.attributes, CRS, ("a", "b"))
    with pytest.raises(GeometryError) as caught:
        store.add_version(layer, data)
    assert caught.value.code == code
    assert store.list_versions(layer) == []


def test_bad_input_is_refused(store: Store) -> None:
    layer = _layer(store)
    good = squares(2)
    cases = [
        (VectorData(good.geometries, [{"x": b"bytes"}, {}], CRS, ("a", "b")), "version.attribute_invalid"),
        (VectorData(good.geometries, [{"x": {1, 2}}, {}], CRS, ("a", "b")), "version.attribute_invalid"),
        (VectorData(good.geometries, [{}, {}], CRS, ("a", "")), "version.feature_id_invalid"),
        (VectorData(good.geometries, [{}, {}], CRS, ("a", "b\x00")), "version.feature_id_invalid"),
    ]
    for data, code in cases:
        with pytest.raises(InvalidInputError) as caught:
            store.add_version(layer, data)
        assert caught.value.code == code
    with pytest.raises(CRSError):  # coordinates that do not fit the CRS
        store.add_version(layer, VectorData(good.geometries, good.attributes, 4490, good.feature_ids))
    with pytest.raises(InvalidInputError) as caught:
        store.add_version(layer, good, legal_status=IN_FORCE)
    assert caught.value.code == "version.effective_date_required"
    with pytest.raises(NotFoundError) as missing:
        store.add_version("nope", good)
    assert missing.value.code == "layer.not_found"
    assert store.list_versions(layer) == []
    for call in (lambda: store.get_version(layer), lambda: store.get_version(layer, 3)):
        with pytest.raises(NotFoundError) as no_version:
            call()
        assert no_version.value.code == "version.not_found"


# -------------------------------------------------------------------- features


def _brute_force(data: VectorData, box: tuple[float, float, float, float]) -> list[str]:
    bounds = shapely.bounds(np.asarray(data.geometries))
    keep = (bounds[:, 0] <= box[2]) & (bounds[:, 2] >= box[0]) & (bounds[:, 1] <= box[3]) & (bounds[:, 3] >= box[1])
    return [fid for fid, k in zip(data.feature_ids, keep, strict=True) if k]


def test_bbox_and_id_queries(store: Store) -> None:
    layer = _layer(store)
    data = squares(2000, seed=3, spread=5000)
    store.add_version(layer, data)
    store.add_version(layer, squares(500, seed=4, spread=5000, prefix="G"))  # another version, same place
    full = store.read_features(layer, 1)
    rng = np.random.default_rng(5)
    for _ in range(25):
        x, y = X0 + rng.uniform(-200, 5000), Y0 + rng.uniform(-200, 5000)
        box = (x, y, x + rng.uniform(0, 800), y + rng.uniform(0, 800))
        found = store.read_features(layer, 1, bbox=box)
        assert set(found.feature_ids) <= set(full.feature_ids)
        assert list(found.feature_ids) == _brute_force(data, box)
        assert found.source == {"layer": layer, "version": 1}
    # edges touch: a box ending exactly where a feature starts finds it
    minx, miny, _, _ = shapely.bounds(data.geometries[0])
    assert "F0" in store.read_features(layer, 1, bbox=(minx - 10, miny - 10, minx, miny)).feature_ids
    nothing = store.read_features(layer, 1, bbox=(0.0, 0.0, 1.0, 1.0))
    assert len(nothing) == 0 and nothing.planar_m2 is not None
    some = store.read_features(layer, 1, feature_ids=["F5", "F1", "unknown", "F5"])
    assert some.feature_ids == ("F1", "F5")
    assert some.attributes[0]["N"] == 1
    everywhere = (X0 - 1e5, Y0 - 1e5, X0 + 1e5, Y0 + 1e5)
    both = store.read_features(layer, 1, bbox=everywhere, feature_ids=["F3", "F2"])
    assert both.feature_ids == ("F2", "F3")
    for bad in [(1.0, 1.0, 0.0, 2.0), (0.0, 0.0, math.inf, 1.0), (0.0, 1.0, 2.0)]:
        with pytest.raises(InvalidInputError) as caught:
            store.read_features(layer, bbox=bad)  # type: ignore[arg-type]
        assert caught.value.code == "store.bbox_invalid"


# ------------------------------------------------------------- concurrency, R-38


def test_expected_parent(store: Store) -> None:
    layer = _layer(store)
    first = store.add_version(layer, squares(5, seed=1), expected_parent=None)
    assert first.version == 1
    with pytest.raises(ConflictError) as stale_none:
        store.add_version(layer, squares(5, seed=2), expected_parent=None)
    assert stale_none.value.code == "version.stale"
    second = store.add_version(layer, squares(5, seed=2), expected_parent=1)
    with pytest.raises(ConflictError) as stale:
        store.add_version(layer, squares(5, seed=3), expected_parent=1)
    assert stale.value.code == "version.stale"
    assert (stale.value.params["expected"], stale.value.params["actual"]) == (1, 2)
    assert "1" in stale.value.message("en") and "2" in stale.value.message("en")
    assert second.version == 2
    assert store.add_version(layer, squares(5, seed=3)).version == 3  # no check when omitted
    assert [v.version for v in store.list_versions(layer)] == [1, 2, 3]


def test_two_sessions_never_lose_an_update(store_url: str) -> None:
    """R-38: writers that start from the same version: exactly one wins, the rest are refused."""
    with open_store(store_url, migrate=True) as setup:
        setup.create_layer("hot", "custom")
        setup.add_version("hot", squares(3))
    stores = [open_store(store_url) for _ in range(4)]
    outcomes: dict[str, int] = {"ok": 0, "stale": 0}
    lock = threading.Lock()

    def worker(store: Store, seed: int) -> None:
        for step in range(6):
            parent = store.get_layer("hot").latest_version
            try:
                store.add_version("hot", squares(3, seed=seed * 100 + step), expected_parent=parent)
                result = "ok"
            except ConflictError as err:
                assert err.code == "version.stale"
                result = "stale"
            with lock:
                outcomes[result] += 1

    threads = [threading.Thread(target=worker, args=(s, i)) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        versions = stores[0].list_versions("hot")
        assert len(versions) == 1 + outcomes["ok"]  # every acknowledged write is there, once
        assert [v.parent for v in versions] == [None, *range(1, len(versions))]  # one chain
        assert outcomes["ok"] + outcomes["stale"] == 24
    finally:
        for store in stores:
            store.close()


# --------------------------------------------------------------- legal status


def test_legal_status_transitions(store: Store) -> None:
    layer = _layer(store)
    for seed in range(3):
        store.add_version(layer, squares(3, seed=seed), approval_document=None)
    with pytest.raises(InvalidInputError) as no_date:
        store.set_legal_status(layer, 1, IN_FORCE)
    assert no_date.value.code == "version.effective_date_required"
    one = store.set_legal_status(
        layer, 1, IN_FORCE, effective_date=date(2021, 3, 1), approval_document="晋政函〔2021〕1号"
    )
    assert (one.legal_status, one.effective_date, one.approval_document, one.filed) == (
        IN_FORCE,
        date(2021, 3, 1),
        "晋政函〔2021〕1号",
        False,
    )
    assert one.content_hash == store.list_versions(layer)[0].content_hash
    filed = store.set_legal_status(layer, 1, IN_FORCE, filed=True)  # metadata on the same status
    assert filed.filed and filed.approval_document == "晋政函〔2021〕1号"
    with pytest.raises(ConflictError) as locked:
        store.set_legal_status(layer, 1, IN_FORCE, effective_date=date(2021, 4, 1))
    assert locked.value.code == "version.effective_date_locked"
    with pytest.raises(ConflictError) as order:
        store.set_legal_status(layer, 2, IN_FORCE, effective_date=date(2020, 1, 1))
    assert order.value.code == "version.effective_date_order"
    assert store.get_version(layer, 2).legal_status is DRAFTING  # nothing changed
    two = store.set_legal_status(layer, 2, IN_FORCE, effective_date=date(2023, 1, 1), expected_status=DRAFTING)
    assert two.legal_status is IN_FORCE
    assert store.get_version(layer, 1).legal_status is REPEALED  # the previous one, in the same transaction
    for version, target in [(1, IN_FORCE), (1, DRAFTING), (2, DRAFTING), (3, REPEALED)]:
        with pytest.raises(ConflictError) as caught:
            store.set_legal_status(layer, version, target, effective_date=date(2024, 1, 1))
        assert caught.value.code == "version.transition"
    with pytest.raises(ConflictError) as compare_and_set:  # another reviewer got there first
        store.set_legal_status(layer, 2, REPEALED, expected_status=DRAFTING)
    assert compare_and_set.value.code == "version.transition"
    with pytest.raises(NotFoundError):
        store.set_legal_status(layer, 9, IN_FORCE, effective_date=date(2024, 1, 1))
    statuses = [v.legal_status for v in store.list_versions(layer)]
    assert statuses == [REPEALED, IN_FORCE, DRAFTING]


def test_as_of(store: Store) -> None:
    layer = _layer(store)
    for seed in range(4):
        store.add_version(layer, squares(2, seed=seed))
    store.set_legal_status(layer, 1, IN_FORCE, effective_date=date(2020, 1, 1))
    store.set_legal_status(layer, 2, IN_FORCE, effective_date=date(2023, 1, 1))  # supersedes v1 on that day

    def in_force(day: date) -> int | None:
        try:
            return store.get_version(layer, as_of=day).version
        except NotFoundError as err:
            assert err.code == "version.none_in_force"
            return None

    assert in_force(date(2019, 12, 31)) is None
    assert in_force(date(2020, 1, 1)) == 1
    assert in_force(date(2022, 12, 31)) == 1  # 已废止 now, but in force then
    assert in_force(date(2023, 1, 1)) == 2
    store.set_legal_status(layer, 2, REPEALED, effective_date=date(2024, 6, 1))  # repealed without a successor
    assert in_force(date(2024, 5, 31)) == 2
    assert in_force(date(2024, 6, 1)) is None
    store.set_legal_status(layer, 3, IN_FORCE, effective_date=date(2025, 1, 1))
    assert in_force(date(2030, 1, 1)) == 3  # v4 is 在编: never in force
    assert in_force(date(2024, 12, 1)) is None
    with pytest.raises(InvalidInputError):
        store.get_version(layer, 1, as_of=date(2024, 1, 1))


def test_add_version_in_force_repeals_the_previous_one(store: Store) -> None:
    layer = _layer(store)
    store.add_version(layer, squares(2), legal_status=IN_FORCE, effective_date=date(2021, 1, 1), filed=True)
    second = store.add_version(layer, squares(2, seed=1), legal_status=IN_FORCE, effective_date=date(2022, 1, 1))
    assert second.legal_status is IN_FORCE
    first = store.get_version(layer, 1)
    assert first.legal_status is REPEALED and first.filed
    assert store.get_version(layer, as_of=date(2021, 6, 1)).version == 1


# ----------------------------------------------------------------- immutability


def test_content_cannot_be_changed_behind_the_store(store: Store) -> None:
    layer = _layer(store)
    store.add_version(layer, squares(3))
    execute = store._execute  # type: ignore[attr-defined]
    for sql in (
        "UPDATE features SET attrs = '{}'",
        "DELETE FROM features",
        "UPDATE layer_versions SET content_hash = 'x'",
        "UPDATE layer_versions SET feature_count = 0",
        "UPDATE layer_versions SET staging = TRUE",
        "DELETE FROM layer_versions",
    ):
        with pytest.raises(StorageError) as caught:
            execute(sql)
        assert caught.value.code == "store.immutable", sql
    version_id = execute("SELECT id FROM layer_versions").fetchone()[0]
    with pytest.raises(StorageError) as caught:  # no feature may join a promoted version
        execute(
            "INSERT INTO features (version_id, fid, wkb, attrs, planar_m2, ellipsoidal_m2, hash, minx, miny, "
            "maxx, maxy" + (", srid" if "Postgis" in type(store).__name__ else "") + ") VALUES "
            "(?, 'x', ?, '{}', 0, 0, 'h', 0, 0, 0, 0" + (", 4527" if "Postgis" in type(store).__name__ else "") + ")",
            (version_id, shapely.to_wkb(shapely.Point(X0, Y0))),
        )
    assert caught.value.code == "store.immutable"
    assert store.get_version(layer, 1).feature_count == 3 and len(store.read_features(layer)) == 3


# ---------------------------------------------------------------- transactions


def test_transaction_groups_writes(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.create_layer("grouped", "custom")
        store.add_version("grouped", squares(50))
        raise RuntimeError("the import fails late")
    assert [layer.name for layer in store.list_layers()] == []
    with store.transaction():
        store.create_layer("grouped", "custom")
        with pytest.raises(ConflictError), store.transaction():  # a savepoint: only the inner part rolls back
            store.add_version("grouped", squares(5))
            store.add_version("grouped", squares(5, seed=1), expected_parent=None)
        store.add_version("grouped", squares(7))
    versions = store.list_versions("grouped")
    assert [(v.version, v.feature_count) for v in versions] == [(1, 7)]


# ----------------------------------------------------------------- staging, R-40


def test_staging_left_by_a_dead_process_is_removed_on_open(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from guotu.store import _sql
    from guotu.store.content import prepare_version

    with open_store(store_url, migrate=True) as store:
        layer = _layer(store)
        store.add_version(layer, squares(4))
        prepared = prepare_version(squares(30, seed=9))
        meta = {
            "status": DRAFTING,
            "effective_date": None,
            "approval_document": None,
            "filed": False,
            "note": "",
            "findings": "[]",
            "source": "{}",
            "fields": "[]",
            "aliases": "{}",
        }
        layer_id = store._layer_row(layer)[0]  # type: ignore[attr-defined]
        for owner in ("dead:1:1", _sql.staging_owner()):  # another host long ago, and this very process
            monkeypatch.setattr(_sql, "staging_owner", lambda owner=owner: owner)
            with store.transaction():
                version_id = store._stage(layer_id, prepared, meta)  # type: ignore[attr-defined]
                store._insert_features(version_id, prepared, 0, len(prepared))  # type: ignore[attr-defined]
        store._execute(  # type: ignore[attr-defined]
            "UPDATE layer_versions SET created_at = ? WHERE staged_by = 'dead:1:1'",
            (store._db_timestamp(_sql.datetime(2000, 1, 1, tzinfo=_sql.UTC)),),  # type: ignore[attr-defined]
        )
        assert [v.version for v in store.list_versions(layer)] == [1]  # staged rows are invisible
    with open_store(store_url) as store:
        staged = store._execute("SELECT staged_by FROM layer_versions WHERE staging").fetchall()  # type: ignore[attr-defined]
        assert [row[0] for row in staged] == [_sql.staging_owner()]  # the live one is kept
        count = store._execute("SELECT count(*) FROM features").fetchone()[0]  # type: ignore[attr-defined]
        assert count == 4 + 30
        assert store.read_features(layer).feature_ids == squares(4).feature_ids


# ------------------------------------------------------------ backup, restore


def test_backup_and_restore(store: Store, store_url: str, tmp_path: Path, backend: str) -> None:
    store.upsert_jurisdiction(
        Jurisdiction("140300", "阳泉市", Level.CITY), shapely.to_wkb(shapely.box(0, 0, 1, 1)), 4490
    )
    layer = _layer(store)
    store.add_version(layer, squares(200), legal_status=IN_FORCE, effective_date=date(2022, 1, 1))
    store.add_version(layer, squares(20, seed=1), findings=[{"rule": "G-02"}])
    target = tmp_path / "备份.bak"
    store.backup(target)
    assert target.stat().st_size > 0
    with pytest.raises(ConflictError) as exists:
        store.backup(target)
    assert exists.value.code == "store.backup_exists"
    with pytest.raises(ConflictError) as not_empty:
        store.restore(target)
    assert not_empty.value.code == "store.not_empty"

    before = (store.list_versions(layer), store.feature_hashes(layer, 1), store.list_jurisdictions())
    other_url = f"sqlite:///{tmp_path / 'restored.db'}" if backend == "sqlite" else store_url
    if backend == "postgis":  # one database on the server: empty it
        store.close()
        reset_postgis(store_url)
    with open_store(other_url) as restored:
        restored.restore(target)
        assert restored.schema_version() >= 1
        versions = restored.list_versions(layer)
        assert versions == before[0]
        assert [(v.version, v.legal_status, v.feature_count) for v in versions] == [
            (1, IN_FORCE, 200),
            (2, DRAFTING, 20),
        ]
        assert restored.feature_hashes(layer, 1) == before[1]
        assert content_hash(restored.feature_hashes(layer, 1).values()) == versions[0].content_hash
        assert restored.list_jurisdictions() == before[2]
        assert restored.version_findings(layer, 2) == [{"rule": "G-02"}]
        assert restored.jurisdiction_boundary("140300") == (shapely.to_wkb(shapely.box(0, 0, 1, 1)), 4490)
        assert restored.get_version(layer, as_of=date(2023, 1, 1)).version == 1
        assert restored.add_version(layer, squares(3, seed=5)).version == 3  # the restored store works on
    garbage = tmp_path / "garbage.bak"
    garbage.write_bytes(b"this is not a backup" * 100)
    fresh_url = f"sqlite:///{tmp_path / 'fresh.db'}" if backend == "sqlite" else store_url
    if backend == "postgis":
        reset_postgis(store_url)
    with open_store(fresh_url) as fresh:
        with pytest.raises(InvalidInputError) as invalid:
            fresh.restore(garbage)
        assert invalid.value.code == "store.backup_invalid"
        with pytest.raises(InvalidInputError):
            fresh.restore(tmp_path / "missing.bak")


# --------------------------------------------------------- Hypothesis round trip

_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_CJK = st.text(alphabet="阳泉市城区郊区耕地林地草地水域建设用地永久基本农田生态保护红线（）、，。·", max_size=10)
_CODES = st.from_regex(r"0[0-9]{1,5}", fullmatch=True)
_DECIMALS = st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-1e9, max_value=1e9)
_VALUES = st.one_of(_CJK, _TEXT, _CODES, _DECIMALS, st.integers(), st.booleans(), st.none(), st.dates())
_ATTRIBUTES = st.dictionaries(st.sampled_from(["名称", "DLBM", "MJ", "BZ", "代码", "x"]), _VALUES, max_size=5)


@st.composite
def _polygons(draw: st.DrawFn) -> Any:
    n = draw(st.integers(4, 10))
    radii = draw(st.lists(st.floats(5, 400), min_size=n, max_size=n))
    jitter = draw(st.lists(st.floats(-0.9, 0.9), min_size=n, max_size=n))
    cx = X0 + draw(st.floats(0, 50_000))
    cy = Y0 + draw(st.floats(0, 50_000))
    polygon = star(cx, cy, radii, jitter=jitter, hole=draw(st.booleans()))
    if draw(st.booleans()):
        polygon = shapely.MultiPolygon([polygon, star(cx + 2000, cy, radii[::-1], jitter=jitter)])
    return polygon


@st.composite
def _layers(draw: st.DrawFn) -> VectorData:
    n = draw(st.integers(1, 6))
    ids = draw(st.lists(st.one_of(_CODES, _CJK.filter(bool)), min_size=n, max_size=n, unique=True))
    geometries = np.array([draw(_polygons()) for _ in range(n)], dtype=object)
    attributes = [draw(_ATTRIBUTES) for _ in range(n)]
    return VectorData(geometries, attributes, CRS, tuple(ids))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_layers())
def test_round_trip(store: Store, data: VectorData) -> None:
    layer = _layer(store, "custom")
    info = store.add_version(layer, data)
    back = store.read_features(layer)
    assert back.feature_ids == data.feature_ids
    assert list(shapely.to_wkb(back.geometries, byte_order=1)) == _expected_wkb(data)
    assert back.attributes == [json.loads(canonical_json(a)) for a in data.attributes]
    assert back.ellipsoidal_m2 is not None and back.planar_m2 is not None
    np.testing.assert_array_equal(back.ellipsoidal_m2, ellipsoidal_area(shapely.normalize(data.geometries), CRS))
    np.testing.assert_array_equal(back.planar_m2, planar_area(shapely.normalize(data.geometries)))
    # the same content with rings reversed and features in another order: the same hash
    order = list(range(len(data)))[::-1]
    flipped = VectorData(
        np.array([reverse_rings(data.geometries[i]) for i in order], dtype=object),
        [data.attributes[i] for i in order],
        CRS,
        tuple(data.feature_ids[i] for i in order),
    )
    again = store.add_version(layer, flipped)
    assert again.content_hash == info.content_hash
    assert store.feature_hashes(layer, 2) == {k: store.feature_hashes(layer, 1)[k] for k in flipped.feature_ids}


# ------------------------------------------------------------- across backends


@pytest.mark.postgis
def test_backends_store_identical_bytes(sqlite_store: Store, postgis_store: Store) -> None:
    data = squares(500, seed=11)
    extra = VectorData(
        np.array([star(X0, Y0, [50, 80, 60, 90, 70], hole=True)], dtype=object),
        [{"名称": "城区", "代码": "0701", "面积": Decimal("12.3400"), "日期": date(2024, 1, 2)}],
        CRS,
        ("0001",),
    )
    results = []
    for store in (sqlite_store, postgis_store):
        store.create_layer("same", "current_land_use")
        first = store.add_version("same", data)
        second = store.add_version("same", extra)
        back = store.read_features("same", 1)
        results.append(
            (
                first.content_hash,
                second.content_hash,
                store.feature_hashes("same", 1),
                [bytes(w) for w in shapely.to_wkb(back.geometries, byte_order=1)],
                back.attributes,
                back.ellipsoidal_m2.tolist() if back.ellipsoidal_m2 is not None else None,
                store.read_features("same", 2).attributes,
            )
        )
    assert results[0] == results[1]


# ------------------------------------------------------------------- large versions


@pytest.mark.slow
def test_a_hundred_thousand_features(store: Store) -> None:
    """10^5 features add in a few seconds (the figure is printed; the bound is loose for busy CI boxes)."""
    import time

    layer = _layer(store)
    data = squares(100_000, seed=7, spread=50_000)
    started = time.perf_counter()
    info = store.add_version(layer, data)
    elapsed = time.perf_counter() - started
    print(f"add_version of 100 000 features on {type(store).__name__}: {elapsed:.2f} s")
    assert info.feature_count == 100_000
    assert elapsed < 30
    box = (X0 + 1000, Y0 + 1000, X0 + 1500, Y0 + 1500)
    assert list(store.read_features(layer, bbox=box).feature_ids) == _brute_force(data, box)
