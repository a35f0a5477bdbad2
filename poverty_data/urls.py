from django.urls import path  # noqa: F401

app_name = "poverty_data"

urlpatterns: list = []
