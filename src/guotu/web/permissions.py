"""The permission matrix as data (RELIABILITY.md R-08): deny by default.

Every route of the app has a name, and :data:`ROUTES` maps that name to one
permission; :data:`PERMISSIONS` maps each permission to the roles that hold it. A
route missing from :data:`ROUTES` is refused to everybody (and the matrix test,
which calls every route with every role, fails on it).

Object-level checks (district scope, published-only data for the public) are done
by the services with the caller's :class:`~guotu.services.features.Viewer`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from typing import Any, Final

__all__ = ["PERMISSIONS", "ROLES_ALL", "ROUTES", "allowed", "iter_routes"]

#: Every role, the anonymous public last.
ROLES_ALL: Final = ("admin", "editor", "reviewer", "viewer", "public")
_STAFF: Final = frozenset({"admin", "editor", "reviewer", "viewer"})

PERMISSIONS: Final[dict[str, frozenset[str]]] = {
    "public": frozenset(ROLES_ALL),  # published data, the login page, the docs
    "staff": _STAFF,  # internal pages and data, read only
    "edit": frozenset({"admin", "editor"}),  # import and change plans, layers
    "review": frozenset({"admin", "reviewer"}),  # reviews, approvals
    "moderate": frozenset({"admin", "reviewer"}),  # public comments
    "admin": frozenset({"admin"}),  # users, roles, the audit log
}

#: Route name → permission.
ROUTES: Final[dict[str, str]] = {
    # pages
    "page_home": "public",
    "favicon": "public",
    "page_login": "public",
    "login": "public",
    "logout": "staff",
    "page_map": "staff",
    "page_plans": "staff",
    "page_plan": "staff",
    "page_plan_import": "edit",
    "page_review": "staff",
    "review_submit": "review",
    "page_review_detail": "staff",
    "review_decision": "review",
    "review_report": "staff",
    "review_report_pdf": "staff",
    "review_rerun": "review",
    "page_maintenance": "staff",
    "page_maintenance_detail": "staff",
    "maintenance_check": "edit",
    "maintenance_new": "edit",
    "maintenance_approve": "review",
    "maintenance_report": "staff",
    "maintenance_package": "staff",
    "page_monitoring": "staff",
    "indicators_evaluate": "edit",
    "supply_import": "edit",
    "page_projects": "staff",
    "projects_import": "edit",
    "page_public": "public",
    "page_public_map": "public",
    "page_public_plan": "public",
    "public_comment": "public",
    "page_moderation": "moderate",
    "moderate_comment": "moderate",
    "page_audit": "admin",
    "page_users": "admin",
    "user_add": "admin",
    "user_role": "admin",
    "user_enabled": "admin",
    # JSON API
    "api_docs": "public",
    "api_openapi": "public",
    "api_me": "public",
    "api_layers": "public",
    "api_layer_versions": "public",
    "api_area_stats": "staff",
    "api_plans": "staff",
    "api_plan": "staff",
    "api_plan_extract": "edit",
    "api_public_plans": "public",
    "api_comments": "moderate",
    "api_comment_create": "public",
    "api_comment_moderate": "moderate",
    "api_audit": "admin",
    "api_users": "admin",
    "api_reviews": "staff",
    "api_review": "staff",
    "api_review_create": "review",
    "api_review_map": "staff",
    "api_maintenances": "staff",
    "api_maintenance": "staff",
    "api_maintenance_map": "staff",
    "api_indicators": "staff",
    "api_supply_progress": "staff",
    "api_projects": "staff",
    "api_user_create": "admin",
    # OGC API Features and tiles (the services filter what each viewer sees)
    "ogc_landing": "public",
    "ogc_conformance": "public",
    "ogc_collections": "public",
    "ogc_collection": "public",
    "ogc_items": "public",
    "ogc_item": "public",
    "tile": "public",
}


def allowed(route_name: str | None, role: str) -> bool:
    """Whether ``role`` may call the route (unknown routes: nobody)."""
    permission = ROUTES.get(route_name or "")
    return permission is not None and role in PERMISSIONS[permission]


def iter_routes(routes: Iterable[Any], prefix: str = "") -> Iterator[Any]:
    """Every endpoint route of an app (``app.routes``), through included routers, with full paths.

    Yields
    ------
    fastapi.routing.APIRoute
        Each route; for routes of included routers, ``path`` carries the include prefix.
    """
    from fastapi.routing import APIRoute

    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from iter_routes(inner.routes, prefix + str(getattr(context, "prefix", "") or ""))
        elif isinstance(route, APIRoute):
            if prefix:
                route = copy.copy(route)
                route.path_format = prefix + route.path_format
            yield route
