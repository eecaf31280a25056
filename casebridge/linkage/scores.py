"""What the linkage engine gives back, and the model's own entry: plain Python, so pages,
calibration and services can read a score without loading Splink (``engine.py`` imports it)."""

from dataclasses import dataclass

# The key of Casebridge's own entry in a model (term frequencies, calibration, fingerprint).
MODEL_EXTRAS = "casebridge"
# The label of a comparison level where one or both records have no value for the field.
MISSING_LABEL = "One or both missing"


@dataclass(frozen=True, slots=True)
class FieldEvidence:
    """How one field of a pair moved the score: what a reviewer reads to agree or disagree."""

    field: str
    label: str
    match_weight: float


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """Two records and the model's view of whether they are the same person.

    ``match_weight`` is the log2 Bayes factor including the prior, so thresholds read the same
    whatever the population size; ``evidence`` holds one entry per compared field.
    """

    left_id: str
    right_id: str
    match_weight: float
    match_probability: float
    evidence: tuple[FieldEvidence, ...]
