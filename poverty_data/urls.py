"""Village poverty data. Records are addressed by pk only: never a NIK, No. KK or name in a URL."""

from django.urls import path

from . import maps, views

app_name = "poverty_data"

urlpatterns = [
    path("", views.village_list, name="villages"),
    path("desa/<int:pk>/", views.village_detail, name="village"),
    path("desa/<int:pk>/mulai/", views.submission_start, name="submission_start"),
    path("desa/<int:pk>/pokja/", views.pokja_edit, name="pokja"),
    path("keluarga/<int:pk>/", views.family_detail, name="family"),
    path("pengajuan/<int:pk>/", views.submission_detail, name="submission"),
    path("pengajuan/<int:pk>/keluarga-baru/", views.change_new_family, name="change_new_family"),
    path("pengajuan/<int:pk>/keluarga/<int:family_pk>/ubah/", views.change_family, name="change_family"),
    path(
        "pengajuan/<int:pk>/keluarga/<int:family_pk>/anggota-baru/", views.change_member_add, name="change_member_add"
    ),
    path("pengajuan/<int:pk>/keluarga/<int:family_pk>/nonaktif/", views.change_deactivate, name="change_deactivate"),
    path("pengajuan/<int:pk>/anggota/<int:member_pk>/ubah/", views.change_member, name="change_member"),
    path("pengajuan/<int:pk>/perubahan/<int:change_pk>/hapus/", views.change_remove, name="change_remove"),
    path("pengajuan/<int:pk>/perubahan/<int:change_pk>/selesaikan/", views.change_resolve, name="change_resolve"),
    path(
        "pengajuan/<int:pk>/<str:action>/",
        views.submission_action,
        name="submission_action",
    ),
    path("cek-nik/", views.nik_check, name="nik_check"),
    path("antrean/", views.review_queue, name="queue"),
    path("periode/", views.round_list, name="rounds"),
    path("periode/<int:pk>/", views.round_overview, name="round"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("dasbor/peta.json", maps.dashboard_map, name="dashboard_map"),
    path("desa/<int:pk>/peta.json", maps.village_map, name="village_map"),
]
