"""Every code raised or reported by guotu.io and guotu.geo.quality has zh and en texts."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from guotu.catalogue import vector

SRC = Path(__file__).resolve().parents[2] / "src" / "guotu"
FILES = [*sorted((SRC / "io").glob("*.py")), SRC / "geo" / "quality.py", SRC / "catalogue" / "vector.py"]
CODE = re.compile(r"""["']((?:vector|qc)\.[a-z_]+)["']""")


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_every_code_in_the_sources_has_a_text() -> None:
    used = {code for path in FILES for code in CODE.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 30
    assert sorted(used - set(vector.MESSAGES)) == []


@pytest.mark.parametrize("key", sorted(vector.MESSAGES))
def test_both_languages_with_the_same_parameters(key: str) -> None:
    zh, en = vector.MESSAGES[key]
    assert _fields(zh) == _fields(en)
    assert re.search(r"[\u4e00-\u9fff]", zh)
