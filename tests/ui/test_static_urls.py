"""The layout's stylesheets, scripts and links are found where the settings put them, even
though their addresses are kept for the process."""

from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse, set_script_prefix

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
