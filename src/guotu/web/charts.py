"""Small inline SVG charts for the dashboards (no script, no external file): sparklines and bar pairs."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

__all__ = ["bars", "sparkline"]

_LEVEL_COLOUR = {"green": "#2e9e44", "yellow": "#e0a800", "red": "#d93025"}


def sparkline(
    values: Sequence[float | None], levels: Sequence[str] = (), *, width: int = 120, height: int = 28
) -> Markup:
    """Return an SVG line of ``values`` (oldest first); the dots take the colour of their level."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if not points:
        return Markup('<span class="muted">—</span>')
    low = min(v for _, v in points)
    high = max(v for _, v in points)
    span = (high - low) or abs(high) or 1.0
    n = max(len(values) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return 4 + (width - 8) * i / n, height - 4 - (height - 8) * (v - low) / span

    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in points))
    colours = [_LEVEL_COLOUR.get(levels[i] if i < len(levels) else "", "#555") for i, _ in points]
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{c}"/>'
        for (x, y), c in zip((xy(i, v) for i, v in points), colours, strict=True)
    )
    title = escape(" → ".join(f"{v:g}" for _, v in points[-8:]))
    return Markup(
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">'
        f'<title>{title}</title><polyline points="{path}" fill="none" stroke="#1f3a5f" stroke-width="1.5"/>'
        f"{dots}</svg>"
    )


def bars(
    rows: Sequence[tuple[str, float | None, float]],
    *,
    labels: tuple[str, str] = ("计划", "已供应"),
    width: int = 640,
    bar: int = 11,
) -> Markup:
    """Return horizontal bar pairs (planned, supplied) per label; supplied beyond the plan is red."""
    if not rows:
        return Markup("")
    top = max(max(p or 0.0, s) for _, p, s in rows) or 1.0
    left, right = 150, 70
    scale = (width - left - right) / top
    row_h = bar * 2 + 10
    height = 24 + row_h * len(rows)
    parts = [
        f'<svg class="bars" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">',
        *(
            f'<rect x="{left + dx}" y="4" width="12" height="10" fill="{fill}"/>'
            f'<text x="{left + dx + 16}" y="13">{text}</text>'
            for dx, fill, text in (
                (0, "#9ec5e8", escape(labels[0])),
                (80, "#1f3a5f", escape(labels[1])),
                (170, "#d93025", "&gt; " + escape(labels[0])),
            )
        ),
    ]
    for n, (label, planned, supplied) in enumerate(rows):
        y = 22 + n * row_h
        parts.append(f'<text x="{left - 6}" y="{y + bar + 4}" text-anchor="end">{escape(label[:14])}</text>')
        if planned is not None:
            parts.append(f'<rect x="{left}" y="{y}" width="{planned * scale:.1f}" height="{bar}" fill="#9ec5e8"/>')
            parts.append(f'<text x="{left + planned * scale + 4:.1f}" y="{y + bar - 2}">{planned:g}</text>')
        over = planned is not None and supplied > planned
        colour = "#d93025" if over or planned is None else "#1f3a5f"
        parts.append(
            f'<rect x="{left}" y="{y + bar + 1}" width="{supplied * scale:.1f}" height="{bar}" fill="{colour}"/>'
        )
        parts.append(f'<text x="{left + supplied * scale + 4:.1f}" y="{y + 2 * bar - 1}">{supplied:g}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
