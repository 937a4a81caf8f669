"""Meeting pages at /meetings/: a participant's profile and availability, the participants
to browse (with their live marketplace profiles and "whom to meet"), the requests inbox, the
agenda (phone first; PDF and iCal), the outcome form; the organiser's set-up, schedule grid,
participants with few meetings, no-shows and printable table cards.

Thin views over ``selectors`` and ``services``; a refusal is shown in the UI language.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..ecosystem.localization import current_language
from ..errors import ApplicationError, NotFoundError
from ..events import selectors as event_selectors
from ..marketplace.models import CooperationProfile
from . import agenda_files, forms, selectors, services
from .models import MeetingSession, MeetingStatus, OutcomeResult, Participant

NOT_A_PARTICIPANT = "You do not take part in the meetings of this event."

_TEMPLATES = [
    value
    for name, value in vars(services).items()
    if name.isupper() and isinstance(value, str) and " " in value
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


def _me(request: HttpRequest, session: MeetingSession) -> Participant:
    participant = selectors.participant_of(user=request.user, session=session)
    if participant is None:
        raise NotFoundError(NOT_A_PARTICIPANT)
    return participant


def _base(request: HttpRequest, session: MeetingSession, **extra: Any) -> dict[str, Any]:
    return {
        "session": session,
        "event": session.event,
        "manages": request.user.has_perm("meetings.manage_session", session),
        "me": selectors.participant_of(user=request.user, session=session),
        **extra,
    }


@require_safe
def event_entry(request: HttpRequest, event_pk: int) -> HttpResponse:
    """From an event's page: its meetings for a participant, the set-up for its organiser,
    the joining page for a registrant."""
    event = event_selectors.event_get(user=request.user, pk=event_pk)
    session = selectors.session_of_event(event_id=event.pk)
    if session is None:
        if request.user.has_perm("events.manage_event", event):
            return redirect("meetings:setup", event_pk=event.pk)
        return render(request, "meetings/join.html", {"session": None, "event": event})
    if request.user.has_perm("meetings.view_session", session):
        return redirect("meetings:home", pk=session.pk)
    return render(
        request,
        "meetings/join.html",
        {"session": session, "event": event, "can_join": _registered(request, event)},
    )


def _registered(request: HttpRequest, event: Any) -> bool:
    registration = event_selectors.registration_of(user=request.user, event=event)
    return registration is not None and registration.status == "confirmed"


SETUP_ROWS = 6  # blocks on the set-up page: three days of morning and afternoon
EDIT_ROWS = 3  # new blocks on the settings page


def _plan(
    event: Any, blocks: list[Any], minutes: int, **existing: Any
) -> tuple[services.Plan | None, str]:
    """The preview of what the blocks make, or the refusal saying why they cannot."""
    if not blocks:
        return None, ""
    try:
        return services.session_plan(
            event=event, blocks=blocks, slot_minutes=minutes, **existing
        ), ""
    except ApplicationError as exc:
        return None, refusal(exc)


def _capacity(plan: services.Plan | None, form: Any) -> int | None:
    """How many meetings the previewed slots hold at the tables given."""
    if plan is None or not form.is_bound or not form.is_valid():
        return None
    return len(plan.slots) * int(form.cleaned_data["tables"])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request: HttpRequest, event_pk: int) -> HttpResponse:
    """The organiser gives the event its B2B meetings: blocks of time on one day or
    several, slot length, tables and their names, deadlines, a cap; "Preview" (and, with
    htmx, every change) shows the slots it will make before anything is saved."""
    event = event_selectors.event_get(user=request.user, pk=event_pk)
    if not request.user.has_perm("events.manage_event", event):
        raise NotFoundError(selectors.NO_SESSION)
    existing = selectors.session_of_event(event_id=event.pk)
    if existing is not None:
        return redirect("meetings:manage", pk=existing.pk)
    data = request.POST or None
    form = forms.SessionForm(data)
    blocks = forms.block_formset(
        data, rows=SETUP_ROWS, day=timezone.localtime(event.starts_at).date()
    )
    plan, problem = None, ""
    valid = request.method == "POST" and form.is_valid() and blocks.is_valid()
    if request.method == "POST" and "preview" in request.POST:
        minutes = form.cleaned_data.get("slot_minutes")
        if blocks.is_valid() and minutes:  # the other fields may wait
            plan, problem = _plan(event, forms.blocks_of(blocks), minutes)
    elif valid:
        fields = form.cleaned_data
        given = forms.blocks_of(blocks)
        try:
            session = services.session_create(
                actor=request.user,
                event=event,
                blocks=given,
                slot_minutes=fields["slot_minutes"],
                online=fields["online"],
                **form.settings(),
            )
        except ApplicationError as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("The meetings are set up."))
            return redirect("meetings:manage", pk=session.pk)
    failed = request.method == "POST" and "preview" not in request.POST
    context = {
        "event": event,
        "form": form,
        "blocks": blocks,
        "plan": plan,
        "problem": problem,
        "capacity": _capacity(plan, form),
    }
    return render(request, "meetings/setup.html", context, status=400 if failed else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The session's settings: deadlines, the cap, tables and their names, blocks added or
    removed. A change that would orphan a published meeting is refused naming it."""
    session = selectors.session_get(user=request.user, pk=pk, manage=True)
    current = selectors.session_blocks(session)
    labels = [
        (
            b.key,
            services.span(b.starts_at, b.ends_at)
            + (
                " — "
                + ngettext("%(n)s published meeting", "%(n)s published meetings", b.meetings)
                % {"n": b.meetings}
                if b.meetings
                else ""
            ),
        )
        for b in current
    ]
    initial = {
        "tables": session.tables,
        "table_names": "\n".join(session.table_names or []),
        "max_meetings": session.max_meetings,
        "join_deadline": session.join_deadline,
        "request_deadline": session.request_deadline,
    }
    data = request.POST or None
    form = forms.SessionEditForm(data, initial=initial, blocks=labels)
    blocks = forms.block_formset(data, rows=EDIT_ROWS)
    plan, problem = None, ""
    valid = request.method == "POST" and form.is_valid() and blocks.is_valid()
    removing = set(form.cleaned_data.get("remove_blocks") or []) if form.is_bound else set()
    if request.method == "POST" and "preview" in request.POST:
        if blocks.is_valid():
            kept = [b for b in current if b.key not in removing]
            plan, problem = _plan(
                session.event,
                forms.blocks_of(blocks),
                session.slot_minutes,
                existing=[(b.starts_at, b.ends_at) for b in kept],
                existing_slots=sum(len(b.slots) for b in kept),
            )
    elif valid:
        given = forms.blocks_of(blocks)
        remove = [s.pk for b in current if b.key in removing for s in b.slots]
        try:
            services.session_update(
                actor=request.user,
                session=session,
                add_blocks=given,
                remove_slots=remove,
                **form.settings(),
            )
        except ApplicationError as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("The meeting settings are saved."))
            return redirect("meetings:manage", pk=session.pk)
    failed = request.method == "POST" and "preview" not in request.POST
    return render(
        request,
        "meetings/edit.html",
        _base(
            request,
            session,
            form=form,
            blocks=blocks,
            current=current,
            plan=plan,
            problem=problem,
            capacity=_capacity(plan, form),
        ),
        status=400 if failed else 200,
    )


@login_required
@require_POST
def join(request: HttpRequest, pk: int) -> HttpResponse:
    session = MeetingSession.objects.select_related("event").filter(pk=pk).first()
    if session is None:
        raise NotFoundError(selectors.NO_SESSION)
    event_selectors.event_get(user=request.user, pk=session.event_id)
    try:
        services.participant_join(actor=request.user, session=session)
    except ApplicationError as exc:
        messages.error(request, refusal(exc))
        return redirect("meetings:event", event_pk=session.event_id)
    messages.success(request, _("You take part in the meetings. Say when you are available."))
    return redirect("meetings:profile", pk=session.pk)


@login_required
@require_safe
def home(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    me = selectors.participant_of(user=request.user, session=session)
    if me is None:
        return redirect("meetings:manage", pk=session.pk)
    return redirect("meetings:agenda", pk=session.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant's note, availability per slot, cap and standby wish."""
    session = selectors.session_get(user=request.user, pk=pk)
    me = _me(request, session)
    slots = selectors.slots_of(session)
    initial = {
        "note": me.note,
        "available": [str(s.pk) for s in me.available.all()],
        "max_meetings": me.max_meetings,
        "standby": me.standby,
    }
    form = forms.ProfileForm(request.POST or None, initial=initial, slots=slots)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.participant_update(
                actor=request.user,
                participant=me,
                note=data["note"],
                available=[int(v) for v in data["available"]],
                max_meetings=data["max_meetings"],
                standby=data["standby"],
            )
        except ApplicationError as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("Your participant profile is saved."))
            return redirect("meetings:profile", pk=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "meetings/profile.html", _base(request, session, form=form), status=status
    )


@login_required
@require_safe
def participants(request: HttpRequest, pk: int) -> HttpResponse:
    """The other participants with their organisations' live offers and requests, the ones
    the marketplace recommends first (with its reasons), and a request form for each."""
    session = selectors.session_get(user=request.user, pk=pk)
    me = selectors.participant_of(user=request.user, session=session)
    people = list(selectors.participants(session))
    profiles = selectors.live_profiles_by_organization(
        user=request.user, organization_ids={p.organization_id for p in people if p.organization_id}
    )
    pairs = selectors.requested_pairs(me) if me else {}
    rows = [
        {
            "participant": p,
            "profiles": profiles.get(p.organization_id or 0, []),
            "request": pairs.get(p.pk),
        }
        for p in people
        if me is None or p.pk != me.pk
    ]
    suggestions = selectors.whom_to_meet(user=request.user, participant=me) if me else []
    deadline_passed = bool(session.request_deadline and session.request_deadline <= timezone.now())
    return render(
        request,
        "meetings/participants.html",
        _base(
            request,
            session,
            rows=rows,
            suggestions=suggestions,
            form=forms.RequestForm(),
            deadline_passed=deadline_passed,
        ),
    )


@login_required
@require_POST
def request_create(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    recipient = selectors.participant_get(user=request.user, session=session, pk=participant_pk)
    form = forms.RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say in a few words why you want to meet."))
        return redirect("meetings:participants", pk=session.pk)
    try:
        made = services.request_create(
            actor=request.user, recipient=recipient, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as exc:
        messages.error(request, refusal(exc))
    else:
        if made.status == "accepted":
            messages.success(request, _("You both asked: the meeting is accepted."))
        else:
            messages.success(
                request, _("Your request is sent to %(name)s.") % {"name": recipient.name}
            )
    return redirect("meetings:participants", pk=session.pk)


@login_required
@require_safe
def inbox(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    me = _me(request, session)
    return render(
        request,
        "meetings/inbox.html",
        _base(
            request,
            session,
            received=list(selectors.requests_received(me)),
            sent=list(selectors.requests_sent(me)),
        ),
    )


@login_required
@require_POST
def request_answer(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Accept, decline or withdraw a request (from the inbox)."""
    found = selectors.request_get(user=request.user, pk=pk)
    try:
        if action in ("accept", "decline"):
            services.request_decide(actor=request.user, request=found, accept=action == "accept")
        elif action == "withdraw":
            services.request_withdraw(actor=request.user, request=found)
        else:
            raise NotFoundError(selectors.NO_REQUEST)
    except NotFoundError:
        raise
    except ApplicationError as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("Your answer is saved."))
    return redirect("meetings:inbox", pk=found.session_id)


@login_required
@require_safe
def agenda(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    me = _me(request, session)
    items = selectors.agenda(user=request.user, participant=me)
    pending = selectors.requests_received(me).filter(status="pending").count()
    return render(
        request, "meetings/agenda.html", _base(request, session, items=items, pending=pending)
    )


def _agenda_items(request: HttpRequest, pk: int) -> tuple[Participant, list[selectors.AgendaItem]]:
    session = selectors.session_get(user=request.user, pk=pk)
    me = _me(request, session)
    return me, selectors.agenda(user=request.user, participant=me)


@login_required
@require_safe
def agenda_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    me, items = _agenda_items(request, pk)
    body = agenda_files.agenda_pdf(me, items, language=current_language())
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="meetings-{pk}.pdf"'
    return response


@login_required
@require_safe
def agenda_ical(request: HttpRequest, pk: int) -> HttpResponse:
    me, items = _agenda_items(request, pk)
    url = request.build_absolute_uri(reverse("meetings:agenda", args=[pk]))
    body = agenda_files.agenda_ical(me, items, language=current_language(), url=url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meetings-{pk}.ics"'
    return response


@login_required
@require_POST
def offer_answer(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    try:
        services.offer_answer(actor=request.user, meeting=meeting, accept=action == "accept")
    except ApplicationError as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("Your answer is saved."))
    return redirect("meetings:agenda", pk=meeting.session_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """One side records what came of a meeting; "cooperation started" then offers to open the
    marketplace cooperation on one of the partner's live profiles."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    if not request.user.has_perm("meetings.record_outcome", meeting):
        raise NotFoundError(selectors.NO_MEETING)
    session = meeting.session
    me = _me(request, session)
    partner = services.partner_of(meeting, request.user)
    own = next((o for o in meeting.outcomes.all() if o.participant_id == me.pk), None)
    initial = {"result": own.result, "note": own.note} if own else {}
    form = forms.OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_record(
                actor=request.user,
                meeting=meeting,
                result=form.cleaned_data["result"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("The outcome is saved."))
            return redirect("meetings:outcome", pk=meeting.pk)
    profiles = selectors.live_profiles_by_organization(
        user=request.user,
        organization_ids={partner.organization_id} if partner.organization_id else set(),
    ).get(partner.organization_id or 0, [])
    cooperation = None
    if own is not None and own.result == OutcomeResult.COOPERATION and profiles:
        cooperation = forms.CooperationForm(
            profiles=[(p.pk, p.title) for p in profiles],
            initial={
                "message": _("As agreed at our meeting at %(event)s.") % {"event": session.event}
            },
        )
    context = _base(
        request,
        session,
        meeting=meeting,
        partner=partner,
        form=form,
        own=own,
        cooperation=cooperation,
        started=meeting.slot.starts_at <= timezone.now(),
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/outcome.html", context, status=status)


@login_required
@require_POST
def cooperation_start(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    partner = services.partner_of(meeting, request.user)
    profiles = list(
        CooperationProfile.objects.none()
        if partner.organization_id is None
        else selectors.live_profiles_by_organization(
            user=request.user, organization_ids={partner.organization_id}
        ).get(partner.organization_id, [])
    )
    form = forms.CooperationForm(request.POST, profiles=[(p.pk, p.title) for p in profiles])
    if not form.is_valid():
        messages.error(request, _("Choose one of their offers or requests and write a message."))
        return redirect("meetings:outcome", pk=meeting.pk)
    profile = next(p for p in profiles if p.pk == form.cleaned_data["profile"])
    try:
        services.outcome_start_cooperation(
            actor=request.user,
            meeting=meeting,
            profile=profile,
            message=form.cleaned_data["message"],
        )
    except ApplicationError as exc:
        messages.error(request, refusal(exc))
        return redirect("meetings:outcome", pk=meeting.pk)
    messages.success(
        request,
        _("Your interest is sent; once they accept, the cooperation is in the marketplace."),
    )
    return redirect("marketplace:interests")


# -- the organiser ---------------------------------------------------------------------------


@login_required
@require_safe
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The schedule grid (slots × tables), the scheduler's last run, requests, the
    participants with few or no meetings, and the day's check-in and no-shows."""
    session = selectors.session_get(user=request.user, pk=pk, manage=True)
    people = list(selectors.participants(session))
    add_form = forms.AddRequestForm(people=[(p.pk, _person_label(p)) for p in people])
    return render(
        request,
        "meetings/manage.html",
        _base(
            request,
            session,
            grid=selectors.grid(session),
            table_heads=selectors.table_heads(session),
            drafts=session.meetings.filter(status=MeetingStatus.SCHEDULED).count(),
            requests=list(selectors.session_requests(session)),
            few=selectors.participants_with_few_meetings(session),
            people=people,
            add_form=add_form,
            outcomes=list(selectors.outcomes(session)),
        ),
    )


def _person_label(p: Participant) -> str:
    return f"{p.name} ({p.organization.name})" if p.organization else p.name


@login_required
@require_POST
def manage_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Run the scheduler, publish, add a request, mark a no-show, cancel a meeting."""
    session = selectors.session_get(user=request.user, pk=pk, manage=True)
    try:
        if action == "schedule":
            result = services.schedule_run(actor=request.user, session=session)
            messages.success(
                request,
                _("Scheduled %(meetings)s meetings of %(requests)s accepted requests (%(status)s).")
                % {
                    "meetings": result["meetings"],
                    "requests": result["requests"],
                    "status": _("optimal") if result["status"] == "optimal" else _("feasible"),
                },
            )
        elif action == "publish":
            count = services.schedule_publish(actor=request.user, session=session)
            messages.success(request, _("%(count)s meetings published.") % {"count": count})
        elif action == "add":
            people = {p.pk: p for p in selectors.participants(session)}
            form = forms.AddRequestForm(request.POST, people=[(k, "") for k in people])
            if not form.is_valid():
                messages.error(request, _("Choose two participants and give a reason."))
            else:
                data = form.cleaned_data
                services.request_add(
                    actor=request.user,
                    requester=people[data["requester"]],
                    recipient=people[data["recipient"]],
                    reason=data["reason"],
                    priority=data["priority"],
                )
                messages.success(request, _("The meeting request is added and accepted."))
        elif action == "absent":
            participant = selectors.participant_get(
                user=request.user, session=session, pk=_int(request.POST.get("participant"))
            )
            offers = services.participant_mark_absent(actor=request.user, participant=participant)
            messages.success(
                request,
                _("Marked as a no-show; %(count)s meetings offered to standby participants.")
                % {"count": len(offers)},
            )
        elif action == "cancel":
            meeting = selectors.meeting_get(user=request.user, pk=_int(request.POST.get("meeting")))
            if meeting.session_id != session.pk:
                raise NotFoundError(selectors.NO_MEETING)
            cancel = forms.CancelForm(request.POST)
            if not cancel.is_valid():
                messages.error(request, _("Say why the meeting is cancelled."))
            else:
                services.meeting_cancel(
                    actor=request.user, meeting=meeting, reason=cancel.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    _("The meeting is cancelled; both sides are told why.")
                    if meeting.status != MeetingStatus.SCHEDULED
                    else _("The draft meeting is cancelled."),
                )
        else:
            raise NotFoundError(selectors.NO_SESSION)
    except NotFoundError:
        raise
    except ApplicationError as exc:
        messages.error(request, refusal(exc))
    return redirect("meetings:manage", pk=session.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_move(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser moves a meeting to a free table in a slot where both sides are
    available and free (the slots and tables offered are exactly those)."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    session = meeting.session
    if not request.user.has_perm("meetings.manage_session", session):
        raise NotFoundError(selectors.NO_MEETING)
    targets = selectors.move_targets(meeting)
    places = [
        (f"{t.slot.pk}-{number}", f"{services.span(t.slot.starts_at, t.slot.ends_at)} · {label}")
        for t in targets
        for number, label in t.tables
    ]
    form = forms.MoveForm(request.POST or None, places=places)
    if request.method == "POST" and form.is_valid():
        slot_id, table = form.target()
        slot = next(t.slot for t in targets if t.slot.pk == slot_id)
        try:
            services.meeting_move(actor=request.user, meeting=meeting, slot=slot, table=table)
        except ApplicationError as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(
                request,
                _("The meeting is moved; both sides are told.")
                if meeting.status != MeetingStatus.SCHEDULED
                else _("The draft meeting is moved."),
            )
            return redirect("meetings:manage", pk=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "meetings/move.html",
        _base(
            request,
            session,
            meeting=meeting,
            form=form,
            cancel_form=forms.CancelForm(),
            label=services.meeting_label(meeting),
        ),
        status=status,
    )


def _int(value: Any) -> int:
    try:
        return int(str(value)[:12])
    except ValueError as exc:
        raise NotFoundError(selectors.NO_PARTICIPANT) from exc


@login_required
@require_safe
def table_cards(request: HttpRequest, pk: int) -> HttpResponse:
    """One printable card per table: its meetings in time order (print from the browser)."""
    session = selectors.session_get(user=request.user, pk=pk, manage=True)
    return render(
        request,
        "meetings/tables.html",
        _base(request, session, tables=selectors.tables(session), printed=timezone.now()),
    )
