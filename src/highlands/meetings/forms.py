"""The meetings' forms: session set-up, participant profile and availability, a request, the
organiser's added request, an outcome, the cooperation offer. They only check shapes; the
services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import OutcomeResult
from .services import NOTE_MAX, OUTCOME_NOTE_MAX, REASON_MAX, SLOT_MINUTES, TABLES_MAX

_LOCAL = {"type": "datetime-local"}


def _slot_label(slot: Any) -> str:
    start = timezone.localtime(slot.starts_at)
    return f"{start:%Y-%m-%d %H:%M}–{timezone.localtime(slot.ends_at):%H:%M}"


class SessionForm(forms.Form):
    block_starts = forms.DateTimeField(
        label=_("Meetings start"), widget=forms.DateTimeInput(_LOCAL)
    )
    block_ends = forms.DateTimeField(label=_("Meetings end"), widget=forms.DateTimeInput(_LOCAL))
    slot_minutes = forms.TypedChoiceField(
        label=_("Minutes per meeting"),
        choices=[(m, str(m)) for m in SLOT_MINUTES],
        coerce=int,
        initial=20,
    )
    tables = forms.IntegerField(
        label=_("Tables (or online rooms)"), min_value=1, max_value=TABLES_MAX
    )
    online = forms.BooleanField(label=_("The tables are online rooms"), required=False)
    request_deadline = forms.DateTimeField(
        label=_("Deadline for answering requests"),
        required=False,
        widget=forms.DateTimeInput(_LOCAL),
        help_text=_("Requests not answered by then expire."),
    )


class ProfileForm(forms.Form):
    note = forms.CharField(
        label=_("What you come for"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the other participants beside your organisation's profiles."),
    )
    available = forms.MultipleChoiceField(
        label=_("I am available in these slots"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    max_meetings = forms.IntegerField(
        label=_("At most this many meetings"),
        required=False,
        min_value=0,
        max_value=200,
        help_text=_("Leave empty for no limit."),
    )
    standby = forms.BooleanField(
        label=_("On the day, offer me the meetings of people who did not come"), required=False
    )

    def __init__(self, *args: Any, slots: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["available"].choices = [(str(s.pk), _slot_label(s)) for s in slots]  # type: ignore[attr-defined]


class RequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you want to meet?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AddRequestForm(forms.Form):
    requester = forms.TypedChoiceField(label=_("Participant"), coerce=int)
    recipient = forms.TypedChoiceField(label=_("Meets"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        coerce=int,
        choices=[(3, _("3 — organiser's choice")), (2, _("2 — high")), (1, _("1 — normal"))],
        initial=3,
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("requester", "recipient"):
            self.fields[name].choices = people  # type: ignore[attr-defined]


class OutcomeForm(forms.Form):
    result = forms.ChoiceField(
        label=_("What came of it?"), choices=OutcomeResult.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note (only you and the organiser see it)"),
        required=False,
        max_length=OUTCOME_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CooperationForm(forms.Form):
    profile = forms.TypedChoiceField(label=_("Their offer or request"), coerce=int)
    message = forms.CharField(
        label=_("Message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, profiles: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = profiles  # type: ignore[attr-defined]
