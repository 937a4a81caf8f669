"""The network page's filters: validate the query string. An invalid value is reported next
to its field and ignored (never a 500); the valid ones still apply."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class NetworkFilterForm(forms.Form):
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    highland = forms.ChoiceField(label=_("Highland"), required=False)
    helix = forms.ChoiceField(label=_("Helix of the organisation"), required=False)
    cluster = forms.ChoiceField(label=_("Cluster"), required=False)
    kind = forms.ChoiceField(label=_("Type of link"), required=False)
    since = forms.IntegerField(
        label=_("Links from year"), required=False, min_value=1900, max_value=2100
    )
    until = forms.IntegerField(
        label=_("Links until year"), required=False, min_value=1900, max_value=2100
    )

    def __init__(
        self,
        data: Any,
        *,
        highlands: list[tuple[str, str]],
        kinds: list[tuple[str, Any]],
        clusters: list[tuple[str, str]] = (),  # type: ignore[assignment]
    ) -> None:
        super().__init__(data)
        any_choice: list[tuple[str, Any]] = [("", _("Any"))]
        helices = [
            ("industry", _("Industry")),
            ("academia", _("Academia")),
            ("government", _("Government")),
            ("civil_society", _("Civil society")),
        ]
        for name, choices in (
            ("highland", highlands),
            ("helix", helices),
            ("cluster", clusters),
            ("kind", kinds),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 — narrows for mypy
            field.choices = any_choice + list(choices)

    def valid_data(self) -> dict[str, Any]:
        """The cleaned values of the fields that passed validation."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
