"""Small filters the GOV.UK form partials need."""

from datetime import date
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import format_html

from casebridge.ui.forms import KEPT_POSTCODES_SUFFIX, DateInputWidget, kept_postcodes

register = template.Library()


@register.filter
def describedby(field: BoundField) -> str:
    """The ``aria-describedby`` value: the hint and the error message, when present."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def error_anchor(field: BoundField) -> str:
    """The id of the input an error summary link should move focus to."""
    if isinstance(field.field.widget, DateInputWidget):
        return f"{field.auto_id}_day"
    if getattr(field.field, "choices", None) is not None and field.field.widget.input_type in (
        "radio",
        "checkbox",
    ):
        return f"{field.auto_id}_0"
    return str(field.auto_id)


@register.filter
def kept_postcodes_input(field: BoundField) -> str:
    """The hidden input that keeps the postcodes a free-text box's writer chose to keep."""
    kept = kept_postcodes(field)
    if not kept:
        return ""
    name = field.html_name + KEPT_POSTCODES_SUFFIX
    return format_html('<input type="hidden" name="{}" value="{}">', name, kept)


@register.filter
def date_parts(field: BoundField) -> list[Any]:
    """Day, month and year as typed (or as initially set), for the three boxes."""
    value = field.value()
    if isinstance(value, date):
        return [value.day, value.month, value.year]
    if isinstance(value, list | tuple) and len(value) == 3:
        return ["" if v is None else v for v in value]
    return ["", "", ""]


@register.filter
def is_selected(field: BoundField, choice: object) -> bool:
    value = field.value()
    if isinstance(value, list | tuple):
        return str(choice) in [str(v) for v in value]
    return value is not None and str(value) == str(choice)
