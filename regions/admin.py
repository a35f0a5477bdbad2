from django.contrib import admin

from .models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "bps_code"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name", "bps_code"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]
    ordering = ["code"]
    show_full_result_count = False
