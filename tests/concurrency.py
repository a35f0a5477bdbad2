"""Running calls at the same moment, each in its own thread with its own database connection.

Used by the race tests (``@pytest.mark.django_db(transaction=True)``): every thread waits at a barrier, runs its call,
and closes its connection. A thread still running after the timeout fails the test (a deadlock).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_at_once(*calls: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """The result of each call, or the exception it raised, in the order given."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=timeout)
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread never finished (deadlock?)"
    return outcomes


def backend_pid() -> int:
    """The PostgreSQL backend of this thread's connection."""
    connection.ensure_connection()
    return connection.connection.info.backend_pid


def wait_until(condition: Callable[[], bool], *, timeout: float = 15) -> bool:
    """Poll ``condition`` until it holds or the time is up; whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def waits_on_a_lock(pid: int) -> bool:
    """Whether backend ``pid`` is waiting for a row or table lock another transaction holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [pid])
        return bool(cursor.fetchone()[0])


class Rendezvous:
    """Holds each thread at one point of the code until every other thread has reached it too,
    has finished, or is waiting for a lock: the widest window a race can have, made certain.

    Wrap each thread's call with ``rendezvous.enter(call)`` and call ``rendezvous.meet()`` at
    the point (usually from a monkeypatched step); a thread meets once.
    """

    def __init__(self, parties: int = 2) -> None:
        self.parties = parties
        self._pids: dict[int, int] = {}
        self._arrived: set[int] = set()
        self._finished: set[int] = set()
        self._guard = threading.Lock()

    def enter(self, call: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            me = threading.get_ident()
            with self._guard:
                self._pids[me] = backend_pid()
            try:
                return call()
            finally:
                with self._guard:
                    self._finished.add(me)

        return run

    def anyone_arrived(self) -> bool:
        with self._guard:
            return bool(self._arrived)

    def meet(self) -> None:
        me = threading.get_ident()
        if me not in self._pids or me in self._arrived:
            return
        with self._guard:
            self._arrived.add(me)

        def others_there() -> bool:
            with self._guard:
                others = [(t, pid) for t, pid in self._pids.items() if t != me]
                passed = self._arrived | self._finished
            if len(others) < self.parties - 1:
                return False  # someone has not even started
            return all(t in passed or waits_on_a_lock(pid) for t, pid in others)

        wait_until(others_there)
