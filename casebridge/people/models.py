import uuid
from typing import Any

from django.db import models
from django.utils.functional import cached_property

from casebridge.agencies.models import Agency


class Person(models.Model):
    """Someone a partner agency works with: victim, perpetrator, child, offender."""

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        NOT_KNOWN = "not_known", "Not known"

    class Ethnicity(models.TextChoices):
        # ONS 2021 census high-level groups.
        ASIAN = "asian", "Asian or Asian British"
        BLACK = "black", "Black, Black British, Caribbean or African"
        MIXED = "mixed", "Mixed or multiple ethnic groups"
        WHITE = "white", "White"
        OTHER = "other", "Other ethnic group"
        NOT_RECORDED = "not_recorded", "Not recorded"

    class YesNoUnknown(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_KNOWN = "not_known", "Not known"

    class SexualOrientation(models.TextChoices):
        HETEROSEXUAL = "heterosexual", "Heterosexual or straight"
        GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
        BISEXUAL = "bisexual", "Bisexual"
        OTHER = "other", "Other sexual orientation"
        NOT_RECORDED = "not_recorded", "Not recorded"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed: "is this the same person?" (linkage) looks up everyone born on a date.
    date_of_birth = models.DateField(null=True, blank=True, db_index=True)
    sex = models.CharField(max_length=12, choices=Sex.choices, default=Sex.NOT_KNOWN)
    gender_identity = models.CharField(max_length=60, blank=True)
    ethnicity = models.CharField(
        max_length=12, choices=Ethnicity.choices, default=Ethnicity.NOT_RECORDED
    )
    disability = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.NOT_KNOWN
    )
    sexual_orientation = models.CharField(
        max_length=14, choices=SexualOrientation.choices, default=SexualOrientation.NOT_RECORDED
    )
    # Looked after by a local authority now or in the past: the SIRM criteria extend their age
    # limit from under 19 to under 25, as the care leavers' duties do.
    care_experienced = models.BooleanField(default=False)
    # Indexed by person_agency_id, which leads with it.
    recorded_by_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="recorded_people", db_index=False
    )
    # Set when identity resolution finds this record is the same person as another: the rules
    # that look at a person's history (repeat referrals, say) then look at every record of them.
    # Indexed only where set (person_merged_into): nearly every record is nobody's duplicate,
    # and the lookups are of the records merged into given people, never of the unmerged.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "people"
        indexes = [
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="person_merged_into",
            )
        ]
        constraints = [
            # What a name's key points at on PostgreSQL (its person and its copy of the
            # person's agency, checked as one: migration people 0008); the agency first, so it
            # serves as the index of the agency alone too ("recorded by my agency").
            models.UniqueConstraint(fields=["recorded_by_agency", "id"], name="person_agency_id")
        ]

    def __str__(self) -> str:
        name = self.primary_name
        return name.full_name if name else str(self.id)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keeps the copies on the person's names (``PersonName.COPIED_FROM``) right should a
        date of birth ever be corrected: the search judges and orders names by them."""
        adding = self._state.adding
        super().save(*args, **kwargs)
        copied = PersonName.COPIED_FROM["person"]
        saved = kwargs.get("update_fields")
        if not adding and (saved is None or {f.removesuffix("_id") for f in copied} & set(saved)):
            self.names.update(**{field: getattr(self, field) for field in copied})

    @cached_property
    def primary_name(self) -> "PersonName | None":
        names = list(self.names.all())
        return next((n for n in names if n.kind == PersonName.Kind.PRIMARY), None) or (
            names[0] if names else None
        )


class PersonName(models.Model):
    class Kind(models.TextChoices):
        PRIMARY = "primary", "Name"
        ALIAS = "alias", "Alias"
        PREVIOUS = "previous", "Previous name"

    # The person and the copy of their agency below are checked by the database as one key on
    # PostgreSQL, (person, agency) against the person's (migration people 0008: one check a name
    # an import writes, not two, and the copy checked too); on SQLite by a key each. The keys are
    # the migrations', not these fields' (tests/imports/test_keys.py notices one lost).
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="names", db_constraint=False
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PRIMARY)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    # Lower-case ASCII letters only, so a prefix search is an index range scan on any database.
    given_name_key = models.CharField(max_length=100, editable=False)
    family_name_key = models.CharField(max_length=100, editable=False)
    # Copies of the person's, which nothing changes once recorded: a search judges and orders
    # its thousands of name matches from the name index alone (``person_search``), without
    # looking up each person. Written with the name (``save``, and the services' bulk writes).
    recorded_by_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        editable=False,
        db_constraint=False,
    )
    date_of_birth = models.DateField(null=True, blank=True, editable=False)

    # The fields copied, by the record they are copied from (the policy's ``copied_from``).
    COPIED_FROM = {"person": ("recorded_by_agency_id", "date_of_birth")}

    class Meta:
        indexes = [
            # With what a search reads on PostgreSQL (INCLUDE): it reads its name matches from
            # the index alone rather than from as many scattered table pages.
            models.Index(
                fields=["family_name_key", "given_name_key"],
                include=["person", "recorded_by_agency", "date_of_birth"],
                name="personname_search",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        for field in self.COPIED_FROM["person"]:
            setattr(self, field, getattr(self.person, field))
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Address(models.Model):
    """An address a person lived at.

    A confidential one (a refuge, a safe house) is a restricted field: only the entitled see it.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line_1 = models.CharField(max_length=200)
    line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    # Indexed (address_postcode): "is this the same person?" (linkage) looks up who lived at a
    # postcode, always whole; not by db_index, which on PostgreSQL adds a second index for
    # LIKE that no query uses.
    postcode = models.CharField(max_length=10)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    is_confidential = models.BooleanField(default=False)

    class Meta:
        ordering = ["-valid_from"]
        indexes = [
            models.Index(fields=["postcode"], name="address_postcode"),
            # Every request checks whether the confidential addresses changed (their count and
            # newest id, people/restricted.py): a scan of every address without this, 45 ms at
            # 500,000 people.
            models.Index(
                fields=["id"],
                condition=models.Q(is_confidential=True),
                name="address_confidential",
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(
            part for part in (self.line_1, self.line_2, self.town, self.postcode) if part
        )


class Identifier(models.Model):
    class Scheme(models.TextChoices):
        NHS = "nhs", "NHS number"
        PNC = "pnc", "Police National Computer ID"
        POLICE_LOCAL = "police_local", "Local police reference"
        PROBATION = "probation", "Probation case reference (CRN)"
        COUNCIL = "council", "Council case reference"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=20, choices=Scheme.choices)
    value = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scheme", "value"], name="identifier_unique_value"),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()}: {self.value}"


class Relationship(models.Model):
    """A directed relationship: ``person`` is the ``kind`` of ``related_person``."""

    class Kind(models.TextChoices):
        PARTNER = "partner", "Partner"
        EX_PARTNER = "ex_partner", "Ex-partner"
        PARENT = "parent", "Parent"
        HOUSEHOLD_MEMBER = "household_member", "Household member"
        SIBLING = "sibling", "Sibling"
        ASSOCIATE = "associate", "Associate"

    # How the relationship reads from the other end ("parent" of X means X is their "child").
    INVERSE_LABELS: dict[str, str] = {Kind.PARENT: "Child"}

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_from")
    related_person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="relationships_to"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(person=models.F("related_person")),
                name="relationship_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} is {self.get_kind_display().lower()} of {self.related_person}"
