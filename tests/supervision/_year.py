"""A synthetic year of supply records against the 阳泉市 2026 plan, with known answers.

Plan (公顷, seed): 居住 23.6554 (城区 8.0107, 矿区 4.1516, 郊区 11.4931; binding); 商服 3.6813
(城区 2.4930 ...; binding); 工矿 63.1729 (高新区 34.8735; guiding); 仓储 18.0534 (高新区 11.3580;
guiding); 交通运输 56.1815 (郊区 41.8684; guiding); 公用设施 8.4171 (城区 4.7635; guiding);
total 179.0760.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from guotu.domain.supply import SupplyRecord

CHENGQU, KUANGQU, JIAOQU, GAOXIN = "140302", "140303", "140311", "140300-Z01"


def rec(
    pid: str,
    use: str,
    district: str | None,
    area: str,
    day: date,
    mode: str = "出让",
    method: str | None = "挂牌",
    **kw: object,
) -> SupplyRecord:
    """One record of 阳泉市 2026."""
    return SupplyRecord(
        parcel_id=pid,
        jurisdiction="140300",
        year=2026,
        area_ha=Decimal(area),
        use_code=use,
        mode=mode,
        method=method if mode == "出让" else None,
        supply_date=day,
        district=district,
        **kw,  # type: ignore[arg-type]
    )


YEAR = [
    rec("R01", "070102", CHENGQU, "5.0000", date(2026, 2, 10), housing_type="保障性租赁住房"),
    rec("R02", "1001", GAOXIN, "20.0000", date(2026, 3, 5)),
    rec("R03", "0901", CHENGQU, "2.0000", date(2026, 4, 15), method="拍卖"),
    # S1: commercial land by negotiation; 商服 in 城区 goes over 2.4930 (binding → X3 error)
    rec("R04", "0901", CHENGQU, "1.0000", date(2026, 5, 20), method="协议"),
    # 公用设施 in 城区 over 4.7635 (guiding → X3 warning)
    rec("R05", "1301", CHENGQU, "5.0000", date(2026, 6, 1), mode="划拨"),
    # 仓储 over 18.0534 overall and 11.3580 in 高新区 (guiding → X2 + X3 warnings)
    rec("R06", "1101", GAOXIN, "20.0000", date(2026, 7, 20)),
    # off-plan: the plan has no 特殊用地 (15) → X4 error
    rec("R07", "1501", JIAOQU, "1.0000", date(2026, 8, 3), mode="划拨"),
    # 居住 in 高新区: no layout figure → X4 warning
    rec("R08", "070102", GAOXIN, "1.0000", date(2026, 9, 9), housing_type="商品住房"),
    # 居住 over 23.6554 (binding → X2 error; 郊区 11.4931 → X3 error)
    rec("R09", "070102", JIAOQU, "20.0000", date(2026, 10, 12), housing_type="商品住房"),
    # total over 179.0760 (X1 error); 交通运输 over 56.1815 and 郊区 41.8684 (guiding warnings)
    rec("R10", "1202", JIAOQU, "110.0000", date(2026, 11, 30), mode="划拨"),
]
#: Σ = 185.0000 公顷.
