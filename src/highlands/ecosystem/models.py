"""The ecosystem registry: highlands, clusters, organisations and what sources say about them.

Every fact imported from a source keeps its provenance (``source`` + 1-based line span) so a
page can show where it came from and a data-quality flag can point at the exact lines.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class HelixRole(models.TextChoices):
    BUSINESS = "business", "Business"
    BEI = "bei", "Business environment institution"
    ACADEMIA = "academia", "Academia"
    PUBLIC_AUTHORITY = "public_authority", "Public authority"
    CIVIL_SOCIETY = "civil_society", "Civil society"


class OrganizationType(models.TextChoices):
    COMPANY = "company", "Company"
    ASSOCIATION = "association", "Association"
    FOUNDATION = "foundation", "Foundation"
    UNIVERSITY = "university", "University"
    RESEARCH_INSTITUTE = "research_institute", "Research institute"
    MUNICIPALITY = "municipality", "Municipality"
    PUBLIC_AGENCY = "public_agency", "Public agency"
    TECHNOLOGY_PARK = "technology_park", "Technology park"
    AGENCY = "agency", "Development agency"
    OTHER = "other", "Other"


class Voivodeship(models.TextChoices):
    """Poland's sixteen voivodeships, by their official (Polish) names."""

    DOLNOSLASKIE = "dolnoslaskie", "dolnośląskie"
    KUJAWSKO_POMORSKIE = "kujawsko-pomorskie", "kujawsko-pomorskie"
    LUBELSKIE = "lubelskie", "lubelskie"
    LUBUSKIE = "lubuskie", "lubuskie"
    LODZKIE = "lodzkie", "łódzkie"
    MALOPOLSKIE = "malopolskie", "małopolskie"
    MAZOWIECKIE = "mazowieckie", "mazowieckie"
    OPOLSKIE = "opolskie", "opolskie"
    PODKARPACKIE = "podkarpackie", "podkarpackie"
    PODLASKIE = "podlaskie", "podlaskie"
    POMORSKIE = "pomorskie", "pomorskie"
    SLASKIE = "slaskie", "śląskie"
    SWIETOKRZYSKIE = "swietokrzyskie", "świętokrzyskie"
    WARMINSKO_MAZURSKIE = "warminsko-mazurskie", "warmińsko-mazurskie"
    WIELKOPOLSKIE = "wielkopolskie", "wielkopolskie"
    ZACHODNIOPOMORSKIE = "zachodniopomorskie", "zachodniopomorskie"


class MembershipRole(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinator"
    FOUNDER = "founder", "Founder"
    MEMBER = "member", "Member"


class FigureKind(models.TextChoices):
    MEMBERS = "members", "Members"
    ENTERPRISES = "enterprises", "Enterprises"
    BEI = "business_environment_institutions", "Business environment institutions"
    UNIVERSITIES = "universities", "Universities"
    MEMBER_CLUSTERS = "member_clusters", "Member clusters"


class AttributeKind(models.TextChoices):
    CHARACTERISTICS = "characteristics", "Characteristics"
    MISSION = "mission", "Mission"
    GOAL = "goal", "Goals"
    MEANS = "means", "Achieves its goals through"
    ACTIVITY = "activity", "Activities"
    BENEFIT = "benefit", "What members gain"
    SERVICE = "service", "Services offered"
    PRODUCT = "product", "Products offered"
    MEMBERSHIP_CONDITION = "membership_condition", "Membership conditions"
    FLAGSHIP_PROJECT = "flagship_project", "Flagship projects"
    COORDINATOR_INFO = "coordinator_info", "About the coordinator"
    CONTACT = "contact", "Contact"


class Severity(models.TextChoices):
    ERROR = "error", "Error"
    WARNING = "warning", "Warning"
    INFO = "info", "Info"


class Language(models.TextChoices):
    EN = "en", "English"
    PL = "pl", "Polish"


class SourceDocument(models.Model):
    """One imported file, identified by its content hash (re-importing it is a no-op)."""

    sha256 = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=32)  # profile_text, csv, xlsx, json
    title = models.CharField(max_length=255, blank=True)
    as_of = models.DateField(null=True, blank=True)
    line_count = models.PositiveIntegerField(default=0)
    content = models.TextField(blank=True)  # the decoded text, so pages can quote lines
    intro = models.TextField(blank=True)  # the document's opening prose (the strategy)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.name


class Provenance(models.Model):
    """Where a record or fact was stated: a source document and a 1-based line span."""

    source = models.ForeignKey(SourceDocument, null=True, blank=True, on_delete=models.PROTECT)
    line_start = models.PositiveIntegerField(null=True, blank=True)
    line_end = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def lines(self) -> str:
        if self.line_start is None:
            return ""
        if self.line_end in (None, self.line_start):
            return f"{self.line_start}"
        return f"{self.line_start}–{self.line_end}"


class Highland(Provenance):
    """A sector ecosystem of the strategy (PL *Wyżyna*)."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=255)
    name_pl = models.CharField(max_length=255, blank=True)
    short_name = models.CharField(max_length=120, blank=True)
    description = models.TextField(blank=True)
    description_pl = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    cooperates_with: models.ManyToManyField[Highland, HighlandCooperation] = models.ManyToManyField(
        "self", through="HighlandCooperation", symmetrical=True, blank=True
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class HighlandCooperation(Provenance):
    """Two highlands the source says cooperate (stored once per direction, as Django does)."""

    from_highland = models.ForeignKey(Highland, on_delete=models.CASCADE, related_name="+")
    to_highland = models.ForeignKey(Highland, on_delete=models.CASCADE, related_name="+")
    basis = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_highland", "to_highland"], name="uniq_highland_cooperation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_highland} ↔ {self.to_highland}"


class Cluster(Provenance):
    """An organised cooperation of organisations; sub-clusters point at their parent."""

    slug = models.SlugField(max_length=160, unique=True)
    # NULL (not "") when the source states no name: "unknown" differs from "empty".
    name = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    name_pl = models.CharField(max_length=255, blank=True)
    name_basis = models.CharField(max_length=32, blank=True)  # name_field, title, text
    display_name = models.CharField(max_length=255)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="sub_clusters"
    )
    year_established = models.PositiveSmallIntegerField(null=True, blank=True)
    coordinator_stated = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    contact_kind = models.CharField(max_length=64, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_synthetic = models.BooleanField(default=False)
    highlands: models.ManyToManyField[Highland, HighlandCluster] = models.ManyToManyField(
        Highland, through="HighlandCluster", related_name="clusters", blank=True
    )

    class Meta:
        ordering = ["position", "display_name"]

    def __str__(self) -> str:
        return self.display_name


class ClusterAlias(Provenance):
    """Another name a source uses for a cluster (other language, prose variant...)."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=255)
    normalized = models.CharField(max_length=255, db_index=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cluster", "normalized"], name="uniq_cluster_alias")
        ]

    def __str__(self) -> str:
        return self.name


class HighlandCluster(Provenance):
    """A highland built on a cluster, with the name the highland text used for it."""

    highland = models.ForeignKey(Highland, on_delete=models.CASCADE, related_name="cluster_links")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="highland_links")
    stated_name = models.CharField(max_length=255)
    basis = models.TextField(blank=True)
    inferred = models.BooleanField(default=False)
    # Set when the city office assigned the cluster in the workspace (the document does not
    # say it): a person's decision, shown as such, never as a fact of the source.
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["highland", "cluster"], name="uniq_highland_cluster")
        ]

    def __str__(self) -> str:
        return f"{self.highland} → {self.cluster}"


class Organization(Provenance):
    """A company, university, BEI, public authority or NGO, merged by normalized name."""

    slug = models.SlugField(max_length=160, unique=True)
    name = models.CharField(max_length=255)
    normalized_name = models.CharField(max_length=255, unique=True)
    helix_role = models.CharField(max_length=32, choices=HelixRole.choices, blank=True)
    helix_role_basis = models.CharField(max_length=255, blank=True)
    org_type = models.CharField(max_length=32, choices=OrganizationType.choices, blank=True)
    year_established = models.PositiveSmallIntegerField(null=True, blank=True)
    description = models.TextField(blank=True)
    description_pl = models.TextField(blank=True)
    city = models.CharField(max_length=120, blank=True)
    website = models.URLField(blank=True)
    street_address = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=6, blank=True)  # 00-000
    voivodeship = models.CharField(max_length=32, choices=Voivodeship.choices, blank=True)
    # Polish registry numbers, digits only (``text.identifiers``); one organisation each.
    nip = models.CharField(max_length=10, blank=True)
    regon = models.CharField(max_length=14, blank=True)
    krs = models.CharField(max_length=10, blank=True)
    # False while a self-registered organisation waits for a coordinator or the city office
    # to verify it (its marketplace profiles are then shown only to signed-in people).
    # Organisations of imported sources and of the city office are verified.
    is_verified = models.BooleanField(default=True)
    is_synthetic = models.BooleanField(default=False)
    clusters: models.ManyToManyField[Cluster, Membership] = models.ManyToManyField(
        Cluster, through="Membership", related_name="organizations"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["nip"], condition=~Q(nip=""), name="uniq_organization_nip"
            ),
            models.UniqueConstraint(
                fields=["regon"], condition=~Q(regon=""), name="uniq_organization_regon"
            ),
            models.UniqueConstraint(
                fields=["krs"], condition=~Q(krs=""), name="uniq_organization_krs"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrganizationAlias(Provenance):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=255)
    normalized = models.CharField(max_length=255, db_index=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "normalized"], name="uniq_organization_alias"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MembershipRequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def consented(self) -> MembershipQuerySet:
        """Memberships an organisation stands behind: stated by an imported source document,
        or accepted by the organisation (or the city office) through a ``MembershipRequest``.
        Only these give a cluster's coordinator any authority over the organisation."""
        return self.filter(
            Q(source__isnull=False) | Q(request__status=MembershipRequestStatus.ACCEPTED)
        )


class Membership(Provenance):
    """An organisation's role in a cluster; `listed_as` is the heading it was listed under."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=MembershipRole.choices)
    listed_as = models.CharField(max_length=32, choices=HelixRole.choices, blank=True)
    position = models.PositiveIntegerField(default=0)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["cluster", "role", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "cluster", "role"], name="uniq_membership_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.role}) in {self.cluster}"


class MembershipRequest(models.Model):
    """A cluster asks an existing organisation to be listed as its member (or founder...).

    Until the organisation accepts (its representative, or the city office while it has
    none) there is no ``Membership``: the request grants nothing and shows nothing.  On
    acceptance the membership is created and linked here, so the registry knows it is
    consented; a membership stated by an imported source document needs no request.
    """

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="member_requests")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="membership_requests"
    )
    role = models.CharField(max_length=16, choices=MembershipRole.choices)
    listed_as = models.CharField(max_length=32, choices=HelixRole.choices, blank=True)
    message = models.TextField(blank=True)
    status = models.CharField(
        max_length=16,
        choices=MembershipRequestStatus.choices,
        default=MembershipRequestStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)  # why it was declined, if the organisation says
    membership = models.OneToOneField(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="request"
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "organization", "role"],
                condition=Q(status="pending"),
                name="uniq_pending_membership_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster} asks {self.organization} ({self.role}, {self.status})"


class FigureObservation(Provenance):
    """A figure a source *states* for a cluster at a date; the newest `as_of` is current."""

    class AsOfBasis(models.TextChoices):
        STATED = "stated", "Stated in the source"
        GIVEN = "given", "Given at import (--as-of)"
        IMPORTED = "imported", "Date of import (the source states none)"

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="figures")
    kind = models.CharField(max_length=40, choices=FigureKind.choices)
    value = models.PositiveIntegerField()
    as_of = models.DateField()
    as_of_basis = models.CharField(max_length=16, choices=AsOfBasis.choices)
    raw = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["cluster", "kind", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "kind", "source"], name="uniq_figure_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster} {self.kind}={self.value} as of {self.as_of}"


class ClusterAttribute(Provenance):
    """One extracted text fact of a cluster profile (a goal, a service, a flagship project...)."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="attributes")
    kind = models.CharField(max_length=32, choices=AttributeKind.choices)
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=255, blank=True)
    text = models.TextField()
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)

    class Meta:
        ordering = ["cluster", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "kind", "position", "language"], name="uniq_cluster_attribute"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster} {self.kind} #{self.position}"


class DataQualityIssue(Provenance):
    """A gap or contradiction found in a source, attached to the record it concerns."""

    code = models.CharField(max_length=64)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    message = models.TextField()
    fingerprint = models.CharField(max_length=64, unique=True)
    highland = models.ForeignKey(
        Highland, null=True, blank=True, on_delete=models.CASCADE, related_name="issues"
    )
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.CASCADE, related_name="issues"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="issues"
    )
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["severity", "code", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(highland__isnull=False)
                | Q(cluster__isnull=False)
                | Q(organization__isnull=False)
                | Q(source__isnull=False),
                name="issue_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
