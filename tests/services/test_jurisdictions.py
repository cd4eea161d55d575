"""Built-in jurisdictions into the store, with boundaries from the [boundaries] extra."""

from __future__ import annotations

import shapely

from guotu.domain.jurisdictions import Level
from guotu.services.jurisdictions import list_jurisdictions, load_jurisdictions


def test_load_jurisdictions_with_boundaries(store) -> None:
    counts = load_jurisdictions(store)
    assert counts["jurisdictions"] >= 20 and counts["boundaries"] >= 13
    children = {j.code: j for j in list_jurisdictions(store, "140300")}
    assert {"140302", "140303", "140311", "140321", "140322", "140300-Z01"} <= set(children)
    assert children["140300-Z01"].level is Level.ZONE
    wkb, crs = store.jurisdiction_boundary("140300")
    assert crs == 4490 and shapely.from_wkb(wkb).area > 0
    assert store.jurisdiction_boundary("140300-Z01") is None  # no shipped boundary for a zone
    # Loading again replaces, it does not duplicate.
    load_jurisdictions(store, boundaries=False)
    assert len(list_jurisdictions(store, "140300")) == len(children)
