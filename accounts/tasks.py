"""Background tasks of accounts (run by the task worker; immediately in tests)."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.tasks import task

EMAIL_TEMPLATE = "registration/password_reset_email.txt"
SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"


@task
def password_reset_mail_send(*, email: str, domain: str, use_https: bool) -> None:
    """Mail a password-reset link to the active users with ``email`` (none: nothing happens).

    Runs in the worker, never in the request: the request takes the same time whether or not the
    address is registered, so its answer does not tell.
    """
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(
            domain_override=domain,
            use_https=use_https,
            email_template_name=EMAIL_TEMPLATE,
            subject_template_name=SUBJECT_TEMPLATE,
        )
