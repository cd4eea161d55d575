"""The library's front door: what ``import guotu`` offers, and that it stays cheap."""

from __future__ import annotations

import subprocess
import sys

import pytest

import guotu


def test_all_is_sorted_and_resolves() -> None:
    assert guotu.__all__ == sorted(guotu.__all__, key=str.lower) or guotu.__all__ == sorted(guotu.__all__)
    for name in guotu.__all__:
        assert getattr(guotu, name) is not None


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError):
        guotu.no_such_thing  # noqa: B018


def test_import_is_cheap() -> None:
    # The entry points load lazily: importing guotu does not pull in pdfplumber or shapely.
    code = "import sys, guotu; print(sorted(m for m in ('pdfplumber', 'shapely', 'docx') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
