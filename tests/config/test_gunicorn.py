"""gunicorn's settings (docs/configuration.md, "Running the web server")."""

import importlib
import os

from casebridge.config import gunicorn


def test_the_server_has_a_process_per_core_with_two_threads_unless_told(monkeypatch):
    monkeypatch.delenv("CASEBRIDGE_WEB_WORKERS", raising=False)
    monkeypatch.delenv("CASEBRIDGE_WEB_THREADS", raising=False)
    shape = importlib.reload(gunicorn)
    assert (shape.workers, shape.threads) == (len(os.sched_getaffinity(0)), 2)
    assert shape.worker_class == "gthread"

    monkeypatch.setenv("CASEBRIDGE_WEB_WORKERS", "2")
    monkeypatch.setenv("CASEBRIDGE_WEB_THREADS", "6")
    shape = importlib.reload(gunicorn)
    assert (shape.workers, shape.threads) == (2, 6)
    monkeypatch.undo()
    importlib.reload(gunicorn)
