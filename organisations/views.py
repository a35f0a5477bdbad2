"""Pages of the Karang Taruna registry. Thin: each parses, asks a selector or calls a service, renders.

Every view that takes an id starts with ``policy.get_for_user`` (404 outside the user's
scope, 403 when visible but not allowed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from core.db_router import use_replica
from core.exports import export_format, export_response, paginate
from regions.models import Region

from . import selectors, services
from .forms import (
    AssessmentForm,
    AssistanceForm,
    AttendeeForm,
    DocumentForm,
    EventForm,
    FollowUpForm,
    InviteForm,
    OfficerForm,
    OrganisationCreateForm,
    OrganisationFilterForm,
    OrganisationForm,
    PartnershipForm,
    ProgrammeForm,
    TermForm,
    add_service_errors,
)
from .models import (
    ASPECTS,
    Assessment,
    Assistance,
    Document,
    Event,
    FollowUp,
    Officer,
    Organisation,
    Partnership,
    Programme,
    Term,
)
from .uploads import ALLOWED, extension_of

VIEW = "organisation.view"


def _organisation(request: HttpRequest, pk: int, action: str = VIEW) -> Organisation:
    return policy.get_for_user(
        Organisation.objects.select_related("region"),
        request.user,
        action,
        view_action=VIEW if action != VIEW else None,
        pk=pk,
    )


def _child(request: HttpRequest, queryset: QuerySet, pk: int, action: str) -> Any:
    return policy.get_for_user(queryset, request.user, action, view_action=VIEW, pk=pk)


def _form_page(
    request: HttpRequest,
    *,
    form: Form,
    save: Callable[[dict[str, Any]], Any],
    success_url: str,
    title: str,
    template: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Show ``form``; on a valid POST call ``save`` (a service) and redirect, or show its refusal."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(success_url)
    return render(request, template, {"form": form, "title": title, "cancel_url": success_url, **(context or {})})


def _fields(data: dict[str, Any], names: list[str]) -> dict[str, Any]:
    return {name: data[name] for name in names if name in data}


# ---------------------------------------------------------------------------- list and dashboard


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, VIEW):
        raise PermissionDenied
    kabupaten_code = request.GET.get("kabupaten") or None
    kabupaten, kecamatan = selectors.filter_regions(user=request.user, kabupaten=kabupaten_code)
    form = OrganisationFilterForm(request.GET or None, kabupaten=kabupaten, kecamatan=kecamatan)
    filters = form.valid_filters()
    if filters.get("kecamatan") and not filters["kecamatan"].startswith(f"{filters.get('kabupaten', '')}."):
        filters.pop("kecamatan")
    qs = selectors.organisation_list(user=request.user, filters=filters)
    if fmt := export_format(request):
        return export_response(
            fmt=fmt,
            filename="karang-taruna",
            header=selectors.EXPORT_HEADER,
            rows=selectors.export_rows(qs),
            sheet_title="Karang Taruna",
        )
    page = paginate(request, qs)
    return render(
        request,
        "organisations/organisation_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": selectors.list_rows(list(page.object_list)),
            "can_create": policy.can(request.user, "organisation.create"),
            "can_dashboard": policy.can(request.user, "registry.dashboard"),
        },
    )


@login_required
@use_replica()
def registry_dashboard(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "registry.dashboard"):
        raise PermissionDenied
    return render(request, "organisations/registry_dashboard.html", selectors.registry_dashboard(user=request.user))


# ---------------------------------------------------------------------------- the organisation


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    user = request.user
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "page": selectors.organisation_page(organisation=organisation),
            "organisation": organisation,
            "aspects": ASPECTS,
            "can_edit": policy.can(user, "organisation.edit", organisation),
            "can_assess": policy.can(user, "organisation.assess", organisation),
            "can_record_assistance": policy.can(user, "assistance.record", organisation),
            "can_see_history": policy.can(user, "organisation.history", organisation),
        },
    )


@login_required
def organisation_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The change history, read only when asked for: the organisation page links here (htmx puts the
    table into the page; without JavaScript the link opens this page)."""
    organisation = _organisation(request, pk, "organisation.history")
    context = {"organisation": organisation, "history": selectors.organisation_history(organisation=organisation)}
    template = "organisations/organisation_history.html"
    if request.headers.get("HX-Request"):
        template += "#history"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "organisation.create"):
        raise PermissionDenied
    regions = Region.objects.filter(policy.scope_q(request.user, "organisation.create", region_field="code")).order_by(
        "code"
    )
    form = OrganisationCreateForm(request.POST or None, regions=regions)
    created: dict[str, Organisation] = {}

    def save(data: dict[str, Any]) -> None:
        created["org"] = services.organisation_create(
            user=request.user, region=data["region"], **_fields(data, services.PROFILE_FIELDS)
        )

    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("organisations:detail", pk=created["org"].pk)
    return render(
        request,
        "organisations/organisation_form.html",
        {"form": form, "title": _("Register a Karang Taruna"), "cancel_url": reverse("organisations:list")},
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk, "organisation.edit")
    form = OrganisationForm(request.POST or None, instance=organisation)
    return _form_page(
        request,
        form=form,
        save=lambda d: services.organisation_update(
            user=request.user, organisation=organisation, **_fields(d, services.PROFILE_FIELDS)
        ),
        success_url=reverse("organisations:detail", args=[organisation.pk]),
        title=_("Edit the profile of %(name)s") % {"name": organisation.name},
        template="organisations/organisation_form.html",
    )


# ---------------------------------------------------------------------------- terms and officers


@login_required
def term_form(request: HttpRequest, pk: int | None = None, organisation_pk: int | None = None) -> HttpResponse:
    if pk is not None:
        term = _child(request, Term.objects.select_related("organisation__region"), pk, "organisation.edit")
        organisation = term.organisation
    else:
        organisation = _organisation(request, organisation_pk, "organisation.edit")
        term = Term(organisation=organisation)
    form = TermForm(request.POST or None, instance=term)
    return _form_page(
        request,
        form=form,
        save=lambda d: services.term_save(
            user=request.user,
            organisation=organisation,
            term=term if term.pk else None,
            **_fields(d, services.TERM_FIELDS),
        ),
        success_url=reverse("organisations:detail", args=[organisation.pk]),
        title=_("Term of %(name)s") % {"name": organisation.name},
        template="organisations/term_form.html",
    )


@login_required
def officer_form(request: HttpRequest, pk: int | None = None, term_pk: int | None = None) -> HttpResponse:
    if pk is not None:
        officer = _child(request, Officer.objects.select_related("term__organisation__region"), pk, "organisation.edit")
        term = officer.term
    else:
        term = _child(request, Term.objects.select_related("organisation__region"), term_pk, "organisation.edit")
        officer = Officer(term=term)
    form = OfficerForm(request.POST or None, instance=officer)
    return _form_page(
        request,
        form=form,
        save=lambda d: services.officer_save(
            user=request.user, term=term, officer=officer if officer.pk else None, **_fields(d, services.OFFICER_FIELDS)
        ),
        success_url=reverse("organisations:detail", args=[term.organisation_id]),
        title=_("Officer of the term %(term)s, %(name)s") % {"term": term, "name": term.organisation.name},
        template="organisations/officer_form.html",
    )


@login_required
@require_POST
def officer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    officer = _child(request, Officer.objects.select_related("term__organisation__region"), pk, "organisation.edit")
    organisation_pk = officer.term.organisation_id
    services.officer_delete(user=request.user, officer=officer)
    messages.success(request, _("The officer was removed."))
    return redirect("organisations:detail", pk=organisation_pk)


# ---------------------------------------------------------------------------- classification


@login_required
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk, "organisation.assess")
    form = AssessmentForm(request.POST or None, instance=Assessment(organisation=organisation))
    return _form_page(
        request,
        form=form,
        save=lambda d: services.assessment_record(
            user=request.user,
            organisation=organisation,
            assessed_on=d["assessed_on"],
            note=d.get("note", ""),
            **{name: d[name] for name, _label in ASPECTS},
        ),
        success_url=reverse("organisations:detail", args=[organisation.pk]),
        title=_("Assess %(name)s") % {"name": organisation.name},
        template="organisations/assessment_form.html",
    )


# ---------------------------------------------------------------------------- programmes, assistance, partners


def _child_form(
    request: HttpRequest,
    *,
    model: type,
    pk: int | None,
    organisation_pk: int | None,
    action: str,
    form_class: type,
    service: Callable[..., Any],
    instance_kw: str,
    field_names: list[str],
    title: str,
    template: str,
    with_files: bool = False,
) -> HttpResponse:
    if pk is not None:
        instance = _child(request, model.objects.select_related("organisation__region"), pk, action)
        organisation = instance.organisation
    else:
        organisation = _organisation(request, organisation_pk, action)
        instance = model(organisation=organisation)
    args = (request.POST or None, request.FILES or None) if with_files else (request.POST or None,)
    form = form_class(*args, instance=instance)

    def save(data: dict[str, Any]) -> Any:
        extra = {"upload": data.get("upload")} if with_files else {}
        return service(
            user=request.user,
            organisation=organisation,
            **{instance_kw: instance if instance.pk else None},
            **extra,
            **_fields(data, field_names),
        )

    return _form_page(
        request,
        form=form,
        save=save,
        success_url=reverse("organisations:detail", args=[organisation.pk]),
        title=f"{title} · {organisation.name}",
        template=template,
        context={"multipart": with_files},
    )


@login_required
def programme_form(request: HttpRequest, pk: int | None = None, organisation_pk: int | None = None) -> HttpResponse:
    return _child_form(
        request,
        model=Programme,
        pk=pk,
        organisation_pk=organisation_pk,
        action="organisation.edit",
        form_class=ProgrammeForm,
        service=services.programme_save,
        instance_kw="programme",
        field_names=services.PROGRAMME_FIELDS,
        title=_("Programme"),
        template="organisations/programme_form.html",
    )


@login_required
def assistance_form(request: HttpRequest, pk: int | None = None, organisation_pk: int | None = None) -> HttpResponse:
    return _child_form(
        request,
        model=Assistance,
        pk=pk,
        organisation_pk=organisation_pk,
        action="assistance.record",
        form_class=AssistanceForm,
        service=services.assistance_save,
        instance_kw="assistance",
        field_names=services.ASSISTANCE_FIELDS,
        title=_("Assistance received"),
        template="organisations/assistance_form.html",
        with_files=True,
    )


@login_required
def partnership_form(request: HttpRequest, pk: int | None = None, organisation_pk: int | None = None) -> HttpResponse:
    return _child_form(
        request,
        model=Partnership,
        pk=pk,
        organisation_pk=organisation_pk,
        action="organisation.edit",
        form_class=PartnershipForm,
        service=services.partnership_save,
        instance_kw="partnership",
        field_names=services.PARTNERSHIP_FIELDS,
        title=_("Partnership"),
        template="organisations/partnership_form.html",
    )


# ---------------------------------------------------------------------------- documents


@login_required
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk, "organisation.edit")
    form = DocumentForm(request.POST or None, request.FILES or None)
    return _form_page(
        request,
        form=form,
        save=lambda d: services.document_upload(
            user=request.user, organisation=organisation, kind=d["kind"], title=d["title"], upload=d["upload"]
        ),
        success_url=reverse("organisations:detail", args=[organisation.pk]),
        title=_("Upload a document · %(name)s") % {"name": organisation.name},
        template="organisations/document_form.html",
        context={"multipart": True},
    )


@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = _child(request, Document.objects.select_related("organisation__region"), pk, VIEW)
    file_type = ALLOWED.get(extension_of(document.file.name))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=not (file_type and file_type.inline),
        filename=document.original_name or document.file.name.rsplit("/", 1)[-1],
        content_type=file_type.content_type if file_type else "application/octet-stream",
    )
    return response


@login_required
@require_POST
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = _child(request, Document.objects.select_related("organisation__region"), pk, "organisation.edit")
    organisation_pk = document.organisation_id
    services.document_delete(user=request.user, document=document)
    messages.success(request, _("The document was deleted."))
    return redirect("organisations:detail", pk=organisation_pk)


# ---------------------------------------------------------------------------- events


def _event(request: HttpRequest, pk: int, action: str = "event.view") -> Event:
    return policy.get_for_user(
        Event.objects.select_related("region"),
        request.user,
        action,
        view_action="event.view" if action != "event.view" else None,
        pk=pk,
    )


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "event.view"):
        raise PermissionDenied
    qs = selectors.events_list(user=request.user)
    if fmt := export_format(request):
        rows = (
            [e.title, e.starts_on, e.ends_on, e.place, e.organiser, ", ".join(e.aims), e.invited, e.attended]
            for e in qs.iterator(chunk_size=500)
        )
        header = ["Judul", "Mulai", "Selesai", "Tempat", "Penyelenggara", "Tujuan", "Diundang", "Hadir"]
        return export_response(fmt=fmt, filename="kegiatan-penguatan", header=header, rows=rows)
    return render(
        request,
        "organisations/event_list.html",
        {"page_obj": paginate(request, qs), "can_manage": policy.can(request.user, "event.manage")},
    )


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    return render(
        request,
        "organisations/event_detail.html",
        {
            "event": event,
            "can_manage": policy.can(request.user, "event.manage", event),
            **selectors.event_page(event=event),
        },
    )


@login_required
def event_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is not None:
        event = _event(request, pk, "event.manage")
    else:
        if not policy.can(request.user, "event.manage"):
            raise PermissionDenied
        event = Event()
    form = EventForm(request.POST or None, instance=event)
    saved: dict[str, Event] = {}

    def save(data: dict[str, Any]) -> None:
        fields = _fields(data, services.EVENT_FIELDS)
        if event.pk:
            saved["event"] = services.event_save(user=request.user, event=event, **fields)
        else:
            region = _event_region(request.user)
            saved["event"] = services.event_save(user=request.user, region=region, **fields)

    response = _form_page(
        request,
        form=form,
        save=save,
        success_url=reverse("organisations:event_list"),
        title=_("Capacity-building event"),
        template="organisations/event_form.html",
    )
    if "event" in saved:
        return redirect("organisations:event_detail", pk=saved["event"].pk)
    return response


def _event_region(user: Any) -> Region:
    """A new event belongs to the widest region the user manages events in (the province for its staff)."""
    codes = sorted(
        (g.region_code for g in policy.grants(user) if g.role in policy.PERMISSIONS["event.manage"] and g.region_code),
        key=len,
    )
    region = Region.objects.filter(code=codes[0]).first() if codes else Region.objects.filter(level=1).first()
    if region is None:
        raise PermissionDenied
    return region


@login_required
def event_invite(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, "event.manage")
    candidates = (
        policy.scoped(Organisation.objects.select_related("region"), request.user, "organisation.view")
        .exclude(participations__event=event)
        .order_by("region__code")
    )
    form = InviteForm(request.POST or None, organisations=candidates)
    return _form_page(
        request,
        form=form,
        save=lambda d: services.event_invite(user=request.user, event=event, organisations=d["organisations"]),
        success_url=reverse("organisations:event_detail", args=[event.pk]),
        title=_("Invite Karang Taruna to %(title)s") % {"title": event.title},
        template="organisations/event_form.html",
    )


@login_required
@require_POST
def event_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, "event.manage")
    ids = []
    for value in request.POST.getlist("attended"):
        if value.isdigit():
            ids.append(int(value))
    services.event_attendance_set(user=request.user, event=event, attended_ids=ids)
    messages.success(request, _("Attendance saved."))
    return redirect("organisations:event_detail", pk=event.pk)


@login_required
def attendee_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, "event.manage")
    participations = list(event.participations.select_related("organisation"))
    form = AttendeeForm(request.POST or None, participations=participations)
    by_pk = {p.pk: p for p in participations}
    return _form_page(
        request,
        form=form,
        save=lambda d: services.attendee_add(
            user=request.user, participation=by_pk[d["organisation"]], name=d["name"], position=d["position"]
        ),
        success_url=reverse("organisations:event_detail", args=[event.pk]),
        title=_("Attendee of %(title)s") % {"title": event.title},
        template="organisations/event_form.html",
    )


@login_required
def follow_up_form(request: HttpRequest, pk: int | None = None, event_pk: int | None = None) -> HttpResponse:
    if pk is not None:
        follow_up = policy.get_for_user(
            FollowUp.objects.select_related("event__region"),
            request.user,
            "event.manage",
            view_action="event.view",
            pk=pk,
        )
        event = follow_up.event
    else:
        event = _event(request, event_pk, "event.manage")
        follow_up = FollowUp(event=event)
    form = FollowUpForm(request.POST or None, instance=follow_up)
    return _form_page(
        request,
        form=form,
        save=lambda d: services.follow_up_save(
            user=request.user,
            event=event,
            follow_up=follow_up if follow_up.pk else None,
            **_fields(d, services.FOLLOW_UP_FIELDS),
        ),
        success_url=reverse("organisations:event_detail", args=[event.pk]),
        title=_("Follow-up action of %(title)s") % {"title": event.title},
        template="organisations/event_form.html",
    )
