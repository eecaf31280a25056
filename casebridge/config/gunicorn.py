"""Gunicorn's settings for Casebridge (docs/configuration.md, "Running the web server"):

    gunicorn --config python:casebridge.config.gunicorn casebridge.config.wsgi

Two single-threaded processes a core (gunicorn's sync worker), behind a buffering reverse proxy.
A process takes a connection only when it is idle, so the requests queue once, in the listening
socket, and whichever process comes free next answers the oldest. A threaded process (gthread)
accepts whatever arrives, busy or not, and keeps each keep-alive connection it took: 20 clients
back to back split up to 85 to 15 between two processes for a whole run, and the busier one's
clients waited twice as long. Two a core, so a process waiting on PostgreSQL leaves the core to
another; one thread each, so no request waits for another's hold on the interpreter's lock
(bench/README.md, "One queue for all the processes").
"""

import gc
import os

_cores = len(os.sched_getaffinity(0))

bind = os.environ.get("CASEBRIDGE_WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CASEBRIDGE_WEB_WORKERS", str(2 * _cores)))
threads = int(os.environ.get("CASEBRIDGE_WEB_THREADS", "1"))
worker_class = "sync" if threads == 1 else "gthread"
timeout = 60
# Only a threaded process keeps a connection open between requests (the sync worker answers
# each on its own connection, as a proxy's upstream requests are by default).
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

# The request lines, when an access log is asked for (--access-logfile -): the path without its
# query string, which carries a person search's name (casebridge/core/logs.py).
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
if os.environ.get("CASEBRIDGE_LOG_FORMAT") == "json":
    # Gunicorn's own lines (workers started, stopped, timed out) as JSON too, as Django's are.
    _json_to_stderr = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "stream": "ext://sys.stderr",
    }
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "casebridge.core.logs.JsonFormatter"}},
        "handlers": {"console": _json_to_stderr, "error_console": _json_to_stderr},
        "loggers": {
            "gunicorn.error": {"handlers": ["error_console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }


def post_worker_init(worker: object) -> None:
    """The collector's first threshold, set once the process has loaded the application."""
    gc.set_threshold(gc_threshold, *gc.get_threshold()[1:])
