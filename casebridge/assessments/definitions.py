"""Instrument files: read from the shipped directory and any configured ones, load into the DB.

A partnership licensed to use a copyrighted checklist puts a file with the same code and version
and its licensed wording in a directory named by ``CASEBRIDGE_INSTRUMENT_DIRS``; a file in a later
directory replaces the one with the same code and version from an earlier one.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from casebridge.assessments.engine import INSTRUMENTS_DIR, structure, validate_instrument
from casebridge.assessments.models import Instrument


@dataclass(frozen=True)
class InstrumentFile:
    definition: dict[str, Any]
    path: Path

    @property
    def key(self) -> tuple[str, int]:
        return self.definition["code"], self.definition["version"]


def instrument_dirs() -> list[Path]:
    """The shipped directory first, then the configured ones in the order given."""
    extra = getattr(settings, "CASEBRIDGE_INSTRUMENT_DIRS", [])
    return [INSTRUMENTS_DIR, *(Path(directory) for directory in extra)]


def _read_file(path: Path) -> InstrumentFile:
    try:
        definition = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ValidationError(f"{path}: not valid YAML: {error}") from error
    validate_instrument(definition, source=str(path))
    return InstrumentFile(definition, path)


def read_instruments(directories: list[Path] | None = None) -> list[InstrumentFile]:
    """Every instrument version, each from the last directory that defines it.

    Raises ``ValidationError`` for a missing directory, a file that does not validate, or two
    files in one directory defining the same code and version (which one wins would be luck).
    """
    chosen: dict[tuple[str, int], InstrumentFile] = {}
    for directory in directories if directories is not None else instrument_dirs():
        if not directory.is_dir():
            raise ValidationError(f"{directory}: instrument directory does not exist")
        here: dict[tuple[str, int], Path] = {}
        for path in sorted(directory.glob("*.yaml")):
            instrument = _read_file(path)
            if instrument.key in here:
                raise ValidationError(
                    f"{path}: {instrument.key[0]} version {instrument.key[1]} is also defined "
                    f"in {here[instrument.key].name}"
                )
            here[instrument.key] = path
            chosen[instrument.key] = instrument
    return [chosen[key] for key in sorted(chosen)]


@transaction.atomic
def load_instruments(directories: list[Path] | None = None) -> list[Instrument]:
    """Create or update each instrument version from its file; the highest version is current.

    Idempotent. A version that assessments already use may change its wording but not its
    questions, scoring or bands: those answers and scores must keep meaning what they meant.
    Versions no longer in any file stay (assessments point at them) but are not current.
    """
    loaded = []
    for instrument_file in read_instruments(directories):
        definition = instrument_file.definition
        existing = Instrument.objects.filter(
            code=definition["code"], version=definition["version"]
        ).first()
        if (
            existing is not None
            and structure(existing.definition) != structure(definition)
            and existing.assessments.exists()
        ):
            raise ValidationError(
                f"{instrument_file.path}: assessments already use {definition['code']} version "
                f"{definition['version']}; change only its wording, or give the new questions, "
                "scoring or bands a new version number"
            )
        instrument, _ = Instrument.objects.update_or_create(
            code=definition["code"],
            version=definition["version"],
            defaults={"name": definition["name"], "definition": definition},
        )
        loaded.append(instrument)
    latest: dict[str, Instrument] = {}
    for instrument in loaded:
        if instrument.code not in latest or instrument.version > latest[instrument.code].version:
            latest[instrument.code] = instrument
    current = [instrument.pk for instrument in latest.values()]
    Instrument.objects.exclude(pk__in=current).update(is_current=False)
    Instrument.objects.filter(pk__in=current).update(is_current=True)
    return loaded
