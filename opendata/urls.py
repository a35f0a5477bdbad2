from django.urls import path, re_path

from . import views

app_name = "opendata"

urlpatterns = [
    path("", views.map_page, name="map"),
    path("peta.json", views.map_data, name="map_data"),
    re_path(r"^wilayah/(?P<code>65(?:\.[0-9]{2}){0,2}(?:\.[0-9]{4})?)/$", views.area_page, name="area"),
    path("dataset/", views.datasets_page, name="datasets"),
    path("unduh/<slug:dataset>.<slug:fmt>", views.download, name="download"),
    path("feed.atom", views.feed, name="feed"),
]
