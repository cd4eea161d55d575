"""Accounts, roles and sessions of the web app (RELIABILITY.md §7, §8).

Users and sessions are store records (kinds ``user`` and ``session``), so both
backends keep them and the backups carry them:

* a user record (key: the login name in lower case, so names are unique regardless
  of case) holds the argon2id hash, the role, an optional district scope, the
  failure counter and the lock-out deadline;
* a session record is keyed by the SHA-256 of a random token: the token itself lives
  only in the browser's cookie. It holds the user, the CSRF token, its creation and
  last-seen times; an idle session expires after ``idle_minutes``, any session after
  ``absolute_hours``.

Every change (user created, role changed, disabled, login ok / failed / locked,
logout) writes one audit event through :func:`guotu.services.audit.audited`.
There are no default credentials: the first admin is created by
``guotu users create-admin``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from guotu.errors import ConflictError, InvalidInputError, NotFoundError
from guotu.services.audit import AuditScope, audited
from guotu.store.base import Record, Store

__all__ = [
    "ROLES",
    "SecurityPolicy",
    "Session",
    "User",
    "authenticate",
    "check_password_policy",
    "create_session",
    "create_user",
    "csrf_matches",
    "end_session",
    "get_user",
    "list_users",
    "login",
    "resolve_session",
    "set_password",
    "set_role",
    "set_user_enabled",
]

logger = logging.getLogger(__name__)

#: Staff roles, most powerful first; ``public`` is the anonymous visitor (no account).
ROLES: Final = ("admin", "editor", "reviewer", "viewer")
USER_KIND: Final = "user"
SESSION_KIND: Final = "session"
_NAME_MAX: Final = 64
#: A few passwords assessors try first (R-01, R-02); the policy refuses them whatever their classes.
_WEAK: Final = frozenset(
    {"admin", "123456", "12345678", "password", "password1", "passw0rd", "p@ssw0rd", "admin123", "admin@123",
     "qwerty", "1qaz2wsx", "1qaz@wsx", "abc123", "abc@123", "root", "guotu", "guotu123", "welcome1", "p@ssw0rd123"}
)  # fmt: skip


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SecurityPolicy:
    """The account rules (practice figures of RELIABILITY.md §7, configurable)."""

    min_length: int = 10
    min_classes: int = 3
    max_failures: int = 5
    lockout_minutes: int = 15
    idle_minutes: int = 30
    absolute_hours: int = 12
    clock: Callable[[], datetime] = field(default=_now, compare=False)


@dataclass(frozen=True)
class User:
    """An account as the app sees it (never with its hash)."""

    name: str
    role: str
    districts: tuple[str, ...]
    enabled: bool
    display_name: str
    created_at: str
    last_login: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return the public view of the account."""
        return {
            "name": self.name,
            "role": self.role,
            "districts": list(self.districts),
            "enabled": self.enabled,
            "display_name": self.display_name,
            "created_at": self.created_at,
            "last_login": self.last_login,
        }


@dataclass(frozen=True)
class Session:
    """A live session: who, and the CSRF token bound to it."""

    user: User
    csrf: str
    key: str


# ------------------------------------------------------------------ audit helper


def _audited(
    store: Store, *, actor: str, action: str, target: str, inputs: dict[str, Any]
) -> AbstractContextManager[AuditScope]:
    return audited(store, actor=actor, action=action, target=target, inputs=inputs)


# ------------------------------------------------------------------ passwords


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def _classes(password: str) -> int:
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


def check_password_policy(password: str, name: str, policy: SecurityPolicy | None = None) -> None:
    """Refuse a password that breaks the policy (R-02).

    Raises
    ------
    InvalidInputError
        ``user.password_short``, ``user.password_classes``, ``user.password_name``,
        ``user.password_weak``.

    Examples
    --------
    >>> check_password_policy("Tr0ub4dor&3x", "alice")
    >>> check_password_policy("short", "alice")
    Traceback (most recent call last):
    ...
    guotu.errors.InvalidInputError: [user.password_short] The password is too short: at least 10 characters.
    """
    p = policy or SecurityPolicy()
    if len(password) < p.min_length:
        raise InvalidInputError("user.password_short", min=p.min_length)
    if _classes(password) < p.min_classes:
        raise InvalidInputError("user.password_classes", min=p.min_classes)
    lowered = password.casefold()
    if name and name.casefold() in lowered:
        raise InvalidInputError("user.password_name")
    if lowered in _WEAK or lowered.rstrip("!@#$%^&*.0123456789") in _WEAK:
        raise InvalidInputError("user.password_weak")


def _check_name(name: str) -> str:
    text = name.strip()
    if not text or len(text) > _NAME_MAX or any(c.isspace() or ord(c) < 32 or c in "/\\:'\"<>&" for c in text):
        raise InvalidInputError("user.name_invalid", name=name[:_NAME_MAX])
    return text


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInputError("user.role_invalid", role=role[:40], roles=", ".join(ROLES))
    return role


def _user(record: Record) -> User:
    d = record.data
    return User(
        name=str(d["name"]),
        role=str(d["role"]),
        districts=tuple(d.get("districts") or ()),
        enabled=bool(d.get("enabled", True)),
        display_name=str(d.get("display_name") or d["name"]),
        created_at=str(d.get("created_at") or record.created_at.isoformat()),
        last_login=d.get("last_login"),
    )


# ------------------------------------------------------------------ accounts


def create_user(
    store: Store,
    name: str,
    password: str,
    *,
    role: str,
    actor: str,
    districts: tuple[str, ...] = (),
    display_name: str | None = None,
    policy: SecurityPolicy | None = None,
) -> User:
    """Create an account (audited as ``user.create``).

    Raises
    ------
    InvalidInputError
        A bad name, role or password (see :func:`check_password_policy`).
    ConflictError
        ``user.exists`` when the name is taken, whatever its case.
    """
    p = policy or SecurityPolicy()
    inputs = {"name": name[:_NAME_MAX], "role": role[:40], "districts": list(districts)}
    with _audited(
        store, actor=actor, action="user.create", target=f"user:{name.casefold()[:_NAME_MAX]}", inputs=inputs
    ) as event:
        clean = _check_name(name)
        _check_role(role)
        check_password_policy(password, clean, p)
        for code in districts:
            store.get_jurisdiction(code)
        key = clean.casefold()
        if store.find_record(USER_KIND, key) is not None:
            raise ConflictError("user.exists", name=clean)
        data = {
            "name": clean,
            "role": role,
            "districts": list(districts),
            "enabled": True,
            "display_name": display_name or clean,
            "hash": _hasher().hash(password),
            "failures": 0,
            "locked_until": None,
            "created_at": p.clock().isoformat(),
            "last_login": None,
            "password_changed_at": p.clock().isoformat(),
        }
        record = store.put_record(USER_KIND, key, data, status="enabled", expected_revision=None)
        user = _user(record)
        event.after = user.to_dict()
    return user


def get_user(store: Store, name: str) -> User:
    """Return an account (``user.not_found``)."""
    record = store.find_record(USER_KIND, name.strip().casefold())
    if record is None:
        raise NotFoundError("user.not_found", name=name[:_NAME_MAX])
    return _user(record)


def list_users(store: Store) -> list[User]:
    """Return every account, by name."""
    return [_user(r) for r in store.list_records(USER_KIND)]


def _update_user(
    store: Store,
    name: str,
    *,
    actor: str,
    action: str,
    inputs: dict[str, Any],
    change: Callable[[dict[str, Any]], None],
) -> User:
    key = name.strip().casefold()
    with _audited(store, actor=actor, action=action, target=f"user:{key[:_NAME_MAX]}", inputs=inputs) as event:
        record = store.find_record(USER_KIND, key)
        if record is None:
            raise NotFoundError("user.not_found", name=name[:_NAME_MAX])
        data = dict(record.data)
        event.before = _user(record).to_dict()
        change(data)
        status = "enabled" if data.get("enabled", True) else "disabled"
        stored = store.put_record(USER_KIND, key, data, status=status, expected_revision=record.revision)
        user = _user(stored)
        event.after = user.to_dict()
    return user


def set_role(store: Store, name: str, role: str, *, actor: str, districts: tuple[str, ...] | None = None) -> User:
    """Change an account's role (and district scope when given); audited as ``user.set_role``."""

    def change(data: dict[str, Any]) -> None:
        data["role"] = _check_role(role)
        if districts is not None:
            for code in districts:
                store.get_jurisdiction(code)
            data["districts"] = list(districts)

    inputs: dict[str, Any] = {"role": role[:40], "districts": None if districts is None else list(districts)}
    return _update_user(store, name, actor=actor, action="user.set_role", inputs=inputs, change=change)


def set_user_enabled(store: Store, name: str, enabled: bool, *, actor: str) -> User:
    """Disable (or re-enable) an account; disabling ends its sessions. Audited."""

    def change(data: dict[str, Any]) -> None:
        data["enabled"] = enabled
        data["failures"] = 0
        data["locked_until"] = None

    action = "user.enable" if enabled else "user.disable"
    user = _update_user(store, name, actor=actor, action=action, inputs={"enabled": enabled}, change=change)
    if not enabled:
        for record in store.list_records(SESSION_KIND):
            if record.data.get("user") == user.name.casefold():
                store.delete_record(SESSION_KIND, record.key)
    return user


def set_password(store: Store, name: str, password: str, *, actor: str, policy: SecurityPolicy | None = None) -> User:
    """Set a new password (policy checked); audited without the password."""
    p = policy or SecurityPolicy()

    def change(data: dict[str, Any]) -> None:
        check_password_policy(password, str(data["name"]), p)
        data["hash"] = _hasher().hash(password)
        data["password_changed_at"] = p.clock().isoformat()
        data["failures"] = 0
        data["locked_until"] = None

    return _update_user(store, name, actor=actor, action="user.set_password", inputs={}, change=change)


# ------------------------------------------------------------------ login and sessions


def _token_key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def authenticate(
    store: Store, name: str, password: str, *, source: str = "", policy: SecurityPolicy | None = None
) -> User:
    """Check a login (R-04): 5 failures in a row lock the account for 15 minutes.

    A wrong password, an unknown name, a disabled or a locked account all raise the
    same ``auth.failed`` error, so the answer does not tell them apart. Each attempt
    writes one audit event (``auth.login``, ok or failed); a lock writes one more
    (``auth.lock``).
    """
    from argon2.exceptions import InvalidHashError, VerificationError

    p = policy or SecurityPolicy()
    key = name.strip().casefold()[:_NAME_MAX]
    now = p.clock()
    inputs = {"source": source[:100]}
    target = f"user:{key}"
    record = store.find_record(USER_KIND, key)
    reason: str | None = None
    if record is None:
        _hasher().hash(password)  # the same work as a real check: no timing oracle for names
        reason = "unknown"
    else:
        locked_until = record.data.get("locked_until")
        if locked_until and datetime.fromisoformat(locked_until) > now:
            reason = "locked"
        else:
            try:
                verified = bool(_hasher().verify(record.data["hash"], password))
            except (VerificationError, InvalidHashError):
                verified = False
            if not verified:
                reason = "password"
            elif not record.data.get("enabled", True):
                reason = "disabled"
    if reason is None and record is not None:
        with _audited(store, actor=f"web:{key}", action="auth.login", target=target, inputs=inputs) as event:
            stored = _record_login(store, key, record, now)
            event.result = {"role": stored.data["role"]}
        return _user(stored)
    locked = False
    if record is not None and reason in ("password", "disabled"):
        data = dict(record.data)
        data["failures"] = int(data.get("failures") or 0) + 1
        if data["failures"] >= p.max_failures:
            data["locked_until"] = (now + timedelta(minutes=p.lockout_minutes)).isoformat()
            data["failures"] = 0
            locked = True
        try:  # the counter survives the failed attempt (whose own event is written below)
            store.put_record(USER_KIND, key, data, status=record.status, expected_revision=record.revision)
        except ConflictError:
            logger.info("concurrent login attempts for %s: one failure not counted", key)
            locked = False
    try:
        with _audited(store, actor=f"web:{key}", action="auth.login", target=target, inputs=inputs) as event:
            event.before = {"reason": reason}
            raise InvalidInputError("auth.failed")
    finally:
        if locked:
            with _audited(store, actor=f"web:{key}", action="auth.lock", target=target, inputs=inputs) as event:
                event.result = {"minutes": p.lockout_minutes}


def _record_login(store: Store, key: str, record: Record, now: datetime) -> Record:
    """Reset the failure counter after a verified password, re-reading on a concurrent write.

    Two logins to one account at the same moment both verify; the second write
    then meets a new revision. It re-reads and retries (a lock set meanwhile by
    failed attempts still wins), instead of failing a correct login with a conflict.
    """
    for _attempt in range(5):
        data = dict(record.data)
        data.update(failures=0, locked_until=None, last_login=now.isoformat())
        try:
            return store.put_record(USER_KIND, key, data, status="enabled", expected_revision=record.revision)
        except ConflictError:
            fresh = store.find_record(USER_KIND, key)
            locked_until = fresh.data.get("locked_until") if fresh is not None else None
            if (
                fresh is None
                or not fresh.data.get("enabled", True)
                or (locked_until and datetime.fromisoformat(locked_until) > now)
            ):
                raise InvalidInputError("auth.failed") from None
            record = fresh
    raise ConflictError("record.stale", kind=USER_KIND, key=key, expected=record.revision, current=record.revision)


def login(
    store: Store, name: str, password: str, *, source: str = "", policy: SecurityPolicy | None = None
) -> tuple[Session, str]:
    """Authenticate and open a new session; return it and its token (for the cookie only).

    The session id is new at each login, so a planted id is useless (R-05).
    """
    p = policy or SecurityPolicy()
    user = authenticate(store, name, password, source=source, policy=p)
    return create_session(store, user, policy=p)


def create_session(store: Store, user: User, *, policy: SecurityPolicy | None = None) -> tuple[Session, str]:
    """Open a session for ``user``; return it and its random token."""
    p = policy or SecurityPolicy()
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    key = _token_key(token)
    now = p.clock().isoformat()
    store.put_record(
        SESSION_KIND,
        key,
        {"user": user.name.casefold(), "csrf": csrf, "created": now, "seen": now},
        expected_revision=None,
    )
    return Session(user=user, csrf=csrf, key=key), token


def resolve_session(
    store: Store, token: str | None, *, policy: SecurityPolicy | None = None, touch: bool = True
) -> Session | None:
    """Return the live session of a cookie token, None when absent, expired or ended.

    An expired session is removed (its end is audited as ``auth.timeout``).
    """
    if not token or len(token) > 200:
        return None
    p = policy or SecurityPolicy()
    key = _token_key(token)
    record = store.find_record(SESSION_KIND, key)
    if record is None:
        return None
    now = p.clock()
    seen = datetime.fromisoformat(record.data["seen"])
    created = datetime.fromisoformat(record.data["created"])
    user_record = store.find_record(USER_KIND, str(record.data["user"]))
    expired = now - seen > timedelta(minutes=p.idle_minutes) or now - created > timedelta(hours=p.absolute_hours)
    if expired or user_record is None or not user_record.data.get("enabled", True):
        user = str(record.data["user"])
        with _audited(store, actor=f"web:{user}", action="auth.timeout", target=f"user:{user}", inputs={}) as event:
            _delete_quietly(store, key)
            event.result = {"idle_seconds": int((now - seen).total_seconds())}
        return None
    if touch and (now - seen).total_seconds() >= 30:
        data = dict(record.data)
        data["seen"] = now.isoformat()
        try:
            store.put_record(SESSION_KIND, key, data, expected_revision=record.revision)
        except ConflictError:
            pass  # another request of the same session touched it first
    return Session(user=_user(user_record), csrf=str(record.data["csrf"]), key=key)


def _delete_quietly(store: Store, key: str) -> None:
    try:
        store.delete_record(SESSION_KIND, key)
    except NotFoundError:
        pass


def end_session(store: Store, session: Session) -> None:
    """Log out: the session is deleted on the server (audited as ``auth.logout``)."""
    name = session.user.name.casefold()
    with _audited(store, actor=f"web:{name}", action="auth.logout", target=f"user:{name}", inputs={}):
        _delete_quietly(store, session.key)


def csrf_matches(expected: str, given: str | None) -> bool:
    """Compare CSRF tokens in constant time."""
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())
