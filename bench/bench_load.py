"""The guotu web app under load (issues 7 and 8): 50 staff + 200 public users at 1×, 2×, 4×, and pygeoapi.

What it does (loopback only, bounded in time: about 6 minutes with the defaults):

1. builds the demo store (``guotu.services.demo.build_demo``: 阳泉市, the synthetic one map,
   the seed plans) in the embedded store (SQLite) and, with ``--postgis-url`` (``auto``
   starts a throwaway PostgreSQL/PostGIS cluster as the tests do), in PostGIS too, plus
   a few staff accounts;
2. for each store: runs ``guotu serve --workers N`` and drives it with locust
   (``bench/locustfile.py``, headless, as a subprocess) at 1×, 2× and 4× the nominal
   load (50 staff + 200 public users; staff sign in, view pages, the map and its vector
   tiles, OGC API Features items with a bbox, measure areas; the public views pages,
   the map, items, a plan, and submits comments); reports p50/p95/p99, requests/s and
   errors per level, split into clean ``503 server.busy`` answers and real errors;
3. after each level checks that the server recovered (a page and an OGC request answer
   200), that no worker process died or was replaced, and that no write was lost or
   half-done: every comment the client saw accepted (201) is in the store with its
   ``comment.submit`` audit event, none refused with 503 is; the audit chain verifies;
4. runs the same OGC API Features requests (items with a bbox, single items; locust
   ``OgcUser``) against guotu on PostGIS and against pygeoapi 0.21 (its PostgreSQL
   provider over a plain table with the same features, in the same database; served by
   uvicorn with the same number of workers) and prints the ratio of throughput and p95.

Usage::

    .venv/bin/python bench/bench_load.py --postgis-url auto            # everything (~6 min)
    .venv/bin/python bench/bench_load.py --duration 60 --postgis-url auto   # 60 s per level (~10 min)
    .venv/bin/python bench/bench_load.py --levels 1 --skip-pygeoapi   # quick, embedded store only

pygeoapi's PostgreSQL provider needs ``psycopg2-binary`` and ``geoalchemy2`` (not guotu
dependencies): ``.venv/bin/pip install psycopg2-binary geoalchemy2``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
STAFF_PASSWORD = "Bench-Load-2026!x"
SURVEY = "xz_sandiao_140300"
OGC_LAYERS = (SURVEY, "yjjbnt_140300", "ghfq_140300", "czkfbj_140300")  # those the demo has
NOMINAL_STAFF = 50
NOMINAL_PUBLIC = 200


# ---------------------------------------------------------------- small helpers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_get(url: str, timeout: float = 10.0) -> tuple[int, bytes]:
    """GET on loopback; (status, body), status 0 when the connection failed."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return int(r.status), r.read()
    except urllib.error.HTTPError as err:
        return int(err.code), err.read()
    except (OSError, urllib.error.URLError):
        return 0, b""


def wait_up(url: str, proc: subprocess.Popen[bytes], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode} before answering {url}")
        if http_get(url, 2.0)[0] == 200:
            return
        time.sleep(0.3)
    raise SystemExit(f"server did not answer {url} within {seconds:.0f} s")


def children(pid: int) -> set[int]:
    """PIDs of the direct children of ``pid`` (the uvicorn worker processes)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.add(int(stat.parent.name))
    return found


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server we started (its own process group, by its id)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


# ---------------------------------------------------------------- the stores


def build_store(url: str, folder: Path, n_accounts: int) -> dict[str, Any]:
    """The demo data in the store at ``url`` (the demo builder, pointed at that store) + staff accounts."""
    from guotu.services import demo, users
    from guotu.services.layers import open_store
    from guotu.services.users import create_user

    real_open = demo.open_store
    if not url.startswith("sqlite:"):
        demo.open_store = lambda _url=None, **kw: real_open(url, **kw)  # type: ignore[assignment]
    try:
        result = demo.build_demo(folder)
    finally:
        demo.open_store = real_open  # type: ignore[assignment]
    store_url = url if not url.startswith("sqlite:") else result.store_url
    accounts = []
    # One account per staff user (people do not share accounts; concurrent logins of one account
    # can conflict). Hashing the same password 200 times would take a minute: hash it once.
    real_hasher = users._hasher
    known = real_hasher().hash(STAFF_PASSWORD)

    class _OnceHasher:
        def hash(self, password: str) -> str:
            return known if password == STAFF_PASSWORD else str(real_hasher().hash(password))

    users._hasher = _OnceHasher  # type: ignore[assignment]
    try:
        with open_store(store_url) as store:
            for i in range(n_accounts):
                role = ("viewer", "reviewer", "editor")[i % 3]
                name = f"bench{i:03d}"
                create_user(store, name, STAFF_PASSWORD, role=role, actor="bench:load")
                accounts.append([name, STAFF_PASSWORD])
    finally:
        users._hasher = real_hasher  # type: ignore[method-assign]
    return {"url": store_url, "accounts": accounts, "plans": result.plans, "seconds": result.seconds}


def lonlat_to_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def first_xy(coords: Any) -> tuple[float, float]:
    """The first position of GeoJSON coordinates."""
    while isinstance(coords[0], list):
        coords = coords[0]
    return float(coords[0]), float(coords[1])


def targets(base: str, built: dict[str, Any], seed: int = 11) -> dict[str, Any]:
    """What the users request: collections, boxes, tiles, plans (read from the running server)."""
    rng = random.Random(seed)
    status, body = http_get(f"{base}/ogc/collections?f=json", 30)
    if status != 200:
        raise SystemExit(f"/ogc/collections answered {status}")
    extents = {c["id"]: c["extent"]["spatial"]["bbox"][0] for c in json.loads(body)["collections"] if "extent" in c}
    w, s, e, n = extents[SURVEY]
    status, body = http_get(f"{base}/ogc/collections/{SURVEY}/items?f=json&limit=1000", 30)
    found = json.loads(body)["features"] if status == 200 else []
    ids = [f["id"] for f in found]
    centres = [first_xy(f["geometry"]["coordinates"]) for f in found if f.get("geometry")]
    centres = centres or [((w + e) / 2, (s + n) / 2)]
    boxes = []
    for _ in range(60):  # a map window around a feature: 3–12 km
        size = rng.uniform(0.03, 0.12)
        cx, cy = rng.choice(centres)
        x0, y0 = cx - rng.uniform(0, size), cy - rng.uniform(0, size)
        boxes.append(f"{x0:.5f},{y0:.5f},{x0 + size:.5f},{y0 + size:.5f}")
    tiles, home = [], []
    layers = [c for c in OGC_LAYERS if c in extents]
    for layer in layers[:2]:  # the map's opening view: the whole city at zoom 10, the first two layers
        x0, y1 = lonlat_to_tile(w, s, 10)
        x1, y0 = lonlat_to_tile(e, n, 10)
        home += [[layer, 10, x, y] for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    for layer in layers:
        lw, ls, le, ln = extents[layer]
        for z in (9, 10, 11, 12, 13):
            x0, y1 = lonlat_to_tile(lw, ls, z)
            x1, y0 = lonlat_to_tile(le, ln, z)
            for _ in range(8):
                tiles.append([layer, z, rng.randint(x0, max(x0, x1 - 2)), rng.randint(y0, max(y0, y1 - 1))])
    status, body = http_get(f"{base}/api/public/plans", 30)
    public = [p["key"] for p in json.loads(body)["plans"]] if status == 200 else []
    return {
        "survey": SURVEY,
        "ogc_collections": layers,
        "boxes": boxes,
        "tiles": tiles,
        "home_tiles": home,
        "plans": built["plans"] or public,
        "public_plans": public,
        "staff_accounts": built["accounts"],
        "ogc_prefix": "/ogc",
        "ogc_collection": SURVEY,
        "item_ids": rng.sample(ids, min(200, len(ids))),
        "extent": extents[SURVEY],
    }


# ---------------------------------------------------------------- locust


def run_locust(
    host: str, cfg_path: Path, users: int, rate: float, seconds: int, classes: list[str], prefix: Path,
    writes: Path | None = None,
) -> dict[str, Any]:  # fmt: skip
    env = dict(os.environ, GUOTU_BENCH_CONFIG=str(cfg_path))
    if writes is not None:
        env["GUOTU_BENCH_WRITES"] = str(writes)
    ramp = math.ceil(users / rate)
    cmd = [
        str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        "-u", str(users), "-r", str(rate), "-t", f"{ramp + seconds}s", "--reset-stats", "--stop-timeout", "10",
        "--host", host, "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR", *classes,
    ]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=ramp + seconds + 120)
    elapsed = time.perf_counter() - started
    return parse_csv(prefix, elapsed)


def parse_csv(prefix: Path, elapsed: float) -> dict[str, Any]:
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        raise SystemExit(f"locust wrote no statistics ({stats_file})")
    rows = list(csv.DictReader(stats_file.open(encoding="utf-8")))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    by_name = {r["Name"]: r for r in rows if r["Name"] != "Aggregated"}
    busy = errors = 0
    kinds: dict[str, int] = {}
    fail_file = Path(f"{prefix}_failures.csv")
    if fail_file.exists():
        for r in csv.DictReader(fail_file.open(encoding="utf-8")):
            n = int(r["Occurrences"])
            if "503 busy" in r["Error"]:
                busy += n
            else:
                errors += n
                kinds[r["Error"][:60]] = kinds.get(r["Error"][:60], 0) + n
    count = int(total["Request Count"])
    rps = float(total["Requests/s"])

    def ms(key: str) -> float:
        return float(total[key]) if total[key] not in ("", "N/A") else float("nan")

    return {
        "requests": count,
        "rps": rps,
        "ok_rps": rps * (count - busy - errors) / count if count else 0.0,
        "p50": ms("50%"),
        "p95": ms("95%"),
        "p99": ms("99%"),
        "busy": busy,
        "errors": errors,
        "error_kinds": kinds,
        "by_name": {k: (int(v["Request Count"]), int(v["Failure Count"])) for k, v in by_name.items()},
        "elapsed": elapsed,
    }


# ---------------------------------------------------------------- checks after a level


def check_writes(url: str, writes: Path) -> dict[str, Any]:
    """Every comment the clients saw accepted is stored with its audit event; none refused is."""
    from guotu.services import audit, consultation
    from guotu.services.layers import open_store

    outcomes: dict[str, int] = {}
    if writes.exists():
        for line in writes.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                outcomes[item["text"]] = int(item["status"])
    with open_store(url) as store:
        stored = {c.text: c.key for c in consultation.list_comments(store, limit=10**9)}
        events = audit.list_events(store, limit=10**7, action_prefix="comment.submit")
        chain = audit.verify(store)
    ok_targets = {e.target for e in events if e.outcome == "ok"}
    accepted = [t for t, s in outcomes.items() if s == 201]
    refused = [t for t, s in outcomes.items() if s == 503]
    other = [t for t, s in outcomes.items() if s not in (201, 503)]
    lost = [t for t in accepted if t not in stored or f"comment:{stored[t]}" not in ok_targets]
    phantom = [t for t in refused if t in stored]
    unaudited = [k for k in stored.values() if f"comment:{k}" not in ok_targets]
    return {
        "accepted": len(accepted), "refused": len(refused), "other": len(other), "lost": len(lost),
        "phantom": len(phantom), "unaudited": len(unaudited), "chain_ok": chain.ok, "events": chain.events,
    }  # fmt: skip


def recovered(base: str, seconds: float = 30.0) -> float | None:
    """Seconds until a page and an OGC request both answer 200 again (None: not within ``seconds``)."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if http_get(f"{base}/public")[0] == 200 and http_get(f"{base}/ogc/collections?f=json")[0] == 200:
            return time.monotonic() - started
        time.sleep(0.5)
    return None


# ---------------------------------------------------------------- the runs


def serve_guotu(url: str, workers: int, work: Path, label: str, max_concurrency: int | None) -> tuple[Any, str]:
    port = free_port()
    env = dict(os.environ, GUOTU_WEB_SECURE_COOKIES="false")
    if max_concurrency:
        env["GUOTU_WEB_MAX_CONCURRENCY"] = str(max_concurrency)
    cmd = [str(VENV_BIN / "guotu"), "serve", "--host", "127.0.0.1", "--port", str(port), "--store", url,
           "--workers", str(workers)]  # fmt: skip
    proc = start(cmd, env, work / f"serve-{label}.log")
    base = f"http://127.0.0.1:{port}"
    wait_up(f"{base}/ogc?f=json", proc)
    return proc, base


def load_levels(label: str, built: dict[str, Any], args: argparse.Namespace, work: Path) -> dict[str, Any]:
    proc, base = serve_guotu(built["url"], args.workers, work, label, args.max_concurrency)
    out: dict[str, Any] = {"levels": {}, "proc": proc, "base": base}
    try:
        cfg = targets(base, built)
        cfg_path = work / f"targets-{label}.json"
        cfg_path.write_text(json.dumps(cfg), encoding="utf-8")
        out["cfg"] = cfg
        workers_before = children(proc.pid)
        print(f"\n## {label}: guotu serve --workers {args.workers} ({len(workers_before)} child processes), {base}")
        for level in args.levels:
            users = level * (args.staff + args.public)
            writes = work / f"writes-{label}-{level}.jsonl"
            res = run_locust(
                base, cfg_path, users, max(1.0, users / args.ramp), args.duration, ["StaffUser", "PublicUser"],
                work / f"{label}-{level}x", writes,
            )  # fmt: skip
            res["recovery_s"] = recovered(base)
            res["alive"] = proc.poll() is None
            res["workers_same"] = children(proc.pid) == workers_before
            res["writes"] = check_writes(built["url"], writes)
            res["users"] = users
            out["levels"][level] = res
            w = res["writes"]
            print(
                f"  {level}× ({users} users): {res['requests']} requests, {res['rps']:.1f} req/s "
                f"({res['ok_rps']:.1f} answered 2xx), "
                f"p50 {res['p50']:.0f} / p95 {res['p95']:.0f} / p99 {res['p99']:.0f} ms, "
                f"503 busy {res['busy']}, other errors {res['errors']} {res['error_kinds'] or ''}; "
                f"recovered in {res['recovery_s'] if res['recovery_s'] is None else round(res['recovery_s'], 1)} s, "
                f"server alive {res['alive']}, same workers {res['workers_same']}; comments accepted {w['accepted']}, "
                f"refused {w['refused']}, lost {w['lost']}, phantom {w['phantom']}, unaudited {w['unaudited']}, "
                f"audit chain ok {w['chain_ok']} ({w['events']} events)",
                flush=True,
            )
    except BaseException:
        stop(proc)
        raise
    return out


def ogc_run(host: str, cfg: dict[str, Any], args: argparse.Namespace, work: Path, label: str) -> dict[str, Any]:
    cfg_path = work / f"ogc-{label}.json"
    cfg_path.write_text(json.dumps(cfg), encoding="utf-8")
    rate = max(1.0, args.ogc_users / 2)
    return run_locust(host, cfg_path, args.ogc_users, rate, args.ogc_duration, ["OgcUser"], work / f"ogc-{label}")


def plain_table(store_url: str, pg_url: str) -> int:
    """The survey's published version as a plain PostGIS table ``public.bench_survey`` (lon/lat, SRID 4326).

    The coordinates are guotu's EPSG:4490 output (CGCS2000 lon/lat) unchanged; the table says SRID 4326
    because pygeoapi's PostgreSQL provider, given ``storage_crs`` EPSG:4490, applies that CRS's official
    lat/lon axis order to PostGIS's lon/lat and swaps the axes (bbox queries then find nothing).
    """
    import psycopg
    import shapely

    from guotu.geo.crs import get_transformer
    from guotu.services.layers import open_store

    with open_store(store_url) as store:
        versions = [v for v in store.list_versions(SURVEY) if v.legal_status.value == "现行"]
        data = store.read_features(SURVEY, versions[-1].version)
    tr = get_transformer(data.crs, 4490)
    geoms = shapely.transform(data.geometries, tr.transform, interleaved=False)
    fields = list(data.fields)
    cols = ", ".join(f'"{f.lower()}" text' for f in fields)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS public.bench_survey")
        conn.execute(f"CREATE TABLE public.bench_survey (fid text PRIMARY KEY, {cols}, geom geometry(Geometry, 4326))")
        names = ", ".join(f'"{f.lower()}"' for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        with conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO public.bench_survey (fid, {names}, geom) VALUES (%s, {marks}, ST_GeomFromWKB(%s, 4326))",
                [
                    (fid, *[None if a.get(f) is None else str(a.get(f)) for f in fields], shapely.to_wkb(g))
                    for fid, a, g in zip(data.feature_ids, data.attributes, geoms, strict=True)
                ],
            )
        conn.execute("CREATE INDEX ON public.bench_survey USING gist (geom)")
        conn.execute("ANALYZE public.bench_survey")
    return len(data)


def serve_pygeoapi(pg_url: str, extent: list[float], workers: int, work: Path) -> tuple[Any, str]:
    from urllib.parse import urlparse

    u = urlparse(pg_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = {
        "server": {
            "bind": {"host": "127.0.0.1", "port": port},
            "url": base,
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "languages": ["en-US"],
            "limits": {"default_items": 10, "max_items": 1000},
            "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": "none (bench)"},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": "bench", "description": "guotu load benchmark", "keywords": ["bench"],
                "keywords_type": "theme", "terms_of_service": "none", "url": base,
            },
            "license": {"name": "none", "url": base},
            "provider": {"name": "bench", "url": base},
            "contact": {"name": "bench", "position": "bench", "address": "x", "city": "x", "stateorprovince": "x",
                        "postalcode": "x", "country": "CN", "phone": "x", "fax": "x", "email": "x@example.org",
                        "url": base, "hours": "x", "instructions": "x", "role": "pointOfContact"},
        },
        "resources": {
            SURVEY: {
                "type": "collection", "title": "survey", "description": "the same features as guotu's",
                "keywords": ["survey"],
                "extents": {"spatial": {"bbox": extent, "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
                "providers": [{
                    "type": "feature", "name": "PostgreSQL",
                    "data": {"host": u.hostname, "port": u.port, "dbname": u.path.lstrip("/"),
                             "user": u.username or "postgres", "password": u.password or "",
                             "search_path": ["public"]},
                    "id_field": "fid", "table": "bench_survey", "geom_field": "geom",
                    "storage_crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
                }],
            }
        },
    }  # fmt: skip
    import yaml

    cfg_file = work / "pygeoapi.yml"
    cfg_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    openapi = work / "pygeoapi-openapi.yml"
    env = dict(os.environ, PYGEOAPI_CONFIG=str(cfg_file), PYGEOAPI_OPENAPI=str(openapi))
    gen = subprocess.run(
        [str(VENV_BIN / "pygeoapi"), "openapi", "generate", str(cfg_file), "--output-file", str(openapi)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if gen.returncode != 0:
        raise SystemExit(f"pygeoapi openapi generate failed: {gen.stderr[-800:]}")
    cmd = [str(VENV_BIN / "python"), "-m", "uvicorn", "pygeoapi.starlette_app:APP", "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    proc = start(cmd, env, work / "pygeoapi.log")
    wait_up(f"{base}/collections/{SURVEY}?f=json", proc)
    return proc, base


def matched(base: str, prefix: str, boxes: list[str]) -> list[int | None]:
    """numberMatched of the survey in each box (the same data on both servers; also warms them up)."""
    out: list[int | None] = []
    for box in boxes:
        status, body = http_get(f"{base}{prefix}/collections/{SURVEY}/items?f=json&limit=100&bbox={box}", 60)
        out.append(json.loads(body).get("numberMatched") if status == 200 else None)
    return out


def combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The rounds of one server together: requests and errors summed, rates and percentiles averaged."""
    out = {k: sum(r[k] for r in runs) for k in ("requests", "busy", "errors")}
    out.update({k: sum(r[k] for r in runs) / len(runs) for k in ("rps", "ok_rps", "p50", "p95", "p99")})
    return out


def compare(guotu: dict[str, Any], pg_url: str, built: dict[str, Any], args: argparse.Namespace, work: Path) -> None:
    cfg = dict(guotu["cfg"])
    print(f"\n## OGC API Features: guotu vs pygeoapi {pygeoapi_version()} ({args.ogc_users} users, "
          f"{args.ogc_rounds} alternating rounds of {args.ogc_duration} s each, {args.workers} workers each, "
          "same PostGIS database)")  # fmt: skip
    ours = matched(guotu["base"], "/ogc", cfg["boxes"][:6])
    n = plain_table(built["url"], pg_url)
    proc, base = serve_pygeoapi(pg_url, cfg["extent"], args.workers, work)
    runs: dict[str, list[dict[str, Any]]] = {"guotu": [], "pygeoapi": []}
    try:
        theirs_matched = matched(base, "", cfg["boxes"][:6])
        for i in range(args.ogc_rounds):  # alternating, so that a change in the machine's load hits both
            runs["guotu"].append(ogc_run(guotu["base"], cfg, args, work, f"guotu-{i}"))
            # the same requests: same boxes, ids, limit; pygeoapi serves the collection at its root
            runs["pygeoapi"].append(ogc_run(base, dict(cfg, ogc_prefix=""), args, work, f"pygeoapi-{i}"))
    finally:
        stop(proc)
    print(
        f"  plain table public.bench_survey: {n} features; numberMatched in 6 boxes: guotu {ours}, "
        f"pygeoapi {theirs_matched}{'' if ours == theirs_matched else ' (DIFFERENT)'}"
    )
    for name, rounds in runs.items():
        for i, r in enumerate(rounds):
            print(f"    round {i + 1} {name:9s}: {r['rps']:.1f} req/s, p95 {r['p95']:.0f} ms")
    mine, theirs = combine(runs["guotu"]), combine(runs["pygeoapi"])
    for name, r in (("guotu", mine), ("pygeoapi", theirs)):
        print(f"  {name:9s}: {r['requests']} requests, {r['rps']:.1f} req/s, p50 {r['p50']:.0f} / p95 "
              f"{r['p95']:.0f} / p99 {r['p99']:.0f} ms, errors {r['errors'] + r['busy']}")  # fmt: skip
    ratio_rps = mine["rps"] / theirs["rps"] if theirs["rps"] else float("nan")
    ratio_p95 = mine["p95"] / theirs["p95"] if theirs["p95"] else float("nan")
    print(f"  ratio guotu/pygeoapi: throughput ×{ratio_rps:.2f}, p95 ×{ratio_p95:.2f} (lower p95 is better)")
    guotu["compare"] = {"guotu": mine, "pygeoapi": theirs, "ratio_rps": ratio_rps, "ratio_p95": ratio_p95}


def pygeoapi_version() -> str:
    try:
        import pygeoapi

        return str(pygeoapi.__version__)
    except ImportError:
        return "(not installed)"


def summary(results: dict[str, dict[str, Any]]) -> None:
    print("\n## Summary (ms; busy = clean 503 server.busy; errors = anything else)")
    head = f"{'store':8s} {'load':>4s} {'users':>5s} {'req/s':>7s} {'ok/s':>6s} {'p50':>6s} {'p95':>6s} {'p99':>6s} "
    print(head + f"{'requests':>8s} {'busy':>6s} {'errors':>6s} {'recov s':>7s} {'lost':>4s}")
    for label, res in results.items():
        for level, r in res["levels"].items():
            rec = "-" if r["recovery_s"] is None else f"{r['recovery_s']:.1f}"
            print(
                f"{label:8s} {level:>3d}× {r['users']:>5d} {r['rps']:>7.1f} {r['ok_rps']:>6.1f} {r['p50']:>6.0f} "
                f"{r['p95']:>6.0f} "
                f"{r['p99']:>6.0f} {r['requests']:>8d} {r['busy']:>6d} {r['errors']:>6d} {rec:>7s} "
                f"{r['writes']['lost'] + r['writes']['phantom']:>4d}"
            )
        if "compare" in res:
            c = res["compare"]
            print(f"{'':8s} OGC only: guotu {c['guotu']['rps']:.1f} req/s p95 {c['guotu']['p95']:.0f} ms; pygeoapi "
                  f"{c['pygeoapi']['rps']:.1f} req/s p95 {c['pygeoapi']['p95']:.0f} ms; ratio throughput "
                  f"×{c['ratio_rps']:.2f}, p95 ×{c['ratio_p95']:.2f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgis-url", help="PostgreSQL/PostGIS URL of a scratch database, or 'auto'")
    parser.add_argument("--skip-sqlite", action="store_true", help="do not load the embedded store")
    parser.add_argument("--skip-pygeoapi", action="store_true", help="no comparison with pygeoapi")
    parser.add_argument("--workers", type=int, default=3, help="server worker processes (guotu and pygeoapi)")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 2, 4], help="multiples of the nominal load")
    parser.add_argument("--staff", type=int, default=NOMINAL_STAFF, help="staff users at 1×")
    parser.add_argument("--public", type=int, default=NOMINAL_PUBLIC, help="public users at 1×")
    parser.add_argument("--duration", type=int, default=30, help="seconds per level")
    parser.add_argument(
        "--ramp", type=float, default=10.0, help="seconds to start all users (not measured: stats reset after)"
    )
    parser.add_argument("--ogc-users", type=int, default=32, help="users of the OGC comparison")
    parser.add_argument("--ogc-duration", type=int, default=20, help="seconds per OGC comparison round")
    parser.add_argument("--ogc-rounds", type=int, default=2, help="alternating rounds per server")
    parser.add_argument("--max-concurrency", type=int, help="GUOTU_WEB_MAX_CONCURRENCY of the server")
    parser.add_argument("--keep", type=Path, help="keep the work files (CSV, logs) in this directory")
    args = parser.parse_args()
    if not shutil.which(str(VENV_BIN / "locust")):
        raise SystemExit("locust is not installed in this environment")
    started = time.perf_counter()
    print(
        f"guotu load benchmark — {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; nominal load "
        f"{args.staff} staff + {args.public} public users; levels {args.levels}; {args.duration} s per level"
    )
    server = None
    pg_url = args.postgis_url
    if pg_url == "auto":
        # by file: pygeoapi installs a top-level ``tests`` package that shadows the checkout's
        import importlib.util

        spec = importlib.util.spec_from_file_location("guotu_tests_pg", ROOT / "tests" / "pg.py")
        assert spec is not None and spec.loader is not None
        pg = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = pg
        spec.loader.exec_module(pg)
        server = pg.start_server()
        pg_url = server.url
        print(f"PostGIS: started a throwaway cluster ({pg_url.split('@')[-1]})")
    work = Path(tempfile.mkdtemp(prefix="guotu-load-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    try:
        stores: list[tuple[str, str]] = []
        if not args.skip_sqlite:
            stores.append(("sqlite", f"sqlite:///{work / 'sqlite' / 'guotu-demo.db'}"))
        if pg_url:
            stores.append(("postgis", pg_url))
        for label, url in stores:
            t = time.perf_counter()
            built = build_store(url, work / label, max(args.levels) * args.staff)
            print(f"{label}: demo store built in {time.perf_counter() - t:.1f} s ({built['plans']})")
            res = load_levels(label, built, args, work)
            results[label] = res
            if label == "postgis" and not args.skip_pygeoapi and pg_url:
                compare(res, pg_url, built, args, work)
            stop(res["proc"])
        summary(results)
    finally:
        for res in results.values():
            stop(res["proc"])
        if server is not None:
            server.stop()
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\n(total {time.perf_counter() - started:.0f} s; load average now {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
