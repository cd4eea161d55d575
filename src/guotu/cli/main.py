"""Entry point of the ``guotu`` command: assembles the command groups."""

from __future__ import annotations

from guotu.cli import area, audit, codes, db, jurisdictions, layers, overlay, plans
from guotu.cli import indicators as indicators_cli
from guotu.cli import maintain as maintain_cli
from guotu.cli import plan_store as plan_store_cli
from guotu.cli import projects as projects_cli
from guotu.cli import review as review_cli
from guotu.cli import scale as scale_cli
from guotu.cli import supply as supply_cli
from guotu.cli import web as web_cli
from guotu.cli.app import app

__all__ = ["app", "main"]

app.add_typer(plans.app, name="plan")
app.add_typer(codes.app, name="codes")
app.add_typer(layers.app, name="layer")
app.add_typer(db.app, name="db")
app.add_typer(jurisdictions.app, name="jurisdiction")
app.add_typer(overlay.app, name="overlay")
app.add_typer(review_cli.app, name="review")
app.add_typer(maintain_cli.app, name="maintain")
app.add_typer(projects_cli.app, name="projects")
app.add_typer(supply_cli.app, name="supply")
app.add_typer(indicators_cli.app, name="indicators")
app.add_typer(plan_store_cli.app, name="plans")
app.add_typer(scale_cli.app, name="scale")
app.command("area")(area.area_command)
app.add_typer(audit.app, name="audit")
app.add_typer(web_cli.users_app, name="users")
app.command("serve")(web_cli.serve_command)
app.command("demo")(web_cli.demo_command)


def main() -> None:
    """Run the ``guotu`` command line."""
    app(prog_name="guotu")
