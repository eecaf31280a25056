"""Production settings refuse unsafe environments and pass Django's deployment checks."""

import os
import subprocess
import sys

GOOD_SECRET = "k" * 20 + "ZqP9!x2@Lm#4vB7$nR1^tY6&wE3*uI8(oA5)sD0_fG" * 2
# What django.setup() does first, and where the settings refuse: read a setting, which imports
# the settings module (loading the apps after it would cost a second of CPU and prove nothing).
START = "from django.conf import settings; settings.DEBUG"


def run(code_or_args, **env):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "casebridge.config.settings.production"}
    environment.pop("CASEBRIDGE_DEBUG", None)
    environment.pop("CASEBRIDGE_SECRET_KEY", None)
    environment.update(env)
    return subprocess.run(  # noqa: S603  (our own interpreter and module)
        [sys.executable, *code_or_args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


def test_refuses_to_start_with_the_default_secret():
    result = run(["-c", START])
    assert result.returncode != 0
    assert "CASEBRIDGE_SECRET_KEY" in result.stderr


def test_refuses_to_start_with_debug_on():
    result = run(
        ["-c", START],
        CASEBRIDGE_SECRET_KEY=GOOD_SECRET,
        CASEBRIDGE_DEBUG="1",
    )
    assert result.returncode != 0
    assert "CASEBRIDGE_DEBUG" in result.stderr


def test_deployment_checks_pass_without_warnings():
    result = run(
        ["-m", "casebridge", "check", "--deploy", "--fail-level", "WARNING"],
        CASEBRIDGE_SECRET_KEY=GOOD_SECRET,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_command_line_uses_the_production_settings_unless_told_otherwise():
    environment = {**os.environ}
    for name in ("DJANGO_SETTINGS_MODULE", "CASEBRIDGE_SECRET_KEY", "CASEBRIDGE_DEBUG"):
        environment.pop(name, None)

    result = subprocess.run(
        [sys.executable, "-m", "casebridge", "check"],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )

    assert result.returncode != 0
    assert "Set CASEBRIDGE_SECRET_KEY" in result.stderr
