r"""The audit trail's hash chain (全过程强制留痕, GB/T 39972-2021).

Each event is hashed with the hash of the event before it::

    hash_n = SHA-256(prev_hash "\\n" seq "\\n" at "\\n" actor "\\n" action "\\n" target "\\n" outcome "\\n" body)

where ``body`` is the canonical JSON of ``{inputs, result, before, after}`` exactly as
stored, and the first event's ``prev_hash`` is :data:`GENESIS`. Editing, removing or
reordering an event changes a hash that a later event has sealed, so
:func:`verify_chain` finds the first broken link. The database also refuses updates
and deletes of events (triggers), so tampering needs direct access that bypasses them.

Examples
--------
>>> h = event_hash(GENESIS, 1, "2026-01-01T00:00:00.000000+00:00", "cli:root", "layer.import", None, "ok", "{}")
>>> len(h)
64
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from guotu.store.base import AuditEvent
from guotu.store.content import canonical_json

__all__ = ["GENESIS", "ChainCheck", "event_body", "event_hash", "verify_chain"]

#: ``prev_hash`` of the first event.
GENESIS: Final = "0" * 64


def event_body(inputs: Any, result: Any = None, before: Any = None, after: Any = None) -> str:
    """Return the canonical JSON body of an event (what is stored and hashed)."""
    return canonical_json({"after": after, "before": before, "inputs": inputs or {}, "result": result})


def event_hash(
    prev_hash: str, seq: int, at: str, actor: str, action: str, target: str | None, outcome: str, body: str
) -> str:
    """Return the hex SHA-256 sealing one event to its predecessor."""
    text = "\n".join((prev_hash, str(seq), at, actor, action, target or "", outcome, body))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stored_hash(event: AuditEvent) -> str:
    """Recompute an event's hash from its stored fields."""
    body = event_body(event.inputs, event.result, event.before, event.after)
    return event_hash(
        event.prev_hash, event.seq, event.at, event.actor, event.action, event.target, event.outcome, body
    )


@dataclass(frozen=True)
class ChainCheck:
    """What :func:`verify_chain` found.

    ``broken_at`` is the ``seq`` of the first event that does not verify (None when
    the chain is whole) and ``reason`` says why.
    """

    events: int
    broken_at: int | None = None
    reason: str | None = None
    last_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        """Whether the whole chain verified."""
        return self.broken_at is None


def verify_chain(events: Iterable[AuditEvent]) -> ChainCheck:
    """Check the hash chain of ``events`` (in ``seq`` order, starting from the first event)."""
    count = 0
    prev = GENESIS
    expected_seq = 1
    for event in events:
        count += 1
        if event.seq != expected_seq:
            return ChainCheck(count, event.seq, f"gap: expected event {expected_seq}, found {event.seq}", prev)
        if event.prev_hash != prev:
            return ChainCheck(count, event.seq, "prev_hash does not match the previous event's hash", prev)
        if stored_hash(event) != event.hash:
            return ChainCheck(count, event.seq, "the event's content does not match its hash", prev)
        prev = event.hash
        expected_seq += 1
    return ChainCheck(count, None, None, prev)
