"""The profile-text parser against the real source document and small variants of it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from highlands.ingest.parsers.profile_text import ProfileParseError, parse_profile_text

from .expected_seed import EXPECTED_CLUSTERS, EXPECTED_HIGHLANDS, INDUSTRIAL_UPLAND_LISTED

SEED = (
    Path(__file__).resolve().parents[2] / "src/highlands/ingest/data/lublin-economic-highlands.txt"
)
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def document():
    return parse_profile_text(SEED.read_text(encoding="utf-8"))


def by_name(document, name):
    return next(c for c in document.clusters if c.name == name)


def test_bundled_seed_is_the_shared_source_document():
    shared = Path(__file__).resolve().parents[3] / "shared/seeds/lublin-economic-highlands.txt"
    if not shared.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert SEED.read_bytes() == shared.read_bytes()


def test_finds_all_eighteen_profiles_in_order(document):
    assert [c.name for c in document.clusters] == [e["name"] for e in EXPECTED_CLUSTERS]


@pytest.mark.parametrize("expected", EXPECTED_CLUSTERS, ids=lambda e: e["slug"])
def test_every_stated_field_of_every_profile(document, expected):
    index = [e["slug"] for e in EXPECTED_CLUSTERS].index(expected["slug"])
    cluster = document.clusters[index]
    assert cluster.name == expected["name"]
    assert cluster.coordinator == expected["coordinator"]
    assert cluster.year_established == expected["year_established"]
    stated = {f.kind: f.value for f in cluster.figures}
    for kind, value in expected["counts"].items():
        assert stated.get(kind) == value, kind
    assert (cluster.contact_kind or None) == expected["contact"]
    assert (cluster.span.start, cluster.span.end) == expected["lines"]
    assert sorted(i.code for i in cluster.issues) == sorted(expected["flags"])


def test_name_is_never_invented(document):
    unnamed = document.clusters[9]
    assert unnamed.name is None
    assert unnamed.name_basis == ""
    (flag,) = [i for i in unnamed.issues if i.code == "missing_name"]
    assert "line 213" in flag.message  # "Cluster characteristics: was established..."


def test_name_from_text_and_from_heading(document):
    assert document.clusters[0].name_basis == "text"  # "LubTechBridge is an ecosystem..."
    assert by_name(document, "ESTA Cluster").name_basis == "title"
    assert by_name(document, "Industrial Upland Cluster").name_basis == "title"
    assert by_name(document, "Eastern ICT Cluster").name_basis == "name_field"


def test_sub_clusters_with_their_own_activities(document):
    lubtech = document.clusters[0]
    assert [s.name for s in lubtech.sub_clusters] == ["LubTechBridge GOZ", "LubTechBridge 4.0"]
    goz, industry = lubtech.sub_clusters
    assert [a.kind for a in goz.attributes].count("activity") == 5
    assert [a.kind for a in industry.attributes].count("activity") == 5
    assert goz.attributes[0].text.startswith("This cluster segment focuses on")
    assert (goz.span.start, goz.span.end) == (25, 32)
    # The parent keeps its goals, means and flagship project.
    kinds = Counter(a.kind for a in lubtech.attributes)
    assert kinds["goal"] == 3
    assert kinds["means"] == 3
    assert kinds["flagship_project"] == 1


def test_members_listed_under_including(document):
    cluster = by_name(document, "Industrial Upland Cluster")
    listed = {
        role: [o.name for o in cluster.organizations if o.role == "member" and o.listed_as == role]
        for role in INDUSTRIAL_UPLAND_LISTED
    }
    assert listed == INDUSTRIAL_UPLAND_LISTED
    messages = [i.message for i in cluster.issues]
    assert "The profile states 22 enterprises but lists 17." in messages
    assert any("currently includes 28 entities" in m for m in messages)


def test_year_with_two_labels(document):
    cluster = by_name(document, "Industrial Upland Cluster")
    assert cluster.year_established == 2018
    (foundation,) = [o for o in cluster.organizations if o.role == "coordinator"]
    assert foundation.name == "Lublin Industrial Upland Foundation"
    assert foundation.year_established == 2017
    assert [a for a, _ in foundation.aliases] == ["Lublin Automotive and Machinery Highlands"]


def test_services_products_goals_and_membership_condition(document):
    cluster = by_name(document, "Eastern Metal Processing Cluster")
    kinds = Counter(a.kind for a in cluster.attributes)
    assert kinds["service"] == 14
    assert kinds["product"] == 17
    assert kinds["goal"] == 4
    assert kinds["benefit"] == 3
    services = [a.text for a in cluster.attributes if a.kind == "service"]
    assert services[0] == "sheet metal cutting and bending"
    assert "steel hardening" in services
    (condition,) = [a.text for a in cluster.attributes if a.kind == "membership_condition"]
    assert "at least 40% of revenue" in condition
    assert condition.startswith("All metal processing companies located in Eastern Poland")


def test_closed_group_is_a_membership_condition(document):
    esta = by_name(document, "ESTA Cluster")
    (condition,) = [a.text for a in esta.attributes if a.kind == "membership_condition"]
    assert "closed group" in condition
    assert Counter(a.kind for a in esta.attributes)["means"] == 6


def test_coordinator_named_two_ways_keeps_both(document):
    cluster = by_name(document, "Eastern Metal Processing Cluster")
    (coordinator,) = [o for o in cluster.organizations if o.role == "coordinator"]
    assert coordinator.name == "Voivodeship Club of Technology and Rationalization"
    aliases = [a for a, _ in coordinator.aliases]
    assert aliases == ["Provincial Club of Technology and Rationalization", "WKTiR"]
    assert coordinator.year_established == 1962
    assert coordinator.org_type == "association"  # "WKTiR is an association"


def test_two_coordinators_and_founders(document):
    medicine = by_name(document, "Lublin Medicine – Medical & Wellness Cluster")
    coordinators = [o.name for o in medicine.organizations if o.role == "coordinator"]
    assert coordinators == ["Lublin Municipality", "Medical University of Lublin"]
    founders = [o.name for o in medicine.organizations if o.role == "founder"]
    # "the Medical University" resolves to the coordinator of the same profile.
    assert founders == ["Lublin Municipal Office", "Medical University of Lublin"]
    roles = {o.name: o.helix_role for o in medicine.organizations}
    assert roles["Lublin Municipality"] == "public_authority"
    assert roles["Medical University of Lublin"] == "academia"


def test_founders_of_the_unnamed_cluster_are_companies(document):
    unnamed = document.clusters[9]
    founders = {o.name: o.helix_role for o in unnamed.organizations if o.role == "founder"}
    assert set(founders) == {
        "Netrix Group sp. z o.o.",
        "BASoft sp.z o.o.",
        "ICT Solutions Cezary Sieńczyk",
    }
    assert founders["ICT Solutions Cezary Sieńczyk"] == "business"
    (coordinator,) = [o for o in unnamed.organizations if o.role == "coordinator"]
    assert coordinator.helix_role == "bei"  # "...which is the Business Environment Institution"
    means = [a.text for a in unnamed.attributes if a.kind == "means"]
    goals = [a.text for a in unnamed.attributes if a.kind == "goal"]
    assert len(means) == 9
    assert len(goals) == 6
    assert goals[-1].startswith("Increasing international involvement")


def test_aviation_founders_and_appositive_role(document):
    aviation = by_name(document, "Lublin Cluster of Advanced Aviation Technologies")
    founders = {o.name: o.helix_role for o in aviation.organizations if o.role == "founder"}
    assert founders == {
        "Lublin City Hall": "public_authority",
        "Marshal’s Office of the Lublin Province": "public_authority",
        "PZL – Świdnik": "business",  # "PZL-Świdnik, a helicopter manufacturer" (line 14)
    }


def test_person_as_coordinator_is_not_an_organisation(document):
    cluster = by_name(document, "Polish Precision Agriculture Cluster")
    assert cluster.coordinator == "Krzysztof Muciek"
    assert [o for o in cluster.organizations if o.role == "coordinator"] == []
    assert Counter(a.kind for a in cluster.attributes)["means"] == 27


def test_highlands_clusters_and_cooperation(document):
    assert [h.name for h in document.highlands] == [e["name"] for e in EXPECTED_HIGHLANDS]
    refs = {h.name: [r[0] for r in h.cluster_refs] for h in document.highlands}
    assert refs["Lublin Automotive and Machine Highland"] == [
        "Automotive and Machine Upland Cluster"
    ]
    assert refs["Lublin IT Highland"] == []
    pairs = {(c.a, c.b) for c in document.cooperations}
    assert pairs == {
        ("Lublin IT Highland", "Lublin Automotive and Machine Highland"),
        ("Lublin IT Highland", "Lublin Aviation Highland"),
        ("Lublin Medical Highland", "Lublin Biotechnological Highland"),
    }
    (flag,) = document.issues
    assert flag.code == "highland_count_inconsistent"
    assert "the other five Highland" in flag.message


def test_intro_is_the_strategy_prose(document):
    assert document.title == "Lublin Economic Highlands"
    assert document.intro.startswith("The potential that exists in Lublin")
    assert "Clusters in Lublin" not in document.intro


# ---- variants of the style that the document itself does not exercise


def test_polish_field_names_and_bullets():
    text = (FIXTURES / "profile_polish_keys.txt").read_text(encoding="utf-8")
    (cluster,) = parse_profile_text(text).clusters
    assert cluster.name == "Wschodni Klaster Obróbki Metali"
    assert cluster.coordinator == "Wojewódzki Klub Techniki i Racjonalizacji"
    assert cluster.year_established == 2009
    assert {f.kind: f.value for f in cluster.figures} == {"members": 65, "enterprises": 60}


def test_parts_that_do_not_add_up_and_year_contradiction():
    text = (FIXTURES / "profile_contradictions.txt").read_text(encoding="utf-8")
    (cluster,) = parse_profile_text(text).clusters
    codes = sorted(i.code for i in cluster.issues)
    assert codes == ["parts_do_not_add_up", "year_disagrees_with_text"]
    (parts,) = [i for i in cluster.issues if i.code == "parts_do_not_add_up"]
    assert parts.message == (
        "The parts (12 enterprises + 5 business environment institutions + 4 universities "
        "= 21) do not add up to the 20 members stated."
    )


def test_duplicate_profile_and_unparseable_number_are_flagged():
    text = (FIXTURES / "profile_duplicate.txt").read_text(encoding="utf-8")
    first, second = parse_profile_text(text).clusters
    assert [i.code for i in first.issues] == ["unparseable_value"]
    assert "'Number of members in the cluster: about forty' is not a number." in (
        first.issues[0].message
    )
    assert [i.code for i in second.issues] == ["duplicate_profile"]


def test_text_without_profiles_is_refused():
    with pytest.raises(ProfileParseError, match="no cluster profile found"):
        parse_profile_text("Just a paragraph.\nAnother one.\n")
