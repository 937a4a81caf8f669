"""The meetings' forms: session set-up (blocks of time) and settings, a meeting's cancel
and move, participant profile and availability, a request, the
organiser's added request, an outcome, the cooperation offer. They only check shapes; the
services decide."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import OutcomeResult
from .services import (
    CAP_MAX,
    NOTE_MAX,
    OUTCOME_NOTE_MAX,
    REASON_MAX,
    SLOT_MINUTES,
    TABLES_MAX,
)

_LOCAL = {"type": "datetime-local"}


def _slot_label(slot: Any) -> str:
    start = timezone.localtime(slot.starts_at)
    return f"{start:%Y-%m-%d %H:%M}–{timezone.localtime(slot.ends_at):%H:%M}"


class BlockForm(forms.Form):
    """One block of meeting time: a day, from, to. An empty row is no block."""

    day = forms.DateField(label=_("Day"), required=False, widget=forms.DateInput({"type": "date"}))
    starts = forms.TimeField(
        label=pgettext_lazy("block of time", "From"),
        required=False,
        widget=forms.TimeInput({"type": "time"}),
    )
    ends = forms.TimeField(
        label=pgettext_lazy("block of time", "To"),
        required=False,
        widget=forms.TimeInput({"type": "time"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [data.get(name) for name in ("day", "starts", "ends")]
        if any(v is not None for v in given) and not all(v is not None for v in given):
            raise forms.ValidationError(_("Give the day, the start and the end of the block."))
        return data

    def block(self) -> tuple[datetime, datetime] | None:
        """The block as two aware datetimes in the site's time zone; ``None`` for an empty row."""
        data = self.cleaned_data
        if not data.get("day"):
            return None
        return (
            timezone.make_aware(datetime.combine(data["day"], data["starts"])),
            timezone.make_aware(datetime.combine(data["day"], data["ends"])),
        )


class _BlockRows(forms.BaseFormSet):
    """Block rows that are all *extra* rows (an untouched row is no block), the first
    ``prefilled`` of them showing ``day``."""

    prefilled = 2  # morning and afternoon of the first day

    def __init__(self, *args: Any, day: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.day = day

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if self.day is not None and index is not None and index < self.prefilled:
            kwargs["initial"] = {"day": self.day}
        return kwargs


def block_formset(data: Any = None, *, rows: int, day: date | None = None) -> _BlockRows:
    """``rows`` empty block rows (the first two on ``day``: morning and afternoon)."""
    rows_class = cast(
        "type[_BlockRows]", forms.formset_factory(BlockForm, formset=_BlockRows, extra=rows)
    )
    return rows_class(data, prefix="block", day=day)


def blocks_of(formset: _BlockRows) -> list[tuple[datetime, datetime]]:
    return [b for form in formset.forms if (b := form.block()) is not None]


_NAMES_HELP = _(
    "One name per line, in table order (line 3 names table 3); leave empty for numbers."
)


def _names(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines()]


class _SessionFields(forms.Form):
    tables = forms.IntegerField(
        label=_("Tables (or online rooms)"), min_value=1, max_value=TABLES_MAX
    )
    table_names = forms.CharField(
        label=_("Table names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_NAMES_HELP,
    )
    max_meetings = forms.IntegerField(
        label=_("At most this many meetings per participant"),
        required=False,
        min_value=0,
        max_value=CAP_MAX,
        help_text=_("Leave empty for no limit; a participant may set a lower one."),
    )
    join_deadline = forms.DateTimeField(
        label=_("Deadline for taking part"),
        required=False,
        widget=forms.DateTimeInput(_LOCAL),
        help_text=_("After it nobody new joins the meetings."),
    )
    request_deadline = forms.DateTimeField(
        label=_("Deadline for requests and answers"),
        required=False,
        widget=forms.DateTimeInput(_LOCAL),
        help_text=_("Requests not answered by then expire."),
    )

    def settings(self) -> dict[str, Any]:
        """What the set-up and the settings page both pass to their service."""
        data = self.cleaned_data
        return {
            "tables": data["tables"],
            "table_names": _names(data.get("table_names") or ""),
            "request_deadline": data["request_deadline"],
            "join_deadline": data["join_deadline"],
            "max_meetings": data["max_meetings"],
        }


class SessionForm(_SessionFields):
    """The set-up: slot length and online rooms (fixed afterwards), then what can change."""

    slot_minutes = forms.TypedChoiceField(
        label=_("Minutes per meeting"),
        choices=[(m, str(m)) for m in SLOT_MINUTES],
        coerce=int,
        initial=20,
    )
    online = forms.BooleanField(label=_("The tables are online rooms"), required=False)
    field_order = ["slot_minutes", "tables", "online", "table_names"]


class SessionEditForm(_SessionFields):
    """The session's settings after set-up, and which blocks to remove."""

    remove_blocks = forms.TypedMultipleChoiceField(
        label=_("Remove these blocks"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A block with published meetings cannot be removed until they are moved or cancelled."
        ),
    )

    def __init__(self, *args: Any, blocks: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["remove_blocks"].choices = blocks  # type: ignore[attr-defined]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to both)"), max_length=REASON_MAX)


class MoveForm(forms.Form):
    place = forms.ChoiceField(label=_("Move to"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, places: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = places  # type: ignore[attr-defined]

    def target(self) -> tuple[int, int]:
        """The chosen slot id and table number."""
        slot, table = self.cleaned_data["place"].split("-")
        return int(slot), int(table)


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
