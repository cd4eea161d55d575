"""The legal-status rules of layer versions, as pure functions (no database).

A version moves 在编 → 现行 → 已废止; keeping the status updates metadata only. The
dates follow the ``as_of`` rule of :mod:`guotu.store.base`: a version is in force
from its effective date until its repeal date (the successor's effective date, or
the date of a repeal without successor).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from guotu.domain.layers import LegalStatus
from guotu.errors import ConflictError, InvalidInputError

__all__ = ["StatusChange", "plan_status_change"]

DRAFTING, IN_FORCE, REPEALED = LegalStatus.DRAFTING, LegalStatus.IN_FORCE, LegalStatus.REPEALED

#: Allowed (current, target) changes; same → same updates metadata only.
TRANSITIONS: Final = {
    (DRAFTING, DRAFTING),
    (DRAFTING, IN_FORCE),
    (IN_FORCE, IN_FORCE),
    (IN_FORCE, REPEALED),
    (REPEALED, REPEALED),
}


@dataclass(frozen=True)
class StatusChange:
    """What a status change writes: the dates, and whether the version in force is repealed."""

    effective_date: date | None
    repealed_on: date | None
    repeal_previous: bool


def plan_status_change(
    layer: str,
    version: int,
    current: LegalStatus,
    target: LegalStatus,
    *,
    stored_effective: date | None,
    stored_repeal: date | None,
    effective_date: date | None,
    expected_status: LegalStatus | None = None,
    today: date | None = None,
) -> StatusChange:
    """Check a legal-status change and work out its dates.

    ``effective_date`` is the date the caller gives: when the version takes effect
    (在编, 现行) or, for 现行 → 已废止, the date of repeal (default ``today``).

    Raises
    ------
    ConflictError
        ``version.transition`` (not allowed, or ``expected_status`` no longer holds),
        ``version.effective_date_locked`` (a date of a version in force or repealed),
        ``version.effective_date_order`` (a repeal before the effective date).
    InvalidInputError
        ``version.effective_date_required`` for 现行 without any effective date.

    Examples
    --------
    >>> change = plan_status_change("a", 1, DRAFTING, IN_FORCE, stored_effective=None, stored_repeal=None,
    ...                             effective_date=date(2024, 1, 1))
    >>> change.effective_date, change.repeal_previous
    (datetime.date(2024, 1, 1), True)
    """
    if (current, target) not in TRANSITIONS or (expected_status is not None and current != expected_status):
        raise ConflictError(
            "version.transition", layer=layer, version=version, current=current.value, target=target.value
        )
    effective, repealed_on = stored_effective, stored_repeal
    if target is REPEALED and current is IN_FORCE:
        repealed_on = effective_date or today or date.today()
        if stored_effective is not None and repealed_on < stored_effective:
            raise ConflictError(
                "version.effective_date_order",
                layer=layer,
                date=repealed_on.isoformat(),
                previous=version,
                previous_date=stored_effective.isoformat(),
            )
    elif current is not DRAFTING:
        locked = stored_repeal if current is REPEALED else stored_effective
        if effective_date is not None and effective_date != locked:
            raise ConflictError("version.effective_date_locked", layer=layer, version=version, status=current.value)
    elif effective_date is not None:
        effective = effective_date
    if target is IN_FORCE and effective is None:
        raise InvalidInputError("version.effective_date_required", layer=layer, version=version)
    return StatusChange(effective, repealed_on, target is IN_FORCE and current is DRAFTING)
