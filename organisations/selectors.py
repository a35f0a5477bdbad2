"""Reads of the Karang Taruna registry that span models or apply the policy.

Every read here keeps a fixed number of queries whatever the number of rows: counts and
sums are done in SQL (``Count``/``Sum`` with ``filter=``), related rows are fetched with
``select_related``/``prefetch_related`` here, never left to templates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import BigIntegerField, Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from accounts import policy
from regions.models import CODE_RE, Level, Region

from .models import (
    ASPECTS,
    FUNDING_FIELDS,
    WARNING_DAYS,
    Assessment,
    Assistance,
    Classification,
    Document,
    Event,
    Giver,
    Officer,
    Organisation,
    Participation,
    Partnership,
    Programme,
    Term,
    TermState,
    attach_term_state,
    expiring_q,
    today,
)

KABUPATEN_CODE_LENGTH = 5
KECAMATAN_CODE_LENGTH = 8


# ---------------------------------------------------------------------------- the list


def organisation_list(*, user: Any, filters: dict[str, Any]) -> QuerySet[Organisation]:
    """The organisations ``user`` may see, narrowed by the list's filters (their term state: ``list_rows``
    for a page, ``export_rows`` for the export)."""
    qs = Organisation.objects.visible_to(user).select_related("region")
    if code := filters.get("kecamatan") or filters.get("kabupaten"):
        qs = qs.within(code)
    if level := filters.get("level"):
        qs = qs.filter(region__level=level)
    if klass := filters.get("classification"):
        qs = qs.filter(classification="" if klass == "none" else klass)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if state := filters.get("term_state"):
        qs = qs.in_term_state(state)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(region__name__icontains=q) | Q(region__code__startswith=q))
    return qs.order_by("region__code")


def region_names(codes: set[str]) -> dict[str, str]:
    """Display names of the given region codes, in one query."""
    return {r.code: r.display_name for r in Region.objects.filter(code__in=codes)} if codes else {}


@dataclass
class ListRow:
    """One row of the list, ready to print: its URL and labels are made here once for the page
    (a ``{% url %}`` and two translated badges per row cost more in the template)."""

    organisation: Organisation
    kabupaten: str = ""
    kecamatan: str = ""
    url: str = ""
    classification: str = ""
    status: str = ""
    active: bool = False
    term_badge: str = ""
    term_text: str = ""


def list_rows(organisations: list[Organisation]) -> list[ListRow]:
    """Rows of one page with their term state (one query) and their kabupaten and kecamatan names (one
    query for all names)."""
    attach_term_state(organisations)
    codes = set()
    for org in organisations:
        code = org.region.code
        if len(code) >= KABUPATEN_CODE_LENGTH:
            codes.add(code[:KABUPATEN_CODE_LENGTH])
        if len(code) >= KECAMATAN_CODE_LENGTH:
            codes.add(code[:KECAMATAN_CODE_LENGTH])
    names = region_names(codes)
    url_prefix = reverse("organisations:detail", args=[0]).removesuffix("0/")
    rows = []
    for org in organisations:
        ends = org.current_term_ends_on.strftime("%d-%m-%Y") if org.current_term_ends_on else ""
        if org.term_expiring:
            badge, text = "text-bg-warning", _("ends %(date)s") % {"date": ends}
        elif org.has_current_term:
            badge, text = "text-bg-light border", _("until %(date)s") % {"date": ends}
        else:
            badge, text = "text-bg-danger", _("No current term")
        rows.append(
            ListRow(
                organisation=org,
                kabupaten=names.get(org.region.code[:KABUPATEN_CODE_LENGTH], "") if org.region.level >= 2 else "",
                kecamatan=names.get(org.region.code[:KECAMATAN_CODE_LENGTH], "") if org.region.level >= 3 else "",
                url=f"{url_prefix}{org.pk}/",
                classification=org.get_classification_display() if org.classification else "",
                status=org.get_status_display(),
                active=org.status == "active",
                term_badge=badge,
                term_text=text,
            )
        )
    return rows


def filter_regions(*, user: Any, kabupaten: str | None) -> tuple[list[Region], list[Region]]:
    """The kabupaten the list's filter offers (those the user sees, or sees into), and the chosen one's kecamatan."""
    own = {g.region_code[:KABUPATEN_CODE_LENGTH] for g in policy.grants(user) if g.region_code}
    seen = policy.scope_q(user, "organisation.view", region_field="code") | Q(code__in=own)
    kabupaten_list = list(Region.objects.filter(seen, level=Level.KABUPATEN_KOTA).order_by("code"))
    kecamatan_list: list[Region] = []
    if kabupaten and CODE_RE.match(kabupaten):  # anything else typed into the URL chooses nothing
        kecamatan_list = list(Region.objects.filter(level=Level.KECAMATAN).below(kabupaten).order_by("code"))
    return kabupaten_list, kecamatan_list


EXPORT_HEADER = [
    "Kode wilayah",
    "Wilayah",
    "Tingkat",
    "Kabupaten/kota",
    "Kecamatan",
    "Nama Karang Taruna",
    "Status",
    "Klasifikasi",
    "Ketua",
    "Akhir masa bakti",
    "Telepon",
    "Email",
    "Perkiraan anggota",
]


def export_rows(qs: QuerySet[Organisation]) -> Any:
    """The export rows, lazily, in chunks: kabupaten/kecamatan names come from one dictionary."""
    names = {
        r["code"]: r["name"]
        for r in Region.objects.filter(level__in=[Level.KABUPATEN_KOTA, Level.KECAMATAN]).values("code", "name")
    }
    for org in qs.with_term_state().iterator(chunk_size=500):
        code = org.region.code
        yield [
            code,
            org.region.display_name,
            org.region.get_level_display(),
            names.get(code[:KABUPATEN_CODE_LENGTH], "") if org.region.level >= 2 else "",
            names.get(code[:KECAMATAN_CODE_LENGTH], "") if org.region.level >= 3 else "",
            org.name,
            org.get_status_display(),
            org.get_classification_display() or "",
            org.ketua_name or "",
            org.current_term_ends_on,
            org.phone,
            org.email,
            org.estimated_members,
        ]


# ---------------------------------------------------------------------------- the organisation page


@dataclass
class OrganisationPage:
    organisation: Organisation
    terms: list[Term]
    current_term: Term | None
    assessments: list[Assessment]
    programmes: list[Programme]
    assistance: list[Assistance]
    participations: list[Participation]
    partnerships: list[Partnership]
    documents: list[Document]


def organisation_page(*, organisation: Organisation) -> OrganisationPage:
    """Everything the organisation page shows, in a fixed number of queries (its change history is
    read apart, on demand: ``organisation_history``)."""
    terms = list(
        organisation.terms.prefetch_related(
            Prefetch("officers", queryset=Officer.objects.order_by("position", "name"))
        ).order_by("-starts_on")
    )
    current = next((t for t in terms if t.is_current()), None)
    return OrganisationPage(
        organisation=organisation,
        terms=terms,
        current_term=current,
        assessments=list(organisation.assessments.select_related("assessor").order_by("-assessed_on", "-pk")),
        programmes=list(organisation.programmes.order_by("-year", "title")),
        assistance=list(organisation.assistance.select_related("document").order_by("-year", "-pk")),
        participations=list(
            organisation.participations.select_related("event")
            .annotate(people=Count("attendees"))
            .order_by("-event__starts_on")
        ),
        partnerships=list(organisation.partnerships.order_by("partner_name")),
        documents=list(organisation.documents.select_related("uploaded_by").order_by("-uploaded_at")),
    )


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    what: str
    record: str
    action: str  # "+", "~", "-"
    changes: list[FieldChange]


HISTORY_LIMIT = 50
HISTORY_WINDOW = 300  # versions read per kind of record
MASKED_FIELDS = {"nik"}
HIDDEN_FIELDS = {"id", "organisation", "term", "event", "created_at", "updated_at", "file", "assessor", "uploaded_by"}


def _display(record: Any, name: str) -> str:
    from regions.identity import mask_number

    value = getattr(record, name)
    if name in MASKED_FIELDS:
        return mask_number(value)
    getter = getattr(record, f"get_{name}_display", None)
    if callable(getter):
        value = getter()
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    # As the pages show them: local time, day first, rupiah amounts (the big integers) grouped.
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "d-m-Y H:i")
    if isinstance(value, dt.date):
        return date_format(value, "d-m-Y")
    if isinstance(value, int) and isinstance(record._meta.get_field(name), BigIntegerField):
        return number_format(value, force_grouping=True)
    return str(value)


def _record_label(record: Any, model: type) -> str:
    # Officers and participations name their record without following a foreign key (no query per row).
    if model is Officer:
        return record.name
    if model is Participation:
        try:
            return record.event.title
        except Event.DoesNotExist:
            return ""
    return str(record.instance)


def organisation_history(*, organisation: Organisation, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """Who changed what and when, across the organisation and its rows, newest first, with field diffs.

    One query per kind of record; diffs are taken between consecutive versions of a record.
    """
    sources = [
        (Organisation.history.filter(id=organisation.pk), Organisation),
        (Term.history.filter(organisation_id=organisation.pk), Term),
        (Officer.history.filter(term__organisation_id=organisation.pk), Officer),
        (Assessment.history.filter(organisation_id=organisation.pk), Assessment),
        (Programme.history.filter(organisation_id=organisation.pk), Programme),
        (Assistance.history.filter(organisation_id=organisation.pk), Assistance),
        (Partnership.history.filter(organisation_id=organisation.pk), Partnership),
        (Document.history.filter(organisation_id=organisation.pk), Document),
        (Participation.history.filter(organisation_id=organisation.pk), Participation),
    ]
    entries: list[HistoryEntry] = []
    for history_qs, model in sources:
        related = ["history_user", "event"] if model is Participation else ["history_user"]
        # Shown foreign keys (an organisation's region) come with the versions, not one query each.
        related += [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and f.name not in HIDDEN_FIELDS and f.name not in related
        ]
        # The newest versions only (a bounded read); a change whose predecessor falls outside shows no diff.
        newest = history_qs.select_related(*related).order_by("-history_date", "-history_id")[:HISTORY_WINDOW]
        records = sorted(newest, key=lambda r: (r.id, r.history_date, r.history_id))
        fields = [f.name for f in model._meta.concrete_fields if f.name not in HIDDEN_FIELDS]
        previous: dict[int, Any] = {}
        for record in records:
            before = previous.get(record.id)
            changes = []
            if record.history_type == "~" and before is not None:
                for name in fields:
                    old, new = _display(before, name), _display(record, name)
                    if old != new:
                        changes.append(FieldChange(str(model._meta.get_field(name).verbose_name), old, new))
            elif record.history_type == "+":
                changes = [
                    FieldChange(str(model._meta.get_field(name).verbose_name), "", _display(record, name))
                    for name in fields
                    if _display(record, name) != "-"
                ]
            previous[record.id] = record
            if record.history_type == "~" and not changes:
                continue
            user = record.history_user
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=(user.get_full_name() or user.username) if user else _("system"),
                    what=str(model._meta.verbose_name),
                    record=_record_label(record, model),
                    action=record.history_type,
                    changes=changes,
                )
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


# ---------------------------------------------------------------------------- the dashboard


def _scope(user: Any, field: str) -> Q:
    return policy.scope_q(user, "registry.dashboard", region_field=field)


def registry_dashboard(*, user: Any) -> dict[str, Any]:
    """The registry's figures for the user's scope, each one grouped query."""
    day = today()
    kabupaten = {
        r.code: r.name
        for r in Region.objects.filter(level=Level.KABUPATEN_KOTA).filter(_scope(user, "code")).order_by("code")
    }
    # Villages with a registered Karang Taruna, and with a current term, per kabupaten.
    village_rows = (
        Region.objects.villages()
        .filter(_scope(user, "code"))
        .annotate(kab=Substr("code", 1, KABUPATEN_CODE_LENGTH))
        .values("kab")
        .annotate(
            villages=Count("pk", distinct=True),
            registered=Count("organisations", distinct=True),
            with_term=Count(
                "organisations",
                filter=Q(
                    organisations__terms__starts_on__lte=day,
                    organisations__terms__ends_on__gte=day,
                ),
                distinct=True,
            ),
        )
        .order_by("kab")
    )
    coverage = []
    for row in village_rows:
        n = row["villages"] or 1
        coverage.append(
            {
                "code": row["kab"],
                "name": kabupaten.get(row["kab"], row["kab"]),
                "villages": row["villages"],
                "registered": row["registered"],
                "with_term": row["with_term"],
                "registered_pct": round(100 * row["registered"] / n, 1),
                "with_term_pct": round(100 * row["with_term"] / n, 1),
            }
        )
    organisations = Organisation.objects.filter(_scope(user, "region__code"))
    class_rows = (
        organisations.filter(region__level__gte=Level.KABUPATEN_KOTA)
        .annotate(kab=Substr("region__code", 1, KABUPATEN_CODE_LENGTH))
        .values("kab", "classification")
        .annotate(n=Count("pk"))
        .order_by("kab")
    )
    classes: dict[str, dict[str, int]] = {code: {} for code in kabupaten}
    for row in class_rows:
        classes.setdefault(row["kab"], {})[row["classification"] or "none"] = row["n"]
    expiring_terms = list(
        Term.objects.filter(expiring_q(day=day))
        .filter(_scope(user, "organisation__region__code"))
        .select_related("organisation__region")
        .order_by("ends_on")[:50]
    )
    expiring_count = Term.objects.filter(expiring_q(day=day)).filter(_scope(user, "organisation__region__code")).count()
    without_term = organisations.in_term_state(TermState.NONE).count()
    assistance_rows = list(
        Assistance.objects.filter(_scope(user, "organisation__region__code"))
        .values("year", "giver")
        .annotate(total=Sum("value"), n=Count("pk"))
        .order_by("year", "giver")
    )
    programmes = Programme.objects.filter(_scope(user, "organisation__region__code"))
    sums = {f"planned_{name}": Sum(name) for name, _label in FUNDING_FIELDS}
    # Realisation per backer: each programme's spending shared pro rata to its planned split.
    sums |= {
        f"realised_{name}": Sum(F("realised_amount") * F(name) / F("budget"), filter=Q(budget__gt=0))
        for name, _label in FUNDING_FIELDS
    }
    funding = programmes.exclude(status="cancelled").aggregate(**sums)
    years = sorted({r["year"] for r in assistance_rows})
    givers = [(value, str(label)) for value, label in Giver.choices]
    assistance_by = {(r["year"], r["giver"]): r["total"] or 0 for r in assistance_rows}
    charts = {
        "labels": {
            "registered": _("Registered"),
            "with_term": _("With a current term"),
            "planned": _("Planned"),
            "realised": _("Realised"),
        },
        "coverage": {
            "labels": [c["name"] for c in coverage],
            "registered": [c["registered_pct"] for c in coverage],
            "with_term": [c["with_term_pct"] for c in coverage],
        },
        "classes": {
            "labels": [kabupaten.get(code, code) for code in classes],
            "series": [
                {"label": str(label), "data": [classes[code].get(value, 0) for code in classes]}
                for value, label in [*Classification.choices, ("none", _("Not yet assessed"))]
            ],
        },
        "assistance": {
            "labels": [str(y) for y in years],
            "series": [
                {"label": label, "data": [assistance_by.get((y, value), 0) for y in years]} for value, label in givers
            ],
        },
        "funding": {
            "labels": [str(label) for _name, label in FUNDING_FIELDS],
            "planned": [funding[f"planned_{name}"] or 0 for name, _label in FUNDING_FIELDS],
            "realised": [funding[f"realised_{name}"] or 0 for name, _label in FUNDING_FIELDS],
        },
    }
    return {
        "coverage": coverage,
        "classes": classes,
        "kabupaten": kabupaten,
        "expiring_terms": expiring_terms,
        "expiring_count": expiring_count,
        "without_term": without_term,
        "assistance_rows": assistance_rows,
        "funding": [
            (label, funding[f"planned_{name}"] or 0, funding[f"realised_{name}"] or 0) for name, label in FUNDING_FIELDS
        ],
        "charts": charts,
        "warning_days": WARNING_DAYS,
        "aspects": ASPECTS,
    }


# ---------------------------------------------------------------------------- home cards and events


def events_list(*, user: Any) -> QuerySet[Event]:
    return (
        Event.objects.visible_to(user)
        .annotate(
            invited=Count("participations", distinct=True),
            attended=Count("participations", filter=Q(participations__attended=True), distinct=True),
        )
        .order_by("-starts_on", "-pk")
    )


def event_page(*, event: Event) -> dict[str, Any]:
    participations = list(
        event.participations.select_related("organisation__region")
        .prefetch_related("attendees")
        .order_by("organisation__region__code")
    )
    return {
        "participations": participations,
        "follow_ups": list(event.follow_ups.order_by("due_on", "pk")),
        "people": sum(len(p.attendees.all()) for p in participations),
    }


# ---------------------------------------------------------------------------- maps


def registry_map(*, user: Any) -> dict[str, dict[str, int]]:
    """Per village of the user's scope: whether a Karang Taruna is registered and has a current term.

    The same counts as ``registry_dashboard``'s coverage, one row per village instead of per kabupaten.
    """
    day = today()
    rows = (
        Region.objects.villages()
        .filter(_scope(user, "code"))
        .values("code")
        .annotate(
            registered=Count("organisations", distinct=True),
            with_term=Count(
                "organisations",
                filter=Q(organisations__terms__starts_on__lte=day, organisations__terms__ends_on__gte=day),
                distinct=True,
            ),
        )
        .order_by("code")
    )
    return {row["code"]: {"registered": row["registered"], "with_term": row["with_term"]} for row in rows}
