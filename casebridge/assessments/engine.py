"""The instrument engine: checks a definition, checks answers, scores them and bands the score.

Pure functions over a definition (the dict read from a YAML file, or ``Instrument.definition``),
so a file checked at start-up and an assessment being saved obey the same rules.
"""

from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from casebridge.core.errors import ApplicationError
from casebridge.core.schemas import Schema

INSTRUMENTS_DIR = Path(__file__).parent / "instruments"
SCHEMA = Schema(INSTRUMENTS_DIR / "schema.json")

YES_NO_NOT_KNOWN = "yes_no_not_known"
SCALE = "scale"
YES_NO_NOT_KNOWN_CHOICES = [("yes", "Yes"), ("no", "No"), ("not_known", "Not known")]
# The answer types each scoring method can add up: a "sum" of yes/no answers means nothing.
SCORED_TYPES = {"count_yes": {YES_NO_NOT_KNOWN}, "sum": {SCALE}}

Answer = str | int
Definition = Mapping[str, Any]


class AnswersInvalid(ApplicationError):
    """Some questions are unanswered or have an answer they do not allow.

    ``errors`` maps each such question's code to its message; like any ``ApplicationError`` it
    also names the first of them in ``field``, so a caller that shows one error still can.
    """

    def __init__(self, errors: dict[str, str]) -> None:
        first = next(iter(errors))
        super().__init__(errors[first], field=first)
        self.errors = errors


# --- checking a definition ------------------------------------------------------------------


def validate_instrument(definition: Any, *, source: str) -> None:
    """Raise ``ValidationError`` naming ``source`` and every problem found in ``definition``.

    The JSON schema checks the shape; the cross-checks here check what a schema cannot: unique
    codes, answer types the scoring method can score, bands that cover every possible score
    exactly once, and referral rules that name real bands.
    """
    SCHEMA.check(definition, source=source)
    problems = _question_problems(definition) + _band_problems(definition)
    band_codes = {band["code"] for band in definition["bands"]}
    for rule in definition.get("referral_rules", []):
        if rule["band"] not in band_codes:
            problems.append(
                f"referral rule {rule['pathway']}/{rule['criterion']} names band "
                f"{rule['band']!r}, which is not one of the bands {sorted(band_codes)}"
            )
    if problems:
        raise ValidationError(f"{source}: " + "; ".join(problems))


def _repeats(codes: list[str]) -> list[str]:
    return sorted({code for code in codes if codes.count(code) > 1})


def _question_problems(definition: Definition) -> list[str]:
    problems = []
    repeated = _repeats([q["code"] for q in definition["questions"]])
    if repeated:
        problems.append(f"question codes repeat: {', '.join(repeated)}")
    method = definition["scoring"]["method"]
    for question in definition["questions"]:
        if question["type"] not in SCORED_TYPES[method]:
            problems.append(
                f"question {question['code']!r}: scoring method {method!r} cannot score "
                f"{question['type']!r} answers"
            )
        if question["type"] == SCALE and question["min"] >= question["max"]:
            problems.append(f"question {question['code']!r}: min must be less than max")
    return problems


def _band_problems(definition: Definition) -> list[str]:
    bands = definition["bands"]
    problems = []
    repeated = _repeats([band["code"] for band in bands])
    if repeated:
        problems.append(f"band codes repeat: {', '.join(repeated)}")
    for band in bands:
        if band.get("max") is not None and band["max"] < band["min"]:
            problems.append(f"band {band['code']!r}: max {band['max']} is below min {band['min']}")
    lowest, highest = score_range(definition)
    if bands[0]["min"] > lowest:
        problems.append(
            f"scores {lowest} to {bands[0]['min'] - 1} have no band "
            f"(the first band, {bands[0]['code']!r}, starts at {bands[0]['min']})"
        )
    for before, after in pairwise(bands):
        names = f"{before['code']!r} and {after['code']!r}"
        end = before.get("max")
        if end is None:
            problems.append(f"band {before['code']!r} has no max but is not the last band")
        elif after["min"] > end + 1:
            problems.append(
                f"scores {end + 1} to {after['min'] - 1} have no band (between {names})"
            )
        elif after["min"] <= end:
            problems.append(f"bands {names} overlap (scores {after['min']} to {end})")
    last_max = bands[-1].get("max")
    if last_max is not None and last_max < highest:
        problems.append(
            f"scores {last_max + 1} to {highest} have no band "
            f"(the last band, {bands[-1]['code']!r}, ends at {last_max})"
        )
    return problems


def score_range(definition: Definition) -> tuple[int, int]:
    """The lowest and highest score the instrument's answers can give."""
    questions = definition["questions"]
    if definition["scoring"]["method"] == "sum":
        return (
            sum(q.get("min", 0) for q in questions),
            sum(q.get("max", 0) for q in questions),
        )
    return 0, len(questions)


def structure(definition: Definition) -> dict[str, Any]:
    """What an assessment's answers, score and band depend on: everything but the wording.

    Two definitions with the same structure may replace each other under one version number.
    The order of the questions is wording too: answers are kept by question code.
    """
    return {
        "questions": sorted(
            (
                {k: v for k, v in q.items() if k in ("code", "type", "min", "max")}
                for q in definition["questions"]
            ),
            key=lambda q: q["code"],
        ),
        "scoring": definition["scoring"],
        "bands": [(b["code"], b["min"], b.get("max")) for b in definition["bands"]],
    }


# --- answering and scoring ------------------------------------------------------------------


def answer_choices(question: Mapping[str, Any]) -> list[tuple[Answer, str]]:
    """The answers a question allows, as (value, label) pairs."""
    if question["type"] == SCALE:
        return [(n, str(n)) for n in range(question["min"], question["max"] + 1)]
    return list(YES_NO_NOT_KNOWN_CHOICES)


def answer_label(question: Mapping[str, Any], value: Answer) -> str:
    return dict(answer_choices(question)).get(value, str(value))


def _question_error(number: int, question: Mapping[str, Any]) -> str:
    if question["type"] == SCALE:
        low, high = question["min"], question["max"]
        return f"Choose a score between {low} and {high} for question {number}"
    return f"Select yes, no or not known for question {number}"


def clean_answers(definition: Definition, answers: Mapping[str, object]) -> dict[str, Answer]:
    """Every question's answer, checked against what it allows.

    Raises ``ApplicationError`` for answers to questions the instrument does not ask, and
    ``AnswersInvalid`` naming each unanswered or wrongly answered question.
    """
    codes = [q["code"] for q in definition["questions"]]
    unknown = sorted(set(answers) - set(codes))
    if unknown:
        raise ApplicationError(f"These are not questions of this instrument: {', '.join(unknown)}")
    cleaned: dict[str, Answer] = {}
    errors: dict[str, str] = {}
    for number, question in enumerate(definition["questions"], start=1):
        value = answers.get(question["code"])
        allowed = [choice for choice, _ in answer_choices(question)]
        # bool is an int in Python: True must not pass as a score of 1.
        if isinstance(value, bool) or value not in allowed:
            errors[question["code"]] = _question_error(number, question)
        else:
            cleaned[question["code"]] = value  # type: ignore[assignment]
    if errors:
        raise AnswersInvalid(errors)
    return cleaned


def score(definition: Definition, answers: Mapping[str, Answer]) -> int:
    """The score of a complete, checked set of answers."""
    if definition["scoring"]["method"] == "sum":
        return sum(int(answers[q["code"]]) for q in definition["questions"])
    return sum(1 for q in definition["questions"] if answers[q["code"]] == "yes")


def band_for(definition: Definition, value: int) -> dict[str, Any]:
    """The band a score falls in (the bands of a valid definition cover every score)."""
    for band in definition["bands"]:
        if band["min"] <= value and (band.get("max") is None or value <= band["max"]):
            return dict(band)
    raise ValueError(f"no band for score {value}")


def band_rank(definition: Definition, code: str) -> int | None:
    """The band's position from the lowest (0); ``None`` if the instrument has no such band."""
    codes = [band["code"] for band in definition["bands"]]
    return codes.index(code) if code in codes else None


def band_label(definition: Definition, code: str) -> str:
    return next((b["label"] for b in definition["bands"] if b["code"] == code), code)


def criteria_met(definition: Definition, *, band: str, pathway: str) -> list[str]:
    """The referral criteria of ``pathway`` that a final band of ``band`` meets."""
    rank = band_rank(definition, band)
    met: list[str] = []
    for rule in definition.get("referral_rules", []):
        threshold = band_rank(definition, rule["band"])
        if (
            rule["pathway"] == pathway
            and rank is not None
            and threshold is not None
            and rank >= threshold
            and rule["criterion"] not in met
        ):
            met.append(rule["criterion"])
    return met
