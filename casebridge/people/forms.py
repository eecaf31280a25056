from datetime import date

from django import forms

from casebridge.people.models import Person
from casebridge.people.services import AddressDetails, PersonDetails
from casebridge.ui.forms import DateField, FreeTextField


class PersonSearchForm(forms.Form):
    family_name = forms.CharField(
        label="Family name",
        max_length=100,
        help_text="Also finds aliases and previous names. You can type just the start of it.",
        error_messages={"required": "Enter the person's family name"},
    )
    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    date_of_birth = DateField(
        label="Date of birth", required=False, help_text="For example, 27 3 1985"
    )


class PersonCreateForm(forms.Form):
    given_name = forms.CharField(
        label="Given name", max_length=100, error_messages={"required": "Enter a given name"}
    )
    family_name = forms.CharField(
        label="Family name", max_length=100, error_messages={"required": "Enter a family name"}
    )
    date_of_birth = DateField(
        label="Date of birth", required=False, help_text="For example, 27 3 1985"
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=Person.Sex.choices,
        initial=Person.Sex.NOT_KNOWN,
        widget=forms.RadioSelect,
    )
    ethnicity = forms.ChoiceField(
        label="Ethnic group",
        choices=Person.Ethnicity.choices,
        initial=Person.Ethnicity.NOT_RECORDED,
    )
    disability = forms.ChoiceField(
        label="Disability",
        choices=Person.YesNoUnknown.choices,
        initial=Person.YesNoUnknown.NOT_KNOWN,
        widget=forms.RadioSelect,
    )
    care_experienced = forms.BooleanField(
        label="Care-experienced",
        required=False,
        help_text="Looked after by a local authority, now or in the past. The SIRM criteria "
        "count a care-experienced young person up to 25.",
    )
    line_1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    line_2 = forms.CharField(label="Address line 2 (optional)", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    is_confidential = forms.BooleanField(
        label="This address is confidential (for example a refuge)",
        required=False,
        help_text="Only people entitled to it will see it.",
    )
    # Set when the user has seen the people who may be this person and said it is none of them.
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if any(data.get(f) for f in ("line_1", "line_2", "town", "postcode")):
            for name, message in (
                ("line_1", "Enter address line 1, or leave the whole address blank"),
                ("town", "Enter the town or city, or leave the whole address blank"),
                ("postcode", "Enter the postcode, or leave the whole address blank"),
            ):
                if not data.get(name):
                    self.add_error(name, message)
        return data

    def typed_values(self) -> list[tuple[str, str]]:
        """What was typed, as the (name, value) pairs that post it again from hidden inputs."""
        typed = []
        for name, field in self.fields.items():
            if name == "confirm_new":
                continue
            key = self.add_prefix(name)
            widget = field.widget
            keys = (
                # The date's day, month and year boxes (django-stubs lacks widgets_names).
                [f"{key}{suffix}" for suffix in widget.widgets_names]  # type: ignore[attr-defined]
                if isinstance(widget, forms.MultiWidget)
                else [key]
            )
            typed += [(k, str(self.data[k])) for k in keys if k in self.data]
        return typed

    def details(self) -> PersonDetails:
        data = self.cleaned_data
        addresses: tuple[AddressDetails, ...] = ()
        if data.get("line_1"):
            addresses = (
                AddressDetails(
                    line_1=data["line_1"],
                    line_2=data["line_2"],
                    town=data["town"],
                    postcode=data["postcode"].upper(),
                    valid_from=date.today(),
                    is_confidential=data["is_confidential"],
                ),
            )
        return PersonDetails(
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            sex=data["sex"],
            ethnicity=data["ethnicity"],
            disability=data["disability"],
            care_experienced=data["care_experienced"],
            addresses=addresses,
        )


class BreakGlassForm(forms.Form):
    # The service enforces the minimum length, so the rule lives in one place.
    reason = FreeTextField(
        label="Why do you need to see this person's restricted records?",
        help_text="Be specific: what is happening now, and why it cannot wait.",
        required=False,
        max_length=2000,
    )
