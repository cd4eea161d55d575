"""Tests for ``guotu db``: init, migrate, backup, restore, as a user runs them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from tests.store._data import reset_postgis, squares  # noqa: E402

from guotu.cli import db  # noqa: E402
from guotu.cli.app import GuotuGroup, _root  # noqa: E402
from guotu.store import open_store  # noqa: E402

ENV = {"COLUMNS": "200", "GUOTU_LANG": None, "NO_COLOR": "1", "GUOTU_DATABASE_URL": None}


def _app() -> typer.Typer:
    """The root app with ``db`` mounted, as ``guotu.cli.main`` mounts it."""
    from guotu.cli.main import app as main_app

    if any(group.name == "db" for group in main_app.registered_groups):
        return main_app
    app = typer.Typer(cls=GuotuGroup, name="guotu", no_args_is_help=True, pretty_exceptions_enable=False)
    app.callback()(_root)
    app.add_typer(db.app, name="db")
    return app


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    app, runner = _app(), CliRunner()

    def invoke(*args: str, env: dict[str, str | None] | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), env={**ENV, **(env or {})})

    return invoke


def test_init_creates_the_default_store(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("db", "init")
    assert result.exit_code == 0, result.output
    assert "sqlite:///guotu.db" in result.stdout and "结构版本" in result.stdout
    assert (tmp_path / "guotu.db").exists()
    again = run("--lang", "en", "db", "init")
    assert again.exit_code == 0 and "schema version" in again.stdout


def test_url_from_the_environment_and_migrate(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'env.db'}"
    missing = run("db", "migrate", env={"GUOTU_DATABASE_URL": url})
    assert missing.exit_code == 3
    assert "[store.schema_missing]" in missing.stderr and "guotu db init" in missing.stderr
    assert run("db", "init", env={"GUOTU_DATABASE_URL": url}).exit_code == 0
    migrated = run("--lang", "en", "db", "migrate", "--url", url)
    assert migrated.exit_code == 0, migrated.output
    assert "up to date" in migrated.stdout


def test_backup_and_restore(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = f"sqlite:///{tmp_path / 'source.db'}"
    with open_store(source, migrate=True) as store:
        store.create_layer("zones", "planning_zones")
        version = store.add_version("zones", squares(50))
    backup = tmp_path / "out" / "guotu-2024.bak"
    backup.parent.mkdir()
    result = run("db", "backup", str(backup), "--url", source)
    assert result.exit_code == 0, result.output
    assert backup.exists() and str(backup) in result.stdout
    twice = run("db", "backup", str(backup), "--url", source)
    assert twice.exit_code == 1 and "[store.backup_exists]" in twice.stderr
    refused = run("db", "restore", str(backup), "--url", source)
    assert refused.exit_code == 1 and "[store.not_empty]" in refused.stderr
    target = f"sqlite:///{tmp_path / 'target.db'}"
    restored = run("db", "restore", str(backup), "--url", target)
    assert restored.exit_code == 0, restored.output
    with open_store(target) as store:
        assert store.get_version("zones").content_hash == version.content_hash
    bad = tmp_path / "bad.bak"
    bad.write_text("not a backup", encoding="utf-8")
    invalid = run("db", "restore", str(bad), "--url", f"sqlite:///{tmp_path / 'other.db'}")
    assert invalid.exit_code == 2 and "[store.backup_invalid]" in invalid.stderr
    assert len(invalid.stderr.strip().splitlines()) == 1


def test_passwords_are_never_printed(run) -> None:  # type: ignore[no-untyped-def]
    result = run("db", "init", "--url", "postgresql://guotu:s3cret-pw@127.0.0.1:1/guotu")
    assert result.exit_code == 3
    assert "[store.connect_failed]" in result.stderr
    assert "s3cret" not in result.output
    unknown = run("db", "init", "--url", "mysql://root:s3cret-pw@localhost/db")
    assert unknown.exit_code == 2 and "s3cret" not in unknown.output


@pytest.mark.postgis
def test_postgis_round_trip(run, postgis_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    reset_postgis(postgis_url)
    assert run("db", "init", "--url", postgis_url).exit_code == 0
    with open_store(postgis_url) as store:
        store.create_layer("lines", "ecological_red_line")
        version = store.add_version("lines", squares(20))
    backup = tmp_path / "pg.dump"
    result = run("db", "backup", str(backup), "--url", postgis_url)
    assert result.exit_code == 0, result.output
    reset_postgis(postgis_url)
    restored = run("db", "restore", str(backup), "--url", postgis_url)
    assert restored.exit_code == 0, restored.output
    with open_store(postgis_url) as store:
        assert store.get_version("lines").content_hash == version.content_hash
