from django.db import models


class Agency(models.Model):
    """A partner organisation: police, a council team, probation, health, a charity."""

    class Kind(models.TextChoices):
        POLICE = "police", "Police"
        COUNCIL = "council", "Council"
        PROBATION = "probation", "Probation"
        HEALTH = "health", "Health"
        YOUTH_JUSTICE = "youth_justice", "Youth justice"
        HOUSING = "housing", "Housing"
        CHARITY = "charity", "Charity or voluntary sector"
        # Invited to a SIRM's community-impact meeting; they never see a case.
        SCHOOL = "school", "School or college"
        COMMUNITY = "community", "Community group"

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.name})"


class Role(models.Model):
    """A job role; what it may do is declared in the permission rules, never in code."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    privileged = models.BooleanField(
        default=False,
        help_text=(
            "Reaches every agency's records, the audit trail or the administration: granted only "
            "from the command line (casebridge grant-role), never from the web."
        ),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
