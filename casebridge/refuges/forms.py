"""Forms for recording arrivals and departures."""

from collections.abc import Sequence
from typing import Any

from django import forms

from casebridge.people.models import Person
from casebridge.refuges.models import Stay
from casebridge.refuges.services import MAX_BED_SPACES, RefugeAddress
from casebridge.ui.forms import DateField


class RefugeForm(forms.Form):
    name = forms.CharField(
        label="Name partners know it by",
        help_text="Never part of its address: the name is shown to coordinators and managers.",
        max_length=120,
        error_messages={"required": "Enter the refuge's name"},
    )
    bed_spaces = forms.IntegerField(
        label="Bed spaces",
        help_text="Households it takes at once: one woman and her children each.",
        min_value=1,
        max_value=MAX_BED_SPACES,
        error_messages={"required": "Enter the number of bed spaces"},
    )
    line_1 = forms.CharField(label="Address line 1", max_length=200)
    line_2 = forms.CharField(label="Address line 2 (optional)", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100)
    postcode = forms.CharField(label="Postcode", max_length=10)

    def address(self) -> RefugeAddress:
        data = self.cleaned_data
        return RefugeAddress(
            line_1=data["line_1"],
            line_2=data["line_2"],
            town=data["town"],
            postcode=data["postcode"],
        )


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
