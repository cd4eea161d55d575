"""``guotu users`` and the demo builder (``guotu demo``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from guotu.cli.main import app
from guotu.services.users import list_users
from guotu.store import open_store


def test_users_commands(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'u.db'}"
    runner = CliRunner()
    weak = runner.invoke(app, ["users", "create-admin", "root", "--password-stdin", "--db", db], input="admin\n")
    assert weak.exit_code == 2 and "user.password_short" in weak.output
    ok = runner.invoke(app, ["users", "create-admin", "Root", "--password-stdin", "--db", db], input="Str0ng-Admin!\n")
    assert ok.exit_code == 0, ok.output
    dup = runner.invoke(app, ["users", "add", "root", "--role", "viewer", "--password-stdin", "--db", db],
                        input="Str0ng-Admin!\n")  # fmt: skip
    assert dup.exit_code == 1 and "user.exists" in dup.output
    runner.invoke(
        app, ["users", "add", "eve", "--role", "viewer", "--password-stdin", "--db", db], input="Blue-Pass-2026\n"
    )
    assert runner.invoke(app, ["users", "set-role", "eve", "editor", "--db", db]).exit_code == 0
    assert runner.invoke(app, ["users", "disable", "eve", "--db", db]).exit_code == 0
    listed = runner.invoke(app, ["users", "list", "--json", "--db", db])
    assert '"role": "editor"' in listed.output and '"enabled": false' in listed.output and "argon2" not in listed.output
    with open_store(db) as store:
        assert {u.name for u in list_users(store)} == {"Root", "eve"}
        actions = [e.action for e in store.list_audit()]
    assert actions.count("user.create") == 4  # two refused attempts and two accounts
    assert "user.set_role" in actions and "user.disable" in actions


@pytest.mark.slow
def test_demo_store(tmp_path: Path) -> None:
    from guotu.services.demo import build_demo
    from guotu.services.users import authenticate

    result = build_demo(tmp_path, survey_polygons=300)
    assert result.created and result.password and not result.notes, result.notes
    assert {"xzq_140300", "xz_sandiao_140300", "yjjbnt_140300", "ghfq_140300"} <= set(result.layers)
    assert result.plans and result.plans[0].startswith("140300:2026")
    with open_store(result.store_url) as store:
        assert authenticate(store, "admin", result.password).role == "admin"
        assert [v.legal_status.value for v in store.list_versions("yjjbnt_140300")] == ["现行", "在编"]
        # every dashboard has data: supply records (one off plan), saved reviews, indicators, maintenances
        from guotu.services.indicators import history
        from guotu.services.maintenance import list_maintenances
        from guotu.services.review import list_reviews
        from guotu.services.supply import list_records, progress

        records = list_records(store, "140300", 2026)
        assert len(records) > 20 and any(r.plan_category is None for r in records)
        execution = progress(store, "140300", 2026)
        assert any(r.remaining is not None and r.remaining < 0 for r in execution.rows)  # one category over
        conclusions = {r["conclusion"] for r in list_reviews(store)}
        assert "不符合" in conclusions
        if "czkfbj_140300" in result.layers:  # a small survey may have no urban boundary
            assert "符合" in conclusions
        assert store.list_versions("ghfq_140300")  # the zones tile: their import is not blocked
        assert history(store, "140300", year=2026)
        assert len(list_maintenances(store)) >= 1
    again = build_demo(tmp_path)
    assert not again.created and again.password is None
