"""Package data shared by the edges: the seed documents of the demo (``seeds/``).

The five seeds are real, public 2026 documents of Chinese natural-resources bureaus
(three supply plans, a master-plan maintenance scheme and a master-plan brochure),
shipped so that ``guotu demo`` works after ``pip install guotu`` alone.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable

__all__ = ["seed_files"]


def seed_files() -> list[Traversable]:
    """Return the seed documents, sorted by name.

    Examples
    --------
    >>> [f.name for f in seed_files()][:1]
    ['bachu_2026_supply_plan_draft.txt']
    """
    root = resources.files(__name__).joinpath("seeds")
    return sorted((f for f in root.iterdir() if f.name.endswith(".txt")), key=lambda f: f.name)
