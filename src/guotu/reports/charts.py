r"""PNG charts for reports (bar and line), with CJK text drawn in a CJK font.

Values may be ``Decimal`` (official figures), ``int`` or ``float``; ``None`` is a gap
(no bar, a break in the line). Drawn with matplotlib's Agg canvas, no pyplot.

Examples
--------
>>> png = bar_chart(["耕地", "林地"], {"规划": [10, 20], "现状": [9, 21]}, title="地类", ylabel="公顷")
>>> png[:4] == b"\x89PNG"
True
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from guotu.errors import InvalidInputError
from guotu.reports.fonts import mpl_context

__all__ = ["PALETTE", "bar_chart", "line_chart"]

# Readable on white and in greyscale print, in order.
PALETTE: Final[tuple[str, ...]] = (
    "#2F5597",
    "#C55A11",
    "#548235",
    "#BF9000",
    "#7030A0",
    "#2E75B6",
    "#A5A5A5",
    "#843C0C",
)


# Charts are usually printed 13–15 cm wide, about 0.65 of their drawn size: larger type than matplotlib's 10 pt.
_RC: Final[dict[str, Any]] = {"font.size": 12, "axes.labelsize": 12, "xtick.labelsize": 11, "ytick.labelsize": 11}


def _values(name: str, values: Sequence[Any], count: int) -> list[float]:
    if len(values) != count:
        raise InvalidInputError("report.chart_series_invalid", series=name, values=len(values), categories=count)
    result: list[float] = []
    for value in values:
        if value is None:
            result.append(math.nan)
        elif isinstance(value, Decimal):
            result.append(float(value))
        else:
            try:
                result.append(float(value))
            except (TypeError, ValueError):
                raise InvalidInputError(
                    "report.chart_series_invalid", series=name, values=len(values), categories=count
                ) from None
    return result


def _figure(size_px: tuple[int, int], dpi: int) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width, height = size_px
    if width < 100 or height < 100 or width > 10000 or height > 10000:
        raise InvalidInputError("report.size_invalid", size=f"{size_px} @ {dpi} dpi")
    fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _finish(fig: Any, ax: Any, title: str, series_count: int, dpi: int) -> bytes:
    ax.set_title(title, fontsize=15, fontweight="bold", pad=10)
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    if series_count > 1:
        ax.legend(frameon=False, fontsize=11)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def _label(value: float) -> str:
    if math.isnan(value):
        return ""
    return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:,.0f}"


def bar_chart(
    categories: Sequence[str],
    series: Mapping[str, Sequence[Any]],
    *,
    title: str,
    ylabel: str,
    horizontal: bool = False,
    size_px: tuple[int, int] = (1200, 750),
    dpi: int = 150,
    value_labels: bool = True,
    stacked: bool = False,
) -> bytes:
    """Draw grouped (or ``stacked``) bars, one group per category, one colour per series; return PNG bytes.

    Parameters
    ----------
    categories
        Category names (地类, 区县, 季度 ...).
    series
        {series name: one value per category}; the legend shows the names when there are several.
    title, ylabel
        Chart title and value-axis label (with the unit, e.g. "面积（公顷）").
    horizontal
        Horizontal bars (long category names).
    value_labels
        Write each bar's value at its end.

    Raises
    ------
    InvalidInputError
        ``report.chart_series_invalid`` when a series has the wrong number of values.
    """
    count = len(categories)
    data = {name: _values(name, values, count) for name, values in series.items()}
    with mpl_context(**_RC):
        fig = _figure(size_px, dpi)
        ax = fig.add_subplot()
        positions = list(range(count))
        n = max(len(data), 1)
        width = 0.8 if stacked else 0.8 / n
        base: list[float] = [0.0] * count
        for index, (name, values) in enumerate(data.items()):
            colour = PALETTE[index % len(PALETTE)]
            offsets: list[float]
            if stacked:
                offsets = [float(p) for p in positions]
            else:
                offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
            plotted = [0.0 if math.isnan(v) else v for v in values]
            if horizontal:
                bars = ax.barh(offsets, plotted, height=width, left=base if stacked else None, color=colour, label=name)
            else:
                bars = ax.bar(offsets, plotted, width=width, bottom=base if stacked else None, color=colour, label=name)
            if value_labels and not stacked:
                ax.bar_label(bars, labels=[_label(v) for v in values], fontsize=9, padding=2)
            if stacked:
                base = [b + p for b, p in zip(base, plotted, strict=True)]
        if horizontal:
            ax.set_yticks(positions, [str(c) for c in categories])
            ax.invert_yaxis()
            ax.set_xlabel(ylabel)
            ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
            ax.margins(x=0.12)
        else:
            ax.set_xticks(positions, [str(c) for c in categories])
            ax.set_ylabel(ylabel)
            ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
            ax.margins(y=0.12)
            if count > 6 or max((len(str(c)) for c in categories), default=0) > 6:
                for label in ax.get_xticklabels():
                    label.set_rotation(30)
                    label.set_horizontalalignment("right")
        ax.set_axisbelow(True)
        return _finish(fig, ax, title, len(data), dpi)


def line_chart(
    x: Sequence[str],
    series: Mapping[str, Sequence[Any]],
    *,
    title: str,
    ylabel: str,
    size_px: tuple[int, int] = (1200, 750),
    dpi: int = 150,
    markers: bool = True,
) -> bytes:
    """Draw one line per series over the labels ``x`` (years, quarters ...); return PNG bytes.

    Raises
    ------
    InvalidInputError
        ``report.chart_series_invalid`` when a series has the wrong number of values.
    """
    count = len(x)
    data = {name: _values(name, values, count) for name, values in series.items()}
    with mpl_context(**_RC):
        fig = _figure(size_px, dpi)
        ax = fig.add_subplot()
        positions = list(range(count))
        for index, (name, values) in enumerate(data.items()):
            ax.plot(
                positions,
                values,
                color=PALETTE[index % len(PALETTE)],
                marker="o" if markers else None,
                markersize=4,
                linewidth=1.8,
                label=name,
            )
        ax.set_xticks(positions, [str(v) for v in x])
        if count > 8:
            for label in ax.get_xticklabels():
                label.set_rotation(30)
                label.set_horizontalalignment("right")
        ax.set_ylabel(ylabel)
        ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
        return _finish(fig, ax, title, len(data), dpi)
