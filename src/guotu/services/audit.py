"""The audit trail (全过程强制留痕): how services record every change, and how it is verified.

Every service that changes data wraps the change in :func:`audited`::

    with audited(store, actor=actor, action="layer.import", target="layer:yjjbnt", inputs={...}) as event:
        ...                      # the work, in one transaction
        event.result = {...}     # optional: what came out, the state before and after
        event.after = {...}

On success the ``ok`` event is written in the same transaction as the work, so a
change is never visible without its event. When the work raises, the transaction is
rolled back first and a ``failed`` event (with the error code) is then written on
its own, so failed attempts leave a trace too; the exception propagates unchanged.
Denied requests (the web app's permission checks) are recorded with
:func:`record_denied`.

Events form a hash chain (:mod:`guotu.store.audit`); :func:`verify` walks it.
"""

from __future__ import annotations

import getpass
import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from guotu.errors import GuotuError
from guotu.store.audit import ChainCheck, verify_chain
from guotu.store.base import AuditEvent, Store

__all__ = ["AuditScope", "audited", "cli_actor", "list_events", "record_denied", "record_failed", "verify"]

logger = logging.getLogger(__name__)

#: Events read per query while verifying, so memory stays flat on long trails.
_PAGE = 5000


@dataclass
class AuditScope:
    """What the work inside :func:`audited` tells the event about itself."""

    result: dict[str, Any] | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    event: AuditEvent | None = field(default=None, repr=False)


def cli_actor() -> str:
    """Return the actor of a command-line call: ``cli:<operating-system user>``."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        user = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    return f"cli:{user}"


def _error_result(err: BaseException) -> dict[str, Any]:
    if isinstance(err, GuotuError):
        return {"error": err.code, "params": {k: str(v) for k, v in err.params.items()}}
    return {"error": type(err).__name__}


@contextmanager
def audited(
    store: Store,
    *,
    actor: str,
    action: str,
    target: str | None = None,
    inputs: Mapping[str, Any] | None = None,
) -> Iterator[AuditScope]:
    """Run the enclosed work in one transaction that also writes its audit event.

    Parameters
    ----------
    actor
        Who: ``cli:<user>``, ``web:<user>``, ``public`` ...
    action
        What, as ``area.verb`` (``maintenance.approve``).
    target
        What it acted on (``layer:yjjbnt_140302``), if anything.
    inputs
        The request, JSON-serialisable (no passwords).
    """
    scope = AuditScope()
    payload = dict(inputs or {})
    try:
        with store.transaction():
            yield scope
            scope.event = store.append_audit(
                actor=actor,
                action=action,
                outcome="ok",
                target=target,
                inputs=payload,
                result=scope.result,
                before=scope.before,
                after=scope.after,
            )
    except BaseException as err:
        if scope.event is None and not isinstance(err, GeneratorExit):
            try:
                store.append_audit(
                    actor=actor,
                    action=action,
                    outcome="failed",
                    target=target,
                    inputs=payload,
                    result=_error_result(err),
                    before=scope.before,
                )
            except GuotuError:  # the store itself is failing: the original error matters more
                logger.warning("could not record the failed attempt %s by %s", action, actor, exc_info=True)
        raise


def record_denied(
    store: Store, *, actor: str, action: str, target: str | None = None, inputs: Mapping[str, Any] | None = None
) -> AuditEvent:
    """Record a request refused by a permission check."""
    return store.append_audit(actor=actor, action=action, outcome="denied", target=target, inputs=dict(inputs or {}))


def record_failed(
    store: Store,
    *,
    actor: str,
    action: str,
    error: BaseException | None = None,
    target: str | None = None,
    inputs: Mapping[str, Any] | None = None,
    result: Mapping[str, Any] | None = None,
) -> AuditEvent | None:
    """Record an attempt that failed before any transaction was opened (bad file, blocking findings).

    Returns None (and logs) when the store itself cannot take the event: the
    caller's own error matters more.
    """
    outcome = dict(result or {}) if error is None else {**_error_result(error), **dict(result or {})}
    try:
        return store.append_audit(
            actor=actor, action=action, outcome="failed", target=target, inputs=dict(inputs or {}), result=outcome
        )
    except GuotuError:
        logger.warning("could not record the failed attempt %s by %s", action, actor, exc_info=True)
        return None


def list_events(
    store: Store,
    *,
    limit: int = 50,
    actor: str | None = None,
    action_prefix: str | None = None,
    target: str | None = None,
) -> list[AuditEvent]:
    """Return the newest events first, filtered."""
    return store.list_audit(limit=limit, actor=actor, action_prefix=action_prefix, target=target, descending=True)


def verify(store: Store) -> ChainCheck:
    """Walk the whole chain page by page and return what was found (never raises on a break)."""

    def events() -> Iterator[AuditEvent]:
        after = 0
        while True:
            page = store.list_audit(after_seq=after, limit=_PAGE)
            if not page:
                return
            yield from page
            after = page[-1].seq

    return verify_chain(events())
