"""Language of a request: ``?lang=`` wins over the ``lang`` cookie, then ``Accept-Language``, then zh."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from guotu.catalogue import message, normalize_lang

__all__ = ["LANG_COOKIE", "Translator", "request_lang"]

LANG_COOKIE = "guotu_lang"


def request_lang(request: Request) -> str:
    """Return ``zh`` or ``en`` for a request (CONVENTIONS.md, i18n)."""
    asked = request.query_params.get("lang")
    if asked:
        return normalize_lang(asked)
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie:
        return normalize_lang(cookie)
    accept = request.headers.get("accept-language", "")
    first = accept.split(",")[0].strip() if accept else ""
    return normalize_lang(first) if first else "zh"


class Translator:
    """``t("ui.web.map")`` in templates: catalogue text in the request's language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, /, **params: Any) -> str:
        """Return the text of ``key``."""
        return message(key, self.lang, **params)
