from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import policy
from kaltara_portal.exports import paginate

from .models import Job


def _job_for(request: HttpRequest, pk) -> Job:
    return policy.get_for_user(Job.objects.all(), request.user, "job.view", pk=pk)


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.visible_to(request.user).select_related("owner")
    return render(request, "jobs/job_list.html", {"page_obj": paginate(request, jobs)})


@login_required
def job_detail(request: HttpRequest, pk) -> HttpResponse:
    job = _job_for(request, pk)
    if request.headers.get("HX-Request"):
        response = render(request, "jobs/job_detail.html#progress", {"job": job})
        if job.finished:
            response.status_code = 286  # htmx stops polling on 286
            response["HX-Refresh"] = "true"
        return response
    return render(request, "jobs/job_detail.html", {"job": job})


@login_required
def job_download(request: HttpRequest, pk) -> FileResponse:
    job = _job_for(request, pk)
    if not job.result_file:
        raise Http404
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=job.result_name or "hasil")
