"""The demo's settings run with DEBUG off unless it is asked for."""

import os
import subprocess
import sys

# The settings as a process under them reads them (the first read imports the module, as
# django.setup() does before it loads the apps, which these values do not depend on).
SHOW_SETTINGS = "from django.conf import settings; print(settings.DEBUG, settings.CASEBRIDGE_DEMO)"


def run(**env):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "casebridge.config.settings.local"}
    environment.pop("CASEBRIDGE_DEBUG", None)
    environment.update(env)
    return subprocess.run(  # noqa: S603  (our own interpreter and module)
        [sys.executable, "-c", SHOW_SETTINGS],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )


def test_debug_is_off_by_default_with_the_demo_conveniences_on():
    assert run().stdout.split() == ["False", "True"]


def test_debug_is_on_only_when_asked_for():
    assert run(CASEBRIDGE_DEBUG="1").stdout.split() == ["True", "True"]
