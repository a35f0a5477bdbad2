"""The villages: the list, a village's families (search, filters, export) and its Pokja."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from accounts.models import PersonalDataAccess
from accounts.services import personal_data_access_log
from accounts.views_support import allowed, flash_service_errors
from core.exports import export_format, export_response, paginate
from regions.identity import mask_number
from regions.models import Region

from .. import selectors, services
from ..forms import PokjaForm, PokjaMemberForm, PokjaRemoveForm
from ..models import Family
from .family_search import family_filters, search_form, search_keep


@allowed("family.view")
def village_list(request: HttpRequest) -> HttpResponse:
    round_ = selectors.current_round()
    villages = selectors.villages_visible(user=request.user, round=round_)
    return render(request, "poverty_data/village_list.html", {"page_obj": paginate(request, villages), "round": round_})


def _families_export(
    request: HttpRequest, fmt: str, *, village: Region, families: QuerySet[Family], full: bool
) -> HttpResponse:
    policy.require(request.user, "family.export", village)
    personal_data_access_log(
        user=request.user,
        action=PersonalDataAccess.Action.EXPORT,
        subject="poverty_data.family",
        object_id=f"village:{village.pk}",
        region_code=village.code,
        rows=families.count(),
    )
    return export_response(
        fmt=fmt,
        filename=f"keluarga-{village.code}",
        header=[_("No. KK"), _("Head of family"), _("Dusun"), "RT", "RW", _("Desil"), _("Members"), _("Status")],
        rows=(
            [
                f.no_kk if full else mask_number(f.no_kk),
                f.head_name,
                f.dusun,
                f.rt,
                f.rw,
                f.desil,
                f.present_members or 0,
                f.get_status_display(),
            ]
            for f in families.iterator(chunk_size=2000)
        ),
        sheet_title=_("Families"),
    )


@login_required
def village_detail(request: HttpRequest, pk: int) -> HttpResponse:
    village = selectors.village_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        search_keep(request, village)
        return redirect("poverty_data:village", village.pk)
    full = policy.can(request.user, "family.view_identity", village)
    form, filters = family_filters(request, village, full=full)
    families = selectors.families_of_village(village=village, filters=filters)
    if fmt := export_format(request):
        return _families_export(request, fmt, village=village, families=families, full=full)
    round_, submission = selectors.village_submission(village=village)
    can_manage_pokja = policy.can(request.user, "pokja.manage", village)
    can_start = selectors.submission_may_start(user=request.user, village=village, round=round_, submission=submission)
    outside_pokja = not can_start and selectors.officer_outside_pokja(
        user=request.user, village=village, round=round_, submission=submission
    )
    return render(
        request,
        "poverty_data/village_detail.html",
        {
            "village": village,
            "page_obj": paginate(request, families),
            "filter_form": form,
            "search_form": search_form(filters),
            "round": round_,
            "submission": submission,
            "can_start": can_start,
            "pokja": selectors.pokja_of(village=village),
            "can_manage_pokja": can_manage_pokja,
            # Why an officer has no draft here, and who can fix it; the village head's "add to Pokja".
            "outside_pokja": outside_pokja,
            "village_heads": ", ".join(h.display_name for h in selectors.village_heads(village=village))
            if outside_pokja
            else "",
            "officers_outside": selectors.officers_outside_pokja(village=village) if can_manage_pokja else [],
            "can_export": policy.can(request.user, "family.export", village),
        },
    )


@login_required
@require_POST
def submission_start(request: HttpRequest, pk: int) -> HttpResponse:
    village = selectors.village_get_for_user(user=request.user, pk=pk)
    round_ = selectors.current_round()
    if round_ is None:
        raise Http404
    try:
        submission = services.submission_start(user=request.user, round=round_, village=village)
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return redirect("poverty_data:village", village.pk)
    return redirect("poverty_data:submission", submission.pk)


@login_required
def pokja_edit(request: HttpRequest, pk: int) -> HttpResponse:
    village = selectors.village_get_for_user(user=request.user, pk=pk)
    policy.require(request.user, "pokja.manage", village)
    pokja = selectors.pokja_of(village=village)
    which = request.POST.get("form")
    form = PokjaForm(request.POST if which == "pokja" else None, instance=pokja)
    member_form = PokjaMemberForm(
        request.POST if which == "member" else None, users=selectors.pokja_candidates(village=village)
    )
    if form.is_bound and form.is_valid():
        services.pokja_save(user=request.user, village=village, **form.cleaned_data)
        messages.success(request, _("Pokja saved."))
        return redirect("poverty_data:pokja", village.pk)
    if member_form.is_bound and member_form.is_valid():
        if pokja is None:
            pokja = services.pokja_save(
                user=request.user, village=village, sk_number="", sk_date=None, budget_dana_desa=None, budget_year=None
            )
        services.pokja_member_add(
            user=request.user,
            pokja=pokja,
            member=member_form.cleaned_data["user"],
            position=member_form.cleaned_data["position"],
        )
        messages.success(request, _("Member added to the Pokja."))
        return redirect("poverty_data:pokja", village.pk)
    if which == "remove" and pokja is not None:
        remove = PokjaRemoveForm(request.POST, pokja=pokja)
        if not remove.is_valid():
            raise Http404
        services.pokja_member_remove(user=request.user, membership=remove.cleaned_data["membership"])
        messages.success(request, _("Member removed from the Pokja."))
        return redirect("poverty_data:pokja", village.pk)
    return render(
        request,
        "poverty_data/pokja_edit.html",
        {"village": village, "pokja": pokja, "form": form, "member_form": member_form},
        status=400 if request.method == "POST" else 200,
    )
