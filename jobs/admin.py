from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "owner", "status", "done", "total", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "owner__username", "kind"]
    list_select_related = ["owner"]
    readonly_fields = ["id", "created_at", "started_at", "finished_at"]
