"""Browser tests: Debian's Chromium drives every page of a live server; screenshots go to tests/artifacts/screenshots.

These fail (never skip) when Chromium or Playwright is missing.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import PASSWORD, fill_store

from guotu.services.users import create_user
from guotu.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
SEEDS = Path(__file__).resolve().parents[1] / "data"
AFTER_FILE = SHOTS.parent / "yjjbnt_after.gpkg"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, one_map: dict[str, Any]) -> Iterator[str]:
    import uvicorn

    from guotu.services.plan_versions import save_plan
    from guotu.services.plans import read_plan
    from guotu.web.app import create_app
    from guotu.web.config import WebSettings

    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'b.db'}"
    with open_store(url, migrate=True) as store:
        fill_store(store, one_map)
        create_user(store, "admin1", PASSWORD, role="admin", actor="test")
        save_plan(store, read_plan(SEEDS / "yangquan_2026_supply_plan.txt"), actor="test", status="已公布",
                  effective_date=date(2026, 1, 1))  # fmt: skip
    _write_after(one_map["lines"]["permanent_basic_farmland"])
    app = create_app(WebSettings(database_url=url, secure_cookies=False))
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started:
        assert time.time() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


def _write_after(layer: Any, path: Path = AFTER_FILE) -> Path:
    """The maintained farmland: a corner of the largest feature out (调出), a square added next to it (调入)."""
    import dataclasses

    import numpy as np
    import shapely

    from guotu.io.vector_write import write_vector

    geoms = list(layer.geometries)
    big = int(np.argmax(shapely.area(np.asarray(geoms, dtype=object))))
    x0, y0, x1, y1 = geoms[big].bounds
    w, h = x1 - x0, y1 - y0
    geoms[big] = shapely.difference(geoms[big], shapely.box(x0, y0, x0 + w * 0.4, y0 + h * 0.4))
    bump = shapely.box(x1 - w * 0.05, y0 + h * 0.3, x1 + w * 0.3, y0 + h * 0.6)
    geoms[big] = shapely.union(geoms[big], shapely.difference(bump, shapely.union_all(np.asarray(geoms, dtype=object))))
    after = dataclasses.replace(layer, geometries=np.array(geoms, dtype=object))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_vector(after, path, layer="yjjbnt", overwrite=True)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(executable).exists(), "Debian's chromium is required for the browser tests"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def _login(page: Any, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "admin1")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{base}/")


def _wait_map(page: Any) -> None:
    page.wait_for_function(
        "window.guotuMap && window.guotuMap.loaded() && window.guotuMap.areTilesLoaded()", timeout=30_000
    )
    page.wait_for_timeout(500)


def test_click_through_every_page(server: str, browser: Any) -> None:
    errors: list[str] = []
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, accept_downloads=True, bypass_csp=True, locale="zh-CN"
    )
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(f"{m.text} {m.location} {page.url}") if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{server}/")
    _shot(page, "01_home_public")
    _login(page, server)
    _shot(page, "02_home_admin")

    page.goto(f"{server}/map")
    page.wait_for_selector("#layer-tree input[data-layer]")
    _wait_map(page)
    assert page.locator("#legend .legend-layer").count() >= 1
    _shot(page, "03_map")
    # identify: click the middle of the map
    page.mouse.click(300 + 550, 48 + 350)
    page.wait_for_timeout(300)
    page.click("button[data-table=survey]")
    page.wait_for_selector("#attr-table table")
    _shot(page, "04_map_identify_table")
    # compare two versions of the survey, swipe
    page.select_option("#cmp-layer", "survey")
    page.click("#cmp-swipe")
    page.wait_for_timeout(1500)
    _shot(page, "05_map_swipe")
    page.click("#cmp-side")
    page.wait_for_timeout(1500)
    _shot(page, "06_map_side_by_side")
    page.click("#cmp-off")
    # area statistics for a drawn polygon
    page.click("#draw")
    box = page.locator("#map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-60, -60), (60, -60), (60, 60), (-60, 60)):
        page.mouse.click(cx + dx, cy + dy)
    page.click("#draw-finish")
    page.wait_for_selector("#stats table", timeout=10_000)
    _shot(page, "07_map_area_stats")
    with page.expect_download() as download:
        page.click("#print")
    assert download.value.suggested_filename == "guotu-map.png"

    visits = (
        ("/plans", "08_plans"), ("/maintenance", "11_maintenance"), ("/projects", "13_projects"),
        ("/audit", "16_audit"),
        ("/users", "17_users"), ("/ogc/collections", "18_ogc"), ("/api/docs", "19_api_docs"),
    )  # fmt: skip
    for path, name in visits:
        page.goto(f"{server}{path}")
        page.wait_for_load_state("networkidle")
        _shot(page, name)
    page.goto(f"{server}/plans")
    page.click("table.grid a")
    page.wait_for_selector(".bar-fill")
    _shot(page, "09_plan_detail")
    page.goto(f"{server}/plans")
    page.set_input_files("input[name=document]", str(SEEDS / "lianzhou_2026_supply_plan.txt"))
    page.click("form[action='/plans/import'] button")
    page.wait_for_selector("mark")
    _shot(page, "09b_plan_import")

    public = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True, locale="zh-CN").new_page()
    public.on("pageerror", lambda e: errors.append(str(e)))
    public.goto(f"{server}/public")
    public.fill("textarea[name=text]", "建议增加公园绿地。")
    public.click("#comment-form button")
    public.wait_for_selector("p.ok")
    _shot(public, "14_public")
    public.goto(f"{server}/public/map")
    public.wait_for_selector("#layer-tree input[data-layer]")
    _wait_map(public)
    _shot(public, "14b_public_map")
    page.goto(f"{server}/moderation")
    _shot(page, "15_moderation")
    page.goto(f"{server}/?lang=en")
    _shot(page, "20_home_en")
    assert not errors, errors
    # the map drew something: the canvas is not one flat colour
    page.goto(f"{server}/map")
    _wait_map(page)
    colours = page.evaluate(
        "(() => { const c = window.guotuMap.getCanvas(); const g = document.createElement('canvas');"
        " g.width = 64; g.height = 64; const x = g.getContext('2d'); x.drawImage(c, 0, 0, 64, 64);"
        " const d = x.getImageData(0, 0, 64, 64).data; const s = new Set();"
        " for (let i = 0; i < d.length; i += 4) s.add(d[i] + ',' + d[i+1] + ',' + d[i+2]); return s.size; })()"
    )
    assert colours > 5


def test_workflow_pages_draw_review_and_dashboards(server: str, browser: Any) -> None:
    """Draw a parcel with mouse clicks, review it, see the result; the monitoring dashboard after an import."""
    errors: list[str] = []
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, accept_downloads=True, bypass_csp=True, locale="zh-CN"
    )
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    _login(page, server)
    page.goto(f"{server}/review")
    page.wait_for_selector("#review-map[data-ready=true]", timeout=30_000)
    _wait_map(page)
    page.click("#rv-draw")
    box = page.locator("#review-map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-40, -30), (40, -30), (40, 30), (-40, 30)):
        page.mouse.click(cx + dx, cy + dy)
    page.click("#rv-finish")
    page.fill("input[name=use]", "0701")
    page.select_option("select[name=mode]", "出让")
    page.select_option("select[name=method]", "挂牌")
    page.fill("input[name=far]", "2.0")
    page.fill("input[name=parcel_id]", "BROWSER-001")
    _shot(page, "10_review")
    page.click("#rv-submit")
    page.wait_for_url("**/review/2*", timeout=30_000)
    page.wait_for_selector("#review-result-map[data-ready=true]", timeout=30_000)
    assert page.locator("#conclusion strong").inner_text() in ("符合", "需论证", "不符合")
    assert page.locator("#layer-table tbody tr").count() >= 3
    text = page.locator("#layer-table").inner_text()
    assert "jurisdiction" not in text and "overlap_ha" not in text
    _shot(page, "10b_review_result")
    page.evaluate("window.scrollTo(0, 700)")
    _shot(page, "10c_review_result_tables")
    page.click("#rv-rerun")
    page.wait_for_selector("#rerun-result")
    with page.expect_download() as download:
        page.click("#dl-docx")
    assert download.value.suggested_filename.endswith(".docx")
    page.goto(f"{server}/review")
    assert page.locator("#review-history .concl").count() >= 1
    _shot(page, "10d_review_history")

    # monitoring: import a year of supply records (csv), evaluate, look at the dashboard
    csv = SHOTS.parent / "supply_2026.csv"
    csv.write_text(
        "宗地编号,行政区,面积（公顷）,土地用途,供地方式,出让方式,签订日期\n"
        "B-001,140302,3.5,0701,出让,挂牌,2026-03-02\nB-002,140302,2.0,1001,出让,挂牌,2026-04-11\n"
        "B-003,140303,1.2,0804,划拨,,2026-05-20\n",
        encoding="utf-8",
    )
    page.goto(f"{server}/monitoring?jurisdiction=140300&year=2026")
    page.set_input_files("input[name=records]", str(csv))
    page.click("#supply-import button")
    page.wait_for_selector("#import-result")
    page.locator("#supply-import").scroll_into_view_if_needed()
    _shot(page, "12b_supply_import")
    page.goto(f"{server}/monitoring?jurisdiction=140300&year=2026")
    page.click("form[action='/monitoring/evaluate'] button")
    page.wait_for_selector("#indicators")
    table = page.locator("#indicators").inner_text()
    assert "binding" not in table and "n/a" not in table
    _shot(page, "12_monitoring")
    page.locator("#execution").scroll_into_view_if_needed()
    _shot(page, "12c_monitoring_execution")

    # 动态维护: a change set from an uploaded "after" file (the farmland with a part out and a part in)
    page.goto(f"{server}/maintenance")
    page.wait_for_selector("#maintenance-new")
    page.select_option("select[name=layer]", "yjjbnt")
    page.set_input_files("input[name=after]", str(AFTER_FILE))
    page.click("#maintenance-new button")
    page.wait_for_url("**/maintenance/1*", timeout=30_000)
    page.wait_for_selector("#mt-map[data-ready=true]", timeout=30_000)
    assert page.locator("#mt-stats tbody tr").count() >= 1
    _shot(page, "11b_maintenance_detail")
    page.locator("#mt-items").scroll_into_view_if_needed()
    _shot(page, "11c_maintenance_items")
    page.goto(f"{server}/maintenance")
    _shot(page, "11_maintenance")
    assert not [e for e in errors if "/report" not in e], errors


def test_demo_dashboards_are_not_empty(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> None:
    """The demo store: monitoring, reviews, maintenance and projects pages show the seeded data; English switch."""
    import uvicorn

    from guotu.services.demo import build_demo
    from guotu.web.app import create_app
    from guotu.web.config import WebSettings

    folder = tmp_path_factory.mktemp("demo")
    result = build_demo(folder, survey_polygons=400)
    assert not result.notes, result.notes
    app = create_app(WebSettings(database_url=result.store_url, secure_cookies=False))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    try:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True, locale="zh-CN").new_page()
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", result.password or "")
        page.click("#login-form button[type=submit]")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/monitoring?jurisdiction=140300&year=2026")
        assert page.locator("#execution-table tr.over").count() >= 1
        assert page.locator("#indicators .light-green, #indicators .light-yellow, #indicators .light-red").count() >= 3
        _shot(page, "21_demo_monitoring")
        page.locator("#execution").scroll_into_view_if_needed()
        _shot(page, "21b_demo_execution")
        page.goto(f"{base}/review")
        assert page.locator("#review-history .concl-bad").count() >= 1
        page.click("#review-history .concl-bad >> xpath=ancestor::tr//a")
        page.wait_for_selector("#review-result-map[data-ready=true]", timeout=30_000)
        _shot(page, "22_demo_review_bad")
        page.goto(f"{base}/maintenance/140300-2026-demo")
        page.wait_for_selector("#mt-map[data-ready=true]", timeout=30_000)
        _shot(page, "23_demo_maintenance")
        page.goto(f"{base}/maintenance/140300-2026-01")
        assert "8.2593" in page.locator("#mt-stats").inner_text()
        _shot(page, "23b_demo_maintenance_scheme")
        page.goto(f"{base}/projects")
        assert "564" in page.locator("#reconcile").inner_text()
        _shot(page, "24_demo_projects")
        page.goto(f"{base}/monitoring?lang=en")
        assert "Indicators" in page.content()
        _shot(page, "25_demo_monitoring_en")
        page.goto(f"{base}/review?lang=en")
        page.wait_for_selector("#review-map[data-ready=true]", timeout=30_000)
        _wait_map(page)
        _shot(page, "25b_demo_review_en")
        page.goto(f"{base}/monitoring?jurisdiction=140300&year=2026&parcel=YQ2027-001&lang=zh")
        page.locator("#readiness").scroll_into_view_if_needed()
        assert page.locator("#readiness tbody tr").count() == 6
        _shot(page, "21c_demo_readiness")
        page.goto(f"{base}/?lang=zh")
    finally:
        srv.should_exit = True
        thread.join(10)
