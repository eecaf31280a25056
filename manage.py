#!/usr/bin/env python
"""Django's command-line utility; ``casebridge`` (installed by pip) is the same with hyphens."""

from casebridge.__main__ import main

if __name__ == "__main__":
    main()
