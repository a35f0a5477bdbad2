"""Writes to users and role assignments."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from . import policy
from .models import PersonalDataAccess, RoleAssignment, User


@transaction.atomic
def user_ensure(
    *,
    username: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create the user, or update the given fields of an existing one (idempotent)."""
    user, _created = User.objects.get_or_create(username=username)
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.is_staff, user.is_superuser, user.is_active = is_staff or is_superuser, is_superuser, True
    if password is not None:
        user.set_password(password)
    user.save()
    return user


@transaction.atomic
def role_assign(*, user: User, role: str, region: Any = None) -> RoleAssignment:
    """Give ``user`` the ``role`` over ``region`` (none: an administrator); checked by the model's rules.
    A company representative is assigned on the company: ``csr.services.company_representative_assign``."""
    assignment = RoleAssignment.objects.filter(user=user, role=role, region=region).first()
    if assignment is None:
        assignment = RoleAssignment(user=user, role=role, region=region)
    assignment.active = True
    assignment.full_clean()
    assignment.save()
    policy.forget(user)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment) -> None:
    assignment.active = False
    assignment.save(update_fields=["active"])
    policy.forget(assignment.user)


def personal_data_access_log(
    *, user: User, action: str, subject: str, object_id: Any = "", region_code: str = "", rows: int = 1
) -> None:
    """Record that ``user`` saw full personal data or exported it (who, when, what; never the data)."""
    PersonalDataAccess.objects.create(
        user=user,
        action=action,
        subject=subject,
        object_id=str(object_id or ""),
        region_code=region_code or "",
        rows=rows,
    )
