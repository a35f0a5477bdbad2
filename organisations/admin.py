"""The registry in the Django admin, for the administrator's data curation; every change keeps its history."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Assessment, Assistance, Document, Event, Officer, Organisation, Partnership, Programme, Term


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


@admin.register(Officer)
class OfficerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "position", "term"]
    list_select_related = ["term__organisation"]
    search_fields = ["name", "term__organisation__name"]
    raw_id_fields = ["term"]


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "assessed_on", "classification"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation", "assessor"]


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "year", "budget", "status"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation"]


@admin.register(Assistance)
class AssistanceAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "year", "giver", "form", "value"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation", "document"]


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ["partner_name", "kind", "organisation"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation"]


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    # No file field here: uploads go through the portal's checks (type by content, size).
    list_display = ["title", "kind", "organisation", "size", "uploaded_at"]
    list_select_related = ["organisation"]
    fields = ["organisation", "kind", "title", "original_name", "content_type", "size"]
    readonly_fields = ["organisation", "original_name", "content_type", "size"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "starts_on", "place"]
    search_fields = ["title"]
