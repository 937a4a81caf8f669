"""The reconciliation review queue in the Django admin.

A reviewer opens a queued row, sees its candidates and picks one resolution: accept a
candidate, create a new record, or reject the row.  Every path calls
``review.review_item_resolve`` (the one write path), which also remembers the
decision for the next import of the same source.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from ..errors import ApplicationError
from .models import ReconciliationDecision, ReviewItem
from .review import review_item_resolve

CREATE = "create"
REJECT = "reject"
ACCEPT_PREFIX = "accept:"


def resolution_choices(item: ReviewItem) -> list[tuple[str, str]]:
    """'accept:<pk>' per candidate, then 'create' and 'reject'."""
    kind = "cluster" if item.entity == "cluster" else "organisation"
    choices = [("", "— decide later —")]
    choices += [
        (f"{ACCEPT_PREFIX}{c['pk']}", f"Accept: it is “{c['name']}” (score {c['score']})")
        for c in item.candidates
    ]
    choices += [
        (CREATE, f"Create new: it is a {kind} the registry does not know"),
        (REJECT, "Reject: do not import this row"),
    ]
    return choices


class ReviewItemForm(forms.ModelForm):
    resolution = forms.ChoiceField(required=False, choices=[])

    class Meta:
        model = ReviewItem
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["resolution"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 — declared just above
        field.choices = resolution_choices(self.instance)
        if self.instance.status != ReviewItem.Status.PENDING:
            field.disabled = True


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin):
    form = ReviewItemForm
    list_display = (
        "incoming_name",
        "entity",
        "source_key",
        "row",
        "best_candidate",
        "score",
        "status",
    )
    list_filter = ("status", "entity", "source_key")
    search_fields = ("incoming_name", "normalized_name")
    readonly_fields = (
        "source",
        "source_key",
        "entity",
        "row",
        "incoming_name",
        "language",
        "candidate_list",
        "score",
        "reason",
        "payload",
        "status",
        "resolved_cluster",
        "resolved_organization",
        "decided_by",
        "decided_at",
    )
    fields = ("resolution", *readonly_fields)
    actions = ("accept_best_candidate", "create_new", "reject_rows")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="best candidate")
    def best_candidate(self, item: ReviewItem) -> str:
        return item.candidates[0]["name"] if item.candidates else "—"

    @admin.display(description="candidates")
    def candidate_list(self, item: ReviewItem) -> str:
        return "; ".join(f"{c['name']} ({c['score']})" for c in item.candidates) or "none"

    def save_model(self, request: HttpRequest, obj: ReviewItem, form: Any, change: bool) -> None:
        resolution = form.cleaned_data.get("resolution") or ""
        if not resolution:
            return
        self._resolve(request, obj, resolution)

    def _resolve(self, request: HttpRequest, item: ReviewItem, resolution: str) -> bool:
        action, target = resolution, None
        if resolution.startswith(ACCEPT_PREFIX):
            action, target = "accept", int(resolution.removeprefix(ACCEPT_PREFIX))
        try:
            review_item_resolve(item=item, action=action, target_pk=target, actor=request.user)
        except ApplicationError as exc:
            self.message_user(request, f"{item}: {exc.message}", messages.ERROR)
            return False
        return True

    def _bulk(self, request: HttpRequest, queryset: QuerySet[ReviewItem], pick: Any) -> None:
        done = 0
        for item in queryset:
            resolution = pick(item)
            if resolution and self._resolve(request, item, resolution):
                done += 1
        self.message_user(request, f"{done} row(s) decided.", messages.SUCCESS)

    @admin.action(description="Accept the best candidate")
    def accept_best_candidate(self, request: HttpRequest, queryset: QuerySet[ReviewItem]) -> None:
        self._bulk(
            request,
            queryset,
            lambda i: f"{ACCEPT_PREFIX}{i.candidates[0]['pk']}" if i.candidates else None,
        )

    @admin.action(description="Create new records")
    def create_new(self, request: HttpRequest, queryset: QuerySet[ReviewItem]) -> None:
        self._bulk(request, queryset, lambda i: CREATE)

    @admin.action(description="Reject the rows")
    def reject_rows(self, request: HttpRequest, queryset: QuerySet[ReviewItem]) -> None:
        self._bulk(request, queryset, lambda i: REJECT)


@admin.register(ReconciliationDecision)
class ReconciliationDecisionAdmin(admin.ModelAdmin):
    """Remembered decisions; deleting one makes the next import ask again."""

    list_display = (
        "incoming_name",
        "entity",
        "source_key",
        "action",
        "cluster",
        "organization",
        "decided_by",
        "decided_at",
    )
    list_filter = ("action", "entity", "source_key")
    search_fields = ("incoming_name", "normalized_name")
    readonly_fields = (
        "source_key",
        "entity",
        "normalized_name",
        "incoming_name",
        "action",
        "cluster",
        "organization",
        "review_item",
        "decided_by",
        "decided_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
