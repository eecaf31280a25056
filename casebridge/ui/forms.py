"""Form pieces shared by every app: the GOV.UK date input and service errors on forms."""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from casebridge.core.errors import ApplicationError


class DateInputWidget(forms.MultiWidget):
    """Day, month and year boxes, named ``<field>_day``, ``<field>_month``, ``<field>_year``."""

    def __init__(self) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput,
            "month": forms.TextInput,
            "year": forms.TextInput,
        }
        super().__init__(widgets)

    def decompress(self, value: date | None) -> list[Any]:
        if value is None:
            return [None, None, None]
        return [value.day, value.month, value.year]


class DateField(forms.MultiValueField):
    """The GOV.UK date input pattern as one form field giving a ``date``."""

    widget = DateInputWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> date | None:
        if not data_list or not any(part.strip() for part in data_list if part):
            return None
        if not all(part and part.strip() for part in data_list):
            raise ValidationError(f"{self.label} must include a day, month and year")
        try:
            day, month, year = (int(part) for part in data_list)
            if year < 1000:
                raise ValueError
            return date(year, month, day)
        except ValueError as error:
            raise ValidationError(f"{self.label} must be a real date") from error

    def clean(self, value: Any) -> date | None:
        # Each box is optional on its own; ``compress`` decides whether the whole is a date.
        parts = [str(v or "") for v in (value or [])]
        result = self.compress(parts)
        if result is None and self.required:
            raise ValidationError(f"Enter {str(self.label).lower()}")
        return result


def add_application_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's refusal on the form: on its field when it names one, else at the top."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
