from django import forms

from casebridge.justice.models import JusticeContact
from casebridge.ui.forms import DateField, FreeTextField


def outcome_choices() -> list[tuple[str, object]]:
    """One select for every stage: each stage's outcomes under its name (the service checks
    the outcome belongs to the stage chosen)."""
    stages = JusticeContact.OUTCOMES_BY_STAGE
    return [
        ("", "No outcome (arrest, custody, charge)"),
        *(
            (
                JusticeContact.Stage(stage).label,
                [(code, JusticeContact.Outcome(code).label) for code in codes],
            )
            for stage, codes in stages.items()
        ),
    ]


class JusticeContactForm(forms.Form):
    stage = forms.ChoiceField(
        label="What was the contact with the criminal justice system?",
        choices=JusticeContact.Stage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the contact with the criminal justice system"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        help_text="For an out-of-court disposal, a court appearance, a sentence or a release.",
        choices=outcome_choices,
        required=False,
        error_messages={"invalid_choice": "Select an outcome from the list"},
    )
    occurred_on = DateField(label="Date of the contact", help_text="For example, 27 3 2025")
    offence_on = DateField(
        label="Date of the offence (if known)",
        help_text="For example, 14 2 2025",
        required=False,
    )
    notes = FreeTextField(
        label="Notes (optional)",
        required=False,
        max_length=5000,
        error_messages={"max_length": "Keep the notes to 5,000 characters or fewer"},
    )
