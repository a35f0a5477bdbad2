"""Capacity-building events: the list, an event's page and form, invitations, attendance and follow-up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from accounts.views_support import allowed
from core.lists import list_page

from .. import lists, selectors, services
from ..forms import AttendanceForm, AttendeeForm, EventForm, FollowUpForm, InviteForm
from ..models import Event, FollowUp
from .forms import fields, form_page

MANAGE = "event.manage"


def _event_url(event_pk: int) -> str:
    return reverse("organisations:event_detail", args=[event_pk])


@allowed("event.view")
def event_list(request: HttpRequest) -> HttpResponse:
    listing = list_page(request, lists.EVENTS)
    can_manage = policy.can(request.user, MANAGE)
    return listing.export or render(
        request, "organisations/event_list.html", {**listing.context, "can_manage": can_manage}
    )


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "organisations/event_detail.html",
        {"event": event, "can_manage": policy.can(request.user, MANAGE, event), **selectors.event_page(event=event)},
    )


@login_required
def event_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is not None:
        event = selectors.event_get_for_user(user=request.user, pk=pk, action=MANAGE)
    else:
        policy.require(request.user, MANAGE)
        event = Event()

    def save(data: dict) -> Event:
        if event.pk:
            return services.event_save(user=request.user, event=event, **fields(data, services.EVENT_FIELDS))
        region = selectors.event_region(user=request.user)
        if region is None:
            raise PermissionDenied
        return services.event_save(user=request.user, region=region, **fields(data, services.EVENT_FIELDS))

    return form_page(
        request,
        form=EventForm(request.POST or None, instance=event),
        save=save,
        success_url=lambda saved: _event_url(saved.pk),
        cancel_url=reverse("organisations:event_list"),
        title=_("Capacity-building event"),
        template="organisations/event_form.html",
    )


@login_required
def event_invite(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for_user(user=request.user, pk=pk, action=MANAGE)
    form = InviteForm(request.POST or None, organisations=selectors.invite_candidates(user=request.user, event=event))
    return form_page(
        request,
        form=form,
        save=lambda data: services.event_invite(user=request.user, event=event, organisations=data["organisations"]),
        success_url=_event_url(event.pk),
        title=_("Invite Karang Taruna to %(title)s") % {"title": event.title},
        template="organisations/event_form.html",
    )


@login_required
@require_POST
def event_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for_user(user=request.user, pk=pk, action=MANAGE)
    attended = AttendanceForm(request.POST).attended_ids()
    services.event_attendance_set(user=request.user, event=event, attended_ids=attended)
    messages.success(request, _("Attendance saved."))
    return redirect("organisations:event_detail", pk=event.pk)


@login_required
def attendee_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for_user(user=request.user, pk=pk, action=MANAGE)
    participations = selectors.event_participations(event=event)
    by_pk = {p.pk: p for p in participations}
    return form_page(
        request,
        form=AttendeeForm(request.POST or None, participations=participations),
        save=lambda data: services.attendee_add(
            user=request.user, participation=by_pk[data["organisation"]], name=data["name"], position=data["position"]
        ),
        success_url=_event_url(event.pk),
        title=_("Attendee of %(title)s") % {"title": event.title},
        template="organisations/event_form.html",
    )


@login_required
def follow_up_form(request: HttpRequest, pk: int | None = None, event_pk: int | None = None) -> HttpResponse:
    if pk is not None:
        follow_up = selectors.follow_up_get_for_user(user=request.user, pk=pk)
        event = follow_up.event
    else:
        event = selectors.event_get_for_user(user=request.user, pk=event_pk, action=MANAGE)
        follow_up = FollowUp(event=event)
    return form_page(
        request,
        form=FollowUpForm(request.POST or None, instance=follow_up),
        save=lambda data: services.follow_up_save(
            user=request.user,
            event=event,
            follow_up=follow_up if follow_up.pk else None,
            **fields(data, services.FOLLOW_UP_FIELDS),
        ),
        success_url=_event_url(event.pk),
        title=_("Follow-up action of %(title)s") % {"title": event.title},
        template="organisations/event_form.html",
    )
