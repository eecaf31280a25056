"""Gunicorn's settings for Casebridge (docs/configuration.md, "Running the web server"):

    gunicorn --config python:casebridge.config.gunicorn casebridge.config.wsgi

A request spends about two thirds of its CPU in Python, which one process runs on one core at a
time, and the rest in PostgreSQL, usually on the same machine. So: one process per core and one
more, to run Python while another waits on the database, each with a few threads so a request
waiting on PostgreSQL does not hold up the next. More processes or threads than that only queue
the same requests in more places on the same cores, and add connections to PostgreSQL.
"""

import os

_cores = len(os.sched_getaffinity(0))

bind = os.environ.get("CASEBRIDGE_WEB_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("CASEBRIDGE_WEB_WORKERS", str(_cores + 1)))
threads = int(os.environ.get("CASEBRIDGE_WEB_THREADS", "4"))
timeout = 60
# The reverse proxy keeps its connections to gunicorn open between requests: a connection it
# reuses costs neither side a handshake.
keepalive = 5
