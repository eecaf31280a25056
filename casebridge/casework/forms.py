"""Casework forms. The choices come from the case's pathway definition; the services check them
again, so a form is only the first line."""

from typing import Any

from django import forms

from casebridge.ui.forms import DateField, FreeTextField

EXAMPLE = "For example, 27 3 2025"


def _choices(options: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(str(o["code"]), str(o["label"])) for o in options]


class TierForm(forms.Form):
    tier = forms.ChoiceField(
        label="Tier",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the tier"},
    )
    assigned_on = DateField(label="Date the tier applies from", help_text=EXAMPLE)
    reason = FreeTextField(label="Reason (optional)", required=False)

    def __init__(self, *args: Any, tiers: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = _choices(tiers)  # type: ignore[attr-defined]


class NeedForm(forms.Form):
    area = forms.ChoiceField(
        label="Need",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the need"},
    )
    identified_on = DateField(label="Date the need was identified", help_text=EXAMPLE)
    support = FreeTextField(
        label="Support given or arranged (optional)",
        required=False,
    )

    def __init__(self, *args: Any, areas: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = _choices(areas)  # type: ignore[attr-defined]


class NeedUpdateForm(forms.Form):
    support = FreeTextField(
        label="Support given or arranged",
        required=False,
    )
    outcome = forms.ChoiceField(
        label="Outcome (when known)", widget=forms.RadioSelect, required=False
    )
    outcome_on = DateField(label="Date of the outcome", help_text=EXAMPLE, required=False)

    def __init__(self, *args: Any, outcomes: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = _choices(outcomes)  # type: ignore[attr-defined]


class ServiceReferralForm(forms.Form):
    service = forms.ChoiceField(
        label="Service or programme",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the service or programme"},
    )
    referred_on = DateField(label="Date of the referral", help_text=EXAMPLE)

    def __init__(self, *args: Any, services: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = _choices(services)  # type: ignore[attr-defined]


class ServiceStartForm(forms.Form):
    started_on = DateField(label="Date they started", help_text=EXAMPLE)


class ServiceEndForm(forms.Form):
    ended_on = DateField(label="Date they left or finished", help_text=EXAMPLE)
    completed = forms.ChoiceField(
        label="Did they complete it?",
        choices=[("yes", "Yes, completed"), ("no", "No, left without completing")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they completed it"},
    )
    elements_completed = forms.MultipleChoiceField(
        label="Parts they completed",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, elements: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if elements:
            self.fields["elements_completed"].choices = _choices(elements)  # type: ignore[attr-defined]
        else:
            del self.fields["elements_completed"]
