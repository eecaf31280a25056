from collections.abc import Sequence

from django import forms

from casebridge.pathways.models import DisclosureRequest
from casebridge.ui.forms import DateField, FreeTextField


class TransitionForm(forms.Form):
    transition = forms.CharField(max_length=40)
    outcome = forms.CharField(max_length=40, required=False)
    reason = FreeTextField(label="Reason", required=False, max_length=5000)


class ActivityForm(forms.Form):
    activity = forms.ChoiceField(
        label="What kind of casework?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of casework"},
    )
    text = FreeTextField(
        label="What happened?",
        max_length=5000,
        error_messages={"required": "Describe what happened"},
    )

    def __init__(
        self, *args: object, activities: Sequence[dict[str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["activity"].choices = [(a["code"], a["label"]) for a in activities]  # type: ignore[attr-defined]


class DisclosureRequestForm(forms.Form):
    route = forms.ChoiceField(
        label="How was the disclosure requested?",
        choices=DisclosureRequest.Route.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the disclosure was requested"},
    )
    requested_on = DateField(label="Date of the request", help_text="For example, 27 3 2025")


class DisclosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Was a disclosure made?",
        choices=[
            (DisclosureRequest.Decision.DISCLOSED, DisclosureRequest.Decision.DISCLOSED.label),
            (
                DisclosureRequest.Decision.NOT_DISCLOSED,
                DisclosureRequest.Decision.NOT_DISCLOSED.label,
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether a disclosure was made"},
    )
    decided_on = DateField(label="Date of the decision", help_text="For example, 27 3 2025")
