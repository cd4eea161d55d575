"""Accounts under concurrency: simultaneous correct logins to one account all succeed."""

from __future__ import annotations

import threading

from guotu.services import users
from guotu.services.audit import verify
from guotu.store import Store


def test_simultaneous_logins_to_one_account_all_succeed(store: Store) -> None:
    users.create_user(store, "zhang", "Guotu-Passw0rd!", role="viewer", actor="cli:root")
    results: list[object] = []

    def attempt() -> None:
        try:
            results.append(users.authenticate(store, "zhang", "Guotu-Passw0rd!"))
        except Exception as err:  # collected and asserted below
            results.append(err)

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(isinstance(r, users.User) for r in results), results
    logins = [e for e in store.list_audit() if e.action == "auth.login"]
    assert len(logins) == 6 and all(e.outcome == "ok" for e in logins)
    assert verify(store).ok
