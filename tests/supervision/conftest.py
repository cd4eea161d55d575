"""Supervision tests: the seed plans, a synthetic year of supply records, both stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.store._data import reset_postgis

from guotu.domain.plan import SupplyPlan
from guotu.services.plans import read_plan
from guotu.store import Store, open_store


@pytest.fixture(params=["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated, empty store of each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'one.db'}"
    else:
        url = request.getfixturevalue("postgis_url")
        reset_postgis(url)
    with open_store(url, migrate=True) as opened:
        yield opened


_PLANS: dict[str, SupplyPlan] = {}


def seed_plan(seed_dir: Path, name: str) -> SupplyPlan:
    """Read a seed plan once per session (the extraction is the plans area's, not ours)."""
    if name not in _PLANS:
        _PLANS[name] = read_plan(seed_dir / f"{name}.txt")
    return _PLANS[name]


@pytest.fixture
def yangquan(seed_dir: Path) -> SupplyPlan:
    """The 阳泉市 2026 supply plan, read from the seed."""
    return seed_plan(seed_dir, "yangquan_2026_supply_plan")


@pytest.fixture
def lianzhou(seed_dir: Path) -> SupplyPlan:
    """The 连州市 2026 supply plan."""
    return seed_plan(seed_dir, "lianzhou_2026_supply_plan")


@pytest.fixture
def bachu(seed_dir: Path) -> SupplyPlan:
    """The 巴楚县 2026 draft supply plan."""
    return seed_plan(seed_dir, "bachu_2026_supply_plan_draft")
