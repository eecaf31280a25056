from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import QuerySet

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency, Role, Team

REASON_HELP = "Kept in the audit trail"


def _reason(label: str = "Reason") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=REASON_HELP,
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": "Say why"},
    )


class TeamChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.agency.name}: {obj.name}"


class AccessFields(forms.Form):
    """Agency, team and roles, offered from what the actor may give."""

    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={"required": "Choose an agency"},
    )
    team = TeamChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="No team"
    )
    roles = forms.ModelMultipleChoiceField(
        label="Roles",
        queryset=Role.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="What they may do follows from every role they hold. Privileged roles are "
        "granted only from the command line.",
        error_messages={"required": "Choose at least one role"},
    )

    def __init__(
        self,
        *args: Any,
        agencies: QuerySet[Agency],
        roles: QuerySet[Role],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["agency"].queryset = agencies
        fields["team"].queryset = Team.objects.filter(agency__in=agencies).select_related("agency")
        fields["roles"].queryset = roles

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        team, agency = data.get("team"), data.get("agency")
        if team is not None and agency is not None and team.agency_id != agency.pk:
            self.add_error("team", f"Choose a team of {agency.name}, or no team")
        return data


class InviteForm(AccessFields):
    username = forms.CharField(
        label="Username",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="What they sign in with: letters, digits and @ . + - _ only",
        error_messages={"required": "Enter a username"},
    )
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter their last name"}
    )
    email = forms.EmailField(label="Email address", required=False)
    reason = _reason("Why they need access")

    field_order = ["username", "first_name", "last_name", "email", "agency", "team", "roles"]


class AccessForm(AccessFields):
    reason = _reason("Why their access changes")


class ReasonForm(forms.Form):
    reason = _reason()


class AccessReviewForm(forms.Form):
    """Keep or remove, for each of the agency's active users, and a note."""

    KEEP, REMOVE = "keep", "remove"
    CHOICES = [(KEEP, "Keep their access"), (REMOVE, "Flag for removal")]

    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text="Anything the administrator should know, such as who has left",
    )

    def __init__(self, *args: Any, users: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for user in users:
            self.fields[self.field_name(user)] = forms.ChoiceField(
                label=f"Does {user.display_name} keep their access?",
                choices=self.CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": f"Decide whether {user.display_name} keeps access"},
            )
        self.users = users

    @staticmethod
    def field_name(user: User) -> str:
        return f"user_{user.pk}"

    def decision_fields(self) -> list[forms.BoundField]:
        return [self[self.field_name(user)] for user in self.users]

    def keep(self) -> dict[int, bool]:
        return {
            user.pk: self.cleaned_data[self.field_name(user)] == self.KEEP for user in self.users
        }
