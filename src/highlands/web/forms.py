"""Directory filters: validate the query string. An invalid value is reported next to its
field and left out of the query (never a 500); the valid ones still apply."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..ecosystem.labels import HELIX_LABELS, SORT_LABELS

HELIX_CHOICES = [("", _("Any"))] + [(k, v) for k, v in HELIX_LABELS.items() if k != "unknown"]


class FilterForm(forms.Form):
    """A GET filter form: valid fields filter, invalid ones are reported and ignored."""

    def valid_data(self) -> dict[str, Any]:
        """The cleaned values of the fields that passed validation."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}


class ClusterFilterForm(FilterForm):
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    highland = forms.ChoiceField(label=_("Highland"), required=False)
    helix_role = forms.ChoiceField(
        label=_("Has members from"), required=False, choices=HELIX_CHOICES
    )
    year_min = forms.IntegerField(
        label=_("Established from"), required=False, min_value=1900, max_value=2100
    )
    year_max = forms.IntegerField(
        label=_("Established until"), required=False, min_value=1900, max_value=2100
    )
    size_min = forms.IntegerField(
        label=_("Members at least"), required=False, min_value=0, max_value=1_000_000
    )
    size_max = forms.IntegerField(
        label=_("Members at most"), required=False, min_value=0, max_value=1_000_000
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_LABELS.items())

    def __init__(self, *args: Any, highlands: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        highland_field = self.fields["highland"]
        assert isinstance(highland_field, forms.ChoiceField)  # noqa: S101 — narrows for mypy
        highland_field.choices = [("", _("All")), *highlands]

    def filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of ``selectors.cluster_list``."""
        data = self.valid_data()
        return {
            name: data.get(name) or None
            for name in ("q", "highland", "helix_role", "year_min", "year_max")
        } | {
            "size_min": data.get("size_min"),
            "size_max": data.get("size_max"),
            "sort": data.get("sort") or "document",
        }


class OrganizationFilterForm(FilterForm):
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Helix role"), required=False, choices=HELIX_CHOICES)

    def filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of ``selectors.organization_list``."""
        data = self.valid_data()
        return {"q": data.get("q") or None, "helix_role": data.get("role") or None}
