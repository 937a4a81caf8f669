"""The whole site as people see it, for tests that walk every page as every role.

``build_site()`` imports the source document, loads the marketplace demo, indexes search and
adds one user per role with the data their pages show (a pending interest to answer, a
followed search, consents, a token, contact persons). ``pages_for(role, site)`` lists every
page that role can open. ``named_pages()`` reads every named route from the URL
configuration (the portal, the workspace, allauth's account pages — all but the admin and
the API); the interface-text and accessibility tests fail while a route is neither walked
nor listed in ``NOT_WALKED`` with its reason, so a new page cannot be forgotten by them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone, translation

METAL = "eastern-metal-processing-cluster"
WKTIR = "voivodeship-club-of-technology-and-rationalization"  # posts the metal demo profiles
PARTNER = "politechnika-lubelska"
ROLES = ("anonymous", "visitor", "representative", "coordinator", "city_admin")

# Routes the walk does not open, and why: each is an action, a file or a redirect checked by
# its own tests, or a page that needs a one-time secret.
NOT_WALKED = {
    # POST-only actions: each redirects to a page that is walked
    "marketplace:profile_action": "POST", "marketplace:interest_action": "POST",
    "marketplace:search_follow": "POST", "workspace:cluster_member_remove": "POST",
    "workspace:cluster_member_role": "POST", "workspace:invite_coordinator": "POST",
    "workspace:invite_representative": "POST", "workspace:issue_resolve": "POST",
    "workspace:contact_erase": "POST", "workspace:my_account_erase": "POST",
    "workspace:membership_request_withdraw": "POST",
    "workspace:membership_request_accept": "POST",
    "workspace:membership_request_decline": "POST", "workspace:representative_revoke": "POST",
    "workspace:invitation_cancel": "POST", "workspace:membership_leave": "POST",
    "workspace:claim_approve": "POST", "workspace:claim_decline": "POST",
    "workspace:claim_withdraw": "POST", "workspace:cluster_member_invite": "POST",
    "workspace:highland_assign": "POST", "workspace:highland_unassign": "POST",
    "funding:application_action": "POST", "funding:pipeline_update": "POST",
    "funding:pipeline_invite": "POST", "funding:invitation_answer": "POST",
    "funding:evidence": "a private evidence file, tests/funding/test_evidence.py",
    "meetings:join": "POST", "meetings:request": "POST", "meetings:answer": "POST",
    "meetings:manage_action": "POST", "meetings:cooperation": "POST", "meetings:offer": "POST",
    "meetings:agenda_pdf": "PDF, tests/meetings",
    "meetings:agenda_ical": "iCalendar, tests/meetings",
    "meetings:home": "a redirect to the agenda or the schedule",
    "marketplace:notifications": "a redirect to notifications:list (the one inbox)",
    "notifications:mark_read": "POST",
    "analytics:dcat_catalogue": "JSON-LD, tests/analytics/test_open_standards.py",
    "events:register": "POST", "events:cancel": "POST",
    "events:accept": "POST", "events:action": "POST",
    # downloads (JSON, CSV, XLSX, iCalendar, PDF), checked by their apps' tests
    "workspace:contact_export": "JSON", "workspace:my_data_export": "JSON",
    "web:clusters_download": "CSV/XLSX", "web:organizations_download": "CSV/XLSX",
    "search:download": "CSV/XLSX", "analytics:table_download": "CSV/XLSX",
    "analytics:network_download": "CSV/JSON", "analytics:dataset_download": "CSV/JSON",
    "analytics:datapackage": "JSON", "funding:calendar": "iCalendar",
    "events:ical": "iCalendar", "events:cluster_ical": "iCalendar",
    "events:highland_ical": "iCalendar", "events:personal_ical": "iCalendar",
    "events:registrants_download": "CSV/XLSX", "events:certificate": "PDF",
    "sitemap": "XML", "robots": "text",
    "admin_login": "a redirect to account_login",
    # allauth steps that need a code or key mailed a moment before (tests/accounts)
    "account_confirm_login_code": "mailed code", "account_confirm_reauthentication_code":
    "mailed code", "account_request_reauthentication_code": "code sign-in is off",
    "account_set_password": "a redirect: every account has a password",
}  # fmt: skip


def named_pages() -> set[str]:
    """Every named route of the URL configuration but the admin's and the API's, as
    ``namespace:name`` (allauth's are not namespaced)."""
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin" or str(pattern.pattern).startswith("api/"):
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif getattr(pattern, "name", None):
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def walked_pages(site: Site) -> set[str]:
    """The routes ``pages_for`` opens for at least one role."""
    walked = set()
    for role in ROLES:
        for path in pages_for(role, site):
            try:
                walked.add(resolve(path.split("?")[0]).view_name)
            except Resolver404:
                continue  # the walk's 404 page
    return walked


@dataclass
class Site:
    users: dict[str, Any]
    profile_pk: int  # a public demo profile of WKTIR
    source_pk: int
    invitation_token: str
    unverified_slug: str  # an organisation registered by a person, waiting for verification
    claim_pk: int  # its registration, in the metal cluster coordinator's queue
    call_slug: str = ""  # a demo funding call
    application_pk: int = 0  # the partner university's application to the metal cluster
    pipeline_pk: int = 0  # WKTIR's shared application for funding, the partner invited
    proper_names: set[str] = field(default_factory=set)
    event_pk: int = 0  # an event of the metal cluster: the visitor has a seat, the rep waits
    certificate_token: str = ""  # the visitor was checked in: their certificate's link
    meetings_pk: int = 0  # B2B meetings of a brokerage event: the visitor meets the rep
    meeting_pk: int = 0  # their published meeting
    brokerage_pk: int = 0  # a brokerage event whose meetings are not set up yet


def registry_names() -> set[str]:
    """What pages show as written in either language: the names of organisations (and their
    aliases), clusters, highlands and sources, marketplace titles and funding programmes."""
    from highlands.ecosystem.models import Cluster, Highland, Organization, SourceDocument
    from highlands.funding.models import FundingCall
    from highlands.marketplace.models import CooperationProfile

    names: set[str] = set()
    for org in Organization.objects.prefetch_related("aliases"):
        names |= {org.name, *(a.name for a in org.aliases.all())}
    for cluster in Cluster.objects.all():
        names |= {n for n in (cluster.name, cluster.name_pl, cluster.display_name) if n}
        names |= {cluster.coordinator_stated} if cluster.coordinator_stated else set()
    for h in Highland.objects.all():
        names |= {n for n in (h.name, h.name_pl, h.short_name) if n}
    for source in SourceDocument.objects.all():
        names |= {n for n in (source.name, source.title) if n}
    names |= {p.title for p in CooperationProfile.objects.all()}
    names |= {c.programme for c in FundingCall.objects.all()}
    return {n for n in names if n}


def build_site() -> Site:
    """Everything the pages need, written through the services like a real deployment."""
    from highlands.accounts import gdpr
    from highlands.accounts import services as accounts
    from highlands.accounts.models import ClusterCoordinator, OrganizationRepresentative
    from highlands.ecosystem import selectors
    from highlands.ecosystem import services as registry
    from highlands.ecosystem.models import Cluster, Highland, SourceDocument
    from highlands.events import certificates
    from highlands.events import services as events
    from highlands.events.demo import demo_load as events_demo_load
    from highlands.funding import services as funding
    from highlands.funding.demo import demo_load as funding_demo_load
    from highlands.funding.models import FundingCall
    from highlands.ingest.profile_import import profile_document_import
    from highlands.ingest.sources import read_source
    from highlands.marketplace import services as market
    from highlands.marketplace.demo import demo_load
    from highlands.marketplace.models import CooperationProfile
    from highlands.search.indexing import rebuild
    from tests.accounts.fixtures import make_user
    from tests.conftest import SEED_PATH

    profile_document_import(source=read_source(SEED_PATH))
    demo_load()
    events_demo_load()
    rebuild()
    metal = selectors.cluster_get(slug=METAL)
    wktir = selectors.organization_get(slug=WKTIR)
    partner = selectors.organization_get(slug=PARTNER)
    users: dict[str, Any] = {"anonymous": None, "visitor": make_user("visitor@example.org")}
    users["representative"] = make_user("rep@example.org")
    OrganizationRepresentative.objects.create(user=users["representative"], organization=wktir)
    users["coordinator"] = make_user("coord@example.org")
    ClusterCoordinator.objects.create(user=users["coordinator"], cluster=metal)
    users["city_admin"] = make_user("city@example.org", is_city_admin=True)
    partner_rep = make_user("partner@example.org")
    OrganizationRepresentative.objects.create(user=partner_rep, organization=partner)

    profile = CooperationProfile.objects.filter(organization=wktir, is_demo=True).first()
    assert profile is not None
    market.interest_express(
        actor=partner_rep,
        profile=profile,
        organization=partner,
        message="Dzień dobry, chcielibyśmy zlecić hartowanie 200 wałków.",
    )
    market.saved_search_create(actor=users["representative"], query="hartowanie")
    market.profile_follow(actor=users["visitor"], profile=profile)
    for role in ("visitor", "representative", "coordinator", "city_admin"):
        accounts.consent_give(actor=users[role], purpose="newsletter")
        accounts.api_token_create(actor=users[role], name="laptop")
    accounts.contact_person_create(
        actor=users["coordinator"], cluster=metal, full_name="Anna Kowalska", email="a@k.pl"
    )
    accounts.contact_person_create(
        actor=users["representative"], organization=wktir, full_name="Jan Nowak", email="j@n.pl"
    )
    # The metal cluster asks the partner university to join: its representative answers.
    registry.membership_request_create(
        actor=users["coordinator"],
        cluster=metal,
        organization=partner,
        message="Zapraszamy do klastra.",
    )
    # Funding: demo calls, facts of the representative's organisation, and the partner
    # university's application to the metal cluster (which its coordinator decides).
    funding_demo_load()
    funding.facts_state(
        actor=users["representative"],
        organization=wktir,
        facts={"voivodeship": "lubelskie", "size_class": "small", "nace_codes": ["25.62"]},
    )
    funding.facts_state(actor=partner_rep, organization=partner, facts={"voivodeship": "Lubelskie"})
    application = funding.application_submit(
        actor=partner_rep, cluster=metal, organization=partner, message="Prosimy o przyjęcie."
    )
    call_slug = FundingCall.objects.get(demo_key="fel-circular-metal").slug
    entry = funding.pipeline_entry_create(
        actor=users["representative"],
        call=FundingCall.objects.get(slug=call_slug),
        organization=wktir,
        requested_eur=400_000,
        shared=True,
    )
    funding.consortium_invite(actor=users["representative"], entry=entry, organization=partner)
    _invitation, token = accounts.invitation_create(
        actor=users["city_admin"], email="new@example.org", organization=wktir
    )
    assert gdpr  # imported for its side: erasure pages exist
    # A company owner registered their company as a member of the metal cluster; the visitor
    # asks to represent the partner university. Both wait for verification.
    owner = make_user("owner@hartownia.example.pl")
    registration = accounts.organization_claim_register(
        actor=owner,
        cluster=metal,
        message="Właścicielka firmy.",
        name="Hartownia Zielona Sp. z o.o.",
        org_type="company",
        helix_role="business",
        nip="5260250274",
        website="https://hartownia.example.pl",
        street_address="ul. Metalowa 5",
        postal_code="20-001",
        city="Lublin",
        voivodeship="lubelskie",
        different_from_similar=True,
    )
    accounts.organization_claim_create(
        actor=users["visitor"], organization=partner, message="Pracownik działu współpracy."
    )
    # The city office put one cluster the document leaves out of every highland in one.
    from highlands.ecosystem.models import HighlandCluster

    unassigned = (
        Cluster.objects.filter(parent__isnull=True, is_synthetic=False)
        .exclude(pk__in=HighlandCluster.objects.values("cluster_id"))
        .order_by("position")
        .first()
    )
    if unassigned is not None:
        registry.highland_cluster_assign(
            actor=users["city_admin"], highland=Highland.objects.get(slug="it"), cluster=unassigned
        )
    start = timezone.now() + timedelta(days=14)
    event = events.event_create(
        actor=users["coordinator"],
        clusters=[metal],
        kind="training",
        title="",
        title_pl="Szkolenie z obróbki CNC",
        description_pl="Praktyczne szkolenie dla pracowników firm członkowskich.",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        venue="Lublin",
        capacity=1,
        questions=["Stanowisko?"],
        publish=True,
    )
    seat = events.registration_create(actor=users["visitor"], event=event, answers=["Operator"])
    events.checkin(actor=users["coordinator"], event=event, code=events.ticket_code(seat))
    events.registration_create(actor=users["representative"], event=event, answers=["Szef"])

    meetings_pk, meeting_pk, brokerage_pk = _brokerage(users, metal)

    names = registry_names()
    names |= {u.email for u in users.values() if u is not None}
    names |= {"Anna Kowalska", "Jan Nowak", "laptop", owner.email}
    return Site(
        users=users,
        profile_pk=profile.pk,
        source_pk=SourceDocument.objects.get().pk,
        invitation_token=token,
        unverified_slug=registration.organization.slug,
        claim_pk=registration.pk,
        call_slug=call_slug,
        application_pk=application.pk,
        pipeline_pk=entry.pk,
        proper_names={n for n in names if n},
        event_pk=event.pk,
        certificate_token=certificates.token(seat),
        meetings_pk=meetings_pk,
        meeting_pk=meeting_pk,
        brokerage_pk=brokerage_pk,
    )


def _brokerage(users: dict[str, Any], metal: Any) -> tuple[int, int, int]:
    """A brokerage event with B2B meetings (the representative asked the visitor, who
    accepted; scheduled and published), and one whose meetings are not set up yet."""
    from highlands.accounts.selectors import organizations_kept_by
    from highlands.events import services as events
    from highlands.meetings import services as meetings

    start = (timezone.now() + timedelta(days=20)).replace(minute=0, second=0, microsecond=0)
    fields = {
        "clusters": [metal],
        "kind": "brokerage",
        "starts_at": start,
        "ends_at": start + timedelta(hours=4),
        "venue": "Lublin",
        "capacity": 40,
        "publish": True,
    }
    event = events.event_create(
        actor=users["coordinator"],
        title="Metal industry brokerage",
        title_pl="Giełda kooperacyjna przemysłu metalowego",
        **fields,
    )
    bare = events.event_create(
        actor=users["coordinator"], title="Subcontracting fair", title_pl="", **fields
    )
    session = meetings.session_create(
        actor=users["coordinator"],
        event=event,
        blocks=[(start + timedelta(hours=1), start + timedelta(hours=3))],
        tables=12,
    )
    organization = organizations_kept_by(user=users["representative"]).first()
    events.registration_create(actor=users["visitor"], event=event)
    events.registration_create(
        actor=users["representative"], event=event, organization=organization
    )
    visitor = meetings.participant_join(actor=users["visitor"], session=session)
    meetings.participant_join(actor=users["representative"], session=session)
    request = meetings.request_create(
        actor=users["representative"], recipient=visitor, reason="Cięcie laserowe części stalowych"
    )
    meetings.request_decide(actor=users["visitor"], request=request, accept=True)
    meetings.schedule_run(actor=users["coordinator"], session=session, time_limit=5)
    meetings.schedule_publish(actor=users["coordinator"], session=session)
    return session.pk, request.meetings.get().pk, bare.pk


def pages_for(role: str, site: Site) -> list[str]:
    """Every page ``role`` may open (paths without the language prefix)."""
    with translation.override("en"):
        return _pages_for(role, site)


def _pages_for(role: str, site: Site) -> list[str]:
    pk = site.profile_pk
    public = [
        reverse("web:home"),
        reverse("web:highland", args=["medical"]),
        reverse("web:highland", args=["it"]),
        reverse("web:clusters"),
        reverse("web:clusters") + "?year_min=abc&highland=aviation",  # an invalid filter
        reverse("web:cluster", args=[METAL]),
        reverse("web:cluster", args=["industrial-upland-cluster"]),
        reverse("web:compare"),
        reverse("web:compare") + "?cluster=esta-cluster&cluster=industrial-upland-cluster",
        reverse("web:compare") + "?cluster=esta-cluster",  # an error: fewer than two
        reverse("web:organizations"),
        reverse("web:organization", args=[WKTIR]),
        reverse("web:organization", args=[site.unverified_slug]),
        reverse("web:data_quality"),
        reverse("web:source", args=[site.source_pk]),
        reverse("search:search"),
        reverse("search:search") + "?q=hartowanie+stali",
        reverse("search:search") + "?q=metal&year_min=dawno",  # an invalid filter
        reverse("marketplace:index"),
        reverse("marketplace:index") + "?q=hartowanie&kind=business_offer",
        reverse("marketplace:profile", args=[pk]),
        reverse("marketplace:organization", args=[WKTIR]),
        reverse("funding:index"),
        reverse("funding:index") + "?status=open&topic=industry+4.0",
        reverse("funding:call", args=[site.call_slug]),
        reverse("accounts:privacy"),
        reverse("analytics:dashboard"),
        reverse("analytics:network"),
        reverse("analytics:network") + "?highland=automotive-and-machine&since=abc",  # invalid
        reverse("analytics:network_node", args=["cluster", "industrial-upland-cluster"]),
        reverse("analytics:report"),
        reverse("analytics:report_scope", args=["cluster", "industrial-upland-cluster"]),
        reverse("analytics:report_scope", args=["highland", "automotive-and-machine"]),
        reverse("analytics:open_data"),
        reverse("events:calendar"),
        reverse("events:calendar") + "?when=past",
        reverse("events:calendar") + "?view=grid",  # the month grid of this month
        reverse("events:calendar") + "?date_from=2027-02-01&date_to=2026-01-01",  # reversed
        reverse("events:calendar") + "?kind=training&month=nie",  # an invalid filter
        reverse("events:detail", args=[site.event_pk]),
        reverse("events:cluster", args=[METAL]),
        reverse("events:cluster", args=["industrial-upland-cluster"]),
        reverse("events:certificate_verify", args=[site.certificate_token]),
        "/no-such-page/",
    ]
    if role == "anonymous":
        return [
            *public,
            reverse("account_login"),
            reverse("account_signup"),
            reverse("account_reset_password"),
            reverse("account_reset_password_done"),
            reverse("account_reset_password_from_key", args=["0", "not-a-key"]),  # bad link
            reverse("account_reset_password_from_key_done"),
            reverse("account_email_verification_sent"),
            reverse("account_confirm_email", args=["not-a-key"]),  # an invalid link
            reverse("account_inactive"),
        ]
    signed_in = [
        *public,
        reverse("workspace:home"),
        reverse("workspace:my_data"),
        reverse("marketplace:interests"),
        reverse("marketplace:searches"),
        reverse("marketplace:profile_create"),  # refused (403) unless one represents
        reverse("funding:organization", args=[WKTIR]),  # refused (403) but to its keepers
        reverse("funding:application", args=[site.application_pk]),  # 404 but to its sides
        reverse("events:mine"),
        reverse("events:manage"),
        reverse("notifications:list"),
        reverse("notifications:preferences"),
        reverse("events:create"),  # refused (403) unless one coordinates or is the city
        reverse("meetings:participants", args=[site.meetings_pk]),  # 404 but to participants
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("account_logout"),
        reverse("account_reauthenticate"),
    ]
    signed_in.append(reverse("workspace:membership_requests"))
    signed_in += [
        reverse("workspace:onboarding"),
        reverse("workspace:onboarding") + "?q=lubelsk",
        reverse("workspace:onboarding") + "?q=zzzz",  # nothing found
        reverse("workspace:organization_register"),
        reverse("workspace:organization_claim", args=[PARTNER]),
        reverse("workspace:claims"),
        reverse("web:cluster_contact", args=[METAL]),
        reverse("web:organization_contact", args=[WKTIR]),
        reverse("web:organization_contact", args=[site.unverified_slug]),  # nobody to reach
    ]
    if role == "representative":
        return [
            *signed_in,
            reverse("workspace:organization_edit", args=[WKTIR]),
            reverse("workspace:organization_contacts", args=[WKTIR]),
            reverse("workspace:organization_representatives", args=[WKTIR]),
            reverse("funding:facts", args=[WKTIR]),
            reverse("funding:apply", args=[METAL]),
            reverse("funding:pipeline", args=[WKTIR]),
            reverse("funding:pipeline_entry", args=[site.pipeline_pk]),
        ]
    if role == "coordinator":
        return [
            *signed_in,
            *(
                reverse(f"workspace:{name}", args=[METAL])
                for name in (
                    "cluster_edit",
                    "cluster_members",
                    "cluster_figures",
                    "cluster_issues",
                    "cluster_contacts",
                    "cluster_audit",
                )
            ),
            # the members tab with the candidates for a typed name (one of them a member)
            reverse("workspace:cluster_members", args=[METAL]) + "?organization=voivodeship",
            reverse("marketplace:cluster_activity", args=[METAL]),
            reverse("funding:applications", args=[METAL]),
            reverse("funding:rules", args=[METAL]),
            reverse("funding:cluster_pipeline", args=[METAL]),
            reverse("funding:pipeline_entry", args=[site.pipeline_pk]),  # shared with it
            reverse("events:edit", args=[site.event_pk]),
            reverse("events:registrants", args=[site.event_pk]),
            reverse("events:checkin", args=[site.event_pk]),
            reverse("events:checkin", args=[site.event_pk]) + "?q=visitor",
            reverse("meetings:manage", args=[site.meetings_pk]),
            reverse("meetings:tables", args=[site.meetings_pk]),
            reverse("meetings:edit", args=[site.meetings_pk]),
            reverse("meetings:move", args=[site.meeting_pk]),
            reverse("meetings:setup", args=[site.brokerage_pk]),
            reverse("workspace:organization_edit", args=[WKTIR]),  # refused: not its own
        ]
    if role == "city_admin":
        return [
            *signed_in,
            reverse("workspace:audit_all"),
            reverse("workspace:highlands"),
            reverse("workspace:organization_representatives", args=[PARTNER]),
            reverse("marketplace:statistics"),
            reverse("workspace:cluster_contacts", args=[METAL]),
        ]
    return [
        *signed_in,
        reverse("accounts:invitation_accept", args=[site.invitation_token]),
        reverse("meetings:event", args=[site.brokerage_pk]),  # not set up yet
        reverse("meetings:agenda", args=[site.meetings_pk]),
        reverse("meetings:profile", args=[site.meetings_pk]),
        reverse("meetings:inbox", args=[site.meetings_pk]),
        reverse("meetings:outcome", args=[site.meeting_pk]),
    ]
