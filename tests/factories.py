"""Factories for tests: agencies, users with a second factor, people and cases."""

from datetime import date, timedelta

import factory
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebridge.access.models import BreakGlass
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency, Role, Team
from casebridge.pathways.models import Case, Pathway
from casebridge.people.models import Address, Person, PersonName
from casebridge.people.names import name_key

PASSWORD = "correct horse battery staple"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = Agency.Kind.POLICE


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


def role(code: str) -> Role:
    """A role loaded from permissions.yaml (the test database has them all)."""
    return Role.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    """A user with one role (``role=``, a practitioner by default) or several (``roles=``)."""

    class Meta:
        model = User
        skip_postgeneration_save = True
        exclude = ("role",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    agency = factory.SubFactory(AgencyFactory)
    team = factory.LazyAttribute(lambda o: TeamFactory(agency=o.agency))
    role = factory.LazyFunction(lambda: role("practitioner"))
    roles = factory.LazyAttribute(lambda o: [o.role] if o.role else [])
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        roles = kwargs.pop("roles")
        user = super()._create(model_class, *args, **kwargs)
        user.roles.set(roles)
        return user

    @factory.post_generation
    def totp_device(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            TOTPDevice.objects.create(user=obj, name="default", confirmed=True)


def sign_in(client: Client, user: User) -> None:
    """Put a fully signed-in session (password and verified second factor) on the client."""
    client.force_login(user, backend="casebridge.accounts.backends.AccountBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    assert session[SESSION_KEY] and session[BACKEND_SESSION_KEY] and session[HASH_SESSION_KEY]


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    date_of_birth = date(1990, 5, 17)
    sex = Person.Sex.FEMALE
    recorded_by_agency = factory.SubFactory(AgencyFactory)

    @factory.post_generation
    def name(obj, create, extracted, **kwargs):
        given, family = extracted or ("Jo", "Bloggs")
        PersonNameFactory(person=obj, given_name=given, family_name=family)


class PersonNameFactory(factory.django.DjangoModelFactory):
    """A name with the search keys the services give it."""

    class Meta:
        model = PersonName

    person = factory.SubFactory(PersonFactory)
    given_name = "Jo"
    family_name = "Bloggs"
    given_name_key = factory.LazyAttribute(lambda name: name_key(name.given_name))
    family_name_key = factory.LazyAttribute(lambda name: name_key(name.family_name))


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    person = factory.SubFactory(PersonFactory)
    line_1 = factory.Sequence(lambda n: f"{n} Acacia Avenue")
    town = "Barnet"
    postcode = "EN5 1AA"
    valid_from = date(2020, 1, 1)


class BreakGlassFactory(factory.django.DjangoModelFactory):
    """Emergency access opened now for an hour."""

    class Meta:
        model = BreakGlass

    user = factory.SubFactory(UserFactory)
    person = factory.SubFactory(PersonFactory)
    reason = "Police report a threat to life tonight"
    opened_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda glass: glass.opened_at + timedelta(hours=1))


def marac() -> Pathway:
    return Pathway.objects.get(code="da-marac")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"MARAC-T{n:05d}")
    pathway = factory.LazyFunction(marac)
    subject = factory.SubFactory(PersonFactory)
    state = "referred"
    owner_agency = factory.SubFactory(AgencyFactory)
    referring_agency = factory.SelfAttribute("owner_agency")
    referred_at = factory.LazyFunction(timezone.now)
    referral_reason = "Visible high risk"
    consent = Case.Consent.GIVEN
    lawful_basis = Case.LawfulBasis.CONSENT
