"""Input forms of the workspace; they only parse input, the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..accounts import services as account_services
from ..accounts.models import ConsentPurpose
from ..ecosystem import services as registry_services
from ..ecosystem.labels import (
    ATTRIBUTE_LABELS,
    FIGURE_LABELS,
    HELIX_LABELS,
    LANGUAGE_LABELS,
    ORG_TYPE_LABELS,
    VOIVODESHIP_LABELS,
    choices,
)
from ..ecosystem.models import Language
from ..ecosystem.services import EDITABLE_ATTRIBUTE_KINDS

# Choice lists in the UI language (the models keep plain English labels for the admin/API).
HELIX_CHOICES = [("", "—"), *((k, v) for k, v in HELIX_LABELS.items() if k != "unknown")]
ROLE_CHOICES = [
    ("coordinator", _("Coordinator")),
    ("founder", _("Founder")),
    ("member", pgettext_lazy("membership role", "Member")),
]

VOIVODESHIP_CHOICES = choices(VOIVODESHIP_LABELS)

# Form limits are the services' limits, so the form says it first, beside the field.
NAME_MAX = registry_services.NAME_MAX

NEW_ITEM_SLOTS = 3  # empty boxes under each section for adding items
TITLED_KINDS = {"flagship_project"}


def attribute_field_name(kind: str, language: str, index: int, part: str = "text") -> str:
    return f"{kind}__{language}__{index}__{part}"


class ClusterProfileForm(forms.Form):
    """Names, year, and each profile section in each language: one box per item (a flagship
    project also has a title), plus empty boxes to add items; emptying a box removes it."""

    name = forms.CharField(
        label=_("Name (English)"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("Left empty, a name the source does not state stays unknown."),
        widget=forms.TextInput(attrs={"lang": "en"}),
    )
    name_pl = forms.CharField(
        label=_("Name (Polish)"),
        max_length=NAME_MAX,
        required=False,
        widget=forms.TextInput(attrs={"lang": "pl"}),
    )
    year_established = forms.IntegerField(
        label=_("Year established"), required=False, min_value=1800, max_value=2100
    )

    def __init__(
        self,
        *args: Any,
        existing: dict[tuple[str, str], list[tuple[str, str]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        existing = existing or {}
        self.slots: dict[tuple[str, str], int] = {}
        for kind in EDITABLE_ATTRIBUTE_KINDS:
            # Both languages get as many boxes as the longer one needs, side by side.
            slots = max(len(existing.get((kind, lang), [])) for lang in Language.values)
            for language in Language.values:
                language_label = LANGUAGE_LABELS[language]
                items = existing.get((kind, language), [])
                self.slots[(kind, language)] = slots + NEW_ITEM_SLOTS
                for index in range(slots + NEW_ITEM_SLOTS):
                    title, text = items[index] if index < len(items) else ("", "")
                    label = _("%(section)s (%(language)s), item %(n)s") % {
                        "section": ATTRIBUTE_LABELS.get(kind, kind),
                        "language": language_label,
                        "n": index + 1,
                    }
                    if kind in TITLED_KINDS:
                        self.fields[attribute_field_name(kind, language, index, "title")] = (
                            forms.CharField(
                                label=_("%(item)s: title") % {"item": label},
                                required=False,
                                max_length=registry_services.ITEM_TITLE_MAX,
                                initial=title,
                                widget=forms.TextInput(attrs={"lang": language}),
                            )
                        )
                    self.fields[attribute_field_name(kind, language, index)] = forms.CharField(
                        label=label,
                        required=False,
                        max_length=registry_services.ITEM_TEXT_MAX,
                        initial=text,
                        widget=forms.Textarea(
                            attrs={"rows": 2 if len(text) < 120 else 8, "lang": language}
                        ),
                    )

    def sections(self) -> list[dict[str, Any]]:
        """The profile sections for the page: per section, a column per language with its
        boxes (the English and Polish versions side by side)."""
        return [
            {
                "kind": kind,
                "label": ATTRIBUTE_LABELS.get(kind, kind),
                "columns": [
                    {
                        "language": language,
                        "label": LANGUAGE_LABELS[language],
                        "fields": [
                            self[attribute_field_name(kind, language, index, part)]
                            for index in range(self.slots[(kind, language)])
                            for part in (("title", "text") if kind in TITLED_KINDS else ("text",))
                        ],
                    }
                    for language in Language.values
                ],
            }
            for kind in EDITABLE_ATTRIBUTE_KINDS
        ]

    def attribute_edits(self) -> dict[tuple[str, str], list[str | tuple[str, str]]]:
        edits: dict[tuple[str, str], list[str | tuple[str, str]]] = {}
        for (kind, language), count in self.slots.items():
            items: list[str | tuple[str, str]] = []
            for index in range(count):
                text = self.cleaned_data[attribute_field_name(kind, language, index)]
                title = self.cleaned_data.get(attribute_field_name(kind, language, index, "title"))
                items.append((title or "", text) if kind in TITLED_KINDS else text)
            edits[(kind, language)] = items
        return edits


class MemberAddForm(forms.Form):
    """Ask an organisation to be listed in the cluster; it joins once it accepts."""

    organization = forms.SlugField(
        label=_("Organization (the last part of its page address)"),
        help_text=_("For example politechnika-lubelska for /organizations/politechnika-lubelska/."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, initial="member")
    listed_as = forms.ChoiceField(label=_("Listed as"), choices=HELIX_CHOICES, required=False)
    message = forms.CharField(
        label=_("Message to the organization"),
        required=False,
        max_length=registry_services.REQUEST_MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional, shown to the cluster)"),
        required=False,
        max_length=registry_services.REQUEST_MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)
    listed_as = forms.ChoiceField(label=_("Listed as"), choices=HELIX_CHOICES, required=False)


class FigureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Figure"), choices=choices(FIGURE_LABELS))
    value = forms.IntegerField(label=_("Value"), min_value=0, max_value=1_000_000)
    as_of = forms.DateField(
        label=_("As of"),
        help_text=_("A date: YYYY-MM-DD."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class OrganizationProfileForm(forms.Form):
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=registry_services.DESCRIPTION_MAX,
    )
    city = forms.CharField(label=_("City"), max_length=registry_services.CITY_MAX, required=False)
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        max_length=registry_services.WEBSITE_MAX,
    )
    year_established = forms.IntegerField(
        label=_("Year established"), required=False, min_value=1800, max_value=2100
    )
    org_type = forms.ChoiceField(
        label=_("Type"), choices=[("", "—"), *choices(ORG_TYPE_LABELS)], required=False
    )
    street_address = forms.CharField(
        label=_("Street and number"), required=False, max_length=registry_services.STREET_MAX
    )
    postal_code = forms.CharField(
        label=_("Postal code"), required=False, max_length=6, help_text=_("For example 20-001.")
    )
    voivodeship = forms.ChoiceField(
        label=_("Voivodeship"), required=False, choices=[("", "—"), *VOIVODESHIP_CHOICES]
    )
    nip = forms.CharField(label="NIP", required=False, max_length=40)
    regon = forms.CharField(label="REGON", required=False, max_length=40)
    krs = forms.CharField(
        label=_("KRS number"),
        required=False,
        max_length=40,
        help_text=_(
            "Changing a registry number of a verified organization is flagged for the "
            "coordinators of its clusters to check."
        ),
    )


class OrganizationClassificationForm(forms.Form):
    helix_role = forms.ChoiceField(label=_("Helix role"), choices=HELIX_CHOICES, required=False)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=account_services.EMAIL_MAX)


class ContactPersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=account_services.FULL_NAME_MAX)
    email = forms.EmailField(
        label=_("E-mail address"), required=False, max_length=account_services.EMAIL_MAX
    )
    phone = forms.CharField(label=_("Phone"), max_length=account_services.PHONE_MAX, required=False)
    position_title = forms.CharField(
        label=_("Position"), max_length=account_services.POSITION_TITLE_MAX, required=False
    )
    consent_given = forms.BooleanField(
        label=_("The person agreed to be shown as a public contact"), required=True
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=account_services.TOKEN_NAME_MAX)


# -- organisation onboarding ----------------------------------------------------------------

HELIX_PROPOSED = [("", _("As its type suggests")), *HELIX_CHOICES[1:]]


class OrganizationSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, NIP, REGON or KRS of your organization"),
        required=False,
        max_length=registry_services.NAME_MAX,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "organization"}),
    )


class ClaimForm(forms.Form):
    message = forms.CharField(
        label=_("Who are you at the organization?"),
        help_text=_("For example your position; the person who verifies your request reads it."),
        required=False,
        max_length=account_services.CLAIM_MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OrganizationRegisterForm(forms.Form):
    """A new organisation; the helix role is proposed from the type and confirmed."""

    name = forms.CharField(
        label=_("Full name of the organization"), max_length=registry_services.NAME_MAX
    )
    org_type = forms.ChoiceField(label=_("Type"), choices=choices(ORG_TYPE_LABELS))
    helix_role = forms.ChoiceField(
        label=_("Helix role"),
        choices=HELIX_PROPOSED,
        required=False,
        help_text=_(
            "Business, business environment institution, academia, public authority or civil "
            "society. Left as it is, we propose one from the type for you to confirm."
        ),
    )
    nip = forms.CharField(label="NIP", required=False, max_length=40)
    regon = forms.CharField(label="REGON", required=False, max_length=40)
    krs = forms.CharField(label=_("KRS number"), required=False, max_length=40)
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        max_length=registry_services.WEBSITE_MAX,
    )
    street_address = forms.CharField(
        label=_("Street and number"), required=False, max_length=registry_services.STREET_MAX
    )
    postal_code = forms.CharField(
        label=_("Postal code"), required=False, max_length=6, help_text=_("For example 20-001.")
    )
    city = forms.CharField(label=_("City"), required=False, max_length=registry_services.CITY_MAX)
    voivodeship = forms.ChoiceField(
        label=_("Voivodeship"), required=False, choices=[("", "—"), *VOIVODESHIP_CHOICES]
    )
    cluster = forms.ChoiceField(
        label=_("Cluster your organization is a member of"),
        required=False,
        help_text=_("Its coordinator verifies your request; otherwise the city office does."),
    )
    description = forms.CharField(
        label=_("What the organization does"),
        required=False,
        max_length=registry_services.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    message = ClaimForm.base_fields["message"]
    different_from_similar = forms.BooleanField(
        label=_("My organization is none of the similar ones listed above"), required=False
    )

    def __init__(self, *args: Any, clusters: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [  # type: ignore[attr-defined]
            ("", _("None, or I do not know")),
            *clusters,
        ]


class DeclineClaimForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the person who asked)"),
        required=False,
        max_length=account_services.CLAIM_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
