"""One-map layer services end to end: import with QC, versions, stats, export, blocked imports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
import shapely

from guotu.domain.layers import LegalStatus
from guotu.errors import ConflictError, InvalidInputError, NotFoundError
from guotu.geo.synthetic import districts, survey
from guotu.geo.vector import VectorData
from guotu.io.vector_read import read_vector
from guotu.io.vector_write import write_vector
from guotu.services import layers as service


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("files")
    out = {
        "survey": write_vector(survey(800, seed=3), root / "survey.gpkg"),
        "districts": write_vector(districts(n=3, seed=3), root / "districts.gpkg"),
    }
    return out


def test_import_list_versions_and_stats(store, files: dict[str, Path]) -> None:
    result = service.import_layer(store, files["survey"], name="xz", kind="现状")
    assert not result.blocked and result.version is not None
    assert result.version.version == 1 and result.version.feature_count == 800
    service.import_layer(store, files["districts"], name="xzq", kind="custom")
    assert [i.name for i in service.list_layers(store)] == ["xz", "xzq"]

    tab = service.layer_stats(store, "xz", zones="xzq", zone_field="XZQMC")
    source = read_vector(files["survey"])
    # The districts tile the survey's extent: the tabulated areas add up to the layer's area.
    total = sum(tab.by_zone().values())
    assert total == pytest.approx(result.version.area_m2, rel=1e-9)
    # Per class, the tabulation equals the sum of the features' official areas.
    by_class = tab.by_class()
    stored = store.read_features("xz")
    for code in {a["DLBM"] for a in source.attributes}:
        expected = sum(
            a for a, attrs in zip(stored.ellipsoidal_m2, stored.attributes, strict=True) if attrs["DLBM"] == code
        )
        assert by_class[code] == pytest.approx(expected, rel=1e-9)


def test_reimport_is_a_new_version_and_legal_status_moves_forward(store, files: dict[str, Path]) -> None:
    first = service.import_layer(store, files["survey"], name="xz", kind="current_land_use").version
    second = service.import_layer(store, files["survey"], name="xz", kind="current_land_use", expected_parent=1).version
    assert first and second and second.version == 2 and second.content_hash == first.content_hash
    with pytest.raises(ConflictError):
        service.import_layer(store, files["survey"], name="xz", kind="current_land_use", expected_parent=1)
    v = service.set_legal_status(
        store, "xz", 2, LegalStatus.IN_FORCE, effective_date=date(2026, 6, 1), approval_document="某政函〔2026〕1号"
    )
    assert v.legal_status is LegalStatus.IN_FORCE
    with pytest.raises(InvalidInputError):
        service.import_layer(store, files["survey"], name="xz", kind="permanent_basic_farmland")


def test_invalid_geometry_blocks_the_import_and_writes_nothing(store, tmp_path: Path) -> None:
    bowtie = shapely.Polygon(
        [(500000, 4400000), (500100, 4400100), (500100, 4400000), (500000, 4400100), (500000, 4400000)]
    )
    square = shapely.box(500200, 4400000, 500300, 4400100)
    data = VectorData(
        geometries=np.array([shapely.MultiPolygon([bowtie]), shapely.MultiPolygon([square])], dtype=object),
        attributes=[{"DLBM": "0101"}, {"DLBM": "0102"}],
        crs=4547,
        feature_ids=("1", "2"),
        fields=("DLBM",),
    )
    path = write_vector(data, tmp_path / "bad.gpkg")
    result = service.import_layer(store, path, name="bad", kind="现状")
    assert result.blocked and result.version is None
    assert any(f.code == "qc.invalid_geometry" for f in result.findings)
    assert service.list_layers(store) == []  # not even the layer


def test_export_round_trip(store, files: dict[str, Path], tmp_path: Path) -> None:
    service.import_layer(store, files["districts"], name="xzq", kind="custom")
    path = service.export_layer(store, "xzq", tmp_path / "out.gpkg")
    back = read_vector(path)
    assert len(back) == 3 and {a["XZQMC"] for a in back.attributes} == {
        a["XZQMC"] for a in read_vector(files["districts"]).attributes
    }


def test_diff_two_versions_finds_the_changed_area(store, tmp_path: Path) -> None:
    base = survey(400, seed=9)
    changed_attrs = [dict(a) for a in base.attributes]
    # Reclassify three features (属性变更) and drop two (调出).
    for i in (0, 1, 2):
        changed_attrs[i]["DLBM"] = "0701" if changed_attrs[i]["DLBM"] != "0701" else "0101"
    keep = [i for i in range(len(base)) if i not in (10, 11)]
    after = VectorData(
        geometries=base.geometries[keep],
        attributes=[changed_attrs[i] for i in keep],
        crs=base.crs,
        feature_ids=tuple(base.feature_ids[i] for i in keep),
        fields=base.fields,
    )
    v1 = write_vector(base, tmp_path / "v1.gpkg")
    v2 = write_vector(after, tmp_path / "v2.gpkg")
    service.import_layer(store, v1, name="xz", kind="现状", id_field="TBBH")
    service.import_layer(store, v2, name="xz", kind="现状", id_field="TBBH")
    result = service.diff_layer(store, "xz", 1, 2)
    stored = store.read_features("xz", 1)
    removed_area = float(sum(stored.ellipsoidal_m2[[10, 11]]))
    changed_area = float(sum(stored.ellipsoidal_m2[[0, 1, 2]]))
    assert result.total("调出") == pytest.approx(removed_area, rel=1e-6)
    assert result.total("属性变更") == pytest.approx(changed_area, rel=1e-6)
    assert result.total("调入") == pytest.approx(0.0, abs=1e-6)


def test_every_change_and_failed_attempt_is_in_the_audit_trail(store, files: dict[str, Path], tmp_path: Path) -> None:
    from guotu.services.audit import verify

    result = service.import_layer(store, files["survey"], name="xz", kind="现状", actor="cli:alice")
    assert result.version is not None
    service.set_legal_status(store, "xz", 1, LegalStatus.IN_FORCE, effective_date=date(2026, 1, 1), actor="web:bob")
    with pytest.raises(NotFoundError):
        service.import_layer(store, tmp_path / "missing.gpkg", name="xz", kind="现状", actor="cli:alice")
    events = store.list_audit()
    assert [(e.actor, e.action, e.outcome) for e in events] == [
        ("cli:alice", "layer.import", "ok"),
        ("web:bob", "layer.set_status", "ok"),
        ("cli:alice", "layer.import", "failed"),
    ]
    assert events[0].result is not None and events[0].result["version"] == 1
    assert events[1].before == {"status": "在编", "effective_date": None}
    assert events[1].after == {"status": "现行", "effective_date": "2026-01-01"}
    assert events[2].result is not None and events[2].result["error"].startswith("file.")
    assert verify(store).ok
