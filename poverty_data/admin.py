from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Family, Member, Pokja, PokjaMember, Round, Submission, SubmissionChange, SubmissionEvent


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ["name", "sex", "relationship", "presence", "version"]
    readonly_fields = fields
    can_delete = False


@admin.register(Family)
class FamilyAdmin(SimpleHistoryAdmin):
    # Read-only: master data changes only through finalised submissions.
    list_display = ["pk", "village_code", "dusun", "rt", "desil", "status", "version"]
    list_filter = ["status", "desil"]
    search_fields = ["village_code"]
    inlines = [MemberInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "period_start", "submit_deadline", "finalise_deadline", "is_open"]


class ChangeInline(admin.TabularInline):
    model = SubmissionChange
    extra = 0
    fields = ["kind", "family", "member", "field", "old_value", "new_value", "resolution"]
    readonly_fields = fields
    can_delete = False


class EventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    fields = ["at", "user", "action", "from_state", "to_state", "detail"]
    readonly_fields = fields
    can_delete = False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["pk", "round", "village_code", "state", "version", "updated_at"]
    list_filter = ["state", "round"]
    readonly_fields = ["state", "version", "submitted_at", "verified_at", "approved_at", "finalised_at"]
    inlines = [ChangeInline, EventInline]


class PokjaMemberInline(admin.TabularInline):
    model = PokjaMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Pokja)
class PokjaAdmin(SimpleHistoryAdmin):
    list_display = ["village_code", "sk_number", "sk_date", "budget_dana_desa"]
    inlines = [PokjaMemberInline]
