"""Machinery of the access matrix (tests/kaltara_portal/test_access_matrix.py): routes, samples, requests.

Kept apart from the table so the test file reads as the table of expectations.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ["anonymous", "provinsi", "kabupaten", "pengurus", "kades", "pengurus2", "perusahaan", "admin"]
HOME_VILLAGE = "65.01.01.2005"  # pengurus and kades (Bulungan: kabupaten)
AWAY_VILLAGE = "65.03.01.2001"  # pengurus2 (Nunukan)
# Django's admin has its own staff-only gate (tests/kaltara_portal/test_admin.py); static files are public.
SKIPPED_NAMESPACES = {"admin"}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def route_names() -> set[str]:
    """Every named URL pattern of the portal, as ``namespace:name`` (from the resolver)."""
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns in SKIPPED_NAMESPACES:
                    continue
                walk(p.url_patterns, ns if p.namespace else namespace)
            elif isinstance(p, URLPattern):
                assert p.name, f"unnamed URL pattern {p.pattern}"
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, "")
    return names


# ------------------------------------------------------------------------------------------ samples


@dataclass
class Samples:
    """Real demo objects in (``home``) and out of (``away``) the scope of pengurus, kades, kabupaten
    and perusahaan; ``away`` is pengurus2's village (Nunukan) and another company's things."""

    kwargs: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def add(self, key: str, home: dict[str, Any] | None, away: dict[str, Any] | None = None, **more) -> None:
        self.kwargs[key] = {"home": home, "away": away, **more}


def build_samples(users: dict[str, Any]) -> Samples:
    """Pick the demo objects the matrix opens, and add the few kinds the demo does not hold
    (documents, attachments, background jobs, imports), through the services where there is one."""
    from csr import models as cm
    from csr.services import attachment_add
    from jobs.models import Job, JobStatus
    from organisations import models as om
    from organisations.services import document_upload
    from poverty_data import models as pm
    from poverty_imports.checks import ERROR
    from poverty_imports.models import ImportBatch, ImportIssue, ImportStatus
    from poverty_imports.template import template_csv
    from regions.models import Region

    s = Samples()
    open_round = pm.Round.objects.order_by("-pk").first()
    v = {side: Region.objects.get(code=code) for side, code in (("home", HOME_VILLAGE), ("away", AWAY_VILLAGE))}
    org = {side: om.Organisation.objects.get(region=v[side]) for side in v}
    term = {side: om.Term.objects.filter(organisation=org[side]).first() for side in v}
    officer = {side: om.Officer.objects.filter(term=term[side]).first() for side in v}
    programme = {side: om.Programme.objects.filter(organisation=org[side]).first() for side in v}
    family = {side: pm.Family.objects.filter(village=v[side]).order_by("pk").first() for side in v}
    member = {side: pm.Member.objects.filter(family=family[side]).order_by("pk").first() for side in v}
    submission = {side: pm.Submission.objects.filter(village=v[side]).order_by("-round_id").first() for side in v}
    change = {side: pm.SubmissionChange.objects.filter(submission=submission[side]).first() for side in v}
    new_family = {
        side: pm.SubmissionChange.objects.filter(submission=submission[side], kind="new_family").first() for side in v
    }
    proposal = {
        "home": cm.Proposal.objects.filter(village=v["home"], state="draft").first(),
        "away": cm.Proposal.objects.filter(village=v["away"]).first(),
    }
    company = {
        "home": users["perusahaan_company"],
        "away": cm.Company.objects.exclude(pk=users["perusahaan_company"].pk).order_by("pk").first(),
    }
    csr_programme = {side: cm.Programme.objects.filter(company=company[side]).first() for side in company}
    # A confirmed match awaits the company's decision; an accepted one takes realisation reports.
    match_confirmed = cm.Match.objects.get(
        proposal__village=v["home"], state="confirmed", programme__company=company["home"]
    )
    match_accepted = cm.Match.objects.get(
        proposal__village=v["home"], state="accepted", programme__company=company["home"]
    )
    match_away = (
        cm.Match.objects.filter(proposal__village=v["away"]).exclude(programme__company=company["home"]).first()
    )

    admin = users["admin"]
    document = {
        side: document_upload(
            user=admin,
            organisation=org[side],
            kind="other",
            title="Laporan",
            upload=SimpleUploadedFile("laporan.pdf", PDF, content_type="application/pdf"),
        )
        for side in v
    }
    attachment = {
        side: attachment_add(
            user=admin,
            proposal=proposal[side],
            upload=SimpleUploadedFile("rab.pdf", PDF, content_type="application/pdf"),
        )
        for side in v
    }
    job, batch = {}, {}
    for side, owner in (("home", users["pengurus"]), ("away", users["pengurus2"])):
        job[side] = Job.objects.create(owner=owner, kind="export", title="Ekspor", status=JobStatus.DONE)
        job[side].result_file.save("ekspor.csv", ContentFile(b"a;b\n1;2\n"), save=True)
        job[side].result_name = "ekspor.csv"
        job[side].save(update_fields=["result_name"])
        batch[side] = ImportBatch.objects.create(
            created_by=owner, round=open_round, village=v[side], file_name="daftar.csv", status=ImportStatus.REFUSED
        )
        # A refused import with one bad row: its report and its rejected rows can be downloaded.
        batch[side].file.save("daftar.csv", ContentFile(template_csv()), save=True)
        ImportIssue.objects.create(batch=batch[side], row=2, column="nik", severity=ERROR, message="NIK salah")
    event = om.Event.objects.order_by("pk").first()
    follow_up = om.FollowUp.objects.filter(event=event).first()

    def pk(objs):
        return {side: ({"pk": o.pk} if o is not None else None) for side, o in objs.items()}

    def both(builder):
        return {side: builder(side) for side in ("home", "away")}

    for key, objs in (
        ("village", v),
        ("organisation", org),
        ("term", term),
        ("officer", officer),
        ("org_programme", programme),
        ("document", document),
        ("family", family),
        ("submission", submission),
        ("proposal", proposal),
        ("csr_programme", csr_programme),
        ("company", company),
        ("import", batch),
        ("job", job),
    ):
        s.add(key, **pk(objs))
    s.add("guide", home={"slug": "pengurus-karang-taruna"})
    s.add("organisation_pk", **both(lambda side: {"organisation_pk": org[side].pk}))
    s.add("term_pk", **both(lambda side: {"term_pk": term[side].pk}))
    s.add("assistance", **pk({"home": om.Assistance.objects.filter(organisation=org["home"]).first(),
                              "away": om.Assistance.objects.exclude(organisation__region__code__startswith="65.01").first()}))  # fmt: skip
    s.add("partnership", **pk({"home": om.Partnership.objects.filter(organisation=org["home"]).first(),
                               "away": om.Partnership.objects.exclude(organisation__region__code__startswith="65.01").first()}))  # fmt: skip
    s.add("event", {"pk": event.pk})
    s.add("event_pk", {"event_pk": event.pk})
    s.add("follow_up", {"pk": follow_up.pk})
    s.add("region_code", **both(lambda side: {"code": v[side].code}))
    s.add(
        "submission_family",
        **both(lambda side: {"pk": submission[side].pk, "family_pk": family[side].pk}),
        mixed={"pk": submission["home"].pk, "family_pk": family["away"].pk},
    )
    s.add(
        "submission_member",
        **both(lambda side: {"pk": submission[side].pk, "member_pk": member[side].pk}),
        mixed={"pk": submission["home"].pk, "member_pk": member["away"].pk},
    )
    s.add(
        "submission_change",
        **both(lambda side: {"pk": submission[side].pk, "change_pk": change[side].pk}),
        mixed={"pk": submission["home"].pk, "change_pk": change["away"].pk},
    )
    s.add(
        "submission_new_family",
        **both(lambda side: {"pk": submission[side].pk, "change_pk": new_family[side].pk}),
        mixed={"pk": submission["home"].pk, "change_pk": new_family["away"].pk},
    )
    s.add(
        "attachment",
        **both(lambda side: {"pk": proposal[side].pk, "attachment_pk": attachment[side].pk}),
        mixed={"pk": proposal["home"].pk, "attachment_pk": attachment["away"].pk},
    )
    s.add("match_decide", {"pk": match_confirmed.pk}, {"pk": match_away.pk})
    s.add("match_report", {"pk": match_accepted.pk}, {"pk": match_away.pk})
    s.add("submission_submit", **both(lambda side: {"pk": submission[side].pk}))
    # The later steps need a submission in the state before them: one in Bulungan (home for the
    # kabupaten staff) and one elsewhere, from the open round where every state appears.
    for action, state in (
        ("verify", "submitted"),
        ("approve", "verified"),
        ("finalise", "approved"),
        ("return", "submitted"),
        ("take_back", "approved"),
    ):
        in_state = pm.Submission.objects.filter(round=open_round, state=state).order_by("pk")
        s.add(
            f"submission_{action}",
            {"pk": in_state.filter(village__code__startswith="65.01.").first().pk},
            {"pk": in_state.exclude(village__code__startswith="65.01.").first().pk},
        )
    for step in ("submit", "review", "withdraw"):
        s.add(f"proposal_{step}", **both(lambda side, st=step: {"pk": proposal[side].pk, "step": st}))
    s.add("round", {"pk": open_round.pk})
    s.add("reset_link", {"uidb64": "MQ", "token": "set-password"})
    # Open data: public, the same for everyone (an area, a download).
    s.add("open_area", {"code": HOME_VILLAGE.rsplit(".", 1)[0]})
    s.add("open_download", {"dataset": "indicators", "fmt": "xlsx"})
    return s


# ------------------------------------------------------------------------------------ answers


class FormFields(HTMLParser):
    """The fields of the first POST form of a page with the values it shows: a plausible, mostly
    valid submission, so a refused POST is refused for who sends it, not for what it lacks."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, Any] = {}
        self._in_form = self._done = False
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._done:
            return
        if tag == "form" and (a.get("method") or "").lower() == "post" and not self._in_form:
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.setdefault(name, a.get("value") or "on")
            elif kind == "file":
                self.data[name] = SimpleUploadedFile("lampiran.pdf", PDF, content_type="application/pdf")
            elif kind not in ("submit", "button", "image", "reset"):
                self.data.setdefault(name, a.get("value") or "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if self._select_first is None and value:
                self._select_first = value
            if "selected" in a:
                self.data[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self.data.setdefault(self._select, self._select_first or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def form_data(html: str) -> dict[str, Any]:
    parser = FormFields()
    parser.feed(html)
    # A reason, a note, a name: every text a refused POST might need to pass validation.
    for name in ("reason", "note", "resolution"):
        if not parser.data.get(name):
            parser.data[name] = "Perlu diperbaiki"
    return parser.data


WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY)\s+\"?(\w+)\"?", re.IGNORECASE)


class WriteRecorder:
    """Every statement that changed a row during a request (table, rows), via an execute wrapper."""

    def __init__(self) -> None:
        self.writes: list[tuple[str, int]] = []

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        m = WRITE.match(sql if isinstance(sql, str) else str(sql))
        if m:
            rowcount = getattr(context["cursor"], "rowcount", -1)
            if rowcount != 0:
                self.writes.append((m.group(2).lower(), rowcount))
        return result


def request(client, method: str, path: str, data: dict[str, Any] | None = None) -> tuple[int, str, list, Any]:
    """One request in a transaction rolled back afterwards; returns status, redirect target, the
    rows it wrote and the response."""
    recorder = WriteRecorder()
    with transaction.atomic(), connection.execute_wrapper(recorder):
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data or {})
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", ""), recorder.writes, response


SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
# The open-data Atom feed is read in place by feed readers.
INLINE_TYPES = ("text/html", "application/json", "image/", "application/pdf", "application/atom+xml")


def response_problems(response, identity_numbers: frozenset[str]) -> list[str]:
    """What every answer of the portal must carry, whoever asks: the security headers, downloads
    as attachments unless an image or a PDF, and no NIK / No. KK in a redirect or an error page."""
    problems = []
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    if "default-src 'self'" not in csp or "frame-ancestors 'none'" not in csp or "unsafe-inline" in csp:
        problems.append(f"weak or missing Content-Security-Policy {csp!r}")
    for name, value in (
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
    ):
        if headers.get(name) != value:
            problems.append(f"{name} is {headers.get(name)!r}")
    content_type = headers.get("Content-Type", "")
    if response.status_code == 200 and not content_type.startswith(INLINE_TYPES):
        if not headers.get("Content-Disposition", "").startswith("attachment"):
            problems.append(f"{content_type} served inline")
    if (
        SIXTEEN_DIGITS.search(headers.get("Location", ""))
        and set(SIXTEEN_DIGITS.findall(headers["Location"])) & identity_numbers
    ):
        problems.append("a NIK / No. KK in the redirect target")
    # The error pages (a form sent back with its errors, 400/409, shows the editor's own input).
    is_error_page = response.status_code in (403, 404, 405) or response.status_code >= 500
    if is_error_page and not getattr(response, "streaming", False):
        if set(SIXTEEN_DIGITS.findall(response.content.decode(errors="replace"))) & identity_numbers:
            problems.append("a NIK / No. KK on an error page")
    return problems


class LogCapture(logging.Handler):
    """Every log line the portal writes while the matrix runs, formatted as production would."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # noqa: BLE001 - a broken record is still a record
            self.lines.append(str(record.msg))


def path_for(name: str, kwargs: dict[str, Any] | None) -> str:
    return reverse(name, kwargs=kwargs or None)
