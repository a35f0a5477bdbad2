from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.sites.shortcuts import get_current_site
from django.utils.translation import gettext_lazy as _

from core.lists import FilterForm

from .models import SUBJECT_LABELS, PersonalDataAccess
from .tasks import password_reset_mail_send


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password. Capital and small letters count."),
    }

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class PasswordResetRequestForm(PasswordResetForm):
    """Asks for a reset link; the mail leaves from a background task (``accounts.tasks``).

    The request does the same for every address, registered or not: it only queues the task.
    """

    def save(self, *, domain_override=None, use_https=False, request=None, **kwargs) -> None:
        domain = domain_override or get_current_site(request).domain
        password_reset_mail_send.enqueue(email=self.cleaned_data["email"], domain=domain, use_https=use_https)


class PersonalDataAccessFilterForm(FilterForm):
    """The audit log's filters. A malformed value is dropped (the field shows its error), never an error page."""

    field_columns = "col-12 col-sm-6 col-md-4 col-xl-2"
    autosubmit = False

    user = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", "---"), *PersonalDataAccess.Action.choices]
    )
    subject = forms.ChoiceField(label=_("Record"), required=False, choices=[("", "---"), *SUBJECT_LABELS.items()])
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].widget.attrs["placeholder"] = _("Username or name")
