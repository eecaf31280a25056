"""Forms for deciding on a SIRM proposal."""

from django import forms

from casebridge.panels.forms import StartFields
from casebridge.ui.forms import FreeTextField
from casebridge.violence.models import SirmProposal


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "All proposals"), *SirmProposal.Status.choices],
    )


class ConveneForm(StartFields):
    title = forms.CharField(
        label="Title (optional)",
        max_length=200,
        required=False,
        help_text="Leave blank to call it SIRM - and the incident reference.",
    )
    agencies = forms.MultipleChoiceField(
        label="Which agencies will attend?",
        help_text="Only these agencies will see the case and the meeting.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one attending agency"},
    )


class NotNeededForm(forms.Form):
    reason = FreeTextField(
        label="Why is no SIRM needed?",
        help_text="For example, a SIRM is already planned for a linked incident.",
        max_length=2_000,
        error_messages={"required": "Give the reason no SIRM is needed"},
    )
