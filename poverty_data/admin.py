from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin

from .models import (
    Family,
    Member,
    Pokja,
    PokjaMember,
    Reminder,
    Round,
    Submission,
    SubmissionChange,
    SubmissionEvent,
    VillageRoundStats,
    VillageStats,
)


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
    list_filter = ["is_open", "period_start"]
    search_fields = ["name"]


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
    search_fields = ["village_code", "village__name"]
    readonly_fields = ["state", "version", "submitted_at", "verified_at", "approved_at", "finalised_at"]
    inlines = [ChangeInline, EventInline]


class PokjaMemberInline(admin.TabularInline):
    model = PokjaMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Pokja)
class PokjaAdmin(SimpleHistoryAdmin):
    list_display = ["village_code", "sk_number", "sk_date", "budget_dana_desa"]
    list_filter = ["budget_year"]
    search_fields = ["village_code", "village__name", "sk_number"]
    inlines = [PokjaMemberInline]


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    # Searching by NIK or name would put personal data in the URL: search by village instead.
    list_display = ["pk", "family", "sex", "relationship", "presence", "nik_valid", "version"]
    list_filter = ["presence", "relationship", "sex", "nik_valid"]
    search_fields = ["family__village_code"]
    list_select_related = ["family"]
    exclude = ["nik"]


@admin.register(PokjaMember)
class PokjaMemberAdmin(admin.ModelAdmin):
    list_display = ["pokja", "user", "position"]
    list_filter = ["position"]
    search_fields = ["pokja__village_code", "user__username"]
    list_select_related = ["pokja", "user"]
    raw_id_fields = ["pokja", "user"]


@admin.register(SubmissionChange)
class SubmissionChangeAdmin(ReadOnlyAdmin):
    list_display = ["pk", "submission", "kind", "family", "field", "created_at"]
    list_filter = ["kind", "submission__round"]
    search_fields = ["submission__village_code", "field"]
    list_select_related = ["submission", "family"]


@admin.register(SubmissionEvent)
class SubmissionEventAdmin(ReadOnlyAdmin):
    list_display = ["submission", "action", "from_state", "to_state", "user", "at"]
    list_filter = ["action", "to_state"]
    search_fields = ["submission__village_code", "user__username"]
    list_select_related = ["submission", "user"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["round", "village", "step", "recipients", "sent_at"]
    list_filter = ["step", "round"]
    search_fields = ["village__code", "village__name"]
    list_select_related = ["round", "village"]


@admin.register(VillageStats)
class VillageStatsAdmin(ReadOnlyAdmin):
    # Kept by the services; repaired with manage.py refresh_poverty_stats, never edited by hand.
    list_display = ["village_code", "families", "poor4", "poor5", "nik_invalid", "nik_duplicate", "updated_at"]
    list_filter = ["updated_at"]
    search_fields = ["village_code"]


@admin.register(VillageRoundStats)
class VillageRoundStatsAdmin(ReadOnlyAdmin):
    list_display = ["round", "village_code", "families", "poor4", "poor5", "recorded_at"]
    list_filter = ["round"]
    search_fields = ["village_code"]
    list_select_related = ["round"]
