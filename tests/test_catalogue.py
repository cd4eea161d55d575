"""Every user-facing text exists in Chinese and English, and every error code has one."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from guotu.catalogue import MESSAGES, message

SRC = Path(__file__).resolve().parents[1] / "src" / "guotu"
_CODE_IN_SOURCE = re.compile(r"""(?:Error|Exception)\(\s*["']([a-z_]+\.[a-z_./]+)["']""")


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_both_languages_with_the_same_parameters(key: str) -> None:
    zh, en = MESSAGES[key]
    assert zh.strip() and en.strip()
    assert _fields(zh) == _fields(en), key
    assert re.search(r"[\u4e00-\u9fff]", zh), f"{key}: the zh text has no Chinese"


def test_every_error_code_raised_in_the_code_has_a_text() -> None:
    codes: set[str] = set()
    for path in SRC.rglob("*.py"):
        codes.update(_CODE_IN_SOURCE.findall(path.read_text(encoding="utf-8")))
    assert codes, "no error codes found: the pattern is broken"
    missing = sorted(c for c in codes if c not in MESSAGES)
    assert not missing, missing


def test_unknown_key_falls_back_to_the_key() -> None:
    assert message("no.such.key", "en", x=1) == "no.such.key (x=1)"


def test_errors_survive_pickling() -> None:
    # Errors raised in worker processes come back pickled: code and parameters must survive.
    import pickle

    from guotu.errors import CRSError

    err = pickle.loads(pickle.dumps(CRSError("crs.unknown", value="EPSG:9999")))
    assert type(err) is CRSError and err.code == "crs.unknown" and err.params == {"value": "EPSG:9999"}
