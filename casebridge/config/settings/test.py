"""Settings for the test suite; DATABASE_URL picks SQLite (default) or PostgreSQL."""

import tempfile
from pathlib import Path

from casebridge.config.settings.base import *  # noqa: F403
from casebridge.config.settings.base import STORAGES as SHARED_STORAGES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **SHARED_STORAGES,
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
CASEBRIDGE_DEMO = True
# WhiteNoise indexes every collected static file (some 2,800 once `make test` has collected the
# assets) each time a middleware chain is built, which the test client does for each test: a
# quarter of the suite's CPU. Here it looks a file up when one is asked for, as in development.
WHITENOISE_AUTOREFRESH = True
# Snapshots never land in the work tree; tests that take one use their own tmp_path.
CASEBRIDGE_SNAPSHOT_DIR = Path(tempfile.mkdtemp(prefix="casebridge-test-snapshots-"))
CASEBRIDGE_IMPORT_DIR = Path(tempfile.mkdtemp(prefix="casebridge-test-imports-"))
CASEBRIDGE_AUDIT_ANCHOR_DIR = Path(tempfile.mkdtemp(prefix="casebridge-test-anchors-"))
CASEBRIDGE_SNAPSHOT_CACHE_DIR = Path(tempfile.mkdtemp(prefix="casebridge-test-snapshot-cache-"))
CASEBRIDGE_TASK_LEASE_DIR = Path(tempfile.mkdtemp(prefix="casebridge-test-leases-"))
# Tasks run there and then, inside the call that queues them; the tests of the queue itself
# (tests/jobs) use the database backend and a real worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
