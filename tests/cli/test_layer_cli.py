"""``guotu layer``: import, list, versions, stats and errors through the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from guotu.cli.main import app
from guotu.geo.synthetic import districts, survey
from guotu.io.vector_write import write_vector


def test_layer_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'one.db'}"
    survey_file = write_vector(survey(300, seed=5), tmp_path / "survey.gpkg")
    zones_file = write_vector(districts(n=2, seed=5), tmp_path / "districts.gpkg")
    r = runner.invoke(app, ["layer", "import", str(survey_file), "-n", "xz", "-k", "现状", "--db", db, "-f", "json"])
    assert r.exit_code == 0, r.output
    imported = json.loads(r.stdout)
    assert imported["imported"] and imported["version"]["feature_count"] == 300
    assert (
        runner.invoke(app, ["layer", "import", str(zones_file), "-n", "xzq", "-k", "custom", "--db", db]).exit_code == 0
    )
    listing = json.loads(runner.invoke(app, ["layer", "list", "--db", db, "-f", "json"]).stdout)
    assert [layer["name"] for layer in listing["layers"]] == ["xz", "xzq"]
    stats = runner.invoke(
        app, ["layer", "stats", "xz", "--zones", "xzq", "--zone-field", "XZQMC", "--db", db, "-f", "json"]
    )
    assert stats.exit_code == 0 and json.loads(stats.stdout)["rows"]
    missing = runner.invoke(app, ["layer", "versions", "nope", "--db", db])
    assert missing.exit_code == 2 and "[layer.not_found]" in missing.stderr
    bad_kind = runner.invoke(app, ["layer", "import", str(survey_file), "-n", "x", "-k", "nonsense", "--db", db])
    assert bad_kind.exit_code == 2 and "[layer.kind_unknown]" in bad_kind.stderr
    exported = tmp_path / "out.geojson"
    assert runner.invoke(app, ["layer", "export", "xzq", str(exported), "--db", db]).exit_code == 0
    assert json.loads(exported.read_text(encoding="utf-8"))["features"]
