"""Directory filters: validate the query string. An invalid value is reported next to its
field and left out of the query (never a 500); the valid ones still apply."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
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


# -- "Contact this cluster / organisation" ------------------------------------------------
#
# Spam protection without third parties: a honeypot field people never see (bots fill every
# field), a signed timestamp (a form sent back within seconds, or one older than a day, or one
# signed for someone else is refused) and, in the service, per-person and per-address limits.

CONTACT_SALT = "highlands.contact-form"
CONTACT_MIN_SECONDS = 3
CONTACT_MAX_AGE = 24 * 3600


def contact_stamp(user_pk: int) -> str:
    return signing.dumps({"u": user_pk, "t": time.time()}, salt=CONTACT_SALT)


class ContactForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8})
    )
    # The honeypot: hidden from people and from assistive technology, left empty by them.
    homepage = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    stamp = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, user_pk: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_pk = user_pk
        if not self.is_bound:
            self.initial["stamp"] = contact_stamp(user_pk)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("homepage"):
            raise forms.ValidationError(_("The message could not be sent."), code="spam")
        try:
            stamp = signing.loads(data.get("stamp", ""), salt=CONTACT_SALT, max_age=CONTACT_MAX_AGE)
        except signing.BadSignature as exc:  # also SignatureExpired
            raise forms.ValidationError(
                _("The form has expired; please send it again."), code="stamp"
            ) from exc
        if stamp.get("u") != self.user_pk or time.time() - stamp.get("t", 0) < CONTACT_MIN_SECONDS:
            raise forms.ValidationError(_("The message could not be sent."), code="spam")
        return data
