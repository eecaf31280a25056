from django.contrib import admin
from django_otp.admin import OTPAdminSite

import casebridge.config.urls  # noqa: F401  (installs the OTP admin site, as a request would)
from casebridge.access.models import BreakGlass, Entitlement
from casebridge.audit.models import AuditEvent
from casebridge.pathways.models import Case, CaseEvent
from casebridge.people.models import Address, Person


def test_admin_offers_no_records_and_no_audit_trail():
    for model in (Person, Address, Case, CaseEvent, AuditEvent, BreakGlass, Entitlement):
        assert not admin.site.is_registered(model), model


def test_admin_site_requires_a_second_factor():
    assert isinstance(admin.site, OTPAdminSite)
