"""The CSR lists: each one's selector, filter form and export columns, declared once.

A list view checks the policy, calls ``core.lists.list_page(request, <LIST>)`` and renders; the
same declaration serves its page and its ``?export=csv|xlsx``. Lists whose rows come out of a
larger read (the board, impact, the planner, plan vs realisation) have no selector: their view
hands ``list_page`` the rows.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.lists import Column, ListSpec

from . import forms, selectors

PROGRAMMES = ListSpec(
    selector=selectors.programme_list,
    filter_form=forms.ProgrammeFilter,
    filename="program-csr",
    export_columns=[
        Column(_("Title"), "title"),
        Column(_("Company"), "company.name"),
        Column(_("Sector"), "get_sector_display"),
        Column(_("Status"), "get_status_display"),
        Column(_("Total budget (Rp)"), "budget"),
        Column(_("Committed (Rp)"), "committed"),
        Column(_("Budget left (Rp)"), "budget_left"),
        Column(_("Starts on"), "starts_on"),
        Column(_("Ends on"), "ends_on"),
    ],
)

PROPOSALS = ListSpec(
    selector=selectors.proposal_list,
    filter_form=forms.ProposalFilter,
    filename="usulan-csr",
    export_columns=[
        Column(_("Title"), "title"),
        Column(_("Village code"), "village.code"),
        Column(_("Village"), "village.name"),
        Column(_("Sector"), "get_sector_display"),
        Column(_("State"), "get_state_display"),
        Column(_("Amount requested (Rp)"), "amount_requested"),
        Column(_("Funded (Rp)"), "funded"),
        Column(_("Beneficiaries"), "beneficiaries"),
        Column(_("Submitted"), "submitted_at"),
    ],
)

MATCHES = ListSpec(
    selector=selectors.match_list,
    filter_form=forms.MatchFilter,
    filename="kecocokan-csr",
    export_columns=[
        Column(_("Programme"), "programme.title"),
        Column(_("Company"), "programme.company.name"),
        Column(_("Proposal"), "proposal.title"),
        Column(_("Village code"), "proposal.village.code"),
        Column(_("Amount (Rp)"), "amount"),
        Column(_("State"), "get_state_display"),
        Column(_("Score"), "score"),
        Column(_("Confirmed"), "confirmed_at"),
    ],
)

COMPANIES = ListSpec(
    selector=selectors.company_list,
    filter_form=forms.CompanyFilter,
    filename="perusahaan-csr",
    export_columns=[
        Column(_("Company"), "name"),
        Column(_("Business sector"), "business_sector"),
        Column(_("Kabupaten/kota"), "kabupaten.name"),
        Column(_("Contact person"), "contact_name"),
        Column(_("Email"), "email"),
        Column(_("Phone"), "phone"),
        Column(_("Programmes"), "programme_count"),
    ],
)

# Rows: selectors.PlanRow of the chosen group; the file is named after the group.
PLAN_VS_REALISATION = ListSpec(
    filename="rencana-realisasi",
    export_columns=[
        Column(_("Group"), "label"),
        Column(_("Matches"), "matches"),
        Column(_("Committed (Rp)"), "committed"),
        Column(_("Spent (Rp)"), "spent"),
        Column(_("Realised %"), "percent"),
        Column(_("Beneficiaries reached"), "beneficiaries"),
    ],
)

# Rows: selectors.Board.unreached.
UNREACHED_VILLAGES = ListSpec(
    filename="desa-miskin-belum-terjangkau",
    export_columns=[
        Column(_("Village code"), "village.code"),
        Column(_("Village"), "village.name"),
        Column(_("Kecamatan"), "kecamatan.name"),
        Column(_("Kabupaten/kota"), "kabupaten.name"),
        Column(_("Poor families"), "poor"),
        Column(_("Families"), "families"),
        Column(_("Share poor %"), "share"),
    ],
)


def _trend(key: str):
    def value(village: dict):
        trend = village["trend"]
        if not trend:
            return None
        if key == "others":
            return trend["others"]["change"] if trend["others"] else None
        return trend[key]

    return value


# Rows: the villages of selectors.impact.
IMPACT = ListSpec(
    filename="dampak-csr",
    export_columns=[
        Column(_("Village code"), "code"),
        Column(_("Village"), "name"),
        Column(_("Committed (Rp)"), "committed"),
        Column(_("Beneficiaries reached"), "beneficiaries"),
        Column(_("Income before (Rp)"), "before"),
        Column(_("Income after (Rp)"), "after"),
        Column(_("Change %"), "change"),
        Column(_("Poor families"), "poor"),
        Column(_("Share poor %"), "share"),
        Column(_("Poor families before the programme"), _trend("before")),
        Column(_("Poor families at the latest round"), _trend("latest")),
        Column(_("Change in poor families"), _trend("change")),
        Column(_("Comparable villages: change in poor families (average)"), _trend("others")),
    ],
)

# Rows: selectors.AllocationPlan.rows.
ALLOCATION_PLAN = ListSpec(
    filename="rencana-alokasi",
    per_page=100,
    export_columns=[
        Column(_("Proposal"), "proposal.title"),
        Column(_("Village code"), "proposal.village.code"),
        Column(_("Poor families"), "poor"),
        Column(_("Programme"), "programme.title"),
        Column(_("Company"), "programme.company.name"),
        Column(_("Amount (Rp)"), "amount"),
    ],
)
