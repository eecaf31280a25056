"""Gunicorn's settings for Casebridge (docs/configuration.md, "Running the web server"):

    gunicorn --config python:casebridge.config.gunicorn casebridge.config.wsgi

A request spends about two thirds of its CPU in Python, which one process runs on one core at a
time, and the rest in PostgreSQL, usually on the same machine. So: one process per core, each
with two threads, so a request waiting on PostgreSQL does not hold up the next. More threads
than that contend for the process's interpreter lock, which costs CPU and stretches the slowest
requests: at 500,000 people, 20 clients back to back on 2 cores, 2 x 2 answered the person
search with a p95 of 137-143 ms where 3 x 4 took 230-259 ms (bench/README.md, "server shape").
"""

import gc
import os

_cores = len(os.sched_getaffinity(0))

bind = os.environ.get("CASEBRIDGE_WEB_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("CASEBRIDGE_WEB_WORKERS", str(_cores)))
threads = int(os.environ.get("CASEBRIDGE_WEB_THREADS", "2"))
timeout = 60
# The reverse proxy keeps its connections to gunicorn open between requests: a connection it
# reuses costs neither side a handshake.
keepalive = 5

# The collector's first threshold (Python's is 700): container objects allocated, net of those
# freed, before a young collection. At 700 one ran in six requests of ten and moved the live
# records of the requests in flight on to the older generations, so a full collection followed
# every 4-7 s in each process: about 40 ms of CPU with the interpreter's lock held (13-362 ms on
# the clock on a busy machine), every request in that process stalled meanwhile. At 10,000 a
# young collection runs every 20-30 requests, the records in flight are a smaller share of
# what it sees, and no full collection ran in three 40 s runs at saturation (bench/README.md,
# "web-tail-8").
gc_threshold = int(os.environ.get("CASEBRIDGE_WEB_GC_THRESHOLD", "10000"))


def post_worker_init(worker: object) -> None:
    """The collector's first threshold, set once the process has loaded the application."""
    gc.set_threshold(gc_threshold, *gc.get_threshold()[1:])
