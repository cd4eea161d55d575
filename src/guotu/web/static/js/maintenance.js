// 动态维护: the map of a change set (the layer before, 调出 in red, 调入 in green).
import * as maplibregl from "/static/vendor/maplibre-gl/maplibre-gl.mjs";

const el = document.getElementById("mt-map");
const map = new maplibregl.Map({
  container: el, center: [113.58, 37.86], zoom: 9, attributionControl: false, maxZoom: 19,
  canvasContextAttributes: { preserveDrawingBuffer: true },
  style: { version: 8, sources: {}, layers: [{ id: "background", type: "background", paint: { "background-color": "#f4f1ea" } }] },
});
map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
window.guotuMap = map;
map.on("load", async () => {
  const res = await fetch(el.dataset.src, { credentials: "same-origin" });
  const data = await res.json();
  map.addSource("mt", { type: "geojson", data });
  map.addLayer({ id: "mt-before", type: "fill", source: "mt", filter: ["==", ["get", "role"], "before"], paint: { "fill-color": "#c9c3b6", "fill-opacity": 0.6 } });
  map.addLayer({ id: "mt-before-line", type: "line", source: "mt", filter: ["==", ["get", "role"], "before"], paint: { "line-color": "#777", "line-width": 0.8 } });
  map.addLayer({ id: "mt-removed", type: "fill", source: "mt", filter: ["==", ["get", "role"], "removed"], paint: { "fill-color": "#d93025", "fill-opacity": 0.75 } });
  map.addLayer({ id: "mt-added", type: "fill", source: "mt", filter: ["==", ["get", "role"], "added"], paint: { "fill-color": "#2e9e44", "fill-opacity": 0.75 } });
  const b = data.bbox;
  if (b) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 40, duration: 0 });
  map.once("idle", () => { el.dataset.ready = "true"; });
});
