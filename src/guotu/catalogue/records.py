"""Texts of the store's records and the audit trail, in Chinese and English."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "record.invalid": ("记录无效（{kind} {key}）：{reason}", "Invalid record ({kind} {key}): {reason}"),
    "record.not_found": ("未找到记录：{kind} {key}", "No such record: {kind} {key}"),
    "record.exists": ("记录已存在：{kind} {key}", "The record already exists: {kind} {key}"),
    "record.stale": (
        "记录已被他人修改：{kind} {key}（预期版本 {expected}，当前版本 {current}），请刷新后重试",
        "The record was changed by someone else: {kind} {key} (expected revision {expected}, now {current}); "
        "reload and try again",
    ),
    "audit.invalid": ("审计事件无效：{reason}", "Invalid audit event: {reason}"),
    "audit.verified": (
        "审计日志完整：共 {events} 条事件，链尾哈希 {hash}…",
        "The audit trail verifies: {events} events, last hash {hash}…",
    ),
    "audit.broken": (
        "审计日志校验失败：第 {seq} 条事件（{reason}）",
        "The audit trail does not verify: event {seq} ({reason})",
    ),
}
