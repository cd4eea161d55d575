"""Public consultation (意见征询): comments from the public on published plans and maps, with moderation.

Comments are records of kind ``comment`` with status ``pending`` until a moderator
approves or rejects them; only approved comments are shown to the public. No
contact details are collected (RELIABILITY.md §8, personal information). Every
submission and every moderation writes one audit event.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from guotu.errors import ConflictError, InvalidInputError, NotFoundError
from guotu.services.audit import audited
from guotu.store.base import Record, Store

__all__ = ["Comment", "list_comments", "moderate_comment", "submit_comment"]

KIND: Final = "comment"
STATUSES: Final = ("pending", "approved", "rejected")
_MAX_TEXT: Final = 2000
_MAX_SUBJECT: Final = 200


@dataclass(frozen=True)
class Comment:
    """A public comment."""

    key: str
    subject: str
    text: str
    status: str
    created_at: str
    moderated_by: str | None
    revision: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "key": self.key,
            "subject": self.subject,
            "text": self.text,
            "status": self.status,
            "created_at": self.created_at,
            "moderated_by": self.moderated_by,
            "revision": self.revision,
        }


def _comment(record: Record) -> Comment:
    d = record.data
    return Comment(
        key=record.key,
        subject=str(d.get("subject", "")),
        text=str(d.get("text", "")),
        status=str(record.status or "pending"),
        created_at=str(d.get("created_at", "")),
        moderated_by=d.get("moderated_by"),
        revision=record.revision,
    )


def submit_comment(store: Store, subject: str, text: str, *, actor: str = "web:public") -> Comment:
    """Store a comment as ``pending`` (``web.comment_invalid`` for empty or too long text)."""
    body = text.strip()
    about = subject.strip()[:_MAX_SUBJECT]
    inputs = {"subject": about, "length": len(body)}
    now = datetime.now(UTC)
    key = f"{now.strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(4)}"
    with audited(store, actor=actor, action="comment.submit", target=f"comment:{key}", inputs=inputs) as event:
        if not body:
            raise InvalidInputError("web.comment_invalid", reason="empty")
        if len(body) > _MAX_TEXT:
            raise InvalidInputError("web.comment_invalid", reason=f"longer than {_MAX_TEXT} characters")
        data = {"subject": about, "text": body, "created_at": now.isoformat(), "moderated_by": None}
        record = store.put_record(KIND, key, data, status="pending", expected_revision=None)
        event.after = {"status": "pending"}
    return _comment(record)


def list_comments(store: Store, *, status: str | None = None, limit: int = 200) -> list[Comment]:
    """Return comments, newest first (only ``approved`` ones are for the public)."""
    records = store.list_records(KIND, status=status)
    return [_comment(r) for r in reversed(records)][:limit]


def moderate_comment(
    store: Store, key: str, decision: str, *, actor: str, expected_revision: int | None = None
) -> Comment:
    """Approve or reject a pending comment (compare-and-set on its revision)."""
    inputs = {"decision": decision[:20], "expected_revision": expected_revision}
    with audited(store, actor=actor, action="comment.moderate", target=f"comment:{key[:80]}", inputs=inputs) as event:
        if decision not in ("approved", "rejected"):
            raise InvalidInputError("web.comment_invalid", reason=f"decision {decision[:20]!r}")
        record = store.find_record(KIND, key)
        if record is None:
            raise NotFoundError("web.comment_not_found", key=key[:80])
        if record.status != "pending":
            raise ConflictError("record.stale", kind=KIND, key=key, expected="pending", current=record.status)
        data = dict(record.data)
        data["moderated_by"] = actor
        revision = record.revision if expected_revision is None else expected_revision
        stored = store.put_record(KIND, key, data, status=decision, expected_revision=revision)
        event.before = {"status": record.status}
        event.after = {"status": decision}
    return _comment(stored)
