"""Importing tables (CSV, XLSX, JSON) into the registry: reconcile every row, then match,
create or queue it.

``table_import`` is the one write path for table sources (atomic, through ``upsert`` and its
rules); ``RowWriter`` applies one row to a record, for an import and for a person's decision
in the review queue (``review``).  An older source only *adds* figure observations (the
newest ``as_of`` is current, see ``ecosystem.selectors.current_figures``); a stated value
never overwrites another one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Max, Model
from django.utils import timezone

from ..ecosystem.models import (
    Cluster,
    ClusterAlias,
    DataQualityIssue,
    FigureObservation,
    Membership,
    Organization,
    OrganizationAlias,
    SourceDocument,
)
from ..ecosystem.search_documents import DocumentKind
from ..errors import ApplicationError, SourceImportError
from ..search.indexing import enqueue, enqueue_many
from ..text.name_matching import name_key
from ..text.names import normalize_name
from .models import Entity, ReconciliationDecision, ReviewItem
from .parsers.tables import (
    TableParseError,
    TableRecord,
    TableRow,
    parse_csv,
    parse_json,
    parse_xlsx,
)
from .reconcile import MATCH, NEW, REVIEW, Decision, Incoming, Known, Reconciler
from .selectors import known_clusters, known_organizations, remembered_decisions
from .sources import SourceFile, check_workbook, decode_text
from .upsert import (
    Batch,
    ImportReport,
    Slugs,
    audit_import,
    figure_date,
    fill_one,
    fingerprint,
    import_transaction,
    upsert_one,
)

INVALID_TABLE = "{name}: {count} problem(s); nothing was imported"
DECODED_AS_CP1250 = "{name}: not UTF-8; read as Windows-1250 (cp1250)"
AS_OF_OVERRIDES = "--as-of {given} overrides the date the source states ({stated})"
CLUSTER_NOT_RECOGNISED = (
    "row {row}: cluster '{cluster}' is not a recognised cluster ({decision}); "
    "the membership was not recorded"
)
YEAR_KEPT = (
    "row {row}: year {stated} differs from {cluster}'s {existing}; the existing year is kept"
)
ORGANIZATION_EXISTS = (
    "An organization named '{name}' already exists; accept it as the match instead of "
    "creating a new one."
)


# Called as ``progress(rows_done, rows_total)`` while a table's rows are reconciled.
Progress = Callable[[int, int], None]


def table_import(
    *,
    source: SourceFile,
    as_of: date | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    actor: Any = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Parse a CSV/XLSX/JSON table, reconcile each row and write the outcome, atomically.

    A workbook that would unpack too far, or a table of more than
    ``HIGHLANDS_IMPORT_MAX_ROWS`` rows, is refused before anything is written.
    """
    report = ImportReport(source=source.name, kind=source.kind, dry_run=dry_run)
    text = ""
    max_rows = settings.HIGHLANDS_IMPORT_MAX_ROWS
    try:
        if source.kind == "xlsx":
            check_workbook(source)
            table = parse_xlsx(source.data, max_rows=max_rows)
        else:
            text = _decode(source, encoding, report)
            parse = parse_json if source.kind == "json" else parse_csv
            table = parse(text, max_rows=max_rows)
    except TableParseError as exc:
        errors = [f"{source.name}: {e}" for e in exc.errors]
        raise SourceImportError(
            INVALID_TABLE.format(name=source.name, count=len(errors)) + "\n" + "\n".join(errors),
            code="invalid_table",
            extra={"errors": errors},
        ) from exc
    report.warnings += [f"{source.name}: {w}" for w in table.warnings]
    with import_transaction(dry_run=dry_run):
        run = _TableImport(source, table, text, as_of, report, actor)
        run.progress = progress
        run.run()
        audit_import(actor=actor, source=run.source, report=report)
    return report


def _decode(source: SourceFile, encoding: str | None, report: ImportReport) -> str:
    """UTF-8 (with or without BOM), else cp1250 for CSV, as Polish spreadsheets save it."""
    if encoding or source.kind != "csv":
        return decode_text(source, encoding)
    try:
        return decode_text(source)
    except SourceImportError as not_utf8:
        try:
            text = source.data.decode("cp1250")
        except UnicodeDecodeError:
            raise not_utf8 from None
        report.warnings.append(DECODED_AS_CP1250.format(name=source.name))
        return text


@dataclass(frozen=True)
class _AsOf:
    value: date
    basis: str


class RowWriter:
    """Applies one table row (its ``payload``) to a record, through the ``upsert`` rules."""

    def __init__(self, report: ImportReport | None = None) -> None:
        self.report = report or ImportReport(source="", kind="", dry_run=False)

    def save(
        self,
        model: type[Model],
        lookup: dict[str, Any],
        values: dict[str, Any],
        source: SourceDocument | None = None,
    ) -> Any:
        return upsert_one(
            model, lookup, values, self.report, source_id=source.pk if source else None
        )

    def fill(self, obj: Model, values: dict[str, Any]) -> None:
        fill_one(obj, values, self.report)

    # -- clusters
    def cluster_create(self, payload: dict[str, Any], source: SourceDocument | None) -> Cluster:
        name, language = payload["names"][0]
        position = (Cluster.objects.aggregate(m=Max("position"))["m"] or 0) + 10
        cluster = self._create(
            Cluster,
            payload,
            source,
            name_pl=name if language == "pl" else "",
            name_basis="table",
            display_name=name,
            year_established=payload.get("year"),
            coordinator_stated=payload.get("coordinator"),
            position=position,
        )
        self.cluster_apply(cluster, payload, source)
        return cluster

    def _create(
        self,
        model: type[Model],
        payload: dict[str, Any],
        source: SourceDocument | None,
        **fields: Any,
    ) -> Any:
        """A new record named by the row's first name: a free slug, the row as its source."""
        name = payload["names"][0][0]
        obj = model._default_manager.create(
            slug=Slugs(model).new(name), name=name, **fields, **_provenance(source, payload)
        )
        self.report.created += 1
        return obj

    def cluster_apply(
        self, cluster: Cluster, payload: dict[str, Any], source: SourceDocument | None
    ) -> None:
        """Aliases, blanks filled, figures observed: what a matched row adds to a cluster."""
        own = {name_key(n) for n in (cluster.name, cluster.name_pl) if n}  # before the fill
        for name, language in payload["names"]:
            if language == "pl" and not cluster.name_pl:
                self.fill(cluster, {"name_pl": name})
        for key, alias in _aliases(payload, source, own):
            self.save(ClusterAlias, {"cluster": cluster, "normalized": key}, alias, source)
        year = payload.get("year")
        if year and cluster.year_established and year != cluster.year_established:
            message = YEAR_KEPT.format(
                row=payload["row"],
                stated=year,
                cluster=cluster.display_name,
                existing=cluster.year_established,
            )
            self.report.warnings.append(message)
            # The contradiction is a data-quality flag on the cluster, pointing at the row.
            self.save(
                DataQualityIssue,
                {"fingerprint": fingerprint("table_year_differs", cluster.slug, source, message)},
                {
                    "code": "table_year_differs",
                    "severity": "warning",
                    "message": f"{source.name if source else 'a table'}: {message}",
                    "cluster": cluster,
                    "source": source,
                    "line_start": payload["row"],
                    "line_end": payload["row"],
                },
            )
        self.fill(
            cluster,
            {"year_established": year, "coordinator_stated": payload.get("coordinator")},
        )
        for figure in payload.get("figures", []):
            lookup = {"cluster": cluster, "kind": figure["kind"], "source": source}
            as_of, basis = figure_date(
                FigureObservation.objects.filter(**lookup).first(),
                date.fromisoformat(payload["as_of"]),
                payload["as_of_basis"],
            )
            self.save(
                FigureObservation,
                lookup,
                {
                    "value": figure["value"],
                    "as_of": as_of,
                    "as_of_basis": basis,
                    "raw": figure["raw"],
                    "line_start": payload["row"],
                    "line_end": payload["row"],
                },
            )
        enqueue(DocumentKind.CLUSTER, cluster.pk)

    # -- organisations

    def organization_create(
        self, payload: dict[str, Any], source: SourceDocument | None
    ) -> Organization:
        name = payload["names"][0][0]
        if Organization.objects.filter(normalized_name=normalize_name(name)).exists():
            raise ApplicationError(ORGANIZATION_EXISTS.format(name=name))
        org = self._create(
            Organization,
            payload,
            source,
            normalized_name=normalize_name(name),
            **_organization_fields(payload),
        )
        self.organization_apply(org, payload, source)
        return org

    def organization_apply(
        self, org: Organization, payload: dict[str, Any], source: SourceDocument | None
    ) -> None:
        for key, alias in _aliases(payload, source, {org.normalized_name}):
            self.save(OrganizationAlias, {"organization": org, "normalized": key}, alias, source)
        self.fill(org, _organization_fields(payload))
        cluster_pk = payload.get("cluster_pk")
        if cluster_pk:
            lookup = {"organization": org, "cluster_id": cluster_pk, "role": "member"}
            values = {"listed_as": payload.get("helix_role", ""), **_provenance(source, payload)}
            self.save(Membership, lookup, values, source)
            enqueue(DocumentKind.CLUSTER, cluster_pk)
        enqueue(DocumentKind.ORGANIZATION, org.pk)


def _provenance(source: SourceDocument | None, payload: dict[str, Any]) -> dict[str, Any]:
    return {"source": source, "line_start": payload["row"], "line_end": payload["row"]}


def _aliases(
    payload: dict[str, Any], source: SourceDocument | None, own: set[str]
) -> list[tuple[str, dict[str, Any]]]:
    """(normalized key, alias fields) of each name a row states whose key is not one of the
    record's ``own`` keys, once each: the aliases the row adds."""
    seen = set(own)
    result = []
    for name, language in payload["names"]:
        key = name_key(name)
        if key and key not in seen:
            seen.add(key)
            alias = {"name": name, "language": language, **_provenance(source, payload)}
            result.append((key, alias))
    return result


def _organization_fields(payload: dict[str, Any]) -> dict[str, Any]:
    """What a member-list row states about an organisation (created with, or fills blanks)."""
    helix_role = payload.get("helix_role", "")
    return {
        "helix_role": helix_role,
        "helix_role_basis": "stated in the table" if helix_role else "",
        "org_type": payload.get("org_type", ""),
        "year_established": payload.get("year"),
        "city": payload.get("city", ""),
        "website": payload.get("website", ""),
        "description": payload.get("description", ""),
    }


class _TableImport(RowWriter):
    def __init__(
        self,
        source_file: SourceFile,
        table: TableRecord,
        text: str,
        as_of: date | None,
        report: ImportReport,
        actor: Any,
    ) -> None:
        super().__init__(report)
        self.source_file = source_file
        self.table = table
        self.text = text
        self.given_as_of = as_of
        self.actor = actor
        self.source_key = source_file.name
        self.progress: Progress | None = None
        self.today = timezone.localdate()  # an undated row's figures: observed today

    def run(self) -> None:
        self.source = self.save(
            SourceDocument,
            {"sha256": self.source_file.sha256},
            {
                "name": self.source_file.name,
                "kind": self.source_file.kind,
                "title": (self.table.title or self.source_file.name)[:255],
                "as_of": self.given_as_of or self.table.as_of,
                "line_count": self.text.count("\n") + 1 if self.text else len(self.table.rows) + 1,
                "content": self.text,
            },
        )
        self.cluster_memory = remembered_decisions(source_key=self.source_key, entity="cluster")
        if self.table.kind == "organizations":
            self.clusters = Reconciler(known_clusters())
            self.cluster_decisions: dict[str, Decision] = {}
            self.organizations = Reconciler(known_organizations(), broad=False)
            self.org_memory = remembered_decisions(
                source_key=self.source_key, entity="organization"
            )
            _MemberList(self).run()
            self.report.organizations = len(self.table.rows)
            return
        self._cluster_rows()
        self.report.clusters = len(self.table.rows)

    def _progress(self, done: int) -> None:
        total = len(self.table.rows)
        if self.progress is not None and (done % max(1, total // 100) == 0 or done == total):
            self.progress(done, total)

    # -- figures' date
    def _as_of(self, row: TableRow) -> _AsOf:
        stated = row.as_of or self.table.as_of
        if self.given_as_of is not None:
            if stated is not None and stated != self.given_as_of:
                warning = AS_OF_OVERRIDES.format(given=self.given_as_of, stated=stated)
                if warning not in self.report.warnings:
                    self.report.warnings.append(warning)
            return _AsOf(self.given_as_of, FigureObservation.AsOfBasis.GIVEN)
        if stated is not None:
            return _AsOf(stated, FigureObservation.AsOfBasis.STATED)
        return _AsOf(self.today, FigureObservation.AsOfBasis.IMPORTED)

    def _payload(self, row: TableRow) -> dict[str, Any]:
        as_of = self._as_of(row)
        return {
            "row": row.row,
            "names": [list(n) for n in row.names],
            "coordinator": row.coordinator,
            "year": row.year,
            "figures": [{"kind": f.kind, "value": f.value, "raw": f.raw} for f in row.figures],
            "as_of": as_of.value.isoformat(),
            "as_of_basis": as_of.basis,
            "city": row.city,
            "helix_role": row.helix_role,
            "org_type": row.org_type,
            "website": row.website,
            "description": row.description,
            "cluster": row.cluster,
        }

    # -- rows of a cluster table
    def _cluster_rows(self) -> None:
        """Reconcile every row against the registry and the whole file, whatever the rows'
        order, in rounds: each round decides every undecided row against the registry as it
        now is (the rows matched and created before included); matches are applied; a round
        without one creates the rows that resemble no cluster, in the rows' canonical order
        (by name, then content), each against the clusters created before it; a round that
        does neither queues the rest for review, with the candidates a re-import would show.
        Rows a person decided for this source are applied first."""
        rows = sorted(
            ((row, self._payload(row), at) for at, row in enumerate(self.table.rows)),
            key=_canonical,
        )
        lines: dict[int, dict[str, Any]] = {}  # the row's place in the file → its report line
        pending: list[tuple[TableRow, dict[str, Any], int]] = []
        for row, payload, at in rows:
            remembered = self.cluster_memory.get(normalize_name(row.name))
            if remembered is None:
                pending.append((row, payload, at))
            else:
                lines[at] = self._remembered(row, remembered, payload)
                self._progress(len(lines))
        while pending:
            reconciler = Reconciler(known_clusters())
            decided = [(item, reconciler.decide(_cluster_incoming(item[0]))) for item in pending]
            matched = [(item, d) for item, d in decided if d.decision == MATCH]
            waiting = [(item, d) for item, d in decided if d.decision != MATCH]
            for (row, payload, at), decision in matched:
                assert decision.match is not None  # noqa: S101 — filtered above
                cluster = Cluster.objects.get(pk=decision.match.pk)
                self.cluster_apply(cluster, payload, self.source)
                lines[at] = self._decided(row, decision, cluster.display_name)
            if not matched:
                waiting = self._create_new(reconciler, waiting, lines)
            if len(waiting) == len(decided):  # nothing decided this round: a person will
                for (row, payload, at), decision in waiting:
                    self._queue(Entity.CLUSTER, row, payload, decision)
                    lines[at] = _row_dict(
                        row, REVIEW, None, decision.score, _shown(decision), decision.reason, None
                    )
                break
            pending = [item for item, _ in waiting]
            self._progress(len(lines))
        self.report.rows += [lines[at] for at in range(len(self.table.rows))]
        self._progress(len(lines))

    def _create_new(
        self,
        reconciler: Reconciler,
        decided: list[tuple[tuple[TableRow, dict[str, Any], int], Decision]],
        lines: dict[int, dict[str, Any]],
    ) -> list[tuple[tuple[TableRow, dict[str, Any], int], Decision]]:
        """Create the rows that resemble no cluster, in canonical order, each one's decision
        taken again against the clusters created before it; the rest still wait."""
        waiting = []
        for (row, payload, at), decision in decided:
            if decision.decision == NEW:
                decision = reconciler.decide(_cluster_incoming(row))
            if decision.decision != NEW:
                waiting.append(((row, payload, at), decision))
                continue
            cluster = self.cluster_create(payload, self.source)
            reconciler.add(_known_cluster(cluster))
            lines[at] = self._decided(row, decision, None)
        return waiting

    def _decided(self, row: TableRow, decision: Decision, match: str | None) -> dict[str, Any]:
        """A row matched or created: it no longer waits for a person; its report line."""
        self._unqueue(Entity.CLUSTER, row)
        return _row_dict(
            row, decision.decision, match, decision.score, _shown(decision), decision.reason, None
        )

    def _resolve_cluster(self, row: TableRow) -> int | None:
        """The cluster a member list names: only a confident match links the membership."""
        assert row.cluster is not None  # noqa: S101 — checked by the caller
        remembered = self.cluster_memory.get(normalize_name(row.cluster))
        if remembered is not None and remembered.cluster_id:
            return remembered.cluster_id
        decision = self.cluster_decisions.get(row.cluster)
        if decision is None:  # a member list names few clusters, each on many rows
            decision = self.clusters.decide(Incoming(names=(row.cluster,)))
            self.cluster_decisions[row.cluster] = decision
        if decision.decision == MATCH and decision.match is not None:
            return decision.match.pk
        self.report.warnings.append(
            CLUSTER_NOT_RECOGNISED.format(
                row=row.row, cluster=row.cluster, decision=decision.decision
            )
        )
        return None

    def _remembered(
        self, row: TableRow, remembered: ReconciliationDecision, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """A cluster row a person decided before: applied as decided; its report line."""
        target = remembered.cluster
        if remembered.action == ReconciliationDecision.Action.REJECT or target is None:
            return _row_dict(row, REVIEW, None, 0.0, [], "rejected by a reviewer", "reject")
        self.cluster_apply(target, payload, self.source)
        name = target.display_name
        candidates = [{"name": name, "score": 1.0}]
        return _row_dict(
            row, MATCH, name, 1.0, candidates, "decided by a reviewer", remembered.action
        )

    def _queue(
        self, entity: str, row: TableRow, payload: dict[str, Any], decision: Decision
    ) -> None:
        self.save(
            ReviewItem,
            {
                "source_key": self.source_key,
                "entity": entity,
                "normalized_name": normalize_name(row.name)[:255],
            },
            {
                "source": self.source,
                "row": row.row,
                "incoming_name": row.name,
                "language": row.language,
                "payload": payload,
                "candidates": [
                    {"pk": c.known.pk, "name": c.known.display_name, "score": c.score}
                    for c in decision.candidates
                ],
                "score": decision.score,
                "reason": decision.reason[:255],
            },
        )

    def _unqueue(self, entity: str, row: TableRow) -> None:
        """A row decided automatically now (e.g. a new alias) no longer waits for a person."""
        stale = ReviewItem.objects.filter(
            source_key=self.source_key,
            entity=entity,
            normalized_name=normalize_name(row.name)[:255],
            status=ReviewItem.Status.PENDING,
        )
        self.report.deleted += stale.delete()[0]


def _row_dict(
    row: TableRow,
    decision: str,
    match: str | None,
    score: float,
    candidates: list[dict[str, Any]],
    reason: str,
    remembered: str | None,
) -> dict[str, Any]:
    return {
        "row": row.row,
        "source_name": row.name,
        "language": row.language,
        "decision": decision,
        "match": match,
        "score": round(score, 3),
        "candidates": candidates,
        "reason": reason,
        "remembered": remembered,
    }


def _canonical(item: tuple[TableRow, dict[str, Any], int]) -> tuple[str, str, int]:
    """The order a cluster table's rows are decided in: by name, then by what the row says
    (its place in the file only breaks ties between rows that say the same)."""
    row, payload, at = item
    said = json.dumps({k: v for k, v in payload.items() if k != "row"}, sort_keys=True)
    return (name_key(row.name), said, at)


def _cluster_incoming(row: TableRow) -> Incoming:
    return Incoming(
        names=tuple(n for n, _ in row.names),
        year=row.year,
        coordinator=row.coordinator,
        members=row.figure("members"),
    )


def _shown(decision: Decision) -> list[dict[str, Any]]:
    """The candidates a report line shows."""
    return [{"name": c.known.display_name, "score": c.score} for c in decision.candidates]


def _known_cluster(cluster: Cluster) -> Known:
    return Known(
        pk=cluster.pk,
        display_name=cluster.display_name,
        names=tuple(n for n in (cluster.name, cluster.name_pl) if n),
        year=cluster.year_established,
        coordinators=(cluster.coordinator_stated,) if cluster.coordinator_stated else (),
    )


class _MemberList:
    """A table of organisations, written in bulk: every row is reconciled first (new
    organisations become known to the rows after them), then each table is written with
    one ``Batch`` — organisations, their aliases, memberships and the review queue."""

    def __init__(self, run: _TableImport) -> None:
        self.run_ = run
        self.report = run.report
        self.source = run.source
        self.organizations = Batch(
            Organization, ("normalized_name",), Organization.objects.all(), run.report
        )
        self.by_pk = {o.pk: o for o in self.organizations.existing.values()}
        self.slugs = Slugs(Organization)
        self.pending: dict[int, tuple] = {}  # temporary (negative) pk of a new one → its key
        self.applied: list[tuple[tuple, dict[str, Any]]] = []  # (organisation key, payload)
        # normalized name → (row, payload, decision, its line in the report)
        self.queued: dict[str, tuple[TableRow, dict[str, Any], Decision, int]] = {}
        self.decided: set[str] = set()

    def run(self) -> None:
        run = self.run_
        for done, row in enumerate(run.table.rows, start=1):
            self._row(row)
            run._progress(done)
        self._settle()
        touched = {key for key, _ in self.applied}
        changed = set(self.organizations.to_create) | set(self.organizations.to_update)
        self.organizations.flush()
        aliases = Batch(
            OrganizationAlias,
            ("organization_id", "normalized"),
            OrganizationAlias.objects.all(),
            self.report,
        )
        cluster_pks = {p["cluster_pk"] for _, p in self.applied if p.get("cluster_pk")}
        memberships = Batch(
            Membership,
            ("organization_id", "cluster_id", "role"),
            Membership.objects.filter(cluster_id__in=cluster_pks, role="member"),
            self.report,
        )
        for key, payload in self.applied:
            org = self.organizations.get(key)
            for alias_key, alias in _aliases(payload, self.source, {org.normalized_name}):
                aliases.put((org.pk, alias_key), alias, source_id=self.source.pk)
            if payload.get("cluster_pk"):
                memberships.put(
                    (org.pk, payload["cluster_pk"], "member"),
                    {
                        "listed_as": payload.get("helix_role", ""),
                        **_provenance(self.source, payload),
                    },
                    source_id=self.source.pk,
                )
        alias_owners = {pk for pk, _ in (*aliases.to_create, *aliases.to_update)}
        new_members = [*memberships.to_create.values(), *memberships.to_update.values()]
        aliases.flush()
        memberships.flush()
        self._write_queue()
        org_pks = {o.pk for key in touched if key in changed and (o := self.organizations.get(key))}
        org_pks |= alias_owners
        enqueue_many(DocumentKind.ORGANIZATION, sorted(org_pks))
        enqueue_many(DocumentKind.CLUSTER, sorted({m.cluster_id for m in new_members}))

    def _row(self, row: TableRow) -> None:
        run = self.run_
        payload = run._payload(row)
        if row.cluster:
            payload["cluster_pk"] = run._resolve_cluster(row)
        key = name_key(row.name)
        remembered = run.org_memory.get(key)
        if remembered is not None:
            self.decided.add(key)
            target = remembered.organization
            if remembered.action == ReconciliationDecision.Action.REJECT or target is None:
                self.report.rows.append(
                    _row_dict(row, REVIEW, None, 0.0, [], "rejected by a reviewer", "reject")
                )
                return
            self._apply(target.pk, self.by_pk.get(target.pk, target), payload)
            self.report.rows.append(
                _row_dict(
                    row,
                    MATCH,
                    target.name,
                    1.0,
                    [{"name": target.name, "score": 1.0}],
                    "decided by a reviewer",
                    remembered.action,
                )
            )
            return
        self.report.rows.append({})  # the row's line, written when it is decided
        self._take(row, payload, len(self.report.rows) - 1)

    def _take(self, row: TableRow, payload: dict[str, Any], line: int) -> bool:
        """Reconcile a row against every organisation known now and act on the decision
        (report line ``line``); False when the row waits for a person."""
        run = self.run_
        key = name_key(row.name)
        decision = run.organizations.decide(
            Incoming(names=tuple(n for n, _ in row.names), year=row.year, city=row.city)
        )
        match_name = None
        if decision.decision == MATCH and decision.match is not None:
            org = self._known(decision.match.pk)
            self._apply(decision.match.pk, org, payload)
            match_name = org.name
        elif decision.decision == NEW:
            self.organizations.put(
                (key,),
                {
                    "slug": self.slugs.new(row.name),
                    "name": row.name,
                    **_organization_fields(payload),
                    **_provenance(self.source, payload),
                },
            )
            temporary = -(len(self.pending) + 1)
            self.pending[temporary] = (key,)
            run.organizations.add(
                Known(
                    pk=temporary,
                    display_name=row.name,
                    names=(row.name,),
                    year=row.year,
                    city=row.city,
                )
            )
            self.applied.append(((key,), payload))
        else:
            self.queued[key] = (row, payload, decision, line)
        if decision.decision != REVIEW:
            self.decided.add(key)
        candidates = _shown(decision)
        self.report.rows[line] = _row_dict(
            row, decision.decision, match_name, decision.score, candidates, decision.reason, None
        )
        return decision.decision != REVIEW

    def _settle(self) -> None:
        """Rows queued for review are reconciled again once every row is in: against the
        organisations created below them too, as importing the file again would.  A row
        that now matches (and may teach later ones an alias) starts another round."""
        while self.queued:
            again, self.queued = self.queued, {}
            taken = [self._take(row, payload, line) for row, payload, _, line in again.values()]
            if not any(taken):
                return

    def _known(self, pk: int) -> Organization:
        """An organisation reconciliation knows: read before, or new in this file."""
        if pk < 0:
            return self.organizations.get(self.pending[pk])
        return self.by_pk[pk]

    def _apply(self, pk: int, org: Organization, payload: dict[str, Any]) -> None:
        """A matched row: blanks filled now; aliases and membership once all rows are in.
        Reconciliation learns the names, year and city the registry will then hold."""
        key = (org.normalized_name,)
        if self.organizations.get(key) is None:  # renamed since it was read: a plain fill
            fill_one(org, _organization_fields(payload), self.report)
            self.organizations.existing[key] = org
        else:
            self.organizations.fill(key, _organization_fields(payload))
        self.applied.append((key, payload))
        aliases = tuple(n for n, _ in payload["names"] if name_key(n) not in ("", key[0]))
        self.run_.organizations.add(
            Known(
                pk=pk,
                display_name=org.name,
                names=aliases,
                year=payload.get("year"),
                city=payload.get("city") or "",
            )
        )

    def _write_queue(self) -> None:
        """Queue the rows for review; rows decided now no longer wait for a person."""
        queue = Batch(
            ReviewItem,
            ("source_key", "entity", "normalized_name"),
            ReviewItem.objects.filter(source_key=self.run_.source_key, entity=Entity.ORGANIZATION),
            self.report,
        )
        for key, (row, payload, decision, _) in self.queued.items():
            queue.put(
                (self.run_.source_key, Entity.ORGANIZATION, key[:255]),
                {
                    "source": self.source,
                    "row": row.row,
                    "incoming_name": row.name,
                    "language": row.language,
                    "payload": payload,
                    "candidates": [
                        {
                            "pk": self._known(c.known.pk).pk,
                            "name": c.known.display_name,
                            "score": c.score,
                        }
                        for c in decision.candidates
                    ],
                    "score": decision.score,
                    "reason": decision.reason[:255],
                },
            )
        queue.flush()
        stale = [
            item.pk
            for (_, _, name), item in queue.existing.items()
            if name in self.decided and item.status == ReviewItem.Status.PENDING
        ]
        for start in range(0, len(stale), 500):
            self.report.deleted += ReviewItem.objects.filter(
                pk__in=stale[start : start + 500]
            ).delete()[0]
