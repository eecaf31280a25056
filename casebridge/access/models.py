from django.conf import settings
from django.db import models
from django.db.models import Q

from casebridge.agencies.models import Agency, Role

# The records these point at belong to the domain apps above access, so they are named, not
# imported: access knows no domain app.


class PermissionRule(models.Model):
    """One grant: a role (optionally only in one kind of agency) may do an action to a resource.

    Nothing is allowed unless a rule grants it. Rules are loaded from
    ``access/definitions/permissions.yaml`` by ``casebridge sync-definitions``.
    """

    class Resource(models.TextChoices):
        PERSON = "person", "Person record"
        CASE = "case", "Case"
        CONFIDENTIAL_ADDRESS = "confidential_address", "Confidential address"
        BREAK_GLASS = "break_glass", "Break-glass access"
        AUDIT = "audit", "Audit log"
        MEETING = "meeting", "Panel meeting"
        REFUGE = "refuge", "Refuge and its occupancy figures"
        REFUGE_STAY = "refuge_stay", "Refuge residents and their stays"
        REFUGE_ADDRESS = "refuge_address", "Refuge address"
        TRAINING = "training", "GP programme and training"
        FIGURES = "figures", "Partnership figures (counts, never records)"
        RESTRICTED_FIGURES = (
            "restricted_figures",
            "Small numbers: the restricted edition, numerators, records behind a figure",
        )
        IMPORT_BATCH = "import_batch", "Partner data imports and their rejected rows"
        IDENTITY = "identity", "Identity resolution: linking records of the same person"
        ACTION_PLAN = "action_plan", "Partnership action plans and their commitments"
        SIRM_PROPOSAL = "sirm_proposal", "Incidents the SIRM criteria propose for a meeting"
        INCIDENT = "incident", "Incidents a partner recorded, and the outcomes given them"
        PANEL_ACTION = "panel_action", "Actions a panel agreed (change: complete one)"
        PANEL_INFORMATION = (
            "panel_information",
            "Information shared with a panel about the cases on its agenda",
        )
        ACCOUNT = "account", "Users' accounts (invite, roles, move, end access, second factor)"
        ACCESS_REVIEW = "access_review", "Quarterly access reviews (change: confirm one)"

    class Action(models.TextChoices):
        VIEW = "view", "View"
        CREATE = "create", "Create"
        CHANGE = "change", "Change"
        USE = "use", "Use"

    class Scope(models.TextChoices):
        OWN = "own", "Records they own"
        TEAM = "team", "Their team's records"
        AGENCY = "agency", "Their agency's records (owned or referred)"
        ALL = "all", "All records"
        ATTENDEE = "attendee", "Meetings their agency attends (and the cases on their agendas)"

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="rules")
    agency_kind = models.CharField(
        max_length=20, choices=Agency.Kind.choices, blank=True, help_text="Blank: any agency."
    )
    resource = models.CharField(max_length=24, choices=Resource.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    pathway = models.ForeignKey(
        "pathways.Pathway",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text="Blank: any pathway.",
    )
    scope = models.CharField(max_length=10, choices=Scope.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["role", "agency_kind", "resource", "action", "pathway", "scope"],
                name="permissionrule_unique",
            ),
        ]

    def __str__(self) -> str:
        where = f" in {self.agency_kind}" if self.agency_kind else ""
        pathway = f" ({self.pathway.code})" if self.pathway else ""
        return f"{self.role.code}{where}: {self.action} {self.resource}{pathway}, {self.scope}"


class Entitlement(models.Model):
    """An explicit grant to one user of one restricted thing: a sealed case, a person's
    confidential addresses or a refuge's address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entitlements"
    )
    case = models.ForeignKey(
        "pathways.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="entitlements",
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="entitlements",
    )
    refuge = models.ForeignKey(
        "refuges.Refuge",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="entitlements",
    )
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=True, person__isnull=False, refuge__isnull=True)
                | Q(case__isnull=False, person__isnull=True, refuge__isnull=True)
                | Q(case__isnull=True, person__isnull=True, refuge__isnull=False),
                name="entitlement_one_target",
            ),
        ]

    def __str__(self) -> str:
        target = "case" if self.case_id else "person" if self.person_id else "refuge"
        return f"{self.user} entitled to {target} records"


class BreakGlass(models.Model):
    """Emergency access to a person's restricted records, given with a written reason and
    flagged for review by information governance."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_uses"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="break_glass_uses"
    )
    reason = models.TextField()
    opened_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "person", "expires_at"], name="breakglass_active")]

    def __str__(self) -> str:
        return f"Break-glass by {self.user} at {self.opened_at:%Y-%m-%d %H:%M}"
