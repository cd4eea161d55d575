"""Findings: the results of checks, as data.

A finding is what a rule says about a plan, a parcel or a layer: its rule ID, a
severity, a message in Chinese and English, the numbers involved and the legal
source. A failed rule is never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["Finding", "Severity"]


class Severity(StrEnum):
    """How much a finding matters.

    ``error`` blocks (a real inconsistency or violation), ``warning`` needs a look,
    ``info`` is for the record (for example a rounding residue).
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Sort key: errors first."""
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Finding:
    """One result of a rule.

    Parameters
    ----------
    rule
        Stable rule ID (``C1``, ``H3`` ...), see :mod:`guotu.domain.rules`.
    severity
        :class:`Severity`.
    message_zh, message_en
        What was found, for a person.
    evidence
        The numbers involved, as strings (``stated``, ``computed``, ``difference``,
        ``tolerance``, ``unit`` ...), so that they stay exact in JSON.
    figures
        IDs of the figures involved.
    legal_source
        The rule's legal source, as cited.
    """

    rule: str
    severity: Severity
    message_zh: str
    message_en: str
    evidence: dict[str, Any] = field(default_factory=dict)
    figures: tuple[str, ...] = ()
    legal_source: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (the stable contract in ``docs/plan.schema.json``)."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "evidence": dict(self.evidence),
            "figures": list(self.figures),
            "legal_source": self.legal_source,
        }
