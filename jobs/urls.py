from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:pk>/", views.job_detail, name="detail"),
    path("<uuid:pk>/unduh/", views.job_download, name="download"),
    path("<uuid:pk>/coba-lagi/", views.job_retry_view, name="retry"),
]
