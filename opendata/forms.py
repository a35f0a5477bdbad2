"""The public pages' filters: a bad value is dropped (the page shows everything) with a message."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from csr.models import Sector


class MapFilter(forms.Form):
    """Round (the published ones), sector and year (those with CSR realised)."""

    def __init__(self, *args, releases=(), years=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["putaran"] = forms.TypedChoiceField(
            label=_("Round"), required=False, coerce=int, choices=[(r.round_id, r.name) for r in releases]
        )
        self.fields["sektor"] = forms.ChoiceField(
            label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
        )
        self.fields["tahun"] = forms.TypedChoiceField(
            label=_("Year"), required=False, coerce=int, choices=[("", _("All years")), *((y, str(y)) for y in years)]
        )
