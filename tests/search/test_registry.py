"""Kinds of search document are registered by their apps; search works for any of them.

The test plays a new app: it registers "highland" documents (built from the registry's
highlands) the way ``events`` or ``funding`` would, from one module and nothing in search,
and checks that indexing, searching, the URL, visibility, filters, embedding, the API, the
page and the CLI all take it up.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from http import HTTPStatus
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from highlands.ecosystem.models import Cluster, Highland, HighlandCluster
from highlands.search import registry
from highlands.search.documents import DocumentData
from highlands.search.indexing import drain, enqueue, rebuild
from highlands.search.models import IndexOutbox, SearchDocument
from highlands.search.selectors import SearchFilters, search

pytestmark = pytest.mark.django_db


def build_highlands(pks: Iterable[int]) -> Iterator[DocumentData]:
    for highland in Highland.objects.filter(pk__in=list(pks)).prefetch_related("clusters"):
        yield DocumentData(
            kind="highland",
            object_id=highland.pk,
            title=highland.name,
            slug=highland.slug,
            names=[highland.name, highland.name_pl],
            body=[highland.description, *(c.display_name for c in highland.clusters.all())],
            passages=[f"{highland.name}. {highland.description}"],
            highlands=[highland.slug],
        )


def signed_in_only(user: Any, pks: list[int]) -> list[int]:
    """A visibility rule: highlands are shown to signed-in people only."""
    return pks if user is not None and user.is_authenticated else []


def highlands_of_clusters(pks: list[int]) -> Iterable[int]:
    return HighlandCluster.objects.filter(cluster__in=pks).values_list("highland_id", flat=True)


HIGHLANDS = registry.SearchKind(
    name="highland",
    label="highland",
    plural="Highlands",
    build=build_highlands,
    all_ids=lambda: Highland.objects.order_by("pk").values_list("pk", flat=True),
    url=registry.url_with_slug("web:highland"),
    visible=signed_in_only,
    filters=frozenset({"highland"}),
    embeds={"cluster": highlands_of_clusters},
)


@pytest.fixture
def highland_kind(monkeypatch):
    """The "highland" kind registered for this test only."""
    monkeypatch.setattr(registry, "_kinds", dict(registry._kinds))
    registry.register(HIGHLANDS)
    return HIGHLANDS


def test_the_apps_register_the_kinds_search_knows():
    assert registry.names() == ["cluster", "organization", "profile", "call", "event"]
    assert [str(k.plural) for k in registry.kinds()] == [
        "Clusters",
        "Organizations",
        "Cooperation profiles",
        "Funding calls",
        "Events",
    ]
    assert registry.get("profile").visible is not None
    assert registry.get("cluster").visible is None
    assert dict(registry.get("profile").embeds).keys() == {"organization"}


def test_a_registered_kind_is_indexed_found_linked_and_hidden_by_its_rule(
    seeded, highland_kind, django_user_model
):
    rebuild()
    medical = Highland.objects.order_by("position").first()
    assert SearchDocument.objects.filter(kind="highland").count() == Highland.objects.count()
    person = django_user_model.objects.create_user(username="reader", email="reader@example.org")

    found = search(medical.name, filters=SearchFilters(types=["highland"]), user=person)
    assert found.results[0].object_id == medical.pk
    assert found.results[0].url == reverse("web:highland", args=[medical.slug])
    assert found.results[0].kind_label == "highland"
    assert any(why.startswith("keyword:") for why in found.results[0].why)
    # Its own visibility rule, asked at query time: anonymous visitors never see one.
    assert not search(medical.name, filters=SearchFilters(types=["highland"])).results
    everything = search(medical.name, limit=50)
    assert "highland" not in {hit.kind for hit in everything.results}
    assert "highland" not in everything.facets["type"]
    # Filters it does not declare skip it; the ones it does apply.
    assert "highland" not in SearchFilters(year_min=2000).kinds
    only = SearchFilters(types=["highland"], highlands=[medical.slug])
    assert [h.object_id for h in search(medical.name, filters=only, user=person).results] == [
        medical.pk
    ]


def test_a_change_to_an_embedded_record_queues_the_documents_that_show_it(
    seeded, highland_kind, settings
):
    settings.HIGHLANDS_SEARCH_SYNC = False
    IndexOutbox.objects.all().delete()  # what the import queued
    cluster = Cluster.objects.filter(highlands__isnull=False).first()
    enqueue("cluster", cluster.pk)
    queued = set(IndexOutbox.objects.values_list("kind", "object_id"))
    expected = {("highland", pk) for pk in cluster.highlands.values_list("pk", flat=True)}
    assert expected
    assert expected | {("cluster", cluster.pk)} == queued


def test_the_api_page_and_cli_offer_a_registered_kind(client, seeded, highland_kind):
    rebuild()
    schema = client.get("/api/v1/openapi.json").json()
    parameters = schema["paths"]["/api/v1/search"]["get"]["parameters"]
    kind = next(p for p in parameters if p["name"] == "type")
    assert kind["schema"]["enum"] == [
        "cluster", "organization", "profile", "call", "event", "highland", "all",
    ]  # fmt: skip
    assert client.get("/api/v1/search", {"q": "medical", "type": "highland"}).status_code == 200
    unknown = client.get("/api/v1/search", {"q": "medical", "type": "nosuchkind"})
    assert unknown.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    page = client.get(reverse("search:search"), {"q": "medical"}).content.decode()
    assert '<option value="highland">Highlands</option>' in page
    out = StringIO()
    call_command("search", "medical", "--type", "highland", "--json", stdout=out)
    assert json.loads(out.getvalue())["results"] == []  # the CLI searches anonymously


def test_unknown_kinds_are_refused_when_queued_not_when_drained(seeded):
    IndexOutbox.objects.all().delete()  # what the import queued
    with pytest.raises(LookupError):
        enqueue("nosuchkind", 1)
    assert not IndexOutbox.objects.exists()


def test_a_document_carrying_a_filter_its_kind_does_not_declare_fails_its_entry(
    seeded, monkeypatch
):
    monkeypatch.setattr(registry, "_kinds", dict(registry._kinds))
    registry.register(
        registry.SearchKind(
            name="highland",
            label="highland",
            plural="Highlands",
            build=build_highlands,  # sets highlands=[slug]
            all_ids=lambda: [],
            url=registry.url_with_slug("web:highland"),
        )
    )
    rebuild()
    enqueue("highland", Highland.objects.first().pk)
    drain()
    entry = IndexOutbox.objects.get()
    assert entry.attempts >= 1
    assert "does not declare: highland" in entry.last_error


def test_registration_mistakes_are_configuration_errors(highland_kind):
    registry.register(HIGHLANDS)  # the same kind again (ready() run twice): no change
    with pytest.raises(ImproperlyConfigured):
        registry.register(
            registry.SearchKind(
                name="highland",
                label="x",
                plural="x",
                build=build_highlands,
                all_ids=list,
                url=registry.url_with_pk("marketplace:profile"),
            )
        )
    with pytest.raises(ImproperlyConfigured, match="unknown filters"):
        registry.SearchKind(
            name="event",
            label="event",
            plural="Events",
            build=build_highlands,
            all_ids=list,
            url=registry.url_with_pk("marketplace:profile"),
            filters=frozenset({"date"}),
        )
    with pytest.raises(ImproperlyConfigured):
        registry.register_filter_choices("date", list)


@pytest.mark.parametrize(
    ("filters", "kinds"),
    [
        ({}, ["cluster", "organization", "profile", "call", "event"]),
        ({"year_min": 2000}, ["cluster", "organization", "event"]),
        ({"size_max": 50}, ["cluster"]),
        ({"helix_roles": ["bei"]}, ["organization", "profile"]),
        ({"types": ["profile"], "year_max": 2020}, []),
        ({"types": ["cluster"], "highlands": ["it"]}, ["cluster"]),
    ],
)
def test_filters_search_only_the_kinds_that_carry_them(filters, kinds):
    assert SearchFilters(**filters).kinds == kinds


def test_urls_by_slug_follow_the_language(settings):
    from django.utils import translation

    url = registry.url_with_slug("web:cluster")
    assert (
        url(1, "eastern-metal-processing-cluster") == "/clusters/eastern-metal-processing-cluster/"
    )
    with translation.override("pl"):
        assert url(1, "abc") == "/pl/clusters/abc/"
    assert url(1, "abc") == "/clusters/abc/"
