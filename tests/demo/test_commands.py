"""The demo-data and demo-totp commands, run against the test database."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebridge.accounts.models import User
from casebridge.agencies.models import Role
from casebridge.audit.verification import verify_chain
from casebridge.demo.organisation import USERS, totp_key
from casebridge.demo.plan import build_plan, fingerprint
from casebridge.demo.sizes import SIZES
from casebridge.pathways.models import Case, CaseEvent, CasePerson
from casebridge.people.models import Address, Person, Relationship


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def tiny_borough(db):
    return run("demo_data", "--size", "tiny", "--seed", "2022")


def database_fingerprint() -> dict[str, list[object]]:
    people = [
        (name.given_name, name.family_name, name.person.date_of_birth)
        for person in Person.objects.prefetch_related("names")
        for name in [person.primary_name]
    ]
    cases = Case.objects.order_by("referred_at")
    return {
        "people": sorted(people),
        "referred_at": [case.referred_at for case in cases],
    }


def test_tiny_creates_users_of_every_role_with_second_factors(tiny_borough):
    roles = set(Role.objects.values_list("code", flat=True))
    demo_users = User.objects.filter(username__in=[u.username for u in USERS])
    assert set(demo_users.values_list("role__code", flat=True)) == roles
    for user in demo_users:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        assert len(bytes.fromhex(device.key)) == 20
        assert user.check_password("Kestrel-Harbour-Lantern-47")
    assert "maria.costa" in tiny_borough and "http://127.0.0.1:8000/" in tiny_borough


def test_tiny_writes_exactly_the_plan(tiny_borough):
    plan = build_plan(SIZES["tiny"], 2022)
    planned = fingerprint(plan)
    stored = database_fingerprint()
    assert stored["people"] == planned["people"]
    assert stored["referred_at"] == [r.referred_at for r in plan.referrals]
    assert Relationship.objects.count() == len(planned["relationships"])
    assert CasePerson.objects.filter(role=CasePerson.Role.PERPETRATOR).count() == len(
        plan.referrals
    )
    states = sorted(Case.objects.values_list("state", flat=True))
    assert states == sorted(r.final_state for r in plan.referrals)
    added = CaseEvent.objects.filter(kind=CaseEvent.Kind.PERSON_ADDED).select_related("case")
    assert added and all(event.occurred_at == event.case.referred_at for event in added)
    assert Case.objects.filter(is_restricted=True).exists()
    assert Address.objects.filter(is_confidential=True).exists()
    assert verify_chain().intact


def test_totp_keys_come_from_the_seed_and_username(tiny_borough):
    device = TOTPDevice.objects.get(user__username="maria.costa")
    assert device.key == totp_key(2022, "maria.costa")
    assert totp_key(2022, "maria.costa") != totp_key(2023, "maria.costa")


def test_if_empty_leaves_a_populated_database_alone(tiny_borough):
    counts = (Person.objects.count(), Case.objects.count(), User.objects.count())
    output = run("demo_data", "--size", "tiny", "--if-empty")
    assert "nothing generated" in output and "maria.costa" in output
    assert (Person.objects.count(), Case.objects.count(), User.objects.count()) == counts


def test_without_if_empty_a_populated_database_is_refused(tiny_borough):
    with pytest.raises(CommandError):
        run("demo_data", "--size", "tiny")


def test_demo_totp_prints_the_current_code(tiny_borough):
    device = TOTPDevice.objects.get(user__username="sam.okafor")
    code = run("demo_totp", "sam.okafor").strip()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert code.isdigit() and len(code) == 6
    # The code of this 30-second step or, if the step turned while running, the previous one.
    assert int(code) in {totp.token(), TOTP(device.bin_key, drift=-1).token()}


def test_demo_totp_refuses_outside_demo_settings(tiny_borough, settings):
    settings.CASEBRIDGE_DEMO = False
    with pytest.raises(CommandError, match="demo settings"):
        run("demo_totp", "sam.okafor")


def test_demo_totp_refuses_other_users(tiny_borough):
    with pytest.raises(CommandError):
        run("demo_totp", "demo-generator-nb-police")
