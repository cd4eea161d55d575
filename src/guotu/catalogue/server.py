"""Texts of the server under load (:mod:`guotu.web.overload`), in Chinese and English."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "server.busy": (
        "服务器繁忙，请稍后重试",
        "The server is busy; please try again in a moment.",
    ),
}
