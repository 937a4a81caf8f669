"""Thin views: read through selectors, render templates (a partial for htmx requests)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ..accounts import selectors as account_selectors
from ..accounts import services as account_services
from ..analytics.charts import helix_chart, helix_peak, helix_rows, line_chart
from ..apikit.errors import NOT_FOUND, error_body
from ..ecosystem import exports, labels, selectors
from ..ecosystem.localization import cluster_name, localized
from ..errors import ApplicationError
from ..text.spreadsheet import download_response
from .forms import ClusterFilterForm, ContactForm, OrganizationFilterForm

CLUSTERS_PER_PAGE = 10
ORGANIZATIONS_PER_PAGE = 20


def _label_context() -> dict[str, Any]:
    return {
        "helix_labels": labels.HELIX_LABELS,
        "figure_labels": labels.FIGURE_LABELS,
        "attribute_labels": labels.ATTRIBUTE_LABELS,
        "role_labels": labels.MEMBERSHIP_ROLE_LABELS,
        "severity_labels": labels.SEVERITY_LABELS,
        "org_type_labels": labels.ORG_TYPE_LABELS,
        "basis_labels": labels.AS_OF_BASIS_LABELS,
        "contact_labels": labels.CONTACT_LABELS,
    }


def _sort_links(request: HttpRequest, current: str) -> dict[str, str]:
    """Query strings that sort by a column; a second click on it reverses the order."""
    links = {}
    for key in ("name", "year", "size"):
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = f"-{key}" if current == key else key
        links[key] = query.urlencode()
    return links


def _helix_total(listed: dict[str, int], stated: dict[str, int | None]) -> int:
    """Anything to chart: members listed by name or counts stated per helix role."""
    return sum(listed.values()) + sum(v or 0 for v in stated.values())


def _helix_folded(listed: dict[str, int], stated: dict[str, int | None]) -> list[str]:
    """Labels of the helix roles left out of a chart: nothing stated, nobody listed."""
    return [str(labels.HELIX_LABELS[role]) for role in helix_rows(listed, stated)[1]]


def _page_query(request: HttpRequest) -> str:
    """The query string without ``page``, for pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    clusters = [
        (c, selectors.stated_counts(c)) for c in selectors.cluster_list(top_level_only=True)
    ]
    context = {
        "intro": selectors.strategy_intro(),
        "highlands": list(selectors.highland_list()),
        "clusters": clusters,
        "totals": selectors.ecosystem_totals(),
        "sources": selectors.latest_sources(limit=5),
    }
    return render(request, "web/home.html", context)


@require_safe
def highland_detail(request: HttpRequest, slug: str) -> HttpResponse:
    detail = selectors.highland_detail(slug=slug)
    name = localized(detail.highland, "name").text
    chart = helix_chart(
        detail.helix,
        stated=detail.stated_helix,
        chart_id="helix",
        title=_("Helix composition of %(name)s") % {"name": name},
    )
    context = {
        "d": detail,
        "highland": detail.highland,
        "helix_svg": chart,
        "helix_total": _helix_total(detail.helix, detail.stated_helix),
        "helix_folded": _helix_folded(detail.helix, detail.stated_helix),
        **_label_context(),
    }
    return render(request, "web/highland.html", context)


@require_safe
def cluster_index(request: HttpRequest) -> HttpResponse:
    highlands = list(selectors.highland_list())
    form = ClusterFilterForm(
        request.GET, highlands=[(h.slug, localized(h, "name").text) for h in highlands]
    )
    clusters = selectors.cluster_list(**form.filters())
    page = Paginator(clusters, CLUSTERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "clusters": [(c, selectors.stated_counts(c)) for c in page.object_list],
        "query": _page_query(request),
        "sort": form.filters()["sort"],
        "sort_links": _sort_links(request, form.filters()["sort"]),
    }
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        return render(request, "web/_cluster_results.html", context)
    return render(request, "web/cluster_list.html", context)


def _cluster_jsonld(request: HttpRequest, d: selectors.ClusterDetail) -> dict[str, Any]:
    c = d.cluster
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": cluster_name(c).text,
        "url": request.build_absolute_uri(request.path),
    }
    if c.name_pl:
        data["alternateName"] = c.name_pl
    if c.year_established:
        data["foundingDate"] = str(c.year_established)
    if characteristics := d.attributes.get("characteristics"):
        data["description"] = characteristics[0].text
    if c.parent:
        data["parentOrganization"] = {"@type": "Organization", "name": cluster_name(c.parent).text}
    members = [m for ms in d.members_by_role.values() for m in ms]
    if members:
        data["member"] = [
            {
                "@type": "Organization",
                "name": m.organization.name,
                "url": request.build_absolute_uri(
                    reverse("web:organization", args=[m.organization.slug])
                ),
            }
            for m in members
        ]
    return data


@require_safe
def cluster_detail(request: HttpRequest, slug: str) -> HttpResponse:
    detail = selectors.cluster_detail(slug=slug)
    name = cluster_name(detail.cluster).text
    # A series of one observation is a figure, not a chart: it is shown as a number.
    charts = [
        (
            kind,
            line_chart(
                [(obs.as_of, obs.value) for obs in series],
                chart_id=f"fig-{kind}",
                title=_("%(figure)s of %(name)s over time")
                % {"figure": labels.FIGURE_LABELS.get(kind, kind), "name": name},
            )
            if len(series) > 1
            else None,
            series,
        )
        for kind, series in detail.history.items()
    ]
    context = {
        "d": detail,
        "cluster": detail.cluster,
        "listed": selectors.listed_counts(detail.cluster),
        "listed_total": sum(len(ms) for ms in detail.members_by_role.values()),
        "helix_total": _helix_total(detail.helix, detail.stated_helix),
        "helix_folded": _helix_folded(detail.helix, detail.stated_helix),
        "helix_svg": helix_chart(
            detail.helix,
            stated=detail.stated_helix,
            chart_id="helix",
            title=_("Helix composition of %(name)s") % {"name": name},
        ),
        "charts": charts,
        "public_contacts": account_selectors.public_contacts_of(cluster=detail.cluster),
        "coordinator_orgs": selectors.coordinators(detail.cluster),
        "jsonld": _cluster_jsonld(request, detail),
        **_label_context(),
    }
    return render(request, "web/cluster.html", context)


@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    chosen = request.GET.getlist("cluster")
    details: list[selectors.ClusterDetail] = []
    error = ""
    if chosen:
        try:
            details = selectors.cluster_compare(slugs=chosen)
        except ApplicationError as exc:
            messages = {
                "compare_needs_two": _("Choose at least two clusters to compare."),
                "compare_too_many": _("Compare at most four clusters at a time."),
            }
            error = messages.get(exc.code, exc.message)
    scale = max((helix_peak(d.helix, d.stated_helix) for d in details), default=1)
    columns = [
        {
            "d": d,
            "counts": selectors.stated_counts(d.cluster),
            "helix_total": _helix_total(d.helix, d.stated_helix),
            "helix_folded": _helix_folded(d.helix, d.stated_helix),
            "helix_svg": helix_chart(
                d.helix,
                stated=d.stated_helix,
                scale=scale,
                chart_id=f"helix-{d.cluster.slug}",
                title=_("Helix composition of %(name)s") % {"name": cluster_name(d.cluster).text},
            ),
        }
        for d in details
    ]
    context = {
        "columns": columns,
        "error": error,
        "chosen": chosen,
        "all_clusters": list(selectors.cluster_list()),
        "count_kinds": list(labels.FIGURE_LABELS.items())[:4],
        "helix_roles": [(k, v) for k, v in labels.HELIX_LABELS.items() if k != "unknown"],
        **_label_context(),
    }
    return render(request, "web/compare.html", context, status=400 if error else 200)


@require_safe
def cluster_download(request: HttpRequest) -> HttpResponse:
    """The cluster directory with its current filters, as the CLI's export rows."""
    form = ClusterFilterForm(
        request.GET, highlands=[(h.slug, h.name) for h in selectors.highland_list()]
    )
    rows = [exports.cluster_row(c) for c in selectors.cluster_list(**form.filters())]
    return download_response(rows, name="clusters", fmt=request.GET.get("format", ""))


@require_safe
def organization_download(request: HttpRequest) -> HttpResponse:
    """The organisation directory with its current filters, as the CLI's export rows."""
    form = OrganizationFilterForm(request.GET)
    rows = [exports.organization_row(o) for o in selectors.organization_list(**form.filters())]
    return download_response(rows, name="organizations", fmt=request.GET.get("format", ""))


@require_safe
def organization_index(request: HttpRequest) -> HttpResponse:
    form = OrganizationFilterForm(request.GET)
    organizations = selectors.organization_list(**form.filters())
    page = Paginator(organizations, ORGANIZATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": _page_query(request), **_label_context()}
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        return render(request, "web/_organization_results.html", context)
    return render(request, "web/organization_list.html", context)


def _organization_jsonld(request: HttpRequest, org: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": org.name,
        "url": request.build_absolute_uri(request.path),
    }
    aliases = [a.name for a in org.aliases.all()]
    if aliases:
        data["alternateName"] = aliases
    if org.year_established:
        data["foundingDate"] = str(org.year_established)
    if org.website:
        data["sameAs"] = [org.website]
    description = localized(org, "description").text
    if description:
        data["description"] = description
    member_of = [
        {
            "@type": "Organization",
            "name": cluster_name(m.cluster).text,
            "url": request.build_absolute_uri(reverse("web:cluster", args=[m.cluster.slug])),
        }
        for m in org.memberships.all()
    ]
    if member_of:
        data["memberOf"] = member_of
    return data


@require_safe
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    org = selectors.organization_get(slug=slug)
    context = {
        "org": org,
        "offers": selectors.cluster_offers(organization=org),
        "public_contacts": account_selectors.public_contacts_of(organization=org),
        "jsonld": _organization_jsonld(request, org),
        **_label_context(),
    }
    return render(request, "web/organization.html", context)


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


@login_required
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """Write to a cluster (its coordinators) or an organisation (its representatives) through
    the platform; their addresses stay hidden until they reply."""
    if kind == "cluster":
        target: Any = selectors.cluster_get(slug=slug)
        name = cluster_name(target).text
        back = reverse("web:cluster", args=[slug])
        where = {"cluster": target}
    else:
        target = selectors.organization_get(slug=slug)
        name = target.name
        back = reverse("web:organization", args=[slug])
        where = {"organization": target}
    user: Any = request.user
    form = ContactForm(request.POST or None, user_pk=user.pk)
    reachable = bool(account_selectors.contact_recipients(**where))
    if request.method == "POST" and form.is_valid():
        try:
            account_services.contact_message_send(
                actor=user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                client_address=_client_address(request),
                url_base=request.build_absolute_uri("/").rstrip("/"),
                **where,
            )
        except ApplicationError as exc:
            if exc.status != 400:
                raise
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Message sent to %(name)s. They answer to your e-mail address.") % {"name": name},
            )
            return redirect(back)
    return render(
        request,
        "web/contact.html",
        {"form": form, "name": name, "back": back, "reachable": reachable, "kind": kind},
    )


@require_safe
def data_quality(request: HttpRequest) -> HttpResponse:
    context = {"issues": selectors.issue_list(), **_label_context()}
    return render(request, "web/data_quality.html", context)


@require_safe
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_get(pk=pk)
    lines = source.content.splitlines()
    return render(
        request,
        "web/source.html",
        {"source": source, "lines": list(enumerate(lines, start=1))},
    )


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    return HttpResponse(f"User-agent: *\nAllow: /\nSitemap: {sitemap}\n", content_type="text/plain")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for the whole site: ``ErrorOut`` JSON under /api/, the page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", NOT_FOUND), status=404)
    return render(request, "404.html", status=404)
