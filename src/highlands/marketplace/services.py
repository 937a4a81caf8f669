"""Every write of the marketplace: profiles, interests, cooperations, follows.

Keyword-only, one transaction each, the actor's permission checked here (rules in
``rules.py``) whoever calls — page, API or command — and an audit entry per change.  People
are told through ``notifications.services.notify`` (in-app, and e-mail after commit, so a
rolled-back write never e-mails anyone).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from ..accounts.models import OrganizationRepresentative
from ..audit.services import audit_record, snapshot
from ..ecosystem.models import Highland, Language, Organization
from ..errors import ApplicationError, PermissionDeniedError
from ..notifications.services import notify
from ..search.indexing import enqueue
from ..servicekit import (
    choice,
    close_pending,
    person,
    plain_text,
    require,
    set_fields,
    strip_markup,
)
from ..text.analysis import words
from . import encoding
from .models import (
    DIRECTION_OF_KIND,
    CooperationConfirmation,
    CooperationProfile,
    Direction,
    Follow,
    Interest,
    InterestStatus,
    NotificationKind,
    ProfileKind,
    ProfileStatus,
    SavedSearch,
    SavedSearchMatch,
    Visibility,
)
from .search_documents import DocumentKind
from .selectors import (
    profile_in_audience,
    profile_is_visible,
    saved_search_label,
    saved_searches_matching,
)

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
MESSAGE_MAX = 2000
COMMENT_MAX = 1000
KEYWORDS_MAX = 20
KEYWORD_MAX = 60
SHORT_FIELD_MAX = 300  # capacity
REGION_MAX = 200  # the column's size (PostgreSQL refused 201-300 characters with a 500)
MAX_VALIDITY_DAYS = 730
DEFAULT_VALIDITY_DAYS = 180
NEW_MATCH_THRESHOLD = 0.45
SAVED_SEARCHES_MAX = 20
SAVED_QUERY_MAX = 200

POST_DENIED = "You may not post profiles for this organization."
EDIT_DENIED = "You may not change this profile."
INTEREST_DENIED = "You may not express interest on behalf of this organization."
DECIDE_DENIED = "Only the profile owner's representatives may answer this interest."
COOPERATION_DENIED = "You are not a party to this cooperation."
CONFIRM_SIDE_DENIED = "You may only confirm on behalf of an organization you represent."
PROFILE_NOT_VISIBLE = "No cooperation profile with id {pk}."
TOO_MANY_KEYWORDS = "At most {limit} keywords, each at most {length} characters."
VALIDITY_PAST = "The validity date must be in the future."
VALIDITY_TOO_LONG = "A profile may be valid for at most {days} days."
PROFILE_NOT_OPEN = "This profile is not open for interest (it is {status})."
PROFILE_CLOSED = "This profile is closed; post a new one instead."
ALREADY_PUBLISHED = "This profile is already published."
SELF_INTEREST = "An organization cannot express interest in its own profile."
PERSON_INTEREST_DENIED = "Sign in with an active account to express interest."
PERSON_OWN_PROFILE = "You represent this profile's organization: it cannot be interested in itself."
DUPLICATE_PERSON_INTEREST = "You have already expressed interest in this profile."
PERSON_NOT_CONFIRMABLE = (
    "Only cooperations between two organizations are confirmed; this interest came from a person."
)
DUPLICATE_INTEREST = "This organization has already expressed interest in this profile."
INTEREST_ALREADY_DECIDED = "This interest was already {status}."
NOT_A_COOPERATION = "Only an accepted interest is a cooperation."
COOPERATION_ALREADY_CLOSED = "This cooperation is already closed."
COOPERATION_NOT_CLOSED = "A cooperation can be confirmed once it has been closed."
DUPLICATE_CONFIRMATION = "This organization has already confirmed this cooperation."
SELF_ENDORSEMENT = "An organization cannot endorse itself."
INVALID_RATING = "The rating must be a whole number from 1 to 5."
ALREADY_FOLLOWING = "You already follow this profile."
DELETE_PUBLISHED = "Close a published profile instead of deleting it; only drafts are deleted."
SIGN_IN_TO_FOLLOW = "Sign in to follow a search."
SEARCH_EMPTY = "A followed search needs words to look for or at least one filter."
SEARCH_DUPLICATE = "You already follow this search."
SEARCH_TOO_MANY = "You may follow at most {limit} searches; unfollow one first."
SEARCH_NOT_YOURS = "You may only unfollow your own searches."


def _keywords(values: Iterable[str]) -> list[str]:
    values = list(values)
    if len(values) > KEYWORDS_MAX or any(len(v) > KEYWORD_MAX * 4 for v in values):
        raise ApplicationError(
            TOO_MANY_KEYWORDS.format(limit=KEYWORDS_MAX, length=KEYWORD_MAX), code="invalid"
        )
    cleaned = [strip_markup(v) for v in values]
    if any(len(v) > KEYWORD_MAX for v in cleaned):
        raise ApplicationError(
            TOO_MANY_KEYWORDS.format(limit=KEYWORDS_MAX, length=KEYWORD_MAX), code="invalid"
        )
    seen: list[str] = []
    for keyword in cleaned:
        if keyword and keyword.casefold() not in {s.casefold() for s in seen}:
            seen.append(keyword)
    return seen


def _valid_until(value: date | None) -> date:
    today = timezone.localdate()
    if value is None:
        return today + timedelta(days=DEFAULT_VALIDITY_DAYS)
    if value <= today:
        raise ApplicationError(VALIDITY_PAST, code="invalid")
    if value > today + timedelta(days=MAX_VALIDITY_DAYS):
        raise ApplicationError(VALIDITY_TOO_LONG.format(days=MAX_VALIDITY_DAYS), code="invalid")
    return value


PROFILE_LOG_FIELDS = [
    "organization_id",
    "kind",
    "title",
    "description",
    "language",
    "keywords",
    "capacity",
    "region",
    "valid_until",
    "visibility",
    "status",
]


def _embed(profile: CooperationProfile) -> None:
    # The title and keywords say what is offered; the description adds context that would
    # otherwise dilute it, so both are encoded and averaged.
    headline = ". ".join(part for part in (profile.title, ", ".join(profile.keywords)) if part)
    vectors = encoding.encode([headline, profile.embedding_text()])
    mean = vectors.mean(axis=0)
    profile.vector = encoding.to_bytes(mean / (np.linalg.norm(mean) or 1.0))


def _log(actor: Any, action: str, profile: CooperationProfile, **kwargs: Any) -> None:
    audit_record(
        actor=actor,
        action=f"marketplace.{action}",
        obj=profile,
        organization_id=profile.organization_id,
        **kwargs,
    )


def _reindex(profile_pk: int) -> None:
    # The outbox row commits with the write; the search index drops a profile that is no
    # longer live (searches also re-check liveness and audience in the database).
    enqueue(DocumentKind.PROFILE, profile_pk)


@transaction.atomic
def profile_create(
    *,
    actor: Any,
    organization: Organization,
    kind: str,
    title: str,
    description: str,
    language: str = Language.EN,
    keywords: Sequence[str] = (),
    highlands: Sequence[Highland] = (),
    capacity: str = "",
    region: str = "",
    valid_until: date | None = None,
    visibility: str = Visibility.PUBLIC,
    publish: bool = False,
    is_demo: bool = False,
    demo_key: str = "",
) -> CooperationProfile:
    """Post a profile for an organisation the actor represents (a draft unless ``publish``).

    ``is_demo``/``demo_key`` mark the demo set (``demo.py`` posts it as ``SYSTEM``).
    """
    require(actor, "marketplace.post_profile", organization, POST_DENIED)
    choice(kind, ProfileKind.values, "profile type")
    choice(language, Language.values, "language")
    choice(visibility, Visibility.values, "visibility")
    now = timezone.now()
    profile = CooperationProfile(
        organization=organization,
        author=person(actor),
        kind=kind,
        direction=DIRECTION_OF_KIND[kind],
        title=plain_text(title, field="title", limit=TITLE_MAX, required=True),
        description=plain_text(
            description, field="description", limit=DESCRIPTION_MAX, required=True
        ),
        language=language,
        keywords=_keywords(keywords),
        capacity=plain_text(capacity, field="capacity", limit=SHORT_FIELD_MAX),
        region=plain_text(region, field="region of interest", limit=REGION_MAX),
        valid_until=_valid_until(valid_until),
        visibility=visibility,
        status=ProfileStatus.PUBLISHED if publish else ProfileStatus.DRAFT,
        published_at=now if publish else None,
        is_demo=is_demo,
        demo_key=demo_key,
    )
    _embed(profile)
    profile.save()
    profile.highlands.set(highlands)
    _log(actor, "profile_create", profile, after=snapshot(profile, PROFILE_LOG_FIELDS))
    _reindex(profile.pk)
    if publish:
        _notify_new_match(profile)
        _notify_saved_searches(profile)
    return profile


@transaction.atomic
def profile_update(
    *,
    actor: Any,
    profile: CooperationProfile,
    title: str | None = None,
    description: str | None = None,
    language: str | None = None,
    keywords: Sequence[str] | None = None,
    highlands: Sequence[Highland] | None = None,
    capacity: str | None = None,
    region: str | None = None,
    visibility: str | None = None,
) -> CooperationProfile:
    """Change a profile's content; ``None`` leaves a field as it is.  Followers are told."""
    require(actor, "marketplace.edit_profile", profile, EDIT_DENIED)
    profile = CooperationProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.status == ProfileStatus.CLOSED:
        raise ApplicationError(PROFILE_CLOSED, code="closed")
    fields: dict[str, Any] = {}
    if title is not None:
        fields["title"] = plain_text(title, field="title", limit=TITLE_MAX, required=True)
    if description is not None:
        fields["description"] = plain_text(
            description, field="description", limit=DESCRIPTION_MAX, required=True
        )
    if language is not None:
        fields["language"] = choice(language, Language.values, "language")
    if keywords is not None:
        fields["keywords"] = _keywords(keywords)
    if capacity is not None:
        fields["capacity"] = plain_text(capacity, field="capacity", limit=SHORT_FIELD_MAX)
    if region is not None:
        fields["region"] = plain_text(region, field="region of interest", limit=REGION_MAX)
    if visibility is not None:
        fields["visibility"] = choice(visibility, Visibility.values, "visibility")
    highlands_changed = highlands is not None and {h.pk for h in highlands} != set(
        profile.highlands.values_list("pk", flat=True)
    )
    change = set_fields(profile, fields, also_save=["updated_at"])
    if not change and not highlands_changed:
        return profile
    if not change:
        profile.save(update_fields=["updated_at"])  # the recommender's cache watches it
    if {"title", "description", "keywords"} & set(change.fields):
        _embed(profile)
        profile.save(update_fields=["vector"])
    before, after = change.before, change.after
    if highlands is not None and highlands_changed:
        before["highlands"] = list(profile.highlands.values_list("slug", flat=True))
        profile.highlands.set(highlands)
        after["highlands"] = [h.slug for h in highlands]
    _log(actor, "profile_update", profile, before=before, after=after)
    _reindex(profile.pk)
    _notify_followers(
        profile, NotificationKind.PROFILE_UPDATED, gettext_noop("“%(title)s” was updated.")
    )
    if _live(profile):
        _notify_saved_searches(profile)
    return profile


def _set_status(
    actor: Any, profile: CooperationProfile, status: str, action: str, **extra: Any
) -> CooperationProfile:
    before = snapshot(profile, ["status", "valid_until"])
    profile.status = status
    for name, value in extra.items():
        setattr(profile, name, value)
    profile.save(update_fields=["status", "updated_at", *extra])
    _log(actor, action, profile, before=before, after=snapshot(profile, ["status", "valid_until"]))
    _reindex(profile.pk)
    return profile


@transaction.atomic
def profile_publish(*, actor: Any, profile: CooperationProfile) -> CooperationProfile:
    """Publish a draft: it becomes visible to its audience and may get interest."""
    require(actor, "marketplace.edit_profile", profile, EDIT_DENIED)
    profile = CooperationProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.status == ProfileStatus.CLOSED:
        raise ApplicationError(PROFILE_CLOSED, code="closed")
    if profile.status == ProfileStatus.PUBLISHED:
        raise ApplicationError(ALREADY_PUBLISHED, code="conflict")
    if profile.valid_until < timezone.localdate():
        raise ApplicationError(PROFILE_NOT_OPEN.format(status="expired"), code="expired")
    _set_status(
        actor, profile, ProfileStatus.PUBLISHED, "profile_publish", published_at=timezone.now()
    )
    _notify_new_match(profile)
    _notify_saved_searches(profile)
    return profile


@transaction.atomic
def profile_close(*, actor: Any, profile: CooperationProfile) -> CooperationProfile:
    """Close a profile for good (it disappears from lists and recommendations)."""
    require(actor, "marketplace.edit_profile", profile, EDIT_DENIED)
    profile = CooperationProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.status == ProfileStatus.CLOSED:
        raise ApplicationError(PROFILE_CLOSED, code="closed")
    _set_status(actor, profile, ProfileStatus.CLOSED, "profile_close")
    _notify_followers(
        profile, NotificationKind.PROFILE_UPDATED, gettext_noop("“%(title)s” was closed.")
    )
    return profile


@transaction.atomic
def profile_renew(
    *, actor: Any, profile: CooperationProfile, valid_until: date | None = None
) -> CooperationProfile:
    """Extend a published or expired profile's validity (it is published again)."""
    require(actor, "marketplace.edit_profile", profile, EDIT_DENIED)
    profile = CooperationProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.status in (ProfileStatus.CLOSED, ProfileStatus.DRAFT):
        raise ApplicationError(PROFILE_NOT_OPEN.format(status=profile.status), code="invalid")
    _set_status(
        actor,
        profile,
        ProfileStatus.PUBLISHED,
        "profile_renew",
        valid_until=_valid_until(valid_until),
    )
    _notify_saved_searches(profile)
    return profile


@transaction.atomic
def profile_expire_due(*, actor: Any = None) -> int:
    """Mark published profiles past their validity date as expired; returns how many."""
    due = list(
        CooperationProfile.objects.select_for_update().filter(
            status=ProfileStatus.PUBLISHED, valid_until__lt=timezone.localdate()
        )
    )
    for profile in due:
        _set_status(actor, profile, ProfileStatus.EXPIRED, "profile_expire")
    return len(due)


@transaction.atomic
def profile_delete(*, actor: Any, profile: CooperationProfile) -> None:
    """Delete a draft (a published profile is closed instead, so its history stays)."""
    require(actor, "marketplace.edit_profile", profile, EDIT_DENIED)
    profile = CooperationProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.status != ProfileStatus.DRAFT:
        raise ApplicationError(DELETE_PUBLISHED, code="conflict")
    _log(actor, "profile_delete", profile, before=snapshot(profile, PROFILE_LOG_FIELDS))
    pk = profile.pk
    profile.delete()
    _reindex(pk)


def _live(profile: CooperationProfile) -> bool:
    return profile.status == ProfileStatus.PUBLISHED and profile.valid_until >= timezone.localdate()


@transaction.atomic
def interest_express(
    *,
    actor: Any,
    profile: CooperationProfile,
    organization: Organization | None,
    message: str,
    is_demo: bool = False,
) -> Interest:
    """An organisation the actor represents — or, with ``organization=None``, the actor as a
    person without one (an investor, a researcher) — tells a profile's owner it is interested.
    A person's address reaches the owner only once the owner accepts."""
    if organization is None:
        require(actor, "marketplace.express_interest_as_person", None, PERSON_INTEREST_DENIED)
    else:
        require(actor, "marketplace.express_interest", organization, INTEREST_DENIED)
    if not profile_is_visible(actor, profile) and not profile_in_audience(actor, profile):
        raise PermissionDeniedError(PROFILE_NOT_VISIBLE.format(pk=profile.pk))
    profile = CooperationProfile.objects.select_for_update().get(pk=profile.pk)
    if not _live(profile):
        status = "expired" if profile.status == ProfileStatus.PUBLISHED else profile.status
        raise ApplicationError(PROFILE_NOT_OPEN.format(status=status), code="not_open")
    if organization is not None and profile.organization_id == organization.pk:
        raise ApplicationError(SELF_INTEREST, code="self_interest")
    if organization is None and actor.has_perm("marketplace.post_profile", profile.organization):
        raise ApplicationError(PERSON_OWN_PROFILE, code="self_interest")
    text = plain_text(message, field="message", limit=MESSAGE_MAX, required=True)
    same = Interest.objects.filter(profile=profile, organization=organization)
    if organization is None:
        same = same.filter(author=person(actor))
    if same.exists():
        raise ApplicationError(
            DUPLICATE_INTEREST if organization else DUPLICATE_PERSON_INTEREST, code="conflict"
        )
    try:
        with transaction.atomic():
            interest = Interest.objects.create(
                profile=profile,
                organization=organization,
                author=person(actor),
                message=text,
                is_demo=is_demo,
            )
    except IntegrityError as exc:  # a concurrent duplicate
        raise ApplicationError(DUPLICATE_INTEREST, code="conflict") from exc
    audit_record(
        actor=actor,
        action="marketplace.interest_express",
        obj=interest,
        organization_id=organization.pk if organization else None,
        after=snapshot(interest, ["profile_id", "organization_id", "message"]),
    )
    if organization is not None:
        text_of: NotificationText = (
            gettext_noop("%(organization)s is interested in “%(title)s”."),
            {"organization": organization.name, "title": profile.title},
        )
    else:
        text_of = (
            gettext_noop("A person without an organization is interested in “%(title)s”."),
            {"title": profile.title},
        )
    _notify(
        _representatives(profile.organization_id),
        NotificationKind.INTEREST_RECEIVED,
        text_of,
        profile,
    )
    return interest


@transaction.atomic
def interest_decide(*, actor: Any, interest: Interest, accept: bool) -> Interest:
    """The owner accepts (contacts are revealed both ways) or declines an interest."""
    require(actor, "marketplace.decide_interest", interest, DECIDE_DENIED)
    interest = Interest.objects.select_for_update().select_related("profile").get(pk=interest.pk)
    if interest.status != InterestStatus.PENDING:
        raise ApplicationError(
            INTEREST_ALREADY_DECIDED.format(status=interest.status), code="conflict"
        )
    close_pending(
        interest,
        actor=actor,
        status=InterestStatus.ACCEPTED if accept else InterestStatus.DECLINED,
        action="marketplace.interest_" + ("accept" if accept else "decline"),
        pending=InterestStatus.PENDING,
        organization_id=interest.profile.organization_id,
    )
    answer = (
        gettext_noop("Your interest in “%(title)s” was accepted — contacts are now visible.")
        if accept
        else gettext_noop("Your interest in “%(title)s” was declined.")
    )
    _notify(
        _representatives(interest.organization_id)
        if interest.organization_id
        else [u for u in [interest.author] if u is not None and u.is_active],
        NotificationKind.INTEREST_DECIDED,
        (answer, {"title": interest.profile.title}),
        interest.profile,
    )
    return interest


@transaction.atomic
def cooperation_close(*, actor: Any, interest: Interest) -> Interest:
    """Either side marks an accepted cooperation as finished, opening confirmations."""
    require(actor, "marketplace.close_cooperation", interest, COOPERATION_DENIED)
    interest = Interest.objects.select_for_update().select_related("profile").get(pk=interest.pk)
    if interest.status != InterestStatus.ACCEPTED:
        raise ApplicationError(NOT_A_COOPERATION, code="invalid")
    if interest.closed_at is not None:
        raise ApplicationError(COOPERATION_ALREADY_CLOSED, code="conflict")
    interest.closed_at = timezone.now()
    interest.save(update_fields=["closed_at"])
    audit_record(
        actor=actor,
        action="marketplace.cooperation_close",
        obj=interest,
        organization_id=interest.profile.organization_id,
        after={"closed_at": interest.closed_at},
    )
    return interest


@transaction.atomic
def cooperation_confirm(
    *,
    actor: Any,
    interest: Interest,
    organization: Organization,
    rating: int,
    comment: str = "",
    is_demo: bool = False,
) -> CooperationConfirmation:
    """One side confirms a closed cooperation took place and rates the other side (1–5)."""
    require(actor, "marketplace.confirm_cooperation", interest, COOPERATION_DENIED)
    if not actor.has_perm("marketplace.post_profile", organization):
        raise PermissionDeniedError(CONFIRM_SIDE_DENIED)
    interest = Interest.objects.select_for_update().select_related("profile").get(pk=interest.pk)
    if interest.organization_id is None:
        raise ApplicationError(PERSON_NOT_CONFIRMABLE, code="invalid")
    sides = {interest.profile.organization_id, interest.organization_id}
    if organization.pk not in sides:
        raise PermissionDeniedError(CONFIRM_SIDE_DENIED)
    if interest.status != InterestStatus.ACCEPTED:
        raise ApplicationError(NOT_A_COOPERATION, code="invalid")
    if interest.closed_at is None:
        raise ApplicationError(COOPERATION_NOT_CLOSED, code="invalid")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ApplicationError(INVALID_RATING, code="invalid")
    partner_id = (sides - {organization.pk} or {organization.pk}).pop()
    if partner_id == organization.pk:
        raise ApplicationError(SELF_ENDORSEMENT, code="self_endorsement")
    text = plain_text(comment, field="comment", limit=COMMENT_MAX)
    if CooperationConfirmation.objects.filter(
        interest=interest, organization=organization
    ).exists():
        raise ApplicationError(DUPLICATE_CONFIRMATION, code="conflict")
    try:
        with transaction.atomic():
            confirmation = CooperationConfirmation.objects.create(
                interest=interest,
                organization=organization,
                partner_id=partner_id,
                author=person(actor),
                rating=rating,
                comment=text,
                is_demo=is_demo,
            )
    except IntegrityError as exc:
        raise ApplicationError(DUPLICATE_CONFIRMATION, code="conflict") from exc
    audit_record(
        actor=actor,
        action="marketplace.cooperation_confirm",
        obj=confirmation,
        organization_id=organization.pk,
        after=snapshot(confirmation, ["interest_id", "organization_id", "partner_id", "rating"]),
    )
    _notify(
        _representatives(partner_id),
        NotificationKind.COOPERATION_CONFIRMED,
        (
            gettext_noop("%(organization)s confirmed your cooperation on “%(title)s”."),
            {"organization": organization.name, "title": interest.profile.title},
        ),
        interest.profile,
    )
    return confirmation


@transaction.atomic
def profile_follow(*, actor: Any, profile: CooperationProfile) -> Follow:
    """Follow a visible profile: updates and new matches become notifications."""
    if not getattr(actor, "is_authenticated", False) or not profile_is_visible(actor, profile):
        raise PermissionDeniedError(PROFILE_NOT_VISIBLE.format(pk=profile.pk))
    if Follow.objects.filter(user=actor, profile=profile).exists():
        raise ApplicationError(ALREADY_FOLLOWING, code="conflict")
    follow = Follow.objects.create(user=actor, profile=profile)
    audit_record(actor=actor, action="marketplace.profile_follow", obj=follow)
    return follow


@transaction.atomic
def profile_unfollow(*, actor: Any, profile: CooperationProfile) -> None:
    deleted, _ = Follow.objects.filter(user=actor, profile=profile).delete()
    if deleted:
        audit_record(
            actor=actor, action="marketplace.profile_unfollow", after={"profile_id": profile.pk}
        )


def search_key(*, query: str, kind: str, direction: str, highland: Highland | None) -> str:
    """One followed search per folded query and filters ("Cięcie  laserowe" = "ciecie laserowe")."""
    return "|".join((" ".join(words(query)), kind, direction, highland.slug if highland else ""))


@transaction.atomic
def saved_search_create(
    *,
    actor: Any,
    query: str = "",
    kind: str = "",
    direction: str = "",
    highland: Highland | None = None,
) -> SavedSearch:
    """Follow a marketplace search: new live profiles that match it become notifications."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError(SIGN_IN_TO_FOLLOW)
    text = plain_text(query, field="search", limit=SAVED_QUERY_MAX)
    if kind:
        choice(kind, ProfileKind.values, "profile type")
    if direction:
        choice(direction, Direction.values, "direction")
    if not (words(text) or kind or direction or highland):
        raise ApplicationError(SEARCH_EMPTY, code="required")
    key = search_key(query=text, kind=kind, direction=direction, highland=highland)
    mine = SavedSearch.objects.filter(user=actor)
    if mine.filter(key=key).exists():
        raise ApplicationError(SEARCH_DUPLICATE, code="conflict")
    if mine.count() >= SAVED_SEARCHES_MAX:
        raise ApplicationError(SEARCH_TOO_MANY.format(limit=SAVED_SEARCHES_MAX), code="limit")
    vector = encoding.encode([text])[0] if words(text) else None
    try:
        with transaction.atomic():
            saved = SavedSearch.objects.create(
                user=actor,
                query=text,
                kind=kind,
                direction=direction,
                highland=highland,
                key=key,
                vector=encoding.to_bytes(vector) if vector is not None else None,
            )
    except IntegrityError as exc:  # a concurrent duplicate
        raise ApplicationError(SEARCH_DUPLICATE, code="conflict") from exc
    audit_record(
        actor=actor,
        action="marketplace.search_follow",
        obj=saved,
        subject_user_id=actor.pk,
        after={"key": key},
    )
    return saved


@transaction.atomic
def saved_search_delete(*, actor: Any, saved_search: SavedSearch) -> None:
    """Stop following a search (only one's own; the selector found it for this actor)."""
    if saved_search.user_id != getattr(actor, "pk", None):
        raise PermissionDeniedError(SEARCH_NOT_YOURS)
    audit_record(
        actor=actor,
        action="marketplace.search_unfollow",
        subject_user_id=actor.pk,
        before={"key": saved_search.key},
    )
    saved_search.delete()


# -- notifications -------------------------------------------------------------------------


def _representatives(organization_id: int) -> list[Any]:
    return [
        rep.user
        for rep in OrganizationRepresentative.objects.filter(
            organization_id=organization_id, user__is_active=True
        ).select_related("user")
    ]


# A notification's text: an English msgid (also in the Polish catalogue) and its values; a
# value may be a callable of the language (a label with translated words).
NotificationText = tuple[str, dict[str, Any]]


def _notify(
    users: Iterable[Any],
    kind: NotificationKind,
    text: NotificationText,
    profile: CooperationProfile,
) -> None:
    """Tell each user through the notifications layer: in-app in English and Polish, and by
    e-mail (after commit, in the profile's language) unless they turned this kind off."""
    with translation.override("en"):  # a path without a language prefix, as the layer keeps
        url = reverse("marketplace:profile", args=[profile.pk])
    subject, values = text
    for user in {u.pk: u for u in users if u.is_active}.values():
        notify(
            recipient=user,
            kind=kind.registered,
            subject=subject,
            url=url,
            context=values,
            language=profile.language,
        )


def _notify_followers(profile: CooperationProfile, kind: NotificationKind, template: str) -> None:
    followers = [f.user for f in profile.follows.select_related("user")]
    _notify(
        [u for u in followers if profile_is_visible(u, profile)],
        kind,
        (template, {"title": profile.title}),
        profile,
    )


def _notify_new_match(profile: CooperationProfile) -> None:
    """Tell followers of live opposite-direction profiles about a close new match."""
    vector = encoding.from_bytes(profile.vector)
    if vector is None:
        return
    from .recommend import OPPOSITE  # the recommender owns which directions match

    opposite = list(OPPOSITE.get(profile.direction, OPPOSITE[Direction.PARTNERSHIP]))
    followed = (
        CooperationProfile.objects.filter(
            follows__isnull=False,
            direction__in=opposite,
            status=ProfileStatus.PUBLISHED,
            valid_until__gte=timezone.localdate(),
        )
        .exclude(organization_id=profile.organization_id)
        .distinct()
    )
    for other in followed:
        other_vector = encoding.from_bytes(other.vector)
        if other_vector is None or float(np.dot(vector, other_vector)) < NEW_MATCH_THRESHOLD:
            continue
        followers = [f.user for f in other.follows.select_related("user")]
        _notify(
            [u for u in followers if profile_is_visible(u, profile)],
            NotificationKind.NEW_MATCH,
            (
                gettext_noop("New match for “%(followed)s”: “%(title)s”."),
                {"followed": other.title, "title": profile.title},
            ),
            profile,
        )


def _notify_saved_searches(profile: CooperationProfile) -> None:
    """Tell the followers of matching searches about a live profile, once per search."""
    for saved in saved_searches_matching(profile):
        try:
            with transaction.atomic():
                SavedSearchMatch.objects.create(saved_search=saved, profile=profile)
        except IntegrityError:  # a concurrent write already told them
            continue
        _notify(
            [saved.user],
            NotificationKind.SEARCH_MATCH,
            (
                gettext_noop("“%(title)s” matches your followed search “%(search)s”."),
                {
                    "title": profile.title,
                    "search": lambda _language, saved=saved: saved_search_label(saved),
                },
            ),
            profile,
        )
