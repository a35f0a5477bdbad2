"""An organisation's records: terms and officers, assessments, programmes, assistance,
partnerships and documents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accounts.views_support import unconfirmed
from core.uploads import ALLOWED, extension_of

from .. import selectors, services
from ..forms import AssessmentForm, AssistanceForm, DocumentForm, OfficerForm, PartnershipForm, ProgrammeForm, TermForm
from ..models import ASPECTS, Assessment, Assistance, Document, Officer, Partnership, Programme, Term
from .forms import fields, form_page

EDIT = "organisation.edit"


def _detail_url(organisation_pk: int) -> str:
    return reverse("organisations:detail", args=[organisation_pk])


def _record(request: HttpRequest, model: type, pk: int, action: str = EDIT) -> Any:
    return selectors.record_get_for_user(model=model, user=request.user, pk=pk, action=action)


# ---------------------------------------------------------------------------- terms and officers


@login_required
def term_form(request: HttpRequest, pk: int | None = None, organisation_pk: int | None = None) -> HttpResponse:
    return TERM.view(request, pk, organisation_pk)


@login_required
def officer_form(request: HttpRequest, pk: int | None = None, term_pk: int | None = None) -> HttpResponse:
    if pk is not None:
        officer = _record(request, Officer, pk)
        term = officer.term
    else:
        term = _record(request, Term, term_pk)
        officer = Officer(term=term)
    return form_page(
        request,
        form=OfficerForm(request.POST or None, instance=officer),
        save=lambda data: services.officer_save(
            user=request.user,
            term=term,
            officer=officer if officer.pk else None,
            **fields(data, services.OFFICER_FIELDS),
        ),
        success_url=_detail_url(term.organisation_id),
        title=_("Officer of the term %(term)s, %(name)s") % {"term": term, "name": term.organisation.name},
        template="organisations/officer_form.html",
    )


@login_required
@require_POST
def officer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    officer = _record(request, Officer, pk)
    question = unconfirmed(
        request,
        question=_("Remove this officer?"),
        consequence=_("%(name)s (%(position)s) is removed from the term %(term)s. The change history keeps the record.")
        % {"name": officer.name, "position": officer.get_position_display(), "term": officer.term},
        action_label=_("Yes, remove"),
        back_url=_detail_url(officer.term.organisation_id),
    )
    if question is not None:
        return question
    services.officer_delete(user=request.user, officer=officer)
    messages.success(request, _("The officer was removed."))
    return redirect("organisations:detail", pk=officer.term.organisation_id)


# ---------------------------------------------------------------------------- classification


@login_required
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk, action="organisation.assess")
    return form_page(
        request,
        form=AssessmentForm(request.POST or None, instance=Assessment(organisation=organisation)),
        save=lambda data: services.assessment_record(
            user=request.user,
            organisation=organisation,
            assessed_on=data["assessed_on"],
            note=data.get("note", ""),
            **{name: data[name] for name, _label in ASPECTS},
        ),
        success_url=_detail_url(organisation.pk),
        title=_("Assess %(name)s") % {"name": organisation.name},
        template="organisations/assessment_form.html",
    )


# ---------------------------------------------------------------------------- programmes, assistance, partners


@dataclass(frozen=True)
class RecordForm:
    """The form page of one kind of an organisation's records, saved by ``service``."""

    model: type
    action: str
    form_class: type
    service: Callable[..., Any]
    instance_kw: str
    field_names: list[str]
    title: str  # with %(name)s, the organisation's name
    template: str
    with_files: bool = False

    def view(self, request: HttpRequest, pk: int | None, organisation_pk: int | None) -> HttpResponse:
        """A new record of the organisation ``organisation_pk``, or the record ``pk``."""
        if pk is not None:
            instance = _record(request, self.model, pk, self.action)
            organisation = instance.organisation
        else:
            organisation = selectors.organisation_get_for_user(
                user=request.user, pk=organisation_pk, action=self.action
            )
            instance = self.model(organisation=organisation)
        files = (request.FILES or None,) if self.with_files else ()

        def save(data: dict[str, Any]) -> Any:
            extra = {"upload": data.get("upload")} if self.with_files else {}
            target = {self.instance_kw: instance if instance.pk else None}
            return self.service(
                user=request.user, organisation=organisation, **target, **extra, **fields(data, self.field_names)
            )

        return form_page(
            request,
            form=self.form_class(request.POST or None, *files, instance=instance),
            save=save,
            success_url=_detail_url(organisation.pk),
            title=self.title % {"name": organisation.name},
            template=self.template,
            context={"multipart": self.with_files},
        )


TERM = RecordForm(
    Term, EDIT, TermForm, services.term_save, "term", services.TERM_FIELDS,
    _lazy("Term of %(name)s"), "organisations/term_form.html",
)  # fmt: skip
PROGRAMME = RecordForm(
    Programme, EDIT, ProgrammeForm, services.programme_save, "programme", services.PROGRAMME_FIELDS,
    format_lazy("{} · %(name)s", _lazy("Programme")), "organisations/programme_form.html",
)  # fmt: skip
ASSISTANCE = RecordForm(
    Assistance, "assistance.record", AssistanceForm, services.assistance_save, "assistance", services.ASSISTANCE_FIELDS,
    format_lazy("{} · %(name)s", _lazy("Assistance received")), "organisations/assistance_form.html", with_files=True,
)  # fmt: skip
PARTNERSHIP = RecordForm(
    Partnership, EDIT, PartnershipForm, services.partnership_save, "partnership", services.PARTNERSHIP_FIELDS,
    format_lazy("{} · %(name)s", _lazy("Partnership")), "organisations/partnership_form.html",
)  # fmt: skip


@login_required
def programme_form(request: HttpRequest, pk: int | None = None, organisation_pk: int | None = None) -> HttpResponse:
    return PROGRAMME.view(request, pk, organisation_pk)


@login_required
def assistance_form(request: HttpRequest, pk: int | None = None, organisation_pk: int | None = None) -> HttpResponse:
    return ASSISTANCE.view(request, pk, organisation_pk)


@login_required
def partnership_form(request: HttpRequest, pk: int | None = None, organisation_pk: int | None = None) -> HttpResponse:
    return PARTNERSHIP.view(request, pk, organisation_pk)


# ---------------------------------------------------------------------------- documents


@login_required
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk, action=EDIT)
    return form_page(
        request,
        form=DocumentForm(request.POST or None, request.FILES or None),
        save=lambda data: services.document_upload(
            user=request.user,
            organisation=organisation,
            kind=data["kind"],
            title=data["title"],
            upload=data["upload"],
        ),
        success_url=_detail_url(organisation.pk),
        title=_("Upload a document · %(name)s") % {"name": organisation.name},
        template="organisations/document_form.html",
        context={"multipart": True},
    )


@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = _record(request, Document, pk, selectors.VIEW)
    file_type = ALLOWED.get(extension_of(document.file.name))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=not (file_type and file_type.inline),
        filename=document.original_name or document.file.name.rsplit("/", 1)[-1],
        content_type=file_type.content_type if file_type else "application/octet-stream",
    )


@login_required
@require_POST
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = _record(request, Document, pk)
    question = unconfirmed(
        request,
        question=_("Delete this document?"),
        consequence=_("The file “%(title)s” is deleted from the portal and cannot be downloaded again.")
        % {"title": document.title},
        action_label=_("Yes, delete"),
        back_url=_detail_url(document.organisation_id),
    )
    if question is not None:
        return question
    services.document_delete(user=request.user, document=document)
    messages.success(request, _("The document was deleted."))
    return redirect("organisations:detail", pk=document.organisation_id)
