from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .models import PersonalDataAccess, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["region"]
    fields = ["role", "region", "active"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff", "roles"]
    list_filter = ["is_active", "is_staff", "is_superuser", "role_assignments__role"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Contact"), {"fields": ["phone"]}))

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("role_assignments")

    @admin.display(description=_("roles"))
    def roles(self, obj: User) -> str:
        return ", ".join(str(r.get_role_display()) for r in obj.role_assignments.all() if r.active)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "region", "active", "created_at"]
    list_filter = ["role", "active", "region__level"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "region__code",
        "region__name",
    ]
    autocomplete_fields = ["user", "region"]
    list_select_related = ["user", "region"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    """The access log is evidence: read-only, never edited or deleted from the admin."""

    list_display = ["at", "user", "action", "subject", "object_id", "region_code", "rows"]
    list_filter = ["action", "subject"]
    search_fields = ["user__username", "region_code"]
    date_hierarchy = "at"
