"""Event pages at /events/: the calendar, an event, one's registrations, iCal feeds, and the
organisers' pages (create, edit, publish, cancel, registrants, downloads, check-in).

Thin views over ``selectors`` and ``services``. The events app keeps its own pages (web and
workspace, in the same layer, import no app): they link here by URL name only.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..accounts import selectors as account_selectors
from ..ecosystem import selectors as registry
from ..ecosystem.localization import cluster_name, current_language, localized
from ..errors import ApplicationError, NotFoundError, PermissionDeniedError
from ..text.spreadsheet import download_response
from . import certificates, forms, ical, selectors, services
from .models import Event, EventStatus, RegistrationStatus

PAGE_SIZE = 24  # events a calendar page lists (8 rows of 3 cards)
GRID_MAX = 500  # events a month grid shows at most
LIST_MAX = 200  # events a cluster's page or an organiser's list shows
MANAGE_DENIED = "You may not manage this event."
NO_CERTIFICATE = "There is no certificate for you at this event (it is given after check-in)."

# The services' refusals, matched back to their templates so they read in the UI language.
_TEMPLATES = [
    value
    for name, value in vars(services).items()
    if name.isupper() and isinstance(value, str) and " " in value and value.endswith(".")
]


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$", re.DOTALL)


_PATTERNS = [(_pattern(t), t) for t in _TEMPLATES]


def refusal(exc: ApplicationError) -> str:
    """A service's refusal in the UI language (its values kept as they are)."""
    for pattern, template in _PATTERNS:
        match = pattern.match(exc.message)
        if match:
            return _(template).format(**match.groupdict())
    return _(exc.message)


def _clusters() -> list[tuple[str, str]]:
    return [(c.slug, cluster_name(c).text) for c in registry.cluster_list().prefetch_related(None)]


def _highlands() -> list[tuple[str, str]]:
    return [
        (h.slug, localized(h, "name").text) for h in registry.highland_list().prefetch_related(None)
    ]


def _month(value: date | None) -> dict[str, Any]:
    if value is None:
        return {}
    first = value.replace(day=1)
    context: dict[str, Any] = {"month": first}
    if first > date(1, 1, 1):
        context["previous"] = (first - timedelta(days=1)).replace(day=1)
    if first < date(9999, 12, 1):
        context["following"] = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return context


def _weeks(month: date, events: list[Event]) -> list[list[dict[str, Any]]]:
    """The month as weeks Monday to Sunday, each day with its events (Warsaw dates)."""
    by_day: dict[date, list[Event]] = {}
    for event in events:
        by_day.setdefault(timezone.localtime(event.starts_at).date(), []).append(event)
    first = month.replace(day=1)
    day = first - timedelta(days=first.weekday())
    weeks: list[list[dict[str, Any]]] = []
    while (day.year, day.month) <= (first.year, first.month) and len(weeks) < 6:
        week = []
        for _i in range(7):
            week.append(
                {"date": day, "in_month": day.month == first.month, "events": by_day.get(day, [])}
            )
            day += timedelta(days=1)
        weeks.append(week)
    return weeks


@require_safe
def calendar(request: HttpRequest) -> HttpResponse:
    """The calendar: upcoming or past events, one month (list or grid) or a date range,
    filtered; the list is paged (PAGE_SIZE a page), the grid shows one month."""
    form = forms.CalendarFilterForm(
        request.GET or None, clusters=_clusters(), highlands=_highlands()
    )
    form.is_valid()  # an invalid filter is reported next to its field; the valid ones apply
    data = getattr(form, "cleaned_data", {})
    grid = data.get("view") == "grid"
    month = data.get("month")
    if grid and month is None:
        month = (data.get("date_from") or timezone.localdate()).replace(day=1)
    events = selectors.event_list(
        user=request.user,
        when=data.get("when") or "upcoming",
        cluster=data.get("cluster") or None,
        highland=data.get("highland") or None,
        topic=data.get("topic") or None,
        kind=data.get("kind") or None,
        language=data.get("language") or None,
        month=month,
        date_from=None if month else data.get("date_from"),
        date_to=None if month else data.get("date_to"),
    )
    query = request.GET.copy()
    query.pop("page", None)
    month_query = query.copy()
    month_query.pop("month", None)
    context: dict[str, Any] = {
        "form": form,
        "grid": grid,
        "query": query.urlencode(),
        "month_query": month_query.urlencode(),
        "past": data.get("when") == "past" and not month,
        "can_create": bool(
            request.user.is_authenticated
            and (
                request.user.has_perm("events.organise_for_city")
                or request.user.coordinated.exists()
            )
        ),
        "filtered": any(
            data.get(k)
            for k in (
                "kind",
                "cluster",
                "highland",
                "topic",
                "language",
                "month",
                "date_from",
                "date_to",
            )
        ),
        **_month(month),
    }
    if grid and month is not None:
        shown = list(events[:GRID_MAX])
        context["weekdays"] = [WEEKDAYS_ABBR[i] for i in range(7)]
        context.update(events=shown, weeks=_weeks(month, shown), more=len(shown) == GRID_MAX)
        context["total"] = len(shown)
    else:
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(page=page, events=list(page.object_list), total=page.paginator.count)
    template = "events/_results.html" if request.htmx else "events/calendar.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _qr_svg(code: str) -> str:
    return segno.make(code, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def _jsonld(request: HttpRequest, event: Event) -> dict[str, Any]:
    status = (
        "https://schema.org/EventCancelled"
        if event.status == EventStatus.CANCELLED
        else "https://schema.org/EventScheduled"
    )
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": localized(event, "title").text,
        "startDate": event.starts_at.isoformat(),
        "endDate": event.ends_at.isoformat(),
        "eventStatus": status,
        "url": request.build_absolute_uri(request.path),
        "inLanguage": event.language,
        "organizer": [
            {
                "@type": "Organization",
                "name": cluster_name(c).text,
                "url": request.build_absolute_uri(reverse("web:cluster", args=[c.slug])),
            }
            for c in event.clusters.all()
        ],
    }
    description = localized(event, "description").text
    if description:
        data["description"] = description
    if event.online_url and not (event.venue or event.address):
        data["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
        data["location"] = {"@type": "VirtualLocation", "url": event.online_url}
    elif event.venue or event.address:
        data["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
        data["location"] = {
            "@type": "Place",
            "name": event.venue or event.address,
            "address": event.address or event.venue,
        }
    if event.capacity:
        data["maximumAttendeeCapacity"] = event.capacity
    return data


def _detail_context(request: HttpRequest, event: Event) -> dict[str, Any]:
    user = request.user
    registration = selectors.registration_of(user=user, event=event)
    organizations = [(o.slug, o.name) for o in account_selectors.organizations_kept_by(user=user)]
    can_register = (
        registration is None
        and event.status == EventStatus.PUBLISHED
        and event.starts_at > timezone.now()
        and user.is_authenticated
        and user.has_perm("events.register", event)
    )
    now = timezone.now()
    window_open = not (
        (event.registration_opens_at and now < event.registration_opens_at)
        or (event.registration_closes_at and now >= event.registration_closes_at)
    )
    return {
        "event": event,
        "registration": registration,
        "place": selectors.waiting_place(registration) if registration else None,
        "ticket_svg": _qr_svg(services.ticket_code(registration))
        if registration and registration.status == RegistrationStatus.CONFIRMED
        else "",
        "ticket_code": services.ticket_code(registration)
        if registration and registration.status == RegistrationStatus.CONFIRMED
        else "",
        "form": forms.RegistrationForm(organizations=organizations, questions=event.questions)
        if can_register and window_open
        else None,
        "can_register": can_register,
        "window_open": window_open,
        "seats_left": max(event.capacity - event.seats_taken, 0),  # type: ignore[attr-defined]
        "can_manage": user.has_perm("events.manage_event", event),
        "jsonld": _jsonld(request, event),
        "description": localized(event, "description"),
        "certificate": bool(registration and certificates.eligible(registration)),
        "in_audience": user.is_authenticated and user.has_perm("events.register", event),
    }


@require_safe
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    return render(request, "events/detail.html", _detail_context(request, event))


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    organizations = {o.slug: o for o in account_selectors.organizations_kept_by(user=request.user)}
    form = forms.RegistrationForm(
        request.POST,
        organizations=[(s, o.name) for s, o in organizations.items()],
        questions=event.questions,
    )
    if not form.is_valid():
        context = _detail_context(request, event)
        context["form"] = form
        return render(request, "events/detail.html", context, status=400)
    try:
        registration = services.registration_create(
            actor=request.user,
            event=event,
            organization=organizations.get(form.cleaned_data.get("organization") or ""),
            answers=form.answers(),
            attendees=form.attendees(),
        )
    except ApplicationError as exc:
        messages.error(request, refusal(exc))
    else:
        if registration.status == RegistrationStatus.CONFIRMED:
            messages.success(request, _("You are registered. Your ticket is below."))
        else:
            messages.success(request, _("The event is full: you are on the waiting list."))
    return redirect("events:detail", pk=event.pk)


def _own_registration(request: HttpRequest, event: Event) -> Any:
    registration = selectors.registration_of(user=request.user, event=event)
    if registration is None:
        raise NotFoundError("You have no registration for this event.")
    return registration


@login_required
@require_POST
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    try:
        registration = _own_registration(request, event)
        services.registration_cancel(actor=request.user, registration=registration)
    except ApplicationError as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("events:detail", pk=event.pk)


@login_required
@require_POST
def offer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    try:
        registration = _own_registration(request, event)
        services.registration_accept_offer(actor=request.user, registration=registration)
    except ApplicationError as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("The seat is yours. Your ticket is below."))
    return redirect("events:detail", pk=event.pk)


FEED_SALT = "highlands.events.personal-feed"


def personal_feed_token(user: Any) -> str:
    """An unguessable, stable token naming the person's feed (their id, signed)."""
    return signing.dumps(user.pk, salt=FEED_SALT)


@login_required
@require_safe
def my_registrations(request: HttpRequest) -> HttpResponse:
    rows = [(r, selectors.waiting_place(r)) for r in selectors.registrations_of(user=request.user)]
    feed = request.build_absolute_uri(
        reverse("events:personal_ical", args=[personal_feed_token(request.user)])
    )
    return render(request, "events/mine.html", {"rows": rows, "feed": feed})


@require_safe
def personal_ical(request: HttpRequest, token: str) -> HttpResponse:
    """A person's events as a feed a calendar app subscribes to without signing in."""
    try:
        pk = signing.loads(token[:200], salt=FEED_SALT)
    except signing.BadSignature as exc:
        raise Http404 from exc
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise Http404
    events = list(selectors.events_of_person(user=user))
    return _ical_response(events, _("My events"), "my-events.ics")


def _ical_response(events: list[Event], name: str, filename: str) -> HttpResponse:
    language = current_language()
    body = ical.calendar_bytes(
        events,
        name=name,
        language=language,
        url_of={e.pk: reverse("events:detail", args=[e.pk]) for e in events},
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def event_ical(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    return _ical_response([event], localized(event, "title").text, f"event-{event.pk}.ics")


@require_safe
def cluster_ical(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = registry.cluster_get(slug=slug)
    events = list(selectors.events_of_cluster(slug=slug))
    return _ical_response(events, cluster_name(cluster).text, f"{slug}.ics")


@require_safe
def highland_ical(request: HttpRequest, slug: str) -> HttpResponse:
    highland = registry.highland_get(slug=slug)
    events = list(selectors.event_list(user=None, highland=slug, when="upcoming"))
    events += list(selectors.event_list(user=None, highland=slug, when="past")[:100])
    return _ical_response(events, localized(highland, "name").text, f"{slug}.ics")


@require_safe
def cluster_events(request: HttpRequest, slug: str) -> HttpResponse:
    """A cluster's calendar: upcoming events and its record of past ones."""
    cluster = registry.cluster_get(slug=slug)
    context = {
        "cluster": cluster,
        "upcoming": list(selectors.event_list(user=request.user, cluster=slug)[:LIST_MAX]),
        "past": list(selectors.event_list(user=request.user, cluster=slug, when="past")[:LIST_MAX]),
    }
    return render(request, "events/cluster.html", context)


# -- organisers


def _organisers(user: Any) -> list[tuple[str, str]]:
    """The organisers the user may create events for: their clusters; the city office all."""
    options: list[tuple[str, str]] = []
    if user.has_perm("events.organise_for_city"):
        options.append(("city", _("The city office")))
        options += [(f"highland:{s}", n) for s, n in _highlands()]
    for slug, name in _clusters():
        cluster = registry.cluster_get(slug=slug)
        if user.has_perm("events.organise_for_cluster", cluster):
            options.append((f"cluster:{slug}", name))
    return options


def _organiser_kwargs(value: str) -> dict[str, Any]:
    kind, _sep, slug = value.partition(":")
    if kind == "cluster":
        return {"clusters": [registry.cluster_get(slug=slug)]}
    if kind == "highland":
        return {"highland": registry.highland_get(slug=slug)}
    return {"by_city_office": True}


def _event_fields(form: forms.EventForm) -> dict[str, Any]:
    data = form.cleaned_data
    names = [
        "kind", "title", "title_pl", "description", "description_pl", "language", "starts_at",
        "ends_at", "venue", "address", "online_url", "audience", "capacity",
        "per_organization_limit", "registration_opens_at", "registration_closes_at",
        "cancellation_deadline", "offer_hours",
    ]  # fmt: skip
    fields = {name: data[name] for name in names}
    fields["offer_hours"] = fields["offer_hours"] or 0
    fields["invitees"] = form.lines("invitees")
    fields["questions"] = form.lines("questions")
    return fields


@login_required
@require_safe
def manage_index(request: HttpRequest) -> HttpResponse:
    """The events the user organises, drafts included, with their seats and waiting lists."""
    events = list(selectors.events_managed_by(user=request.user)[:LIST_MAX])
    return render(
        request,
        "events/manage.html",
        {"events": events, "can_create": bool(_organisers(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    organisers = _organisers(request.user)
    if not organisers:
        raise PermissionDeniedError(services.ORGANISE_DENIED)
    form = forms.EventForm(request.POST or None, organisers=organisers)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                actor=request.user,
                publish=form.cleaned_data["publish"],
                **_organiser_kwargs(form.cleaned_data["organiser"]),
                **_event_fields(form),
            )
        except ApplicationError as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("The event is saved."))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/form.html", {"form": form, "event": None})


def _managed(request: HttpRequest, pk: int) -> Event:
    event = selectors.event_get(user=request.user, pk=pk)
    if not request.user.has_perm("events.manage_event", event):
        raise PermissionDeniedError(MANAGE_DENIED)
    return event


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed(request, pk)
    organiser = (
        f"cluster:{event.clusters.all()[0].slug}"
        if event.clusters.all()
        else f"highland:{event.highland.slug}"
        if event.highland
        else "city"
    )
    local = timezone.localtime
    initial = {
        "organiser": organiser,
        **{
            f: getattr(event, f)
            for f in (
                "kind",
                "title",
                "title_pl",
                "description",
                "description_pl",
                "language",
                "venue",
                "address",
                "online_url",
                "audience",
                "capacity",
                "per_organization_limit",
                "offer_hours",
            )
        },
        **{
            f: local(getattr(event, f)) if getattr(event, f) else None
            for f in (
                "starts_at",
                "ends_at",
                "registration_opens_at",
                "registration_closes_at",
                "cancellation_deadline",
            )
        },
        "invitees": "\n".join(event.invitees),
        "questions": "\n".join(event.questions),
    }
    form = forms.EventForm(
        request.POST or None, initial=initial, organisers=[(organiser, str(event))]
    )
    del form.fields["publish"]
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, **_event_fields(form))
        except ApplicationError as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("The event is saved."))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/form.html", {"form": form, "event": event})


@login_required
@require_POST
def event_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    event = _managed(request, pk)
    actions = {"publish": services.event_publish, "cancel": services.event_cancel}
    if action not in actions:
        raise Http404
    try:
        actions[action](actor=request.user, event=event)
    except ApplicationError as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(
            request,
            _("The event is published.")
            if action == "publish"
            else _("The event is cancelled; everyone registered is told by e-mail."),
        )
    return redirect("events:detail", pk=event.pk)


@login_required
@require_safe
def event_registrants(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed(request, pk)
    registrations = list(selectors.registrants(event=event))
    ended = event.ends_at < timezone.now()
    return render(
        request,
        "events/registrants.html",
        {
            "event": event,
            "seated": [r for r in registrations if r.status in ("confirmed", "offered")],
            "waiting": [r for r in registrations if r.status == "waiting"],
            "others": [r for r in registrations if r.status in ("cancelled", "expired")],
            "ended": ended,
        },
    )


@login_required
@require_safe
def registrants_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    event = _managed(request, pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return download_response(
        selectors.registrant_rows(event), name=f"event-{event.pk}-registrants", fmt=fmt
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """Check people in on a phone: a scanned (or typed) ticket code, or a name search."""
    event = _managed(request, pk)
    form = forms.CheckinForm(request.POST or request.GET or None)
    if request.method == "POST":
        registration_pk = request.POST.get("registration", "")
        try:
            if registration_pk.isdigit() and len(registration_pk) < 18:
                found = selectors.registrants(event=event).filter(pk=int(registration_pk)).first()
                if found is None:
                    raise NotFoundError("No such registration.")
                registration, first = services.checkin(
                    actor=request.user, event=event, registration=found
                )
            else:
                registration, first = services.checkin(
                    actor=request.user, event=event, code=request.POST.get("code", "")[:400]
                )
        except ApplicationError as exc:
            messages.error(request, refusal(exc))
        else:
            name = registration.user.get_full_name() or registration.user.email
            if first:
                messages.success(request, _("%(name)s is checked in.") % {"name": name})
            else:
                messages.info(request, _("%(name)s was already checked in.") % {"name": name})
        return redirect(reverse("events:checkin", args=[event.pk]) + "?" + request.GET.urlencode())
    q = ""
    if form.is_bound and form.is_valid():
        q = form.cleaned_data.get("q", "")
    registrations = list(selectors.registrants(event=event, q=q or None).filter(status="confirmed"))
    return render(
        request,
        "events/checkin.html",
        {
            "event": event,
            "form": forms.CheckinForm(initial={"q": q}),
            "registrations": registrations,
            "checked_in": sum(1 for r in registrations if r.checked_in_at),
            "q": q,
        },
    )


# -- certificates of attendance


@login_required
@require_safe
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed-in attendee's certificate (PDF in the page's language)."""
    event = selectors.event_get(user=request.user, pk=pk)
    registration = selectors.registration_of(user=request.user, event=event)
    if registration is None or not certificates.eligible(registration):
        raise NotFoundError(NO_CERTIFICATE)
    verify_url = request.build_absolute_uri(
        reverse("events:certificate_verify", args=[certificates.token(registration)])
    )
    body = certificates.pdf(registration, language=current_language(), verify_url=verify_url)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{event.pk}.pdf"'
    return response


@require_safe
def certificate_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone with the link confirms that a certificate is genuine."""
    registration = certificates.verify(token)
    return render(
        request,
        "events/certificate.html",
        {
            "registration": registration,
            "event": registration.event,
            "name": certificates.attendee_name(registration),
        },
    )
