"""Translatable words for stored registry codes that services use too (e-mails), not only
pages; ``web/labels.py`` re-exports them beside the page-only labels."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MEMBERSHIP_ROLE_LABELS = {
    "coordinator": _("coordinator"),
    "founder": _("founder"),
    "member": pgettext_lazy("membership role", "member"),
}
