"""The supply plan model: figures with provenance, and the plan that holds them.

A :class:`Figure` is one number printed in a plan document with what it measures,
its dimensions (category, district, supply mode, source), its qualifier and the
exact place in the text it came from. A :class:`SupplyPlan` is the document's
metadata plus its figures and the findings of the checks. ``to_dict`` gives the
stable JSON contract described by ``docs/plan.schema.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Final

from guotu.domain.findings import Finding, Severity

__all__ = [
    "MEASURES",
    "METHODS",
    "MODES",
    "QUALIFIERS",
    "SOURCES",
    "STATUSES",
    "Attachment",
    "Figure",
    "SupplyPlan",
]

#: What a figure measures.
MEASURES: Final = ("supply_area", "share", "parcel_area_cap", "other")
#: Grant methods (出让方式).
METHODS: Final = ("招拍挂", "协议", "招标", "拍卖", "挂牌")
#: Supply modes (供应方式).
MODES: Final = ("出让", "划拨", "租赁")
#: Sources of the land (新增 / 存量 建设用地).
SOURCES: Final = ("新增", "存量")
#: Qualifiers: 约/左右 approximate, 控制在…以内/不超过 upper bound, 不低于/以上 lower bound.
QUALIFIERS: Final = ("approximate", "upper_bound", "lower_bound")
#: Plan statuses: 征求意见稿 draft, 已批准 approved, 已公布 published, 已调整 adjusted.
STATUSES: Final = ("draft", "approved", "published", "adjusted")


@dataclass(frozen=True)
class Figure:
    """One figure of a plan document, exactly as printed, with its meaning.

    Parameters
    ----------
    id
        ``f1``, ``f2`` ... in document order.
    value
        The value as written (Chinese numerals and full-width digits converted,
        thousands separators removed), never rounded.
    unit
        Canonical unit: 公顷, 亩, 万亩, 平方米, 万平方米, 平方千米, 万公顷 or %.
    measure
        ``supply_area``, ``share``, ``parcel_area_cap`` or ``other``.
    category, category_codes
        The land-use category as written (or None) and its 用地用海 (2023) codes.
    housing
        True for a housing sub-item (保障性住房 ...), part of 住宅用地.
    district, mode, source
        Layout unit as written, 出让/划拨/租赁, 新增/存量 (each or None).
    method
        How land is granted (出让方式): 招拍挂, 协议, 招标, 拍卖 or 挂牌, or None.
    qualifier
        ``approximate``, ``upper_bound``, ``lower_bound`` or None.
    context
        True for figures that are not this plan's planned supply (history,
        comparisons, national figures, policy thresholds).
    span
        ``(start, end)`` of the number and unit in the document text.
    text
        The sentence the figure came from.
    value_text
        The number exactly as it appears in the document.
    equivalent_of
        ID of the figure this one restates in another unit (``1843.24公顷（27647.42亩）``).
    share_of
        For a share: ID of the area figure it is the share of.
    in_table
        True when the figure is a table cell.
    parcel
        The parcel number (地块编号) when the figure is a row of a parcel list (宗地表).
    """

    id: str
    value: Decimal
    unit: str
    measure: str
    span: tuple[int, int]
    text: str
    value_text: str = ""
    category: str | None = None
    category_codes: tuple[str, ...] = ()
    housing: bool = False
    district: str | None = None
    mode: str | None = None
    method: str | None = None
    source: str | None = None
    qualifier: str | None = None
    context: bool = False
    equivalent_of: str | None = None
    share_of: str | None = None
    in_table: bool = False
    parcel: str | None = None

    @property
    def is_planned_area(self) -> bool:
        """True for a planned supply area (not context, not a share)."""
        return self.measure == "supply_area" and not self.context and self.parcel is None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the figure."""
        return {
            "id": self.id,
            "value": str(self.value),
            "value_text": self.value_text,
            "unit": self.unit,
            "measure": self.measure,
            "category": self.category,
            "category_codes": list(self.category_codes),
            "housing": self.housing,
            "district": self.district,
            "mode": self.mode,
            "method": self.method,
            "source": self.source,
            "qualifier": self.qualifier,
            "context": self.context,
            "equivalent_of": self.equivalent_of,
            "share_of": self.share_of,
            "in_table": self.in_table,
            "parcel": self.parcel,
            "span": [self.span[0], self.span[1]],
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figure:
        """Rebuild a figure from :meth:`to_dict` output (the inverse, exactly)."""
        span = data.get("span") or (0, 0)
        return cls(
            id=str(data["id"]),
            value=Decimal(str(data["value"])),
            unit=str(data["unit"]),
            measure=str(data["measure"]),
            span=(int(span[0]), int(span[1])),
            text=str(data.get("text", "")),
            value_text=str(data.get("value_text", "")),
            category=data.get("category"),
            category_codes=tuple(data.get("category_codes") or ()),
            housing=bool(data.get("housing", False)),
            district=data.get("district"),
            mode=data.get("mode"),
            method=data.get("method"),
            source=data.get("source"),
            qualifier=data.get("qualifier"),
            context=bool(data.get("context", False)),
            equivalent_of=data.get("equivalent_of"),
            share_of=data.get("share_of"),
            in_table=bool(data.get("in_table", False)),
            parcel=data.get("parcel"),
        )


@dataclass(frozen=True)
class Attachment:
    """An attachment the plan names (附件), and whether its content is in the document."""

    title: str
    present: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {"title": self.title, "present": self.present}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attachment:
        """Rebuild from :meth:`to_dict` output."""
        return cls(title=str(data["title"]), present=bool(data["present"]))


@dataclass(frozen=True)
class SupplyPlan:
    """A 国有建设用地供应计划 as read from a document.

    Parameters
    ----------
    jurisdiction
        The issuing jurisdiction as named (阳泉市, 巴楚县 ...).
    year
        The plan year.
    status
        One of :data:`STATUSES` or None when the document does not say.
    scope
        A scope qualifier such as 市本级, when the plan names one.
    figures, findings
        What was extracted and what the checks found.
    text
        The document text that every figure span refers to.
    source
        Where the text came from (path, format, sha256, size).
    """

    jurisdiction: str | None
    year: int | None
    status: str | None
    figures: tuple[Figure, ...]
    text: str
    findings: tuple[Finding, ...] = ()
    scope: str | None = None
    title: str | None = None
    document_number: str | None = None
    issuer: str | None = None
    date: str | None = None
    guiding_categories: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    source: dict[str, Any] = field(default_factory=dict)
    checks: tuple[dict[str, Any], ...] = ()

    def figure(self, figure_id: str) -> Figure:
        """Return the figure with ``figure_id`` (KeyError when absent)."""
        for fig in self.figures:
            if fig.id == figure_id:
                return fig
        raise KeyError(figure_id)

    def with_findings(self, findings: tuple[Finding, ...], checks: tuple[dict[str, Any], ...] = ()) -> SupplyPlan:
        """Return a copy carrying ``findings`` (and the list of checks run)."""
        return replace(self, findings=findings, checks=checks)

    @property
    def has_errors(self) -> bool:
        """True when a finding has error severity."""
        return any(f.severity.value == "error" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """Return the stable JSON contract (see ``docs/plan.schema.json``)."""
        return {
            "jurisdiction": self.jurisdiction,
            "scope": self.scope,
            "year": self.year,
            "status": self.status,
            "title": self.title,
            "document_number": self.document_number,
            "issuer": self.issuer,
            "date": self.date,
            "guiding_categories": list(self.guiding_categories),
            "attachments": [a.to_dict() for a in self.attachments],
            "source": dict(self.source),
            "figures": [f.to_dict() for f in self.figures],
            "findings": [f.to_dict() for f in self.findings],
            "checks": [dict(c) for c in self.checks],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, text: str = "") -> SupplyPlan:
        """Rebuild a plan from :meth:`to_dict` output.

        ``to_dict`` does not carry the document text, so ``text`` (default empty)
        supplies it; everything else round-trips exactly.
        """
        year = data.get("year")
        return cls(
            jurisdiction=data.get("jurisdiction"),
            year=int(year) if year is not None else None,
            status=data.get("status"),
            figures=tuple(Figure.from_dict(f) for f in data.get("figures") or ()),
            text=str(data.get("text", text)),
            findings=tuple(_finding_from_dict(f) for f in data.get("findings") or ()),
            scope=data.get("scope"),
            title=data.get("title"),
            document_number=data.get("document_number"),
            issuer=data.get("issuer"),
            date=data.get("date"),
            guiding_categories=tuple(data.get("guiding_categories") or ()),
            attachments=tuple(Attachment.from_dict(a) for a in data.get("attachments") or ()),
            source=dict(data.get("source") or {}),
            checks=tuple(dict(c) for c in data.get("checks") or ()),
        )


def _finding_from_dict(data: dict[str, Any]) -> Finding:
    """Rebuild a :class:`Finding` from its ``to_dict`` form."""
    return Finding(
        rule=str(data["rule"]),
        severity=Severity(data["severity"]),
        message_zh=str(data.get("message_zh", "")),
        message_en=str(data.get("message_en", "")),
        evidence=dict(data.get("evidence") or {}),
        figures=tuple(data.get("figures") or ()),
        legal_source=str(data.get("legal_source", "")),
    )
