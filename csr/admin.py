from django.contrib import admin

from .models import Company


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "business_sector", "kabupaten", "email", "phone"]
    list_filter = ["kabupaten", "business_sector"]
    search_fields = ["name", "business_sector", "email"]
    autocomplete_fields = ["kabupaten"]
