"""Forms for recording arrivals and departures."""

from collections.abc import Sequence
from typing import Any

from django import forms

from casebridge.people.models import Person
from casebridge.refuges.models import Stay
from casebridge.web.forms import DateField


class ArrivalForm(forms.Form):
    arrived_on = DateField(label="Date she arrived", help_text="For example, 27 3 2023")
    children = forms.MultipleChoiceField(
        label="Which of her children came with her?",
        help_text="Only children recorded as hers are listed. Leave all unticked if none came.",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, children: Sequence[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child_options = {str(child.pk): child for child in children}
        self.fields["children"].choices = [  # type: ignore[attr-defined]
            (pk, _child_label(child)) for pk, child in self.child_options.items()
        ]

    def chosen_children(self) -> list[Person]:
        return [self.child_options[pk] for pk in self.cleaned_data["children"]]


def _child_label(child: Person) -> str:
    born = f", born {child.date_of_birth:%-d %B %Y}" if child.date_of_birth else ""
    return f"{child}{born}"


class DepartureForm(forms.Form):
    departed_on = DateField(label="Date she left", help_text="For example, 27 3 2023")
    move_on = forms.ChoiceField(
        label="Where did she move on to?",
        choices=Stay.MoveOn.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where she moved on to"},
    )
