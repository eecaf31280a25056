from django import forms


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Why are they not the same person? (optional)",
        help_text="For example, different NHS numbers, or twins.",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
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
