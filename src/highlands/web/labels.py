"""Translatable UI labels for the registry's stored codes (the models keep plain codes)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..ecosystem.labels import MEMBERSHIP_ROLE_LABELS as MEMBERSHIP_ROLE_LABELS

HELIX_LABELS = {
    "business": _("Business"),
    "bei": _("Business environment institutions"),
    "academia": _("Academia"),
    "public_authority": _("Public authority"),
    "civil_society": _("Civil society"),
    "unknown": _("Role not stated"),
}
# Fill colours of the helix chart; each passes 3:1 contrast against white.
HELIX_COLOURS = {
    "business": "#0b5cad",
    "bei": "#8a4b00",
    "academia": "#1a7f37",
    "public_authority": "#8250df",
    "civil_society": "#bf3989",
}
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
