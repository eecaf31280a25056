"""Checking one extract row against its format: every cell parsed to its type, every rule
applied, and every problem with the row given as a reason the analyst can act on.

A row is valid or it is rejected with all its reasons at once (not just the first), so the
partner can correct the row in one go.
"""

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from operator import itemgetter, methodcaller
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from casebridge.imports.formats import Column, ExtractFormat, Subject

Value = str | int | bool | date | datetime | None

LONDON = ZoneInfo("Europe/London")
EARLIEST = date(1900, 1, 1)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
)
BOOLEANS = {"y": True, "yes": True, "true": True, "1": True, "n": False, "no": False}
BOOLEANS |= {"false": False, "0": False}
SEXES = {"f": "female", "female": "female", "m": "male", "male": "male"}
# The Royal Mail's shape of a UK postcode: outward code, then sector digit and unit letters.
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
# The shapes almost every extract writes (YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS]), which
# fromisoformat reads exactly as strptime would, a hundred times faster.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?")


# A date's or a time's ISO text, called by the C encoder without a Python frame (a row has
# several): the method of the value's own type, a datetime's as a datetime.
_iso = methodcaller("isoformat")

# A row's digest is its values as sorted JSON, dates and times as ISO text
# (json.dumps(jsonable(values), sort_keys=True)); ADR 0006 fixes that form. This encoder is its
# definition, and writes a row whose values are not of the usual types (see _json_pieces).
DIGEST_JSON = json.JSONEncoder(sort_keys=True, default=_iso)
# Distinct date and time texts remembered as parsed: an extract repeats them (dates of birth,
# days, times to the minute), and each parse is pure.
PARSED_CACHE = 1 << 16


class CellError(ValueError):
    pass


@dataclass(frozen=True)
class Clock:
    """The moment rows are checked against ("in the future"), read once for many rows."""

    now: datetime = field(default_factory=timezone.now)

    @cached_property
    def today(self) -> date:
        return timezone.localdate(self.now)


@dataclass(frozen=True)
class CheckedRow:
    line: int
    values: dict[str, Value]
    reasons: tuple[str, ...]
    # What the batch's page says of the row as it loads (a recommended column left blank).
    notes: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.reasons

    @cached_property
    def json_values(self) -> dict[str, object]:
        """The values as JSON takes them (dates as ISO text)."""
        return jsonable(self.values)

    @cached_property
    def digest(self) -> str:
        """What the row says, so the same row sent again is recognised as unchanged."""
        return self.digest_without(())

    @cached_property
    def _json_pieces(self) -> tuple[str, ...] | None:
        """Each value as ``DIGEST_JSON`` writes it, in the order of the row's keys sorted, so
        that a row's two digests (loading.py) encode its values once; None for a row with a
        value ``DIGEST_JSON`` writes as a list or an object, which it then writes whole."""
        keys = _sorted_keys(*self.values)
        values = self.values
        text = PIECES_JSON.encode([values[key] for key in keys])
        pieces = text[1:-1].split(PIECE_SEPARATOR) if keys else []
        return tuple(pieces) if len(pieces) == len(keys) else None

    def digests(self, columns: Iterable[str]) -> tuple[str, str]:
        """``digest`` and ``digest_without(columns)`` together, as a loaded row keeps them: the
        values picked and encoded once, each digest's text put together from the same pieces."""
        form = _digest_form(tuple(self.values), frozenset(columns))
        if form is None:
            return self.digest, self.digest_without(columns)
        pick, whole, template, kept = form
        text = PIECES_JSON.encode(pick(self.values))
        pieces = text[1:-1].split(PIECE_SEPARATOR)
        if len(pieces) != len(self.values):
            return self.digest, self.digest_without(columns)
        return (
            hashlib.sha256((whole % tuple(pieces)).encode()).hexdigest(),
            hashlib.sha256((template % kept(pieces)).encode()).hexdigest(),
        )

    def digest_without(self, columns: Iterable[str]) -> str:
        """What the row says but for ``columns``: equal for a row whose other values stand."""
        skipped = frozenset(columns)
        pieces = self._json_pieces
        if pieces is None:
            values = {k: v for k, v in self.values.items() if k not in skipped}
            text = DIGEST_JSON.encode(values)
        else:
            template, kept = _object_template(_sorted_keys(*self.values), skipped)
            text = template % kept(pieces)
        return hashlib.sha256(text.encode()).hexdigest()


# Separates the values ``PIECES_JSON`` writes: an ASCII-only JSON text escapes every control
# character inside a value, so this one stands only between values.
PIECE_SEPARATOR = "\x00"
# A row's values as a list, each written as ``DIGEST_JSON`` writes it inside its object (by the
# same C encoder, a Python call only for a date or time).
PIECES_JSON = json.JSONEncoder(separators=(PIECE_SEPARATOR, ": "), default=_iso)


@lru_cache(maxsize=64)
def _sorted_keys(*keys: str) -> tuple[str, ...]:
    """A row's keys in ``DIGEST_JSON``'s order."""
    return tuple(sorted(keys))


@lru_cache(maxsize=64)
def _object_template(
    keys: tuple[str, ...], skipped: frozenset[str]
) -> tuple[str, Callable[[tuple[str, ...]], tuple[str, ...]]]:
    """The text ``DIGEST_JSON`` writes for an object of ``keys`` but ``skipped``, a ``%s`` for
    each value, and what picks those values' pieces from all of the row's."""
    positions = tuple(n for n, key in enumerate(keys) if key not in skipped)
    # A key's text written for %-formatting (a column's name holds no "%", but may one day).
    written = (encode_basestring_ascii(keys[n]).replace("%", "%%") + ": %s" for n in positions)
    template = "{" + ", ".join(written) + "}"
    if len(positions) > 1:
        return template, itemgetter(*positions)
    return template, lambda pieces: tuple(pieces[n] for n in positions)


@lru_cache(maxsize=64)
def _digest_form(
    keys: tuple[str, ...], skipped: frozenset[str]
) -> tuple[Callable[[Any], Any], str, str, Callable[[Any], tuple[str, ...]]] | None:
    """For a row of ``keys`` (in its own order): what picks its values in ``DIGEST_JSON``'s
    order, the text of the whole row's object and of the row's but ``skipped`` (a ``%s`` for
    each value), and what picks the latter's pieces. None for fewer than two keys either way
    (an ``itemgetter`` of one key gives the value, not a tuple), left to ``digest_without``."""
    ordered = _sorted_keys(*keys)
    if len(ordered) < 2 or len(ordered) - len(skipped.intersection(ordered)) < 2:
        return None
    whole, _ = _object_template(ordered, frozenset())
    template, kept = _object_template(ordered, skipped)
    return itemgetter(*ordered), whole, template, kept


def jsonable(values: Mapping[str, Value]) -> dict[str, object]:
    # A datetime is a date too.
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def _text(raw: str, column: Column, clock: Clock) -> str:
    if column.max_length and len(raw) > column.max_length:
        raise CellError(f"is {len(raw)} characters long; the most is {column.max_length}")
    return raw


def _integer(raw: str, column: Column, clock: Clock) -> int:
    try:
        value = int(raw.replace(",", ""))
    except ValueError:
        raise CellError(f"{raw!r} is not a whole number") from None
    if column.minimum is not None and value < column.minimum:
        raise CellError(f"{value} is less than {column.minimum}")
    if column.maximum is not None and value > column.maximum:
        raise CellError(f"{value} is more than {column.maximum}")
    return value


def _parse(raw: str, formats: tuple[str, ...]) -> datetime | None:
    for pattern in formats:
        try:
            return datetime.strptime(raw, pattern)
        except ValueError:
            continue
    return None


@lru_cache(maxsize=PARSED_CACHE)
def _parsed_date(raw: str) -> date | None:
    if ISO_DATE.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return None
    parsed = _parse(raw, DATE_FORMATS)
    return parsed.date() if parsed else None


@lru_cache(maxsize=PARSED_CACHE)
def _parsed_moment(raw: str) -> datetime | None:
    """The UK clock time ``raw`` says, or None."""
    if ISO_DATETIME.fullmatch(raw):
        try:
            parsed: datetime | None = datetime.fromisoformat(raw)
        except ValueError:
            parsed = None
    else:
        parsed = _parse(raw, DATETIME_FORMATS) or _parse(raw, DATE_FORMATS)
    # Partners send local (UK) clock times; stored in UTC like every other time.
    return parsed.replace(tzinfo=LONDON) if parsed else None


def _check_past(day: date, column: Column, clock: Clock) -> None:
    if day < EARLIEST:
        raise CellError(f"{day:%d/%m/%Y} is before {EARLIEST.year}")
    if column.past and day > clock.today:
        raise CellError(f"{day:%d/%m/%Y} is in the future")


def _date(raw: str, column: Column, clock: Clock) -> date:
    parsed = _parsed_date(raw)
    if parsed is None:
        raise CellError(f"{raw!r} is not a date (write YYYY-MM-DD or DD/MM/YYYY)")
    _check_past(parsed, column, clock)
    return parsed


def _datetime(raw: str, column: Column, clock: Clock) -> datetime:
    moment = _parsed_moment(raw)
    if moment is None:
        raise CellError(
            f"{raw!r} is not a date and time (write YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM)"
        )
    _check_past(moment.date(), column, clock)
    if moment > clock.now:
        raise CellError(f"{raw!r} is in the future")
    return moment


def _boolean(raw: str, column: Column, clock: Clock) -> bool:
    try:
        return BOOLEANS[raw.lower()]
    except KeyError:
        raise CellError(f"{raw!r} is not Y or N") from None


def _code(raw: str, column: Column, clock: Clock) -> str:
    code = raw.lower()
    if code not in column.code_values:
        raise CellError(
            f"{raw!r} is not one of its codes ({', '.join(sorted(column.code_values))})"
        )
    return code


def _sex(raw: str, column: Column, clock: Clock) -> str:
    try:
        return SEXES[raw.lower()]
    except KeyError:
        raise CellError(f"{raw!r} is not F or M (leave it blank when not known)") from None


def _postcode(raw: str, column: Column, clock: Clock) -> str:
    match = POSTCODE.match("".join(raw.upper().split()))
    if match is None:
        raise CellError(f"{raw!r} is not a UK postcode")
    return f"{match[1]} {match[2]}"


def _nhs_number(raw: str, column: Column, clock: Clock) -> str:
    digits = raw.replace(" ", "").replace("-", "")
    if not (len(digits) == 10 and digits.isdigit()):
        raise CellError(f"{raw!r} is not a 10-digit NHS number")
    # The NHS number's own check digit (modulus 11), which catches a mistyped digit.
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9])) % 11
    check = 11 - remainder if remainder else 0
    if check == 10 or check != int(digits[9]):
        raise CellError(f"{raw!r} is not a valid NHS number (its check digit is wrong)")
    return digits


PARSERS: Mapping[str, Callable[[str, Column, Clock], Any]] = {
    "text": _text,
    "integer": _integer,
    "date": _date,
    "datetime": _datetime,
    "boolean": _boolean,
    "code": _code,
    "sex": _sex,
    "postcode": _postcode,
    "nhs_number": _nhs_number,
}


def day_of(value: Value) -> date | None:
    """The UK calendar day of a date or a time (a parsed cell), None for a blank one."""
    if isinstance(value, datetime):
        return value.astimezone(LONDON).date()
    return value if isinstance(value, date) else None


def _rule_reasons(
    extract: ExtractFormat, values: dict[str, Value], unparsed: set[str]
) -> list[str]:
    reasons = []
    for column in extract.ruled_columns:
        present = values.get(column.name) is not None
        if column.required and not present and column.name not in unparsed:
            reasons.append(f"{column.name} is required")
        other = column.required_with
        if other and values.get(other) is not None and not present and column.name not in unparsed:
            reasons.append(f"{column.name} is required when {other} is given")
        # A boolean's N asserts nothing, so only a Y needs the column it goes with.
        asserted = present and values[column.name] is not False
        if column.only_with and asserted:
            other_value = values.get(column.only_with)
            if other_value is None:
                reasons.append(f"{column.name} is given but {column.only_with} is blank")
            elif column.only_with_code and other_value != column.only_with_code:
                reasons.append(
                    f"{column.name} is given but {column.only_with} is not {column.only_with_code}"
                )
        if not column.not_before:
            continue
        later, earlier = day_of(values.get(column.name)), day_of(values.get(column.not_before))
        if later and earlier and later < earlier:
            reasons.append(f"{column.name} is before {column.not_before}")
    return reasons


def _parsed_column(
    column: Column, cells: Sequence[str], clock: Clock
) -> tuple[list[Value], dict[int, str]]:
    """A column's cells parsed, each stripped, to the column's type: the values (None for a
    blank or a cell that doesn't parse) and why each cell that doesn't parse doesn't (by row)."""
    stripped = list(map(str.strip, cells))
    if column.type == "text":
        # A text's only check is its length, so its cells (mostly each other's) are not parsed.
        values: list[Value] = [cell or None for cell in stripped]
        longest = column.max_length
        if not longest or max(map(len, stripped), default=0) <= longest:
            return values, {}
    # Each distinct cell parsed once: a column repeats its codes, dates, times and postcodes,
    # and a parse depends only on the cell, its column and the clock.
    parse = PARSERS[column.type]
    # Each cell's value, or the CellError of a cell that doesn't parse.
    outcomes: dict[str, Any] = {"": None}
    for cell in set(stripped).difference(outcomes):
        try:
            outcomes[cell] = parse(cell, column, clock)
        except CellError as error:
            outcomes[cell] = error
    failed = {
        cell: str(outcome) for cell, outcome in outcomes.items() if isinstance(outcome, CellError)
    }
    values = list(map(outcomes.__getitem__, stripped))
    if not failed:
        return values, {}
    errors = {row: failed[cell] for row, cell in enumerate(stripped) if cell in failed}
    for row in errors:
        values[row] = None
    return values, errors


def check_chunk(
    *,
    extract: ExtractFormat,
    lines: Sequence[int],
    columns: Mapping[str, Sequence[str]],
    clock: Clock | None = None,
) -> list[CheckedRow]:
    """Parse many rows' cells, given as each column's cells (by column name, a cell a row; a
    column not given is blank in every row), and apply every rule to each row: each column
    parsed in one pass, not a Python call a cell. ``clock`` is the moment "in the future" means
    (now, unless given)."""
    clock = clock or Clock()
    blank = [None] * len(lines)
    parsed: list[Sequence[Value]] = []
    cell_reasons: dict[int, list[str]] = {}
    unparsed: dict[int, set[str]] = {}
    # A row's values and the reasons its cells don't parse in the format's order of columns.
    for column in extract.columns:
        cells = columns.get(column.name)
        if cells is None:
            parsed.append(blank)
            continue
        column_values, errors = _parsed_column(column, cells, clock)
        parsed.append(column_values)
        for row, error in errors.items():
            cell_reasons.setdefault(row, []).append(f"{column.name}: {error}")
            unparsed.setdefault(row, set()).add(column.name)
    names = extract.column_names
    checked = []
    for row, (line, row_values) in enumerate(zip(lines, zip(*parsed, strict=True), strict=True)):
        values = dict(zip(names, row_values, strict=True))
        reasons = cell_reasons.get(row, [])
        reasons += _rule_reasons(extract, values, unparsed.get(row, set()))
        notes = () if reasons else _notes(extract, values)
        checked.append(CheckedRow(line=line, values=values, reasons=tuple(reasons), notes=notes))
    return checked


def check_row(
    *, extract: ExtractFormat, line: int, cells: Mapping[str, str], clock: Clock | None = None
) -> CheckedRow:
    """Parse the row's cells (by column name; missing optional columns are blank) and apply
    every rule. ``clock`` is the moment "in the future" means (now, unless given)."""
    columns = {name: (cell,) for name, cell in cells.items()}
    (checked,) = check_chunk(extract=extract, lines=(line,), columns=columns, clock=clock)
    return checked


def _blank_date_of_birth_note(subject: Subject, values: dict[str, Value]) -> str:
    """How a person without a date of birth is matched: by their identifier if the row gives
    one, otherwise not with anyone held until identity resolution or an analyst does it."""
    if subject.identifier_column and values[subject.identifier_column] is not None:
        return f"{subject.role}: no date of birth, so matched by {subject.identifier_column} only"
    return (
        f"{subject.role}: no date of birth and no identifier, so held unmatched until identity "
        "resolution (on name, sex and postcode) or an analyst links them"
    )


def _notes(extract: ExtractFormat, values: dict[str, Value]) -> tuple[str, ...]:
    """A note for each recommended column the row leaves blank (a subject's only if the row
    names that subject)."""
    notes = []
    for column in extract.recommended_columns:
        if values[column.name] is not None:
            continue
        subject = extract.subject_of.get(column.name)
        if subject is None:
            notes.append(f"{column.name} is blank")
        elif values[subject.family_name] is None:
            continue
        elif column.name == subject.date_of_birth:
            notes.append(_blank_date_of_birth_note(subject, values))
        else:
            notes.append(f"{subject.role}: {column.name} is blank")
    return tuple(notes)
