"""Gunicorn's settings for `make serve` and production (docs/scaling.md).

Gunicorn reads this file from the working directory. The environment
overrides each value: WEB_CONCURRENCY (workers), PERFNOTE_BIND, and
GUNICORN_CMD_ARGS for anything else.
"""

import gc
import importlib
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("PERFNOTE_BIND", "127.0.0.1:8000")
# Two processes a core, each with four threads: a page waits on PostgreSQL
# most of its time, and a clinician signing a note (WeasyPrint, then the
# seal: 0.2-0.5 s of CPU) holds one thread, not a whole worker.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1)))
worker_class = "gthread"
threads = int(os.environ.get("PERFNOTE_THREADS", 4))
# Load Django once, then fork: the workers share its memory and a broken
# configuration fails at start, not at the first request.
preload_app = True
# The longest request is a zip of selected notes; anything slower is stuck.
timeout = 120
graceful_timeout = 30
# Recycle each worker now and then, so no slow leak outlives a day.
max_requests = 2000
max_requests_jitter = 200
# The proxy in front (TLS) sets X-Forwarded-Proto; Django trusts it
# (SECURE_PROXY_SSL_HEADER) only because gunicorn listens behind that proxy.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"


def when_ready(server: object) -> None:
    """Freeze the preloaded app's objects before the workers fork.

    A full garbage collection walks every object of the process: in
    bench/note_norms_bench.py about one note render in four paid 115 ms for one
    (410-430 ms against 300), most of it walking Django's, WeasyPrint's and
    fontTools' modules, which live as long as the process. Frozen objects are
    never walked again (Python's gc.freeze(), which its documentation advises
    before a pre-fork server forks: it also keeps the workers from copying
    those pages), and the slow renders took 340-350 ms. The URLconf is imported
    first, so every view and the note renderer are loaded and frozen too
    rather than imported on each worker's first request.
    """
    from django.conf import settings

    importlib.import_module(settings.ROOT_URLCONF)
    gc.collect()
    gc.freeze()
