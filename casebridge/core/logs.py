"""Log lines as JSON objects, one a line, for a log collector (``CASEBRIDGE_LOG_FORMAT=json``).

A log leaves the system's access controls behind, so nothing personal goes in it:

- no query string: a person search's name and date of birth travel in one (the web server's
  request lines, Django's development server's, are written without it);
- no exception message: a database error's says which values clashed ("Key (name)=(...)"),
  so an exception is logged as its type and where it was raised, each frame's file, line and
  function (enough to find the fault, none of the data);
- nothing a log call attached beyond its message (Django attaches the request itself).

What the project's own code logs (ids, counts, outcomes) is written so; form data and names are
never logged by Django outside DEBUG's error pages, which production refuses.
"""

import json
import logging
import re
import traceback
from datetime import UTC, datetime

QUERY_STRING = re.compile(r"\?[^\s\"']*")


def without_query_strings(text: str) -> str:
    return QUERY_STRING.sub("", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": without_query_strings(record.getMessage()),
            "process": record.process,
        }
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, trace = record.exc_info
            entry["exception"] = kind.__name__
            entry["frames"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}"
                for frame in traceback.extract_tb(trace)
            ]
        return json.dumps(entry, ensure_ascii=False)
