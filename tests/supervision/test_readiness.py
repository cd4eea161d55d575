"""Readiness before 出让 (净地 / 前期审核): a checklist with evidence; no ready mark while an item is open."""

from __future__ import annotations

import pytest
from tests.supervision.test_plan_versions import ACTOR

from guotu.domain.supply import READINESS_ITEMS
from guotu.errors import ConflictError, InvalidInputError
from guotu.services.audit import list_events
from guotu.services.supply import get_readiness, list_readiness, mark_ready, set_readiness_item
from guotu.store import Store


def test_checklist(store: Store) -> None:
    empty = get_readiness(store, "连州市", "LZ-01")
    assert empty.jurisdiction == "441882" and len(empty.open_items) == 6
    with pytest.raises(ConflictError) as err:
        mark_ready(store, "441882", "LZ-01", actor=ACTOR)
    assert err.value.code == "readiness.items_open"
    with pytest.raises(InvalidInputError) as bad:
        set_readiness_item(store, "441882", "LZ-01", "rights_clear", done=True, evidence=" ", actor=ACTOR)
    assert bad.value.code == "readiness.evidence_required"
    with pytest.raises(InvalidInputError) as bad:
        set_readiness_item(store, "441882", "LZ-01", "风水", done=True, evidence="x", actor=ACTOR)
    assert bad.value.code == "readiness.item_unknown"
    for item in list(READINESS_ITEMS)[:-1]:
        state = set_readiness_item(store, "441882", "LZ-01", item, done=True, evidence=f"证明-{item}", actor=ACTOR)
    assert state.open_items == ("utilities",)
    with pytest.raises(ConflictError):
        mark_ready(store, "441882", "LZ-01", actor=ACTOR)
    assert not get_readiness(store, "441882", "LZ-01").ready
    set_readiness_item(store, "441882", "LZ-01", "utilities", done=True, evidence="供电局函〔2026〕3号", actor=ACTOR)
    ready = mark_ready(store, "441882", "LZ-01", actor=ACTOR)
    assert ready.ready and ready.ready_by == ACTOR
    assert store.get_record("readiness", "441882:LZ-01").status == "ready"
    # reopening an item withdraws the mark
    reopened = set_readiness_item(store, "441882", "LZ-01", "no_disputes", done=False, actor=ACTOR)
    assert not reopened.ready and reopened.open_items == ("no_disputes",)
    assert [r.parcel_id for r in list_readiness(store, "连州市")] == ["LZ-01"]
    outcomes = [e.outcome for e in list_events(store, action_prefix="supply.readiness")]
    assert outcomes.count("failed") == 4
