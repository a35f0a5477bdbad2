"""The registry in the Django admin, for the administrator's data curation; every change keeps its history."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Assessment,
    Assistance,
    Attendee,
    Document,
    Event,
    FollowUp,
    Officer,
    Organisation,
    Participation,
    Partnership,
    Programme,
    Term,
)


class TermInline(admin.TabularInline):
    model = Term
    extra = 0
    fields = ["sk_number", "sk_date", "sk_ends_on", "starts_on", "ends_on"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "region", "status", "classification"]
    list_filter = ["status", "classification", "region__level"]
    search_fields = ["name", "region__code", "region__name"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    readonly_fields = ["classification", "classified_on"]
    inlines = [TermInline]


class OfficerInline(admin.TabularInline):
    model = Officer
    extra = 0
    fields = ["name", "position", "field_name", "sex", "birth_date", "phone"]


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "sk_number", "sk_date", "starts_on", "ends_on", "sk_ends_on"]
    list_filter = ["starts_on", "ends_on", "organisation__region__level"]
    search_fields = ["sk_number", "organisation__name", "organisation__region__code"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation"]
    inlines = [OfficerInline]


@admin.register(Officer)
class OfficerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "position", "term"]
    list_filter = ["position", "sex"]
    list_select_related = ["term__organisation"]
    search_fields = ["name", "term__organisation__name"]
    raw_id_fields = ["term"]


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "assessed_on", "classification"]
    list_filter = ["classification", "assessed_on"]
    search_fields = ["organisation__name", "organisation__region__code"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation", "assessor"]


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "year", "budget", "status"]
    list_filter = ["status", "sector", "year"]
    search_fields = ["title", "organisation__name"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation"]


@admin.register(Assistance)
class AssistanceAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "year", "giver", "form", "value"]
    list_filter = ["giver", "form", "year"]
    search_fields = ["organisation__name", "description"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation", "document"]


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ["partner_name", "kind", "organisation"]
    list_filter = ["kind"]
    search_fields = ["partner_name", "organisation__name"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation"]


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    # No file field here: uploads go through the portal's checks (type by content, size).
    list_display = ["title", "kind", "organisation", "size", "uploaded_at"]
    list_filter = ["kind", "uploaded_at"]
    search_fields = ["title", "original_name", "organisation__name"]
    list_select_related = ["organisation"]
    fields = ["organisation", "kind", "title", "original_name", "content_type", "size"]
    readonly_fields = ["organisation", "original_name", "content_type", "size"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "starts_on", "place"]
    search_fields = ["title"]
    list_filter = ["starts_on", "aim_administration", "aim_management", "aim_welfare", "aim_network"]


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["event", "organisation", "attended"]
    list_filter = ["attended", "event"]
    search_fields = ["event__title", "organisation__name"]
    list_select_related = ["event", "organisation"]
    raw_id_fields = ["event", "organisation"]


@admin.register(Attendee)
class AttendeeAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "participation"]
    list_filter = ["participation__event"]
    search_fields = ["name", "participation__organisation__name"]
    list_select_related = ["participation__event", "participation__organisation"]
    raw_id_fields = ["participation"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["action", "owner", "due_on", "done", "event"]
    list_filter = ["done", "due_on"]
    search_fields = ["action", "owner", "event__title"]
    list_select_related = ["event"]
