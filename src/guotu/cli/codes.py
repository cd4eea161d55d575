"""``guotu codes``: look up land-use classification codes, crosswalks and plan labels.

The commands mirror :mod:`guotu.domain.classification`: ``search`` calls
:func:`~guotu.domain.classification.search`, ``show`` gathers a class, its
ancestors, children, crosswalk rows and plan labels. Results go to stdout (a rich table,
or JSON with ``--format json``); notes go to stderr.
"""

from __future__ import annotations

import dataclasses
import json
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from guotu.catalogue import message
from guotu.cli.app import current_lang
from guotu.cli.output import out_console
from guotu.domain import classification as cls_
from guotu.domain.classification import CrosswalkEntry, LandUseClass, PlanLabel

__all__ = ["app"]

app = typer.Typer(
    help="Land-use classification codes: 用地用海 2023, GB/T 21010-2017, 三调 working classes.",
    no_args_is_help=True,
)


class OutputFormat(StrEnum):
    """Output formats of the ``codes`` commands."""

    table = "table"
    json = "json"


_SCHEME_HELP = (
    "Classification scheme: GTKJ2023 (用地用海 2023), GBT21010-2017 or SURVEY-WORKING "
    "(三调 working classification); aliases such as gbt21010 or 三调 are accepted."
)
_FORMAT_HELP = "Output format: a table for people or JSON for scripts."

SchemeOption = Annotated[str | None, typer.Option("--scheme", "-s", help=_SCHEME_HELP)]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help=_FORMAT_HELP, case_sensitive=False)]


# ------------------------------------------------------------------------ helpers


def _t(key: str, lang: str, **params: Any) -> str:
    return message(f"classification.{key}", lang, **params)


def _class_dict(item: LandUseClass, *, confidence: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "scheme": item.scheme,
        "code": item.code,
        "level": item.level,
        "parent": item.parent,
        "name_zh": item.name_zh,
        "name_en": item.name_en,
    }
    if confidence:
        data["confidence"] = item.confidence
    return data


def _target_class(entry: CrosswalkEntry) -> LandUseClass | None:
    if entry.to_code is None:
        return None
    return cls_.get_class(entry.to_code, entry.to_scheme)


def _crosswalk_dict(entry: CrosswalkEntry) -> dict[str, Any]:
    target = _target_class(entry)
    data = dataclasses.asdict(entry)
    data["to_name_zh"] = target.name_zh if target else None
    data["to_name_en"] = target.name_en if target else None
    return data


def _label_dict(label: PlanLabel) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, tuple) else value for key, value in dataclasses.asdict(label).items()}


def _echo_json(payload: dict[str, Any]) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def _class_table(title: str | None, items: tuple[LandUseClass, ...] | list[LandUseClass], lang: str) -> Table:
    table = Table(title=title, title_justify="left")
    for key in ("scheme", "code", "level", "name_zh", "name_en"):
        table.add_column(_t(f"ui.{key}", lang))
    for item in items:
        table.add_row(item.scheme, item.code, str(item.level), item.name_zh, item.name_en)
    return table


def _crosswalk_table(entries: list[CrosswalkEntry], lang: str) -> Table:
    table = Table(title=_t("ui.crosswalk", lang), title_justify="left")
    for key in (
        "target_scheme",
        "target_code",
        "target_name",
        "relation",
        "confidence",
        "via",
        "note",
    ):
        table.add_column(_t(f"ui.{key}", lang))
    for entry in entries:
        target = _target_class(entry)
        name = "" if target is None else (target.name_en if lang == "en" else target.name_zh)
        table.add_row(
            entry.to_scheme,
            entry.to_code or "—",
            name,
            _t(f"relation.{entry.relation}", lang),
            _t(f"confidence.{entry.confidence}", lang),
            entry.via or "",
            entry.note,
        )
    return table


def _label_table(labels: tuple[PlanLabel, ...], lang: str) -> Table:
    table = Table(title=_t("ui.plan_labels", lang), title_justify="left")
    for key in ("label", "kind", "codes", "codes_gbt"):
        table.add_column(_t(f"ui.{key}", lang))
    for label in labels:
        table.add_row(
            label.label,
            _t(f"kind.{label.kind}", lang),
            ", ".join(label.codes) or "—",
            ", ".join(label.codes_gbt) or "—",
        )
    return table


# ------------------------------------------------------------------------ commands


@app.command("search")
def search_command(
    text: Annotated[
        str,
        typer.Argument(help="A code, a Chinese or English name (or part of one), or a plan label."),
    ],
    scheme: SchemeOption = None,
    output: FormatOption = OutputFormat.table,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most this many classes.")] = 50,
) -> None:
    """Search classes by code, name or the label a supply plan uses."""
    lang = current_lang()
    results = cls_.search(text, scheme=scheme, limit=limit)
    if not results:
        typer.echo(_t("no_results", lang, text=text), err=True)
    if output is OutputFormat.json:
        _echo_json({"results": [_class_dict(item, confidence=False) for item in results]})
        return
    out_console().print(_class_table(None, results, lang))


@app.command("show")
def show_command(
    code: Annotated[str, typer.Argument(help="The class code, leading zeros included (e.g. 0701).")],
    scheme: SchemeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Show one class: ancestors, children, crosswalk to the other schemes, plan labels."""
    lang = current_lang()
    item = cls_.get_class(code, scheme or cls_.GTKJ2023)
    parents = cls_.ancestors(item.code, item.scheme)
    kids = cls_.children(item.code, item.scheme)
    entries = [
        entry
        for other in cls_.SCHEMES
        if other.id != item.scheme
        for entry in cls_.crosswalk(item.code, item.scheme, other.id)
    ]
    labels = cls_.plan_labels_for(item.code, item.scheme)
    if output is OutputFormat.json:
        _echo_json(
            {
                "class": _class_dict(item),
                "ancestors": [_class_dict(p) for p in parents],
                "children": [_class_dict(k) for k in kids],
                "crosswalk": [_crosswalk_dict(e) for e in entries],
                "plan_labels": [_label_dict(label) for label in labels],
            }
        )
        return
    console = out_console()
    console.print(_class_table(_t("ui.class", lang), [item], lang))
    if parents:
        console.print(_class_table(_t("ui.ancestors", lang), parents, lang))
    if kids:
        console.print(_class_table(_t("ui.children", lang), kids, lang))
    if entries:
        console.print(_crosswalk_table(entries, lang))
    if labels:
        console.print(_label_table(labels, lang))
