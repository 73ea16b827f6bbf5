"""gunicorn's settings, from the environment (docs/deployment.md). gunicorn
reads this file from the working directory: `gunicorn governance.wsgi`."""

import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name) or str(default)
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}.") from None


bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"
# Two processes per core is a start for a database-bound app; threads let a
# process wait on the database for one request while it serves another.
workers = _int("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1))
threads = _int("GUNICORN_THREADS", 2)
# A request that runs longer than this is killed (and its worker restarted).
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Restart each worker after this many requests (with jitter), bounding any leak.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10
# Only the proxy at these addresses may say the client's scheme (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"
# Access log lines carry the request id the app answered with (the proxy's or its own).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
# gunicorn's control socket is one path per user: two servers on one host would
# share it. Off unless a path is given.
_control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or ""
if _control_socket:
    control_socket = _control_socket
control_socket_disable = not _control_socket
# Application code is loaded once, before the workers fork.
preload_app = True


def child_exit(server: object, worker: object) -> None:
    """With PROMETHEUS_MULTIPROC_DIR set, the metrics of a worker that exited
    are folded into the totals rather than reported as alive."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
