"""Settings for `make demo` on a laptop: HTTP on loopback, demo conveniences on.

DEBUG stays off (base settings) unless CASEBRIDGE_DEBUG is set: with it on, a 404 lists every URL
pattern to whoever asks. WhiteNoise serves the static files either way.
"""

import os

from casebridge.config.settings.base import *  # noqa: F403
from casebridge.config.settings.base import env_bool

SESSION_COOKIE_SECURE = env_bool("CASEBRIDGE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CASEBRIDGE_DEMO = True
# The demo's e-mails are printed by the worker that sends them.
EMAIL_BACKEND = os.environ.get(
    "CASEBRIDGE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
# The demo signs its audit anchors (the daily schedule) with a key `make demo` makes once beside
# the database; a deployment keeps its key off the database's machine (docs/deployment.md).
CASEBRIDGE_AUDIT_ANCHOR_KEY_FILE = os.environ.get(
    "CASEBRIDGE_AUDIT_ANCHOR_KEY_FILE",
    str(BASE_DIR / "var" / "audit-anchor-key.pem"),  # noqa: F405
)
