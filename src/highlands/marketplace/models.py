"""The cooperation marketplace: profiles, expressions of interest, follows (of profiles and of
searches) and confirmed cooperations (the registry of proven subcontractors).

Visibility is decided in ``selectors.profiles_visible_to`` (one queryset filter used by pages,
the API and the recommender); ``rules.py`` asks the same function about one profile.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..ecosystem.models import Highland, Language, Organization


class ProfileKind(models.TextChoices):
    BUSINESS_OFFER = "business_offer", _("Business offer")
    BUSINESS_REQUEST = "business_request", _("Business request")
    TECHNOLOGY_OFFER = "technology_offer", _("Technology offer")
    TECHNOLOGY_REQUEST = "technology_request", _("Technology request")
    RD_COOPERATION = "rd_cooperation", _("R&D cooperation")
    SUBCONTRACTING = "subcontracting", _("Subcontracting capability")
    EXPERTISE = "expertise", _("Expertise / lab service")


class Direction(models.TextChoices):
    OFFER = "offer", _("Offer")
    REQUEST = "request", _("Request")
    PARTNERSHIP = "partnership", _("Partnership")


DIRECTION_OF_KIND: dict[str, str] = {
    ProfileKind.BUSINESS_OFFER: Direction.OFFER,
    ProfileKind.TECHNOLOGY_OFFER: Direction.OFFER,
    ProfileKind.SUBCONTRACTING: Direction.OFFER,
    ProfileKind.EXPERTISE: Direction.OFFER,
    ProfileKind.BUSINESS_REQUEST: Direction.REQUEST,
    ProfileKind.TECHNOLOGY_REQUEST: Direction.REQUEST,
    ProfileKind.RD_COOPERATION: Direction.PARTNERSHIP,
}


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    CLUSTERS = "clusters", _("Members of our clusters")
    ECOSYSTEM = "ecosystem", _("Ecosystem members")


class ProfileStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    EXPIRED = "expired", _("Expired")
    CLOSED = "closed", _("Closed")


class CooperationProfile(models.Model):
    """An offer or request an organisation posts (EEN-style partnering profile)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="cooperation_profiles"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=ProfileKind.choices)
    direction = models.CharField(max_length=16, choices=Direction.choices)
    title = models.CharField(max_length=200)
    description = models.TextField()
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    keywords = models.JSONField(default=list, blank=True)
    highlands: models.ManyToManyField[Highland, models.Model] = models.ManyToManyField(
        Highland, blank=True, related_name="+"
    )
    capacity = models.CharField(max_length=300, blank=True)
    region = models.CharField(max_length=200, blank=True)
    valid_until = models.DateField()
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(
        max_length=16, choices=ProfileStatus.choices, default=ProfileStatus.DRAFT
    )
    is_demo = models.BooleanField(default=False)
    demo_key = models.CharField(max_length=80, blank=True, db_index=True)
    # float32 L2-normalised sentence vector of title + description + keywords.
    vector = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Indexed: the recommender's cache asks for MAX(updated_at) on every call.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        # No index on (status, valid_until): nearly every profile is published and valid,
        # and SQLite, lacking statistics, preferred that index to a primary-key list
        # (the recommender's re-check of 30 profiles scanned all 50,000; docs/benchmarks.md).

    def __str__(self) -> str:
        return self.title

    def embedding_text(self) -> str:
        return "\n".join(
            part for part in (self.title, self.description, ", ".join(self.keywords)) if part
        )


class InterestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Interest(models.Model):
    """An expression of interest of one organisation in another's profile.

    Accepted, it is a cooperation; ``closed_at`` marks that the cooperation ended and both
    sides may confirm it (``CooperationConfirmation``).
    """

    profile = models.ForeignKey(
        CooperationProfile, on_delete=models.CASCADE, related_name="interests"
    )
    # Empty when a person without an organisation is interested (``author`` is that person).
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="marketplace_interests",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField()
    status = models.CharField(
        max_length=16, choices=InterestStatus.choices, default=InterestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "organization"], name="uniq_interest_per_organization"
            ),
            models.UniqueConstraint(
                fields=["profile", "author"],
                condition=models.Q(organization__isnull=True),
                name="uniq_interest_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization or 'person ' + str(self.author_id)} → {self.profile}"


class CooperationConfirmation(models.Model):
    """One side's confirmation (with a 1–5 rating) that a closed cooperation took place."""

    interest = models.ForeignKey(Interest, on_delete=models.CASCADE, related_name="confirmations")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="cooperation_confirmations"
    )
    # The organisation being endorsed: always the *other* side of the cooperation.
    partner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="endorsements")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["interest", "organization"], name="uniq_confirmation_per_side"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="confirmation_rating_1_5"
            ),
            models.CheckConstraint(
                condition=~Q(organization=models.F("partner")), name="no_self_endorsement"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} confirms {self.partner} ({self.rating})"


class Follow(models.Model):
    """A user follows a profile: they are told when it changes or gets a new match."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="marketplace_follows"
    )
    profile = models.ForeignKey(
        CooperationProfile, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "profile"], name="uniq_follow_profile")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.profile_id}"


class SavedSearch(models.Model):
    """A marketplace search a user follows: newly live profiles that match it notify them.

    ``key`` is the folded query plus the filters, so "Cięcie laserowe" and "cięcie  laserowe"
    are one search; ``vector`` is the query's sentence vector (None for a filters-only search).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="marketplace_searches"
    )
    query = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=32, choices=ProfileKind.choices, blank=True)
    direction = models.CharField(max_length=16, choices=Direction.choices, blank=True)
    highland = models.ForeignKey(
        Highland, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=400)
    vector = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="uniq_saved_search_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows search {self.key!r}"


class SavedSearchMatch(models.Model):
    """A profile a followed search was told about: at most once per search and profile."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="matches")
    profile = models.ForeignKey(CooperationProfile, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "profile"], name="uniq_saved_search_match"
            )
        ]

    def __str__(self) -> str:
        return f"search {self.saved_search_id} matched {self.profile_id}"


class NotificationKind(models.TextChoices):
    """The marketplace's kinds of notification, registered with the notifications layer as
    ``marketplace.<value>`` (``apps.py``); the label is the preference page's line."""

    INTEREST_RECEIVED = "interest_received", _("Marketplace: interest in your profile")
    INTEREST_DECIDED = "interest_decided", _("Marketplace: your interest was answered")
    PROFILE_UPDATED = "profile_updated", _("Marketplace: a profile you follow changed")
    NEW_MATCH = "new_match", _("Marketplace: a new match for a profile you follow")
    COOPERATION_CONFIRMED = (
        "cooperation_confirmed",
        _("Marketplace: a partner confirmed your cooperation"),
    )
    SEARCH_MATCH = "search_match", _("Marketplace: a new profile matches a search you follow")

    @property
    def registered(self) -> str:
        """The kind's name in the notifications layer."""
        return f"marketplace.{self.value}"


class CapabilityVector(models.Model):
    """The cached sentence vector of one cluster profile text (a service, a product...)."""

    attribute = models.OneToOneField(
        "ecosystem.ClusterAttribute", on_delete=models.CASCADE, related_name="+"
    )
    text_sha = models.CharField(max_length=64)
    vector = models.BinaryField()

    def __str__(self) -> str:
        return f"vector of attribute {self.attribute_id}"
