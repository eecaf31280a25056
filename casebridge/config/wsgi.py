import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebridge.config.settings.production")

application = get_wsgi_application()
# What is loaded by now (Django, every app, their models and rules) lives as long as the
# process: frozen out of the cyclic collector, so its full collections (75-150 ms of a request
# each, over about 250,000 objects) no longer walk these 80,000 or so.
gc.freeze()
