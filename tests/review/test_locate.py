"""A parcel without a district gets it from the jurisdiction boundaries in the store."""

from __future__ import annotations

from datetime import date

import shapely

from guotu.geo.review import to_crs
from guotu.services.jurisdictions import load_jurisdictions
from guotu.services.review import locate_district, review_parcel
from guotu.store import Store


def _square_in(store: Store, code: str, epsg: int) -> shapely.Geometry:
    wkb, crs = store.jurisdiction_boundary(code) or (b"", 0)
    inside = shapely.point_on_surface(shapely.from_wkb(wkb))
    centre = to_crs(inside, crs, epsg)
    return shapely.box(centre.x - 50, centre.y - 50, centre.x + 50, centre.y + 50)


def test_the_district_is_the_smallest_unit_holding_the_parcel(store: Store) -> None:
    load_jurisdictions(store, actor="cli:test")
    parcel = _square_in(store, "140302", 4526)  # 阳泉市城区, in CGCS2000 GK zone 38
    assert locate_district(store, parcel, 4526) == "140302"
    far = shapely.box(500_000, 2_000_000, 500_100, 2_000_100)  # in the South China Sea, zone 38
    assert locate_district(store, far, 4526) is None


def test_review_without_a_district_uses_the_located_one(store: Store) -> None:
    load_jurisdictions(store, actor="cli:test")
    parcel = _square_in(store, "140303", 4526)  # 矿区
    review = review_parcel(
        store, parcel, {"use": "0701", "mode": "出让", "method": "挂牌", "far": "2.0", "year": 2026},
        crs=4526, on=date(2026, 6, 1), save=False,
    )  # fmt: skip
    assert review.attributes.district == "140303"
