// 合规性审查: draw a parcel on the map (or upload a file) and review it; the result page's map.
import * as maplibregl from "/static/vendor/maplibre-gl/maplibre-gl.mjs";

const csrf = document.querySelector('meta[name="csrf-token"]').content;
const COLOURS = {
  permanent_basic_farmland: "#f0d264", ecological_red_line: "#3f9b4b", urban_development_boundary: "#c0504d",
  historic_protection_line: "#8e5ea2", planning_zones: "#9ec5e8", flood_risk_line: "#4f81bd",
};

function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function baseMap(container) {
  const map = new maplibregl.Map({
    container, center: [113.58, 37.86], zoom: 9, attributionControl: false, maxZoom: 19,
    canvasContextAttributes: { preserveDrawingBuffer: true },
    style: { version: 8, sources: {}, layers: [{ id: "background", type: "background", paint: { "background-color": "#f4f1ea" } }] },
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  return map;
}

// ---------------------------------------------------------------- the form: draw and submit
const drawEl = document.getElementById("review-map");
if (drawEl) {
  const form = document.getElementById("review-form");
  const L = JSON.parse(form.dataset.labels);
  const status = document.getElementById("rv-status");
  const map = baseMap(drawEl);
  const state = { drawing: false, points: [], closed: false };
  window.guotuMap = map;

  map.on("load", async () => {
    const res = await fetch("/api/layers", { credentials: "same-origin" });
    const body = await res.json();
    const layers = (body.layers || []).filter((l) => !["land_use_layout", "current_land_use"].includes(l.kind));
    const order = { planning_zones: 0, custom: 9 };
    layers.sort((a, b) => (order[a.kind] ?? 5) - (order[b.kind] ?? 5));
    for (const layer of layers) {
      const src = `src-${layer.id}`;
      map.addSource(src, { type: "vector", tiles: [`${location.origin}/tiles/${encodeURIComponent(layer.id)}/{z}/{x}/{y}.pbf`], maxzoom: 16 });
      const boundary = layer.kind === "custom";
      map.addLayer({ id: `fill-${layer.id}`, type: "fill", source: src, "source-layer": layer.id,
        paint: { "fill-color": COLOURS[layer.kind] || layer.colour, "fill-opacity": boundary ? 0 : layer.kind === "planning_zones" ? 0.25 : 0.55 } });
      map.addLayer({ id: `line-${layer.id}`, type: "line", source: src, "source-layer": layer.id,
        paint: { "line-color": boundary ? "#5b2c83" : "#555", "line-width": boundary ? 1.5 : 0.4 } });
    }
    const boxes = layers.filter((l) => l.bbox).map((l) => l.bbox);
    if (boxes.length) {
      const b = boxes.reduce((a, c) => [Math.min(a[0], c[0]), Math.min(a[1], c[1]), Math.max(a[2], c[2]), Math.max(a[3], c[3])]);
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 10, duration: 0 });
    }
    map.addSource("drawn", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    map.addLayer({ id: "drawn-fill", type: "fill", source: "drawn", paint: { "fill-color": "#ff0066", "fill-opacity": 0.25 }, filter: ["==", "$type", "Polygon"] });
    map.addLayer({ id: "drawn-line", type: "line", source: "drawn", paint: { "line-color": "#ff0066", "line-width": 2.5 } });
    map.addLayer({ id: "drawn-pts", type: "circle", source: "drawn", paint: { "circle-radius": 4, "circle-color": "#ff0066" }, filter: ["==", "$type", "Point"] });
    drawEl.dataset.ready = "true";
  });

  function ring() { return [...state.points, state.points[0]]; }

  function redraw() {
    const feats = state.points.map((p) => ({ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: p } }));
    if (state.points.length > 1) {
      feats.push(state.closed && state.points.length > 2
        ? { type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: [ring()] } }
        : { type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: state.points } });
    }
    if (map.getSource("drawn")) map.getSource("drawn").setData({ type: "FeatureCollection", features: feats });
    status.textContent = state.closed ? L.closed : state.drawing ? `${L.points}: ${state.points.length}` : status.textContent;
    document.getElementById("rv-drawn").value = state.closed ? JSON.stringify({ type: "Polygon", coordinates: [ring()] }) : "";
  }

  map.on("click", (e) => {
    if (!state.drawing) return;
    state.points.push([e.lngLat.lng, e.lngLat.lat]);
    redraw();
  });
  map.on("dblclick", (e) => { if (state.drawing) { e.preventDefault(); finish(); } });
  function finish() {
    if (state.points.length < 3) return;
    state.drawing = false; state.closed = true; map.getCanvas().style.cursor = ""; redraw();
  }
  document.getElementById("rv-draw").addEventListener("click", () => {
    state.drawing = true; state.closed = false; state.points = []; map.getCanvas().style.cursor = "crosshair"; redraw();
  });
  document.getElementById("rv-finish").addEventListener("click", finish);
  document.getElementById("rv-clear").addEventListener("click", () => { state.drawing = false; state.closed = false; state.points = []; redraw(); });

  form.addEventListener("submit", async (e) => {
    const file = form.querySelector("input[name=parcel]");
    if (file.files.length) return; // the upload goes as a normal form post
    e.preventDefault();
    const err = document.getElementById("rv-error");
    if (!state.closed) { err.textContent = L.need; err.classList.remove("hidden"); return; }
    const data = new FormData(form);
    const attrs = {};
    const names = { use: "use", mode: "mode", method: "method", far: "far", year: "year", district: "district", area: "declared_area_ha", parcel_id: "parcel_id" };
    for (const [field, key] of Object.entries(names)) { const v = String(data.get(field) || "").trim(); if (v) attrs[key] = v; }
    const button = document.getElementById("rv-submit");
    button.disabled = true; status.textContent = L.busy;
    const res = await fetch("/api/reviews", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ geometry: { type: "Polygon", coordinates: [ring()] }, attributes: attrs }),
    });
    const body = await res.json();
    button.disabled = false;
    if (!res.ok || !body.id) {
      err.textContent = (document.documentElement.lang === "en" ? body.message_en : body.message_zh) || body.code || res.status;
      err.classList.remove("hidden");
      return;
    }
    location.href = `/review/${encodeURIComponent(body.id)}`;
  });
}

// ---------------------------------------------------------------- the result page's map
const resultEl = document.getElementById("review-result-map");
if (resultEl) {
  const map = baseMap(resultEl);
  window.guotuMap = map;
  map.on("load", async () => {
    const res = await fetch(resultEl.dataset.src, { credentials: "same-origin" });
    const data = await res.json();
    map.addSource("rv", { type: "geojson", data });
    const colour = ["match", ["get", "kind"], ...Object.entries(COLOURS).flat(), "#999999"];
    map.addLayer({ id: "rv-layer", type: "fill", source: "rv", filter: ["==", ["get", "role"], "layer"], paint: { "fill-color": colour, "fill-opacity": 0.45 } });
    map.addLayer({ id: "rv-layer-line", type: "line", source: "rv", filter: ["==", ["get", "role"], "layer"], paint: { "line-color": colour, "line-width": 1 } });
    map.addLayer({ id: "rv-overlap", type: "fill", source: "rv", filter: ["==", ["get", "role"], "overlap"], paint: { "fill-color": "#d93025", "fill-opacity": 0.55 } });
    map.addLayer({ id: "rv-parcel", type: "line", source: "rv", filter: ["==", ["get", "role"], "parcel"], paint: { "line-color": "#111", "line-width": 3 } });
    const b = data.bbox;
    if (b) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 10, duration: 0 });
    const kinds = new Map();
    for (const f of data.features) if (f.properties.role === "layer") kinds.set(f.properties.kind, f.properties.kind_zh);
    const en = resultEl.dataset.lang === "en";
    let html = `<span><i class="swatch" style="border:3px solid #111;background:none"></i>${en ? "parcel" : "宗地"}</span>`;
    html += `<span><i class="swatch" style="background:#d93025"></i>${en ? "occupied" : "占用部分"}</span>`;
    for (const [kind, zh] of kinds) html += `<span><i class="swatch" style="background:${esc(COLOURS[kind] || "#999")}"></i>${esc(en ? kind : zh)}</span>`;
    document.getElementById("review-legend").innerHTML = html;
    map.once("idle", () => { resultEl.dataset.ready = "true"; });
  });
}
