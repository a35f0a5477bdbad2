"""Pages of the bulk import and export: upload, follow, report, rejected rows, templates, export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import policy
from accounts.views_support import allowed
from core.exports import paginate
from regions.selectors import region_by_code

from .forms import ExportForm, ImportForm
from .models import ImportBatch, ImportStatus
from .selectors import export_regions_for, import_issues, import_submissions, imports_visible_to
from .services import export_start, import_create, rejected_rows_file, report_lines
from .template import template_csv, template_xlsx


def _batch_for(request: HttpRequest, pk: int, action: str = "import.view") -> ImportBatch:
    """The import if the user may follow it (their own; staff: their area's); ``import.run``: only the uploader."""
    queryset = ImportBatch.objects.select_related("round", "village", "job", "created_by")
    # Following an import is seeing it (the scope is the whole check); anything more is asked on top.
    view_action = "import.view" if action != "import.view" else None
    return policy.get_for_user(queryset, request.user, action, view_action=view_action, pk=pk)


@allowed("import.view")
def import_list(request: HttpRequest) -> HttpResponse:
    context = {
        "page_obj": paginate(request, imports_visible_to(request.user)),
        "may_import": policy.can(request.user, "import.run"),
        "may_export": policy.can(request.user, "family.export"),
    }
    return render(request, "poverty_imports/import_list.html", context)


@allowed("import.run")
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("desa")
    village = region_by_code(code) if code else None
    form = ImportForm(request.POST or None, request.FILES or None, village=village)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_create(
                user=request.user,
                round=form.cleaned_data["round"],
                upload=upload,
                file_name=upload.name,
                village=form.cleaned_data["village"],
                sheet=form.cleaned_data["sheet"],
                valid_only=form.cleaned_data["valid_only"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        except PermissionDenied:
            form.add_error("village", _("You may not import into this village."))
        else:
            messages.success(request, _("The file is being checked; you can follow it here or leave this page."))
            return redirect("poverty_imports:detail", pk=batch.pk)
    return render(request, "poverty_imports/import_form.html", {"form": form})


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    only = request.GET.get("tingkat")
    issues = import_issues(batch, only)
    context = {
        "batch": batch,
        "job": batch.job,
        "running": batch.status in (ImportStatus.QUEUED, ImportStatus.CHECKING),
        "page_obj": paginate(request, issues, per_page=50),
        "submissions": import_submissions(batch),
        "only": only,
        "is_uploader": policy.can(request.user, "import.run", batch),
    }
    return render(request, "poverty_imports/import_detail.html", context)


@login_required
def import_report(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    batch = _batch_for(request, pk)
    response = StreamingHttpResponse(report_lines(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="laporan-impor-{batch.pk}.csv"'
    return response


@login_required
def import_rejected(request: HttpRequest, pk: int) -> FileResponse:
    # The rejected rows carry names and NIKs: only for the uploader (and administrators).
    batch = _batch_for(request, pk, "import.run")
    rejected = rejected_rows_file(batch)
    if rejected is None:
        raise Http404
    content, extension = rejected
    return FileResponse(content, as_attachment=True, filename=f"baris-ditolak-impor-{batch.pk}.{extension}")


def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The empty template with two example rows (no personal data: the rows are invented)."""
    if kind == "csv":
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="templat-impor.{kind}"'
    return response


@allowed("family.export")
@require_http_methods(["GET", "POST"])
def export_new(request: HttpRequest) -> HttpResponse:
    regions = export_regions_for(request.user)
    form = ExportForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        region = region_by_code(form.cleaned_data["region"])
        job = export_start(user=request.user, region=region, fmt=form.cleaned_data["format"])
        return redirect("jobs:detail", pk=job.pk)
    return render(request, "poverty_imports/export_form.html", {"form": form})
