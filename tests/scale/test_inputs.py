"""GeoParquet inputs and spilling, without a cluster."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from guotu.errors import InvalidInputError
from guotu.geo import synthetic
from guotu.scale import open_geoparquet, spill_geoparquet
from guotu.scale.jobs import DiffPartial, combine_areas, combine_diff


def test_spill_writes_guotu_geoparquet_with_ids(tmp_path: Path) -> None:
    files = spill_geoparquet(synthetic.survey_chunks(900, seed=1, chunk_size=300), tmp_path / "layer")
    assert len(files) >= 3
    layer = open_geoparquet(tmp_path / "layer")
    assert layer.epsg == 4527 and layer.rows == 900 and layer.geometry == "geometry"
    assert layer.columns[:2] == ("BSM", "DLBM") and layer.bbox is not None
    geo = json.loads(pq.read_schema(files[0]).metadata[b"geo"])
    assert geo["primary_column"] == "geometry"
    with pytest.raises(InvalidInputError) as err:
        spill_geoparquet(synthetic.survey_chunks(10, seed=1), tmp_path / "layer")
    assert err.value.code == "scale.output_not_empty"
    assert sorted(p.name for p in (tmp_path / "layer").iterdir()) == [f.name for f in files]


def test_files_of_one_layer_must_agree(tmp_path: Path) -> None:
    spill_geoparquet(synthetic.survey_chunks(200, seed=1, chunk_size=100), tmp_path / "a")
    other = pq.read_table(next((tmp_path / "a").glob("*.parquet"))).drop_columns(["DLMC"])
    pq.write_table(other, tmp_path / "a" / "part-99999.parquet")
    with pytest.raises(InvalidInputError) as err:
        open_geoparquet(tmp_path / "a")
    assert err.value.code == "scale.schema_mismatch"


def test_partial_tables_add_up_exactly_whatever_the_order() -> None:
    parts = [(3, {("d", None, "0101"): (0.1, 1)}), (2, {("d", None, "0101"): (0.2, 2)}), (1, {})]
    forward = combine_areas(parts, job="stats", area_kind="planar", epsg=4527, partitions=3, engine="t")
    backward = combine_areas(parts[::-1], job="stats", area_kind="planar", epsg=4527, partitions=3, engine="t")
    assert forward.rows == backward.rows
    assert forward.rows[0].area_m2 == 0.30000000000000004  # fsum of 0.1 + 0.2: the correctly rounded sum
    assert forward.features == 6 and forward.rows[0].feature_count == 3
    assert forward.to_dict()["rows"][0]["公顷"] == "0.0000"
    diff = combine_diff(
        [
            DiffPartial({("调出", "0101", None, None): (5.0, 1)}, {}),
            DiffPartial({("调入", None, "0102", None): (2.0, 1)}, {}),
        ],
        epsg=4527,
        features={"added": 1},
        partitions=2,
        engine="t",
    )
    assert [r.kind.value for r in diff.by_class] == ["调入", "调出"]
    assert diff.total("调出") == 5.0
