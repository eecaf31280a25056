"""The referral form: one form for every pathway, with the questions each pathway's own service
asks (MARAC, the SAV panel, the Victim Coordinator), so it sits above those apps."""

from collections.abc import Sequence
from typing import Any

from django import forms

from casebridge.agencies.models import Agency
from casebridge.pathways.models import Case, MaracReferral, Pathway
from casebridge.people.selectors import RelatedPerson
from casebridge.ui.forms import FreeTextField
from casebridge.victims.models import VictimReferral
from casebridge.victims.services import VICTIM_COORDINATOR_CODE
from casebridge.violence.sav import SAV_CODE

YES_NO = [("yes", "Yes"), ("no", "No")]


class ReferralForm(forms.Form):
    pathway = forms.ChoiceField(
        label="Which pathway are you referring to?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select a pathway"},
    )
    referral_reason = FreeTextField(
        label="Why are you making this referral?",
        help_text="Describe the risk and what has happened recently.",
        max_length=5000,
        error_messages={"required": "Enter why you are making this referral"},
    )
    consent = forms.ChoiceField(
        label="Has the person consented to this referral?",
        choices=Case.Consent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the person has consented"},
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis for sharing",
        choices=Case.LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the lawful basis for sharing"},
    )

    owner_agency = forms.ChoiceField(
        label="Which service are you referring to?",
        help_text="Only for pathways run by a service such as the IDVA service.",
        required=False,
    )
    # The MARAC questions: the criteria themselves are worked out from the records.
    perpetrators = forms.MultipleChoiceField(
        label="Who is the alleged perpetrator?",
        help_text="People recorded as related to this person that you can see.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    children = forms.MultipleChoiceField(
        label="Which children live in the household?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    relationship = forms.ChoiceField(
        label="Relationship of the perpetrator to the victim",
        choices=[("", "Not a MARAC referral"), *MaracReferral.Relationship.choices],
        required=False,
    )
    needs = forms.MultipleChoiceField(
        label="Does the victim have any of these needs?",
        help_text="Select all that apply.",
        choices=MaracReferral.Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    victim_aware = forms.ChoiceField(
        label="Does the victim know about this referral?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        required=False,
    )
    judgement_reason = FreeTextField(
        label="Professional judgement (if the records do not show a MARAC criterion)",
        help_text="Casebridge checks the latest risk assessment, police-reported incidents and "
        "earlier referrals itself. Explain here if you refer on your judgement.",
        required=False,
        max_length=5000,
    )
    # The Serious Adult Violence panel's questions.
    gang_affiliated = forms.ChoiceField(
        label="On police or partner intelligence, is the person affiliated to a gang?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    youth_transition = forms.ChoiceField(
        label="Is the person moving from youth justice to adult services?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    # The Victim Coordinator's: and, when a panel refers, which meeting (from its page).
    victim_kind = forms.ChoiceField(
        label="Is the person a direct or an indirect victim?",
        choices=VictimReferral.VictimKind.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    from_meeting = forms.UUIDField(required=False, widget=forms.HiddenInput)

    # Questions a pathway must have answered, with the message when they are not.
    REQUIRED_FOR = {
        SAV_CODE: {
            "gang_affiliated": "Select whether the person is affiliated to a gang",
            "youth_transition": "Select whether the person is moving to adult services",
        },
        VICTIM_COORDINATOR_CODE: {
            "victim_kind": "Select whether the person is a direct or an indirect victim",
        },
    }

    def __init__(
        self,
        *args: object,
        pathways: Sequence[Pathway],
        services: Sequence[Agency] = (),
        related: Sequence[RelatedPerson] = (),
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.pathways = {p.code: p for p in pathways}
        self.services = {str(a.pk): a for a in services}
        self.related = {str(r.person.pk): r.person for r in related}
        self.fields["pathway"].choices = [(p.code, p.name) for p in pathways]  # type: ignore[attr-defined]
        if len(pathways) == 1:
            self.fields["pathway"].initial = pathways[0].code
        self.fields["owner_agency"].choices = [  # type: ignore[attr-defined]
            ("", "Not referring to a service"),
            *((key, agency.name) for key, agency in self.services.items()),
        ]
        people = [(str(r.person.pk), f"{r.person} ({r.label.lower()})") for r in related]
        self.fields["perpetrators"].choices = people  # type: ignore[attr-defined]
        self.fields["children"].choices = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field, message in self.REQUIRED_FOR.get(data.get("pathway", ""), {}).items():
            if not data.get(field):
                self.add_error(field, message)
        return data

    def chosen_pathway(self) -> Pathway:
        return self.pathways[self.cleaned_data["pathway"]]

    def chosen_service(self) -> Agency | None:
        return self.services.get(self.cleaned_data["owner_agency"])

    def chosen_people(self, field: str) -> list:
        return [self.related[key] for key in self.cleaned_data[field]]
