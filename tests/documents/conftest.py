"""Fixtures for the document tests: LibreOffice and a network guard."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator

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
