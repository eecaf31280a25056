import atexit
import gc
import os
from importlib import import_module

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebridge.config.settings.production")

application = get_wsgi_application()
# A server's worker loads every page, and the engines a person search or a figure runs on
# (Splink, Ibis: about 1.5 s, which commands and tests no longer pay at import), before its
# first request rather than during it.
get_resolver().url_patterns  # noqa: B018  (reading it imports every page's module)
import_module("casebridge.linkage.engine")
import_module("casebridge.analytics.engine")
# What is loaded by now lives as long as the process: frozen out of the cyclic collector, so
# its full collections (75-150 ms of a request each) no longer walk these objects. At exit they
# are given back, so the interpreter frees them (DuckDB's bindings report any it did not).
gc.freeze()
atexit.register(gc.unfreeze)
