"""Fixtures for the document tests: LibreOffice and a network guard."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice's program; skips locally when missing, but fails when CI is set."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture()
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Record (and refuse) every socket connection attempted in this process."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network disabled in this test")

    def refuse_ex(self: socket.socket, address: object) -> int:
        attempts.append(address)
        return 111

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse_ex)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(None, address))  # type: ignore[arg-type]
    yield attempts


def convert_with_soffice(soffice: str, source: Path, target_format: str, workdir: Path) -> Path:
    """Convert ``source`` with LibreOffice (own profile, own HOME) into ``workdir``."""
    profile = workdir / "profile"
    outdir = workdir / "out"
    env = {**os.environ, "HOME": str(workdir), "TMPDIR": str(workdir)}
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target_format,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env=env,
    )
    return outdir / f"{source.stem}.{target_format.split(':')[0]}"
