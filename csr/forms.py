"""Forms: they parse and validate input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import policy
from accounts.models import Role
from core.lists import FilterForm
from regions.models import Level, Region

from .files import ALLOWED
from .models import Accepts, MatchState, Programme, ProposalState, ProposerKind, Sector

MAX_RUPIAH = 10**15 - 1
MAX_TARGETS = 200


class MoneyField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_RUPIAH)
        kwargs.setdefault("decimal_places", 0)
        kwargs.setdefault("max_digits", 15)
        super().__init__(**kwargs)
        self.error_messages["min_value"] = _("The amount cannot be negative.")
        self.widget.attrs.setdefault("inputmode", "numeric")


class ProgrammeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    target_regions = forms.CharField(
        label=_("Target regions"),
        help_text=_("Region codes separated by commas: a kabupaten (65.01), kecamatan (65.01.01) or village."),
    )
    budget = MoneyField(label=_("Total budget (Rp)"))
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    beneficiary_target = forms.IntegerField(label=_("Beneficiary target"), min_value=0, max_value=10**9, initial=0)
    accepts = forms.ChoiceField(label=_("Funds proposals from"), choices=Accepts.choices, initial=Accepts.ANY)

    def clean_target_regions(self) -> list[Region]:
        codes = [c.strip() for c in self.cleaned_data["target_regions"].replace(";", ",").split(",") if c.strip()]
        if not codes:
            raise forms.ValidationError(_("Choose at least one target region."))
        if len(codes) > MAX_TARGETS:
            raise forms.ValidationError(_("At most %(n)s target regions.") % {"n": MAX_TARGETS})
        found = {r.code: r for r in Region.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(_("Unknown region codes: %(codes)s.") % {"codes": ", ".join(unknown[:5])})
        return [found[c] for c in dict.fromkeys(codes)]

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The period ends before it starts."))
        return data


def programme_initial(programme) -> dict:
    """The programme form's values for an existing programme."""
    return {
        "title": programme.title,
        "sector": programme.sector,
        "description": programme.description,
        "target_regions": ", ".join(programme.target_codes),
        "budget": programme.budget,
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "beneficiary_target": programme.beneficiary_target,
        "accepts": programme.accepts,
    }


class ProgrammeStatusForm(forms.Form):
    """The status a programme's page asks for; the service refuses any but open and closed."""

    status = forms.CharField(max_length=20)

    def status_value(self) -> str:
        return self.cleaned_data["status"] if self.is_valid() else ""


class ProposalForm(forms.Form):
    village = forms.ModelChoiceField(label=_("Village"), queryset=Region.objects.none())
    proposer_kind = forms.ChoiceField(label=_("Proposed by"), choices=ProposerKind.choices)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    amount_requested = MoneyField(label=_("Amount requested (Rp)"))
    beneficiaries = forms.IntegerField(label=_("Beneficiaries"), min_value=0, max_value=10**9, initial=0)

    def __init__(self, *args, villages=None, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds:
            self.fields["proposer_kind"].choices = [(k, label) for k, label in ProposerKind.choices if k in kinds]
        self.fields["village"].queryset = villages if villages is not None else Region.objects.none()
        self.fields["village"].error_messages["invalid_choice"] = _("Choose a village in your area.")


def proposal_initial(proposal) -> dict:
    """The proposal form's values for an existing draft."""
    names = ("proposer_kind", "sector", "title", "description", "amount_requested", "beneficiaries")
    return {**{name: getattr(proposal, name) for name in names}, "village": proposal.village_id}


def villages_for(user):
    """Villages the user may propose for (their own village; an officer of a kecamatan its villages)."""
    scope = policy.scope_q(user, "proposal.edit", region_field="code")
    return Region.objects.filter(scope, level=Level.DESA_KELURAHAN).order_by("code")


def proposer_kinds_for(user) -> set[str]:
    """A Karang Taruna officer proposes for the Karang Taruna, a village head for the village government."""
    roles = policy.roles(user)
    kinds = set()
    if Role.KT_OFFICER in roles:
        kinds.add(ProposerKind.KARANG_TARUNA)
    if Role.VILLAGE_HEAD in roles:
        kinds.add(ProposerKind.VILLAGE)
    return kinds or set(ProposerKind.values)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note to the proposer"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("%(types)s, at most 10 MB.") % {"types": ALLOWED})


class MatchConfirmForm(forms.Form):
    programme = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    amount = MoneyField(label=_("Amount (Rp)"))
    note = forms.CharField(label=_("Note to the proposer"), required=False, max_length=1000)

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programmes = programmes if programmes is not None else Programme.objects.none()

    def clean_programme(self):
        """The programme, among those the user sees."""
        programme = self.programmes.filter(pk=self.cleaned_data["programme"]).first()
        if programme is None:
            raise forms.ValidationError(_("Unknown programme."))
        return programme


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    reason = forms.CharField(
        label=_("Reason (the proposer reads it)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RealisationForm(forms.Form):
    amount_spent = MoneyField(label=_("Money spent (Rp)"))
    beneficiaries_reached = forms.IntegerField(label=_("Beneficiaries reached"), min_value=0, max_value=10**9)
    income_before = MoneyField(label=_("Monthly income before (Rp per beneficiary)"), required=False)
    income_after = MoneyField(label=_("Monthly income after (Rp per beneficiary)"), required=False)
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    evidence = forms.FileField(
        label=_("Evidence"), required=False, help_text=_("%(types)s, at most 10 MB.") % {"types": ALLOWED}
    )


class ProgrammeFilter(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", _("All sectors")), *Sector.choices], required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), ("draft", _("Draft")), ("open", _("Open")), ("closed", _("Closed"))],
        required=False,
    )


class ProposalFilter(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", _("All sectors")), *Sector.choices], required=False)
    state = forms.ChoiceField(label=_("State"), choices=[("", _("All states")), *ProposalState.choices], required=False)


class MatchFilter(FilterForm):
    state = forms.ChoiceField(label=_("State"), choices=[("", _("All states")), *MatchState.choices], required=False)


class CompanyFilter(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class PlanGroupForm(FilterForm):
    """Plan vs realisation, grouped by company (the default), sector or kabupaten."""

    GROUPS = ("company", "sector", "kabupaten")

    by = forms.ChoiceField(
        label=_("Group by"),
        choices=[("company", _("Company")), ("sector", _("Sector")), ("kabupaten", _("Kabupaten/kota"))],
        required=False,
    )

    def group(self) -> str:
        return self.filters().get("by") or "company"


class PairsField(forms.Field):
    """``<proposal id>-<programme id>`` values of a repeated parameter; what is not such a pair is left out."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[tuple[int, int]]:
        pairs = []
        for item in value or []:
            left, _sep, right = str(item).partition("-")
            if all(part.isascii() and part.isdigit() and len(part) < 18 for part in (left, right)):
                pairs.append((int(left), int(right)))
        return pairs


class PlannerApplyForm(forms.Form):
    """The suggestions staff turn into matches (at most 500 pairs)."""

    MAX_PAIRS = 500

    pair = PairsField(required=False)

    def pairs(self) -> list[tuple[int, int]]:
        return self.cleaned_data["pair"][: self.MAX_PAIRS] if self.is_valid() else []


def company_initial(company, *, forum_years: list[int]) -> dict:
    """The company form's values: its profile and its years in the TJSLBU forum."""
    return {
        "business_sector": company.business_sector,
        "address": company.address,
        "kabupaten": company.kabupaten_id,
        "contact_name": company.contact_name,
        "email": company.email,
        "phone": company.phone,
        "forum": "tjslbu",
        "forum_years": ", ".join(str(y) for y in forum_years),
    }


class CompanyForm(forms.Form):
    business_sector = forms.CharField(label=_("Business sector"), max_length=120, required=False)
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    kabupaten = forms.ModelChoiceField(
        label=_("Kabupaten/kota"), queryset=Region.objects.filter(level=Level.KABUPATEN_KOTA), required=False
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=120, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    forum = forms.ChoiceField(label=_("CSR forum"), choices=[("tjslbu", "Forum TJSLBU"), ("tjsp", "Forum TJSP")])
    forum_years = forms.CharField(
        label=_("Member in the years"), required=False, help_text=_("Years separated by commas, e.g. 2025, 2026.")
    )

    def clean_forum_years(self) -> list[int]:
        raw = [y.strip() for y in self.cleaned_data["forum_years"].split(",") if y.strip()]
        if any(not y.isdigit() or not 2000 <= int(y) <= 2100 for y in raw):
            raise forms.ValidationError(_("Enter years between 2000 and 2100."))
        return [int(y) for y in raw]
