"""Entry point of the ``guotu`` command: assembles the command groups."""

from __future__ import annotations

from guotu.cli import area, audit, codes, db, jurisdictions, layers, overlay, plans
from guotu.cli.app import app

__all__ = ["app", "main"]

app.add_typer(plans.app, name="plan")
app.add_typer(codes.app, name="codes")
app.add_typer(layers.app, name="layer")
app.add_typer(db.app, name="db")
app.add_typer(jurisdictions.app, name="jurisdiction")
app.add_typer(overlay.app, name="overlay")
app.command("area")(area.area_command)
app.add_typer(audit.app, name="audit")


def main() -> None:
    """Run the ``guotu`` command line."""
    app(prog_name="guotu")
