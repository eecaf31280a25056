from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from casebridge.imports.documentation import formats_markdown


class Command(BaseCommand):
    help = "Write the partner extract formats as Markdown (docs/data-formats.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, help="write here instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        text = formats_markdown()
        if options["out"]:
            options["out"].write_text(text)
        else:
            self.stdout.write(text, ending="")
