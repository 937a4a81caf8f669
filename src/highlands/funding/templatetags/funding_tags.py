"""Template filters of the funding pages: money, statuses, topics and rule results in words."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..forms import STATUS_LABELS, TOPIC_LABELS

register = template.Library()

RESULT_LABELS = {
    "pass": (_("meets"), "verified"),
    "fail": (_("does not meet"), "sev-error"),
    "unknown": (_("not known yet"), "sev-warning"),
}
DECISION_LABELS = {
    "eligible": (_("Eligible"), "verified"),
    "not_eligible": (_("Not eligible"), "sev-error"),
    "unknown": (_("Not known yet: facts are missing"), "sev-warning"),
}
APPLICATION_STATUS_LABELS = {
    "pending": _("waiting for the coordinator"),
    "accepted": pgettext_lazy("membership application status", "accepted"),
    "rejected": pgettext_lazy("membership application status", "rejected"),
    "withdrawn": pgettext_lazy("membership application status", "withdrawn"),
}
STAGE_LABELS = {
    "interested": pgettext_lazy("funding application stage", "interested"),
    "preparing": pgettext_lazy("funding application stage", "preparing"),
    "submitted": pgettext_lazy("funding application stage", "submitted"),
    "awarded": pgettext_lazy("funding application stage", "awarded"),
    "rejected": pgettext_lazy("funding application stage", "rejected"),
    "withdrawn": pgettext_lazy("funding application stage", "withdrawn"),
}
INVITATION_LABELS = {
    "lead": pgettext_lazy("consortium role", "lead"),
    "partner": pgettext_lazy("consortium role", "partner"),
    "invited": pgettext_lazy("consortium invitation", "invited"),
    "accepted": pgettext_lazy("consortium invitation", "agreed"),
    "declined": pgettext_lazy("consortium invitation", "declined"),
}
SOURCE_LABELS = {
    "declared": _("declared by the representative"),
    "imported": pgettext_lazy("fact source", "imported"),
    "verified": _("verified by the coordinator"),
}


@register.filter
def eur(amount: int | None) -> str:
    """12000000 → "12 000 000 EUR" (non-breaking thin spaces between thousands)."""
    if amount is None:
        return ""
    return f"{amount:,}".replace(",", "\u202f") + "\u00a0EUR"


@register.filter
def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@register.filter
def application_status(status: str) -> str:
    return str(APPLICATION_STATUS_LABELS.get(status, status))


@register.filter
def stage_label(stage: str) -> str:
    return str(STAGE_LABELS.get(stage, stage))


@register.filter
def consortium_label(value: str) -> str:
    return str(INVITATION_LABELS.get(value, value))


@register.filter
def fact_source(source: str) -> str:
    return str(SOURCE_LABELS.get(source, source))


@register.simple_tag
def topic(code: str) -> SafeString:
    label = TOPIC_LABELS.get(code)
    if label is None:  # a topic typed in by a keeper: stored as they wrote it
        return format_html('<span lang="en">{}</span>', code)
    return format_html("{}", label)


@register.simple_tag
def result_badge(result: str) -> SafeString:
    label, css = RESULT_LABELS.get(result, (result, ""))
    return format_html('<span class="badge {}">{}</span>', css, label)


@register.simple_tag
def decision_badge(decision: Any) -> SafeString:
    label, css = DECISION_LABELS.get(str(decision), (decision, ""))
    return format_html('<span class="badge {}">{}</span>', css, label)
