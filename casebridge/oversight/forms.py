from django import forms

from casebridge.audit.models import AuditEvent
from casebridge.oversight.selectors import AuditFilters
from casebridge.ui.forms import DateField


class AuditSearchForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150, required=False)
    action = forms.ChoiceField(
        label="Action", choices=[("", "Any action"), *AuditEvent.Action.choices], required=False
    )
    object_id = forms.CharField(
        label="Record id",
        max_length=64,
        required=False,
        help_text="The id of a person, case or other record",
    )
    date_from = DateField(label="From", required=False, help_text="For example, 1 4 2025")
    date_to = DateField(label="To", required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:  # type: ignore[operator]
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return data

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            username=data["username"],
            action=data["action"],
            object_id=data["object_id"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )


class BreakGlassReviewForm(forms.Form):
    note = forms.CharField(
        label="Review note",
        help_text="Was the access justified? What, if anything, happens next?",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
    )
