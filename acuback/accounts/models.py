"""Clinics, users, their one membership (clinic + role), practitioner profiles, API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    PRACTITIONER = "practitioner", "Practitioner"
    FRONT_DESK = "front_desk", "Front desk"
    PATIENT = "patient", "Patient"


# Roles that may read clinical content (health history, episodes, assessments) of any patient
# of their clinic. Front desk sees demographics only; a patient sees only their own record.
CLINICAL_ROLES = frozenset({Role.OWNER, Role.PRACTITIONER})
STAFF_ROLES = frozenset({Role.OWNER, Role.PRACTITIONER, Role.FRONT_DESK})


def validate_region(value: str) -> None:
    """A country libphonenumber knows (ISO 3166 alpha-2), so phone numbers can be read."""
    import phonenumbers

    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(f"{value!r} is not a country code (ISO 3166, e.g. US, GB, DE).")


class Clinic(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    region = models.CharField(
        "country", max_length=2, default="US", validators=[validate_region],
        help_text="ISO 3166 country code: a phone number given without a country code is "
        "read as this country's, and shown in its national format",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A login. Lockout state lives here so that it survives restarts and is shared by processes.

    People join by invitation: the account is made without a usable password and its owner
    chooses one through a one-time link (accounts.links). `link_generation` is part of every
    link's signature; raising it voids the links sent before (a resend, a deactivation)."""

    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    link_generation = models.PositiveIntegerField(default=0)

    @property
    def is_locked(self) -> bool:
        """Refused at login for now: too many wrong passwords in a row (accounts.services)."""
        return self.locked_until is not None and self.locked_until > timezone.now()

    @property
    def invitation_pending(self) -> bool:
        """Invited, and no password chosen yet."""
        return not self.has_usable_password()

    @property
    def role(self) -> str | None:
        membership = getattr(self, "membership", None)
        return membership.role if membership else None


class Membership(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user.username} ({self.get_role_display()}, {self.clinic})"

    @property
    def is_clinical(self) -> bool:
        return self.role in CLINICAL_ROLES

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES


class ProviderKind(models.TextChoices):
    # Values are those of acuback.clinical.medicare_provider.ProviderKind (a test keeps them so).
    PHYSICIAN = "physician", "Physician (MD or DO)"
    PHYSICIAN_ASSISTANT = "physician_assistant", "Physician assistant"
    NURSE_PRACTITIONER = "nurse_practitioner", "Nurse practitioner or clinical nurse specialist"
    AUXILIARY = "auxiliary", "Acupuncturist (auxiliary personnel, billed incident to a physician)"


class SupervisorKind(models.TextChoices):
    PHYSICIAN = "physician", "Physician (MD or DO)"
    PHYSICIAN_ASSISTANT = "physician_assistant", "Physician assistant"
    NURSE_PRACTITIONER = "nurse_practitioner", "Nurse practitioner or clinical nurse specialist"


class PractitionerProfile(models.Model):
    """What a payer and a patient need to know about who treats: licence, NPI, supervision.

    Medicare covers acupuncture given by an acupuncturist only under the supervision of a
    physician (or a PA, NP or CNS), and only if the acupuncturist holds a master's or doctoral
    degree in acupuncture or Oriental medicine from an ACAOM-accredited school and a current,
    full, unrestricted state licence (CMS NCD 30.3.3, in force since 21 January 2020). The
    degree is yes, no, or not recorded yet (null), never a guess."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="practitioner")
    credentials = models.CharField(max_length=40, blank=True, help_text="e.g. LAc, DACM, MD")
    licence_number = models.CharField(max_length=40)
    licence_state = models.CharField(max_length=40, blank=True)
    npi = models.CharField("NPI", max_length=10, blank=True)
    supervising_physician = models.CharField(max_length=200, blank=True)
    acaom_degree = models.BooleanField(
        "degree from an ACAOM-accredited programme", null=True, blank=True)
    # What billing checks before a Medicare claim line (acuback.clinical.medicare_provider):
    # blank / null = not recorded, which never passes for "yes".
    provider_kind = models.CharField(max_length=30, choices=ProviderKind.choices, blank=True)
    licence_expires = models.DateField("licence valid until", null=True, blank=True)
    supervisor_kind = models.CharField(max_length=30, choices=SupervisorKind.choices,
                                       blank=True)
    supervisor_npi = models.CharField("supervising physician's NPI", max_length=10, blank=True)

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username}, {self.credentials}".strip(", ")


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a SHA-256 of the secret is stored.

    Every token expires (90 days unless asked otherwise, at most a year) and can be revoked by
    its user and by the clinic's owners (accounts.tokens)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    uses = models.PositiveBigIntegerField(default=0)
    use_audited_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired


# What a page shows of the person who recorded something: "first last", or the username.
USER_NAME_FIELDS = frozenset({"id", "username", "first_name", "last_name"})


def beyond_name(relation: str) -> list[str]:
    """The `defer()` paths of a user reached through `relation` (select_related) that are not
    their name: a page naming who recorded a screen has no use for their password hash,
    lockout state or dates, and reading them costs on every row."""
    return [f"{relation}__{f.attname}" for f in User._meta.concrete_fields
            if f.attname not in USER_NAME_FIELDS]
