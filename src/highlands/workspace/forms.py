"""Input forms of the workspace; they only parse input, the services decide and write."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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

TITLED_KINDS = {"flagship_project"}
LANGUAGES = tuple(Language.values)  # the editor's columns: English, then Polish

# A profile section's items as the editor shows them: rows of one item in each language,
# so both languages always have as many boxes ("equal slots") and an item's English and
# Polish versions stay side by side when rows are added, removed or moved.
Item = tuple[str, str]  # (title, text); only flagship projects have a title
Row = dict[str, Item]  # language -> item
Rows = dict[str, list[Row]]  # section kind -> its rows, in order


def attribute_field_name(kind: str, language: str, index: int, part: str = "text") -> str:
    return f"{kind}__{language}__{index}__{part}"


def rows_field_name(kind: str) -> str:
    """The hidden field that says how many rows of a section the page posts."""
    return f"{kind}__rows"


def _empty_row() -> Row:
    return dict.fromkeys(LANGUAGES, ("", ""))


def rows_from_items(items: Mapping[tuple[str, str], list[Item]]) -> Rows:
    """The saved sections as rows: as many as the longer language needs, at least one (an
    empty section starts with a row to write in)."""
    rows: Rows = {}
    for kind in EDITABLE_ATTRIBUTE_KINDS:
        count = max(1, *(len(items.get((kind, language), [])) for language in LANGUAGES))
        rows[kind] = [
            {
                language: (
                    items[(kind, language)][index]
                    if index < len(items.get((kind, language), []))
                    else ("", "")
                )
                for language in LANGUAGES
            }
            for index in range(count)
        ]
    return rows


def posted_row_count(data: Mapping[str, Any], kind: str) -> int | None:
    """How many rows of a section a form posted: its row counter, else one past the highest
    row posted; ``None`` when the section was not posted at all (it is then left as it is)."""
    raw = str(data.get(rows_field_name(kind), ""))
    if raw.isascii() and raw.isdigit():
        return int(raw)
    indexes = [
        int(parts[2])
        for key in data
        if key.startswith(f"{kind}__")
        and len(parts := key.split("__")) == 4
        and parts[2].isascii()
        and parts[2].isdigit()
    ]
    return max(indexes) + 1 if indexes else None


def rows_from_post(data: Mapping[str, Any], *, saved: Rows) -> Rows:
    """The rows a page posted, with what was typed in them (a section the post does not
    carry keeps its ``saved`` rows); never more than a section may hold."""
    rows: Rows = {}
    for kind in EDITABLE_ATTRIBUTE_KINDS:
        count = posted_row_count(data, kind)
        if count is None:
            rows[kind] = [dict(row) for row in saved[kind]]
            continue
        rows[kind] = [
            {
                language: (
                    str(data.get(attribute_field_name(kind, language, index, "title"), ""))
                    if kind in TITLED_KINDS
                    else "",
                    str(data.get(attribute_field_name(kind, language, index), "")),
                )
                for language in LANGUAGES
            }
            for index in range(min(count, registry_services.ITEMS_MAX))
        ]
    return rows


class InvalidRowActionError(ValueError):
    """A posted add/remove/move that names no section or row of the page."""


@dataclass(frozen=True)
class RowAction:
    kind: str
    verb: str  # "add", "remove", "up" or "down"
    index: int = 0


@dataclass(frozen=True)
class RowChange:
    message: str  # said to the person (the page's live region), in the page's language
    focus: str  # the field name or button key that takes the focus afterwards


def row_action(data: Mapping[str, Any]) -> RowAction | None:
    """The row button a page posted (``add=goal``, ``remove=goal:2``, ``move=goal:2:up``), or
    ``None`` for "Save"."""
    if "add" in data:
        kind, verb, index = str(data["add"]), "add", "0"
    elif "remove" in data:
        kind, _sep, index = str(data["remove"]).partition(":")
        verb = "remove"
    elif "move" in data:
        kind, _sep, rest = str(data["move"]).partition(":")
        index, _sep, verb = rest.partition(":")
        if verb not in ("up", "down"):
            raise InvalidRowActionError(verb)
    else:
        return None
    if kind not in EDITABLE_ATTRIBUTE_KINDS or not (index.isascii() and index.isdigit()):
        raise InvalidRowActionError(kind)
    return RowAction(kind=kind, verb=verb, index=int(index))


def _first_field(kind: str, index: int) -> str:
    return attribute_field_name(
        kind, LANGUAGES[0], index, "title" if kind in TITLED_KINDS else "text"
    )


def apply_row_action(rows: Rows, action: RowAction) -> RowChange:
    """Add, remove or move a row of ``rows`` in place (in both languages at once); say what
    changed and where the focus goes.  Nothing is saved: only "Save" writes."""
    section = rows[action.kind]
    label = ATTRIBUTE_LABELS.get(action.kind, action.kind)
    index = action.index
    if action.verb == "add":
        if len(section) >= registry_services.ITEMS_MAX:
            return RowChange(
                message=_("%(section)s holds at most %(max)s items.")
                % {"section": label, "max": registry_services.ITEMS_MAX},
                focus=_first_field(action.kind, len(section) - 1),
            )
        section.append(_empty_row())
        return RowChange(
            message=_("Item %(n)s added to %(section)s, in English and in Polish.")
            % {"n": len(section), "section": label},
            focus=_first_field(action.kind, len(section) - 1),
        )
    if not 0 <= index < len(section):
        raise InvalidRowActionError(index)
    if action.verb == "remove":
        del section[index]
        if section:
            focus = _first_field(action.kind, min(index, len(section) - 1))
        else:
            focus = f"add:{action.kind}"
        return RowChange(
            message=_("Item %(n)s removed from %(section)s; %(left)s left.")
            % {"n": index + 1, "section": label, "left": len(section)},
            focus=focus,
        )
    target = index - 1 if action.verb == "up" else index + 1
    if not 0 <= target < len(section):
        raise InvalidRowActionError(target)
    section[index], section[target] = section[target], section[index]
    # The same button again if the row can move further that way, else the other one.
    further = target - 1 >= 0 if action.verb == "up" else target + 1 < len(section)
    verb = action.verb if further else ("down" if action.verb == "up" else "up")
    return RowChange(
        message=_("Item moved to position %(n)s of %(count)s in %(section)s.")
        % {"n": target + 1, "count": len(section), "section": label},
        focus=f"{verb}:{action.kind}:{target}",
    )


class ClusterProfileForm(forms.Form):
    """Names, year, and each profile section as rows of one item in English and Polish (a
    flagship project also has a title); an emptied box leaves its item out."""

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

    def __init__(self, *args: Any, rows: Rows, focus: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.focus = focus
        posted = {kind: posted_row_count(self.data, kind) for kind in EDITABLE_ATTRIBUTE_KINDS}
        # Only the sections the page posted are saved; the others are left as they are.
        self.posted_kinds = [k for k, n in posted.items() if n is not None or not self.is_bound]
        self.too_long = [k for k, n in posted.items() if (n or 0) > registry_services.ITEMS_MAX]
        for kind, section in rows.items():
            for index, row in enumerate(section):
                longest = max(len(text) for _title, text in row.values())
                height = 2 if longest < 120 else min(12, 3 + longest // 90)
                for language in LANGUAGES:
                    title, text = row[language]
                    label = _("%(section)s (%(language)s), item %(n)s") % {
                        "section": ATTRIBUTE_LABELS.get(kind, kind),
                        "language": LANGUAGE_LABELS[language],
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
                        widget=forms.Textarea(attrs={"rows": height, "lang": language}),
                    )
        if focus in self.fields:
            self.fields[focus].widget.attrs["autofocus"] = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for kind in self.too_long:
            self.add_error(
                None,
                _("%(section)s holds at most %(max)s items.")
                % {
                    "section": ATTRIBUTE_LABELS.get(kind, kind),
                    "max": registry_services.ITEMS_MAX,
                },
            )
        for titled in TITLED_KINDS & set(self.posted_kinds):
            for index in range(len(self.rows[titled])):
                for language in LANGUAGES:
                    text = attribute_field_name(titled, language, index)
                    title = attribute_field_name(titled, language, index, "title")
                    if cleaned.get(title, "").strip() and not cleaned.get(text, "").strip():
                        self.add_error(
                            text, _("Write the text under this title, or empty the title.")
                        )
        return cleaned

    def section(self, kind: str) -> dict[str, Any]:
        """One profile section for the page: its rows, each with the English and the Polish
        item side by side and the buttons that move or remove the row."""
        rows = self.rows[kind]
        parts = ("title", "text") if kind in TITLED_KINDS else ("text",)
        return {
            "kind": kind,
            "label": ATTRIBUTE_LABELS.get(kind, kind),
            "rows_field": rows_field_name(kind),
            "count": len(rows),
            "can_add": len(rows) < registry_services.ITEMS_MAX,
            "max": registry_services.ITEMS_MAX,
            "add_focus": self.focus == f"add:{kind}",
            "rows": [
                {
                    "label": _("Item %(n)s") % {"n": index + 1},
                    "up": f"{kind}:{index}:up" if index > 0 else "",
                    "down": f"{kind}:{index}:down" if index < len(rows) - 1 else "",
                    "remove": f"{kind}:{index}",
                    "focus": self.focus.partition(":")[0]
                    if self.focus in (f"up:{kind}:{index}", f"down:{kind}:{index}")
                    else "",
                    "cells": [
                        {
                            "language": language,
                            "fields": [
                                (
                                    self[attribute_field_name(kind, language, index, part)],
                                    _TITLED_LABELS[part] % {"language": LANGUAGE_LABELS[language]}
                                    if kind in TITLED_KINDS
                                    else LANGUAGE_LABELS[language],
                                )
                                for part in parts
                            ],
                        }
                        for language in LANGUAGES
                    ],
                }
                for index in range(len(rows))
            ],
        }

    def sections(self) -> list[dict[str, Any]]:
        return [self.section(kind) for kind in EDITABLE_ATTRIBUTE_KINDS]

    def attribute_edits(self) -> dict[tuple[str, str], list[str | tuple[str, str]]]:
        """The posted sections, in the service's terms: (kind, language) -> items in order."""
        edits: dict[tuple[str, str], list[str | tuple[str, str]]] = {}
        for kind in self.posted_kinds:
            for language in LANGUAGES:
                items: list[str | tuple[str, str]] = []
                for index in range(len(self.rows[kind])):
                    text = self.cleaned_data[attribute_field_name(kind, language, index)]
                    if kind in TITLED_KINDS:
                        title = self.cleaned_data[
                            attribute_field_name(kind, language, index, "title")
                        ]
                        items.append((title, text))
                    else:
                        items.append(text)
                edits[(kind, language)] = items
        return edits


_TITLED_LABELS = {"title": _("%(language)s: title"), "text": _("%(language)s: text")}


class MemberAddForm(forms.Form):
    """Ask an organisation to be listed in the cluster; it joins once it accepts.  It is named
    as people know it (search as you type, in either language) and, when the name means more
    than one organisation, chosen in the list of candidates."""

    organization = forms.CharField(
        label=_("Organization"),
        max_length=registry_services.NAME_MAX,
        help_text=_(
            "Type its name or part of it, in English or Polish, or its NIP, REGON or KRS "
            "number; then choose it in the list."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    # The radio button chosen in the list of candidates (rendered with the list).
    choice = forms.SlugField(required=False, max_length=160, widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, initial="member")
    listed_as = forms.ChoiceField(label=_("Listed as"), choices=HELIX_CHOICES, required=False)
    message = forms.CharField(
        label=_("Message to the organization"),
        required=False,
        max_length=registry_services.REQUEST_MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, search_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Search as you type (htmx): the candidates replace the list under the box.
        self.fields["organization"].widget.attrs.update(
            {
                "hx-get": search_url,
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#member-candidates",
                "hx-swap": "outerHTML",
                "hx-sync": "this:replace",
                "hx-include": "#member-candidates",  # the radio chosen, kept checked
                "aria-controls": "member-candidates",
            }
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
