"""gunicorn's settings (docs/configuration.md, "Running the web server")."""

import gc
import importlib
import json
import logging
import logging.config
import os

from casebridge.config import gunicorn


def test_the_server_has_two_single_threaded_processes_a_core_unless_told(monkeypatch):
    monkeypatch.delenv("CASEBRIDGE_WEB_WORKERS", raising=False)
    monkeypatch.delenv("CASEBRIDGE_WEB_THREADS", raising=False)
    shape = importlib.reload(gunicorn)
    assert (shape.workers, shape.threads) == (2 * len(os.sched_getaffinity(0)), 1)
    assert shape.worker_class == "sync"

    monkeypatch.setenv("CASEBRIDGE_WEB_WORKERS", "2")
    monkeypatch.setenv("CASEBRIDGE_WEB_THREADS", "6")
    shape = importlib.reload(gunicorn)
    assert (shape.workers, shape.threads) == (2, 6)
    assert shape.worker_class == "gthread"
    monkeypatch.undo()
    importlib.reload(gunicorn)


def test_a_worker_collects_young_objects_after_ten_thousand_unless_told(monkeypatch):
    thresholds = gc.get_threshold()
    try:
        monkeypatch.delenv("CASEBRIDGE_WEB_GC_THRESHOLD", raising=False)
        importlib.reload(gunicorn).post_worker_init(None)
        assert gc.get_threshold() == (10_000, *thresholds[1:])

        monkeypatch.setenv("CASEBRIDGE_WEB_GC_THRESHOLD", "700")
        importlib.reload(gunicorn).post_worker_init(None)
        assert gc.get_threshold() == (700, *thresholds[1:])
    finally:
        gc.set_threshold(*thresholds)
        monkeypatch.undo()
        importlib.reload(gunicorn)


def test_with_json_logs_the_servers_own_lines_are_json_and_request_lines_have_no_query(
    monkeypatch, capsys
):
    monkeypatch.setenv("CASEBRIDGE_LOG_FORMAT", "json")
    shape = importlib.reload(gunicorn)
    try:
        logging.config.dictConfig(shape.logconfig_dict)
        logging.getLogger("gunicorn.error").info("Booting worker with pid: %s", 42)
        line = json.loads(capsys.readouterr().err)
        assert (line["logger"], line["message"]) == (
            "gunicorn.error",
            "Booting worker with pid: 42",
        )
        # The path alone (%(U)s), never the request line (%(r)s) or the query string (%(q)s).
        assert "%(U)s" in shape.access_log_format
        assert "%(r)s" not in shape.access_log_format and "%(q)s" not in shape.access_log_format
    finally:
        for name in ("gunicorn.error", "gunicorn.access"):
            logging.getLogger(name).handlers.clear()
        monkeypatch.undo()
        importlib.reload(gunicorn)
