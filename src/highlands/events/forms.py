"""Forms of the event pages: they parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..ecosystem.labels import LANGUAGE_LABELS, choices
from .models import Audience, EventKind

ALL = pgettext_lazy("filter", "all")
WHEN_CHOICES = [("upcoming", _("Upcoming")), ("past", _("Past"))]
VIEW_CHOICES = [("list", _("List")), ("grid", _("Month grid"))]
RANGE_DAYS_MAX = 366  # as services.RANGE_DAYS_MAX (forms sit below services)
YEAR_MIN, YEAR_MAX = 2000, 2200
RANGE_ORDER = _("The end of the date range is before its start.")
RANGE_TOO_LONG = _("A date range spans at most %(days)d days; choose a shorter one.")
YEAR_OUT = _("Choose a date in the years %(low)d to %(high)d.")
ATTENDEES_HELP = _(
    "To register a group, one name per line (include yourself if you attend); "
    "each person takes a seat, and the group gets all its seats or waits as a whole."
)


class CalendarFilterForm(forms.Form):
    when = forms.ChoiceField(label=_("When"), required=False, choices=WHEN_CHOICES)
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    view = forms.ChoiceField(label=_("View"), required=False, choices=VIEW_CHOICES)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", ALL), *EventKind.choices]
    )
    cluster = forms.ChoiceField(label=_("Cluster"), required=False)
    highland = forms.ChoiceField(label=_("Highland"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", ALL), *choices(LANGUAGE_LABELS)]
    )

    def __init__(
        self,
        *args: Any,
        clusters: list[tuple[str, str]],
        highlands: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [("", ALL), *clusters]  # type: ignore[attr-defined]
        self.fields["highland"].choices = [("", ALL), *highlands]  # type: ignore[attr-defined]
        self.fields["topic"].choices = [("", ALL), *highlands]  # type: ignore[attr-defined]

    def _in_years(self, field: str) -> Any:
        value = self.cleaned_data.get(field)
        if value is not None and not YEAR_MIN <= value.year <= YEAR_MAX:
            raise forms.ValidationError(YEAR_OUT, params={"low": YEAR_MIN, "high": YEAR_MAX})
        return value

    def clean_month(self) -> Any:
        return self._in_years("month")

    def clean_date_from(self) -> Any:
        return self._in_years("date_from")

    def clean_date_to(self) -> Any:
        return self._in_years("date_to")

    def clean(self) -> dict[str, Any]:
        """A date range is ordered and at most a year long (an open end is fine)."""
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", RANGE_ORDER)
                data.pop("date_to", None)
            elif (end - start).days >= RANGE_DAYS_MAX:
                self.add_error(
                    "date_to",
                    forms.ValidationError(RANGE_TOO_LONG, params={"days": RANGE_DAYS_MAX}),
                )
                data.pop("date_to", None)
        return data


class RegistrationForm(forms.Form):
    organization = forms.ChoiceField(label=_("On behalf of"), required=False)

    def __init__(
        self,
        *args: Any,
        organizations: list[tuple[str, str]],
        questions: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [  # type: ignore[attr-defined]
            ("", _("myself only")),
            *organizations,
        ]
        if not organizations:
            del self.fields["organization"]
        self.questions = questions
        self.fields["attendees"] = forms.CharField(
            label=_("Attendees (a group)"),
            required=False,
            max_length=12000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=ATTENDEES_HELP,
        )
        for i, question in enumerate(questions):
            self.fields[f"answer_{i}"] = forms.CharField(
                label=question, required=False, max_length=4000, widget=forms.Textarea
            )

    def answers(self) -> list[str]:
        return [self.cleaned_data.get(f"answer_{i}", "") for i in range(len(self.questions))]

    def attendees(self) -> list[str]:
        """The group's names, one a line (blank lines dropped); empty: the registrant alone."""
        text = self.cleaned_data.get("attendees") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


def _datetime_field(label: Any, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Warsaw time"),
    )


class EventForm(forms.Form):
    organiser = forms.ChoiceField(label=_("Organiser"))
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title in English"), required=False, max_length=800)
    title_pl = forms.CharField(label=_("Title in Polish"), required=False, max_length=800)
    description = forms.CharField(
        label=_("Description in English"), required=False, widget=forms.Textarea, max_length=40000
    )
    description_pl = forms.CharField(
        label=_("Description in Polish"), required=False, widget=forms.Textarea, max_length=40000
    )
    language = forms.ChoiceField(label=_("Language of the event"), choices=choices(LANGUAGE_LABELS))
    starts_at = _datetime_field(_("Starts"))
    ends_at = _datetime_field(_("Ends"))
    venue = forms.CharField(label=_("Venue"), required=False, max_length=800)
    address = forms.CharField(label=_("Address"), required=False, max_length=1200)
    online_url = forms.CharField(label=_("Online link"), required=False, max_length=2000)
    audience = forms.ChoiceField(label=_("Who may register"), choices=Audience.choices)
    invitees = forms.CharField(
        label=_("Invited e-mail addresses (one a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=200000,
    )
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=100000)
    per_organization_limit = forms.IntegerField(
        label=_("Seats per organisation (empty: no limit)"),
        required=False,
        min_value=1,
        max_value=100000,
    )
    registration_opens_at = _datetime_field(_("Registration opens"), required=False)
    registration_closes_at = _datetime_field(_("Registration closes"), required=False)
    cancellation_deadline = _datetime_field(_("Cancellation deadline"), required=False)
    offer_hours = forms.IntegerField(
        label=_("Hours a promoted person has to accept a seat (0: confirmed at once)"),
        min_value=0,
        max_value=336,
        initial=0,
    )
    questions = forms.CharField(
        label=_("Questions to registrants (one a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20000,
    )
    publish = forms.BooleanField(label=_("Publish now"), required=False)

    def __init__(self, *args: Any, organisers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].choices = organisers  # type: ignore[attr-defined]

    def lines(self, name: str) -> list[str]:
        return [line.strip() for line in self.cleaned_data[name].splitlines() if line.strip()]


class CheckinForm(forms.Form):
    code = forms.CharField(label=_("Ticket code"), required=False, max_length=400)
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=200)
