// 一张图: layer tree, versions, as-of date, compare/swipe, identify, attribute table, area statistics, print.
import * as maplibregl from "/static/vendor/maplibre-gl/maplibre-gl.mjs";

const app = document.getElementById("mapapp");
const L = JSON.parse(app.dataset.labels);
const isPublic = app.dataset.public === "true";
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const state = { layers: [], visible: new Set(), asOf: "", thematic: true, compare: null, drawing: false, drawn: [] };

function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function style() {
  return {
    version: 8,
    sources: {},
    layers: [{ id: "background", type: "background", paint: { "background-color": "#f4f1ea" } }],
  };
}

function newMap(container, center = [113.6, 37.9], zoom = 8) {
  return new maplibregl.Map({
    container, style: style(), center, zoom, attributionControl: false,
    canvasContextAttributes: { preserveDrawingBuffer: true }, maxZoom: 18,
  });
}

const map = newMap("map");
map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
let map2 = null;

function tileUrl(layer, version) {
  const params = new URLSearchParams();
  if (version) params.set("v", version);
  else if (state.asOf) params.set("as_of", state.asOf);
  const q = params.toString();
  return `${location.origin}/tiles/${encodeURIComponent(layer.id)}/{z}/{x}/{y}.pbf${q ? "?" + q : ""}`;
}

function fillColour(layer) {
  if (state.thematic && layer.class_field && layer.classes.length) {
    const expr = ["match", ["to-string", ["get", layer.class_field]]];
    for (const c of layer.classes) expr.push(c.value, c.colour);
    expr.push(layer.colour);
    return expr;
  }
  return layer.colour;
}

function addLayer(m, layer, version) {
  const src = `src-${layer.id}`;
  if (m.getSource(src)) removeLayer(m, layer);
  m.addSource(src, { type: "vector", tiles: [tileUrl(layer, version)], minzoom: 0, maxzoom: 16 });
  const boundary = layer.kind === "custom";
  const before = m.getLayer("drawn-fill") ? "drawn-fill" : undefined;
  m.addLayer({ id: `fill-${layer.id}`, type: "fill", source: src, "source-layer": layer.id,
    paint: { "fill-color": fillColour(layer), "fill-opacity": boundary ? 0.0 : (ORDER[layer.kind] ?? 5) < 5 ? 0.5 : 0.65 } }, before);
  m.addLayer({ id: `line-${layer.id}`, type: "line", source: src, "source-layer": layer.id,
    paint: { "line-color": boundary ? "#5b2c83" : "#333", "line-width": boundary ? 2 : 0.5, "line-opacity": boundary ? 0.9 : 0.6 } }, before);
}

function removeLayer(m, layer) {
  for (const id of [`fill-${layer.id}`, `line-${layer.id}`]) if (m.getLayer(id)) m.removeLayer(id);
  if (m.getSource(`src-${layer.id}`)) m.removeSource(`src-${layer.id}`);
}

const ORDER = { current_land_use: 0, land_use_layout: 1, planning_zones: 2, parcels: 3, custom: 9 };

function drawOrder() {
  return [...state.layers].sort((a, b) => (ORDER[a.kind] ?? 5) - (ORDER[b.kind] ?? 5));
}

function refresh() {
  for (const layer of drawOrder()) {
    removeLayer(map, layer);
    if (state.visible.has(layer.id)) addLayer(map, layer, state.compare && state.compare.layer === layer.id ? state.compare.left : null);
  }
  renderLegend();
}

function renderTree() {
  const tree = document.getElementById("layer-tree");
  if (!state.layers.length) { tree.innerHTML = `<p class="muted">${esc(L.no_layers)}</p>`; return; }
  const byKind = new Map();
  for (const layer of state.layers) {
    const key = app.dataset.lang === "en" ? layer.kind_en : layer.kind_zh;
    if (!byKind.has(key)) byKind.set(key, []);
    byKind.get(key).push(layer);
  }
  let html = "";
  for (const [kind, layers] of byKind) {
    html += `<details open><summary>${esc(kind)}</summary>`;
    for (const layer of layers) {
      const v = layer.version;
      const versions = layer.versions.map((x) => `<li>${esc(L.version)} ${x.version} · ${esc(x.legal_status)}${x.effective_date ? " · " + esc(x.effective_date) : ""}${x.approval_document ? " · " + esc(x.approval_document) : ""} · ${x.feature_count} ${esc(L.features)}</li>`).join("");
      html += `<div class="layer-item"><label><input type="checkbox" data-layer="${esc(layer.id)}" ${state.visible.has(layer.id) ? "checked" : ""}>
        <span class="swatch" style="background:${esc(layer.colour)}"></span>${esc(layer.title)}</label>
        <span class="badge">v${v.version} ${esc(v.legal_status)}</span>
        <button type="button" class="link" data-table="${esc(layer.id)}">▤</button>
        <details class="versions"><summary>${esc(L.version)}</summary><ul>${versions}</ul></details></div>`;
    }
    html += "</details>";
  }
  tree.innerHTML = html;
  tree.querySelectorAll("input[data-layer]").forEach((box) => box.addEventListener("change", () => {
    if (box.checked) state.visible.add(box.dataset.layer); else state.visible.delete(box.dataset.layer);
    refresh();
  }));
  tree.querySelectorAll("button[data-table]").forEach((b) => b.addEventListener("click", () => attributeTable(b.dataset.table)));
}

function renderLegend() {
  const legend = document.getElementById("legend");
  let html = "";
  for (const layer of state.layers.filter((l) => state.visible.has(l.id))) {
    html += `<div class="legend-layer"><strong>${esc(layer.title)}</strong>`;
    if (state.thematic && layer.classes.length) {
      html += layer.classes.map((c) => `<div><span class="swatch" style="background:${esc(c.colour)}"></span>${esc(c.label)}</div>`).join("");
    } else {
      html += `<div><span class="swatch" style="background:${esc(layer.colour)}"></span>${esc(layer.kind_zh)}</div>`;
    }
    html += "</div>";
  }
  legend.innerHTML = html || `<p class="muted">${esc(L.none)}</p>`;
}

async function loadLayers() {
  const q = state.asOf ? `?as_of=${state.asOf}` : "";
  const res = await fetch(`/api/layers${q}`, { credentials: "same-origin" });
  const body = await res.json();
  state.layers = body.layers || [];
  if (!state.visible.size && !state.initialised) {
    // Everything but the layouts that would hide the survey; boundaries and control lines on top.
    state.layers.filter((l) => !["planning_zones", "land_use_layout"].includes(l.kind)).forEach((l) => state.visible.add(l.id));
    state.initialised = true;
  }
  for (const id of [...state.visible]) if (!state.layers.find((l) => l.id === id)) state.visible.delete(id);
  renderTree();
  fillCompare();
  refresh();
  const boxes = state.layers.filter((l) => l.bbox).map((l) => l.bbox);
  if (boxes.length && !state.fitted) {
    const b = boxes.reduce((a, c) => [Math.min(a[0], c[0]), Math.min(a[1], c[1]), Math.max(a[2], c[2]), Math.max(a[3], c[3])]);
    map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 20, duration: 0 });
    state.fitted = true;
  }
}

async function attributeTable(id) {
  const q = new URLSearchParams({ f: "json", limit: "50" });
  if (state.asOf) q.set("datetime", state.asOf);
  const res = await fetch(`/ogc/collections/${encodeURIComponent(id)}/items?${q}`, { credentials: "same-origin" });
  const body = await res.json();
  const feats = body.features || [];
  const cols = feats.length ? Object.keys(feats[0].properties) : [];
  let html = `<p>${esc(id)}: ${body.numberReturned ?? 0} / ${body.numberMatched ?? 0}</p><table class="grid small"><thead><tr><th>id</th>${cols.map((c) => `<th>${esc(c)}</th>`).join("")}</tr></thead><tbody>`;
  html += feats.map((f) => `<tr><td>${esc(f.id)}</td>${cols.map((c) => `<td>${esc(f.properties[c])}</td>`).join("")}</tr>`).join("");
  document.getElementById("attr-table").innerHTML = html + "</tbody></table>";
}

map.on("click", (e) => {
  if (state.drawing) { addVertex(e.lngLat); return; }
  const ids = state.layers.filter((l) => state.visible.has(l.id)).map((l) => `fill-${l.id}`).filter((id) => map.getLayer(id));
  const hits = map.queryRenderedFeatures(e.point, { layers: ids });
  const box = document.getElementById("identify");
  if (!hits.length) { box.innerHTML = `<p class="muted">${esc(L.none)}</p>`; return; }
  box.innerHTML = hits.slice(0, 3).map((f) => `<div class="hit"><strong>${esc(f.sourceLayer)}</strong><table class="grid small">${Object.entries(f.properties).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("")}</table></div>`).join("");
});

// ---- compare two versions: side by side or swipe
function fillCompare() {
  const sel = document.getElementById("cmp-layer");
  if (!sel) return;
  sel.innerHTML = state.layers.map((l) => `<option value="${esc(l.id)}">${esc(l.title)}</option>`).join("");
  const fill = () => {
    const layer = state.layers.find((l) => l.id === sel.value);
    const opts = (layer ? layer.versions : []).map((v) => `<option value="${v.version}">v${v.version} ${esc(v.legal_status)}</option>`).join("");
    document.getElementById("cmp-left").innerHTML = opts;
    document.getElementById("cmp-right").innerHTML = opts;
    const right = document.getElementById("cmp-right");
    if (right.options.length) right.selectedIndex = right.options.length - 1;
  };
  sel.onchange = fill;
  fill();
}

function startCompare(mode) {
  const id = document.getElementById("cmp-layer").value;
  const layer = state.layers.find((l) => l.id === id);
  if (!layer) return;
  const left = Number(document.getElementById("cmp-left").value);
  const right = Number(document.getElementById("cmp-right").value);
  state.compare = { layer: id, left, right, mode };
  state.visible.add(id);
  const maps = document.getElementById("maps");
  maps.classList.toggle("side", mode === "side");
  maps.classList.toggle("swipe", mode === "swipe");
  document.getElementById("map2").classList.remove("hidden");
  document.getElementById("swipe").classList.toggle("hidden", mode !== "swipe");
  if (!map2) {
    map2 = newMap("map2", map.getCenter(), map.getZoom());
    let syncing = false;
    const sync = (a, b) => a.on("move", () => {
      if (syncing) return;
      syncing = true;
      b.jumpTo({ center: a.getCenter(), zoom: a.getZoom() });
      syncing = false;
    });
    map2.once("load", () => { sync(map, map2); sync(map2, map); });
  }
  map2.resize(); map.resize();
  map2.jumpTo({ center: map.getCenter(), zoom: map.getZoom() });
  const apply = () => { removeLayer(map2, layer); addLayer(map2, layer, right); };
  if (map2.isStyleLoaded()) apply(); else map2.once("load", apply);
  refresh();
  swipe();
}

function stopCompare() {
  state.compare = null;
  const maps = document.getElementById("maps");
  maps.classList.remove("side", "swipe");
  document.getElementById("map2").classList.add("hidden");
  document.getElementById("swipe").classList.add("hidden");
  map.resize();
  refresh();
}

function swipe() {
  const value = document.getElementById("swipe").value;
  const el = document.getElementById("map2");
  el.style.clipPath = state.compare && state.compare.mode === "swipe" ? `inset(0 0 0 ${value}%)` : "";
}

// ---- area statistics for a drawn polygon (server-side ellipsoidal areas)
function addVertex(lngLat) {
  state.drawn.push([lngLat.lng, lngLat.lat]);
  drawShape();
}

function drawShape() {
  const ring = state.drawn.length > 2 ? [...state.drawn, state.drawn[0]] : state.drawn;
  const data = { type: "FeatureCollection", features: ring.length > 1 ? [{ type: "Feature", properties: {}, geometry: ring.length > 3 ? { type: "Polygon", coordinates: [ring] } : { type: "LineString", coordinates: ring } }] : [] };
  if (map.getSource("drawn")) map.getSource("drawn").setData(data);
  else {
    map.addSource("drawn", { type: "geojson", data });
    map.addLayer({ id: "drawn-fill", type: "fill", source: "drawn", paint: { "fill-color": "#ff0066", "fill-opacity": 0.15 }, filter: ["==", "$type", "Polygon"] });
    map.addLayer({ id: "drawn-line", type: "line", source: "drawn", paint: { "line-color": "#ff0066", "line-width": 2 } });
  }
}

async function finishDrawing() {
  state.drawing = false;
  if (state.drawn.length < 3) return;
  const ring = [...state.drawn, state.drawn[0]];
  const layers = state.layers.filter((l) => state.visible.has(l.id)).map((l) => l.id);
  if (!layers.length) return;
  const res = await fetch("/api/stats/area", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: JSON.stringify({ geometry: { type: "Polygon", coordinates: [ring] }, layers, as_of: state.asOf || null }),
  });
  const body = await res.json();
  const box = document.getElementById("stats");
  if (!res.ok) { box.innerHTML = `<p class="alert">${esc(body.message_zh || body.code)}</p>`; return; }
  box.innerHTML = body.layers.map((l) => `<table class="grid small"><caption>${esc(l.layer)} v${l.version}</caption><thead><tr><th>${esc(L.category)}</th><th>${esc(L.area_ha)}</th></tr></thead><tbody>${l.classes.map((c) => `<tr><td>${esc(c.class)}</td><td class="num">${c.area_ha.toFixed(4)}</td></tr>`).join("")}<tr><th>${esc(L.total)}</th><th class="num">${l.total_ha.toFixed(4)}</th></tr></tbody></table>`).join("");
}

// ---- print to PNG: the map, its title, legend and scale
function printPng() {
  const canvas = map.getCanvas();
  const legendItems = [];
  for (const layer of state.layers.filter((l) => state.visible.has(l.id))) {
    legendItems.push({ text: layer.title, colour: null });
    const classes = state.thematic && layer.classes.length ? layer.classes : [{ label: layer.kind_zh, colour: layer.colour }];
    for (const c of classes.slice(0, 12)) legendItems.push({ text: c.label, colour: c.colour });
  }
  const out = document.createElement("canvas");
  const legendW = 220;
  out.width = canvas.width + legendW; out.height = Math.max(canvas.height, 60 + legendItems.length * 18);
  const g = out.getContext("2d");
  g.fillStyle = "#fff"; g.fillRect(0, 0, out.width, out.height);
  g.drawImage(canvas, 0, 0);
  g.fillStyle = "#000"; g.font = "bold 16px 'Noto Sans CJK SC', sans-serif";
  g.fillText(L.title, canvas.width + 10, 24);
  g.font = "13px 'Noto Sans CJK SC', sans-serif";
  legendItems.forEach((item, i) => {
    const y = 50 + i * 18;
    if (item.colour) { g.fillStyle = item.colour; g.fillRect(canvas.width + 14, y - 10, 14, 12); g.fillStyle = "#000"; g.fillText(item.text, canvas.width + 34, y); }
    else { g.fillStyle = "#000"; g.fillText(item.text, canvas.width + 10, y); }
  });
  const scale = document.querySelector(".maplibregl-ctrl-scale");
  if (scale) { g.fillText(`${L.scale}: ${scale.textContent}`, 10, out.height - 10); }
  const a = document.createElement("a");
  a.href = out.toDataURL("image/png"); a.download = "guotu-map.png"; a.id = "print-link";
  document.body.appendChild(a); a.click(); a.remove();
  app.dataset.printed = String(a.href.length);
}

document.getElementById("as-of").addEventListener("change", (e) => { state.asOf = e.target.value; loadLayers(); });
document.getElementById("thematic").addEventListener("change", (e) => { state.thematic = e.target.checked; refresh(); });
document.getElementById("print").addEventListener("click", printPng);
if (!isPublic) {
  document.getElementById("cmp-side").addEventListener("click", () => startCompare("side"));
  document.getElementById("cmp-swipe").addEventListener("click", () => startCompare("swipe"));
  document.getElementById("cmp-off").addEventListener("click", stopCompare);
  document.getElementById("swipe").addEventListener("input", swipe);
  document.getElementById("draw").addEventListener("click", () => { state.drawing = true; state.drawn = []; drawShape(); });
  document.getElementById("draw-finish").addEventListener("click", finishDrawing);
  document.getElementById("draw-clear").addEventListener("click", () => { state.drawing = false; state.drawn = []; drawShape(); document.getElementById("stats").innerHTML = ""; });
}
map.on("load", loadLayers);
window.guotuMap = map;
