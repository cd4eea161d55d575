"""Shared fixtures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:  # the tests package (tests.pg, tests.corpus) under any import mode
    sys.path.insert(0, str(_ROOT))

# The PostGIS server fixture (postgis_server, postgis_url) for every test package.
pytest_plugins = ["tests.pg"]

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
