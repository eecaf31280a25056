"""The layout's stylesheets, scripts and links are found where the settings put them, even
though their addresses are kept for the process."""

from uuid import UUID

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

LAYOUT_LINK = Template("{% load govuk %}{% kept_static 'web/casebridge.css' %}")


def test_a_static_file_is_addressed_where_the_settings_say_now():
    assert LAYOUT_LINK.render(Context()) == "/static/web/casebridge.css"
    with override_settings(STATIC_URL="/assets-v2/"):
        assert LAYOUT_LINK.render(Context()) == "/assets-v2/web/casebridge.css"
    assert LAYOUT_LINK.render(Context()) == "/static/web/casebridge.css"


LAYOUT_HOME = Template("{% load govuk %}{% kept_url 'web:home' %}")


def test_the_layouts_links_follow_the_script_prefix_though_kept():
    assert LAYOUT_HOME.render(Context()) == reverse("web:home")
    try:
        set_script_prefix("/casebridge/")
        assert LAYOUT_HOME.render(Context()) == "/casebridge/"
    finally:
        set_script_prefix("/")
    assert LAYOUT_HOME.render(Context()) == "/"


CASE_LINKS = Template(
    "{% load govuk %}{% kept_url 'pathways:case_detail' case_id=case_id %} "
    "{% kept_url 'casework:need_edit' case_id=case_id need_id=need_id %}"
)


@pytest.mark.parametrize(
    ("case_id", "need_id"),
    [
        (UUID("0b7e2c1a-94f3-4d5e-8a6b-1c2d3e4f5a6b"), 42),
        (UUID(int=0), 0),
        (UUID(int=0x5E1F0_0000_0000_0000_0000_0000), 7_306_519),  # the samples themselves
        ("0b7e2c1a-94f3-4d5e-8a6b-1c2d3e4f5a6b", "42"),  # text: reversed each time
    ],
)
def test_a_link_with_arguments_is_what_url_gives_though_kept(case_id, need_id):
    context = {"case_id": case_id, "need_id": need_id}
    expected = Template(
        "{% url 'pathways:case_detail' case_id=case_id %} "
        "{% url 'casework:need_edit' case_id=case_id need_id=need_id %}"
    ).render(Context(context))
    assert CASE_LINKS.render(Context(context)) == expected
    try:
        set_script_prefix("/casebridge/")
        assert CASE_LINKS.render(Context(context)).split() == [
            f"/casebridge{path}" for path in expected.split()
        ]
    finally:
        set_script_prefix("/")


def test_a_value_no_page_takes_is_refused_as_url_refuses_it():
    with pytest.raises(NoReverseMatch):
        CASE_LINKS.render(Context({"case_id": UUID(int=1), "need_id": -1}))
