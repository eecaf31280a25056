"""Identity resolution writes: train the model, link imported people, decide reviews, undo merges.

Every write is authorised by the ``identity`` permission (analysts) and audited. Audit entries
carry ids, counts and weights, never a name or an address: the audit log is read by people who
may not see either.
"""

from casebridge.linkage.services.bulk import (
    BAND_LIMIT,
    BandOutcome,
    band_estimate,
    match_confirm_band,
)
from casebridge.linkage.services.decisions import match_confirm, match_reject, merge_undo
from casebridge.linkage.services.linking import NO_MODEL_MESSAGE, LinkageSummary, people_link
from casebridge.linkage.services.training import linkage_model_train

__all__ = [
    "BAND_LIMIT",
    "NO_MODEL_MESSAGE",
    "BandOutcome",
    "LinkageSummary",
    "band_estimate",
    "linkage_model_train",
    "match_confirm",
    "match_confirm_band",
    "match_reject",
    "merge_undo",
    "people_link",
]
