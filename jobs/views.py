from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from accounts.views_support import service_done
from core.exports import paginate

from .selectors import job_get_for_user, job_result_allowed, job_result_get_for_user, jobs_for_user
from .services import job_result_delete, job_result_open, job_retry


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/job_list.html", {"page_obj": paginate(request, jobs_for_user(user=request.user))})


@login_required
def job_detail(request: HttpRequest, pk) -> HttpResponse:
    job = job_get_for_user(user=request.user, pk=pk)
    context = {
        "job": job,
        "downloadable": bool(job.result_file)
        and not job.result_expired
        and job_result_allowed(user=request.user, job=job),
        "result_days": settings.JOB_RESULT_DAYS,
        "can_retry": job.retryable and policy.can(request.user, "job.retry", job),
    }
    if request.headers.get("HX-Request"):
        response = render(request, "jobs/job_detail.html#progress", context)
        if job.finished:
            response.status_code = 286  # htmx stops polling on 286
            response["HX-Refresh"] = "true"
        return response
    return render(request, "jobs/job_detail.html", context)


@login_required
def job_download(request: HttpRequest, pk) -> HttpResponse:
    job = job_result_get_for_user(user=request.user, pk=pk)
    if job.result_expired:
        job_result_delete(job=job)
        context = {"job": job, "result_days": settings.JOB_RESULT_DAYS}
        return render(request, "jobs/result_expired.html", context, status=410)
    try:
        handle = job_result_open(job=job, user=request.user)
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=job.result_name or "hasil")


@login_required
@require_POST
def job_retry_view(request: HttpRequest, pk) -> HttpResponse:
    """ "Try again" on a failed job: the same job is queued again and its page follows it."""
    job = job_get_for_user(user=request.user, pk=pk)
    service_done(request, lambda: job_retry(user=request.user, job=job), _("The job is queued again."))
    return redirect("jobs:detail", pk=job.pk)
