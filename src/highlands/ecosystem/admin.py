"""Django admin for city administrators and staff (imports stay the write path for sources)."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    Cluster,
    ClusterAlias,
    ClusterAttribute,
    DataQualityIssue,
    FigureObservation,
    Highland,
    HighlandCluster,
    Membership,
    Organization,
    OrganizationAlias,
    SourceDocument,
)

PROVENANCE_FIELDS = ["source", "line_start", "line_end"]


class ProvenanceAdmin(admin.ModelAdmin):
    readonly_fields = PROVENANCE_FIELDS


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "line_count", "as_of", "imported_at")
    readonly_fields = ("sha256", "content", "intro", "imported_at", "line_count")
    search_fields = ("name", "sha256")


class HighlandClusterInline(admin.TabularInline):
    model = HighlandCluster
    extra = 0
    autocomplete_fields = ("cluster",)
    readonly_fields = PROVENANCE_FIELDS


@admin.register(Highland)
class HighlandAdmin(ProvenanceAdmin):
    list_display = ("name", "name_pl", "position")
    search_fields = ("name", "name_pl")
    inlines = [HighlandClusterInline]


class ClusterAliasInline(admin.TabularInline):
    model = ClusterAlias
    extra = 0
    readonly_fields = ("normalized", "source", "line_start", "line_end")


class ClusterAttributeInline(admin.TabularInline):
    model = ClusterAttribute
    extra = 0
    fields = ("kind", "position", "language", "title", "text")


class FigureInline(admin.TabularInline):
    model = FigureObservation
    extra = 0
    fields = ("kind", "value", "as_of", "as_of_basis", "source")
    readonly_fields = ("source",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("organization",)
    fields = ("organization", "role", "listed_as", "position")


@admin.register(Cluster)
class ClusterAdmin(ProvenanceAdmin):
    list_display = ("display_name", "year_established", "coordinator_stated", "parent")
    list_filter = ("highlands", "is_synthetic")
    search_fields = ("display_name", "name", "name_pl", "aliases__name")
    inlines = [ClusterAliasInline, FigureInline, ClusterAttributeInline, MembershipInline]


class OrganizationAliasInline(admin.TabularInline):
    model = OrganizationAlias
    extra = 0
    readonly_fields = ("normalized", "source", "line_start", "line_end")


@admin.register(Organization)
class OrganizationAdmin(ProvenanceAdmin):
    list_display = ("name", "helix_role", "org_type", "year_established")
    list_filter = ("helix_role", "org_type", "is_synthetic")
    search_fields = ("name", "normalized_name", "aliases__name")
    readonly_fields = ["normalized_name", *PROVENANCE_FIELDS]
    inlines = [OrganizationAliasInline]


@admin.register(DataQualityIssue)
class DataQualityIssueAdmin(ProvenanceAdmin):
    list_display = ("code", "severity", "cluster", "highland", "organization", "resolved")
    list_filter = ("severity", "code", "resolved")
    search_fields = ("message",)
    readonly_fields = ["fingerprint", *PROVENANCE_FIELDS]
