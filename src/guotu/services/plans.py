"""Plan documents: read a file, extract the plan, check it.

These are the library's entry points (``guotu.read_plan``, ``guotu.check_plan``);
the CLI and the web app call them too.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from guotu.documents.extract import extract_plan_text
from guotu.documents.readers import read_document
from guotu.domain.plan import SupplyPlan
from guotu.domain.plan_checks import check_plan_figures
from guotu.domain.rules import PlanCheckParams
from guotu.errors import InvalidInputError
from guotu.settings import DocumentSettings

__all__ = ["check_plan", "extract_plan", "read_plan"]

logger = logging.getLogger(__name__)


def extract_plan(text: str, *, source: dict[str, object] | None = None) -> SupplyPlan:
    """Extract a plan's metadata and figures from its text, without checking it.

    Parameters
    ----------
    text
        The document's text; every figure's span refers to it.
    source
        Optional provenance (path, format, sha256) kept on the plan.
    """
    return extract_plan_text(text, source=source)


def check_plan(plan: SupplyPlan, params: PlanCheckParams | None = None) -> SupplyPlan:
    """Run the consistency rules on ``plan`` and return it with its findings.

    Parameters
    ----------
    plan
        A plan from :func:`read_plan` or :func:`extract_plan`.
    params
        Rule parameters; the defaults are those of DOMAIN.md §6.
    """
    findings, checks = check_plan_figures(plan, params)
    return plan.with_findings(findings, checks)


def read_plan(
    path: str | os.PathLike[str],
    *,
    check: bool = True,
    settings: DocumentSettings | None = None,
    params: PlanCheckParams | None = None,
) -> SupplyPlan:
    """Read a plan document (.txt .docx .pdf .doc .wps) into a checked plan.

    Parameters
    ----------
    path
        The document.
    check
        Run the checks (default) or only extract.
    settings
        Document limits (size, time); defaults from the environment.
    params
        Rule parameters for the checks.

    Raises
    ------
    guotu.errors.DocumentError
        The file cannot be read as text (see the error's code).
    guotu.errors.InvalidInputError
        ``plan.no_figures``: the document holds no supply figures.
    """
    started = time.perf_counter()
    document = read_document(path, settings=settings)
    plan = extract_plan(
        document.text,
        source={
            "path": str(path),
            "name": Path(path).name,
            "format": document.format,
            "sha256": document.sha256,
            "size": document.size,
            "encoding": document.encoding,
        },
    )
    if not any(f.measure in ("supply_area", "share") for f in plan.figures):
        raise InvalidInputError("plan.no_figures", path=str(path))
    if check:
        plan = check_plan(plan, params)
    logger.info(
        "read plan %s: %d figures, %d findings in %.3f s",
        path,
        len(plan.figures),
        len(plan.findings),
        time.perf_counter() - started,
    )
    return plan
