"""Forms for surgeries, their status and referrals, courses, sessions, attendance and periods."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from casebridge.agencies.models import Agency
from casebridge.training.models import Course, Engagement
from casebridge.ui.forms import DateField, FreeTextField


def _agency_choices(agencies: Sequence[Agency], empty: str) -> list[tuple[str, str]]:
    return [("", empty)] + [(str(a.pk), a.name) for a in agencies]


class SurgeryForm(forms.Form):
    name = forms.CharField(
        label="Name of the surgery", max_length=200, error_messages={"required": "Enter a name"}
    )
    practice_code = forms.CharField(
        label="Practice code",
        max_length=10,
        help_text="The NHS practice code, for example E83001.",
        error_messages={"required": "Enter the practice code"},
    )
    agency = forms.ChoiceField(label="Health agency (optional)", required=False)
    known_from = DateField(
        label="Listed in the programme from",
        help_text="Counted as not engaged from this date. For example, 1 4 2021",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        health = list(Agency.objects.filter(kind=Agency.Kind.HEALTH).order_by("name"))
        self.agencies = {str(a.pk): a for a in health}
        self.fields["agency"].choices = _agency_choices(health, "No agency")  # type: ignore[attr-defined]

    def chosen_agency(self) -> Agency | None:
        return self.agencies.get(self.cleaned_data["agency"] or "")


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="What is the surgery's status now?",
        choices=[(s, label) for s, label in Engagement.choices if s != Engagement.NOT_ENGAGED],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the surgery's new status"},
    )
    effective_on = DateField(label="From which date?", help_text="For example, 14 9 2022")
    note = FreeTextField(
        label="Note (optional)",
        max_length=2_000,
        required=False,
        help_text="For example, which staff groups have been trained.",
    )


class ReferralForm(forms.Form):
    referred_on = DateField(label="Date of the referrals", help_text="For example, 3 10 2022")
    count = forms.IntegerField(
        label="Number of patients referred",
        initial=1,
        error_messages={
            "required": "Enter the number of patients referred",
            "invalid": "The number of patients referred must be a whole number",
        },
    )


class CourseForm(forms.Form):
    title = forms.CharField(
        label="Course title",
        max_length=200,
        help_text="For example, Domestic Abuse Awareness Level 1.",
        error_messages={"required": "Enter the course title"},
    )
    level = forms.ChoiceField(
        label="Level",
        choices=Course.Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the course level"},
    )


class SessionForm(forms.Form):
    course = forms.ChoiceField(label="Course", error_messages={"required": "Select the course"})
    delivered_on = DateField(label="Date delivered", help_text="For example, 12 1 2023")
    trainer = forms.CharField(
        label="Trainer",
        max_length=200,
        help_text="The trainer's name or organisation, for example SafeLives.",
        error_messages={"required": "Enter who delivered the session"},
    )

    def __init__(self, *args: Any, courses: Sequence[Course], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.courses = {str(c.pk): c for c in courses}
        self.fields["course"].choices = [("", "Select a course")] + [  # type: ignore[attr-defined]
            (pk, f"{c.title} ({c.get_level_display()})") for pk, c in self.courses.items()
        ]

    def chosen_course(self) -> Course | None:
        return self.courses.get(self.cleaned_data["course"])


class AttendanceForm(forms.Form):
    agency = forms.ChoiceField(label="Agency", error_messages={"required": "Select the agency"})
    attendees = forms.IntegerField(
        label="Number who attended",
        error_messages={
            "required": "Enter the number who attended",
            "invalid": "The number who attended must be a whole number",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = list(Agency.objects.order_by("name"))
        self.agencies = {str(a.pk): a for a in agencies}
        self.fields["agency"].choices = _agency_choices(agencies, "Select an agency")  # type: ignore[attr-defined]

    def chosen_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["agency"]]


class PeriodForm(forms.Form):
    """The period figures are worked out for (a GET form: the page is shareable)."""

    start = DateField(label="From", help_text="For example, 1 4 2022")
    end = DateField(label="To", help_text="For example, 31 3 2023")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            raise ValidationError("The end of the period must be on or after its start")
        return data


def financial_year_to_date(today: date) -> tuple[date, date]:
    """The default period: from 1 April of the current UK financial year to today."""
    year = today.year if today.month >= 4 else today.year - 1
    return date(year, 4, 1), today
