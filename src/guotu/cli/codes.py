"""codes commands (placeholder)."""
import typer

app = typer.Typer(help="Land-use classification codes.")
