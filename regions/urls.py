from django.urls import path, re_path

from . import views

app_name = "regions"

urlpatterns = [
    path("", views.region_browse, name="browse"),
    re_path(r"^(?P<code>[0-9.]{2,13})/$", views.region_browse, name="detail"),
]
