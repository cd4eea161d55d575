"""The root typer application, its global options and its error handling."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from contextvars import ContextVar
from typing import Any

import typer
import typer.core
from typer.exceptions import TyperException

from guotu.catalogue import message, normalize_lang
from guotu.errors import GuotuError
from guotu.log import configure_logging

__all__ = ["app", "current_lang"]

logger = logging.getLogger(__name__)

_LANG_KEY = "guotu.lang"
_VERBOSE_KEY = "guotu.verbose"


_lang: ContextVar[str | None] = ContextVar("guotu_cli_lang", default=None)


def current_lang() -> str:
    """Return the language chosen for this invocation (``--lang`` > ``GUOTU_LANG`` > zh)."""
    return _lang.get() or normalize_lang(os.environ.get("GUOTU_LANG"))


class GuotuGroup(typer.core.TyperGroup):
    """A click group that turns guotu errors into one line and an exit code."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except GuotuError as err:
            lang = str(ctx.meta.get(_LANG_KEY, current_lang()))
            if ctx.meta.get(_VERBOSE_KEY, 0) > 0:
                traceback.print_exc(file=sys.stderr)
            prefix = message("cli.error_prefix", lang)
            typer.echo(f"{prefix} [{err.code}]: {err.message(lang)}", err=True)
            raise typer.Exit(err.exit_code) from None
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except Exception as err:  # the last line of defence: no traceback unless -v
            if ctx.meta.get(_VERBOSE_KEY, 0) > 0:
                raise
            logger.debug("internal error", exc_info=True)
            lang = str(ctx.meta.get(_LANG_KEY, current_lang()))
            prefix = message("cli.error_prefix", lang)
            text = message("cli.internal_error", lang, detail=f"{type(err).__name__}: {err}")
            typer.echo(f"{prefix} [internal]: {text}", err=True)
            raise typer.Exit(3) from None


app = typer.Typer(
    cls=GuotuGroup,
    name="guotu",
    help="guotu（国土）: 国有建设用地供应计划、国土空间规划一张图、合规性审查与监测预警。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version_callback(value: bool) -> None:
    if value:
        from guotu import __version__

        typer.echo(f"guotu {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    lang: str | None = typer.Option(
        None,
        "--lang",
        help="Language of messages: zh (default) or en. Overrides GUOTU_LANG.",
        show_default=False,
    ),
    verbose: int = typer.Option(
        0, "--verbose", "-v", count=True, help="More log output on stderr; -v shows tracebacks."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors on stderr."),
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version_callback,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Global options."""
    if lang is not None and lang.lower() not in {"zh", "en", "zh-cn", "en-us"}:
        raise typer.BadParameter("zh or en", param_hint="--lang")
    ctx.meta[_LANG_KEY] = normalize_lang(lang or os.environ.get("GUOTU_LANG"))
    _lang.set(ctx.meta[_LANG_KEY])
    ctx.meta[_VERBOSE_KEY] = verbose
    configure_logging(-1 if quiet else verbose)
