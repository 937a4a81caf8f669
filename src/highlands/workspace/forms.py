"""Input forms of the workspace; they only parse input, the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..accounts.models import ConsentPurpose
from ..ecosystem.models import (
    FigureKind,
    HelixRole,
    Language,
    MembershipRole,
    OrganizationType,
)
from ..ecosystem.services import EDITABLE_ATTRIBUTE_KINDS


def attribute_field_name(kind: str, language: str) -> str:
    return f"{kind}__{language}"


class ClusterProfileForm(forms.Form):
    name = forms.CharField(label=_("Name (English)"), max_length=255)
    name_pl = forms.CharField(label=_("Name (Polish)"), max_length=255, required=False)
    year_established = forms.IntegerField(
        label=_("Year established"), required=False, min_value=1800, max_value=2100
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for kind in EDITABLE_ATTRIBUTE_KINDS:
            for language, language_label in Language.choices:
                self.fields[attribute_field_name(kind, language)] = forms.CharField(
                    label=f"{kind.label} ({language_label})",
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    help_text=_("One item per line."),
                )

    def attribute_edits(self) -> dict[tuple[str, str], list[str]]:
        return {
            (kind, language): self.cleaned_data[attribute_field_name(kind, language)].splitlines()
            for kind in EDITABLE_ATTRIBUTE_KINDS
            for language in Language.values
        }


class MemberAddForm(forms.Form):
    organization = forms.SlugField(label=_("Organization (slug)"))
    role = forms.ChoiceField(choices=MembershipRole.choices, initial=MembershipRole.MEMBER)
    listed_as = forms.ChoiceField(
        label=_("Listed as"), choices=[("", "—"), *HelixRole.choices], required=False
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=MembershipRole.choices)
    listed_as = forms.ChoiceField(choices=[("", "—"), *HelixRole.choices], required=False)


class FigureForm(forms.Form):
    kind = forms.ChoiceField(choices=FigureKind.choices)
    value = forms.IntegerField(min_value=0, max_value=1_000_000)
    as_of = forms.DateField(label=_("As of (YYYY-MM-DD)"))


class OrganizationProfileForm(forms.Form):
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)
    city = forms.CharField(max_length=120, required=False)
    website = forms.URLField(required=False, assume_scheme="https")
    year_established = forms.IntegerField(required=False, min_value=1800, max_value=2100)
    org_type = forms.ChoiceField(
        label=_("Type"), choices=[("", "—"), *OrganizationType.choices], required=False
    )


class OrganizationClassificationForm(forms.Form):
    helix_role = forms.ChoiceField(choices=[("", "—"), *HelixRole.choices], required=False)


class InviteForm(forms.Form):
    email = forms.EmailField()


class ContactPersonForm(forms.Form):
    full_name = forms.CharField(max_length=200)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)
    position_title = forms.CharField(max_length=200, required=False)
    consent_given = forms.BooleanField(
        label=_("The person agreed to be shown as a public contact"), required=True
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100)
