"""Entry point of the ``guotu`` command: assembles the command groups."""

from __future__ import annotations

from guotu.cli import codes, plans
from guotu.cli.app import app

__all__ = ["app", "main"]

app.add_typer(plans.app, name="plan")
app.add_typer(codes.app, name="codes")


def main() -> None:
    """Run the ``guotu`` command line."""
    app(prog_name="guotu")
