"""Small filters the GOV.UK form partials need, the service navigation's links, and the
layout's static files' and own links' addresses."""

from datetime import date
from typing import Any
from uuid import UUID

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.forms import BoundField
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString

from casebridge.core.kept import Kept
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
_static_urls: Kept[str, str] = Kept(64)


@register.simple_tag
def kept_static(path: str) -> str:
    """``{% static path %}``, asked of the storage once per process."""
    return _static_urls.get(path, lambda: static(path))


@receiver(setting_changed)
def _forget_static_urls(*, setting: str, **kwargs: Any) -> None:
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES"}:
        _static_urls.forget()


# Links kept for the process by URL configuration and script prefix: a ``{% url %}`` costs
# about 60-100 µs (``reverse`` tries the pattern's converters and quotes the path), every
# page's layout asks for two (home, sign out) and a case page for ten or more (its people,
# meetings, forms). A link with arguments is kept as the text around them: the page reversed
# once with a sample in each argument's place, each sample's place then filled with the value.
# Only for UUIDs and whole numbers, whose text every built-in converter that takes the
# sample's takes unchanged (and quoting leaves alone); any other value is reversed.
_layout_urls: Kept[tuple[object, ...], tuple[tuple[str, ...], tuple[str, ...]]] = Kept(256)
_SAMPLES = {
    UUID: lambda i: UUID(int=0x5E1F0_0000_0000_0000_0000_0000 + i),
    int: lambda i: 7_306_519 + i,
}


def _kept_pattern(
    name: str, kinds: tuple[tuple[str, type], ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The text around each argument's place (``pieces``, one more than the places) and the
    argument in each place, in the order of the path; no places when the samples can't be
    found once each (then every link is reversed)."""
    samples = {key: str(_SAMPLES[kind](i)) for i, (key, kind) in enumerate(kinds)}
    path = reverse(name, kwargs=samples)
    if any(path.count(sample) != 1 for sample in samples.values()):
        return (), ()
    places = sorted(samples, key=lambda key: path.index(samples[key]))
    pieces, rest = [], path
    for key in places:
        before, rest = rest.split(samples[key], 1)
        pieces.append(before)
    pieces.append(rest)
    return tuple(pieces), tuple(places)


@register.simple_tag
def kept_url(name: str, **arguments: object) -> str:
    """``{% url name key=value ... %}``, the page's pattern reversed once per process."""
    kinds = []
    for key, value in arguments.items():
        kind = type(value)
        if kind not in _SAMPLES or (kind is int and value < 0):  # type: ignore[operator]
            return reverse(name, kwargs=arguments)
        kinds.append((key, kind))
    pieces, places = _layout_urls.get(
        (get_urlconf(), get_script_prefix(), name, *kinds),
        lambda: _kept_pattern(name, tuple(kinds)) if kinds else ((reverse(name),), ()),
    )
    if not pieces:
        return reverse(name, kwargs=arguments)
    if not places:
        return pieces[0]
    path = pieces[0]
    for key, piece in zip(places, pieces[1:], strict=True):
        path += str(arguments[key]) + piece
    return path


@receiver(setting_changed)
def _forget_layout_urls(*, setting: str, **kwargs: Any) -> None:
    if setting == "ROOT_URLCONF":
        _layout_urls.forget()


# The text box and date components, written in Python for pages every user opens many times (the
# person search: its three fields through ``components/input.html`` and ``date.html``, with
# their error partial, were a fifth of the search's CPU). The same markup, byte for byte, as
# those templates give (``tests/ui/test_components.py`` renders both); values escaped as the
# templates escape them (``conditional_escape``: text marked safe stays as it is).


def _field_messages(field: BoundField) -> str:
    """``components/field_error.html``: the hint, then the error messages."""
    hint = (
        f'<div id="{conditional_escape(field.auto_id)}-hint" class="govuk-hint">'
        f"{conditional_escape(field.help_text)}</div>"
        if field.help_text
        else ""
    )
    errors = (
        f'<p id="{conditional_escape(field.auto_id)}-error" class="govuk-error-message">'
        + "<br>".join(
            f'<span class="govuk-visually-hidden">Error:</span> {conditional_escape(str(error))}'
            for error in field.errors
        )
        + "</p>"
        if field.errors
        else ""
    )
    return f"{hint}\n{errors}\n"


def _attribute(name: str, value: str) -> str:
    """` name="value"`, or nothing for no value (as the templates' ``{% if value %}``)."""
    return f' {name}="{conditional_escape(value)}"' if value else ""


def _described_by(field: BoundField) -> str:
    return _attribute("aria-describedby", describedby(field))


@register.simple_tag
def text_input(field: BoundField, *, width: str = "", autocomplete: str = "") -> SafeString:
    """``{% include "components/input.html" with field=... width=... autocomplete=... %}``."""
    auto_id = conditional_escape(field.auto_id)
    error_class = " govuk-form-group--error" if field.errors else ""
    value = field.value()
    return SafeString(  # nosec B703  # every value in it escaped above
        f'\n<div class="govuk-form-group{error_class}">\n'
        f'  <label class="govuk-label " for="{auto_id}">{conditional_escape(field.label)}</label>\n'
        f"  {_field_messages(field)}\n"
        f'  <input class="govuk-input {conditional_escape(width)}'
        f'{" govuk-input--error" if field.errors else ""}" id="{auto_id}" '
        f'name="{conditional_escape(field.html_name)}" type="text" '
        f'value="{conditional_escape("" if value is None else value)}"'
        f"{_described_by(field)}"
        f"{_attribute('autocomplete', autocomplete)}"
        ' spellcheck="false">\n'
        "</div>\n"
    )


@register.simple_tag
def date_input(field: BoundField) -> SafeString:
    """``{% include "components/date.html" with field=... %}``: day, month and year boxes."""
    auto_id = conditional_escape(field.auto_id)
    name = conditional_escape(field.html_name)
    input_error = " govuk-input--error" if field.errors else ""
    boxes = "".join(
        '      <div class="govuk-date-input__item">\n'
        '        <div class="govuk-form-group">\n'
        f'          <label class="govuk-label govuk-date-input__label" for="{auto_id}_{part}">'
        f"{label}</label>\n"
        f'          <input class="govuk-input govuk-date-input__input govuk-input--width-{width}'
        f'{input_error}" id="{auto_id}_{part}" name="{name}_{part}" type="text" '
        f'inputmode="numeric" value="{conditional_escape(value)}">\n'
        "        </div>\n"
        "      </div>\n"
        for (part, label, width), value in zip(_DATE_BOXES, date_parts(field), strict=True)
    )
    return SafeString(  # nosec B703  # every value in it escaped above
        f'\n\n<div class="govuk-form-group{" govuk-form-group--error" if field.errors else ""}">\n'
        f'  <fieldset class="govuk-fieldset" role="group"{_described_by(field)}>\n'
        '    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">'
        f"{conditional_escape(field.label)}</legend>\n"
        f"    {_field_messages(field)}\n"
        f'    <div class="govuk-date-input" id="{auto_id}">\n'
        f"{boxes}"
        "    </div>\n"
        "  </fieldset>\n"
        "</div>\n\n"
    )


_DATE_BOXES = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))
