"""Settings for `make demo` on a laptop: HTTP on loopback, demo conveniences on."""

from casebridge.config.settings.base import *  # noqa: F403
from casebridge.config.settings.base import env_bool

DEBUG = env_bool("CASEBRIDGE_DEBUG", True)
SESSION_COOKIE_SECURE = env_bool("CASEBRIDGE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CASEBRIDGE_DEMO = True
