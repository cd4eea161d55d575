"""The report kit's CJK fonts and PNG charts (matplotlib, real rendering)."""

from __future__ import annotations

import io
import warnings
from decimal import Decimal

import pytest
from PIL import Image

from guotu.errors import InvalidInputError
from guotu.reports.charts import PALETTE, bar_chart, line_chart
from guotu.reports.fonts import cjk_font_family, cjk_font_path, cjk_serif_family, mpl_context

PNG = b"\x89PNG\r\n\x1a\n"


def _image(png: bytes) -> Image.Image:
    assert png.startswith(PNG)
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


def _has_colour(image: Image.Image, hex_colour: str, tolerance: int = 8) -> bool:
    target = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    colours = image.getcolors(maxcolors=1 << 20) or []
    return any(
        all(abs(a - b) <= tolerance for a, b in zip(rgb, target, strict=True))  # type: ignore[arg-type]
        for _, rgb in colours
    )


def test_the_cjk_font_is_installed_and_known_to_matplotlib() -> None:
    from matplotlib import font_manager

    path = cjk_font_path()
    assert path is not None and path.is_file(), "install fonts-noto-cjk"
    family = cjk_font_family()
    assert family == "Noto Sans CJK SC"
    names = {entry.name for entry in font_manager.fontManager.ttflist}
    assert family in names
    assert cjk_serif_family() == "Noto Serif CJK SC"
    found = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert "CJK" in found


def test_mpl_context_applies_the_family_and_restores_it() -> None:
    import matplotlib

    before = list(matplotlib.rcParams["font.sans-serif"])
    with mpl_context():
        assert matplotlib.rcParams["font.sans-serif"][0] == cjk_font_family()
        assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert list(matplotlib.rcParams["font.sans-serif"]) == before


def test_a_stale_font_cache_is_repaired(monkeypatch: pytest.MonkeyPatch) -> None:
    # A matplotlib cache built before fonts-noto-cjk was installed has no CJK entry: the kit adds the file.
    from matplotlib import font_manager

    from guotu.reports import fonts

    stale = [entry for entry in font_manager.fontManager.ttflist if "CJK" not in entry.name]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    fonts._register_with_matplotlib.cache_clear()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            png = bar_chart(["耕地"], {"面积": [1]}, title="缓存", ylabel="公顷", size_px=(300, 200), dpi=100)
        assert png.startswith(PNG)
        assert any(entry.name == cjk_font_family() for entry in font_manager.fontManager.ttflist)
    finally:
        fonts._register_with_matplotlib.cache_clear()


def test_a_missing_glyph_would_be_reported() -> None:
    # The charts below rely on matplotlib warning about glyphs missing from the font
    # (pytest turns warnings into errors): check that DejaVu alone does warn on Chinese.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1))
    FigureCanvasAgg(fig)
    fig.text(0.1, 0.5, "耕地", family="DejaVu Sans")
    with pytest.warns(UserWarning, match="[Gg]lyph"):
        fig.savefig(io.BytesIO(), format="png")


def test_bar_chart_png_with_chinese_labels_and_no_missing_glyphs() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = bar_chart(
            ["住宅用地", "工业用地", "公共管理与公共服务用地"],
            {"计划": [Decimal("100.50"), 80, 30], "完成": [45.6, None, Decimal("-5")]},
            title="2026年供地完成情况",
            ylabel="面积（公顷）",
            size_px=(900, 600),
            dpi=120,
        )
    image = _image(png)
    assert image.size == (900, 600)
    assert _has_colour(image, PALETTE[0]) and _has_colour(image, PALETTE[1])


def test_horizontal_and_stacked_bars() -> None:
    png = bar_chart(["小店区", "迎泽区"], {"甲": [1, 2], "乙": [3, 4]}, title="各区", ylabel="公顷", horizontal=True)
    assert _image(png).size == (1200, 750)
    png = bar_chart(["一季度", "二季度"], {"甲": [1, 2], "乙": [3, 4]}, title="季度", ylabel="公顷", stacked=True)
    assert _has_colour(_image(png), PALETTE[1])


def test_line_chart_png() -> None:
    png = line_chart(
        ["2026Q1", "2026Q2", "2026Q3", "2026Q4"],
        {"耕地保有量": [100, 101, None, Decimal("99.5")], "目标": [100, 100, 100, 100]},
        title="耕地保有量变化",
        ylabel="万亩",
    )
    image = _image(png)
    assert image.size == (1200, 750)
    assert _has_colour(image, PALETTE[0])
    # Not blank: many distinct colours (text antialiasing, lines).
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 20


@pytest.mark.parametrize(
    ("series", "params"),
    [
        ({"计划": [1, 2, 3]}, {"series": "计划", "values": 3, "categories": 2}),
        ({"计划": [1, "多"]}, {"series": "计划", "values": 2, "categories": 2}),
    ],
)
def test_a_bad_series_is_refused(series: dict[str, list[object]], params: dict[str, object]) -> None:
    with pytest.raises(InvalidInputError) as info:
        bar_chart(["甲", "乙"], series, title="t", ylabel="y")
    assert info.value.code == "report.chart_series_invalid"
    assert info.value.params == params
    with pytest.raises(InvalidInputError):
        line_chart(["甲", "乙"], series, title="t", ylabel="y")


def test_a_bad_size_is_refused() -> None:
    with pytest.raises(InvalidInputError) as info:
        bar_chart(["甲"], {"a": [1]}, title="t", ylabel="y", size_px=(10, 10))
    assert info.value.code == "report.size_invalid"
