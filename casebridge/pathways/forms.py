from collections.abc import Sequence

from django import forms

from casebridge.pathways.models import Case, Pathway


class ReferralForm(forms.Form):
    pathway = forms.ChoiceField(
        label="Which pathway are you referring to?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select a pathway"},
    )
    referral_reason = forms.CharField(
        label="Why are you making this referral?",
        help_text="Describe the risk and what has happened recently.",
        max_length=5000,
        widget=forms.Textarea,
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

    def __init__(self, *args: object, pathways: Sequence[Pathway], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.pathways = {p.code: p for p in pathways}
        self.fields["pathway"].choices = [(p.code, p.name) for p in pathways]  # type: ignore[attr-defined]
        if len(pathways) == 1:
            self.fields["pathway"].initial = pathways[0].code

    def chosen_pathway(self) -> Pathway:
        return self.pathways[self.cleaned_data["pathway"]]


class TransitionForm(forms.Form):
    transition = forms.CharField(max_length=40)
    reason = forms.CharField(label="Reason", required=False, max_length=5000, widget=forms.Textarea)
