"""A throwaway PostgreSQL/PostGIS server for the tests (no Docker, works as root).

``initdb`` refuses to run as root and CI runs as root, so when we are root the
server's programs run as the ``postgres`` user through ``runuser``, in a temporary
directory that user owns (CONVENTIONS.md, "Lessons from the machine"). The server
listens on 127.0.0.1 and a free port, with its socket in the same directory, and
``fsync`` off: it lives for one test session.

Use :func:`postgis_server` (a session fixture) or :func:`postgis_url` (its URL).
When no server can start, the fixture fails if the ``CI`` environment variable is
set and skips otherwise, so no skip hides in CI.

To expose the fixtures to every test package, add to ``tests/conftest.py``::

    pytest_plugins = ["tests.pg"]

(with the repository root on ``sys.path``, as ``tests/documents/test_corpus.py``
does) and drop the re-export from ``tests/store/conftest.py``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["PostgisServer", "PostgisUnavailable", "drop_schemas", "postgis_server", "postgis_url", "start_server"]

DATABASE = "guotu_test"


class PostgisUnavailable(RuntimeError):
    """The server could not start (programs missing, no postgres user, PostGIS absent)."""


@dataclass
class PostgisServer:
    """A running throwaway cluster."""

    root: Path
    port: int
    bindir: Path
    as_postgres: bool
    database: str = DATABASE

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{self.database}"

    def url_for(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            _run(self, "pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop", timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)


def _bindir() -> Path:
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True, timeout=10)
        candidate = Path(out.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    except (OSError, subprocess.SubprocessError):
        pass
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgisUnavailable("initdb not found (install postgresql-15 and postgresql-15-postgis-3)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _run(server: PostgisServer, program: str, *args: str, timeout: float = 60) -> str:
    command = [str(server.bindir / program), *args]
    if server.as_postgres:
        command = ["runuser", "-u", "postgres", "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, cwd=server.root, timeout=timeout, check=False)
    if done.returncode != 0:
        raise PostgisUnavailable(f"{program} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def start_server() -> PostgisServer:
    """Start a cluster, create the test database and the PostGIS extension in it.

    Raises
    ------
    PostgisUnavailable
        With the reason, when anything is missing.
    """
    bindir = _bindir()
    as_postgres = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="guotu-pg-"))
    if as_postgres:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError as err:
            shutil.rmtree(root, ignore_errors=True)
            raise PostgisUnavailable("running as root and there is no postgres user") from err
        os.chown(root, user.pw_uid, user.pw_gid)
    server = PostgisServer(root=root, port=0, bindir=bindir, as_postgres=as_postgres)
    try:
        _run(server, "initdb", "-D", str(root / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8",
             "--locale=C", "--no-sync")  # fmt: skip
        for attempt in range(3):
            server.port = _free_port()
            options = (
                f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
            )
            try:
                _run(server, "pg_ctl", "-D", str(root / "data"), "-o", options, "-l", str(root / "log"), "-w",
                     "-t", "30", "start")  # fmt: skip
                break
            except PostgisUnavailable:
                if attempt == 2:
                    raise
        _create_database(server)
    except BaseException:
        log = root / "log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        server.stop()
        if detail:
            raise PostgisUnavailable(f"the server did not start: {detail}") from None
        raise
    return server


def _create_database(server: PostgisServer) -> None:
    try:
        import psycopg
    except ImportError as err:  # pragma: no cover - psycopg is a dev dependency
        raise PostgisUnavailable("psycopg is not installed") from err
    deadline = time.monotonic() + 10
    while True:
        try:
            conn = psycopg.connect(server.url_for("postgres"), autocommit=True, connect_timeout=5)
            break
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    with conn:
        conn.execute(f"CREATE DATABASE {server.database}")
    with psycopg.connect(server.url, autocommit=True) as conn:
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            conn.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        except psycopg.Error as err:
            raise PostgisUnavailable(f"PostGIS is not installed: {err}") from err


def drop_schemas(url: str, *schemas: str) -> None:
    """Drop schemas (and all they hold) from the database at ``url``: a quick way to start empty."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for schema in schemas:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _unavailable(reason: str) -> None:
    message = f"PostGIS server unavailable: {reason}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgis_server() -> Iterator[PostgisServer]:
    """A PostGIS server for the whole session (fails in CI, skips locally, when unavailable)."""
    try:
        server = start_server()
    except (PostgisUnavailable, OSError, subprocess.SubprocessError) as err:
        _unavailable(str(err))
        raise AssertionError("unreachable") from err
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgis_url(postgis_server: PostgisServer) -> str:
    """URL of a database with PostGIS on the session's throwaway server."""
    return postgis_server.url
