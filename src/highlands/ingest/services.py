"""Writing imported records into the registry: one transaction, natural keys, idempotent.

``profile_document_import`` is the only way profile text reaches the database; the CLI, tests
and (later) the upload view all call it.  Re-importing the same file changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Model
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
from ..errors import SourceImportError
from ..search.indexing import enqueue_many
from ..search.models import DocumentKind
from .normalize import make_slug, normalize_name, tokens
from .parsers.profile_text import ProfileParseError, parse_profile_text
from .records import ClusterRecord, DocumentRecord, IssueRecord, OrganizationRecord, Span
from .sources import SourceFile, decode_text

NO_PROFILE = "{name}: {reason}"
_ATTRIBUTE_KINDS = set(AttributeKind.values)


@dataclass
class ImportReport:
    source: str
    kind: str
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    clusters: int = 0
    sub_clusters: int = 0
    highlands: int = 0
    organizations: int = 0
    issues: int = 0
    warnings: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        return (
            f"{verb} {self.source}: {self.clusters} clusters ({self.sub_clusters} sub-clusters), "
            f"{self.highlands} highlands, {self.organizations} organizations; "
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.deleted} removed; {self.issues} data-quality flags."
        )


class _DryRunRollbackError(Exception):
    pass


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
    try:
        with transaction.atomic():
            upsert = _Upsert(source, document, as_of, report)
            upsert.text = text
            upsert.run()
            # Keep search current: reindexed by the one index writer after commit.
            enqueue_many(DocumentKind.CLUSTER, upsert.clusters_seen)
            enqueue_many(DocumentKind.ORGANIZATION, sorted(upsert.orgs_seen))
            if dry_run:
                raise _DryRunRollbackError
    except _DryRunRollbackError:
        pass
    return report


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()


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

    # -- generic helpers
    def _save(self, model: type[Model], lookup: dict[str, Any], values: dict[str, Any]) -> Any:
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model._default_manager.create(**lookup, **values)
            self.report.created += 1
            return obj
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, values[k])
            obj.save(update_fields=changed)
            self.report.updated += 1
        else:
            self.report.unchanged += 1
        return obj

    def _provenance(self, span: Span | None) -> dict[str, Any]:
        return {
            "source": self.source,
            "line_start": span.start if span else None,
            "line_end": span.end if span else None,
        }

    def _keep_provenance(
        self, span: Span | None, model: type[Model], lookup: dict[str, Any]
    ) -> dict[str, Any]:
        """Provenance of an existing record stays with the source that first stated it."""
        existing = model._default_manager.filter(**lookup).first()
        if existing is not None and getattr(existing, "source_id", None) not in (
            None,
            self.source.pk,
        ):
            return {}
        return self._provenance(span)

    # -- run
    def run(self) -> None:
        doc = self.document
        self.source = self._source_document()
        highlands = self._highlands()
        clusters: list[tuple[ClusterRecord, Cluster]] = []
        for position, record in enumerate(doc.clusters, start=1):
            if any(i.code == "duplicate_profile" for i in record.issues):
                self._issues(record.issues, cluster=None)
                continue
            cluster = self._cluster(record, position=position * 10, parent=None)
            clusters.append((record, cluster))
            for sub_position, sub in enumerate(record.sub_clusters, start=1):
                sub_cluster = self._cluster(
                    sub, position=position * 10 + sub_position, parent=cluster
                )
                clusters.append((sub, sub_cluster))
                self.report.sub_clusters += 1
            self.report.clusters += 1
        self.clusters_seen = [cluster.pk for _record, cluster in clusters]
        highland_issues = self._highland_links(highlands)
        for issue in self.document.issues:
            if issue.subject_key in highlands:
                highland_issues[issue.subject_key].append(issue)
            else:
                self._issues([issue])
        for name, issues in highland_issues.items():
            self._issues(issues, highland=highlands[name])
        self.report.highlands = len(highlands)
        self.report.organizations = len(self.orgs_seen)
        self.report.issues = DataQualityIssue.objects.filter(source=self.source).count()

    def _source_document(self) -> SourceDocument:
        return self._save(
            SourceDocument,
            {"sha256": self.source_file.sha256},
            {
                "name": self.source_file.name,
                "kind": self.source_file.kind,
                "title": self.document.title[:255],
                "line_count": self.document.line_count,
                "content": self.text,
                "intro": self.document.intro,
            },
        )

    def _highlands(self) -> dict[str, Highland]:
        result = {}
        for position, record in enumerate(self.document.highlands, start=1):
            slug = make_slug(record.short_name)
            result[record.name] = self._save(
                Highland,
                {"slug": slug},
                {
                    "name": record.name,
                    "short_name": record.short_name,
                    "description": record.description,
                    "position": position,
                    **self._keep_provenance(record.span, Highland, {"slug": slug}),
                },
            )
        for coop in self.document.cooperations:
            a, b = result.get(coop.a), result.get(coop.b)
            if a is None or b is None:
                continue
            for left, right in ((a, b), (b, a)):
                self._save(
                    HighlandCooperation,
                    {"from_highland": left, "to_highland": right},
                    {"basis": coop.basis, **self._provenance(coop.span)},
                )
        return result

    def _cluster_slug(self, record: ClusterRecord, parent: Cluster | None) -> str:
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

    def _cluster(self, record: ClusterRecord, *, position: int, parent: Cluster | None) -> Cluster:
        slug = self._cluster_slug(record, parent)
        cluster = self._save(
            Cluster,
            {"slug": slug},
            {
                "name": record.name,
                "name_basis": record.name_basis,
                "display_name": self._display_name(record)[:255],
                "parent": parent,
                "year_established": record.year_established,
                "coordinator_stated": record.coordinator,
                "contact_kind": record.contact_kind,
                "position": position,
                **self._provenance(record.span),
            },
        )
        self._figures(record, cluster)
        self._attributes(record, cluster)
        for alias, span in record.aliases:
            self._save(
                ClusterAlias,
                {"cluster": cluster, "normalized": normalize_name(alias)},
                {
                    "name": alias,
                    **self._keep_provenance(
                        span,
                        ClusterAlias,
                        {"cluster": cluster, "normalized": normalize_name(alias)},
                    ),
                },
            )
        for position_in_list, org_record in enumerate(record.organizations, start=1):
            self._membership(org_record, cluster, position_in_list)
        self._issues(record.issues, cluster=cluster)
        return cluster

    def _figures(self, record: ClusterRecord, cluster: Cluster) -> None:
        for figure in record.figures:
            existing = FigureObservation.objects.filter(
                cluster=cluster, kind=figure.kind, source=self.source
            ).first()
            if existing is not None:
                as_of, basis = existing.as_of, existing.as_of_basis
            elif self.as_of is not None:
                as_of, basis = self.as_of, FigureObservation.AsOfBasis.GIVEN
            else:
                as_of, basis = timezone.localdate(), FigureObservation.AsOfBasis.IMPORTED
            self._save(
                FigureObservation,
                {"cluster": cluster, "kind": figure.kind, "source": self.source},
                {
                    "value": figure.value,
                    "as_of": as_of,
                    "as_of_basis": basis,
                    "raw": figure.raw[:255],
                    "line_start": figure.span.start,
                    "line_end": figure.span.end,
                },
            )

    def _attributes(self, record: ClusterRecord, cluster: Cluster) -> None:
        wanted: dict[tuple[str, int, str], dict[str, Any]] = {}
        counters: dict[str, int] = {}
        for attribute in record.attributes:
            if attribute.kind not in _ATTRIBUTE_KINDS:
                continue
            counters[attribute.kind] = counters.get(attribute.kind, 0) + 1
            wanted[(attribute.kind, counters[attribute.kind], "en")] = {
                "title": attribute.title[:255],
                "text": attribute.text,
                **self._provenance(attribute.span),
            }
        if record.contact_kind:
            wanted[("contact", 1, "en")] = {
                "title": "",
                "text": record.contact_kind,
                **self._provenance(None),
            }
        existing = {
            (a.kind, a.position, a.language): a
            for a in ClusterAttribute.objects.filter(cluster=cluster, language="en")
        }
        to_create, to_update = [], []
        for key, values in wanted.items():
            current = existing.pop(key, None)
            if current is None:
                to_create.append(
                    ClusterAttribute(
                        cluster=cluster, kind=key[0], position=key[1], language=key[2], **values
                    )
                )
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                to_update.append(current)
            else:
                self.report.unchanged += 1
        ClusterAttribute.objects.bulk_create(to_create)
        if to_update:
            ClusterAttribute.objects.bulk_update(
                to_update, ["title", "text", "source", "line_start", "line_end"]
            )
        stale = [a.pk for a in existing.values()]
        ClusterAttribute.objects.filter(pk__in=stale).delete()
        self.report.created += len(to_create)
        self.report.updated += len(to_update)
        self.report.deleted += len(stale)

    def _organization(self, record: OrganizationRecord) -> Organization:
        key = normalize_name(record.name)
        org = Organization.objects.filter(normalized_name=key).first()
        if org is None:
            alias = (
                OrganizationAlias.objects.filter(normalized=key)
                .select_related("organization")
                .first()
            )
            org = alias.organization if alias else None
        values: dict[str, Any] = {}
        if org is None:
            slug = self._unique_slug(make_slug(record.name), Organization)
            org = Organization.objects.create(
                slug=slug,
                name=record.name,
                normalized_name=key,
                helix_role=record.helix_role,
                helix_role_basis=record.helix_role_basis[:255],
                org_type=record.org_type,
                year_established=record.year_established,
                **self._provenance(record.span),
            )
            self.report.created += 1
        else:
            # Fill what is unknown; a stated value never overwrites another stated value.
            if not org.helix_role and record.helix_role:
                values["helix_role"] = record.helix_role
                values["helix_role_basis"] = record.helix_role_basis[:255]
            if not org.org_type and record.org_type:
                values["org_type"] = record.org_type
            if org.year_established is None and record.year_established:
                values["year_established"] = record.year_established
            if values:
                for k, v in values.items():
                    setattr(org, k, v)
                org.save(update_fields=list(values))
                self.report.updated += 1
            else:
                self.report.unchanged += 1
        for alias_name, span in record.aliases:
            alias_key = normalize_name(alias_name)
            if alias_key == org.normalized_name:
                continue
            self._save(
                OrganizationAlias,
                {"organization": org, "normalized": alias_key},
                {
                    "name": alias_name,
                    **self._keep_provenance(
                        span, OrganizationAlias, {"organization": org, "normalized": alias_key}
                    ),
                },
            )
        self.orgs_seen.add(org.pk)
        return org

    @staticmethod
    def _unique_slug(base: str, model: type[Model]) -> str:
        slug, n = base, 2
        while model._default_manager.filter(slug=slug).exists():
            slug = f"{base}-{n}"
            n += 1
        return slug

    def _membership(self, record: OrganizationRecord, cluster: Cluster, position: int) -> None:
        org = self._organization(record)
        lookup = {"organization": org, "cluster": cluster, "role": record.role}
        self._save(
            Membership,
            lookup,
            {
                "listed_as": record.listed_as,
                "position": position,
                **self._keep_provenance(record.span, Membership, lookup),
            },
        )

    # -- highland ↔ cluster
    def _resolve_cluster(self, stated: str) -> tuple[Cluster | None, bool, list[Cluster]]:
        """Find the cluster a highland text names; (cluster, inferred, candidates)."""
        key = normalize_name(stated)
        exact = Cluster.objects.filter(parent=None, is_synthetic=False)
        for cluster in exact:
            if cluster.name and normalize_name(cluster.name) == key:
                return cluster, False, []
        alias = ClusterAlias.objects.filter(normalized=key).select_related("cluster").first()
        if alias:
            return alias.cluster, False, []
        # Distinctive words shared with exactly one cluster's name or its coordinator's
        # former names: link, but say it was inferred.
        generic = {"cluster", "lublin", "and", "of", "the", "in", "for", "lubelski", "klaster"}
        words = set(tokens(stated)) - generic
        candidates = []
        for cluster in exact:
            names = [cluster.name or ""]
            for membership in cluster.memberships.filter(role="coordinator").select_related(
                "organization"
            ):
                names += [a.name for a in membership.organization.aliases.all()]
            shared = words & {t for n in names for t in tokens(n)}
            if len(shared) >= 1 and (words & set(tokens(cluster.name or ""))):
                candidates.append((len(shared), cluster))
        candidates.sort(key=lambda c: -c[0])
        if len(candidates) == 1 or (len(candidates) > 1 and candidates[0][0] > candidates[1][0]):
            return candidates[0][1], True, [c for _, c in candidates]
        return None, False, [c for _, c in candidates]

    def _highland_links(self, highlands: dict[str, Highland]) -> dict[str, list[IssueRecord]]:
        """Link highlands to the clusters their text names; return their flags."""
        flags: dict[str, list[IssueRecord]] = {}
        for record in self.document.highlands:
            highland = highlands[record.name]
            issues: list[IssueRecord] = flags.setdefault(record.name, [])
            if not record.cluster_refs:
                issues.append(
                    IssueRecord(
                        "highland_without_cluster",
                        "info",
                        f"The text names no cluster that the {record.name} is built on.",
                        record.span,
                        subject="highland",
                        subject_key=record.name,
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
                            f"The {record.name} is said to be built on the '{stated}', "
                            f"which matches no cluster profile (candidates: {names}); "
                            "not linked.",
                            span,
                            subject="highland",
                            subject_key=record.name,
                        )
                    )
                    continue
                if inferred:
                    issues.append(
                        IssueRecord(
                            "highland_cluster_inferred",
                            "warning",
                            f"The {record.name} is said to be built on the '{stated}'; "
                            f"no profile has that name. Linked to '{cluster.display_name}', "
                            "which shares its "
                            "distinctive words and its coordinator's former name — please confirm.",
                            span,
                            subject="highland",
                            subject_key=record.name,
                        )
                    )
                self._save(
                    HighlandCluster,
                    {"highland": highland, "cluster": cluster},
                    {
                        "stated_name": stated,
                        "basis": quote,
                        "inferred": inferred,
                        **self._provenance(span),
                    },
                )
        return flags

    # -- data-quality flags
    def _issues(
        self,
        issues: Iterable[IssueRecord],
        *,
        cluster: Cluster | None = None,
        highland: Highland | None = None,
    ) -> None:
        issues = list(issues)
        subject = {"cluster": cluster, "highland": highland}
        keep: set[str] = set()
        for issue in issues:
            target_key = (cluster.slug if cluster else "") + (highland.slug if highland else "")
            fingerprint = _fingerprint(issue.code, target_key, issue.message)
            keep.add(fingerprint)
            self._save(
                DataQualityIssue,
                {"fingerprint": fingerprint},
                {
                    "code": issue.code,
                    "severity": issue.severity,
                    "message": issue.message,
                    **subject,
                    **self._provenance(issue.span),
                },
            )
        # Flags this source raised before about the same subject but no longer raises.
        if cluster is not None or highland is not None:
            stale = DataQualityIssue.objects.filter(
                source__kind=self.source_file.kind, **{k: v for k, v in subject.items() if v}
            ).exclude(fingerprint__in=keep)
            self.report.deleted += stale.count()
            stale.delete()
