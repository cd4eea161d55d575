"""``guotu audit``: verify the hash chain of the audit trail and list its events."""

from __future__ import annotations

from typing import Annotated

import typer

from guotu.catalogue import message
from guotu.cli.app import current_lang
from guotu.cli.output import emit_json, out_console
from guotu.settings import GeneralSettings

__all__ = ["app"]

app = typer.Typer(
    help="审计日志：校验与查询 / The audit trail: verify and list.",
    no_args_is_help=True,
)

UrlOption = Annotated[
    str | None,
    typer.Option("--url", help="Store URL (default: GUOTU_DATABASE_URL, else sqlite:///guotu.db).", show_default=False),
]


@app.command("verify")
def verify_command(
    url: UrlOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Walk the whole hash chain; exit 1 when an event was altered, removed or reordered."""
    from guotu.services.audit import verify
    from guotu.services.layers import open_store

    with open_store(url or GeneralSettings().database_url) as store:
        check = verify(store)
    if as_json:
        emit_json(
            {
                "ok": check.ok,
                "events": check.events,
                "broken_at": check.broken_at,
                "reason": check.reason,
                "last_hash": check.last_hash,
            },
            None,
        )
    elif check.ok:
        typer.echo(message("audit.verified", current_lang(), events=check.events, hash=check.last_hash[:16]))
    else:
        typer.echo(message("audit.broken", current_lang(), seq=check.broken_at, reason=check.reason), err=True)
    if not check.ok:
        raise typer.Exit(1)


@app.command("list")
def list_command(
    url: UrlOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=100_000, help="How many events.")] = 20,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor (cli:root, web:alice).")] = None,
    action: Annotated[str | None, typer.Option("--action", help="Only actions starting with this.")] = None,
    target: Annotated[str | None, typer.Option("--target", help="Only this target.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the events as JSON.")] = False,
) -> None:
    """List the newest events first."""
    from dataclasses import asdict

    from rich.table import Table

    from guotu.services.audit import list_events
    from guotu.services.layers import open_store

    with open_store(url or GeneralSettings().database_url) as store:
        events = list_events(store, limit=limit, actor=actor, action_prefix=action, target=target)
    if as_json:
        emit_json([asdict(e) for e in events], None)
        return
    zh = current_lang() == "zh"
    table = Table("#", "时间" if zh else "at", "操作者" if zh else "actor", "操作" if zh else "action",
                  "对象" if zh else "target", "结果" if zh else "outcome")  # fmt: skip
    for e in events:
        table.add_row(str(e.seq), e.at[:19], e.actor, e.action, e.target or "", e.outcome)
    out_console().print(table)
