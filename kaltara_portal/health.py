"""Readiness: can this instance serve the portal fully right now?

``/healthz`` (liveness) only asks the database for ``SELECT 1``. ``/readyz`` asks more:

* ``database``: the primary answers (and the replica, when there is one);
* ``worker``: a task worker recorded a heartbeat within ``READY_WORKER_MAX_AGE`` seconds
  (``manage.py worker`` writes one every 15 s), and no task has waited in the queue longer than
  ``READY_QUEUE_MAX_WAIT`` seconds (a worker that beats but no longer takes tasks);
* ``disk_media`` / ``disk_tmp``: the media directory and the temporary directory (uploads and
  exports are spooled there) have at least ``READY_MIN_FREE_MB`` free.

Each check answers "ok" or a short word saying what is wrong; never a path, a host or a message
of the database driver (the page is public, for load balancers and monitoring).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from datetime import timedelta

from django.conf import settings
from django.db import connections
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from jobs.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def database_check() -> str:
    aliases = ["default"] + ([settings.REPLICA_DATABASE_ALIAS] if settings.REPLICA_DATABASE_ALIAS else [])
    for alias in aliases:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except Exception:  # any failure means "not ready"; the log says which alias
            logger.warning("readiness: database %s unavailable", alias)
            return "unavailable" if alias == "default" else "replica unavailable"
    return "ok"


def worker_check() -> str:
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.READY_QUEUE_MAX_WAIT)
    try:
        newest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
        if newest is None:
            return "no heartbeat"
        if newest < now - timedelta(seconds=settings.READY_WORKER_MAX_AGE):
            return "heartbeat stale"
        # A task due (enqueued, or its run_after passed) longer ago than the cutoff and still not taken.
        stuck = (
            DBTaskResult.objects.ready()
            .filter(enqueued_at__lt=cutoff)
            .filter(Q(run_after=get_date_max()) | Q(run_after__lt=cutoff))
            .exists()
        )
    except Exception:
        logger.warning("readiness: worker state unreadable")
        return "unknown"
    return "queue stuck" if stuck else "ok"


def disk_check(path: str) -> str:
    try:
        free = shutil.disk_usage(path).free
    except OSError:
        return "missing"
    return "ok" if free >= settings.READY_MIN_FREE_MB * 1024 * 1024 else "low"


def readiness() -> dict[str, str]:
    """Every check by name, in a fixed order: "ok" or what is wrong."""
    return {
        "database": database_check(),
        "worker": worker_check(),
        "disk_media": disk_check(str(settings.MEDIA_ROOT)),
        "disk_tmp": disk_check(tempfile.gettempdir()),
    }
