from django import forms

from casebridge.agencies.models import Agency
from casebridge.plans.models import Commitment
from casebridge.ui.forms import DateField, FreeTextField


class CommitmentForm(forms.Form):
    reference = forms.CharField(
        label="Number in the plan",
        help_text="For example, 2.3",
        max_length=12,
        error_messages={
            "required": "Enter the commitment's number",
            "max_length": "Keep the number to 12 characters or fewer",
        },
    )
    commitment = FreeTextField(
        label="Commitment",
        max_length=5000,
        error_messages={"required": "Enter the commitment"},
    )
    owner_agency = forms.ModelChoiceField(
        label="Agency that answers for it",
        queryset=Agency.objects.order_by("name"),
        empty_label="Select an agency",
        error_messages={
            "required": "Select the agency that answers for it",
            "invalid_choice": "Select an agency from the list",
        },
    )
    owner = forms.CharField(
        label="Who answers for it",
        help_text="A job title, such as head of community safety.",
        max_length=200,
        error_messages={"required": "Enter who answers for it"},
    )
    due_on = DateField(label="Due date", help_text="For example, 31 3 2026")


class CommitmentUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=Commitment.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the commitment's status"},
    )
    note = FreeTextField(
        label="Progress",
        help_text="What has been done, and what is in the way.",
        max_length=2000,
        error_messages={
            "required": "Say what progress has been made",
            "max_length": "Keep the note to 2,000 characters or fewer",
        },
    )
