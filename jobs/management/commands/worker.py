"""The task worker for production: django-tasks-db's ``db_worker`` plus a heartbeat.

A thread beside the worker records a heartbeat row every ``--heartbeat`` seconds, which the
readiness check (/readyz) reads; the systemd unit and ``make run`` start this command. Every
option of ``db_worker`` is accepted (``--queue-name``, ``--interval``, ``--max-tasks`` ...).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from jobs.services import worker_heartbeat_record

logger = logging.getLogger("jobs.worker")


class Heartbeat(threading.Thread):
    def __init__(self, *, worker_id: str, every: float) -> None:
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker_id, self.every = worker_id, every
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def beat(self) -> None:
        close_old_connections()
        try:
            worker_heartbeat_record(
                worker_id=self.worker_id,
                hostname=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=self.started_at,
            )
        except Exception:  # a database outage must not kill the worker; the next beat retries
            logger.exception("heartbeat not recorded")
            connection.close()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            self.beat()
        connection.close()


class Command(DbWorkerCommand):
    help = "Run the background task worker (db_worker) and record its heartbeat for /readyz."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--heartbeat", type=float, default=15.0, help="Seconds between heartbeats (default: %(default)s)"
        )

    def handle(self, *args: Any, heartbeat: float, **options: Any) -> None:
        if options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The autoreloader's parent only restarts the child that works: only the child beats.
            super().handle(*args, **options)
            return
        options["worker_id"] = options.get("worker_id") or get_random_string(32)
        beat = Heartbeat(worker_id=options["worker_id"], every=heartbeat)
        beat.beat()  # before the first task: the worker is ready as soon as it starts
        beat.start()
        try:
            super().handle(*args, **options)
        finally:
            beat.stopped.set()
