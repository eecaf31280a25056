"""GP surgeries: listing them, the rules of their engagement history and their referrals."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from casebridge.access.policy import AccessDenied
from casebridge.audit.models import AuditEvent
from casebridge.core.errors import ApplicationError
from casebridge.training.models import Engagement, ProgrammeReferral, SurgeryStatusChange
from casebridge.training.selectors import surgery_status_on
from casebridge.training.services import referral_record, surgery_register, surgery_status_change

pytestmark = pytest.mark.django_db

APRIL = date(2021, 4, 1)


def _surgery(team, code="E83001"):
    return surgery_register(
        actor=team.analyst, name=" Station  Road Surgery ", practice_code=code, known_from=APRIL
    )


def _change(team, surgery, status, day, **kwargs):
    return surgery_status_change(
        actor=team.analyst, surgery=surgery, status=status, effective_on=day, **kwargs
    )


def _refused(field, call, *args, **kwargs):
    with pytest.raises(ApplicationError) as refused:
        call(*args, **kwargs)
    assert refused.value.field == field
    return refused.value.message


def test_listing_a_surgery_starts_its_history_not_engaged_and_is_audited(team):
    surgery = surgery_register(
        actor=team.coordinator,
        name=" Station  Road Surgery ",
        practice_code=" e83001 ",
        known_from=APRIL,
        agency=team.health,
    )
    assert (surgery.name, surgery.practice_code, surgery.agency) == (
        "Station Road Surgery",
        "E83001",
        team.health,
    )
    assert [(c.status, c.effective_on) for c in surgery.status_changes.all()] == [
        (Engagement.NOT_ENGAGED, APRIL)
    ]
    entry = AuditEvent.objects.get(action="create", object_id=str(surgery.pk))
    assert entry.object_type == "training" and entry.actor == team.coordinator
    assert entry.changes["practice_code"] == [None, "E83001"]


def test_listing_refuses_a_duplicate_code_a_bad_code_a_blank_name_and_a_non_health_agency(team):
    _surgery(team)
    assert "already listed" in _refused(
        "practice_code",
        surgery_register,
        actor=team.analyst,
        name="Other",
        practice_code="e83001",
        known_from=APRIL,
    )
    _refused(
        "practice_code",
        surgery_register,
        actor=team.analyst,
        name="X",
        practice_code="12",
        known_from=APRIL,
    )
    _refused(
        "name",
        surgery_register,
        actor=team.analyst,
        name="  ",
        practice_code="E83002",
        known_from=APRIL,
    )
    _refused(
        "agency",
        surgery_register,
        actor=team.analyst,
        name="X",
        practice_code="E83002",
        known_from=APRIL,
        agency=team.police,
    )
    _refused(
        "known_from",
        surgery_register,
        actor=team.analyst,
        name="X",
        practice_code="E83002",
        known_from=timezone.localdate() + timedelta(days=1),
    )


@pytest.mark.parametrize("who", ["manager", "practitioner", "auditor"])
def test_only_analysts_and_coordinators_record(team, who):
    surgery = _surgery(team)
    actor = getattr(team, who)
    with pytest.raises(AccessDenied):
        surgery_register(actor=actor, name="X", practice_code="E83009", known_from=APRIL)
    with pytest.raises(AccessDenied):
        surgery_status_change(
            actor=actor, surgery=surgery, status=Engagement.ENGAGED, effective_on=APRIL
        )
    with pytest.raises(AccessDenied):
        referral_record(actor=actor, surgery=surgery, referred_on=APRIL)


def test_status_moves_forward_and_the_status_on_a_day_comes_from_the_history(team):
    surgery = _surgery(team)
    _change(team, surgery, Engagement.ENGAGED, date(2021, 6, 1))
    _change(team, surgery, Engagement.PARTIALLY_TRAINED, date(2021, 9, 1), note="Reception staff")
    _change(team, surgery, Engagement.FULLY_TRAINED, date(2022, 1, 10))
    expected = {
        date(2021, 3, 31): None,
        APRIL: Engagement.NOT_ENGAGED,
        date(2021, 6, 1): Engagement.ENGAGED,
        date(2021, 12, 31): Engagement.PARTIALLY_TRAINED,
        date(2023, 3, 31): Engagement.FULLY_TRAINED,
    }
    for day, status in expected.items():
        assert surgery_status_on(surgery=surgery, day=day) == status, day
    assert AuditEvent.objects.filter(action="change", object_id=str(surgery.pk)).count() == 3


def test_no_status_change_before_the_previous_ones_date(team):
    surgery = _surgery(team)
    _change(team, surgery, Engagement.ENGAGED, date(2021, 6, 1))
    message = _refused(
        "effective_on", _change, team, surgery, Engagement.FULLY_TRAINED, date(2021, 5, 31)
    )
    assert "on or after 1 June 2021" in message
    # The same day is allowed: the later record wins for that day.
    _change(team, surgery, Engagement.PARTIALLY_TRAINED, date(2021, 6, 1))
    assert surgery_status_on(surgery=surgery, day=date(2021, 6, 1)) == "partially_trained"


def test_no_status_change_in_the_future(team):
    surgery = _surgery(team)
    tomorrow = timezone.localdate() + timedelta(days=1)
    _refused("effective_on", _change, team, surgery, Engagement.ENGAGED, tomorrow)


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], Engagement.WITHDRAWN),  # never engaged: nothing to withdraw from
        ([], Engagement.NOT_ENGAGED),  # already not engaged
        ([Engagement.FULLY_TRAINED], Engagement.PARTIALLY_TRAINED),  # training never goes back
        ([Engagement.PARTIALLY_TRAINED], Engagement.ENGAGED),
        ([Engagement.ENGAGED, Engagement.WITHDRAWN], Engagement.FULLY_TRAINED),
        ([Engagement.ENGAGED], Engagement.NOT_ENGAGED),
    ],
)
def test_transitions_that_are_refused(team, path, refused):
    surgery = _surgery(team)
    for number, status in enumerate(path, start=1):
        _change(team, surgery, status, APRIL + timedelta(days=number))
    before = SurgeryStatusChange.objects.count()
    _refused("status", _change, team, surgery, refused, date(2022, 1, 1))
    assert SurgeryStatusChange.objects.count() == before


def test_a_withdrawn_surgery_may_re_engage_and_skip_straight_to_fully_trained(team):
    surgery = _surgery(team)
    _change(team, surgery, Engagement.FULLY_TRAINED, date(2021, 5, 1))
    _change(team, surgery, Engagement.WITHDRAWN, date(2021, 8, 1))
    _change(team, surgery, Engagement.ENGAGED, date(2022, 2, 1))
    assert surgery_status_on(surgery=surgery, day=date(2022, 2, 1)) == Engagement.ENGAGED


def test_referrals_only_from_a_surgery_in_the_programme_on_that_day(team):
    surgery = _surgery(team)
    _change(team, surgery, Engagement.ENGAGED, date(2021, 6, 1))
    _change(team, surgery, Engagement.WITHDRAWN, date(2022, 6, 1))
    message = _refused(
        "referred_on",
        referral_record,
        actor=team.analyst,
        surgery=surgery,
        referred_on=date(2021, 5, 31),
    )
    assert "not engaged" in message
    _refused(
        "referred_on",
        referral_record,
        actor=team.analyst,
        surgery=surgery,
        referred_on=date(2022, 6, 2),
    )
    _refused(
        "referred_on",
        referral_record,
        actor=team.analyst,
        surgery=surgery,
        referred_on=date(2021, 3, 1),
    )
    referral = referral_record(
        actor=team.coordinator, surgery=surgery, referred_on=date(2021, 6, 1), count=3
    )
    assert referral.count == 3
    entry = AuditEvent.objects.get(action="create", changes__referrals=[None, 3])
    assert entry.object_id == str(surgery.pk)


@pytest.mark.parametrize("count", [0, -1, 101])
def test_referral_counts_are_between_1_and_100(team, count):
    surgery = _surgery(team)
    _change(team, surgery, Engagement.ENGAGED, APRIL)
    _refused(
        "count",
        referral_record,
        actor=team.analyst,
        surgery=surgery,
        referred_on=APRIL,
        count=count,
    )
    assert not ProgrammeReferral.objects.exists()


def test_referrals_are_not_dated_in_the_future(team):
    surgery = _surgery(team)
    _change(team, surgery, Engagement.ENGAGED, APRIL)
    tomorrow = timezone.localdate() + timedelta(days=1)
    _refused(
        "referred_on", referral_record, actor=team.analyst, surgery=surgery, referred_on=tomorrow
    )


def test_a_withdrawal_cannot_be_dated_before_referrals_already_recorded(team):
    surgery = _surgery(team)
    _change(team, surgery, Engagement.ENGAGED, date(2021, 6, 1))
    referral_record(actor=team.analyst, surgery=surgery, referred_on=date(2021, 9, 14))
    message = _refused(
        "effective_on", _change, team, surgery, Engagement.WITHDRAWN, date(2021, 9, 14)
    )
    assert "14 September 2021" in message
    _change(team, surgery, Engagement.WITHDRAWN, date(2021, 9, 15))
