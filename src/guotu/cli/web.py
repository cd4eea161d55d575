"""``guotu serve``, ``guotu demo`` and ``guotu users``: the web app and its accounts."""

from __future__ import annotations

import ipaddress
import os
import sys

import typer
from rich.table import Table

from guotu.cli.output import emit_json, err_console, out_console

__all__ = ["demo_command", "serve_command", "users_app"]

users_app = typer.Typer(help="用户与权限 / Accounts and roles of the web app.", no_args_is_help=True)
_DB = typer.Option(
    None, "--db", "--store", help="Store URL (default: GUOTU_DATABASE_URL or ./guotu.db).", envvar="GUOTU_DATABASE_URL"
)
_STDIN = typer.Option(False, "--password-stdin", help="Read the password from stdin (first line) instead of a prompt.")


def _read_password(from_stdin: bool) -> str:
    from guotu.errors import InvalidInputError

    if from_stdin:
        text = sys.stdin.readline().rstrip("\r\n")
    else:
        text = typer.prompt("Password / 密码", hide_input=True)
        again = typer.prompt("Repeat / 再次输入", hide_input=True)
        if text != again:
            raise InvalidInputError("user.password_mismatch")
    if not text:
        raise InvalidInputError("user.password_empty")
    return text


def _districts(text: str | None) -> tuple[str, ...]:
    return tuple(d.strip() for d in (text or "").split(",") if d.strip())


def _add(name: str, role: str, districts: str | None, password_stdin: bool, db: str | None) -> None:
    from guotu.services.audit import cli_actor
    from guotu.services.layers import open_store
    from guotu.services.users import create_user

    password = _read_password(password_stdin)
    with open_store(db) as store:
        user = create_user(store, name, password, role=role, actor=cli_actor(), districts=_districts(districts))
    emit_json(user.to_dict(), None)


@users_app.command("create-admin")
def create_admin_command(
    name: str = typer.Argument(..., help="Login name of the administrator."),
    password_stdin: bool = _STDIN,
    db: str | None = _DB,
) -> None:
    """Create an administrator (there are no default credentials)."""
    _add(name, "admin", None, password_stdin, db)


@users_app.command("add")
def add_command(
    name: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option(..., "--role", help="admin, editor, reviewer or viewer."),
    districts: str | None = typer.Option(None, "--districts", help="Comma-separated district codes (scope)."),
    password_stdin: bool = _STDIN,
    db: str | None = _DB,
) -> None:
    """Create an account."""
    _add(name, role, districts, password_stdin, db)


@users_app.command("list")
def list_command(
    json_output: bool = typer.Option(False, "--json", help="JSON instead of a table."), db: str | None = _DB
) -> None:
    """List the accounts (never their hashes)."""
    from guotu.services.layers import open_store
    from guotu.services.users import list_users

    with open_store(db) as store:
        found = list_users(store)
    if json_output:
        emit_json({"users": [u.to_dict() for u in found]}, None)
        return
    table = Table("name", "role", "districts", "enabled", "last_login")
    for u in found:
        table.add_row(u.name, u.role, ",".join(u.districts), "yes" if u.enabled else "no", u.last_login or "")
    out_console().print(table)


@users_app.command("disable")
def disable_command(
    name: str = typer.Argument(...),
    enable: bool = typer.Option(False, "--enable", help="Re-enable instead."),
    db: str | None = _DB,
) -> None:
    """Disable an account (its sessions end) or, with --enable, re-enable it."""
    from guotu.services.audit import cli_actor
    from guotu.services.layers import open_store
    from guotu.services.users import set_user_enabled

    with open_store(db) as store:
        user = set_user_enabled(store, name, enable, actor=cli_actor())
    emit_json(user.to_dict(), None)


@users_app.command("set-role")
def set_role_command(
    name: str = typer.Argument(...),
    role: str = typer.Argument(..., help="admin, editor, reviewer or viewer."),
    districts: str | None = typer.Option(None, "--districts", help="Comma-separated district codes; '' clears."),
    db: str | None = _DB,
) -> None:
    """Change an account's role (and district scope)."""
    from guotu.services.audit import cli_actor
    from guotu.services.layers import open_store
    from guotu.services.users import set_role

    with open_store(db) as store:
        user = set_role(
            store, name, role, actor=cli_actor(), districts=None if districts is None else _districts(districts)
        )
    emit_json(user.to_dict(), None)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _run(host: str, port: int, url: str, workers: int, secure: bool | None) -> None:
    import uvicorn

    os.environ["GUOTU_WEB_DATABASE_URL"] = url
    if secure is None:
        secure = not _loopback(host)
    os.environ["GUOTU_WEB_SECURE_COOKIES"] = "true" if secure else "false"
    err_console().print(f"guotu: http://{host}:{port}/  (store {url.split('@')[-1]}, {workers} worker(s))")
    uvicorn.run(
        "guotu.web.app:app_from_env", factory=True, host=host, port=port, workers=workers, log_level="warning",
    )  # fmt: skip


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port."),
    store: str | None = typer.Option(None, "--store", "--db", help="Store URL.", envvar="GUOTU_DATABASE_URL"),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes."),
    secure_cookies: bool | None = typer.Option(
        None, "--secure-cookies/--no-secure-cookies", help="Secure cookies (default: on unless on loopback)."
    ),
) -> None:
    """Run the web app (uvicorn) on the configured store."""
    from guotu.settings import GeneralSettings

    _run(host, port, store or GeneralSettings().database_url, workers, secure_cookies)


def demo_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port."),
    directory: str = typer.Option(".", "--dir", help="Where the demo store is built."),
    seeds: str | None = typer.Option(None, "--seeds", help="Folder with the seed plans (default: found)."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Only build the store."),
) -> None:
    """Build a demo store (阳泉市, a synthetic one map, the seed plans) and serve it."""
    from guotu.services.demo import build_demo

    console = err_console()
    console.print("guotu demo: building … / 正在生成演示库 …")
    result = build_demo(directory, seeds=seeds)
    if result.created:
        out_console().print(
            f"demo admin / 演示管理员: [bold]{result.admin}[/]  password / 密码: [bold]{result.password}[/]"
            "  (shown once / 仅显示一次)"
        )
        console.print(f"layers: {result.layers}; plans: {result.plans}; {result.seconds:.1f} s")
    for note in result.notes:
        console.print(f"note: {note}")
    if not no_serve:
        _run(host, port, result.store_url, 1, None)
