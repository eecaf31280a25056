"""Form pieces shared by every app: the GOV.UK date input, free text that warns of postcodes,
and service errors on forms."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from casebridge.core.errors import ApplicationError
from casebridge.core.postcodes import postcodes_in

# The hidden input beside a free-text box that carries the postcodes its writer has kept.
KEPT_POSTCODES_SUFFIX = "-kept-postcodes"
POSTCODE_WARNING = "postcode"


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


class TypedText(str):
    """Free text as typed, with the postcodes in it that the writer, once warned, chose to keep."""

    kept_postcodes: frozenset[str] = frozenset()


def _kept_postcodes(value: object) -> frozenset[str]:
    return value.kept_postcodes if isinstance(value, TypedText) else frozenset()


class FreeTextWidget(forms.Textarea):
    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Any:
        text = super().value_from_datadict(data, files, name)
        if text is None:
            return None
        typed = TypedText(text)
        kept = data.get(name + KEPT_POSTCODES_SUFFIX) or ""
        typed.kept_postcodes = frozenset(p.strip() for p in kept.split(",") if p.strip())
        return typed


class FreeTextField(forms.CharField):
    """A note, reason or minute: text shared with everyone who may see the record it is on.

    A postcode typed here would reach them all, whatever the person's address says about who
    may see it (a refuge's, say), so the writer is warned and must send it again to keep it.
    Pages draw it with ``components/textarea.html``, which carries what they chose to keep.
    """

    widget = FreeTextWidget

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        unchecked = [p for p in postcodes_in(text) if p not in _kept_postcodes(value)]
        if unchecked:
            raise ValidationError(
                "Every agency that can see this record will see the postcode %(postcodes)s. Put a "
                "confidential address only in the person's addresses, marked confidential; to "
                "keep the text as it is, send it again",
                code=POSTCODE_WARNING,
                params={"postcodes": ", ".join(unchecked)},
            )
        return text


def kept_postcodes(field: forms.BoundField) -> str:
    """The postcodes a re-shown free-text box carries as kept: those just warned of (sending
    again keeps them) and those kept before (so another field's error doesn't warn again)."""
    value = field.value() or ""
    warned = any(error.code == POSTCODE_WARNING for error in field.errors.as_data())
    return ",".join(p for p in postcodes_in(value) if warned or p in _kept_postcodes(value))


def add_application_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's refusal on the form: on its field when it names one, else at the top."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
