"""Gunicorn's settings for `make serve` and production (docs/scaling.md).

Gunicorn reads this file from the working directory. The environment
overrides each value: WEB_CONCURRENCY (workers), PERFNOTE_BIND, and
GUNICORN_CMD_ARGS for anything else.
"""

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
