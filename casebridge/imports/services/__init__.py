"""Importing a partner's extract: one file, one batch, all or nothing.

``import_start`` takes the file (authorised, stored, audited) and ``import_run`` does the work:
read and check every row, keep the rejected ones with their reasons, then load every valid row
in one transaction, people included. A file already loaded is refused; a row an earlier batch
loaded is recognised by its reference and left as it is.
"""

from casebridge.imports.services.checking import import_budget
from casebridge.imports.services.linking import batch_link
from casebridge.imports.services.running import batch_fail, import_file, import_run, summary
from casebridge.imports.services.storing import (
    batch_file,
    batch_file_delete,
    batch_file_stored,
    import_directory,
    import_start,
)

__all__ = [
    "batch_fail",
    "batch_file",
    "batch_file_delete",
    "batch_file_stored",
    "batch_link",
    "import_budget",
    "import_directory",
    "import_file",
    "import_run",
    "import_start",
    "summary",
]
