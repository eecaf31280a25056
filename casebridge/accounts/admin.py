"""Accounts in the admin site: every change through the accounts services, so it is checked and
audited; failed sign-ins shown, never changed; the sign-in libraries' own admin pages withdrawn."""

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.db import router, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebridge.accounts.models import SignInThrottle, User
from casebridge.accounts.services import (
    ACCESS_FIELDS,
    ADMINISTRATOR_ROLE,
    DETAIL_FIELDS,
    access_change_check,
    password_reset_record,
    roles_of,
    user_access_change,
    user_create,
    user_details_change,
)
from casebridge.agencies.models import Role
from casebridge.audit.modeladmin import AuditedModelAdmin, ReadOnlyModelAdmin
from casebridge.core.errors import ApplicationError


class AccessForm(forms.ModelForm):
    """Checks the access an account form asks for as the services will, so that a refusal is
    shown on the form; and offers no privileged role but those the account already holds."""

    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the account is created or its access changes; kept in the audit trail.",
    )
    actor: User  # set by UserAdmin.get_form

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "roles" in self.fields:
            grantable = Q(privileged=False) & ~Q(code=ADMINISTRATOR_ROLE)
            held = self.instance.role_ids if self.instance.pk else frozenset()
            self.fields["roles"].queryset = Role.objects.filter(  # type: ignore[attr-defined]
                grantable | Q(pk__in=held)
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        stored = self.instance if self.instance.pk else None
        asked: dict[str, Any] = {
            name: cleaned.get(name, getattr(self.instance, name))
            for name in ACCESS_FIELDS
            if name != "roles"
        }
        asked["roles"] = cleaned.get("roles", roles_of(stored))
        try:
            access_change_check(actor=self.actor, user=stored, **asked)
        except ApplicationError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        access_changed = stored is None or set(self.changed_data) & set(ACCESS_FIELDS)
        if access_changed and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Say why the account's access changes.")
        return cleaned


class UserAddForm(AccessForm, AdminUserCreationForm):
    pass


class UserEditForm(AccessForm, UserChangeForm):
    pass


def _administrator(request: HttpRequest) -> User:
    return cast(User, request.user)  # the admin site admits only signed-in staff


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    """No staff or superuser flag, group or Django permission is editable here; nobody's own
    access is; a privileged role is not offered. Accounts are deactivated, never deleted: the
    audit trail names them."""

    form = UserEditForm
    add_form = UserAddForm
    list_display = ["username", "first_name", "last_name", "agency", "team", "is_active"]
    list_filter = ["is_active", "roles", "agency"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Casebridge access", {"fields": (*ACCESS_FIELDS, "reason")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        ("Casebridge access", {"fields": ("agency", "team", "roles", "reason")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = [*super().get_readonly_fields(request, obj)]
        if obj is not None and obj.pk == request.user.pk:
            fields += ACCESS_FIELDS
        return fields

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:  # type: ignore[override]
        form = cast(type[AccessForm], super().get_form(request, obj, **kwargs))
        form.actor = _administrator(request)  # a class made for this request by modelform_factory
        return form

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A superuser is made from the command line and changed only by another.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = _administrator(request)
        data = form.cleaned_data
        if not change:
            user_create(actor=actor, user=obj, roles=data["roles"], reason=data["reason"])
            return
        stored = User.objects.select_related("agency", "team").get(pk=obj.pk)
        user_details_change(
            actor=actor,
            user=stored,
            **{name: data.get(name, getattr(stored, name)) for name in DETAIL_FIELDS},
        )
        asked: dict[str, Any] = {
            name: data.get(name, getattr(stored, name)) for name in ACCESS_FIELDS if name != "roles"
        }
        asked["roles"] = data.get("roles", roles_of(stored))
        user_access_change(actor=actor, user=stored, **asked, reason=data.get("reason", ""))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The roles were saved by the services (checked and audited), not by the form.
        form.save_m2m = lambda: None
        super().save_related(request, form, formsets, change)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # Django's view saves the password itself; around it, one transaction and the audit entry.
        with transaction.atomic(using=router.db_for_write(self.model)):
            user = self.get_object(request, unquote(id))
            before = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None:
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    password_reset_record(actor=_administrator(request), user=user)
        return response


# A second factor's key, shown or set in the admin site, would let whoever resets a password sign
# in as its owner: devices are enrolled by their owner at sign-in and nowhere else.
admin.site.unregister(TOTPDevice)
# Groups carry Django permissions, the admin site's own among them: a way round "the web makes no
# administrator". Casebridge's access is roles and rules, not groups.
admin.site.unregister(Group)


@admin.register(SignInThrottle)
class SignInThrottleAdmin(ReadOnlyModelAdmin):
    """Who is being guessed at, from where: evidence, not a switch. A lock ends by itself."""

    list_display = ["step", "username", "address", "failures", "locked_until", "last_failure_at"]
    list_filter = ["step"]
    search_fields = ["username", "address"]
