"""Forms for scheduling meetings, sharing information, minutes and actions."""

import re
from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.panels.models import InformationShared, MeetingAttendee
from casebridge.pathways.models import Pathway
from casebridge.ui.forms import DateField, FreeTextField

TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_start(text: str) -> time:
    """A start time as people type it on the 24-hour clock ("09:30", "14.00")."""
    match = TIME.match(text)
    if match is None:
        raise ValidationError("Enter a start time like 09:30")
    hours, minutes = int(match[1]), int(match[2])
    if hours > 23 or minutes > 59:
        raise ValidationError("Start time must be a real time")
    return time(hours, minutes)


def starts_at(cleaned_data: dict[str, Any]) -> datetime:
    """When a meeting form's ``date`` and ``start`` say it begins, in UK time."""
    return timezone.make_aware(datetime.combine(cleaned_data["date"], cleaned_data["start"]))


class StartFields(forms.Form):
    """The date, start time, optional title and location, and agencies of a meeting called
    from another page (a SIRM convened, a community-impact meeting)."""

    title = forms.CharField(label="Title (optional)", max_length=200, required=False)
    date = DateField(label="Date of the meeting", help_text="For example, 12 1 2027")
    start = forms.CharField(
        label="Start time",
        max_length=5,
        help_text="Use the 24-hour clock, for example 09:30 or 14:00",
        error_messages={"required": "Enter a start time"},
    )
    location = forms.CharField(
        label="Location (optional)",
        max_length=200,
        required=False,
        help_text="The venue or 'Online'. Never the address of a person.",
    )
    agencies = forms.MultipleChoiceField(
        label="Which agencies will attend?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one attending agency"},
    )

    def __init__(self, *args: Any, agencies: Sequence[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency_options = {str(a.pk): a for a in agencies}
        self.fields["agencies"].choices = [  # type: ignore[attr-defined]
            (pk, a.name) for pk, a in self.agency_options.items()
        ]

    def clean_start(self) -> time:
        return parse_start(self.cleaned_data["start"])

    def scheduled_for(self) -> datetime:
        return starts_at(self.cleaned_data)

    def chosen_agencies(self) -> list[Agency]:
        return [self.agency_options[pk] for pk in self.cleaned_data["agencies"]]


class CommunityImpactForm(StartFields):
    agencies = forms.MultipleChoiceField(
        label="Which schools and community groups will attend?",
        help_text="They see this meeting and its summary, never the SIRM or who was involved.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one attending agency"},
    )


class SummaryForm(forms.Form):
    summary = FreeTextField(
        label="What the meeting heard and agreed",
        help_text="Everyone attending reads this: name no one involved.",
        max_length=10_000,
        error_messages={"required": "Enter the summary"},
    )


class RiskRatingForm(forms.Form):
    level = forms.ChoiceField(
        label="Level of risk",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the level of risk"},
    )
    assessment = FreeTextField(
        label="What the panel found, and why it rated it so",
        max_length=10_000,
        error_messages={"required": "Enter what the panel found and why"},
    )

    def __init__(self, *args: Any, levels: Sequence[dict[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [  # type: ignore[attr-defined]
            (level["code"], level["label"]) for level in levels
        ]


class MeetingForm(forms.Form):
    pathway = forms.ChoiceField(
        label="Which panel is this meeting for?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the panel"},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, MARAC - January.",
        error_messages={"required": "Enter a title"},
    )
    date = DateField(label="Date of the meeting", help_text="For example, 12 1 2027")
    start = forms.CharField(
        label="Start time",
        max_length=5,
        help_text="Use the 24-hour clock, for example 09:30 or 14:00",
        error_messages={"required": "Enter a start time"},
    )
    location = forms.CharField(
        label="Location (optional)",
        max_length=200,
        required=False,
        help_text="The venue or 'Online'. Never the address of a person.",
    )
    agencies = forms.MultipleChoiceField(
        label="Which agencies will attend?",
        help_text="Only these agencies will see the agenda and the cases on it.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one attending agency"},
    )

    def __init__(self, *args: Any, pathways: Sequence[Pathway], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pathways = {p.code: p for p in pathways}
        self.agency_options = {str(a.pk): a for a in Agency.objects.order_by("name")}
        self.fields["pathway"].choices = [(p.code, p.name) for p in pathways]  # type: ignore[attr-defined]
        if len(pathways) == 1:
            self.fields["pathway"].initial = pathways[0].code
        self.fields["agencies"].choices = [  # type: ignore[attr-defined]
            (pk, a.name) for pk, a in self.agency_options.items()
        ]

    def clean_start(self) -> time:
        return parse_start(self.cleaned_data["start"])

    def scheduled_for(self) -> datetime:
        return starts_at(self.cleaned_data)

    def chosen_pathway(self) -> Pathway:
        return self.pathways[self.cleaned_data["pathway"]]

    def chosen_agencies(self) -> list[Agency]:
        return [self.agency_options[pk] for pk in self.cleaned_data["agencies"]]


class AttendeeForm(forms.Form):
    agency = forms.ChoiceField(
        label="Invite another agency", error_messages={"required": "Select an agency"}
    )

    def __init__(self, *args: Any, attending: Sequence[MeetingAttendee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        present = {a.agency_id for a in attending}
        self.agencies = {
            str(a.pk): a for a in Agency.objects.exclude(pk__in=present).order_by("name")
        }
        self.fields["agency"].choices = [("", "Select an agency")] + [  # type: ignore[attr-defined]
            (pk, a.name) for pk, a in self.agencies.items()
        ]

    def chosen_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["agency"]]


class InformationForm(forms.Form):
    phase = forms.ChoiceField(
        label="When is this being shared?",
        choices=InformationShared.Phase.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select when this is being shared"},
    )
    text = FreeTextField(
        label="Information your agency is sharing",
        help_text="Share only what the panel needs to keep the person safe.",
        max_length=10_000,
        error_messages={"required": "Enter the information to share"},
    )


class MinutesForm(forms.Form):
    text = FreeTextField(
        label="Minutes of the discussion",
        max_length=10_000,
        error_messages={"required": "Enter the minutes"},
    )


class ActionForm(forms.Form):
    description = FreeTextField(
        label="What is to be done?",
        max_length=2_000,
        error_messages={"required": "Describe the action"},
    )
    owner_agency = forms.ChoiceField(
        label="Which agency owns it?", error_messages={"required": "Select the owning agency"}
    )
    owner_user = forms.ChoiceField(
        label="Named person (optional)",
        required=False,
        help_text="They must work for the owning agency.",
    )
    due_date = DateField(label="Due date", help_text="For example, 27 3 2027")

    def __init__(
        self,
        *args: Any,
        attending: Sequence[MeetingAttendee],
        users: Sequence[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.agency_id): a.agency for a in attending}
        self.users = {str(u.pk): u for u in users}
        self.fields["owner_agency"].choices = [("", "Select an agency")] + [  # type: ignore[attr-defined]
            (pk, agency.name) for pk, agency in self.agencies.items()
        ]
        self.fields["owner_user"].choices = [("", "No named person")] + [  # type: ignore[attr-defined]
            (pk, f"{u.display_name} ({u.agency.name if u.agency else ''})")
            for pk, u in self.users.items()
        ]

    def chosen_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["owner_agency"]]

    def chosen_user(self) -> User | None:
        return self.users.get(self.cleaned_data["owner_user"] or "")


class CompleteActionForm(forms.Form):
    note = FreeTextField(
        label="What was done?",
        max_length=5_000,
        error_messages={"required": "Say what was done"},
    )


class CancelMeetingForm(forms.Form):
    reason = FreeTextField(
        label="Why is the meeting cancelled?",
        help_text="The attending agencies will see this on the meeting page.",
        max_length=2_000,
        error_messages={"required": "Give a reason for cancelling the meeting"},
    )


class CancelActionForm(forms.Form):
    reason = FreeTextField(
        label="Why is the action cancelled?",
        help_text="This is shown with the action and on the case's timeline.",
        max_length=2_000,
        error_messages={"required": "Give a reason for cancelling the action"},
    )
