r"""PNG maps for reports: layers, legend, scale bar, north arrow, title, CJK labels.

Drawn with matplotlib's Agg canvas (no pyplot, no basemap or tiles), from shapely
geometries in a CGCS2000 CRS: a Gauss-Krüger projection (EPSG:4491–4554, metres;
the default) or geographic EPSG:4490 (``geographic=True``: degrees, drawn with the
aspect of the centre latitude, and the scale bar converted with the ellipsoid).

Examples
--------
>>> from shapely.geometry import box
>>> png = render_map([MapLayer([box(0, 0, 1000, 1000)], "宗地")], title="示意图", size_px=(400, 300))
>>> png[:8] == b"\x89PNG\r\n\x1a\n"
True
>>> scale_bar_length(4000.0)
(1000.0, '1 km')
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from shapely.geometry import LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from guotu.catalogue import message
from guotu.domain.layers import layer_kind
from guotu.errors import InvalidInputError
from guotu.reports.fonts import mpl_context

__all__ = [
    "LAYER_STYLES",
    "MapLayer",
    "fit_extent",
    "layer_style",
    "map_layer",
    "metres_per_unit",
    "render_map",
    "scale_bar",
    "scale_bar_length",
]


@dataclass
class MapLayer:
    """One layer of a map: geometries drawn with one style, one legend entry.

    ``alpha`` applies to the fill only (outlines stay opaque); ``hatch`` is a matplotlib
    hatch pattern (``"//"``, ``"xx"``, ``".."``); ``linestyle`` is ``"-"``, ``"--"``, ``":"``.
    """

    geometries: Sequence[BaseGeometry]
    label: str
    facecolor: str = "none"
    edgecolor: str = "#333"
    alpha: float = 0.6
    hatch: str | None = None
    linewidth: float = 0.8
    zorder: int = 1
    linestyle: str = "-"


def _style(
    facecolor: str, edgecolor: str, hatch: str | None = None, linewidth: float = 0.8, alpha: float = 0.6
) -> dict[str, Any]:
    return {"facecolor": facecolor, "edgecolor": edgecolor, "hatch": hatch, "linewidth": linewidth, "alpha": alpha}


# Colours after the usual conventions of 国土空间规划 maps (三区三线, 五线); approximate.
# The keys are guotu.domain.layers kind ids, plus a few report roles (subject, district, change_*).
LAYER_STYLES: Final[dict[str, dict[str, Any]]] = {
    "permanent_basic_farmland": _style("#F3E05A", "#B89B00"),
    "ecological_red_line": _style("#5DB85D", "#1E6B1E"),
    "urban_development_boundary": _style("none", "#E60012", linewidth=1.8, alpha=1.0),
    "historic_protection_line": _style("#8E7CC3", "#4B2C91", hatch="\\\\"),
    "flood_risk_line": _style("#9ECAE1", "#2171B5", hatch="//"),
    "green_line": _style("#A8DC8C", "#2E9E3E", linewidth=1.2),
    "purple_line": _style("#C9A0DC", "#7B2F9E", linewidth=1.2),
    "blue_line": _style("#9CCFF0", "#0060C0", linewidth=1.2),
    "yellow_line": _style("#FFEB8A", "#D4A000", linewidth=1.2),
    "planning_zones": _style("#EDEDED", "#8C8C8C", linewidth=0.5, alpha=0.5),
    "land_use_layout": _style("#F0E6D2", "#A08C6E", linewidth=0.5, alpha=0.5),
    "current_land_use": _style("#E8E8E8", "#9A9A9A", linewidth=0.5, alpha=0.5),
    "parcels": _style("none", "#222222", linewidth=0.8, alpha=1.0),
    "custom": _style("#CCCCCC", "#555555"),
    # Report roles
    "subject": _style("#FF4040", "#D00000", hatch="xx", linewidth=2.0, alpha=0.25),
    "district": _style("none", "#555555", linewidth=1.2, alpha=1.0),
    "change_added": _style("#FF7F50", "#C0392B", hatch="++", linewidth=1.0),
    "change_removed": _style("#87CEEB", "#1F618D", hatch="--", linewidth=1.0),
    "change_attribute": _style("#F8C471", "#B9770E", hatch="..", linewidth=1.0),
}
_ROLES: Final = frozenset({"subject", "district", "change_added", "change_removed", "change_attribute"})
_NICE: Final = (1.0, 2.0, 2.5, 5.0)


def layer_style(kind: str) -> dict[str, Any]:
    """Return a copy of the style for a layer kind (or report role); unknown kinds get ``custom``."""
    return dict(LAYER_STYLES.get(kind, LAYER_STYLES["custom"]))


def map_layer(
    kind: str, geometries: Sequence[BaseGeometry], *, label: str | None = None, lang: str = "zh", zorder: int = 1
) -> MapLayer:
    """Build a :class:`MapLayer` for a layer kind with its style and its name as the legend label.

    Examples
    --------
    >>> map_layer("ecological_red_line", []).label
    '生态保护红线'
    """
    if label is None:
        if kind in _ROLES:
            label = message(f"ui.report.role_{kind}", lang)
        else:
            info = layer_kind(kind)
            label = info.name_en if lang == "en" else info.name_zh
    return MapLayer(list(geometries), label, zorder=zorder, **layer_style(kind))


# -- scale ---------------------------------------------------------------------------------------------------


def scale_bar_length(width_m: float, *, fraction: float = 0.25) -> tuple[float, str]:
    """Pick a round scale-bar length at most ``fraction`` of the map width, and its label.

    Lengths are 1, 2, 2.5 or 5 × 10ⁿ metres; labels in m below 1 km, else in km.

    Examples
    --------
    >>> scale_bar_length(1100.0)
    (250.0, '250 m')
    >>> scale_bar_length(1000.0 * 0.99)
    (200.0, '200 m')
    >>> scale_bar_length(86_000.0)
    (20000.0, '20 km')
    >>> scale_bar_length(3.0)
    (0.5, '0.5 m')
    """
    if not (math.isfinite(width_m) and width_m > 0):
        raise InvalidInputError("report.extent_invalid", extent=str(width_m))
    target = width_m * fraction
    exponent = math.floor(math.log10(target))
    best = 10.0**exponent
    for nice in _NICE:
        candidate = nice * 10.0**exponent
        if candidate <= target * (1 + 1e-9):
            best = candidate
    best = float(f"{best:.12g}")
    if best >= 1000:
        label = f"{best / 1000:g} km"
    else:
        label = f"{best:g} m"
    return best, label


def metres_per_unit(extent: tuple[float, float, float, float], *, geographic: bool) -> float:
    """Metres per map unit along x at the middle of ``extent``.

    1 for a projected CRS; for EPSG:4490 the length of one degree of longitude on
    the CGCS2000 ellipsoid at the centre latitude.

    Examples
    --------
    >>> metres_per_unit((500000, 4000000, 501000, 4001000), geographic=False)
    1.0
    >>> round(metres_per_unit((112.0, 0.0, 113.0, 0.0), geographic=True))
    111319
    >>> round(metres_per_unit((112.0, 60.0, 113.0, 60.0), geographic=True))
    55799
    """
    if not geographic:
        return 1.0
    from pyproj import Geod

    lat = (extent[1] + extent[3]) / 2
    if not -90 < lat < 90:
        raise InvalidInputError("report.extent_invalid", extent=str(extent))
    lon = (extent[0] + extent[2]) / 2
    # CGCS2000 uses an ellipsoid that differs from GRS80 only in the 11th digit of the flattening.
    _, _, distance = Geod(ellps="GRS80").inv(lon - 0.5, lat, lon + 0.5, lat)
    return float(distance)


def scale_bar(extent: tuple[float, float, float, float], *, geographic: bool) -> tuple[float, float, str]:
    """Return the scale bar for a map showing ``extent``: (length in map units, length in metres, label).

    Examples
    --------
    >>> scale_bar((38_500_000, 4_200_000, 38_504_000, 4_203_000), geographic=False)
    (1000.0, 1000.0, '1 km')
    >>> units, metres, label = scale_bar((112.0, 37.0, 112.2, 37.1), geographic=True)
    >>> label, round(units, 4)
    ('2.5 km', 0.0281)
    """
    x0, _, x1, _ = extent
    per_unit = metres_per_unit(extent, geographic=geographic)
    length_m, label = scale_bar_length((x1 - x0) * per_unit)
    return length_m / per_unit, length_m, label


# -- drawing ---------------------------------------------------------------------------------------------------


def _parts(geometry: BaseGeometry) -> tuple[list[Polygon], list[LineString], list[Point]]:
    polys: list[Polygon] = []
    lines: list[LineString] = []
    points: list[Point] = []
    stack: list[BaseGeometry] = [geometry]
    while stack:
        geom = stack.pop()
        if geom is None or geom.is_empty:
            continue
        if isinstance(geom, Polygon):
            polys.append(geom)
        elif isinstance(geom, LineString):
            lines.append(geom)
        elif isinstance(geom, Point):
            points.append(geom)
        elif isinstance(geom, (MultiPolygon, MultiLineString, MultiPoint)) or hasattr(geom, "geoms"):
            stack.extend(getattr(geom, "geoms", ()))
    return polys, lines, points


def _polygon_path(polygon: Polygon) -> Any:
    from matplotlib.path import Path as MplPath

    polygon = orient(polygon, 1.0)  # shell counter-clockwise, holes clockwise: holes stay empty
    vertices: list[tuple[float, float]] = []
    codes: list[Any] = []
    for ring in (polygon.exterior, *polygon.interiors):
        coords = [(float(c[0]), float(c[1])) for c in ring.coords]
        if len(coords) < 3:
            continue
        vertices.extend(coords)
        codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(coords) - 2) + [MplPath.CLOSEPOLY])
    return MplPath(vertices, codes)


def _bounds(layers: Sequence[MapLayer]) -> tuple[float, float, float, float] | None:
    xs: list[float] = []
    ys: list[float] = []
    for layer in layers:
        for geom in layer.geometries:
            if geom is None or geom.is_empty:
                continue
            x0, y0, x1, y1 = geom.bounds
            xs += [x0, x1]
            ys += [y0, y1]
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def _padded(bounds: tuple[float, float, float, float], geographic: bool) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = bounds
    width, height = x1 - x0, y1 - y0
    minimum = 0.001 if geographic else 100.0  # a lone point still gets a readable extent
    pad_x = max(width * 0.05, (minimum - width) / 2 if width < minimum else 0.0)
    pad_y = max(height * 0.05, (minimum - height) / 2 if height < minimum else 0.0)
    return x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y


def _check_extent(extent: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    try:
        x0, y0, x1, y1 = (float(v) for v in extent)
    except (TypeError, ValueError):
        raise InvalidInputError("report.extent_invalid", extent=str(extent)) from None
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)) or x1 <= x0 or y1 <= y0:
        raise InvalidInputError("report.extent_invalid", extent=str(extent))
    return x0, y0, x1, y1


def fit_extent(
    extent: tuple[float, float, float, float], box_ratio: float, *, geographic: bool
) -> tuple[float, float, float, float]:
    """Widen ``extent`` in one direction so that it fills a frame ``box_ratio`` (width / height) undistorted.

    In geographic coordinates a degree of longitude is drawn ``cos(latitude)`` times
    as long as a degree of latitude.

    Examples
    --------
    >>> fit_extent((0, 0, 100, 50), 1.0, geographic=False)
    (0.0, -25.0, 100.0, 75.0)
    >>> fit_extent((0, 0, 100, 50), 4.0, geographic=False)
    (-50.0, 0.0, 150.0, 50.0)
    """
    x0, y0, x1, y1 = (float(v) for v in extent)
    x_scale = math.cos(math.radians((y0 + y1) / 2)) if geographic else 1.0
    width, height = (x1 - x0) * x_scale, y1 - y0
    if width / height > box_ratio:
        grow = (width / box_ratio - height) / 2
        return x0, y0 - grow, x1, y1 + grow
    grow = (height * box_ratio - width) / 2 / x_scale
    return x0 - grow, y0, x1 + grow, y1


def _draw_layer(ax: Any, layer: MapLayer) -> Any:
    """Draw one layer; return its legend handle."""
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    polys: list[Polygon] = []
    lines: list[LineString] = []
    points: list[Point] = []
    for geom in layer.geometries:
        p, ln, pt = _parts(geom)
        polys += p
        lines += ln
        points += pt
    face = "none" if layer.facecolor in ("none", None) else to_rgba(layer.facecolor, layer.alpha)
    edge = to_rgba(layer.edgecolor)
    if polys:
        collection = PathCollection(
            [_polygon_path(p) for p in polys],
            facecolors=[face],
            edgecolors=[edge],
            linewidths=[layer.linewidth],
            linestyles=layer.linestyle,
            hatch=layer.hatch,
            zorder=layer.zorder,
        )
        ax.add_collection(collection, autolim=False)
    if lines:
        segments = [[(float(c[0]), float(c[1])) for c in line.coords] for line in lines]
        ax.add_collection(
            LineCollection(
                segments, colors=[edge], linewidths=[layer.linewidth], linestyles=layer.linestyle, zorder=layer.zorder
            ),
            autolim=False,
        )
    if points:
        ax.scatter(
            [p.x for p in points],
            [p.y for p in points],
            s=max(12.0, 16 * layer.linewidth),
            c=[face if face != "none" else edge],
            edgecolors=[edge],
            linewidths=0.6,
            zorder=layer.zorder + 0.5,
        )
    if points and not polys and not lines:
        return Line2D([], [], linestyle="none", marker="o", markerfacecolor=face if face != "none" else edge,
                      markeredgecolor=edge, label=layer.label)  # fmt: skip
    if lines and not polys:
        return Line2D([], [], color=edge, linewidth=max(layer.linewidth, 1.0), linestyle=layer.linestyle,  # type: ignore[arg-type]
                      label=layer.label)  # fmt: skip
    return Patch(facecolor=face, edgecolor=edge, hatch=layer.hatch, linewidth=layer.linewidth,
                 linestyle=layer.linestyle, label=layer.label)  # type: ignore[arg-type]  # fmt: skip


def _draw_north_arrow(ax: Any, lang: str) -> None:
    x, y0, y1 = 0.95, 0.84, 0.95
    ax.annotate(
        "",
        xy=(x, y1),
        xytext=(x, y0),
        xycoords="axes fraction",
        arrowprops={"facecolor": "black", "edgecolor": "black", "width": 3, "headwidth": 11, "headlength": 12},
        zorder=1000,
    )
    ax.text(x, y1 + 0.01, message("ui.report.north", lang) if lang == "en" else "N", transform=ax.transAxes,
            ha="center", va="bottom", fontsize=11, fontweight="bold", zorder=1000)  # fmt: skip


def _draw_scale_bar(ax: Any, extent: tuple[float, float, float, float], geographic: bool) -> str:
    from matplotlib.patches import Rectangle

    x0, y0, x1, y1 = extent
    length, _, label = scale_bar(extent, geographic=geographic)
    bar_x = x0 + (x1 - x0) * 0.04
    bar_y = y0 + (y1 - y0) * 0.05
    height = (y1 - y0) * 0.012
    # A white box behind the bar keeps it readable over filled layers.
    ax.add_patch(
        Rectangle(
            (bar_x - (x1 - x0) * 0.015, bar_y - (y1 - y0) * 0.025),
            length + (x1 - x0) * 0.03 + (x1 - x0) * 0.06,
            (y1 - y0) * 0.085,
            facecolor="white",
            edgecolor="#999999",
            linewidth=0.5,
            alpha=0.85,
            zorder=999,
        )
    )
    for i in range(4):
        ax.add_patch(
            Rectangle(
                (bar_x + i * length / 4, bar_y),
                length / 4,
                height,
                facecolor="black" if i % 2 == 0 else "white",
                edgecolor="black",
                linewidth=0.6,
                zorder=1000,
            )
        )
    ax.text(bar_x, bar_y + height * 1.6, "0", ha="center", va="bottom", fontsize=9, zorder=1001)
    ax.text(bar_x + length, bar_y + height * 1.6, label, ha="center", va="bottom", fontsize=9, zorder=1001)
    return label


def render_map(
    layers: Sequence[MapLayer],
    *,
    title: str | None = None,
    geographic: bool = False,
    extent: tuple[float, float, float, float] | None = None,
    size_px: tuple[int, int] = (1200, 900),
    dpi: int = 150,
    note: str | None = None,
    lang: str = "zh",
    labels: Mapping[str, Any] | None = None,
    fmt: Literal["png", "svg"] = "png",
) -> bytes:
    """Draw the layers (first at the bottom unless ``zorder`` says otherwise) and return PNG bytes.

    Parameters
    ----------
    layers
        What to draw; every layer gets a legend entry.
    title
        Map title above the map frame.
    geographic
        True for EPSG:4490 coordinates (lon, lat in degrees); False for a projected CRS in metres.
    extent
        (xmin, ymin, xmax, ymax); defaults to the union of the layers' bounds plus 5 %.
        The frame keeps the true aspect ratio, so the extent shown may be wider in one direction.
    size_px, dpi
        The PNG's exact size in pixels and its resolution (font sizes are in points).
    note
        A line of small text under the map (data source, date, CRS ...).
    labels
        Optional {text: (x, y)} annotations drawn on the map.
    fmt
        ``png`` (default) or ``svg`` (text kept as text: for the web and for tests that read the labels).

    Raises
    ------
    InvalidInputError
        ``report.map_empty`` (nothing to draw and no extent), ``report.extent_invalid``,
        ``report.size_invalid``.
    """
    width_px, height_px = (int(v) for v in size_px)
    if width_px < 100 or height_px < 100 or width_px > 10000 or height_px > 10000 or dpi < 20 or dpi > 1200:
        raise InvalidInputError("report.size_invalid", size=f"{size_px} @ {dpi} dpi")
    if extent is None:
        bounds = _bounds(layers)
        if bounds is None:
            raise InvalidInputError("report.map_empty")
        extent = _padded(bounds, geographic)
    extent = _check_extent(extent)
    if geographic and not (-180 <= extent[0] and extent[2] <= 360 and -90 < extent[1] and extent[3] < 90):
        raise InvalidInputError("report.extent_invalid", extent=str(extent))

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with mpl_context(**{"hatch.linewidth": 0.6}):
        fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, facecolor="white")
        canvas = FigureCanvasAgg(fig)
        top = 0.90 if title else 0.97
        bottom = 0.07 if note else 0.03
        left, right = 0.02, 0.985
        ax = fig.add_axes((left, bottom, 0.72, top - bottom))
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_linewidth(1.0)
        handles = [_draw_layer(ax, layer) for layer in layers]
        frame_right = right
        if handles:
            # The legend sits right of the frame; the frame takes whatever width the legend leaves.
            legend = fig.legend(
                handles=handles,
                loc="upper right",
                bbox_to_anchor=(right, top),
                title=message("ui.report.legend", lang),
                fontsize=10,
                title_fontsize=11,
                frameon=True,
                edgecolor="#999999",
                handlelength=2.2,
                handleheight=1.3,
                borderaxespad=0.0,
            )
            renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
            legend_width = legend.get_window_extent(renderer).width / width_px
            frame_right = max(right - legend_width - 0.015, 0.45)
        ax.set_position((left, bottom, frame_right - left, top - bottom))
        box_w = (frame_right - left) * width_px
        box_h = (top - bottom) * height_px
        shown = fit_extent(extent, box_w / box_h, geographic=geographic)
        ax.set_xlim(shown[0], shown[2])
        ax.set_ylim(shown[1], shown[3])
        for text, (x, y) in (labels or {}).items():
            ax.text(x, y, text, ha="center", va="center", fontsize=8, zorder=900,
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.7, "linewidth": 0})  # fmt: skip
        _draw_scale_bar(ax, shown, geographic)
        _draw_north_arrow(ax, lang)
        # Restore the limits the patches may have nudged.
        ax.set_xlim(shown[0], shown[2])
        ax.set_ylim(shown[1], shown[3])
        if title:
            fig.text((left + frame_right) / 2, (top + 1) / 2, title, ha="center", va="center", fontsize=15,
                     fontweight="bold")  # fmt: skip
        if note:
            fig.text(0.02, 0.025, note, ha="left", va="center", fontsize=7.5, color="#444444")
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=dpi, facecolor="white")
    return buffer.getvalue()
