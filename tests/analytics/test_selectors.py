"""The dashboard's numbers equal the registry's, and the helix balance index is what
docs/analytics.md defines."""

from __future__ import annotations

import itertools
import math
from datetime import date

import pytest

from highlands.analytics import selectors
from highlands.ecosystem import selectors as registry
from highlands.ecosystem.models import (
    Cluster,
    DataQualityIssue,
    FigureObservation,
    Membership,
    SourceDocument,
)
from highlands.ecosystem.services import figure_observe, issue_resolve
from tests.accounts.fixtures import make_user

pytestmark = pytest.mark.django_db
INDUSTRIAL = "industrial-upland-cluster"


def test_balance_is_one_when_the_four_helices_are_even_and_zero_for_one():
    even = {"business": 2, "academia": 2, "public_authority": 2, "civil_society": 2}
    assert selectors.helix_balance(even) == 1.0
    assert selectors.helix_balance({"business": 9}) == 0.0
    assert selectors.helix_balance({}) is None
    assert selectors.helix_balance({"business": 0, "academia": 0}) is None


def test_business_environment_institutions_count_with_industry():
    assert selectors.helix_balance({"bei": 3, "academia": 3}) == selectors.helix_balance(
        {"business": 3, "academia": 3}
    )
    assert selectors.helix_balance({"bei": 3, "business": 3}) == 0.0


def test_balance_is_normalised_shannon_evenness():
    counts = {"business": 17, "bei": 4, "academia": 3}
    p = [21 / 24, 3 / 24]
    expected = -sum(x * math.log(x) for x in p) / math.log(4)
    assert selectors.helix_balance(counts) == round(expected, 3)


def test_members_over_time_sum_the_newest_stated_figure_of_each_cluster(shared_seed):
    points = selectors.figure_series("members")
    top = registry.cluster_queryset().filter(parent=None)
    assert points[-1].value == sum(registry.stated_counts(c)["members"] or 0 for c in top)
    assert points[-1].clusters == sum(1 for c in top if registry.stated_counts(c)["members"])
    assert all(ref.pk and ref.line for p in points for ref in p.sources)


def test_an_older_source_adds_an_earlier_point_linked_to_its_lines(shared_seed):
    cluster = Cluster.objects.get(slug=INDUSTRIAL)
    older = SourceDocument.objects.create(
        name="survey-2020.csv", kind="csv", as_of=date(2020, 1, 1)
    )
    FigureObservation.objects.create(
        cluster=cluster,
        kind="members",
        value=11,
        as_of=date(2020, 1, 1),
        as_of_basis="stated",
        source=older,
        line_start=4,
    )
    points = selectors.figure_series("members")
    first = points[0]
    assert (first.on, first.value, first.clusters) == (date(2020, 1, 1), 11, 1)
    assert [(r.pk, r.line) for r in first.sources] == [(older.pk, 4)]
    # The newer observation replaces the older one in the sum: nothing is counted twice.
    top = registry.cluster_queryset().filter(parent=None)
    assert points[-1].value == sum(registry.stated_counts(c)["members"] or 0 for c in top)


def test_a_figure_observed_through_the_service_moves_the_series(shared_seed):
    city = make_user("city@example.org", is_city_admin=True)
    cluster = Cluster.objects.get(slug=INDUSTRIAL)
    before = selectors.figure_series("enterprises")
    stated_before = registry.stated_counts(cluster)["enterprises"] or 0
    figure_observe(
        actor=city, cluster=cluster, kind="enterprises", value=500, as_of=date(2030, 1, 1)
    )
    after = selectors.figure_series("enterprises")
    assert after[-1].on == date(2030, 1, 1)
    assert after[-1].sources == []  # typed in the workspace: no source document
    assert after[-1].value - before[-1].value == 500 - stated_before


def test_listed_members_are_counted_from_memberships_apart_from_stated(shared_seed):
    listed = selectors.listed_now()
    members = Membership.objects.filter(role="member", cluster__is_synthetic=False)
    assert listed.members == members.count()
    assert listed.organizations == members.values("organization").distinct().count()


def test_size_classes_account_for_every_cluster(shared_seed):
    bins, no_stated, no_listed = selectors.size_distribution()
    total = Cluster.objects.filter(parent=None, is_synthetic=False).count()
    assert sum(b.stated for b in bins) + no_stated == total
    assert sum(b.listed for b in bins) + no_listed == total
    assert [b.label for b in bins][-1] == "250+"


def test_founding_years_are_cumulative(shared_seed):
    years, undated = selectors.clusters_by_founding()
    assert (
        years[-1].total + undated == Cluster.objects.filter(parent=None, is_synthetic=False).count()
    )
    assert all(a.total < b.total for a, b in itertools.pairwise(years))


def test_helix_rows_per_cluster_highland_and_city(shared_seed):
    rows = selectors.helix_table()
    industrial = next(r for r in rows if r.kind == "cluster" and r.slug == INDUSTRIAL)
    assert industrial.counts == registry.listed_counts(Cluster.objects.get(slug=INDUSTRIAL)) | {}
    assert industrial.balance == selectors.helix_balance(industrial.counts)
    city = next(r for r in rows if r.kind == "city")
    assert city.total + city.unknown == selectors.listed_now().organizations
    empty = [r for r in rows if r.kind == "cluster" and not r.total]
    assert all(r.balance is None for r in empty)


def test_open_flags_over_time_fall_when_a_flag_is_resolved(shared_seed):
    trend = selectors.flag_trend()
    assert trend.open_now == DataQualityIssue.objects.filter(resolved=False).count()
    assert trend.points[-1][1] == trend.open_now
    issue = DataQualityIssue.objects.filter(resolved=False).first()
    issue_resolve(actor=make_user("city@example.org", is_city_admin=True), issue=issue)
    after = selectors.flag_trend()
    assert after.points[-1][1] == trend.open_now - 1 == after.open_now


def test_tables_the_public_may_not_see_do_not_exist_for_it(shared_seed):
    assert "registry_activity" not in selectors.table_names()
    assert "registry_activity" in selectors.table_names(restricted=True)
    with pytest.raises(Exception, match="No analytics table"):
        selectors.table_rows("registry_activity")
    rows = selectors.table_rows("registry_activity", restricted=True)
    assert {"month", "action", "writes"} <= set(rows[0])
