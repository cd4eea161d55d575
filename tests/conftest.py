"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return DATA


def pytest_report_header() -> list[str]:
    import pdfplumber
    import pyproj
    import shapely

    geo = f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string})"
    proj = f"pyproj {pyproj.__version__} (PROJ {pyproj.proj_version_str})"
    return [f"{geo}, {proj}, pdfplumber {pdfplumber.__version__}"]
