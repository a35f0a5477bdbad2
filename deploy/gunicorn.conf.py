"""gunicorn for the portal (read by the kaltara-web systemd unit: gunicorn -c deploy/gunicorn.conf.py).

Every value can be overridden from the environment file (GUNICORN_*). nginx sits in front:
it terminates TLS, buffers slow clients and request bodies (uploads reach gunicorn at once),
and serves /static/ itself, so the sync workers only ever run Django.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# Only nginx (on this machine, or the load balancer's address in GUNICORN_BIND) talks to gunicorn.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The usual rule for sync workers: two per core plus one (5 on a 2-core machine). Each worker keeps
# one persistent PostgreSQL connection (CONN_MAX_AGE) or a small pool (DB_POOL): size
# PostgreSQL's max_connections for workers x app servers + the task workers + headroom.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A request longer than this is killed (the worker restarts). Imports and exports run in the task
# worker, so no page needs long; nginx's proxy_read_timeout is a little longer than this.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle workers now and then: bounds memory growth of a long-lived process.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = 200
# The worker heartbeat files live in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's recommended place
# X-Forwarded-* are trusted from nginx only (Django reads X-Forwarded-Proto: BEHIND_PROXY=1).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "kaltara-web"

# Logs to stderr, collected by journald. The access log names the path without its query string
# (%(U)s, never %(r)s or the referer): query strings may carry search terms; it carries nginx's
# request id so a line here, nginx's line and the portal's own lines can be matched.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
if os.environ.get("LOG_FORMAT", "plain") == "json":
    access_log_format = (
        '{"type": "access", "remote": "%(h)s", "request_id": "%({x-request-id}i)s", "method": "%(m)s", '
        '"path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "ms": %(M)s}'
    )
else:
    access_log_format = '%(h)s request_id=%({x-request-id}i)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
