"""gunicorn's settings for Vitrina, read from the repository root (options on the
command line win): ``gunicorn 'shop:create_app()'``.

Every value can be changed through the environment without editing this file:
WEB_CONCURRENCY (workers), GUNICORN_WORKER_CLASS and GUNICORN_THREADS, GUNICORN_TIMEOUT,
GUNICORN_ACCESS_LOG ("-" for stdout), FORWARDED_ALLOW_IPS, and PORT or GUNICORN_CMD_ARGS
for the address (gunicorn's own).

Why these choices:
- Workers: 2 per core plus one (gunicorn's advice). Requests are short (a cached page
  is a fraction of a millisecond, a full shop page a few), so a core is rarely idle
  while another worker waits on the database.
- Sync workers by default: the fastest for short requests (no thread switching, no
  GIL contention), and what the benchmarks measure. They need a buffering proxy in
  front (nginx, Caddy, a cloud load balancer), as every production set-up has for TLS
  anyway: without one, a phone uploading ten photos over a slow network would hold
  a worker for the whole upload. Without such a proxy, use GUNICORN_WORKER_CLASS=gthread
  (4 threads per worker by default): slow clients then hold a thread, not a process,
  and keep-alive works.
- preload_app: the app is imported once, before forking. Workers share its memory
  (copy-on-write, helped by gc.freeze below), start in milliseconds, and a broken
  configuration stops the start at once instead of failing every worker in a loop.
  create_app() opens no connection, so nothing is shared across the fork.
- No access log by default: the proxy in front logs every request already. When it
  is on, it logs the path without the query string (searches stay out of the logs),
  order tokens scrubbed, and the request id (JSON lines with LOG_FORMAT=json).
- forwarded_allow_ips: gunicorn trusts X-Forwarded-Proto from 127.0.0.1 only unless
  FORWARDED_ALLOW_IPS says otherwise (client addresses behind a proxy are the app's
  business: TRUST_PROXY_HEADERS, see shop/config.py).
- No max_requests: restarting workers would throw away their page caches, and the app
  has no leak that needs it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS") or (4 if worker_class == "gthread" else 1))
preload_app = True

# A worker silent this long is killed and replaced; no request should come near it
# (uploads are streamed by the proxy, checkouts take milliseconds).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30  # on a deploy, requests in flight get this long to finish
keepalive = 5  # seconds (gthread); the proxy's own idle timeout should be longer

# The workers' heartbeat files (empty, written by no one else): on tmpfs, so a slow
# disk never makes a worker look hung.
SHARED_MEMORY = "/dev/shm"  # noqa: S108 - gunicorn's own advice for containers
if os.path.isdir(SHARED_MEMORY):
    worker_tmp_dir = SHARED_MEMORY

# No control socket (gunicorn 25+, for `gunicornc`): its default path is under $HOME,
# which is the same for every app server a machine runs (vitrina@8001, vitrina@8002),
# so each new server would take over the last one's socket. systemctl and signals
# do what it would.
control_socket_disable = True

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s" %({x-request-id}o)s'
errorlog = "-"
# Order tokens in paths are scrubbed; LOG_FORMAT=json makes access lines JSON like the app's.
logger_class = "shop.web.gunicorn_logging.ScrubbingLogger"
if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    from shop.web.gunicorn_logging import JSON_ACCESS_FORMAT

    access_log_format = JSON_ACCESS_FORMAT

if os.environ.get("FORWARDED_ALLOW_IPS"):
    forwarded_allow_ips = os.environ["FORWARDED_ALLOW_IPS"]


def when_ready(server) -> None:
    """In the master, after the app is loaded and before the first fork: make once what
    every worker's first public page would otherwise make on a shopper's time (the app
    version, compiled templates and statements, translations: shop.storefront.fast.warm),
    then move everything loaded so far out of the garbage collector's sight, so
    collections in the workers neither scan nor touch (and so copy) the shared pages."""
    try:
        from shop.storefront.fast import warm_up
        from shop.web.lean import LeanFlask
    except ImportError:  # another app served with this file
        pass
    else:
        app = server.app.wsgi()
        # Vitrina's own app; another one served with this file (the benchmarks' hello
        # world) has none of the extensions warm_up fills.
        if isinstance(app, LeanFlask):
            warm_up(app)
    gc.collect()
    gc.freeze()
