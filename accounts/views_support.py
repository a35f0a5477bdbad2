"""What every view shares around the access policy and the services.

It lives next to the policy (``accounts`` is the lowest app that knows it; ``core`` imports
no app of ours). A view's access check is one line:

* ``@allowed("submission.view")`` for a page whose action takes no object (a list, a dashboard):
  the anonymous go to the login page, a user without the action gets 403;
* ``policy.get_for_user(queryset, user, action, view_action=..., pk=pk)`` for a page that takes
  an id: 404 outside the user's scope, 403 when visible but ``action`` is not allowed;
* ``policy.require(user, action, obj)`` for a further action on an object already fetched.

A one-click action whose consequence cannot be undone asks first: ``unconfirmed`` answers its POST
with a page that states the consequence and posts the same fields again, confirmed (no JavaScript).

A service refuses bad input with a ``ValidationError``; ``add_service_errors`` shows it on a
form, ``flash_service_errors`` as messages on the next page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import policy

View = Callable[..., HttpResponse]


def allowed(action: str) -> Callable[[View], View]:
    """Decorator: the view runs for a signed-in user who may perform ``action`` somewhere.

    Anonymous users are sent to the login page; a user without the action gets 403. The scope of
    an object the view then reads is still the policy's to check (``policy.get_for_user``).
    """
    if action not in policy.PERMISSIONS:  # a misspelt action fails at import, not on the first request
        raise KeyError(f"Unknown policy action {action!r}: add it to accounts.policy.PERMISSIONS")

    def decorator(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not policy.can(request.user, action):
                raise PermissionDenied(action)
            return view(request, *args, **kwargs)

        return login_required(checked)

    return decorator


def service_error_messages(error: ValidationError) -> list[str]:
    """The sentences of a service's refusal, in order."""
    return [str(message) for message in error.messages]


def add_service_errors(form: Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def flash_service_errors(request: HttpRequest, error: ValidationError) -> None:
    """Show a service's refusal as error messages on the next page (for one-click actions)."""
    for message in service_error_messages(error):
        messages.error(request, message)


def form_saved(request: HttpRequest, form: Form, save: Callable[[dict[str, Any]], Any], message: str) -> Any:
    """On a POST whose form is valid, call ``save`` (a service) with its cleaned data.

    Returns what the service returned, after a success ``message``; None when it was not a POST, the
    form was not valid or the service refused (its refusal is then on the form).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, message)
    return result


def service_done(request: HttpRequest, call: Callable[[], Any], message: str) -> bool:
    """Run a one-click action's service call: True after a success ``message``; False, with the
    service's refusal as error messages, when it refused."""
    try:
        call()
    except ValidationError as error:
        flash_service_errors(request, error)
        return False
    messages.success(request, message)
    return True


CONFIRMED = "confirmed"


def unconfirmed(
    request: HttpRequest, *, question: str, consequence: str, action_label: str, back_url: str
) -> HttpResponse | None:
    """None once the user has confirmed this POST; otherwise the page that asks them.

    The page says ``consequence`` in words (an amount in rupiah, what closes or disappears) and
    carries the POST's own fields into its form, so the second POST does exactly what the first
    asked. Call it after the access check: a user who may not act gets 403/404, not the question.
    """
    if request.POST.get(CONFIRMED) == "yes":
        return None
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", CONFIRMED)
        for value in values
    ]
    context = {
        "question": question,
        "consequence": consequence,
        "action_label": action_label,
        "back_url": back_url,
        "fields": fields,
        "confirmed": CONFIRMED,
    }
    return render(request, "confirm.html", context)
