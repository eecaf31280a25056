"""Loading the URLconf, as every worker and command does, leaves the heavy libraries unloaded:
each is imported by the one module that uses it, when first used."""

import json
import os
import subprocess
import sys

LOADED_WHEN_USED = ("weasyprint", "scipy", "splink", "ibis", "reportlab.platypus")


def test_the_urlconf_loads_none_of_the_heavy_libraries():
    code = (
        "import django, json, sys; django.setup(); import casebridge.config.urls; "
        "print(json.dumps(sorted(sys.modules)))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "casebridge.config.settings.test"}
    result = subprocess.run(  # noqa: S603  (our own interpreter and code)
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True
    )
    loaded = set(json.loads(result.stdout))
    assert loaded.isdisjoint(LOADED_WHEN_USED), sorted(loaded.intersection(LOADED_WHEN_USED))
