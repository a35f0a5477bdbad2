from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from opendata.api import api as opendata_api

from . import region_views, views

urlpatterns = [
    path("", views.home_page, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Without a CSRF token: switching the interface language is harmless, and the anonymous public pages
    # (opendata's stored answers) must carry no per-visitor token.
    path("bahasa/", csrf_exempt(set_language), name="set_language"),
    path(
        "bantuan/",
        include(
            (
                [
                    path("", views.guide_index, name="index"),
                    path("<slug:slug>/", views.guide_detail, name="detail"),
                ],
                "guides",
            )
        ),
    ),
    path("akun/", include("accounts.urls")),
    path(
        "wilayah/",
        include(
            (
                [
                    path("", region_views.region_browse, name="browse"),
                    re_path(r"^(?P<code>[0-9.]{2,13})/$", region_views.region_browse, name="detail"),
                ],
                "regions",
            )
        ),
    ),
    path("organisasi/", include("organisations.urls")),
    path("data-kemiskinan/", include("poverty_data.urls")),
    path("impor/", include("poverty_imports.urls")),
    path("csr/", include("csr.urls")),
    path("tugas/", include("jobs.urls")),
    path("terbuka/", include("opendata.urls")),
    path("api/terbuka/v1/", opendata_api.urls),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler403 = "kaltara_portal.views.error_403"
handler404 = "kaltara_portal.views.error_404"
handler500 = "kaltara_portal.views.error_500"

admin.site.site_header = "Portal Karang Taruna Kaltara"
admin.site.site_title = "Portal Karang Taruna Kaltara"
