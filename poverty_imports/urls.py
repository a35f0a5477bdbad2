from django.urls import path

from . import views

app_name = "poverty_imports"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("baru/", views.import_new, name="new"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/laporan.csv", views.import_report, name="report"),
    path("<int:pk>/baris-ditolak/", views.import_rejected, name="rejected"),
    path("templat-impor.csv", views.import_template, {"kind": "csv"}, name="template_csv"),
    path("templat-impor.xlsx", views.import_template, {"kind": "xlsx"}, name="template_xlsx"),
    path("ekspor/", views.export_new, name="export"),
]
