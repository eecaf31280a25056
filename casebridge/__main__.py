"""The ``casebridge`` command: Django's management commands, spelt with hyphens.

``casebridge demo-data`` runs the ``demo_data`` management command, so operators type the
names the documentation uses while Django keeps its module naming rules.

It runs with the production settings, as the web server does, unless DJANGO_SETTINGS_MODULE
names others: the demo and development say ``casebridge.config.settings.local`` (``make demo``
does), so a command typed on a server never runs with the demo's conveniences.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebridge.config.settings.production")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "casebridge"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
