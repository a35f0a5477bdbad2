"""The one writer of the published tables (``opendata.models``): rebuilt whole from the lower apps'
aggregates (``poverty_data.VillageRoundStats``, ``organisations.Organisation``, csr's realisation
reports), suppressed on the way (``suppression``). Never reads a family row.

Run when a round is closed or a realisation recorded (``receivers``, through the task in ``tasks``),
by ``manage.py refresh_opendata``, and by the demo.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Min, Sum
from django.urls import reverse
from django.utils import timezone

from csr.models import Match, MatchState, Realisation
from organisations.models import Organisation, Status
from poverty_data.models import Round, VillageRoundStats
from regions.models import Region, display_name

from . import suppression
from .models import Area, AreaCsr, AreaFigures, Dataset, FeedEntry, Flag, Publication, PublishedAnswer, Release

DATASETS = ("areas", "indicators", "csr")
# One refresh at a time (two tasks enqueued together would rebuild the same rows).
REFRESH_LOCK = 160016


def min_count() -> int:
    return getattr(settings, "OPENDATA_MIN_COUNT", 5)


@dataclass
class Summary:
    areas: int
    releases: int
    figures: int
    suppressed: int
    csr_rows: int


@transaction.atomic
def summaries_refresh() -> Summary:
    """Rebuild every published table; a dataset's version and date move only when its content changed.
    Every stored public answer is deleted (``caching``): the next read renders from the new tables."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
    now = timezone.now()
    regions = list(
        Region.objects.order_by("code").values("code", "bps_code", "name", "level", "kind", "parent__code", "outline")
    )
    parent_of = {r["code"]: r["parent__code"] for r in regions}
    digests: dict[str, str] = {}

    # Areas, with their Karang Taruna (active ones; the class of the latest assessment).
    orgs = {
        code: klass
        for code, klass in Organisation.objects.filter(status=Status.ACTIVE).values_list(
            "region__code", "classification"
        )
    }
    Area.objects.all().delete()
    areas = Area.objects.bulk_create(
        Area(
            code=r["code"],
            bps_code=r["bps_code"],
            name=_display_name(r),
            level=r["level"],
            parent_code=r["parent__code"] or "",
            karang_taruna=r["code"] in orgs,
            karang_taruna_class=orgs.get(r["code"]) or "",
            outline=r["outline"],
        )
        for r in regions
    )
    by_code = {a.code: a for a in areas}
    digests["areas"] = _digest(
        [(a.code, a.bps_code, a.name, a.level, a.parent_code, a.karang_taruna, a.karang_taruna_class) for a in areas]
    )

    # Indicators per closed round: village figures summed up the tree, then suppressed.
    eqs = suppression.equations(parent_of)
    rounds = list(Round.objects.filter(is_open=False).order_by("period_end", "pk"))
    kept = {r.round_id: r.published_at for r in Release.objects.all()}
    Release.objects.all().delete()
    figures: list[AreaFigures] = []
    suppressed = 0
    indicator_rows = []
    for rnd in rounds:
        release = Release.objects.create(
            round_id=rnd.pk,
            name=rnd.name,
            period_start=rnd.period_start,
            period_end=rnd.period_end,
            published_at=kept.get(rnd.pk, now),
        )
        values = _round_values(rnd, parent_of)
        hidden = suppression.suppress(values, eqs, min_count())
        suppressed += sum(1 for cell in hidden if cell[1] != "N")
        for code in parent_of:
            fam, poor = (code, "F"), (code, "P")
            row = AreaFigures(
                release=release,
                area=by_code[code],
                families=None if fam in hidden else values[fam],
                families_flag=hidden.get(fam, Flag.SHOWN),
                poor=None if poor in hidden else values[poor],
                poor_flag=hidden.get(poor, Flag.SHOWN),
            )
            figures.append(row)
            indicator_rows.append((rnd.pk, code, row.families, row.families_flag, row.poor, row.poor_flag))
    AreaFigures.objects.bulk_create(figures, batch_size=2000)
    digests["indicators"] = _digest(indicator_rows)

    # CSR realised per area, year and sector.
    csr_rows = _csr_rows(parent_of)
    AreaCsr.objects.bulk_create(
        (
            AreaCsr(area=by_code[code], year=year, sector=sector, programmes=len(progs), spent=spent)
            for (code, year, sector), (progs, spent) in sorted(csr_rows.items())
        ),
        batch_size=2000,
    )
    digests["csr"] = _digest([(k, sorted(progs), str(spent)) for k, (progs, spent) in sorted(csr_rows.items())])
    for key in DATASETS:
        _dataset_touch(key, digests[key], now)
    _feed_refresh()
    _answers_forget(now)
    return Summary(len(areas), len(rounds), len(figures), suppressed, len(csr_rows))


def _answers_forget(now) -> None:
    """The stored public answers (``caching``) were rendered from the old tables: deleted, and the
    publication number moves so that one rendered before this commit and stored after it is never
    served either. In the refresh's transaction: readers see the old tables and answers, or the new."""
    if not Publication.objects.update(number=F("number") + 1, refreshed_at=now):
        Publication.objects.create(number=1, refreshed_at=now)
    PublishedAnswer.objects.all().delete()


def _display_name(row: dict) -> str:
    return display_name(name=row["name"], level=row["level"], kind=row["kind"])


def _round_values(rnd: Round, parent_of: dict[str, str | None]) -> dict[tuple[str, str], int]:
    """F, P and N of every area at the round: the villages' recorded figures summed up the tree."""
    values: dict[tuple[str, str], int] = defaultdict(int)
    rows = VillageRoundStats.objects.filter(round=rnd).values_list("village_code", "families", "poor4")
    for village, families, poor in rows:
        code: str | None = village if village in parent_of else None
        while code is not None:
            values[(code, "F")] += families
            values[(code, "P")] += poor
            values[(code, "N")] += families - poor
            code = parent_of.get(code)
    for code in parent_of:
        for var in ("F", "P", "N"):
            values.setdefault((code, var), 0)
    return dict(values)


def _csr_rows(parent_of: dict[str, str | None]) -> dict[tuple[str, int, str], tuple[set[int], Decimal]]:
    """Money spent per village, year (of the report, WITA) and sector, counted once per match and year
    (the larger of the company's and the proposer's reports, as csr's plan-vs-realisation does),
    summed up the tree; with the programmes that spent it."""
    spent = (
        Realisation.objects.filter(match__state=MatchState.ACCEPTED)
        .values("match_id", "side", "reported_at__year")
        .annotate(total=Sum("amount_spent"))
    )
    per_match: dict[tuple[int, int], Decimal] = {}
    for row in spent:
        key = (row["match_id"], row["reported_at__year"])
        per_match[key] = max(per_match.get(key, Decimal(0)), row["total"])
    info = {
        m["pk"]: m
        for m in Match.objects.filter(pk__in={match for match, _year in per_match}).values(
            "pk", "programme_id", "programme__sector", "proposal__village__code"
        )
    }
    result: dict[tuple[str, int, str], tuple[set[int], Decimal]] = {}
    for (match, year), money in per_match.items():
        m = info[match]
        code: str | None = m["proposal__village__code"]
        while code is not None and code in parent_of:
            key = (code, year, m["programme__sector"])
            progs, total = result.get(key, (set(), Decimal(0)))
            progs.add(m["programme_id"])
            result[key] = (progs, total + money)
            code = parent_of.get(code)
    return result


def _digest(rows) -> str:
    return hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()


def _dataset_touch(key: str, digest: str, now) -> None:
    dataset, _created = Dataset.objects.select_for_update().get_or_create(key=key)
    if dataset.digest != digest:
        dataset.digest = digest
        dataset.version += 1
        dataset.updated_at = now
        dataset.save()


def _feed_refresh() -> None:
    """One entry per published round and per CSR programme with realised money (its first report:
    published; its latest: updated). The feed writes the words at request time, in the reader's language."""
    entries = [
        FeedEntry(
            key=f"round-{release.round_id}",
            kind=FeedEntry.Kind.ROUND,
            name=release.name,
            link=f"{reverse('opendata:map')}?putaran={release.round_id}",
            published_at=release.published_at,
            updated_at=release.published_at,
        )
        for release in Release.objects.all()
    ]
    programmes = (
        Realisation.objects.filter(match__state=MatchState.ACCEPTED)
        .values("match__programme_id", "match__programme__title", "match__programme__company__name")
        .annotate(sector=Min("match__programme__sector"), first=Min("reported_at"), last=Max("reported_at"))
        .order_by("match__programme_id")
    )
    for p in programmes:
        entries.append(
            FeedEntry(
                key=f"csr-{p['match__programme_id']}",
                kind=FeedEntry.Kind.CSR,
                name=p["match__programme__title"],
                detail=p["match__programme__company__name"],
                sector=p["sector"],
                link=f"{reverse('opendata:map')}?sektor={p['sector']}",
                published_at=p["first"],
                updated_at=p["last"],
            )
        )
    FeedEntry.objects.all().delete()
    FeedEntry.objects.bulk_create(entries)
