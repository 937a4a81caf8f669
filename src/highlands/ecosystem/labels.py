"""Translatable words for the registry's stored codes (helix roles, figures, profile sections,
organisation types, languages, data-quality flags, membership roles) and the choice lists
forms build from them: one place for the portal, the workspace, the marketplace and the
services' e-mails."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..text.places import VOIVODESHIP_NAMES

MEMBERSHIP_ROLE_LABELS = {
    "coordinator": _("coordinator"),
    "founder": _("founder"),
    "member": pgettext_lazy("membership role", "member"),
}

HELIX_LABELS = {
    "business": _("Business"),
    "bei": _("Business environment institutions"),
    "academia": _("Academia"),
    "public_authority": _("Public authority"),
    "civil_society": _("Civil society"),
    "unknown": _("Role not stated"),
}
# The order of helix roles in charts and tables.
HELIX_ORDER = ("business", "bei", "academia", "public_authority", "civil_society")
FIGURE_LABELS = {
    "members": _("Members"),
    "enterprises": _("Enterprises"),
    "business_environment_institutions": _("Business environment institutions"),
    "universities": _("Universities"),
    "member_clusters": _("Member clusters"),
}
ATTRIBUTE_LABELS = {
    "characteristics": _("Characteristics"),
    "mission": _("Mission"),
    "goal": _("Goals"),
    "means": _("Achieves its goals through"),
    "activity": _("Activities"),
    "benefit": _("What members gain"),
    "service": _("Services offered"),
    "product": _("Products offered"),
    "membership_condition": _("Membership conditions"),
    "flagship_project": _("Flagship projects"),
    "coordinator_info": _("About the coordinator"),
    "contact": _("Contact"),
}
SEVERITY_LABELS = {
    "error": _("Error"),
    "warning": _("Warning"),
    "info": _("Info"),
}
ORG_TYPE_LABELS = {
    "company": _("Company"),
    "association": _("Association"),
    "foundation": _("Foundation"),
    "university": _("University"),
    "research_institute": _("Research institute"),
    "municipality": _("Municipality"),
    "public_agency": _("Public agency"),
    "technology_park": _("Technology park"),
    "agency": _("Development agency"),
    "other": _("Other"),
}
AS_OF_BASIS_LABELS = {
    "stated": _("stated in the source"),
    "given": _("given at import"),
    "imported": _("date of import; the source states none"),
}
SORT_LABELS = {
    "document": _("Order of the source"),
    "name": _("Name A–Z"),
    "-name": _("Name Z–A"),
    "year": _("Oldest first"),
    "-year": _("Newest first"),
    "size": _("Smallest first (stated members)"),
    "-size": _("Largest first (stated members)"),
}
# How a profile says a cluster can be reached (the source names the channel, not the address).
CONTACT_LABELS = {
    "website": _("website"),
    "fan page": _("fan page"),
}
# The official names of the voivodeships are Polish in every language.
VOIVODESHIP_LABELS = VOIVODESHIP_NAMES
LANGUAGE_LABELS = {
    "en": _("English"),
    "pl": _("Polish"),
}
# Plain-language titles of data-quality flags. The stored message is the evidence: it quotes
# the source (in English) and is shown under the title; the code itself only behind "details".
ISSUE_LABELS = {
    "coordinator_is_person": _("The coordinator is a person, not an organisation"),
    "coordinator_legal_form_differs": _("The coordinator's legal form differs in the text"),
    "coordinator_named_differently": _("The coordinator is named in two ways"),
    "coordinator_only_in_text": _("The coordinator is named only in the text"),
    "count_disagrees_with_list": _("A stated count differs from the members listed by name"),
    "count_disagrees_with_text": _("A stated count differs from the text"),
    "missing_coordinator": _("No coordinator is named"),
    "missing_name": _("No name is stated"),
    "name_from_text": _("The name is taken from the text"),
    "name_variant": _("The text also uses another name"),
    "parts_do_not_add_up": _("The parts do not add up to the stated total"),
    "unparseable_value": _("A value could not be read"),
    "unterminated_quote": _("A quotation mark is never closed"),
    "year_disagrees_with_text": _("The year differs from the text"),
    "duplicate_profile": _("The same profile appears twice"),
    "highland_cluster_inferred": _("The cluster of this highland is inferred"),
    "highland_cluster_unresolved": _("The cluster this highland names was not found"),
    "highland_count_inconsistent": _("The number of highlands is inconsistent"),
    "highland_without_cluster": _("No cluster is named for this highland"),
    "admission_rule_broken": _("A member's stated facts no longer meet the admission rules"),
    "identifier_changed": _(
        "A representative changed the organisation's registry numbers after verification"
    ),
}
ISSUE_FALLBACK_LABEL = _("A gap or contradiction in the source")


def issue_label(code: str) -> str:
    """The plain-language title of a data-quality flag (any code, also a future one)."""
    return str(ISSUE_LABELS.get(code, ISSUE_FALLBACK_LABEL))


def choices(labels: dict) -> list[tuple[str, str]]:
    """Form choices from one of the label maps above (values stay the stored codes)."""
    return list(labels.items())
