"""Forms of the funding pages: they parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..ecosystem.labels import HELIX_LABELS, ORG_TYPE_LABELS, choices
from ..text.places import VOIVODESHIP_NAMES
from . import engine
from .explain import SIZE_LABELS, percent

STATUS_LABELS = {
    "open": pgettext_lazy("funding call status", "open"),
    "forthcoming": pgettext_lazy("funding call status", "forthcoming"),
    "closed": pgettext_lazy("funding call status", "closed"),
}
TOPIC_LABELS = {
    "r&d": _("research and development"),
    "innovation": _("innovation"),
    "circular economy": _("circular economy"),
    "industry 4.0": _("Industry 4.0"),
    "internationalisation": _("internationalisation"),
    "training": _("training"),
}
NOT_STATED = ("", _("not stated"))
SHARE_HELP = _("A percentage (40 %, 45,5 %) or a fraction (0.4). Leave empty if not stated.")
SHARE_INVALID = _("Enter a share between 0 and 100 %, e.g. 40 % or 0.4.")
SHARES_ABOVE_100 = _("The two shares add up to more than 100 %.")


class CallFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all")), *STATUS_LABELS.items()]
    )
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)

    def __init__(self, *args: Any, programmes: list[str], topics: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("all")), *((p, p) for p in programmes)]  # type: ignore[attr-defined]
        self.fields["topic"].choices = [  # type: ignore[attr-defined]
            ("", _("all")),
            *((t, TOPIC_LABELS.get(t, t)) for t in topics),
        ]


class FactsForm(forms.Form):
    """What eligibility and admission read; an empty field means "not stated"."""

    voivodeship = forms.ChoiceField(
        label=_("Seat (voivodeship)"),
        required=False,
        choices=[NOT_STATED, *sorted(VOIVODESHIP_NAMES.items(), key=lambda kv: kv[1])],
    )
    size_class = forms.ChoiceField(
        label=_("Size class"), required=False, choices=[NOT_STATED, *SIZE_LABELS.items()]
    )
    employees = forms.IntegerField(
        label=_("Employees"), required=False, min_value=0, max_value=10_000_000
    )
    turnover_eur = forms.IntegerField(
        label=_("Annual turnover (EUR)"), required=False, min_value=0, max_value=10**15
    )
    helix_role = forms.ChoiceField(
        label=_("Helix role"), required=False, choices=[NOT_STATED, *choices(HELIX_LABELS)]
    )
    org_type = forms.ChoiceField(
        label=_("Type of organisation"),
        required=False,
        choices=[NOT_STATED, *choices(ORG_TYPE_LABELS)],
    )
    legal_form = forms.CharField(label=_("Legal form"), required=False, max_length=64)
    nace_codes = forms.CharField(
        label=_("Activity codes (NACE/PKD), comma-separated"), required=False, max_length=600
    )
    year_founded = forms.IntegerField(
        label=_("Year founded"), required=False, min_value=1000, max_value=2100
    )
    metal_processing_services = forms.CharField(
        label=_("Share of revenue from metal-processing services"),
        required=False,
        max_length=20,
        help_text=SHARE_HELP,
    )
    own_metal_production = forms.CharField(
        label=_("Share of revenue from own production made with metal processes"),
        required=False,
        max_length=20,
        help_text=SHARE_HELP,
    )
    certifications = forms.CharField(
        label=_("Certifications, comma-separated"), required=False, max_length=600
    )

    SHARES = ("metal_processing_services", "own_metal_production")

    @classmethod
    def initial_from(cls, facts: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for name, value in facts.items():
            if name.startswith("revenue_shares."):
                initial[name.split(".", 1)[1]] = percent(value)
            elif isinstance(value, list):
                initial[name] = ", ".join(value)
            else:
                initial[name] = value
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        total = 0.0
        for name in self.SHARES:
            raw = (data.get(name) or "").strip()
            if not raw:
                continue
            try:
                total += engine.parse_share(raw, name)
            except engine.FactError:
                self.add_error(name, SHARE_INVALID)
        if total > 1 + 1e-6:
            self.add_error(self.SHARES[1], SHARES_ABOVE_100)
        for name in ("nace_codes", "certifications", "legal_form"):
            try:
                if data.get(name):
                    engine.parse_fact(name, data[name])
            except engine.FactError:
                self.add_error(name, _("Codes are short texts separated by commas."))
        return data

    def facts(self) -> dict[str, Any]:
        """The facts document for ``facts_state`` (``None``: not stated)."""
        data = self.cleaned_data
        out: dict[str, Any] = {}
        for name in self.fields:
            if name in self.SHARES:
                continue
            value = data.get(name)
            out[name] = None if value in ("", None) else value
        out["revenue_shares"] = {
            name: (data.get(name) or "").strip() or None for name in self.SHARES
        }
        return out


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files at once (the service checks each: type, size, count)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data]
        return [
            item for item in (super(EvidenceField, self).clean(d, initial) for d in items) if item
        ]


class ApplicationForm(forms.Form):
    organization = forms.ChoiceField(label=_("Organisation"))
    message = forms.CharField(
        label=_("Message to the coordinator"),
        required=False,
        widget=forms.Textarea,
        max_length=2000,
    )
    evidence = EvidenceField(
        label=_("Evidence files"),
        required=False,
        help_text=_(
            "PDF, PNG or JPEG, at most 5 MB each and 10 in all: e.g. the extract "
            "from the register or the revenue split from your accounts."
        ),
    )

    def __init__(self, *args: Any, organizations: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = organizations  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (required to reject)"),
        required=False,
        widget=forms.Textarea,
        max_length=1000,
    )


class AdmissionRulesForm(forms.Form):
    """A cluster's admission rules as engine JSON (checked by the service, part by part)."""

    rules = forms.CharField(
        label=_("Admission rules (JSON)"),
        widget=forms.Textarea(
            attrs={"rows": 18, "spellcheck": "false", "lang": "en", "translate": "no"}
        ),
        max_length=20000,
        help_text=_(
            "A list of rules, each with an id, a title in English and in Polish and a "
            "condition over the organisation's facts (see docs/decisions on the rule engine)."
        ),
    )

    def clean_rules(self) -> Any:
        import json

        try:
            return json.loads(self.cleaned_data["rules"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("The rules are not valid JSON (line %(line)s, column %(column)s).")
                % {"line": error.lineno, "column": error.colno}
            ) from None


class _PipelineFields(forms.Form):
    """What both recording and updating an application for funding ask."""

    requested_eur = forms.IntegerField(
        label=_("Requested amount (EUR)"), required=False, min_value=0, max_value=10**15
    )
    shared = forms.BooleanField(
        label=_("Share with the coordinators of our clusters"), required=False
    )


class PipelineCreateForm(_PipelineFields):
    call = forms.ChoiceField(label=_("Funding call"))
    field_order = ["call", "requested_eur", "shared"]

    def __init__(self, *args: Any, calls: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["call"].choices = calls  # type: ignore[attr-defined]


class PipelineUpdateForm(_PipelineFields):
    stage = forms.ChoiceField(label=_("Stage"))
    stage_note = forms.CharField(label=_("Note on this step"), required=False, max_length=300)
    granted_eur = forms.IntegerField(
        label=_("Granted amount (EUR)"), required=False, min_value=0, max_value=10**15
    )
    field_order = ["stage", "stage_note", "requested_eur", "granted_eur", "shared"]

    def __init__(self, *args: Any, stages: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = stages  # type: ignore[attr-defined]


class InviteForm(forms.Form):
    organization = forms.ChoiceField(label=_("Partner organisation"))
    message = forms.CharField(
        label=_("Message to the partner"), required=False, widget=forms.Textarea, max_length=1000
    )

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = candidates  # type: ignore[attr-defined]
