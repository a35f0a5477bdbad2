"""The access matrix: every URL of the portal x every demo role (and anonymous) x in/out of scope x GET/POST.

The URL patterns come from the resolver: a new view that is not in ``MATRIX`` fails
``test_every_url_pattern_has_a_row_in_the_matrix``. Ids are real demo objects
(``access_matrix_support.build_samples``): ``home`` is pengurus' and kades' village (Desa Gunung
Putih, Bulungan: kabupaten's kabupaten) and perusahaan's company; ``away`` is pengurus2's village
(Sebatik, Nunukan) and another company; ``mixed`` puts a home parent with an away child (a family of
another village through one's own submission). Where an object is province-wide (events, rounds),
there is only ``home``.

Each cell is ``GET|POST``:

- GET: ``ok`` 200, ``L`` redirect to the login page, ``302`` another redirect, ``403``, ``404``, ``405``
  (and ``301``, ``503`` where a page answers so by design: the favicon, the readiness check).
- POST (the form the administrator sees on the page, filled as shown, files as a small PDF):
  ``403`` / ``404`` / ``405`` / ``L`` refused; ``do`` accepted (any answer below 500 that is not a
  refusal; it may write); ``ro`` accepted but writes nothing (a read page; the personal-data access
  log excepted).
- A refused request must write nothing at all, and no answer may be a server error.

Every answer is also checked for what any answer must carry (``response_problems``): the CSP
without ``unsafe-inline`` and with ``frame-ancestors 'none'``, ``X-Content-Type-Options: nosniff``,
``X-Frame-Options: DENY``, ``Referrer-Policy``; a download that is not an image or a PDF comes as an
attachment; no NIK / No. KK of the demo data in a redirect target or on an error page; no page
links a role to a sample it must get a 404 for (a list leaking a row out of scope would); and nothing
the portal logs during the run holds a demo NIK, No. KK or member name.

Every request runs in a transaction rolled back afterwards, so the cells do not depend on each other.
"""

from __future__ import annotations

import logging
import re
import shutil
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from poverty_data.models import Family, Member

from .access_matrix_support import (
    ROLES,
    SIXTEEN_DIGITS,
    LogCapture,
    build_samples,
    form_data,
    path_for,
    request,
    response_problems,
    route_names,
)

pytestmark = pytest.mark.django_db

# One row per URL pattern (and sample); the columns are the roles:
#             anonymous  provinsi   kabupaten  pengurus   kades      pengurus2  perusahaan admin
MATRIX: dict[str, str] = {
    "home": """
        page  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro
    """,
    "healthz": """
        page  ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405
    """,
    "readyz": """
        page  503|405    503|405    503|405    503|405    503|405    503|405    503|405    503|405
    """,
    "favicon": """
        page  301|405    301|405    301|405    301|405    301|405    301|405    301|405    301|405
    """,
    "guides:index": """
        page  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro
    """,
    "guides:detail guide": """
        home  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro
    """,
    "set_language": """
        page  302|ro     302|ro     302|ro     302|ro     302|ro     302|ro     302|ro     302|ro
    """,
    "accounts:login": """
        page  ok|ro      302|ro     302|ro     302|ro     302|ro     302|ro     302|ro     302|ro
    """,
    "accounts:logout": """
        page  405|L      405|out    405|out    405|out    405|out    405|out    405|out    405|out
    """,
    "accounts:password_change": """
        page  L|L        ok|do      ok|do      ok|do      ok|do      ok|do      ok|do      ok|do
    """,
    "accounts:password_change_done": """
        page  L|L        ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405
    """,
    "accounts:password_reset": """
        page  ok|do      ok|do      ok|do      ok|do      ok|do      ok|do      ok|do      ok|do
    """,
    "accounts:password_reset_done": """
        page  ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405
    """,
    "accounts:password_reset_confirm reset_link": """
        home  ok|do      ok|do      ok|do      ok|do      ok|do      ok|do      ok|do      ok|do
    """,
    "accounts:password_reset_complete": """
        page  ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405
    """,
    "accounts:personal_data_access": """
        page  L|L        ok|ro      403|403    403|403    403|403    403|403    403|403    ok|ro
    """,
    "regions:browse": """
        page  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro
    """,
    "regions:detail region_code": """
        home  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro
        away  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro
    """,
    "organisations:list": """
        page  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      403|403    ok|ro
    """,
    "organisations:dashboard": """
        page  L|L        ok|ro      ok|ro      403|403    403|403    403|403    403|403    ok|ro
    """,
    "organisations:dashboard_map": """
        page  L|L        ok|405     ok|405     403|405    403|405    403|405    403|405    ok|405
    """,
    "organisations:create": """
        page  L|L        ok|do      ok|do      403|403    403|403    403|403    403|403    ok|do
    """,
    "organisations:detail organisation": """
        home  L|L        ok|ro      ok|ro      ok|ro      ok|ro      404|404    404|404    ok|ro
        away  L|L        ok|ro      404|404    404|404    404|404    ok|ro      404|404    ok|ro
    """,
    "organisations:history organisation": """
        home  L|L        ok|ro      ok|ro      ok|ro      403|403    404|404    404|404    ok|ro
        away  L|L        ok|ro      404|404    404|404    404|404    ok|ro      404|404    ok|ro
    """,
    "organisations:edit organisation": """
        home  L|L        ok|do      ok|do      ok|do      403|403    404|404    404|404    ok|do
        away  L|L        ok|do      404|404    404|404    404|404    ok|do      404|404    ok|do
    """,
    "organisations:term_create organisation_pk": """
        home  L|L        ok|do      ok|do      ok|do      403|403    404|404    404|404    ok|do
        away  L|L        ok|do      404|404    404|404    404|404    ok|do      404|404    ok|do
    """,
    "organisations:term_edit term": """
        home  L|L        ok|do      ok|do      ok|do      403|403    404|404    404|404    ok|do
        away  L|L        ok|do      404|404    404|404    404|404    ok|do      404|404    ok|do
    """,
    "organisations:officer_create term_pk": """
        home  L|L        ok|do      ok|do      ok|do      403|403    404|404    404|404    ok|do
        away  L|L        ok|do      404|404    404|404    404|404    ok|do      404|404    ok|do
    """,
    "organisations:officer_edit officer": """
        home  L|L        ok|do      ok|do      ok|do      403|403    404|404    404|404    ok|do
        away  L|L        ok|do      404|404    404|404    404|404    ok|do      404|404    ok|do
    """,
    "organisations:officer_delete officer": """
        home  L|L        405|do     405|do     405|do     405|403    405|404    405|404    405|do
        away  L|L        405|do     405|404    405|404    405|404    405|do     405|404    405|do
    """,
    "organisations:assessment_create organisation": """
        home  L|L        ok|do      ok|do      403|403    403|403    404|404    404|404    ok|do
        away  L|L        ok|do      404|404    404|404    404|404    403|403    404|404    ok|do
    """,
    "organisations:programme_create organisation_pk": """
        home  L|L        ok|do      ok|do      ok|do      403|403    404|404    404|404    ok|do
        away  L|L        ok|do      404|404    404|404    404|404    ok|do      404|404    ok|do
    """,
    "organisations:programme_edit org_programme": """
        home  L|L        ok|do      ok|do      ok|do      403|403    404|404    404|404    ok|do
        away  L|L        ok|do      404|404    404|404    404|404    ok|do      404|404    ok|do
    """,
    "organisations:assistance_create organisation_pk": """
        home  L|L        ok|do      403|403    403|403    403|403    404|404    404|404    ok|do
        away  L|L        ok|do      404|404    404|404    404|404    403|403    404|404    ok|do
    """,
    "organisations:assistance_edit assistance": """
        home  L|L        ok|do      403|403    403|403    403|403    404|404    404|404    ok|do
        away  L|L        ok|do      404|404    404|404    404|404    404|404    404|404    ok|do
    """,
    "organisations:partnership_create organisation_pk": """
        home  L|L        ok|do      ok|do      ok|do      403|403    404|404    404|404    ok|do
        away  L|L        ok|do      404|404    404|404    404|404    ok|do      404|404    ok|do
    """,
    "organisations:partnership_edit partnership": """
        home  L|L        ok|do      ok|do      ok|do      403|403    404|404    404|404    ok|do
        away  L|L        ok|do      404|404    404|404    404|404    404|404    404|404    ok|do
    """,
    "organisations:document_upload organisation": """
        home  L|L        ok|do      ok|do      ok|do      403|403    404|404    404|404    ok|do
        away  L|L        ok|do      404|404    404|404    404|404    ok|do      404|404    ok|do
    """,
    "organisations:document_download document": """
        home  L|L        ok|ro      ok|ro      ok|ro      ok|ro      404|404    404|404    ok|ro
        away  L|L        ok|ro      404|404    404|404    404|404    ok|ro      404|404    ok|ro
    """,
    "organisations:document_delete document": """
        home  L|L        405|do     405|do     405|do     405|403    405|404    405|404    405|do
        away  L|L        405|do     405|404    405|404    405|404    405|do     405|404    405|do
    """,
    "organisations:event_list": """
        page  L|L        ok|ro      403|403    403|403    403|403    403|403    403|403    ok|ro
    """,
    "organisations:event_create": """
        page  L|L        ok|do      403|403    403|403    403|403    403|403    403|403    ok|do
    """,
    "organisations:event_detail event": """
        home  L|L        ok|ro      404|404    404|404    404|404    404|404    404|404    ok|ro
    """,
    "organisations:event_edit event": """
        home  L|L        ok|do      404|404    404|404    404|404    404|404    404|404    ok|do
    """,
    "organisations:event_invite event": """
        home  L|L        ok|do      404|404    404|404    404|404    404|404    404|404    ok|do
    """,
    "organisations:event_attendance event": """
        home  L|L        405|do     405|404    405|404    405|404    405|404    405|404    405|do
    """,
    "organisations:attendee_add event": """
        home  L|L        ok|do      404|404    404|404    404|404    404|404    404|404    ok|do
    """,
    "organisations:follow_up_create event_pk": """
        home  L|L        ok|do      404|404    404|404    404|404    404|404    404|404    ok|do
    """,
    "organisations:follow_up_edit follow_up": """
        home  L|L        ok|do      404|404    404|404    404|404    404|404    404|404    ok|do
    """,
    "poverty_data:villages": """
        page  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      403|403    ok|ro
    """,
    "poverty_data:village village": """
        home  L|L        ok|ro      ok|ro      ok|ro      ok|ro      404|404    404|404    ok|ro
        away  L|L        ok|ro      404|404    404|404    404|404    ok|ro      404|404    ok|ro
    """,
    "poverty_data:village_map village": """
        home  L|L        ok|405     ok|405     ok|405     ok|405     404|405    404|405    ok|405
        away  L|L        ok|405     404|405    404|405    404|405    ok|405     404|405    ok|405
    """,
    "poverty_data:submission_start village": """
        home  L|L        405|403    405|403    405|do     405|403    405|404    405|404    405|do
        away  L|L        405|403    405|404    405|404    405|404    405|do     405|404    405|do
    """,
    "poverty_data:pokja village": """
        home  L|L        403|403    403|403    403|403    ok|do      404|404    404|404    ok|do
        away  L|L        403|403    404|404    404|404    404|404    403|403    404|404    ok|do
    """,
    "poverty_data:family family": """
        home  L|L        ok|403     ok|ro      ok|ro      ok|ro      404|404    404|404    ok|ro
        away  L|L        ok|403     404|404    404|404    404|404    ok|ro      404|404    ok|ro
    """,
    "poverty_data:submission submission": """
        home  L|L        ok|ro      ok|ro      ok|ro      ok|ro      404|404    404|404    ok|ro
        away  L|L        ok|ro      404|404    404|404    404|404    ok|ro      404|404    ok|ro
    """,
    "poverty_data:change_new_family submission": """
        home  L|L        403|403    403|403    ok|do      403|403    404|404    404|404    ok|do
        away  L|L        403|403    404|404    404|404    404|404    403|403    404|404    403|403
    """,
    "poverty_data:change_new_family_edit submission_new_family": """
        home  L|L        403|403    403|403    ok|do      403|403    404|404    404|404    ok|do
        away  L|L        403|403    404|404    404|404    404|404    403|403    404|404    403|403
        mixed L|L        403|403    403|403    404|404    403|403    404|404    404|404    404|404
    """,
    "poverty_data:change_family submission_family": """
        home  L|L        403|403    403|403    ok|do      403|403    404|404    404|404    ok|do
        away  L|L        403|403    404|404    404|404    404|404    403|403    404|404    403|403
        mixed L|L        403|403    403|403    404|404    403|403    404|404    404|404    404|404
    """,
    "poverty_data:change_member_add submission_family": """
        home  L|L        403|403    403|403    ok|do      403|403    404|404    404|404    ok|do
        away  L|L        403|403    404|404    404|404    404|404    403|403    404|404    403|403
        mixed L|L        403|403    403|403    404|404    403|403    404|404    404|404    404|404
    """,
    "poverty_data:change_deactivate submission_family": """
        home  L|L        403|403    403|403    ok|do      403|403    404|404    404|404    ok|do
        away  L|L        403|403    404|404    404|404    404|404    403|403    404|404    403|403
        mixed L|L        403|403    403|403    404|404    403|403    404|404    404|404    404|404
    """,
    "poverty_data:change_member submission_member": """
        home  L|L        403|403    403|403    ok|do      403|403    404|404    404|404    ok|do
        away  L|L        403|403    404|404    404|404    404|404    403|403    404|404    403|403
        mixed L|L        403|403    403|403    404|404    403|403    404|404    404|404    404|404
    """,
    "poverty_data:change_remove submission_change": """
        home  L|L        405|403    405|403    405|do     405|403    405|404    405|404    405|do
        away  L|L        405|403    405|404    405|404    405|404    405|403    405|404    405|403
        mixed L|L        405|403    405|403    405|404    405|403    405|404    405|404    405|404
    """,
    "poverty_data:change_resolve submission_change": """
        home  L|L        405|403    405|403    405|do     405|403    405|404    405|404    405|do
        away  L|L        405|do     405|404    405|404    405|404    405|do     405|404    405|do
        mixed L|L        405|404    405|404    405|404    405|404    405|404    405|404    405|404
    """,
    "poverty_data:submission_submit submission_submit": """
        home  L|L        405|403    405|403    405|do     405|403    405|404    405|404    405|do
        away  L|L        405|403    405|404    405|404    405|404    405|do     405|404    405|do
    """,
    "poverty_data:submission_verify submission_verify": """
        home  L|L        405|403    405|403    405|404    405|404    405|404    405|404    405|do
        away  L|L        405|403    405|404    405|404    405|404    405|404    405|404    405|do
    """,
    "poverty_data:submission_minutes submission_approve": """
        home  L|L        ok|ro      ok|ro      404|404    404|404    404|404    404|404    ok|ro
        away  L|L        ok|ro      404|404    404|404    404|404    404|404    404|404    ok|ro
    """,
    "poverty_data:submission_approve submission_approve": """
        home  L|L        405|403    405|do     405|404    405|404    405|404    405|404    405|do
        away  L|L        405|403    405|404    405|404    405|404    405|404    405|404    405|do
    """,
    "poverty_data:submission_finalise submission_finalise": """
        home  L|L        405|do     405|403    405|404    405|404    405|404    405|404    405|do
        away  L|L        405|do     405|404    405|404    405|404    405|404    405|404    405|do
    """,
    "poverty_data:submission_return submission_return": """
        home  L|L        405|403    405|403    405|404    405|404    405|404    405|404    405|do
        away  L|L        405|403    405|404    405|404    405|404    405|404    405|404    405|do
    """,
    "poverty_data:submission_take_back submission_take_back": """
        home  L|L        405|403    405|do     405|404    405|404    405|404    405|404    405|do
        away  L|L        405|403    405|404    405|404    405|404    405|404    405|404    405|do
    """,
    "poverty_data:nik_check": """
        page  L|L        405|403    405|403    405|ro     405|403    405|ro     405|403    405|ro
    """,
    "poverty_data:queue": """
        page  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      403|403    ok|ro
    """,
    "poverty_data:rounds": """
        page  L|L        ok|do      ok|403     ok|403     ok|403     ok|403     403|403    ok|do
    """,
    "poverty_data:round round": """
        home  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      404|404    ok|ro
    """,
    "poverty_data:dashboard": """
        page  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      403|403    ok|ro
    """,
    "poverty_data:dashboard_map": """
        page  L|L        ok|405     ok|405     ok|405     ok|405     ok|405     403|405    ok|405
    """,
    "poverty_imports:list": """
        page  L|L        ok|ro      ok|ro      ok|ro      403|403    ok|ro      403|403    ok|ro
    """,
    "poverty_imports:new": """
        page  L|L        403|403    ok|do      ok|do      403|403    ok|do      403|403    ok|do
    """,
    "poverty_imports:detail import": """
        home  L|L        ok|ro      ok|ro      ok|ro      404|404    404|404    404|404    ok|ro
        away  L|L        ok|ro      404|404    404|404    404|404    ok|ro      404|404    ok|ro
    """,
    "poverty_imports:report import": """
        home  L|L        ok|ro      ok|ro      ok|ro      404|404    404|404    404|404    ok|ro
        away  L|L        ok|ro      404|404    404|404    404|404    ok|ro      404|404    ok|ro
    """,
    "poverty_imports:rejected import": """
        home  L|L        403|403    403|403    ok|ro      404|404    404|404    404|404    ok|ro
        away  L|L        403|403    404|404    404|404    404|404    ok|ro      404|404    ok|ro
    """,
    "poverty_imports:template_csv": """
        page  ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro
    """,
    "poverty_imports:template_xlsx": """
        page  ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro
    """,
    "poverty_imports:export": """
        page  L|L        ok|do      ok|do      ok|do      ok|do      ok|do      403|403    ok|do
    """,
    "csr:proposal_list": """
        page  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro
    """,
    "csr:proposal_create": """
        page  L|L        403|403    403|403    ok|do      ok|do      ok|do      403|403    ok|do
    """,
    "csr:proposal_detail proposal": """
        home  L|L        ok|ro      ok|ro      ok|ro      ok|ro      404|404    404|404    ok|ro
        away  L|L        ok|ro      404|404    404|404    404|404    ok|ro      404|404    ok|ro
    """,
    "csr:proposal_edit proposal": """
        home  L|L        403|403    403|403    ok|do      ok|do      404|404    404|404    ok|do
        away  L|L        403|403    404|404    404|404    404|404    302|do     404|404    302|do
    """,
    "csr:proposal_step proposal_submit": """
        home  L|L        405|403    405|403    405|do     405|do     405|404    405|404    405|do
        away  L|L        405|403    405|404    405|404    405|404    405|do     405|404    405|do
    """,
    "csr:proposal_step proposal_review": """
        home  L|L        405|do     405|do     405|403    405|403    405|404    405|404    405|do
        away  L|L        405|do     405|404    405|404    405|404    405|403    405|404    405|do
    """,
    "csr:proposal_step proposal_withdraw": """
        home  L|L        405|403    405|403    405|do     405|do     405|404    405|404    405|do
        away  L|L        405|403    405|404    405|404    405|404    405|do     405|404    405|do
    """,
    "csr:attachment_upload proposal": """
        home  L|L        405|403    405|403    405|do     405|do     405|404    405|404    405|do
        away  L|L        405|403    405|404    405|404    405|404    405|do     405|404    405|do
    """,
    "csr:attachment_download attachment": """
        home  L|L        ok|ro      ok|ro      ok|ro      ok|ro      404|404    404|404    ok|ro
        away  L|L        ok|ro      404|404    404|404    404|404    ok|ro      404|404    ok|ro
        mixed L|L        404|404    404|404    404|404    404|404    404|404    404|404    404|404
    """,
    "csr:proposal_matching proposal": """
        home  L|L        ok|do      ok|do      ok|403     ok|403     404|404    404|404    ok|do
        away  L|L        ok|do      404|404    404|404    404|404    ok|403     404|404    ok|do
    """,
    "csr:programme_list": """
        page  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro
    """,
    "csr:programme_create": """
        page  L|L        403|403    403|403    403|403    403|403    403|403    ok|do      403|403
    """,
    "csr:programme_detail csr_programme": """
        home  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro
        away  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      404|404    ok|ro
    """,
    "csr:programme_edit csr_programme": """
        home  L|L        403|403    403|403    403|403    403|403    403|403    ok|do      ok|do
        away  L|L        403|403    403|403    403|403    403|403    403|403    404|404    ok|do
    """,
    "csr:programme_status csr_programme": """
        home  L|L        405|403    405|403    405|403    405|403    405|403    405|do     405|do
        away  L|L        405|403    405|403    405|403    405|403    405|403    405|404    405|do
    """,
    "csr:programme_matching csr_programme": """
        home  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro
        away  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      404|404    ok|ro
    """,
    "csr:company_list": """
        page  L|L        ok|ro      ok|ro      403|403    403|403    403|403    ok|ro      ok|ro
    """,
    "csr:company_detail company": """
        home  L|L        ok|ro      ok|ro      404|404    404|404    404|404    ok|ro      ok|ro
        away  L|L        ok|ro      404|404    404|404    404|404    404|404    404|404    ok|ro
    """,
    "csr:company_edit company": """
        home  L|L        ok|do      403|403    404|404    404|404    404|404    ok|do      ok|do
        away  L|L        ok|do      404|404    404|404    404|404    404|404    404|404    ok|do
    """,
    "csr:match_list": """
        page  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro
    """,
    "csr:match_decide match_decide": """
        home  L|L        405|403    405|403    405|403    405|403    405|404    405|do     405|do
        away  L|L        405|403    405|404    405|404    405|404    405|403    405|404    405|do
    """,
    "csr:realisation_create match_report": """
        home  L|L        403|403    403|403    ok|do      ok|do      404|404    ok|do      ok|do
        away  L|L        403|403    404|404    404|404    404|404    ok|do      404|404    ok|do
    """,
    "csr:plan_vs_realisation": """
        page  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro
    """,
    "csr:board": """
        page  L|L        ok|ro      ok|ro      403|403    403|403    403|403    403|403    ok|ro
    """,
    "csr:board_map": """
        page  L|L        ok|405     ok|405     403|405    403|405    403|405    403|405    ok|405
    """,
    "csr:catalogue": """
        page  ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro
    """,
    "csr:planner": """
        page  L|L        ok|do      ok|do      403|403    403|403    403|403    403|403    ok|do
    """,
    "csr:impact": """
        page  L|L        ok|ro      ok|ro      403|403    403|403    403|403    403|403    ok|ro
    """,
    "opendata:map": """
        page  ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405
    """,
    "opendata:map_data": """
        page  ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405
    """,
    "opendata:datasets": """
        page  ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405
    """,
    "opendata:feed": """
        page  ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405
    """,
    "opendata:area open_area": """
        home  ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405
    """,
    "opendata:download open_download": """
        home  ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405
    """,
    "opendata_api:areas": """
        page  ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405
    """,
    "opendata_api:indicators": """
        page  ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405
    """,
    "opendata_api:csr": """
        page  ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405
    """,
    "opendata_api:rounds": """
        page  ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405
    """,
    "opendata_api:datasets": """
        page  ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405
    """,
    "opendata_api:openapi-json": """
        page  ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro
    """,
    "opendata_api:api-root": """
        page  404|404    404|404    404|404    404|404    404|404    404|404    404|404    404|404
    """,
    "opendata_api:area open_area": """
        home  ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405     ok|405
    """,
    "jobs:list": """
        page  L|L        ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro      ok|ro
    """,
    "jobs:detail job": """
        home  L|L        404|404    404|404    ok|ro      404|404    404|404    404|404    ok|ro
        away  L|L        404|404    404|404    404|404    404|404    ok|ro      404|404    ok|ro
    """,
    "jobs:download job": """
        home  L|L        404|404    404|404    ok|ro      404|404    404|404    404|404    ok|ro
        away  L|L        404|404    404|404    404|404    404|404    ok|ro      404|404    ok|ro
    """,
    "jobs:retry job": """
        home  L|L        405|404    405|404    405|do     405|404    405|404    405|404    405|do
        away  L|L        405|404    405|404    405|404    405|404    405|do     405|404    405|do
    """,
}

REFUSALS = {"403": 403, "404": 404, "405": 405}
LINK = re.compile(r'(?:href|action|hx-get|hx-post)="([^"?#]+)')
# A read page may log that full personal data was shown; nothing else.
READ_MAY_WRITE = {"accounts_personaldataaccess"}


def _parse(key: str, cell_rows: str) -> tuple[str, str | None, dict[str, list[tuple[str, str]]]]:
    route, _, sample = key.partition(" ")
    sides: dict[str, list[tuple[str, str]]] = {}
    for line in cell_rows.strip().splitlines():
        parts = line.split()
        side = parts.pop(0)
        assert len(parts) == len(ROLES), f"{key} {side}: {len(parts)} cells for {len(ROLES)} roles"
        sides[side] = [tuple(cell.split("|")) for cell in parts]  # type: ignore[misc]
    return route, sample or None, sides


def _check(expected: str, method: str, answer: tuple[int, str, list, object]) -> str | None:
    """None when the answer fits the expected cell, else what went wrong."""
    status, location, writes, _response = answer
    login = status == 302 and location.startswith(reverse("accounts:login"))
    got = "L" if login else str(status)
    if status >= 500 and got != expected:  # /readyz answers 503 by design while no worker runs
        return f"server error {status}"
    if expected == "out":
        if not login:
            return f"expected a logout (to the login page), got {got}"
        if [w for w in writes if not w[0].startswith("axes_")]:
            return f"a logout wrote {writes}"
        return None
    if expected in REFUSALS or expected == "L":
        if (expected == "L" and not login) or (expected in REFUSALS and status != REFUSALS[expected]):
            return f"expected {expected}, got {got}"
        if writes:
            return f"refused, yet wrote {writes}"
        return None
    if method == "GET":
        want = {"ok": "200"}.get(expected, expected)
        return None if got == want else f"expected {expected}, got {got}"
    if login or status in (403, 404, 405):
        return f"expected {expected} (accepted), got {got}"
    if expected == "ro" and [w for w in writes if w[0] not in READ_MAY_WRITE]:
        return f"a read page wrote {writes}"
    return None


@pytest.fixture(scope="module")
def demo(demo_seed, django_db_blocker, tmp_path_factory):
    """The session's light demo and the samples, added for the module in a savepoint rolled back at its end.
    The module's files go to a copy of the demo's (the minutes, the documents the demo uploaded)."""
    media = tmp_path_factory.mktemp("media")
    shutil.copytree(demo_seed.media, media, dirs_exist_ok=True)
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        users = {u.username: u for u in User.objects.all()}
        users["perusahaan_company"] = demo_seed.ctx.objects["company"]
        identity_numbers = frozenset(Member.objects.values_list("nik", flat=True)) | frozenset(
            Family.objects.values_list("no_kk", flat=True)
        )
        names = frozenset(n for n in Member.objects.values_list("name", flat=True) if " " in n and len(n) >= 8)
        yield SimpleNamespace(
            users=users, samples=build_samples(users), forms={}, identity_numbers=identity_numbers, names=names
        )
        transaction.set_rollback(True)


def _form(demo, path: str) -> dict:
    """What the administrator's page at ``path`` would post (cached per path)."""
    if path not in demo.forms:
        admin = Client()
        admin.force_login(demo.users["admin"])
        response = admin.get(path)
        is_html = response.status_code == 200 and "text/html" in response.get("Content-Type", "")
        demo.forms[path] = form_data(response.content.decode(errors="replace")) if is_html else {}
    return demo.forms[path]


def test_every_url_pattern_has_a_row_in_the_matrix():
    in_matrix = {key.partition(" ")[0] for key in MATRIX}
    assert sorted(route_names() - in_matrix) == [], "URL patterns without a row in MATRIX"
    assert sorted(in_matrix - route_names()) == [], "rows in MATRIX for URL patterns that no longer exist"


def test_every_row_tries_each_side_of_its_sample(demo):
    for key, cells in MATRIX.items():
        _route, sample, sides = _parse(key, cells)
        if sample is None:
            assert set(sides) == {"page"}, key
            continue
        assert sample in demo.samples.kwargs, f"{key}: no sample {sample!r}"
        available = {side for side, kw in demo.samples.kwargs[sample].items() if kw is not None}
        assert set(sides) == available, f"{key}: rows {sorted(sides)}, sample has {sorted(available)}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_answers_of_the_matrix(demo, role, client, settings):
    # Cookie sessions: the session table is not written on each request, so any write is the view's.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    column = ROLES.index(role)
    if role != "anonymous":
        client.force_login(demo.users[role])
    client.raise_request_exception = False
    failures = []
    logs = LogCapture()
    logging.getLogger().addHandler(logs)
    try:
        _walk_the_matrix(demo, role, column, client, failures)
    finally:
        logging.getLogger().removeHandler(logs)
    assert logs.lines, "the run logged nothing: the log check below would prove nothing"
    for line in logs.lines:
        if set(SIXTEEN_DIGITS.findall(line)) & demo.identity_numbers or any(n in line for n in demo.names):
            failures.append(f"personal data in the log: {line[:200]}")
    assert failures == [], f"{role}:\n" + "\n".join(failures)


def _out_of_scope_paths(demo, column: int) -> set[str]:
    """The sample addresses this role must get a 404 for: no page may link the role to them."""
    paths = set()
    for key, cells in MATRIX.items():
        route, sample, sides = _parse(key, cells)
        for side, row in sides.items():
            if sample is not None and row[column][0] == "404":
                paths.add(path_for(route, demo.samples.kwargs[sample][side]))
    return paths


def _walk_the_matrix(demo, role: str, column: int, client, failures: list[str]) -> None:
    hidden = _out_of_scope_paths(demo, column)
    for key, cells in MATRIX.items():
        route, sample, sides = _parse(key, cells)
        for side, row in sides.items():
            kwargs = {} if sample is None else demo.samples.kwargs[sample][side]
            path = path_for(route, kwargs)
            get_expected, post_expected = row[column]
            for method, expected, data in (("GET", get_expected, None), ("POST", post_expected, _form(demo, path))):
                answer = request(client, method, path, data)
                problems = response_problems(answer[3], demo.identity_numbers)
                if problem := _check(expected, method, answer):
                    problems.insert(0, problem)
                if answer[0] == 200 and "text/html" in answer[3].get("Content-Type", ""):
                    links = set(LINK.findall(answer[3].content.decode(errors="replace")))
                    problems += [f"links to {link}, which is out of this role's scope" for link in links & hidden]
                failures += [f"{method:4} {key} [{side}] {path}: {p}" for p in problems]
            if role != "anonymous":
                # A POST may have logged the user out (the logout page, a password change rolled back).
                client.force_login(demo.users[role])
