"""Small filters the GOV.UK form partials need, the service navigation's links, and the
layout's static files' addresses."""

from datetime import date
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.forms import BoundField
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from casebridge.ui.dates import date_text
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


@register.simple_tag
def service_navigation_items(nav_items: list[dict[str, Any]]) -> SafeString:
    """The navigation's links (``nav_items``: each an ``item`` with its ``url`` and ``label``,
    and whether it is the ``active`` one), written in Python: every page shows them, and the
    template's loop cost more than the rest of the page's header."""
    return format_html_join(
        "\n",
        '<li class="govuk-service-navigation__item{}">'
        '<a class="govuk-service-navigation__link" href="{}"{}>{}</a></li>',
        (
            (
                " govuk-service-navigation__item--active" if entry["active"] else "",
                entry["item"].url,
                SafeString(' aria-current="true"') if entry["active"] else "",
                format_html(
                    '<strong class="govuk-service-navigation__active-fallback">{}</strong>',
                    entry["item"].label,
                )
                if entry["active"]
                else entry["item"].label,
            )
            for entry in nav_items
        ),
    )


# ``value|day:"j M Y"`` writes what ``value|date:"j M Y"`` does, a quarter of the CPU (ui.dates).
register.filter("day", date_text)


# Each static file's address, kept for the process: the storage gives the same one for a path
# while its settings stay (about 50 µs each time, and every page's layout asks for five).
_static_urls: dict[str, str] = {}


@register.simple_tag
def kept_static(path: str) -> str:
    """``{% static path %}``, asked of the storage once per process."""
    url = _static_urls.get(path)
    if url is None:
        url = _static_urls[path] = static(path)
    return url


@receiver(setting_changed)
def _forget_static_urls(*, setting: str, **kwargs: Any) -> None:
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES"}:
        _static_urls.clear()
