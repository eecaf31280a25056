"""The layout's stylesheets and scripts are found where the settings put static files, even
though their addresses are kept for the process."""

from django.template import Context, Template
from django.test import override_settings

LAYOUT_LINK = Template("{% load govuk %}{% kept_static 'web/casebridge.css' %}")


def test_a_static_file_is_addressed_where_the_settings_say_now():
    assert LAYOUT_LINK.render(Context()) == "/static/web/casebridge.css"
    with override_settings(STATIC_URL="/assets-v2/"):
        assert LAYOUT_LINK.render(Context()) == "/assets-v2/web/casebridge.css"
    assert LAYOUT_LINK.render(Context()) == "/static/web/casebridge.css"
