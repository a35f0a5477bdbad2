from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from poverty_data.models import Round
from regions.models import Level, Region


class ImportForm(forms.Form):
    round = forms.ModelChoiceField(label=_("Round"), queryset=Round.objects.none(), empty_label=None)
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("One row per member; see the template for the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )
    village = forms.CharField(
        label=_("Village code (when the file is for one village)"),
        required=False,
        max_length=13,
        help_text=_("For example 65.01.01.2005. The column kode_desa may then be left out."),
    )
    sheet = forms.CharField(
        label=_("Sheet (XLSX)"), required=False, max_length=100, help_text=_("Empty: the first sheet.")
    )
    valid_only = forms.BooleanField(
        label=_("Import only the valid rows; give me the rejected rows back as a file to fix"), required=False
    )

    def __init__(self, *args: Any, village: Region | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = Round.objects.open()
        if village is not None:
            self.fields["village"].initial = village.code

    def clean_village(self) -> Region | None:
        code = self.cleaned_data["village"].strip()
        if not code:
            return None
        region = Region.objects.filter(code=code, level=Level.DESA_KELURAHAN).first()
        if region is None:
            raise forms.ValidationError(_("%(code)s is not a known village code.") % {"code": code[:20]})
        return region


class ExportForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"))
    format = forms.ChoiceField(label=_("Format"), choices=[("xlsx", "XLSX (Excel)"), ("csv", "CSV")])

    def __init__(self, *args: Any, regions: list[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.display_name} ({r.code})") for r in regions]
