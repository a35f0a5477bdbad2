"""Forms of the registry: they parse and show errors; the services decide and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.lists import FilterForm
from regions.models import Level, Region

from . import selectors, services
from .models import (
    ASPECTS,
    Assessment,
    Assistance,
    Classification,
    DocumentKind,
    Event,
    FollowUp,
    Officer,
    Organisation,
    Partnership,
    Programme,
    Status,
    Term,
    TermState,
    class_for_scores,
    default_term_end,
    today,
)

# Django 6.1's label for an empty choice, which its own Indonesian catalogue does not translate yet:
# naming it here puts it in ours.
BLANK_CHOICE_LABEL = _("- Select an option -")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_widgets(*names: str) -> dict[str, forms.Widget]:
    return {name: DateInput() for name in names}


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = services.PROFILE_FIELDS
        widgets = date_widgets("founded_on", "sk_date") | {
            "vision": forms.Textarea(attrs={"rows": 3}),
            "mission": forms.Textarea(attrs={"rows": 4}),
            "address": forms.Textarea(attrs={"rows": 2}),
        }


class OrganisationCreateForm(OrganisationForm):
    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none())

    class Meta(OrganisationForm.Meta):
        fields = ["region", *services.PROFILE_FIELDS]

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


TERM_DATE_RANGE = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))


class TermForm(forms.ModelForm):
    class Meta:
        model = Term
        fields = services.TERM_FIELDS
        widgets = date_widgets(*services.TERM_FIELDS[1:])
        help_texts = {
            "ends_on": _("Leave empty for the usual five years."),
            "sk_ends_on": _("When the SK ends before the term."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].required = False

    def clean(self) -> dict[str, Any]:
        # A term's dates are counted in years (five-year term, officers' ages): keep them where that works.
        data = super().clean()
        for name in services.TERM_FIELDS[1:]:
            day = data.get(name)
            if day and not TERM_DATE_RANGE[0] <= day <= TERM_DATE_RANGE[1]:
                self.add_error(
                    name,
                    _("Enter a date between %(first)s and %(last)s.")
                    % {"first": TERM_DATE_RANGE[0].year, "last": TERM_DATE_RANGE[1].year},
                )
        return data

    def _post_clean(self) -> None:
        if self.cleaned_data.get("starts_on") and not self.cleaned_data.get("ends_on"):
            self.cleaned_data["ends_on"] = default_term_end(self.cleaned_data["starts_on"])
        super()._post_clean()


class OfficerForm(forms.ModelForm):
    class Meta:
        model = Officer
        fields = services.OFFICER_FIELDS
        widgets = date_widgets("birth_date")
        help_texts = {
            "field_name": _("For a Ketua Bidang: the field, e.g. Pendidikan."),
            "nik": _("Optional; 16 digits. Shown masked."),
        }


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["assessed_on", *[name for name, _label in ASPECTS], "note"]
        widgets = date_widgets("assessed_on") | {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, _label in ASPECTS:
            self.fields[name].help_text = _("Score 0-100.")
            self.fields[name].widget.attrs.update({"min": 0, "max": 100})

    def _post_clean(self) -> None:
        # The class is computed by the service; skip the model's check for it.
        scores = [self.cleaned_data.get(name) for name, _label in ASPECTS]
        if all(s is not None for s in scores):
            self.instance.classification = class_for_scores(scores)
        super()._post_clean()


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = services.PROGRAMME_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "realisation_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.is_bound:
            self.initial["year"] = today().year


class AssistanceForm(forms.ModelForm):
    upload = forms.FileField(label=_("document"), required=False, help_text=_("Optional: PDF, image or office file."))

    class Meta:
        model = Assistance
        fields = services.ASSISTANCE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class PartnershipForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = services.PARTNERSHIP_FIELDS
        widgets = date_widgets("since") | {"activities": forms.Textarea(attrs={"rows": 3})}


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("type"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    upload = forms.FileField(label=_("file"), help_text=_("PDF, image (PNG, JPG) or office file."))


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = services.EVENT_FIELDS
        widgets = date_widgets("starts_on", "ends_on") | {"materials": forms.Textarea(attrs={"rows": 3})}


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Ids beyond a 64-bit integer are refused like any id that is not a choice, with its message."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number: the parent refuses it
            if not -(2**63) <= number < 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class InviteForm(forms.Form):
    organisations = ModelIdsField(
        label=_("Karang Taruna to invite"),
        queryset=Organisation.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations


class AttendeeForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Karang Taruna"), coerce=int)
    name = forms.CharField(label=_("name"), max_length=150)
    position = forms.CharField(label=_("position"), max_length=120, required=False)

    def __init__(self, *args: Any, participations: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(p.pk, p.organisation.name) for p in participations]


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = services.FOLLOW_UP_FIELDS
        widgets = date_widgets("due_on")


class OrganisationFilterForm(FilterForm):
    """The list's filters. Unknown values are ignored (the field is dropped), never an error page.

    The kabupaten offered are those the user sees (or sees into); the kecamatan, the chosen kabupaten's.
    """

    field_columns = "col-12 col-sm-6 col-md-4 col-xl-3"

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kabupaten = forms.ChoiceField(label=_("Kabupaten/kota"), required=False)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    level = forms.TypedChoiceField(
        label=_("Level"), required=False, coerce=int, empty_value=None, choices=[("", "---"), *Level.choices]
    )
    classification = forms.ChoiceField(
        label=_("Classification"),
        required=False,
        choices=[("", "---"), *Classification.choices, ("none", _("Not yet assessed"))],
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "---"), *Status.choices])
    term_state = forms.ChoiceField(label=_("Term"), required=False, choices=[("", "---"), *TermState.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = self.data.get("kabupaten") or None
        kabupaten, kecamatan = selectors.filter_regions(user=self.user, kabupaten=chosen)
        self.fields["kabupaten"].choices = [("", "---"), *[(r.code, r.name) for r in kabupaten]]
        self.fields["kecamatan"].choices = [("", "---"), *[(r.code, r.name) for r in kecamatan]]
        self.fields["q"].widget.attrs["placeholder"] = _("Name or region")

    def filters(self) -> dict[str, Any]:
        """The valid filters; a kecamatan outside the chosen kabupaten is dropped."""
        filters = super().filters()
        if filters.get("kecamatan") and not filters["kecamatan"].startswith(f"{filters.get('kabupaten', '')}."):
            filters.pop("kecamatan")
        return filters


class IdsField(forms.Field):
    """The ids of a repeated parameter; what is not an id is left out."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        return [int(v) for v in map(str, value or []) if v.isascii() and v.isdigit() and len(v) < 18]


class AttendanceForm(forms.Form):
    """The participations ticked as attended on an event's page."""

    attended = IdsField(required=False)

    def attended_ids(self) -> list[int]:
        return self.cleaned_data["attended"] if self.is_valid() else []
