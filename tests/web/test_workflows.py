"""Pages and API of the workflow services: review a drawn parcel, maintenance, monitoring, projects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.web.conftest import Web

SEEDS = Path(__file__).resolve().parents[1] / "data"


def _drawn(web: Web, client: Any, size: float = 0.01) -> dict[str, Any]:
    coll = client.get("/ogc/collections/survey?f=json").json()
    minx, miny, maxx, maxy = coll["extent"]["spatial"]["bbox"][0]
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ring = [[cx, cy], [cx + size, cy], [cx + size, cy + size], [cx, cy + size], [cx, cy]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_review_a_drawn_parcel(web: Web) -> None:
    client = web.login("reviewer")
    body = {
        "geometry": _drawn(web, client),
        "attributes": {"use": "0701", "mode": "出让", "method": "挂牌", "far": "2.0", "year": 2026},
    }
    r = client.post("/api/reviews", json=body, headers={"X-CSRF-Token": web.token(client)})
    assert r.status_code == 201, r.text[:500]
    review = r.json()
    assert review["conclusion"] and review["layers"]
    page = client.get(f"/review/{review['id']}")
    assert page.status_code == 200 and review["conclusion"] in page.text
    assert review["id"] in client.get("/review").text
    assert any(review["id"] in str(item) for item in client.get("/api/reviews").json()["reviews"])
    # a viewer reads but may not review
    viewer = web.login("viewer")
    assert viewer.get(f"/review/{review['id']}").status_code == 200
    denied = viewer.post("/api/reviews", json=body, headers={"X-CSRF-Token": web.token(viewer)})
    assert denied.status_code == 403


def test_review_of_a_bad_geometry_is_400(web1: Web) -> None:
    client = web1.login("reviewer")
    body = {"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            "attributes": {"use": "0701"}}  # fmt: skip
    r = client.post("/api/reviews", json=body, headers={"X-CSRF-Token": web1.token(client)})
    assert r.status_code == 400 and set(r.json()) == {"code", "message_zh", "message_en"}


def test_workflow_pages_render_without_data(web1: Web) -> None:
    client = web1.login("admin")
    for path in ("/review", "/maintenance", "/monitoring", "/projects", "/api/maintenance", "/api/indicators",
                 "/api/projects"):  # fmt: skip
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:300])


def test_monitoring_evaluate_is_audited(web1: Web) -> None:
    client = web1.login("editor")
    before = len(web1.store.list_audit())
    r = client.post("/monitoring/evaluate", data={"jurisdiction": "140300", "year": "2026",
                                                  "csrf_token": web1.token(client)})  # fmt: skip
    assert r.status_code in (303, 400, 404), r.text[:300]
    assert len(web1.store.list_audit()) > before
    page = client.get("/monitoring?jurisdiction=140300&year=2026")
    assert page.status_code == 200 and "light" in page.text


def test_review_an_uploaded_parcel_file(web1: Web) -> None:
    import json

    client = web1.login("reviewer")
    geometry = _drawn(web1, client, size=0.005)
    collection = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "宗地1"},
                                                              "geometry": geometry}]}  # fmt: skip
    data = json.dumps(collection, ensure_ascii=False).encode()
    form = {"use": "0701", "mode": "出让", "method": "挂牌", "far": "2.0", "year": "2026",
            "csrf_token": web1.token(client)}  # fmt: skip
    r = client.post("/review", files={"parcel": ("parcel.geojson", data, "application/geo+json")}, data=form)
    assert r.status_code == 303, r.text[:500]
    page = client.get(r.headers["location"])
    assert page.status_code == 200 and "审查结论" in page.text
    assert not any(web1.app.state.ctx.upload_dir.glob("*"))
    binary = client.post("/review", files={"parcel": ("parcel.geojson", b"\x00\x01garbage", "application/geo+json")},
                         data=form)  # fmt: skip
    assert binary.status_code == 400


def test_review_report_download_is_audited(web1: Web) -> None:
    client = web1.login("reviewer")
    body = {"geometry": _drawn(web1, client), "attributes": {"use": "0701", "mode": "出让", "method": "挂牌"}}
    review = client.post("/api/reviews", json=body, headers={"X-CSRF-Token": web1.token(client)}).json()
    r = client.get(f"/review/{review['id']}/report.docx")
    assert r.status_code == 200, r.text[:300]
    assert r.content[:2] == b"PK" and "attachment" in r.headers["content-disposition"]
    assert web1.store.list_audit()[-1].action == "review.report_download"
    assert not any(web1.app.state.ctx.upload_dir.glob("*"))


def test_maintenance_pages_on_the_seed_scheme(web1: Web) -> None:
    from guotu.services.maintenance import list_maintenances, record_scheme

    record_scheme(web1.store, actor="test")
    key = list_maintenances(web1.store)[0].key
    client = web1.login("viewer")
    assert key in client.get("/maintenance").text
    detail = client.get(f"/maintenance/{key}")
    assert detail.status_code == 200 and "8.2593" in detail.text
    report = client.get(f"/maintenance/{key}/report.docx")
    assert report.status_code == 200 and report.content[:2] == b"PK"


def test_review_result_page_map_and_rerun(web: Web) -> None:
    client = web.login("reviewer")
    body = {"geometry": _drawn(web, client), "attributes": {"use": "0701", "mode": "出让", "method": "挂牌"}}
    review = client.post("/api/reviews", json=body, headers={"X-CSRF-Token": web.token(client)}).json()
    page = client.get(f"/review/{review['id']}").text
    for label in ("占用面积（公顷）", "占用面积（亩）", "占宗地比例", "规则编号", "法律依据", "重新审查"):
        assert label in page, label
    assert "overlap_ha" not in page and "relation_zh" not in page  # no raw keys
    geo = client.get(f"/api/reviews/{review['id']}/map").json()
    roles = {f["properties"]["role"] for f in geo["features"]}
    assert geo["type"] == "FeatureCollection" and "parcel" in roles and len(geo["bbox"]) == 4
    before = len(web.store.list_audit())
    r = client.post(f"/review/{review['id']}/rerun", data={"csrf_token": web.token(client)})
    assert r.status_code == 303 and r.headers["location"].endswith("?rerun=same")
    assert web.store.list_audit()[-1].action == "review.rerun" and len(web.store.list_audit()) == before + 1
    assert "结果与存档一致" in client.get(r.headers["location"]).text
    english = client.get(f"/review/{review['id']}?lang=en").text
    assert "Overlap (ha)" in english and "Legal source" in english


def test_review_form_without_parcel_is_400(web1: Web) -> None:
    client = web1.login("reviewer")
    r = client.post("/review", data={"use": "0701", "csrf_token": web1.token(client)})
    assert r.status_code == 400 and "请在地图上绘制宗地" in r.text


def test_supply_import_page_all_or_nothing(web1: Web, tmp_path: Path) -> None:
    from datetime import date

    from guotu.services.plan_versions import save_plan
    from guotu.services.plans import read_plan
    from guotu.services.supply import list_records

    save_plan(web1.store, read_plan(SEEDS / "yangquan_2026_supply_plan.txt"), actor="test", status="已公布",
              effective_date=date(2026, 1, 1))  # fmt: skip
    client = web1.login("editor")
    head = "宗地编号,行政区,面积（公顷）,土地用途,供地方式,出让方式,签订日期\n"
    bad = head + "A-1,140302,2.0,0701,出让,挂牌,2026-03-02\nA-2,140302,-1,0701,出让,挂牌,2026-03-02\n"
    r = client.post("/monitoring/supply-import", files={"records": ("s.csv", bad.encode(), "text/csv")},
                    data={"jurisdiction": "140300", "year": "2026", "csrf_token": web1.token(client)})  # fmt: skip
    assert r.status_code == 200 and 'id="import-result"' in r.text and "写入 0 条" in r.text
    assert list_records(web1.store, "140300", 2026) == []
    good = head + "A-1,140302,2.0,0701,出让,挂牌,2026-03-02\nA-2,140302,1.5,1001,出让,挂牌,2026-04-02\n"
    r = client.post("/monitoring/supply-import", files={"records": ("s.csv", good.encode(), "text/csv")},
                    data={"jurisdiction": "140300", "year": "2026", "csrf_token": web1.token(client)})  # fmt: skip
    assert r.status_code == 200 and "写入 2 条" in r.text
    assert len(list_records(web1.store, "140300", 2026)) == 2
    page = client.get("/monitoring?jurisdiction=140300&year=2026").text
    for label in ("类别", "区县", "计划（公顷）", "已供应（公顷）", "剩余（公顷）", "完成率", '<svg class="bars"'):
        assert label in page, label
    assert "by_quarter" not in page and "plan_version" not in page
    viewer = web1.login("viewer")
    denied = viewer.post("/monitoring/supply-import", files={"records": ("s.csv", good.encode(), "text/csv")},
                         data={"csrf_token": web1.token(viewer)})  # fmt: skip
    assert denied.status_code == 403


def test_maintenance_from_an_uploaded_after_file(web1: Web, one_map: dict[str, Any], tmp_path: Path) -> None:
    from tests.web.test_browser import _write_after

    after = _write_after(one_map["lines"]["permanent_basic_farmland"], tmp_path / "after.gpkg")
    client = web1.login("editor")
    r = client.post(
        "/maintenance/new", files={"after": ("after.gpkg", after.read_bytes(), "application/geopackage+sqlite3")},
        data={"layer": "yjjbnt", "title": "测试维护", "year": "2026", "csrf_token": web1.token(client)},
    )  # fmt: skip
    assert r.status_code == 303, r.text[:300]
    page = client.get(r.headers["location"]).text
    for label in ("维护前", "调出", "调入", "维护后", "平衡校核", "永久基本农田", "维护编号"):
        assert label in page, label
    assert "批准日期" not in page  # an editor drafts; a reviewer approves
    assert "批准日期" in web1.login("reviewer").get(r.headers["location"]).text
    key = r.headers["location"].rsplit("/", 1)[1]
    geo = client.get(f"/api/maintenance/{key}/map").json()
    assert {"before", "removed", "added"} <= {f["properties"]["role"] for f in geo["features"]}


def test_projects_import_and_reconciliation(web1: Web) -> None:
    from guotu.services.maintenance import record_scheme

    record_scheme(web1.store, actor="test")
    client = web1.login("editor")
    rows = ["项目编号,项目名称,项目状态,上图方式"]
    n = 0
    for status, count in (("实施", 118), ("延续", 229), ("撤销", 22), ("更新", 15), ("新增", 180)):
        for i in range(count):
            n += 1
            rows.append(f"XM{n:04d},项目{n},{status},{'示意上图' if i % 2 else '增补清单'}")
    data = ("\n".join(rows) + "\n").encode()
    r = client.post("/projects/import", files={"projects_file": ("p.csv", data, "text/csv")},
                    data={"jurisdiction": "140300", "year": "2026", "csrf_token": web1.token(client)})  # fmt: skip
    assert r.status_code == 303, r.text[:300]
    page = client.get("/projects?jurisdiction=140300&year=2026").text
    assert 'id="reconcile"' in page and "564 = 实施 118 + 延续 229 + 撤销 22 + 更新 15 + 新增 180" in page
    assert "一致" in page and "by_status_mode" not in page
