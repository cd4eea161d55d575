"""Extract a structured supply plan from a document's text.

The extractor reads the compact view (:mod:`guotu.documents.text`) line by line.
Table rows go to :mod:`guotu.documents._tables`; every other line is prose, read
sentence by sentence:

1. find each number with a unit (or a list of numbers sharing one unit, or 百分之…);
2. read its clause (the text back to the previous figure or punctuation) for the
   category (from the plan-label table), the district, the mode, the source, the
   qualifier and context markers;
3. fill what the clause leaves open from the lead figure of a "其中" (the parts
   inherit the dimensions of the total they break down), then from the headings
   above (``#### 1. 居住用地``);
4. a figure in parentheses right after another (``1843.24公顷（27647.42亩）``) is the
   same quantity in another unit; a percentage right after an area is its share.

Category codes are resolved once the whole document is read: a name such as
公共管理与公共服务用地 means 用地用海 08 when the plan lists 公用设施用地 and
绿地 separately, and the old GB/T 21010 group (08 + 13 + 14) otherwise.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from guotu.documents import _tables
from guotu.documents._lexicon import (
    CHANGE_AMOUNT_RE,
    CONTEXT_RE,
    FIGURE_RE,
    OTHER_AREA_RE,
    PARCEL_CAP_RE,
    SUPPLY_WORD_RE,
    TOTAL_WORD_RE,
    canonical_unit,
    find_district,
    find_method,
    find_mode,
    find_source,
    qualifier_after,
    qualifier_before,
)
from guotu.documents._meta import read_meta
from guotu.documents.text import Line, TextView
from guotu.domain.classification import PlanLabel, find_plan_labels
from guotu.domain.numerals import parse_chinese_numeral, parse_number
from guotu.domain.plan import Figure, SupplyPlan

__all__ = ["RawFigure", "extract_plan_text"]

logger = logging.getLogger(__name__)

_SENTENCE_END: Final = re.compile(r"[。；;！？!?\n]")
_CLAUSE_BREAK: Final = re.compile(r"[，,：:、]")
_EQUIVALENT_GAP: Final = re.compile(r"^[(（\[](?:合|折合|约|即|计|共)?$")
_SHARE_GAP: Final = re.compile(
    r"^[)）\]]?(?:以内|左右|以上)?[，,、]?(?:其中)?(?:占比|所占比例|占|比例|比重)"
    r"[\u4e00-\u9fa5]{0,16}?(?:的)?(?:为|是|达)?(?:约)?$|^[)）\]]?[，,、]?[(（]?$"
)
_CHANGE_WORDS: Final = re.compile(r"增长|减少|下降|提高|上升|增加|降低|同比|比上年|较上年")
_RESPECTIVELY: Final = re.compile(r"分别为|分别是|分别")
_OF_WHICH: Final = "其中"
_H3_WORDS: Final = re.compile(r"保障性住房|棚户区|中小套型")
_WHOLE_MODE: Final = re.compile(r"[)）]?[，,]?(?:全部|均|全部采用|全部通过)?以(出让|划拨|租赁)方式")


@dataclass
class RawFigure:
    """A figure while it is being read; becomes a :class:`Figure` at the end."""

    start: int
    end: int
    value: Decimal
    value_text: str
    unit: str
    sentence: tuple[int, int]
    measure: str = "supply_area"
    label: PlanLabel | None = None
    category_set: bool = False
    district: str | None = None
    mode: str | None = None
    method: str | None = None
    source: str | None = None
    qualifier: str | None = None
    context: bool = False
    equivalent_of: int | None = None
    share_of: int | None = None
    in_table: bool = False
    parcel: str | None = None
    text_span: tuple[int, int] | None = None
    inherited: dict[str, bool] = field(default_factory=dict)


@dataclass
class _Heading:
    level: int
    label: PlanLabel | None
    district: str | None
    mode: str | None
    source: str | None
    context: bool
    supply: bool = False


def _parse_value(text: str) -> Decimal:
    try:
        return parse_number(text)
    except ValueError:
        return parse_chinese_numeral(text)


def _heading_level(text: str) -> int:
    stripped = text.lstrip()
    if stripped.startswith("#"):
        return len(stripped) - len(stripped.lstrip("#"))
    if re.match(r"[一二三四五六七八九十]+[、.．]", stripped):
        return 2
    if re.match(r"[(（][一二三四五六七八九十]+[)）]", stripped):
        return 3
    if re.match(r"\d+[、.．]", stripped):
        return 4
    if re.match(r"[(（]\d+[)）]", stripped):
        return 5
    return 1


def _labels_in(text: str) -> list[tuple[int, int, PlanLabel]]:
    return [m for m in find_plan_labels(text) if m[2].kind != "total"]


def _mask(text: str, labels: list[tuple[int, int, PlanLabel]]) -> str:
    out = list(text)
    for start, end, _ in labels:
        out[start:end] = "，" * (end - start)
    return "".join(out)


class _ProseReader:
    """Reads the prose lines of one document into raw figures."""

    def __init__(self, view: TextView, plan_year: int | None, jurisdiction: str | None = None):
        self.view = view
        self.jurisdiction = jurisdiction
        self.text = view.compact
        self.plan_year = plan_year
        self.figures: list[RawFigure] = []
        self.headings: list[_Heading] = []

    def district_in(self, text: str) -> str | None:
        """Return the layout unit named in ``text``, never the plan's own jurisdiction."""
        name = find_district(text)
        if name and self.jurisdiction and (name == self.jurisdiction or name.startswith(self.jurisdiction + "本级")):
            return None
        return name

    # -- headings -------------------------------------------------------------------
    def push_heading(self, line: Line) -> None:
        raw = self.view.original_text(line.start, line.end) if line.end > line.start else ""
        text = self.text[line.start : line.end]
        level = _heading_level(raw)
        while self.headings and self.headings[-1].level >= level:
            self.headings.pop()
        labels = _labels_in(text)
        self.headings.append(
            _Heading(
                level=level,
                label=labels[-1][2] if labels else None,
                district=self.district_in(_mask(text, labels)),
                mode=find_mode(text),
                source=find_source(text),
                context=bool(CONTEXT_RE.search(text)) or self._only_other_years(text),
                supply=bool(re.search(r"供应|供地|布局|分布|结构|计划|规模", text)),
            )
        )

    def _heading_value(self, attr: str) -> object:
        for heading in reversed(self.headings):
            value = getattr(heading, attr)
            if value:
                return value
        return None

    # -- prose ----------------------------------------------------------------------
    def read_line(self, line: Line) -> None:
        text = self.text
        matches = list(FIGURE_RE.finditer(text, line.start, line.end))
        first_index = len(self.figures)
        for match in matches:
            for number_start, number_end, unit_text, unit_end in _expand(match):
                self._add(number_start, number_end, unit_text, unit_end, line, first_index)

    def _sentence(self, pos: int, line: Line) -> tuple[int, int]:
        start = line.start
        for m in _SENTENCE_END.finditer(self.text, line.start, pos):
            start = m.end()
        end_match = _SENTENCE_END.search(self.text, pos, line.end)
        return start, end_match.start() if end_match else line.end

    def _previous_in_sentence(self, sentence_start: int, first_index: int) -> RawFigure | None:
        for fig in reversed(self.figures[first_index:]):
            if fig.start >= sentence_start:
                return fig
            break
        return None

    def _add(
        self,
        start: int,
        end: int,
        unit_text: str,
        unit_end: int,
        line: Line,
        first_index: int,
    ) -> None:
        text = self.text
        value_text = text[start:end]
        if not any(c.isdigit() for c in value_text) and start > 0 and text[start - 1] in "数几上成":
            return  # 数十亩: not a figure
        try:
            value = _parse_value(value_text)
        except (ValueError, ArithmeticError):
            return
        unit = canonical_unit(unit_text) if unit_text != "百分之" else "%"
        sentence = self._sentence(start, line)
        previous = self._previous_in_sentence(sentence[0], first_index)
        fig = RawFigure(
            start=start,
            end=end,
            value=value,
            value_text=self.view.original_text(start, end),
            unit=unit,
            sentence=sentence,
            text_span=(start, unit_end),
        )
        gap_start = previous.text_span[1] if previous and previous.text_span else sentence[0]
        gap = text[gap_start:start]
        if previous is not None and _EQUIVALENT_GAP.match(gap) and unit not in ("%", "个百分点"):
            self._as_equivalent(fig, previous)
        elif unit in ("%", "个百分点"):
            self._as_percent(fig, previous, gap, sentence)
        else:
            self._as_area(fig, gap_start, line, first_index)
        fig.qualifier = fig.qualifier or qualifier_after(text[unit_end : unit_end + 4])
        whole_mode = _WHOLE_MODE.match(text, unit_end, sentence[1])
        if whole_mode and fig.mode is None and fig.unit != "%":
            fig.mode = whole_mode.group(1)
        if fig.equivalent_of is not None and fig.qualifier:
            lead = self.figures[fig.equivalent_of]
            lead.qualifier = lead.qualifier or fig.qualifier
        self.figures.append(fig)

    def _as_equivalent(self, fig: RawFigure, previous: RawFigure) -> None:
        fig.equivalent_of = self.figures.index(previous)
        for attr in (
            "measure",
            "label",
            "category_set",
            "district",
            "mode",
            "source",
            "qualifier",
            "context",
        ):
            setattr(fig, attr, getattr(previous, attr))

    def _as_percent(self, fig: RawFigure, previous: RawFigure | None, gap: str, sentence: tuple[int, int]) -> None:
        clause = self.text[sentence[0] : fig.start]
        fig.qualifier = qualifier_before(gap) or qualifier_before(clause) or _bound_in(gap)
        fig.context = bool(CONTEXT_RE.search(gap)) or self._other_year(gap)
        fig.context = fig.context or (previous is not None and previous.context and not _CLAUSE_BREAK.search(gap[:1]))
        if previous is not None and previous.context and re.search(r"完成|执行|实现", gap):
            fig.context = True
        if fig.unit == "个百分点" or _CHANGE_WORDS.search(gap):
            fig.measure = "other"
            return
        base = previous
        while base is not None and (base.equivalent_of is not None or base.unit == "%"):
            base = self.figures[base.equivalent_of] if base.equivalent_of is not None else None
        if base is not None and base.measure == "supply_area" and _SHARE_GAP.match(gap):
            fig.measure = "share"
            fig.share_of = self.figures.index(base)
            fig.context = base.context
            for attr in ("label", "category_set", "district", "mode", "source"):
                setattr(fig, attr, getattr(base, attr))
            return
        # "…占住房用地供应总量的79.35%": a share stated without its area. With a
        # bound (不低于…70%) it is a policy threshold instead.
        of_total = re.search(r"占[\u4e00-\u9fa5]{0,16}(?:总量|总面积|总规模)的?(?:比例|比重)?(?:为|是|达)?约?$", gap)
        of_total = of_total or re.search(r"(?:总量|总面积|总规模)的$", gap)
        of_total = of_total or (
            re.search(r"(?:合计|共计|小计|二者合计|两者合计)占(?:比)?(?:为|是|达)?约?$", gap)
            if _labels_in(gap)
            else None
        )
        if of_total and not (fig.qualifier in ("lower_bound", "upper_bound") and _H3_WORDS.search(clause)):
            fig.measure = "share"
            subject = gap[: of_total.start()] if of_total else gap
            labels = _labels_in(subject) or _labels_in(clause)
            housing = [lbl for _, _, lbl in labels if lbl.kind == "housing"]
            if housing:
                fig.label = housing[0]
            elif labels:
                fig.label = labels[0][2]
            return
        fig.measure = "other"

    def _as_area(self, fig: RawFigure, gap_start: int, line: Line, first_index: int) -> None:
        text = self.text
        clause_start = max(gap_start, sentence_start := fig.sentence[0])
        for m in _CLAUSE_BREAK.finditer(text, clause_start, fig.start):
            clause_start = m.end()
        clause = text[clause_start : fig.start]
        prefix = text[max(gap_start, sentence_start) : fig.start]
        labels = _labels_in(clause)
        after_text = text[fig.text_span[1] : fig.text_span[1] + 8] if fig.text_span else ""
        after_text = re.split(r"[，,。；;：:、\n]", after_text)[0]
        after_labels = _labels_in(after_text)
        masked = _mask(clause, labels)
        fig.qualifier = qualifier_before(clause)
        fig.mode = find_mode(masked)
        fig.method = find_method(masked)
        fig.source = find_source(masked)
        fig.district = self.district_in(masked)
        head = self._item_head(fig, clause_start)
        if not labels and head is not None:
            labels = _labels_in(head)
            if not fig.district:
                fig.district = self.district_in(_mask(head, labels))
        if labels:
            fig.label, fig.category_set = labels[-1][2], True
        elif after_labels and after_labels[0][0] <= 2:
            fig.label, fig.category_set = after_labels[0][2], True
        elif TOTAL_WORD_RE.search(clause):
            fig.category_set = True
        elif self._continues(fig, gap_start):
            # 住宅用地由60.20公顷调减为48.70公顷: one clause, two values of one quantity.
            previous = self._continues(fig, gap_start)
            assert previous is not None
            fig.label, fig.category_set = previous.label, True
            fig.district = fig.district or previous.district
        if fig.label is not None and fig.label.kind == "aggregate" and fig.mode:
            fig.label = None  # 经营性用地出让 names the mode, not a category (DOMAIN §3.5)
        sentence_prefix = text[sentence_start : fig.start]
        fig.context = bool(CONTEXT_RE.search(prefix)) or self._other_year(prefix)
        if re.search(r"由(?:原来的|原)?$", clause):
            fig.context = True  # 由60.20公顷调减为48.70公顷: the value before the change
        if re.search(r"建筑面积|建筑规模|住房面积|房屋面积", clause):
            fig.measure = "other"  # floor area, not land
        elif CHANGE_AMOUNT_RE.search(clause):
            fig.measure, fig.context = "other", True
        elif PARCEL_CAP_RE.search(clause):
            fig.measure = "parcel_area_cap"
        elif OTHER_AREA_RE.search(sentence_prefix) and not SUPPLY_WORD_RE.search(clause):
            fig.measure = "other"
        elif not (
            SUPPLY_WORD_RE.search(sentence_prefix)
            or labels
            or fig.district
            or self._heading_value("label")
            or self._heading_value("supply")
        ):
            fig.measure = "other"
        self._respectively(fig, sentence_start, first_index)
        self._inherit(fig, line, first_index)

    def _item_head(self, fig: RawFigure, clause_start: int) -> str | None:
        """Return the head of a "head：figures" item (（1）住宅用地：约26.8公顷; 某街道：计划供应…)."""
        start = fig.sentence[0]
        colon = self.text.rfind("：", start, clause_start)
        colon = max(colon, self.text.rfind(":", start, clause_start))
        if colon < 0 or any(f.start > start and f.start < colon for f in self.figures if f.sentence == fig.sentence):
            return None
        head = self.text[start:colon]
        return head if len(head) <= 24 else None

    def _continues(self, fig: RawFigure, gap_start: int) -> RawFigure | None:
        """Return the previous figure when nothing but a verb separates it from ``fig``."""
        if not self.figures or gap_start <= fig.sentence[0]:
            return None
        previous = self.figures[-1]
        gap = self.text[gap_start : fig.start]
        if previous.text_span and previous.text_span[1] == gap_start and not _CLAUSE_BREAK.search(gap):
            return previous if previous.label is not None and not _labels_in(gap) else None
        return None

    def _only_other_years(self, text: str) -> bool:
        """Whether a heading names years, none of them the plan year (三、2027—2028年供应安排)."""
        years = {int(y) for y in re.findall(r"((?:19|20)\d{2})", text)}
        return bool(self.plan_year and years and self.plan_year not in years)

    def _other_year(self, prefix: str) -> bool:
        if self.plan_year is None:
            return False
        years = [int(y) for y in re.findall(r"((?:19|20)\d{2})年", prefix)]
        return bool(years) and years[-1] != self.plan_year

    def _respectively(self, fig: RawFigure, sentence_start: int, first_index: int) -> None:
        """``住宅、商服用地分别为30、20公顷``: the n-th name goes with the n-th figure."""
        text = self.text
        marker = None
        for m in _RESPECTIVELY.finditer(text, sentence_start, fig.start):
            marker = m
        if marker is None:
            return
        names_text = text[sentence_start : marker.start()]
        after_prev = [f for f in self.figures[first_index:] if sentence_start <= f.start < marker.start()]
        if after_prev:
            names_text = text[after_prev[-1].end : marker.start()]
        items = [p for p in re.split(r"[、和及与,，]", names_text) if p]
        peers = [
            f
            for f in self.figures[first_index:]
            if f.start > marker.start() and f.equivalent_of is None and f.unit not in ("%",)
        ]
        position = len(peers)
        if position >= len(items):
            return
        item = items[position] if len(items) > 1 else ""
        labels = _labels_in(item)
        if not labels and position < len(items):
            # 工矿、仓储用地分别为…: the shared suffix completes the short names
            suffix = next((s for s in ("用地",) if names_text.endswith(s)), "")
            labels = _labels_in(item + suffix) if suffix and not item.endswith(suffix) else []
        if labels:
            fig.label, fig.category_set = labels[-1][2], True
        district = self.district_in(item)
        if district:
            fig.district = district

    def _lead_for(self, fig: RawFigure, line: Line, first_index: int) -> RawFigure | None:
        """Return the total a "其中" list breaks down, when ``fig`` is in one."""
        text = self.text
        pos = text.rfind(_OF_WHICH, line.start, fig.start)
        if pos < 0:
            return None
        if _SENTENCE_END.search(text, pos, fig.start):
            return None  # the 其中 belongs to an earlier sentence
        candidates = [
            f for f in self.figures if f.start < pos and f.equivalent_of is None and f.measure == "supply_area"
        ]
        return candidates[-1] if candidates else None

    def _inherit(self, fig: RawFigure, line: Line, first_index: int) -> None:
        lead = self._lead_for(fig, line, first_index)
        if lead is not None:
            if not fig.category_set and lead.label is not None:
                fig.label, fig.inherited["category"] = lead.label, True
            for attr in ("district", "mode", "source"):
                if getattr(fig, attr) is None and getattr(lead, attr) is not None:
                    setattr(fig, attr, getattr(lead, attr))
                    fig.inherited[attr] = True
            fig.context = fig.context or lead.context
            if fig.measure == "other" and lead.measure == "supply_area" and not fig.context:
                fig.measure = "supply_area"
        if not fig.category_set and fig.label is None:
            label = self._heading_value("label")
            if isinstance(label, PlanLabel):
                fig.label = label
        for attr in ("district", "mode", "source"):
            if getattr(fig, attr) is None:
                value = self._heading_value(attr)
                if isinstance(value, str):
                    setattr(fig, attr, value)
        if self._heading_value("context"):
            fig.context = True


def _bound_in(text: str) -> str | None:
    """Return a bound stated anywhere before a percentage: 不低于住房用地供应总量的70%."""
    if re.search(r"不低于|不少于|至少|不小于", text):
        return "lower_bound"
    if re.search(r"不超过|不高于|不大于|控制在|不得超过|不得高于|不应超过", text):
        return "upper_bound"
    return None


def _expand(match: re.Match[str]) -> list[tuple[int, int, str, int]]:
    """Split a match into (number start, number end, unit text, unit end) items."""
    if match.group("pnum") is not None:
        return [(match.start("pnum"), match.end("pnum"), "百分之", match.end())]
    unit_text = match.group("unit")
    items: list[tuple[int, int, str, int]] = []
    if match.group("list"):
        for number in re.finditer(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", match.group("list")):
            start = match.start("list") + number.start()
            items.append((start, start + len(number.group(0)), unit_text, start + len(number.group(0))))
    items.append((match.start("num"), match.end("num"), unit_text, match.end()))
    return items


def _choose_codes(figures: list[RawFigure]) -> dict[str, tuple[str, ...]]:
    """Decide, per label, which scheme's reading applies in this document.

    A name such as 公共管理与公共服务用地 reads as 用地用海 08 when the plan lists the
    classes its old GB/T 21010 meaning also covered (公用设施 13, 绿地 14) as
    categories of their own, and as the old, wider group (08 + 13 + 14) otherwise.
    Only whole level-1 classes count: a narrower or sub-class difference keeps the
    用地用海 reading.
    """
    labels = {f.label.label: f.label for f in figures if f.label is not None}
    chosen: dict[str, tuple[str, ...]] = {}
    for name, label in labels.items():
        own_l1 = {code[:2] for code in label.codes}
        extra_l1 = {c for c in label.codes_gbt if len(c) == 2} - own_l1
        # 水工设施 (1311) was never part of the old 公共管理与公共服务用地 (it was 1109).
        others_l1 = {
            code[:2] for other in labels.values() if other is not label for code in other.codes if code != "1311"
        }
        if extra_l1 and not (extra_l1 & others_l1):
            chosen[name] = tuple(label.codes_gbt)
        else:
            chosen[name] = tuple(label.codes)
    return chosen


def _finalise(raw: list[RawFigure], view: TextView) -> tuple[Figure, ...]:
    order = sorted(range(len(raw)), key=lambda i: (raw[i].start, raw[i].end))
    new_id = {old: f"f{n + 1}" for n, old in enumerate(order)}
    codes = _choose_codes(raw)
    out: list[Figure] = []
    for old in order:
        fig = raw[old]
        start, end = fig.text_span or (fig.start, fig.end)
        span = view.original_span(start, end)
        sentence = view.original_text(*fig.sentence).strip()
        label = fig.label
        out.append(
            Figure(
                id=new_id[old],
                value=fig.value,
                value_text=fig.value_text,
                unit=fig.unit,
                measure=fig.measure,
                span=span,
                text=sentence,
                category=label.label if label else None,
                category_codes=codes.get(label.label, ()) if label else (),
                housing=bool(label and label.kind == "housing" and fig.measure != "parcel_area_cap"),
                district=fig.district,
                mode=fig.mode,
                method=fig.method,
                source=fig.source,
                qualifier=fig.qualifier,
                context=fig.context,
                equivalent_of=new_id.get(fig.equivalent_of) if fig.equivalent_of is not None else None,
                share_of=new_id.get(fig.share_of) if fig.share_of is not None else None,
                in_table=fig.in_table,
                parcel=fig.parcel,
            )
        )
    return tuple(out)


def _guiding_categories(compact: str, figures: tuple[Figure, ...]) -> tuple[str, ...]:
    """Categories the plan declares guiding (指导性计划) rather than binding (指令性)."""
    guiding: list[str] = []
    binding: set[str] = set()
    rest_guiding = False
    for clause in re.split(r"[。；;\n，,]", compact):
        names = [label.label for _, _, label in _labels_in(clause)]
        if "指令性" in clause:
            binding.update(names)
        elif "指导性计划" in clause or "指导性指标" in clause:
            if not names and re.search(r"其余|其他|其它", clause):
                rest_guiding = True
            guiding.extend(n for n in names if n not in guiding)
    if rest_guiding:
        for fig in figures:
            if fig.category and fig.is_planned_area and not fig.housing:
                if fig.category not in binding and fig.category not in guiding:
                    guiding.append(fig.category)
    return tuple(guiding)


def extract_plan_text(text: str, *, source: dict[str, object] | None = None) -> SupplyPlan:
    """Extract a :class:`SupplyPlan` (figures and metadata, no findings) from ``text``.

    Parameters
    ----------
    text
        The document's text; figure spans refer to it.
    source
        Where the text came from (path, format, sha256 ...), kept on the plan.

    Examples
    --------
    >>> plan = extract_plan_text("某县2026年度国有建设用地供应计划。全县计划供应国有建设用地约120.50公顷，"
    ...                          "其中住宅用地30.20公顷，工矿仓储用地90.30公顷。")
    >>> [(str(f.value), f.category, f.qualifier) for f in plan.figures]  # doctest: +NORMALIZE_WHITESPACE
    [('120.50', None, 'approximate'), ('30.20', '住宅用地', None),
     ('90.30', '工矿仓储用地', None)]
    """
    view = TextView.build(text)
    meta = read_meta(view.compact)
    reader = _ProseReader(view, meta.year, meta.jurisdiction)
    lines = view.lines
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.kind == "table":
            j = i
            while j < len(lines) and lines[j].kind == "table":
                j += 1
            caption = [ln for ln in lines[max(0, i - 2) : i] if ln.kind != "table"]
            reader.figures.extend(
                _tables.read_table(
                    view,
                    lines[i:j],
                    caption,
                    reader.headings,
                    len(reader.figures),
                    reader.district_in,
                    meta.year,
                )
            )
            i = j
            continue
        if line.kind == "heading":
            reader.push_heading(line)
        reader.read_line(line)
        i += 1
    figures = _finalise(reader.figures, view)
    title = view.original_text(*meta.title_span) if meta.title_span else None
    return SupplyPlan(
        jurisdiction=meta.jurisdiction,
        scope=meta.scope,
        year=meta.year,
        status=meta.status,
        title=re.sub(r"\s+", "", title) if title else None,
        document_number=meta.document_number,
        issuer=meta.issuer,
        date=meta.date,
        guiding_categories=_guiding_categories(view.compact, figures),
        attachments=meta.attachments,
        figures=figures,
        text=text,
        source=dict(source or {}),
    )
