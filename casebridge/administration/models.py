from django.conf import settings
from django.db import models

from casebridge.agencies.models import Agency


class AccessReview(models.Model):
    """An agency's lead confirming, for one quarter, who in their agency can see what: each
    user kept or flagged for removal (``AccessReviewEntry``)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="access_reviews")
    quarter_start = models.DateField(help_text="The first day of the quarter reviewed.")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "quarter_start"], name="access_review_one_a_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"Access review of {self.agency} for the quarter from {self.quarter_start}"


class AccessReviewEntry(models.Model):
    """One user as the review found them: the roles they held, and whether they keep access."""

    review = models.ForeignKey(AccessReview, on_delete=models.CASCADE, related_name="entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    roles = models.JSONField(default=list, help_text="The codes of the roles they held.")
    keep = models.BooleanField(help_text="False: flagged for removal.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="access_review_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} {'kept' if self.keep else 'flagged for removal'}"
