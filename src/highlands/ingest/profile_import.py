"""Importing profile text (the source document's style) into the registry.

``profile_document_import`` is the only way profile text reaches the database; the CLI, tests
and (later) the upload view all call it.  It writes through ``upsert`` (one transaction,
natural keys, the shared rules); re-importing the same file changes nothing.  The profile
*defines* the clusters it describes (found by their name's slug) and their text attributes;
organisations it names are merged by normalised name or a known alias and only have their
blank fields filled.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from ..ecosystem.models import (
    AttributeKind,
    Cluster,
    ClusterAlias,
    ClusterAttribute,
    DataQualityIssue,
    FigureObservation,
    Highland,
    HighlandCluster,
    HighlandCooperation,
    Membership,
    Organization,
    OrganizationAlias,
    SourceDocument,
)
from ..ecosystem.search_documents import DocumentKind
from ..errors import SourceImportError
from ..search.indexing import enqueue_many
from ..text.folding import tokens
from ..text.names import normalize_name
from ..text.slugs import make_slug
from .parsers.profile_text import ProfileParseError, parse_profile_text
from .records import ClusterRecord, DocumentRecord, IssueRecord, Span
from .sources import SourceFile, decode_text
from .upsert import (
    Batch,
    ImportReport,
    Slugs,
    audit_import,
    figure_date,
    fingerprint,
    import_transaction,
)

NO_PROFILE = "{name}: {reason}"
_ATTRIBUTE_KINDS = set(AttributeKind.values)


NO_PROFILE = "{name}: {reason}"
_ATTRIBUTE_KINDS = set(AttributeKind.values)


def profile_document_import(
    *,
    source: SourceFile,
    as_of: date | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    actor: Any = None,
) -> ImportReport:
    """Parse a profile-text source and upsert everything it states, atomically."""
    text = decode_text(source, encoding)
    try:
        document = parse_profile_text(text)
    except ProfileParseError as exc:
        raise SourceImportError(
            NO_PROFILE.format(name=source.name, reason=exc), code="no_profile"
        ) from exc
    report = ImportReport(source=source.name, kind=source.kind, dry_run=dry_run)
    with import_transaction(dry_run=dry_run):
        upsert = _Upsert(source, document, as_of, report)
        upsert.text = text
        upsert.run()
        # Keep search current: reindexed by the one index writer after commit.
        enqueue_many(DocumentKind.CLUSTER, upsert.clusters_seen)
        enqueue_many(DocumentKind.ORGANIZATION, sorted(upsert.orgs_seen))
        audit_import(actor=actor, source=upsert.source, report=report)
    return report


class _Upsert:
    """Compare-then-write upsert of one parsed document (counts what really changed)."""

    def __init__(
        self, source: SourceFile, document: DocumentRecord, as_of: date | None, report: ImportReport
    ) -> None:
        self.source_file = source
        self.document = document
        self.as_of = as_of
        self.report = report
        self.orgs_seen: set[int] = set()
        self.clusters_seen: list[int] = []
        self.text = ""

    def _provenance(self, span: Span | None) -> dict[str, Any]:
        return {
            "source_id": self.source.pk,
            "line_start": span.start if span else None,
            "line_end": span.end if span else None,
        }

    # -- run
    def run(self) -> None:
        self.source = self._source_document()
        highlands = self._highlands()
        pairs = self._clusters()
        orgs = self._organizations(pairs)
        self._cluster_children(pairs, orgs)
        self.clusters_seen = [cluster.pk for _record, cluster in pairs]
        self.orgs_seen = {org.pk for org in orgs.values()}
        highland_issues = self._highland_links(highlands)
        for issue in self.document.issues:
            if issue.subject_key in highlands:
                highland_issues[issue.subject_key].append(issue)
            else:
                highland_issues.setdefault("", []).append(issue)
        self._issues(pairs, highlands, highland_issues)
        self.report.highlands = len(highlands)
        self.report.issues = DataQualityIssue.objects.filter(source=self.source).count()

    def _source_document(self) -> SourceDocument:
        values = {
            "name": self.source_file.name,
            "kind": self.source_file.kind,
            "title": self.document.title[:255],
            "line_count": self.document.line_count,
            "content": self.text,
            "intro": self.document.intro,
        }
        batch = Batch(
            SourceDocument,
            ("sha256",),
            SourceDocument.objects.filter(sha256=self.source_file.sha256),
            self.report,
        )
        source = batch.put((self.source_file.sha256,), values)
        batch.flush()
        return source

    def _highlands(self) -> dict[str, Highland]:
        batch = Batch(Highland, ("slug",), Highland.objects.all(), self.report)
        result = {}
        for position, record in enumerate(self.document.highlands, start=1):
            result[record.name] = batch.put(
                (make_slug(record.short_name),),
                {
                    "name": record.name,
                    "short_name": record.short_name,
                    "description": record.description,
                    "position": position,
                    **self._provenance(record.span),
                },
                source_id=self.source.pk,
            )
        batch.flush()
        coop = Batch(
            HighlandCooperation,
            ("from_highland_id", "to_highland_id"),
            HighlandCooperation.objects.all(),
            self.report,
        )
        for cooperation in self.document.cooperations:
            a, b = result.get(cooperation.a), result.get(cooperation.b)
            if a is None or b is None:
                continue
            for left, right in ((a, b), (b, a)):
                coop.put(
                    (left.pk, right.pk),
                    {"basis": cooperation.basis, **self._provenance(cooperation.span)},
                    source_id=self.source.pk,
                )
        coop.flush()
        return result

    @staticmethod
    def _cluster_slug(record: ClusterRecord) -> str:
        if record.name:
            return make_slug(record.name)
        # No name stated: a stable key from what is stated, never an invented name.
        basis = " ".join(
            str(p) for p in ("unnamed", record.coordinator or "", record.year_established or "")
        )
        return make_slug(basis)

    @staticmethod
    def _display_name(record: ClusterRecord) -> str:
        if record.name:
            return record.name
        details = [
            d
            for d in (
                f"coordinator: {record.coordinator}" if record.coordinator else "",
                f"est. {record.year_established}" if record.year_established else "",
            )
            if d
        ]
        return "Unnamed cluster" + (f" ({', '.join(details)})" if details else "")

    def _clusters(self) -> list[tuple[ClusterRecord, Cluster]]:
        """Upsert clusters, parents before their sub-clusters; flags for duplicates."""
        batch = Batch(Cluster, ("slug",), Cluster.objects.all(), self.report)
        pairs: list[tuple[ClusterRecord, Cluster]] = []
        self.skipped: list[ClusterRecord] = []

        def put(record: ClusterRecord, position: int, parent: Cluster | None) -> Cluster:
            return batch.put(
                (self._cluster_slug(record),),
                {
                    "name": record.name,
                    "name_basis": record.name_basis,
                    "display_name": self._display_name(record)[:255],
                    "parent_id": parent.pk if parent else None,
                    "year_established": record.year_established,
                    "coordinator_stated": record.coordinator,
                    "contact_kind": record.contact_kind,
                    "position": position,
                    **self._provenance(record.span),
                },
            )

        for position, record in enumerate(self.document.clusters, start=1):
            if any(i.code == "duplicate_profile" for i in record.issues):
                self.skipped.append(record)
                continue
            pairs.append((record, put(record, position * 10, None)))
            self.report.clusters += 1
        batch.flush()
        for record, parent in list(pairs):
            for sub_position, sub in enumerate(record.sub_clusters, start=1):
                pairs.append((sub, put(sub, parent.position + sub_position, parent)))
                self.report.sub_clusters += 1
        batch.flush()
        return pairs

    def _organizations(self, pairs: list[tuple[ClusterRecord, Cluster]]) -> dict[str, Organization]:
        """Upsert every organisation named, merged by normalized name or a known alias."""
        batch = Batch(Organization, ("normalized_name",), Organization.objects.all(), self.report)
        by_alias = {
            a.normalized: a.organization
            for a in OrganizationAlias.objects.select_related("organization")
        }
        slugs = Slugs(Organization)
        resolved: dict[str, Organization] = {}
        for record in (o for r, _ in pairs for o in r.organizations):
            key = normalize_name(record.name)
            org: Organization | None
            if key in resolved:
                org = resolved[key]
            elif batch.get((key,)) is None and key in by_alias:
                org = by_alias[key]
            else:
                stated = {
                    "helix_role": record.helix_role,
                    "helix_role_basis": record.helix_role_basis[:255],
                    "org_type": record.org_type,
                    "year_established": record.year_established,
                }
                if batch.get((key,)) is None:
                    org = batch.put(
                        (key,),
                        {
                            "slug": slugs.new(record.name),
                            "name": record.name,
                            **stated,
                            **self._provenance(record.span),
                        },
                    )
                else:
                    org = batch.fill((key,), stated)
            resolved[key] = org
        batch.flush()
        return resolved

    def _cluster_children(
        self, pairs: list[tuple[ClusterRecord, Cluster]], orgs: dict[str, Organization]
    ) -> None:
        cluster_ids = [c.pk for _, c in pairs]
        memberships = Batch(
            Membership,
            ("organization_id", "cluster_id", "role"),
            Membership.objects.filter(cluster_id__in=cluster_ids),
            self.report,
        )
        figures = Batch(
            FigureObservation,
            ("cluster_id", "kind", "source_id"),
            FigureObservation.objects.filter(cluster_id__in=cluster_ids, source=self.source),
            self.report,
        )
        cluster_aliases = Batch(
            ClusterAlias,
            ("cluster_id", "normalized"),
            ClusterAlias.objects.filter(cluster_id__in=cluster_ids),
            self.report,
        )
        org_aliases = Batch(
            OrganizationAlias,
            ("organization_id", "normalized"),
            OrganizationAlias.objects.filter(organization_id__in=[o.pk for o in orgs.values()]),
            self.report,
        )
        attributes = Batch(
            ClusterAttribute,
            ("cluster_id", "kind", "position", "language"),
            ClusterAttribute.objects.filter(cluster_id__in=cluster_ids, language="en"),
            self.report,
        )
        if self.as_of is not None:
            new_as_of = (self.as_of, FigureObservation.AsOfBasis.GIVEN)
        else:
            new_as_of = (timezone.localdate(), FigureObservation.AsOfBasis.IMPORTED)
        for record, cluster in pairs:
            for figure in record.figures:
                key = (cluster.pk, figure.kind, self.source.pk)
                as_of, basis = figure_date(figures.existing.get(key), *new_as_of)
                figures.put(
                    key,
                    {
                        "value": figure.value,
                        "as_of": as_of,
                        "as_of_basis": basis,
                        "raw": figure.raw[:255],
                        "line_start": figure.span.start,
                        "line_end": figure.span.end,
                    },
                )
            for alias, span in record.aliases:
                cluster_aliases.put(
                    (cluster.pk, normalize_name(alias)),
                    {"name": alias, **self._provenance(span)},
                    source_id=self.source.pk,
                )
            for position, org_record in enumerate(record.organizations, start=1):
                org = orgs[normalize_name(org_record.name)]
                memberships.put(
                    (org.pk, cluster.pk, org_record.role),
                    {
                        "listed_as": org_record.listed_as,
                        "position": position,
                        **self._provenance(org_record.span),
                    },
                    source_id=self.source.pk,
                )
                for alias, span in org_record.aliases:
                    alias_key = normalize_name(alias)
                    if alias_key != org.normalized_name:
                        org_aliases.put(
                            (org.pk, alias_key),
                            {"name": alias, **self._provenance(span)},
                            source_id=self.source.pk,
                        )
            counters: dict[str, int] = {}
            for attribute in record.attributes:
                if attribute.kind not in _ATTRIBUTE_KINDS:
                    continue
                counters[attribute.kind] = counters.get(attribute.kind, 0) + 1
                attributes.put(
                    (cluster.pk, attribute.kind, counters[attribute.kind], "en"),
                    {
                        "title": attribute.title[:255],
                        "text": attribute.text,
                        **self._provenance(attribute.span),
                    },
                )
            if record.contact_kind:
                attributes.put(
                    (cluster.pk, "contact", 1, "en"),
                    {"title": "", "text": record.contact_kind, **self._provenance(None)},
                )
        for batch in (memberships, figures, cluster_aliases, org_aliases, attributes):
            batch.flush()
        # The profile is the truth about its own text attributes: drop what it no longer says.
        stale = [o.pk for k, o in attributes.existing.items() if k not in attributes.seen]
        ClusterAttribute.objects.filter(pk__in=stale).delete()
        self.report.deleted += len(stale)
        self.report.organizations = len({o.pk for o in orgs.values()})

    # -- highland ↔ cluster
    def _resolve_cluster(self, stated: str) -> tuple[Cluster | None, bool, list[Cluster]]:
        """Find the cluster a highland text names; (cluster, inferred, candidates)."""
        key = normalize_name(stated)
        top_level = list(
            Cluster.objects.filter(parent=None, is_synthetic=False).prefetch_related(
                "memberships__organization__aliases"
            )
        )
        for cluster in top_level:
            if cluster.name and normalize_name(cluster.name) == key:
                return cluster, False, []
        alias = ClusterAlias.objects.filter(normalized=key).select_related("cluster").first()
        if alias:
            return alias.cluster, False, []
        # Distinctive words shared with exactly one cluster's name (and its coordinator's
        # former names): link, but say it was inferred.
        generic = {"cluster", "lublin", "and", "of", "the", "in", "for", "lubelski", "klaster"}
        words = set(tokens(stated)) - generic
        candidates = []
        for cluster in top_level:
            own = set(tokens(cluster.name or ""))
            names = [
                a.name
                for m in cluster.memberships.all()
                if m.role == "coordinator"
                for a in m.organization.aliases.all()
            ]
            shared = words & (own | {t for n in names for t in tokens(n)})
            if words & own:
                candidates.append((len(shared), cluster))
        candidates.sort(key=lambda c: -c[0])
        if len(candidates) == 1 or (len(candidates) > 1 and candidates[0][0] > candidates[1][0]):
            return candidates[0][1], True, [c for _, c in candidates]
        return None, False, [c for _, c in candidates]

    def _highland_links(self, highlands: dict[str, Highland]) -> dict[str, list[IssueRecord]]:
        """Link highlands to the clusters their text names; return their flags."""
        links = Batch(
            HighlandCluster,
            ("highland_id", "cluster_id"),
            HighlandCluster.objects.all(),
            self.report,
        )
        flags: dict[str, list[IssueRecord]] = {}
        for record in self.document.highlands:
            highland = highlands[record.name]
            issues = flags.setdefault(record.name, [])
            if not record.cluster_refs:
                issues.append(
                    IssueRecord(
                        "highland_without_cluster",
                        "info",
                        f"The text names no cluster that the {record.name} is built on.",
                        record.span,
                    )
                )
            for stated, span, quote in record.cluster_refs:
                cluster, inferred, candidates = self._resolve_cluster(stated)
                if cluster is None:
                    names = ", ".join(c.display_name for c in candidates) or "none"
                    issues.append(
                        IssueRecord(
                            "highland_cluster_unresolved",
                            "warning",
                            f"The {record.name} is said to be built on the '{stated}', which "
                            f"matches no cluster profile (candidates: {names}); not linked.",
                            span,
                        )
                    )
                    continue
                if inferred:
                    issues.append(
                        IssueRecord(
                            "highland_cluster_inferred",
                            "warning",
                            f"The {record.name} is said to be built on the '{stated}'; no profile "
                            f"has that name. Linked to '{cluster.display_name}', which shares its "
                            "distinctive words and its coordinator's former name — please confirm.",
                            span,
                        )
                    )
                links.put(
                    (highland.pk, cluster.pk),
                    {
                        "stated_name": stated,
                        "basis": quote,
                        "inferred": inferred,
                        **self._provenance(span),
                    },
                )
        links.flush()
        return flags

    # -- data-quality flags
    def _issues(
        self,
        pairs: list[tuple[ClusterRecord, Cluster]],
        highlands: dict[str, Highland],
        highland_issues: dict[str, list[IssueRecord]],
    ) -> None:
        """Upsert every flag; drop flags this kind of source raised before but no longer does."""
        batch = Batch(
            DataQualityIssue,
            ("fingerprint",),
            DataQualityIssue.objects.filter(source__kind=self.source_file.kind),
            self.report,
        )

        def put(issue: IssueRecord, subject: dict[str, Any], target_key: str) -> None:
            batch.put(
                (fingerprint(issue.code, target_key, issue.message),),
                {
                    "code": issue.code,
                    "severity": issue.severity,
                    "message": issue.message,
                    "cluster_id": None,
                    "highland_id": None,
                    "organization_id": None,
                    **subject,
                    **self._provenance(issue.span),
                },
            )

        for record, cluster in pairs:
            for issue in record.issues:
                put(issue, {"cluster_id": cluster.pk}, cluster.slug)
        for record in self.skipped:
            for issue in record.issues:
                put(issue, {}, f"document:{self.source_file.sha256}")
        for name, issues in highland_issues.items():
            highland = highlands.get(name)
            for issue in issues:
                if highland is not None:
                    put(issue, {"highland_id": highland.pk}, highland.slug)
                else:
                    put(issue, {}, f"document:{self.source_file.sha256}")
        batch.flush()
        subjects_cluster = {c.pk for _, c in pairs}
        subjects_highland = {h.pk for h in highlands.values()}
        stale = [
            o.pk
            for key, o in batch.existing.items()
            if key not in batch.seen
            and (
                o.cluster_id in subjects_cluster
                or o.highland_id in subjects_highland
                or o.source_id == self.source.pk
            )
        ]
        DataQualityIssue.objects.filter(pk__in=stale).delete()
        self.report.deleted += len(stale)
