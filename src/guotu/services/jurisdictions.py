"""Jurisdictions in the store: the built-in units (and their boundaries, with the extra)."""

from __future__ import annotations

import logging

import shapely

from guotu.domain.jurisdiction_data import builtin_jurisdictions, is_official_code
from guotu.domain.jurisdictions import Jurisdiction, Level
from guotu.errors import DependencyMissingError, NotFoundError
from guotu.geo.boundaries import load_boundary
from guotu.services.audit import audited, cli_actor
from guotu.store.base import Store

__all__ = ["list_jurisdictions", "load_jurisdictions"]

logger = logging.getLogger(__name__)

#: Levels whose boundaries the boundary package ships (6-digit codes).
_WITH_BOUNDARY = (Level.PROVINCE, Level.CITY, Level.COUNTY)


def load_jurisdictions(store: Store, *, boundaries: bool = True, actor: str | None = None) -> dict[str, int]:
    """Put the built-in jurisdictions into the store, with CGCS2000 boundaries when available.

    Parameters
    ----------
    boundaries
        Also load boundaries (EPSG:4490) from the ``[boundaries]`` extra. Without
        the extra the units are loaded without boundaries and the result says so.

    Returns
    -------
    dict
        ``{"jurisdictions": n, "boundaries": m}``.
    """
    loaded = with_boundary = 0
    missing_package = False
    with audited(
        store, actor=actor or cli_actor(), action="jurisdiction.load", inputs={"boundaries": boundaries}
    ) as event:
        for unit in builtin_jurisdictions():
            wkb = None
            if boundaries and not missing_package and unit.level in _WITH_BOUNDARY and is_official_code(unit.code):
                try:
                    geometry, _source = load_boundary(unit.code)
                    wkb = shapely.to_wkb(geometry)
                except DependencyMissingError:
                    missing_package = True
                    logger.warning("boundary package not installed: jurisdictions are loaded without boundaries")
                except NotFoundError:
                    logger.info("no boundary shipped for %s %s", unit.code, unit.name)
            store.upsert_jurisdiction(unit, wkb, 4490 if wkb is not None else None)
            loaded += 1
            with_boundary += wkb is not None
        event.result = {"jurisdictions": loaded, "boundaries": with_boundary}
    return {"jurisdictions": loaded, "boundaries": with_boundary, "boundary_package_missing": int(missing_package)}


def list_jurisdictions(store: Store, parent: str | None = None) -> list[Jurisdiction]:
    """Return the jurisdictions of the store (children of ``parent`` when given)."""
    return store.list_jurisdictions(parent)
