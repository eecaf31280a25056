"""A postcode typed into a note, reason or minute warns its writer before anyone else sees it
(docs: ../shared/docs/security.md, "Free-text notes are scanned for postcodes on save")."""

import importlib
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.urls import reverse

from casebridge.agencies.models import Agency
from casebridge.core.postcodes import postcodes_in
from casebridge.pathways.models import Case, Pathway
from casebridge.pathways.services import case_transition, referral_create
from casebridge.ui.forms import FreeTextField
from tests.factories import AgencyFactory, PersonFactory, UserFactory


class NoteForm(forms.Form):
    note = FreeTextField(label="Note", required=False)


def _kept(text: str) -> str:
    return ",".join(postcodes_in(text))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Now staying at 4 Elm Road, tw1 2ab, with her sister", ["TW1 2AB"]),
        ("moved to SW1A1AA then to E1  6AN", ["SW1A 1AA", "E1 6AN"]),
        ("TW1 2AB and again TW12AB", ["TW1 2AB"]),
        ("Seen on 12 March at 10:30, risk 14 of 24, room B12 3 times", []),
    ],
)
def test_postcodes_are_found_as_people_type_them(text, found):
    assert postcodes_in(text) == found


def test_a_note_without_a_postcode_is_accepted_at_once():
    form = NoteForm({"note": "Called, no answer; letter sent"})
    assert form.is_valid()


def test_a_note_with_a_postcode_is_refused_with_a_warning_naming_it():
    form = NoteForm({"note": "Now at 4 Elm Road, TW1 2AB"})
    assert not form.is_valid()
    assert "TW1 2AB" in form.errors["note"][0]
    assert "confidential" in form.errors["note"][0]


def test_sending_it_again_keeps_the_postcode_the_writer_was_warned_of():
    warned = NoteForm({"note": "Now at 4 Elm Road, TW1 2AB"})
    assert not warned.is_valid()
    again = NoteForm({"note": "Now at 4 Elm Road, TW1 2AB", "note-kept-postcodes": "TW1 2AB"})
    assert again.is_valid()
    assert again.cleaned_data["note"] == "Now at 4 Elm Road, TW1 2AB"


def test_a_postcode_added_after_the_warning_is_warned_of_in_its_turn():
    form = NoteForm({"note": "TW1 2AB, then E1 6AN", "note-kept-postcodes": "TW1 2AB"})
    assert not form.is_valid()
    assert "E1 6AN" in form.errors["note"][0]
    assert "TW1 2AB" not in form.errors["note"][0]


@pytest.mark.django_db
def test_a_case_note_with_a_postcode_is_saved_only_when_sent_again(signed_in_client):
    service = AgencyFactory(kind=Agency.Kind.CHARITY)
    advocate = UserFactory(agency=service)
    officer = UserFactory(agency=AgencyFactory(kind=Agency.Kind.POLICE))
    referral = referral_create(
        actor=officer,
        pathway=Pathway.objects.get(code="idva"),
        subject=PersonFactory(recorded_by_agency=officer.agency),
        referral_reason="High risk after MARAC",
        consent=Case.Consent.GIVEN,
        lawful_basis=Case.LawfulBasis.CONSENT,
        owner_agency=service,
    )
    case = case_transition(actor=advocate, case=referral, transition="accept")
    client = signed_in_client(advocate)
    url = reverse("pathways:activity", args=[case.pk])
    typed = {"activity": "contact", "text": "She has moved to 4 Elm Road, tw12ab"}

    warned = client.post(url, typed)

    page = warned.content.decode()
    assert warned.status_code == 200
    assert "TW1 2AB" in page and "4 Elm Road, tw12ab" in page  # what she typed, re-shown
    assert not case.timeline.filter(activity="contact").exists()
    kept = re.search(r'name="text-kept-postcodes" value="([^"]+)"', page)
    assert kept and kept[1] == "TW1 2AB"

    sent_again = client.post(url, typed | {"text-kept-postcodes": kept[1]})

    assert sent_again.status_code == 302
    assert case.timeline.filter(activity="contact").exists()


def _declared_free_text_fields() -> set[str]:
    names = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("casebridge."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for form in vars(module).values():
            if isinstance(form, type) and issubclass(form, forms.BaseForm):
                fields = form.base_fields.items()  # type: ignore[attr-defined]
                names |= {name for name, f in fields if isinstance(f, FreeTextField)}
    return names


def test_every_free_text_field_is_drawn_where_its_writer_can_keep_a_postcode():
    """A box drawn by hand, without the component, could never be sent again with the
    postcodes kept: its writer would be warned for ever."""
    templates = "\n".join(
        path.read_text()
        for path in (Path(__file__).resolve().parents[2] / "casebridge").rglob(
            "templates/**/*.html"
        )
    )
    drawn = set(re.findall(r'components/textarea\.html" with field=\w*form\.(\w+)', templates))
    drawn |= set(re.findall(r"form\.(\w+)\|kept_postcodes_input", templates))
    assert _declared_free_text_fields() <= drawn
