"""The key project list (重点建设项目清单) of a master-plan maintenance.

A maintenance scheme reviews the list of key construction projects (DOMAIN.md §8.5):
each project has a status (实施 / 延续 / 撤销 / 更新 / 新增) and a mapping mode
(精准上图 / 示意上图 / 增补清单). 精准上图 projects are linked to polygons. The
scheme states counts by status that must add up to its total; the Yangquan 2026
scheme: 118 + 229 + 22 + 15 + 180 = 564 — the 564 *include* the 22 撤销 projects,
so 542 projects remain in the list after maintenance.

This is a design derived from the seed, not from a national standard.

Examples
--------
>>> header = ["项目编号", "项目名称", "项目状态", "上图方式"]
>>> projects = parse_project_table(header, [["P1", "医院", "新增", "精准上图"], ["P2", "道路", "延续", "示意上图"]])
>>> counts = count_projects(projects)
>>> counts.total, counts.by_status["新增"], counts.by_mode["示意上图"], counts.remaining
(2, 1, 1, 2)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Final

from guotu.domain.findings import Finding, Severity
from guotu.errors import InvalidInputError

__all__ = [
    "HEADER_ALIASES",
    "PROJECT_RULE",
    "KeyProject",
    "MappingMode",
    "ProjectCounts",
    "ProjectStatus",
    "count_projects",
    "parse_project_table",
    "reconcile_counts",
]


class ProjectStatus(StrEnum):
    """Status of a project in the maintenance (the scheme's order)."""

    IMPLEMENT = "实施"
    CONTINUE = "延续"
    CANCEL = "撤销"
    UPDATE = "更新"
    NEW = "新增"


class MappingMode(StrEnum):
    """How a project is put on the one map."""

    PRECISE = "精准上图"
    SCHEMATIC = "示意上图"
    LIST_ONLY = "增补清单"


#: Header names recognised for each column (after removing spaces and bracketed units).
HEADER_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "code": ("项目编号", "项目代码", "编号", "项目编码", "XMBH", "XMDM"),
    "name": ("项目名称", "名称", "XMMC"),
    "status": ("项目状态", "状态", "维护状态", "维护类型", "清单状态"),
    "mode": ("上图方式", "上图类型", "纳入方式"),
    "district": ("所在区县", "行政区", "区县", "所在行政区", "行政区代码", "XZQDM"),
    "category": ("项目类型", "项目类别", "类别", "行业"),
    "area_ha": ("用地面积", "用地规模", "面积"),
    "note": ("备注", "说明"),
}

#: The rule the count reconciliation cites (derived; the list is a design from the seed).
PROJECT_RULE: Final = "M7"
_SOURCE: Final = "派生一致性规则（重点建设项目清单分项之和等于总数，DOMAIN.md §8.5）"


@dataclass(frozen=True)
class KeyProject:
    """One project of the list."""

    code: str
    name: str
    status: ProjectStatus
    mode: MappingMode
    district: str | None = None
    category: str | None = None
    area_ha: Decimal | None = None
    note: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "code": self.code,
            "name": self.name,
            "status": self.status.value,
            "mode": self.mode.value,
            "district": self.district,
            "category": self.category,
            "area_ha": None if self.area_ha is None else str(self.area_ha),
            "note": self.note,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KeyProject:
        """Inverse of :meth:`to_dict`."""
        area = data.get("area_ha")
        return cls(
            code=str(data["code"]),
            name=str(data.get("name") or ""),
            status=ProjectStatus(str(data["status"])),
            mode=MappingMode(str(data["mode"])),
            district=data.get("district"),
            category=data.get("category"),
            area_ha=None if area in (None, "") else Decimal(str(area)),
            note=str(data.get("note") or ""),
            extra=dict(data.get("extra") or {}),
        )


def _normalise_header(text: Any) -> str:
    plain = re.sub(r"[（(][^）)]*[）)]", "", str(text or ""))
    return re.sub(r"\s+", "", plain).upper()


def _columns(header: Sequence[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    normalised = [_normalise_header(h) for h in header]
    for key, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            if alias.upper() in normalised:
                found[key] = normalised.index(alias.upper())
                break
    missing = [k for k in ("code", "status", "mode") if k not in found]
    if missing:
        raise InvalidInputError(
            "projects.columns_missing",
            missing=", ".join(HEADER_ALIASES[k][0] for k in missing),
            header=", ".join(str(h) for h in header),
        )
    return found


def _cell(row: Sequence[Any], index: int | None) -> str:
    if index is None or index >= len(row) or row[index] is None:
        return ""
    value = row[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _enum_value(enum: type[ProjectStatus] | type[MappingMode], text: str, line: int, column: str) -> Any:
    for member in enum:
        if text == member.value or (text and member.value.startswith(text) and len(text) >= 2):
            return member
    raise InvalidInputError(
        "projects.value_unknown", line=line, column=column, value=text, choices="、".join(m.value for m in enum)
    )


def parse_project_table(
    header: Sequence[Any], rows: Sequence[Sequence[Any]], *, first_line: int = 2
) -> list[KeyProject]:
    """Read the rows of a project table whose columns are recognised by their Chinese headers.

    Parameters
    ----------
    header
        The header row (see :data:`HEADER_ALIASES`; 项目编号, 项目状态 and 上图方式 are required).
    rows
        The data rows; blank rows are skipped.
    first_line
        Line number of the first row, for messages.

    Raises
    ------
    InvalidInputError
        ``projects.columns_missing``, ``projects.value_unknown`` (a status or mode not in the list),
        ``projects.code_missing``, ``projects.code_duplicate``, ``projects.area_invalid``.
    """
    columns = _columns(header)
    known = set(columns.values())
    projects: list[KeyProject] = []
    seen: dict[str, int] = {}
    for offset, row in enumerate(rows):
        line = first_line + offset
        if all(_cell(row, i) == "" for i in range(len(row))):
            continue
        code = _cell(row, columns["code"])
        if not code:
            raise InvalidInputError("projects.code_missing", line=line)
        if code in seen:
            raise InvalidInputError("projects.code_duplicate", code=code, line=line, first=seen[code])
        seen[code] = line
        area_text = _cell(row, columns.get("area_ha"))
        try:
            area = Decimal(area_text) if area_text else None
        except InvalidOperation:
            raise InvalidInputError("projects.area_invalid", line=line, value=area_text) from None
        extra = {str(header[i]): _cell(row, i) for i in range(min(len(header), len(row))) if i not in known}
        projects.append(
            KeyProject(
                code=code,
                name=_cell(row, columns.get("name")),
                status=_enum_value(ProjectStatus, _cell(row, columns["status"]), line, "项目状态"),
                mode=_enum_value(MappingMode, _cell(row, columns["mode"]), line, "上图方式"),
                district=_cell(row, columns.get("district")) or None,
                category=_cell(row, columns.get("category")) or None,
                area_ha=area,
                note=_cell(row, columns.get("note")),
                extra={k: v for k, v in extra.items() if v},
            )
        )
    return projects


@dataclass(frozen=True)
class ProjectCounts:
    """Counts of a project list by status, by mode and by both."""

    total: int
    by_status: dict[str, int]
    by_mode: dict[str, int]
    by_status_mode: dict[str, dict[str, int]]
    linked: int = 0

    @property
    def remaining(self) -> int:
        """Projects still in the list after maintenance (all but 撤销)."""
        return self.total - self.by_status.get(ProjectStatus.CANCEL.value, 0)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "total": self.total,
            "remaining": self.remaining,
            "by_status": dict(self.by_status),
            "by_mode": dict(self.by_mode),
            "by_status_mode": {k: dict(v) for k, v in self.by_status_mode.items()},
            "linked": self.linked,
        }


def count_projects(projects: Sequence[KeyProject], *, linked: Sequence[str] = ()) -> ProjectCounts:
    """Count projects by status and mapping mode (every status and mode listed, zeros included)."""
    by_status = {s.value: 0 for s in ProjectStatus}
    by_mode = {m.value: 0 for m in MappingMode}
    both = {s.value: {m.value: 0 for m in MappingMode} for s in ProjectStatus}
    for p in projects:
        by_status[p.status.value] += 1
        by_mode[p.mode.value] += 1
        both[p.status.value][p.mode.value] += 1
    codes = {p.code for p in projects}
    return ProjectCounts(len(projects), by_status, by_mode, both, linked=len(codes & set(linked)))


def _finding(severity: Severity, zh: str, en: str, **evidence: Any) -> Finding:
    return Finding(
        rule=PROJECT_RULE,
        severity=severity,
        message_zh=zh,
        message_en=en,
        evidence={k: str(v) for k, v in evidence.items()},
        legal_source=_SOURCE,
    )


def reconcile_counts(
    counts: ProjectCounts | None = None,
    *,
    stated_total: int | None = None,
    stated_by_status: Mapping[str, int] | None = None,
    unlinked_precise: Sequence[str] = (),
) -> list[Finding]:
    """Check that the counts by status add up to the total, and agree with what a scheme states.

    Parameters
    ----------
    counts
        Counted from the list (None: check the stated figures against each other only).
    stated_total, stated_by_status
        The scheme's figures (e.g. 564 and 实施 118, 延续 229, 撤销 22, 更新 15, 新增 180).
    unlinked_precise
        Codes of 精准上图 projects without geometry (each a warning).

    Examples
    --------
    >>> [f.severity.value for f in reconcile_counts(stated_total=564,
    ...     stated_by_status={"实施": 118, "延续": 229, "撤销": 22, "更新": 15, "新增": 180})]
    ['info']
    """
    out: list[Finding] = []
    if stated_by_status is not None:
        unknown = [k for k in stated_by_status if k not in {s.value for s in ProjectStatus}]
        if unknown:
            raise InvalidInputError("projects.value_unknown", line=0, column="项目状态", value=",".join(unknown),
                                    choices="、".join(s.value for s in ProjectStatus))  # fmt: skip
        order = [s.value for s in ProjectStatus]
        stated_by_status = {k: stated_by_status[k] for k in sorted(stated_by_status, key=order.index)}
        parts = sum(stated_by_status.values())
        terms = " + ".join(f"{v}（{k}）" for k, v in stated_by_status.items())
        if stated_total is not None:
            ok = parts == stated_total
            out.append(
                _finding(
                    Severity.INFO if ok else Severity.ERROR,
                    f"重点建设项目：{terms} = {parts}{'，等于' if ok else '，不等于'}总数 {stated_total}",
                    f"Key projects: {parts} by status {'equals' if ok else 'differs from'} the total {stated_total}",
                    parts=parts,
                    total=stated_total,
                )
            )
    if counts is not None:
        if stated_total is not None and counts.total != stated_total:
            out.append(
                _finding(
                    Severity.ERROR,
                    f"清单项目数 {counts.total} 与方案表述的总数 {stated_total} 不符",
                    f"The list has {counts.total} projects, the scheme states {stated_total}",
                    counted=counts.total,
                    stated=stated_total,
                )
            )
        for status, stated in (stated_by_status or {}).items():
            counted = counts.by_status.get(status, 0)
            if counted != stated:
                out.append(
                    _finding(
                        Severity.ERROR,
                        f"「{status}」项目清单中为 {counted} 项，方案表述 {stated} 项",
                        f"{counted} projects with status {status} in the list, the scheme states {stated}",
                        status=status,
                        counted=counted,
                        stated=stated,
                    )
                )
    for code in unlinked_precise:
        out.append(
            _finding(
                Severity.WARNING,
                f"精准上图项目 {code} 没有对应的图形",
                f"Precisely mapped project {code} has no geometry",
                code=code,
            )
        )
    return sorted(out, key=lambda f: f.severity.rank)
