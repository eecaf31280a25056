import pytest
from django.urls import reverse

from tests.world import make_world

pytestmark = pytest.mark.django_db


def test_case_page_sends_the_security_headers(signed_in_client):
    world = make_world()
    response = signed_in_client(world.practitioner_a).get(
        reverse("pathways:case_detail", args=[world.case.pk])
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_style(signed_in_client):
    """The CSP would block them, so they must not exist (the page would break in a browser)."""
    world = make_world()
    content = (
        signed_in_client(world.practitioner_a)
        .get(reverse("people:detail", args=[world.person.pk]))
        .content.decode()
    )
    assert "<style" not in content
    assert " style=" not in content
    for tag in content.split("<script")[1:]:
        assert "src=" in tag.split(">")[0]


def test_govuk_assets_resolve_to_static_files(client):
    response = client.get("/assets/fonts/bold-b542beb274-v2.woff2")
    assert response.status_code == 301
    assert response["Location"] == "/static/govuk/assets/fonts/bold-b542beb274-v2.woff2"


def test_asset_redirect_refuses_odd_paths(client):
    assert client.get("/assets/../settings.py").status_code == 404
