"""``guotu audit verify|list`` on a real store."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from guotu.cli.main import app
from guotu.store import open_store

runner = CliRunner()


def _store_with_events(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    with open_store(url, migrate=True) as store:
        for i in range(3):
            store.append_audit(actor="cli:root", action="layer.import", outcome="ok", inputs={"i": i})
    return url


def test_verify_ok_and_list(tmp_path: Path) -> None:
    url = _store_with_events(tmp_path)
    result = runner.invoke(app, ["--lang", "en", "audit", "verify", "--url", url])
    assert result.exit_code == 0, result.output
    assert "3 events" in result.output
    listed = runner.invoke(app, ["audit", "list", "--url", url, "--json", "-n", "2"])
    assert listed.exit_code == 0
    assert [e["seq"] for e in json.loads(listed.output)] == [3, 2]


def test_verify_detects_an_edit_made_behind_the_app(tmp_path: Path) -> None:
    url = _store_with_events(tmp_path)
    db = tmp_path / "g.db"
    with sqlite3.connect(db) as conn:  # someone with file access drops the trigger and edits
        conn.execute("DROP TRIGGER audit_events_no_update")
        conn.execute("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2")
    result = runner.invoke(app, ["--lang", "en", "audit", "verify", "--url", url, "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["broken_at"] == 2
