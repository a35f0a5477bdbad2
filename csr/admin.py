"""Admin for data curation. States and money of proposals and matches change only through the
services (and so the history and the proposer's feedback): they are read-only here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Attachment,
    Company,
    CompanyRepresentative,
    ForumMembership,
    Match,
    Programme,
    ProgrammeTarget,
    Proposal,
    ProposalEvent,
    Realisation,
)


class ForumMembershipInline(admin.TabularInline):
    model = ForumMembership
    extra = 0


class CompanyRepresentativeInline(admin.TabularInline):
    """The users who represent the company (their role's scope: csr.CompanyRepresentative)."""

    model = CompanyRepresentative
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "active"]


@admin.register(CompanyRepresentative)
class CompanyRepresentativeAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "company__name"]
    autocomplete_fields = ["user", "company"]
    list_select_related = ["user", "company"]


@admin.register(Company)
class CompanyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "business_sector", "kabupaten", "email", "phone"]
    list_filter = ["kabupaten", "business_sector"]
    search_fields = ["name", "business_sector", "email"]
    autocomplete_fields = ["kabupaten"]
    inlines = [ForumMembershipInline, CompanyRepresentativeInline]


@admin.register(ForumMembership)
class ForumMembershipAdmin(admin.ModelAdmin):
    list_display = ["company", "forum", "year"]
    list_filter = ["forum", "year"]
    search_fields = ["company__name"]


class ProgrammeTargetInline(admin.TabularInline):
    model = ProgrammeTarget
    extra = 0
    autocomplete_fields = ["region"]


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "company", "sector", "budget", "status", "starts_on", "ends_on"]
    list_filter = ["status", "sector"]
    search_fields = ["title", "company__name"]
    list_select_related = ["company"]
    inlines = [ProgrammeTargetInline]


@admin.register(ProgrammeTarget)
class ProgrammeTargetAdmin(admin.ModelAdmin):
    list_display = ["programme", "region"]
    list_filter = ["region__level"]
    search_fields = ["programme__title", "region__code", "region__name"]
    list_select_related = ["programme", "region"]


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "village", "sector", "amount_requested", "state", "created_at"]
    list_filter = ["state", "sector", "proposer_kind"]
    search_fields = ["title", "village__code", "village__name"]
    list_select_related = ["village"]
    readonly_fields = ["state", "submitted_at", "created_by"]


@admin.register(ProposalEvent)
class ProposalEventAdmin(admin.ModelAdmin):
    list_display = ["proposal", "from_state", "to_state", "actor", "created_at"]
    list_filter = ["to_state"]
    search_fields = ["proposal__title", "note"]
    list_select_related = ["proposal", "actor"]
    readonly_fields = ["proposal", "from_state", "to_state", "actor", "note"]


@admin.register(Match)
class MatchAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "proposal", "amount", "state", "confirmed_at"]
    list_filter = ["state"]
    search_fields = ["programme__title", "proposal__title"]
    list_select_related = ["programme", "proposal"]
    readonly_fields = ["programme", "proposal", "amount", "state", "confirmed_by", "decided_by"]


@admin.register(Realisation)
class RealisationAdmin(SimpleHistoryAdmin):
    list_display = ["match", "side", "amount_spent", "beneficiaries_reached", "reported_at"]
    list_filter = ["side"]
    search_fields = ["match__proposal__title", "note"]
    list_select_related = ["match__programme", "match__proposal"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "proposal", "kind", "size", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["name", "proposal__title"]
    list_select_related = ["proposal"]
