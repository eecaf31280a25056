"""Who gets what from every URL. A new URL pattern fails here until someone decides its row."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from casebridge.access.models import BreakGlass
from casebridge.pathways.models import DisclosureRequest
from tests.assessments.factories import AssessmentFactory
from tests.casework.factories import NeedFactory, ServiceReferralFactory
from tests.exploitation.factories import MissingEpisodeFactory, NrmReferralFactory
from tests.imports.factories import matrix_batch
from tests.jobs.factories import TaskRunFactory
from tests.linkage.factories import linkage_world
from tests.panels.factories import panel_world
from tests.plans.factories import CommitmentFactory
from tests.refuges.factories import matrix_refuge
from tests.training.factories import training_world
from tests.violence.sirm_factories import matrix_sirm
from tests.world import make_world

# Not ours to decide here: Django admin has its own (OTP) site; assets are public files.
EXCLUDED_NAMESPACES = {"admin"}
EXCLUDED_NAMES = {"web:assets"}

ROLES = [
    "anonymous",
    "practitioner_a",
    "practitioner_b",
    "panel_coordinator",
    "auditor",
    "manager",
]


def row(method: str, anonymous: int, a: int, b: int, coord: int, audit: int, mgr: int) -> tuple:
    return method, dict(zip(ROLES, (anonymous, a, b, coord, audit, mgr), strict=True))


# practitioner_a: agency A, owns the case. practitioner_b: agency B. The coordinator sees every
# MARAC case. Auditors see only the audit log; managers see no records at all.
EXPECTED = {
    #                                method  anon  pracA pracB coord audit mgr
    "accounts:login": row("GET", 200, 200, 200, 200, 200, 200),
    "accounts:two_factor": row("GET", 302, 302, 302, 302, 302, 302),
    "accounts:logout": row("POST", 302, 302, 302, 302, 302, 302),
    # Single sign-on is off in the test settings (tests/accounts/test_single_sign_on.py has it on).
    "accounts:sso_start": row("GET", 404, 404, 404, 404, 404, 404),
    "accounts:sso_callback": row("GET", 404, 404, 404, 404, 404, 404),
    "web:home": row("GET", 302, 200, 200, 200, 200, 200),
    # For a load balancer: anyone may ask, and the answer is ok or not, nothing more.
    "health:live": row("GET", 200, 200, 200, 200, 200, 200),
    "health:ready": row("GET", 200, 200, 200, 200, 200, 200),
    "people:search": row("GET", 302, 200, 200, 200, 404, 404),
    "people:create": row("GET", 302, 200, 200, 200, 404, 404),
    "people:detail": row("GET", 302, 200, 404, 200, 404, 404),
    # Only those who may change the person: agency A's (the coordinator only sees them).
    "people:care_experienced": row("POST", 302, 302, 404, 404, 404, 404),
    "people:break_glass": row("GET", 302, 404, 404, 200, 404, 404),
    "pathways:refer": row("GET", 302, 200, 404, 200, 404, 404),
    "pathways:case_list": row("GET", 302, 200, 200, 200, 200, 200),
    "pathways:case_detail": row("GET", 302, 200, 404, 200, 404, 404),
    # practitioner_a may change their own case but not accept it: the service refuses (400).
    "pathways:transition": row("POST", 302, 400, 404, 302, 404, 404),
    # The matrix case is a MARAC case, which has no casework kinds (IDVA cases do).
    "pathways:activity": row("GET", 302, 404, 404, 404, 404, 404),
    # Clare's Law forms: for those who may change the MARAC case (its owner, the coordinator).
    "pathways:disclosure_request": row("GET", 302, 200, 404, 200, 404, 404),
    "pathways:disclosure_decision": row("GET", 302, 200, 404, 200, 404, 404),
    # Only workers allocated cases (an IDVA service's advocates) have a caseload; nobody in the
    # matrix world is one (tests/pathways/test_caseload.py has the advocates).
    "pathways:caseload": row("GET", 302, 404, 404, 404, 404, 404),
    # Casework forms are for pathways with tiers, needs or services (IOM, the women's pathway),
    # which no matrix user works; the matrix case is MARAC's (tests/casework/test_views.py has
    # the 200s). The IOM contacts-due list shows practitioners the cases they may see.
    "casework:tier_set": row("GET", 302, 404, 404, 404, 404, 404),
    "casework:need_new": row("GET", 302, 404, 404, 404, 404, 404),
    "casework:need_edit": row("GET", 302, 404, 404, 404, 404, 404),
    "casework:service_new": row("GET", 302, 404, 404, 404, 404, 404),
    "casework:service_start": row("GET", 302, 404, 404, 404, 404, 404),
    "casework:service_end": row("GET", 302, 404, 404, 404, 404, 404),
    "casework:contacts_due": row("GET", 302, 200, 200, 404, 404, 404),
    # Criminal justice contacts are recorded on women's pathway cases only; the matrix case is
    # MARAC's (tests/justice/test_views.py has the 200s).
    "justice:contact_create": row("GET", 302, 404, 404, 404, 404, 404),
    # Action plans name agencies and job titles, never a person: coordinators (and analysts)
    # keep them; managers read them.
    "plans:plan_list": row("GET", 302, 404, 404, 200, 404, 200),
    "plans:plan_detail": row("GET", 302, 404, 404, 200, 404, 200),
    "plans:commitment_detail": row("GET", 302, 404, 404, 200, 404, 200),
    "plans:commitment_create": row("GET", 302, 404, 404, 200, 404, 404),
    "plans:commitment_status": row("GET", 302, 404, 404, 200, 404, 404),
    # Violence and exploitation panels are run by their own coordinators (vve_coordinator), whom
    # no matrix role is; tests/violence has their 200s. The matrix meeting is MARAC's, which
    # rates no risk areas and calls no community-impact meeting; the coordinator's empty summary
    # is refused by the form (400) before the service finds it is not a community-impact meeting.
    "violence:sirm_proposal_list": row("GET", 302, 404, 404, 404, 404, 404),
    "violence:sirm_proposal_detail": row("GET", 302, 404, 404, 404, 404, 404),
    "violence:sirm_convene": row("POST", 302, 404, 404, 404, 404, 404),
    "violence:sirm_not_needed": row("POST", 302, 404, 404, 404, 404, 404),
    "panels:risk_rate": row("GET", 302, 404, 404, 404, 404, 404),
    "panels:community_impact_create": row("GET", 302, 404, 404, 404, 404, 404),
    "panels:community_impact_summary": row("POST", 302, 404, 404, 400, 404, 404),
    # A missing child's episodes and NRM referrals are read by whoever may see the child (agency
    # A's person, on the coordinator's case) and recorded by whoever may change them (agency A).
    "exploitation:missing": row("GET", 302, 200, 404, 200, 404, 404),
    "exploitation:missing_return": row("GET", 302, 200, 404, 404, 404, 404),
    "exploitation:nrm": row("GET", 302, 200, 404, 200, 404, 404),
    "exploitation:nrm_decision": row("GET", 302, 200, 404, 404, 404, 404),
    "exploitation:still_missing": row("GET", 302, 200, 200, 200, 404, 404),
    # The Victim Coordinator's referrals: practitioners see those their agency made or holds.
    "victims:referral_list": row("GET", 302, 200, 200, 404, 404, 404),
    # A link that opens no invitation (a guessed token), and the page it leads to without one.
    "accounts:invitation": row("GET", 404, 404, 404, 404, 404, 404),
    "accounts:invitation_accept": row("GET", 404, 404, 404, 404, 404, 404),
    # Administration is the system administrator's and agency leads' (neither a matrix role:
    # tests/administration has their 200s): agency A's users and a practitioner of agency A.
    "administration:agency_list": row("GET", 302, 404, 404, 404, 404, 404),
    "administration:agency_users": row("GET", 302, 404, 404, 404, 404, 404),
    "administration:invite": row("GET", 302, 404, 404, 404, 404, 404),
    "administration:access_review": row("GET", 302, 404, 404, 404, 404, 404),
    "administration:access_review_list": row("GET", 302, 404, 404, 404, 404, 404),
    "administration:account_detail": row("GET", 302, 404, 404, 404, 404, 404),
    "administration:account_access": row("GET", 302, 404, 404, 404, 404, 404),
    "administration:account_end": row("GET", 302, 404, 404, 404, 404, 404),
    "administration:account_second_factor": row("GET", 302, 404, 404, 404, 404, 404),
    "administration:account_invitation": row("POST", 302, 404, 404, 404, 404, 404),
    "audit:search": row("GET", 302, 404, 404, 404, 200, 404),
    "audit:break_glass": row("GET", 302, 404, 404, 404, 200, 404),
    "audit:break_glass_review": row("POST", 302, 404, 404, 404, 302, 404),
    "api:person": row("GET", 401, 200, 404, 200, 404, 404),
    "api:case": row("GET", 401, 200, 404, 200, 404, 404),
    # Panels: agency A attends the coordinator's meeting, with the case on its agenda and an
    # action owned by agency A; agency B does not attend, so its meeting is a 404 for B.
    "assessments:new": row("GET", 302, 200, 404, 200, 404, 404),
    "assessments:detail": row("GET", 302, 200, 404, 200, 404, 404),
    "assessments:progress": row("GET", 302, 200, 404, 200, 404, 404),
    "panels:meeting_list": row("GET", 302, 200, 200, 200, 404, 404),
    "panels:meeting_create": row("GET", 302, 404, 404, 200, 404, 404),
    "panels:meeting_detail": row("GET", 302, 200, 404, 200, 404, 404),
    # The coordinator's empty choice is refused by the form (400).
    "panels:attendee_add": row("POST", 302, 404, 404, 400, 404, 404),
    "panels:agenda_build": row("POST", 302, 404, 404, 302, 404, 404),
    "panels:meeting_held": row("POST", 302, 404, 404, 302, 404, 404),
    # Cancelling and closing a meeting are the coordinator's; closing a planned meeting is
    # refused by the service with a message on the meeting page (302).
    "panels:meeting_cancel": row("GET", 302, 404, 404, 200, 404, 404),
    "panels:meeting_close": row("POST", 302, 404, 404, 302, 404, 404),
    "panels:export_csv": row("GET", 302, 200, 404, 200, 404, 404),
    "panels:export_pdf": row("GET", 302, 200, 404, 200, 404, 404),
    # Only attending agencies share; the coordinator's own agency does not attend here.
    "panels:information_share": row("POST", 302, 302, 404, 404, 404, 404),
    "panels:minutes_record": row("POST", 302, 404, 404, 302, 404, 404),
    "panels:action_agree": row("GET", 302, 404, 404, 200, 404, 404),
    "panels:action_list": row("GET", 302, 200, 200, 200, 404, 404),
    "panels:action_complete": row("GET", 302, 200, 404, 200, 404, 404),
    # The owning agency completes an action; only the coordinator running the meeting cancels.
    "panels:action_cancel": row("GET", 302, 404, 404, 200, 404, 404),
    # Refuges: run by a housing provider no matrix user works for. The coordinator and managers
    # see occupancy figures (never the address); only the provider's staff record stays.
    "refuges:refuge_list": row("GET", 302, 404, 404, 200, 404, 200),
    "refuges:refuge_new": row("GET", 302, 404, 404, 404, 404, 404),
    "refuges:refuge_detail": row("GET", 302, 404, 404, 200, 404, 200),
    "refuges:arrival_search": row("GET", 302, 404, 404, 404, 404, 404),
    "refuges:arrival": row("GET", 302, 404, 404, 404, 404, 404),
    "refuges:departure": row("GET", 302, 404, 404, 404, 404, 404),
    # GP programme and training (no person named): coordinators (and analysts) record, managers
    # read; the coordinator's empty attendance form is refused by the form (400).
    "training:surgery_list": row("GET", 302, 404, 404, 200, 404, 200),
    "training:surgery_create": row("GET", 302, 404, 404, 200, 404, 404),
    "training:surgery_detail": row("GET", 302, 404, 404, 200, 404, 200),
    "training:surgery_status": row("GET", 302, 404, 404, 200, 404, 404),
    "training:referral_record": row("GET", 302, 404, 404, 200, 404, 404),
    "training:programme_report": row("GET", 302, 404, 404, 200, 404, 200),
    "training:session_list": row("GET", 302, 404, 404, 200, 404, 200),
    "training:session_create": row("GET", 302, 404, 404, 200, 404, 404),
    "training:session_detail": row("GET", 302, 404, 404, 200, 404, 200),
    "training:attendance_record": row("POST", 302, 404, 404, 400, 404, 404),
    "training:course_list": row("GET", 302, 404, 404, 200, 404, 200),
    "training:course_create": row("GET", 302, 404, 404, 200, 404, 404),
    "training:training_report": row("GET", 302, 404, 404, 200, 404, 200),
    # Figures: coordinators (and analysts) read and refresh them, managers read them as the
    # public edition shows them. Small numbers (restricted_figures) are the coordinators' (and
    # analysts'): the drill-down, whose count is the figure unsuppressed, and the restricted
    # edition of the board report (asked for here; managers download the public one,
    # tests/analytics/test_downloads.py). The CSV is everyone's who reads the figures.
    "analytics:dashboard": row("GET", 302, 404, 404, 200, 404, 200),
    "analytics:refresh": row("POST", 302, 404, 404, 302, 404, 404),
    "analytics:indicator": row("GET", 302, 404, 404, 200, 404, 200),
    "analytics:records": row("GET", 302, 404, 404, 200, 404, 404),
    "analytics:export": row("GET", 302, 404, 404, 200, 404, 200),
    "analytics:board_report": row("GET", 302, 404, 404, 200, 404, 404),
    # Imports are the analysts' (tests/imports/test_views.py has their 200s); no matrix role
    # imports, so even the batch agency A's analyst imported is a 404 to agency A's practitioner.
    "imports:batch_list": row("GET", 302, 404, 404, 404, 404, 404),
    "imports:upload": row("GET", 302, 404, 404, 404, 404, 404),
    "imports:formats": row("GET", 302, 404, 404, 404, 404, 404),
    "imports:batch_detail": row("GET", 302, 404, 404, 404, 404, 404),
    "imports:batch_progress": row("GET", 302, 404, 404, 404, 404, 404),
    "imports:batch_match": row("POST", 302, 404, 404, 404, 404, 404),
    "imports:rejected": row("GET", 302, 404, 404, 404, 404, 404),
    "imports:rejected_csv": row("GET", 302, 404, 404, 404, 404, 404),
    "imports:noted": row("GET", 302, 404, 404, 404, 404, 404),
    "imports:noted_csv": row("GET", 302, 404, 404, 404, 404, 404),
    # Identity review shows people held by any agency: analysts only (tests/linkage/test_views.py
    # has their 200s), so every matrix role is refused, whatever the record.
    "linkage:review_list": row("GET", 302, 404, 404, 404, 404, 404),
    "linkage:review_detail": row("GET", 302, 404, 404, 404, 404, 404),
    "linkage:review_confirm": row("POST", 302, 404, 404, 404, 404, 404),
    "linkage:review_reject": row("POST", 302, 404, 404, 404, 404, 404),
    "linkage:review_band": row("GET", 302, 404, 404, 404, 404, 404),
    "linkage:review_band_confirm": row("POST", 302, 404, 404, 404, 404, 404),
    "linkage:merge_list": row("GET", 302, 404, 404, 404, 404, 404),
    "linkage:merge_undo": row("POST", 302, 404, 404, 404, 404, 404),
    "linkage:model": row("GET", 302, 404, 404, 404, 404, 404),
    "linkage:model_train": row("POST", 302, 404, 404, 404, 404, 404),
    # A background run's page and status are its starter's (practitioner_a's here), nobody
    # else's; everyone signed in reads their own notifications.
    "jobs:run_detail": row("GET", 302, 200, 404, 404, 404, 404),
    "jobs:run_status": row("GET", 302, 200, 404, 404, 404, 404),
    "notifications:list": row("GET", 302, 200, 200, 200, 200, 200),
}

# A quarter that has ended (the session's snapshot of three referrals is of it): every figures
# page asks for the same one, so they share its figures (computed once).
GET_DATA = {
    "analytics:dashboard": {"period": "Q1 22/23"},
    "analytics:indicator": {"period": "Q1 22/23"},
    "analytics:records": {"period": "Q1 22/23"},
    "analytics:export": {"period": "Q1 22/23"},
    "analytics:board_report": {"period": "Q1 22/23", "edition": "restricted", "format": "html"},
    "linkage:review_band": {"lower": "6", "upper": "20"},
}

POST_DATA = {
    "pathways:transition": {"transition": "accept"},
    "audit:break_glass_review": {"note": "Justified: police call-out at the address."},
    "panels:information_share": {"phase": "before", "text": "Known to police since 2021."},
    "panels:minutes_record": {"text": "Discussed; safety plan agreed."},
    "linkage:merge_undo": {"reason": "Different NHS numbers"},
    "linkage:review_band_confirm": {"lower": "6", "upper": "20"},
}


def _names(patterns: list, namespace: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace not in EXCLUDED_NAMESPACES:
                found += _names(entry.url_patterns, inner)
        elif entry.name:
            found.append((f"{namespace}{entry.name}", entry))
    return found


def project_url_names() -> list[str]:
    names = sorted({name for name, _ in _names(get_resolver().url_patterns)})
    return [name for name in names if name not in EXCLUDED_NAMES]


def test_every_url_in_the_table_still_exists():
    assert set(EXPECTED) <= set(project_url_names())


@pytest.mark.django_db
@pytest.mark.parametrize("role_name", ROLES)
@pytest.mark.parametrize("url_name", project_url_names())
def test_authorisation_matrix(url_name, role_name, signed_in_client, settings, tmp_path, request):
    if url_name not in EXPECTED:
        pytest.fail(f"{url_name} has no row in the authorisation matrix: decide who may use it")
    method, statuses = EXPECTED[url_name]
    if url_name.startswith("analytics:") and url_name != "analytics:refresh":
        # The figures pages read the session's snapshot of MARAC referrals in Q1 22/23: its
        # figures are computed once (tens of seconds), not once for each row and role. Asked
        # for before the world is made, so that the snapshot, if taken now, holds none of it.
        request.getfixturevalue("three_referrals")
    world = make_world()
    access = BreakGlass.objects.create(
        user=world.coordinator,
        person=world.person,
        reason="Test access for the matrix, long enough",
        opened_at=world.case.referred_at,
        expires_at=world.case.referred_at,
    )
    kwargs = {
        "person_id": world.person.pk,
        "case_id": world.case.pk,
        "access_id": access.pk,
        "agency_id": world.agency_a.pk,
        "user_id": world.practitioner_a.pk,
        "token": "a-guessed-token",
    }
    if url_name.startswith("panels:"):
        kwargs.update(panel_world(world))
    if url_name.startswith("pathways:disclosure"):
        kwargs["request_id"] = DisclosureRequest.objects.create(
            case=world.case,
            route=DisclosureRequest.Route.RIGHT_TO_ASK,
            requested_on=world.case.referred_at.date(),
            recorded_by=world.coordinator,
        ).pk
    if url_name.startswith(("violence:sirm", "panels:risk")):
        kwargs.update(matrix_sirm())
    if url_name.startswith("exploitation:"):
        kwargs["episode_id"] = MissingEpisodeFactory(person=world.person, returned_at=None).pk
        kwargs["referral_id"] = NrmReferralFactory(person=world.person).pk
    if url_name.startswith("training:"):
        kwargs.update(training_world(world))
    if url_name.startswith("casework:"):
        kwargs["need_id"] = NeedFactory(case=world.case).pk
        kwargs["referral_id"] = ServiceReferralFactory(case=world.case).pk
        kwargs["pathway_code"] = "iom"
    if url_name.startswith("plans:"):
        commitment = CommitmentFactory()
        kwargs.update(plan_id=commitment.plan_id, commitment_id=commitment.pk)
    if url_name.startswith("refuges:"):
        kwargs.update(matrix_refuge(world))
    if url_name == "analytics:refresh":  # takes a snapshot of its own
        settings.CASEBRIDGE_SNAPSHOT_DIR = tmp_path
    elif url_name.startswith("analytics:"):
        kwargs["indicator_id"] = "marac-referrals"
    if url_name.startswith("imports:"):
        kwargs["batch_id"] = matrix_batch(world.practitioner_a.agency).pk
    if url_name.startswith("linkage:"):
        kwargs.update(linkage_world(world))
    if url_name.startswith("jobs:"):
        kwargs["run_id"] = TaskRunFactory(started_by=world.practitioner_a).pk
    if url_name.startswith("assessments:"):
        kwargs["assessment_id"] = AssessmentFactory(person=world.person).pk
        kwargs["instrument_code"] = "da-risk-checklist"
        if url_name == "assessments:progress":  # a page for instruments with stages only
            kwargs["instrument_code"] = "programme-outcomes"
    pattern = dict(_names(get_resolver().url_patterns))[url_name]
    url = reverse(
        url_name, kwargs={k: v for k, v in kwargs.items() if k in pattern.pattern.converters}
    )
    client = Client() if role_name == "anonymous" else signed_in_client(world.users()[role_name])
    if method == "POST":
        response = client.post(url, POST_DATA.get(url_name, {}))
    else:
        response = client.get(url, GET_DATA.get(url_name, {}))
    assert response.status_code == statuses[role_name], (url_name, role_name)
