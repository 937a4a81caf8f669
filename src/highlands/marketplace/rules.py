"""Who may do what in the marketplace (django-rules), declared once.

Posting and answering is the organisation's representatives' (or the city office's) call;
seeing a profile is decided by ``selectors.profiles_visible_to`` so lists and single pages
can never disagree.
"""

from __future__ import annotations

from typing import Any

import rules

from ..accounts.predicates import (
    coordinates_cluster,
    is_active_user,
    is_city_admin,
    represents_organization,
)
from .models import CooperationProfile, Interest


@rules.predicate
def represents_profile_owner(user: Any, profile: CooperationProfile | None) -> bool:
    if not isinstance(profile, CooperationProfile):
        return False
    return bool(represents_organization(user, profile.organization))


@rules.predicate
def may_see_profile(user: Any, profile: CooperationProfile | None) -> bool:
    from .selectors import profile_is_visible

    return isinstance(profile, CooperationProfile) and profile_is_visible(user, profile)


@rules.predicate
def represents_interest_owner(user: Any, interest: Interest | None) -> bool:
    """The user represents the organisation whose profile received the interest."""
    if not isinstance(interest, Interest):
        return False
    return bool(represents_organization(user, interest.profile.organization))


@rules.predicate
def represents_interest_side(user: Any, interest: Interest | None) -> bool:
    if not isinstance(interest, Interest):
        return False
    return bool(
        represents_organization(user, interest.profile.organization)
        or represents_organization(user, interest.organization)
    )


rules.add_perm("marketplace.post_profile", represents_organization)
rules.add_perm("marketplace.edit_profile", represents_profile_owner)
rules.add_perm("marketplace.view_profile", is_city_admin | may_see_profile)
rules.add_perm("marketplace.express_interest", represents_organization)
# Anybody signed in may be interested as a person (an investor, a researcher, a freelancer).
rules.add_perm("marketplace.express_interest_as_person", is_active_user)
rules.add_perm("marketplace.decide_interest", represents_interest_owner)
rules.add_perm("marketplace.close_cooperation", represents_interest_side)
rules.add_perm("marketplace.confirm_cooperation", represents_interest_side)
rules.add_perm("marketplace.view_cluster_activity", is_city_admin | coordinates_cluster)
rules.add_perm("marketplace.view_statistics", is_city_admin)
