"""Plan storage: approved supply plans as versions, adjustments (计划调整) and the version in force.

A plan is stored per jurisdiction (by CODE: 阳泉市 → ``140300``) and year as numbered
versions (records of kind ``plan_version``, key ``"{jurisdiction}:{year}:{version:03d}"``).
An adjustment (国土资发〔2010〕117号 第11章) is a new version with its approving
document and effective date; every earlier version stays readable, and execution is
measured against the version in force on each date.

In force on a date
    A version whose status is 已批准 or 已公布 is in force from its effective date
    until the effective date of a later version. When a plan is saved without an
    effective date, it takes effect on 1 January of the plan year (an annual plan
    covers the whole year). If periods tie, the higher version number wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from guotu.domain.jurisdiction_data import find_jurisdiction
from guotu.domain.plan import SupplyPlan
from guotu.errors import ConflictError, InvalidInputError, NotFoundError
from guotu.services.audit import audited
from guotu.store.base import Record, Store

__all__ = [
    "KIND",
    "PLAN_STATUSES",
    "PlanVersion",
    "adjust_plan",
    "get_plan_version",
    "list_plans",
    "plan_in_force",
    "resolve_jurisdiction",
    "save_plan",
]

#: Record kind of a stored plan version.
KIND: Final = "plan_version"
#: Statuses of a stored version: 草案 (not in force), 已批准, 已公布 (both in force).
PLAN_STATUSES: Final = ("草案", "已批准", "已公布")
#: Statuses that put a version in force.
IN_FORCE_STATUSES: Final = ("已批准", "已公布")


@dataclass(frozen=True)
class PlanVersion:
    """One stored version of a jurisdiction's annual supply plan.

    Parameters
    ----------
    jurisdiction
        The jurisdiction's code (``140300``).
    year
        The plan year.
    version
        1, 2, ... in the order saved; an adjustment adds a version.
    status
        One of :data:`PLAN_STATUSES`.
    approval_document
        The approving document (文号), for an adjustment the adjustment's approval.
    effective_date
        The first day the version is in force.
    created_at
        When the version was stored (UTC).
    plan
        The plan itself.
    adjusts
        For an adjustment, the version it replaces; None for an original plan.
    actor
        Who stored it.
    """

    jurisdiction: str
    year: int
    version: int
    status: str
    approval_document: str | None
    effective_date: date
    created_at: datetime
    plan: SupplyPlan
    adjusts: int | None = None
    actor: str = ""

    @property
    def key(self) -> str:
        """The record key."""
        return version_key(self.jurisdiction, self.year, self.version)

    def to_dict(self, *, with_plan: bool = True) -> dict[str, Any]:
        """Return the JSON form (the plan as in ``docs/plan.schema.json``)."""
        out: dict[str, Any] = {
            "jurisdiction": self.jurisdiction,
            "year": self.year,
            "version": self.version,
            "status": self.status,
            "approval_document": self.approval_document,
            "effective_date": self.effective_date.isoformat(),
            "created_at": self.created_at.isoformat(),
            "adjusts": self.adjusts,
            "actor": self.actor,
        }
        if with_plan:
            out["plan"] = self.plan.to_dict()
        return out


def version_key(jurisdiction: str, year: int, version: int) -> str:
    """Return the record key of a version."""
    return f"{jurisdiction}:{year}:{version:03d}"


def resolve_jurisdiction(store: Store, name_or_code: str) -> str:
    """Return the code of a jurisdiction given by code or name (阳泉市 → ``140300``).

    Raises
    ------
    NotFoundError
        ``jurisdiction.not_found`` when neither the built-in list nor the store knows it.
    """
    text = name_or_code.strip()
    try:
        return find_jurisdiction(text).code
    except NotFoundError:
        return store.get_jurisdiction(text).code


def _from_record(record: Record) -> PlanVersion:
    data = record.data
    adjusts = data.get("adjusts")
    return PlanVersion(
        jurisdiction=str(data["jurisdiction"]),
        year=int(data["year"]),
        version=int(data["version"]),
        status=str(record.status or data.get("status")),
        approval_document=data.get("approval_document"),
        effective_date=date.fromisoformat(str(data["effective_date"])),
        created_at=record.created_at,
        plan=SupplyPlan.from_dict(data["plan"], text=str(data.get("text", ""))),
        adjusts=int(adjusts) if adjusts is not None else None,
        actor=str(data.get("actor", "")),
    )


def _versions(store: Store, jurisdiction: str, year: int) -> list[PlanVersion]:
    records = store.list_records(KIND, key_prefix=f"{jurisdiction}:{year}:")
    return [_from_record(r) for r in records]


def _check_status(status: str) -> None:
    if status not in PLAN_STATUSES:
        raise InvalidInputError("plan_version.status_invalid", status=status, allowed="、".join(PLAN_STATUSES))


def _store_version(
    store: Store,
    *,
    jurisdiction: str,
    year: int,
    plan: SupplyPlan,
    status: str,
    approval_document: str | None,
    effective_date: date,
    actor: str,
    adjusts: int | None,
) -> PlanVersion:
    """Write the next version (inside the caller's transaction)."""
    existing = store.count_records(KIND, key_prefix=f"{jurisdiction}:{year}:")
    version = existing + 1
    plan_data = plan.to_dict()
    data: dict[str, Any] = {
        "jurisdiction": jurisdiction,
        "year": year,
        "version": version,
        "status": status,
        "approval_document": approval_document,
        "effective_date": effective_date.isoformat(),
        "adjusts": adjusts,
        "actor": actor,
        "plan": plan_data,
        "text": plan.text,
    }
    record = store.put_record(
        KIND,
        version_key(jurisdiction, year, version),
        data,
        jurisdiction=jurisdiction,
        year=year,
        status=status,
        expected_revision=None,
    )
    return _from_record(record)


def save_plan(
    store: Store,
    plan: SupplyPlan,
    *,
    actor: str,
    status: str = "已批准",
    approval_document: str | None = None,
    effective_date: date | None = None,
) -> PlanVersion:
    """Store a plan (from :func:`guotu.services.plans.read_plan`) as a new version.

    Parameters
    ----------
    plan
        The plan; its ``jurisdiction`` (a name or code) and ``year`` say where it belongs.
    actor
        Who stores it (``cli:<user>``, ``web:<user>``).
    status
        草案, 已批准 (default) or 已公布.
    approval_document
        The approving document; defaults to the plan's own document number.
    effective_date
        First day in force; defaults to 1 January of the plan year.

    Returns
    -------
    PlanVersion
        The stored version (version 1 for a jurisdiction's first plan of the year).

    Raises
    ------
    InvalidInputError
        ``plan_version.jurisdiction_missing``, ``plan_version.year_missing``,
        ``plan_version.status_invalid``, ``plan_version.year_mismatch``.
    ConflictError
        ``plan_version.already_approved`` when an approved version exists: a change
        to an approved plan is an adjustment (:func:`adjust_plan`).
    NotFoundError
        ``jurisdiction.not_found``.
    """
    _check_status(status)
    if not plan.jurisdiction:
        raise InvalidInputError("plan_version.jurisdiction_missing")
    if plan.year is None:
        raise InvalidInputError("plan_version.year_missing")
    code = resolve_jurisdiction(store, plan.jurisdiction)
    year = plan.year
    effective = effective_date or date(year, 1, 1)
    if effective.year != year:
        raise InvalidInputError("plan_version.year_mismatch", year=year, date=effective.isoformat())
    document = approval_document if approval_document is not None else plan.document_number
    target = f"{KIND}:{code}:{year}"
    with audited(
        store,
        actor=actor,
        action="plan.save",
        target=target,
        inputs={"jurisdiction": code, "year": year, "status": status, "approval_document": document},
    ) as event:
        approved = [v for v in _versions(store, code, year) if v.status in IN_FORCE_STATUSES]
        if approved:
            raise ConflictError(
                "plan_version.already_approved", jurisdiction=code, year=year, version=approved[-1].version
            )
        saved = _store_version(
            store,
            jurisdiction=code,
            year=year,
            plan=plan,
            status=status,
            approval_document=document,
            effective_date=effective,
            actor=actor,
            adjusts=None,
        )
        event.result = {"key": saved.key, "version": saved.version}
        event.after = saved.to_dict(with_plan=False)
    return saved


def adjust_plan(
    store: Store,
    jurisdiction: str,
    year: int,
    plan: SupplyPlan,
    *,
    actor: str,
    approval_document: str,
    effective_date: date,
) -> PlanVersion:
    """Adjust an approved plan (计划调整): store ``plan`` as a new version in force from ``effective_date``.

    The earlier versions stay readable; execution before ``effective_date`` is
    still measured against them.

    Raises
    ------
    NotFoundError
        ``plan_version.none_approved`` when the jurisdiction has no approved plan for the year.
    InvalidInputError
        ``plan_version.approval_required`` (empty approving document),
        ``plan_version.year_mismatch``, ``plan_version.effective_before``
        (the adjustment takes effect before the version it adjusts).
    """
    code = resolve_jurisdiction(store, jurisdiction)
    if not approval_document or not approval_document.strip():
        raise InvalidInputError("plan_version.approval_required")
    if effective_date.year != year or (plan.year is not None and plan.year != year):
        raise InvalidInputError("plan_version.year_mismatch", year=year, date=effective_date.isoformat())
    target = f"{KIND}:{code}:{year}"
    with audited(
        store,
        actor=actor,
        action="plan.adjust",
        target=target,
        inputs={
            "jurisdiction": code,
            "year": year,
            "approval_document": approval_document,
            "effective_date": effective_date.isoformat(),
        },
    ) as event:
        approved = [v for v in _versions(store, code, year) if v.status in IN_FORCE_STATUSES]
        if not approved:
            raise NotFoundError("plan_version.none_approved", jurisdiction=code, year=year)
        current = max(approved, key=lambda v: (v.effective_date, v.version))
        if effective_date < current.effective_date:
            raise InvalidInputError(
                "plan_version.effective_before",
                date=effective_date.isoformat(),
                version=current.version,
                current=current.effective_date.isoformat(),
            )
        saved = _store_version(
            store,
            jurisdiction=code,
            year=year,
            plan=plan,
            status="已批准",
            approval_document=approval_document.strip(),
            effective_date=effective_date,
            actor=actor,
            adjusts=current.version,
        )
        event.before = current.to_dict(with_plan=False)
        event.after = saved.to_dict(with_plan=False)
        event.result = {"key": saved.key, "version": saved.version, "adjusts": current.version}
    return saved


def plan_in_force(store: Store, jurisdiction: str, year: int, on: date | None = None) -> PlanVersion | None:
    """Return the version of the year's plan in force on ``on`` (the latest in force when None).

    None when no approved version is in force on that date (none stored, or ``on``
    lies before the first effective date).
    """
    code = resolve_jurisdiction(store, jurisdiction)
    candidates = [
        v
        for v in _versions(store, code, year)
        if v.status in IN_FORCE_STATUSES and (on is None or v.effective_date <= on)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda v: (v.effective_date, v.version))


def get_plan_version(store: Store, jurisdiction: str, year: int, version: int) -> PlanVersion:
    """Return one version.

    Raises
    ------
    NotFoundError
        ``plan_version.not_found``.
    """
    code = resolve_jurisdiction(store, jurisdiction)
    record = store.find_record(KIND, version_key(code, year, version))
    if record is None:
        raise NotFoundError("plan_version.not_found", jurisdiction=code, year=year, version=version)
    return _from_record(record)


def list_plans(store: Store, jurisdiction: str | None = None, *, year: int | None = None) -> list[PlanVersion]:
    """Return every stored version (of one jurisdiction and year when given), by jurisdiction, year, version."""
    code = resolve_jurisdiction(store, jurisdiction) if jurisdiction else None
    if code is not None and year is not None:
        return _versions(store, code, year)
    records = store.list_records(KIND, jurisdiction=code, year=year)
    return [_from_record(r) for r in records]
