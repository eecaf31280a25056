from typing import Any
from uuid import UUID

from django import forms

from casebridge.ui.forms import FreeTextField


class RejectForm(forms.Form):
    reason = FreeTextField(
        label="Why are they not the same person? (optional)",
        help_text="For example, different NHS numbers, or twins.",
        required=False,
        max_length=2000,
    )


class UndoForm(forms.Form):
    # The service insists on a reason, so the rule lives in one place.
    reason = forms.CharField(
        label="Why is this merge wrong?",
        help_text="The two records become separate people again, and are never merged again.",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
    )


class BandForm(forms.Form):
    """A band of match weights to confirm at once, from one batch or all."""

    lower = forms.FloatField(label="From match weight", min_value=-100, max_value=100)
    upper = forms.FloatField(
        label="Up to (not including) match weight", min_value=-100, max_value=100
    )
    source = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        lower, upper = cleaned.get("lower"), cleaned.get("upper")
        if lower is not None and upper is not None and lower >= upper:
            self.add_error("upper", "Enter a match weight above the lower one")
        return cleaned


class ReviewIdsField(forms.Field):
    """The ids of the pairs shown (hidden fields); the service checks they are still in the
    band's queue."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[UUID]:
        try:
            return [UUID(str(item)) for item in value or []]
        except ValueError:
            raise forms.ValidationError("Those pairs are not in the queue.") from None


class BandConfirmForm(BandForm):
    reviews = ReviewIdsField()
