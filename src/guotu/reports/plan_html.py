"""The HTML report of a checked plan: the document with every figure highlighted.

Each figure is a ``<mark>`` with its meaning in a tooltip; each finding links to its
figures and the figures link back. The page is self-contained (inline CSS, no
script, no network) so it can be mailed or archived with the plan.
"""

from __future__ import annotations

from collections import defaultdict
from importlib.resources import files
from typing import Any

from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape

from guotu.catalogue import message
from guotu.domain.plan import Figure, SupplyPlan

__all__ = ["render_plan_html"]


def _environment() -> Environment:
    return Environment(
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _tooltip(fig: Figure, lang: str) -> str:
    parts = [message(f"ui.measure.{fig.measure}", lang)]
    if fig.category:
        parts.append(f"{fig.category} {' '.join(fig.category_codes)}".strip())
    parts += [p for p in (fig.district, fig.mode, fig.source) if p]
    if fig.qualifier:
        parts.append(message(f"ui.qualifier.{fig.qualifier}", lang))
    if fig.context:
        parts.append(message("ui.figure.context", lang))
    return " · ".join(parts)


def _highlighted(plan: SupplyPlan, severity_of: dict[str, str], lang: str) -> Markup:
    text = plan.text
    pieces: list[str] = []
    cursor = 0
    for fig in sorted(plan.figures, key=lambda f: f.span):
        start, end = fig.span
        if start < cursor:
            continue
        pieces.append(str(escape(text[cursor:start])))
        css = severity_of.get(fig.id, "ok")
        if fig.context:
            css += " context"
        pieces.append(
            f'<mark id="{fig.id}" class="{css}" title="{escape(fig.id + " " + _tooltip(fig, lang))}">'
            f"{escape(text[start:end])}<sup>{fig.id}</sup></mark>"
        )
        cursor = end
    pieces.append(str(escape(text[cursor:])))
    return Markup("".join(pieces))


def render_plan_html(plan: SupplyPlan, *, lang: str = "zh") -> str:
    """Render ``plan`` (with its findings) as a standalone HTML page.

    Parameters
    ----------
    plan
        A checked plan.
    lang
        ``zh`` or ``en``: the language of labels and messages.
    """
    from guotu import __version__

    rank = {"error": 0, "warning": 1, "info": 2}
    severity_of: dict[str, str] = {}
    links: dict[str, list[int]] = defaultdict(list)
    for number, finding in enumerate(plan.findings, start=1):
        for fid in finding.figures:
            links[fid].append(number)
            current = severity_of.get(fid)
            if current is None or rank[finding.severity.value] < rank[current]:
                severity_of[fid] = finding.severity.value
    template = _environment().from_string(
        files("guotu.reports").joinpath("templates/plan_report.html.j2").read_text(encoding="utf-8")
    )
    context: dict[str, Any] = {
        "plan": plan,
        "lang": lang,
        "t": lambda key, **kw: message(key, lang, **kw),
        "document": _highlighted(plan, severity_of, lang),
        "links": links,
        "tooltip": lambda fig: _tooltip(fig, lang),
        "version": __version__,
        "counts": {s: sum(1 for f in plan.findings if f.severity.value == s) for s in rank},
    }
    return template.render(**context)
