"""Forms of the poverty data. They validate input; services decide and write."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.core.validators import MaxLengthValidator
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.uploads import check_upload, extension_of
from regions.identity import KecamatanCodes
from regions.models import Level, Region

from .checks import nik_check, no_kk_check
from .models import (
    FAMILY_FIELDS,
    MEMBER_FIELDS,
    Family,
    InactiveReason,
    Member,
    Pokja,
    PokjaMember,
    PokjaPosition,
    Round,
)

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
                "hx-trigger": "input changed delay:500ms, recheck",
                "hx-target": f"#{self.check_target}",
                "hx-include": f"[name='{prefix}sex'],[name='{prefix}birth_date']",
                # static/js/portal.js: checked again when the sex or the birth date changes
                "data-recheck-on": f"[name='{prefix}sex'],[name='{prefix}birth_date']",
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


class StepForm(forms.Form):
    """A step of the review chain: where to go back to afterwards (the review queue or the submission)."""

    next = forms.ChoiceField(choices=[("queue", "queue")], required=False, widget=forms.HiddenInput)

    def back_to_queue(self) -> bool:
        return self.is_valid() and self.cleaned_data["next"] == "queue"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control-sm"})
    )


class QuickReturnForm(ReasonForm):
    """The review queue's one-line return: the reason in the row, no label (it says so inside)."""

    reason = forms.CharField(label=_("Reason to return"), max_length=1000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs.update({"class": "form-control-sm", "placeholder": _("Reason to return")})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.form_show_labels = False


class ResolveForm(forms.Form):
    """Why a duplicate NIK is acceptable (the service asks for it and keeps 300 characters)."""

    reason = forms.CharField(label=_("Reason"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        placeholder = _("Why is this NIK not a duplicate (e.g. moved from that family)?")
        attrs = {"class": "form-control-sm", "placeholder": placeholder, "maxlength": 300, "required": True}
        self.fields["reason"].widget.attrs.update(attrs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.form_show_labels = False


class VerifyForm(forms.Form):
    minutes = forms.FileField(
        label=_("Minutes of the village deliberation (PDF or photo)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png", "class": "form-control-sm"}),
    )

    ALLOWED = ("pdf", "jpg", "jpeg", "png")

    def clean_minutes(self) -> Any:
        """A PDF or a photo, checked by its content like every document (``core.uploads``)."""
        upload = self.cleaned_data["minutes"]
        if extension_of(upload.name or "") not in self.ALLOWED:
            raise forms.ValidationError(_("Upload a PDF, JPG or PNG file."))
        check_upload(upload)  # size, emptiness, and the content's magic bytes against the extension
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


class PokjaRemoveForm(forms.Form):
    """Which membership of the Pokja to end."""

    membership = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args: Any, pokja: Pokja | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = pokja.memberships.all() if pokja else PokjaMember.objects.none()


class NikCheckForm(forms.Form):
    """htmx: the identity fields of one member form as typed, named with that form's prefix
    (``m1-nik``; ``prefix`` comes with them). A date that is not one yet is no date."""

    nik = forms.CharField(required=False)
    sex = forms.CharField(required=False)
    birth_date = forms.CharField(required=False)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, prefix=str((data or {}).get("prefix", ""))[:10], **kwargs)

    def add_prefix(self, field_name: str) -> str:
        return f"{self.prefix}{field_name}"

    def clean_birth_date(self) -> Any:
        try:
            return forms.DateField(required=False).clean(self.cleaned_data["birth_date"])
        except forms.ValidationError:
            return None


class VersionsForm(forms.Form):
    """The versions an editor read (``VersionedForm``'s fields), read leniently: a missing or bad
    one is None."""

    submission_version = forms.IntegerField(required=False)
    record_version = forms.IntegerField(required=False)

    def versions(self) -> tuple[int | None, int | None]:
        self.is_valid()
        data = self.cleaned_data
        return data.get("submission_version"), data.get("record_version")


class RegionForm(forms.Form):
    """``?wilayah=<id>``: a region above the villages to look at (a page answers 404 for a bad one)."""

    wilayah = forms.ModelChoiceField(queryset=Region.objects.filter(level__lt=Level.DESA_KELURAHAN), required=False)


class FamilySearchForm(forms.Form):
    """The village page's search (POST, kept in the session, never in the URL)."""

    q = forms.CharField(label=_("Search name, NIK or No. KK"), required=False, max_length=60)

    def __init__(self, *args: Any, searching: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"class": "form-control-sm", "autocomplete": "off"})
        buttons = [StrictButton(_("Search"), type="submit", css_class="btn btn-sm btn-outline-secondary")]
        if searching:
            buttons.append(
                StrictButton(_("Clear search"), type="submit", name="clear", value="1", css_class="btn btn-sm btn-link")
            )
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_class = "row g-2 align-items-end mb-2"
        self.helper.attrs = {"role": "search"}
        self.helper.layout = Layout(
            Div("q", css_class="col-12 col-sm-6 col-lg-4"), Div(*buttons, css_class="col-auto mb-3")
        )


class FamilyFilterForm(forms.Form):
    """The village page's filters (GET). Bad values are ignored, never a 500."""

    dusun = forms.CharField(label=_("Dusun"), required=False, validators=[MaxLengthValidator(60)], widget=forms.Select)
    rt = forms.CharField(label="RT", required=False, max_length=3)
    desil = forms.TypedChoiceField(
        label=_("Desil"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(i, str(i)) for i in range(1, 11)]],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))],
    )
    assistance = forms.ChoiceField(
        label=_("Assistance"),
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

    def __init__(
        self, *args: Any, dusun_choices: Iterable[str] = (), fields: Iterable[str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if fields is not None:  # a page that offers only some of the filters (the submission editor)
            for name in set(self.fields) - set(fields):
                del self.fields[name]
        self.fields["dusun"].widget.choices = [("", "—"), *[(d, d) for d in dusun_choices]]
        for name in {"dusun", "desil", "status", "assistance"} & set(self.fields):
            self.fields[name].widget.attrs.update({"class": "form-select-sm", "data-autosubmit": ""})
        self.fields["rt"].widget.attrs.update({"class": "form-control-sm"})
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row g-2 align-items-end mb-3"
        self.helper.layout = Layout(
            *[
                Div(name, css_class="col-6 col-sm-4 col-lg-2")
                for name in ("dusun", "rt", "desil", "status", "assistance", "invalid")
                if name in self.fields
            ],
            Div(
                StrictButton(_("Filter"), type="submit", css_class="btn btn-sm btn-outline-secondary"),
                css_class="col-auto mb-3",
            ),
        )
