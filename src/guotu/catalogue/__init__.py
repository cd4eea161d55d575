"""The message catalogue: every user-facing text, in Chinese and English.

Texts are looked up by a stable key (an error code such as ``document.empty``, or a
UI label such as ``ui.figures``) and formatted with ``str.format`` parameters.
Each area of the code keeps its texts in its own module here; this module merges
them. A test checks that every key has both languages and that every error code
raised in the code base has an entry.
"""

from __future__ import annotations

from typing import Any

from guotu.catalogue import (
    boundaries,
    classification,
    core,
    documents,
    geo,
    maintenance,
    plans,
    records,
    reports,
    review,
    scale,
    server,
    supervision,
    vector,
    web,
)

__all__ = ["LANGUAGES", "MESSAGES", "message", "normalize_lang"]

LANGUAGES = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {}
for _part in (
    core, documents, plans, classification, geo, boundaries, vector,
    records, reports, maintenance, review, supervision, web, scale, server,
):  # fmt: skip
    for _key, _texts in _part.MESSAGES.items():
        if _key in MESSAGES:
            raise RuntimeError(f"duplicate catalogue key {_key!r}")
        MESSAGES[_key] = _texts


def normalize_lang(lang: str | None) -> str:
    """Map a language tag (``zh``, ``zh-CN``, ``en-US`` ...) to ``zh`` or ``en``.

    Examples
    --------
    >>> normalize_lang("en-US")
    'en'
    >>> normalize_lang(None)
    'zh'
    """
    if lang and lang.lower().startswith("en"):
        return "en"
    return "zh"


def message(key: str, lang: str = "zh", /, **params: Any) -> str:
    """Return the text for ``key`` in ``lang``, formatted with ``params``.

    An unknown key falls back to the key itself with its parameters, so a missing
    entry never hides the error (the catalogue test catches it first).

    Examples
    --------
    >>> message("document.empty", "zh", path="a.txt")
    '文件为空：a.txt'
    """
    texts = MESSAGES.get(key)
    if texts is None:
        detail = ", ".join(f"{k}={v}" for k, v in sorted(params.items()))
        return f"{key} ({detail})" if detail else key
    template = texts[1] if normalize_lang(lang) == "en" else texts[0]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template
