"""Forms of the poverty data. They validate input; services decide and write."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from regions.identity import KecamatanCodes

from .checks import nik_check, no_kk_check
from .models import FAMILY_FIELDS, MEMBER_FIELDS, Family, InactiveReason, Member, Pokja, PokjaPosition, Round

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionedForm(forms.Form):
    """The versions the user read, sent back so a stale edit is refused (optimistic locking)."""

    submission_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    record_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class FamilyForm(forms.ModelForm):
    class Meta:
        model = Family
        fields = list(FAMILY_FIELDS)

    def clean_no_kk(self) -> str:
        value = (self.cleaned_data.get("no_kk") or "").strip()
        result = no_kk_check(value, known=self.known)
        if result.errors:
            raise forms.ValidationError(result.errors)
        self.identity_warnings = getattr(self, "identity_warnings", []) + result.warnings
        return value

    @property
    def known(self) -> KecamatanCodes:
        if not hasattr(self, "_known"):
            self._known = KecamatanCodes()
        return self._known


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = list(MEMBER_FIELDS)
        widgets = {"birth_date": DATE}

    def __init__(self, *args: Any, known: KecamatanCodes | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known = known or KecamatanCodes()
        self.identity_warnings: list[str] = []
        # htmx: check the NIK as it is typed (POST, so the number never lands in a URL or log).
        prefix = f"{self.prefix}-" if self.prefix else ""
        self.check_target = f"nikcheck-{self.prefix or 'member'}"
        self.fields["nik"].widget.attrs.update(
            {
                "hx-post": reverse_lazy("poverty_data:nik_check"),
                "hx-trigger": "input changed delay:500ms",
                "hx-target": f"#{self.check_target}",
                "hx-include": f"[name='{prefix}sex'],[name='{prefix}birth_date']",
                "hx-vals": json.dumps({"prefix": prefix}),
                "inputmode": "numeric",
                "autocomplete": "off",
            }
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        nik = (data.get("nik") or "").strip()
        if nik and "nik" not in self.errors:
            result = nik_check(nik, birth_date=data.get("birth_date"), sex=data.get("sex"), known=self.known)
            for error in result.errors:
                self.add_error("nik", error)
            self.identity_warnings = result.warnings
            data["nik"] = nik
        return data


class NewMemberForm(MemberForm):
    class Meta(MemberForm.Meta):
        fields = [f for f in MEMBER_FIELDS if f != "presence"]


class DeactivateForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=InactiveReason.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class VerifyForm(forms.Form):
    minutes = forms.FileField(label=_("Minutes of the village deliberation (PDF or photo)"))

    ALLOWED = ("pdf", "jpg", "jpeg", "png")

    def clean_minutes(self) -> Any:
        upload = self.cleaned_data["minutes"]
        if upload.name.rsplit(".", 1)[-1].lower() not in self.ALLOWED:
            raise forms.ValidationError(_("Upload a PDF, JPG or PNG file."))
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file may be at most 10 MB."))
        return upload


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = [
            "name",
            "period_start",
            "period_end",
            "submit_deadline",
            "verify_deadline",
            "approve_deadline",
            "finalise_deadline",
        ]
        widgets = {name: DATE for name in fields[1:]}


class PokjaForm(forms.ModelForm):
    class Meta:
        model = Pokja
        fields = ["sk_number", "sk_date", "budget_dana_desa", "budget_year"]
        widgets = {"sk_date": DATE}


class PokjaMemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("User"), queryset=None)
    position = forms.ChoiceField(label=_("Position"), choices=PokjaPosition.choices)

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class FamilySearchForm(forms.Form):
    """The village page's search (POST, kept in the session, never in the URL)."""

    q = forms.CharField(required=False, max_length=60)


class FamilyFilterForm(forms.Form):
    """The village page's filters (GET). Bad values are ignored, never a 500."""

    dusun = forms.CharField(required=False, max_length=60)
    rt = forms.CharField(required=False, max_length=3)
    desil = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=[("", "—"), *[(i, str(i)) for i in range(1, 11)]]
    )
    status = forms.ChoiceField(
        required=False, choices=[("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))]
    )
    assistance = forms.ChoiceField(
        required=False,
        choices=[
            ("", "—"),
            ("receives_pkh", "PKH"),
            ("receives_sembako", "Sembako/BPNT"),
            ("receives_pbi_jk", "PBI-JK"),
            ("receives_blt_dana_desa", "BLT Dana Desa"),
        ],
    )
    invalid = forms.BooleanField(required=False, label=_("Only with an invalid NIK"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("desil", "status", "assistance"):
            self.fields[name].widget.attrs.update({"class": "form-select form-select-sm", "data-autosubmit": ""})
        self.fields["invalid"].widget.attrs.update({"class": "form-check-input"})

    def selects(self) -> list[dict[str, Any]]:
        """The three select filters as plain values for the page to write out: name, label, the
        choices and the chosen value as strings, and whether the value was refused."""
        rows = []
        for name, label in (("desil", _("Desil")), ("status", _("Status")), ("assistance", _("Assistance"))):
            value = self[name].value()
            rows.append(
                {
                    "name": name,
                    "label": label,
                    "choices": [(str(v), text) for v, text in self.fields[name].choices],
                    "value": "" if value is None else str(value),
                    "invalid": bool(self.is_bound and self.errors.get(name)),
                }
            )
        return rows
