"""The open datasets: public registry facts only, the same rows every time for the same data.

No personal data: contact persons, users, representatives, e-mail addresses and marketplace
profiles never appear (organisations' and clusters' published names and the source
document's facts only). Rows come in a stable order (slugs, then ids), so two downloads of
unchanged data are byte-identical.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ..ecosystem.exports import export_rows
from ..ecosystem.models import DataQualityIssue, FigureObservation, Membership
from ..errors import NotFoundError
from ..text.spreadsheet import flat_table
from . import network

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
DATASET_NOT_FOUND = "No open dataset called '{name}'."


def _lines(row: Any) -> dict[str, Any]:
    return {
        "source_document": row.source.name if row.source_id else None,
        "line_start": row.line_start,
        "line_end": row.line_end,
    }


def _memberships() -> list[dict[str, Any]]:
    qs = (
        Membership.objects.filter(cluster__is_synthetic=False)
        .select_related("organization", "cluster", "source")
        .order_by("cluster__slug", "role", "organization__slug")
    )
    return [
        {
            "cluster": m.cluster.slug,
            "organization": m.organization.slug,
            "role": m.role,
            "listed_as": m.listed_as or None,
            **_lines(m),
        }
        for m in qs
    ]


def _figures() -> list[dict[str, Any]]:
    qs = (
        FigureObservation.objects.filter(cluster__is_synthetic=False)
        .select_related("cluster", "source")
        .order_by("cluster__slug", "kind", "as_of", "pk")
    )
    return [
        {
            "cluster": o.cluster.slug,
            "kind": o.kind,
            "value": o.value,
            "as_of": o.as_of.isoformat(),
            "as_of_basis": o.as_of_basis,
            "stated_as": o.raw or None,
            **_lines(o),
        }
        for o in qs
    ]


def _flags() -> list[dict[str, Any]]:
    qs = DataQualityIssue.objects.select_related("cluster", "highland", "organization", "source")
    return [
        {
            "code": i.code,
            "severity": i.severity,
            "message": i.message,
            "resolved": i.resolved,
            "highland": i.highland.slug if i.highland else None,
            "cluster": i.cluster.slug if i.cluster else None,
            "organization": i.organization.slug if i.organization else None,
            **_lines(i),
        }
        for i in qs.order_by("pk")
    ]


def _edges() -> list[dict[str, Any]]:
    return network.edge_rows(network.build_network(restricted=False))


# name -> (title, what a row is, builder)
DATASETS: dict[str, tuple[Any, Any, Any]] = {
    "highlands": (_("Highlands"), _("one economic highland"), lambda: export_rows("highlands")),
    "clusters": (
        _("Clusters"),
        _("one cluster with its stated figures"),
        lambda: export_rows("clusters"),
    ),
    "organizations": (
        _("Organisations"),
        _("one organisation named by a source (no contact persons)"),
        lambda: export_rows("organizations"),
    ),
    "memberships": (_("Memberships"), _("one organisation's role in one cluster"), _memberships),
    "figure_observations": (
        _("Figure observations"),
        _("one figure a source states for a cluster at a date"),
        _figures,
    ),
    "data_quality_flags": (
        _("Data-quality flags"),
        _("one gap or contradiction found in a source"),
        _flags,
    ),
    "network_edges": (
        _("Network of cooperation"),
        _("one public relation, typed and traceable to its record"),
        _edges,
    ),
}


def dataset_rows(name: str) -> list[dict[str, Any]]:
    if name not in DATASETS:
        raise NotFoundError(DATASET_NOT_FOUND.format(name=name))
    return list(DATASETS[name][2]())


def _field_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "integer"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "number"
    return "string"


def datapackage(base_url: str) -> dict[str, Any]:
    """A Frictionless Data Package descriptor (``datapackage.json``) of the CSV datasets:
    each resource's URL, its fields and their types (read from the rows: integer, number,
    boolean, else string; nested values are flattened into ``parent.child`` columns as in
    the CSV), the licence and the source."""
    resources = []
    for name, (title, row, _build) in DATASETS.items():
        columns, flat = flat_table(dataset_rows(name))
        resources.append(
            {
                "name": name.replace("_", "-"),
                "title": str(title),
                "description": str(row),
                "path": f"{base_url}/analytics/open-data/{name}/?format=csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": {
                    "fields": [
                        {"name": c, "type": _field_type([r.get(c) for r in flat])} for c in columns
                    ]
                },
            }
        )
    return {
        "profile": "data-package",
        "name": "lublin-economic-highlands",
        "title": "Lublin Economic Highlands: registry open data",
        "licenses": [LICENCE],
        "sources": [{"title": "Lublin Economic Highlands registry", "path": base_url + "/"}],
        "resources": resources,
    }


# DCAT-AP 3 (the EU application profile of W3C DCAT) for the national portal's harvester.
DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dct:issued": {"@type": "xsd:date"},
    "dct:modified": {"@type": "xsd:date"},
}
EU = "http://publications.europa.eu/resource/authority/"
FILE_TYPES = {
    "csv": (EU + "file-type/CSV", "text/csv"),
    "json": (EU + "file-type/JSON", "application/json"),
}
PUBLISHER = "Lublin City Office, Economic Development"


def _modified() -> str | None:
    """The day the registry's data last changed: the newest import of a source document."""
    from django.db.models import Max

    from ..ecosystem.models import SourceDocument

    moment = SourceDocument.objects.aggregate(last=Max("imported_at"))["last"]
    return moment.date().isoformat() if moment else None


def dcat_catalogue(base_url: str, *, files: bool = False) -> dict[str, Any]:
    """A DCAT-AP catalogue record (JSON-LD) of the open datasets, for harvesting.

    With ``base_url`` (the portal's address) every IRI is absolute and stable:
    ``<base>/analytics/open-data/catalogue.jsonld`` is the catalogue,
    ``<base>/analytics/open-data/#<name>`` a dataset, its download URLs its distributions.
    ``files=True`` describes the folder ``highlands open-data`` writes: IRIs relative to the
    catalogue file (``memberships.csv``), resolved wherever the folder is published.
    Nothing personal: the publisher is the office, its contact point the portal's address.
    """
    root = f"{base_url}/analytics/open-data/"
    catalogue_id = "catalogue.jsonld" if files else root + "catalogue.jsonld"
    landing = "./" if files else root
    modified = _modified()
    publisher = {
        "@id": landing + "#publisher",
        "@type": "foaf:Agent",
        "foaf:name": PUBLISHER,
    }
    datasets = []
    for name, (title, row, _build) in DATASETS.items():
        distributions = []
        for fmt, (file_type, media) in FILE_TYPES.items():
            url = f"{name}.{fmt}" if files else f"{root}{name}/?format={fmt}"
            distributions.append(
                {
                    "@id": url,
                    "@type": "dcat:Distribution",
                    "dct:title": f"{title} ({fmt.upper()})",
                    "dcat:accessURL": {"@id": url},
                    "dcat:downloadURL": {"@id": url},
                    "dct:format": {"@id": file_type},
                    "dcat:mediaType": {
                        "@id": f"https://www.iana.org/assignments/media-types/{media}"
                    },
                    "dct:license": {"@id": LICENCE["path"]},
                    **(
                        {
                            "dcat:conformsTo": {
                                "@id": "datapackage.json" if files else root + "datapackage.json"
                            }
                        }
                        if fmt == "csv"
                        else {}
                    ),
                }
            )
        datasets.append(
            {
                "@id": f"{landing}#{name}",
                "@type": "dcat:Dataset",
                "dct:identifier": name,
                "dct:title": [
                    {"@value": str(title), "@language": "en"},
                ],
                "dct:description": {"@value": f"{title}: {row}.", "@language": "en"},
                "dct:publisher": {"@id": publisher["@id"]},
                "dct:license": {"@id": LICENCE["path"]},
                "dct:language": [{"@id": EU + "language/ENG"}, {"@id": EU + "language/POL"}],
                "dcat:theme": {"@id": EU + "data-theme/ECON"},
                "dct:spatial": {"@id": "https://sws.geonames.org/765876/"},  # Lublin
                "dcat:landingPage": {"@id": landing},
                "dcat:contactPoint": {
                    "@type": "vcard:Organization",
                    "vcard:fn": PUBLISHER,
                    "vcard:hasURL": {"@id": landing},
                },
                **({"dct:modified": modified} if modified else {}),
                "dcat:distribution": distributions,
            }
        )
    return {
        "@context": DCAT_CONTEXT,
        "@graph": [
            {
                "@id": catalogue_id,
                "@type": "dcat:Catalog",
                "dct:title": {
                    "@value": "Lublin Economic Highlands: registry open data",
                    "@language": "en",
                },
                "dct:description": {
                    "@value": "Highlands, clusters, organisations, memberships, stated figures, "
                    "data-quality flags and the public network of cooperation of the Lublin "
                    "Economic Highlands registry; every row names its source document and lines.",
                    "@language": "en",
                },
                "dct:publisher": {"@id": publisher["@id"]},
                "dct:license": {"@id": LICENCE["path"]},
                "dct:language": [{"@id": EU + "language/ENG"}, {"@id": EU + "language/POL"}],
                "foaf:homepage": {"@id": landing},
                **({"dct:modified": modified} if modified else {}),
                "dcat:dataset": [{"@id": d["@id"]} for d in datasets],
            },
            publisher,
            *datasets,
        ],
    }
