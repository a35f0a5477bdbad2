"""Village poverty data. Records are addressed by pk only: never a NIK, No. KK or name in a URL."""

from django.urls import path

from .views import dashboard, editor, families, maps, rounds, submissions, villages

app_name = "poverty_data"

urlpatterns = [
    path("", villages.village_list, name="villages"),
    path("desa/<int:pk>/", villages.village_detail, name="village"),
    path("desa/<int:pk>/mulai/", villages.submission_start, name="submission_start"),
    path("desa/<int:pk>/pokja/", villages.pokja_edit, name="pokja"),
    path("keluarga/<int:pk>/", families.family_detail, name="family"),
    path("pengajuan/<int:pk>/", submissions.submission_detail, name="submission"),
    path("pengajuan/<int:pk>/keluarga-baru/", editor.change_new_family, name="change_new_family"),
    path(
        "pengajuan/<int:pk>/keluarga-baru/<int:change_pk>/ubah/",
        editor.change_new_family_edit,
        name="change_new_family_edit",
    ),
    path("pengajuan/<int:pk>/keluarga/<int:family_pk>/ubah/", editor.change_family, name="change_family"),
    path(
        "pengajuan/<int:pk>/keluarga/<int:family_pk>/anggota-baru/", editor.change_member_add, name="change_member_add"
    ),
    path("pengajuan/<int:pk>/keluarga/<int:family_pk>/nonaktif/", editor.change_deactivate, name="change_deactivate"),
    path("pengajuan/<int:pk>/anggota/<int:member_pk>/ubah/", editor.change_member, name="change_member"),
    path("pengajuan/<int:pk>/perubahan/<int:change_pk>/hapus/", submissions.change_remove, name="change_remove"),
    path("pengajuan/<int:pk>/perubahan/<int:change_pk>/selesaikan/", submissions.change_resolve, name="change_resolve"),
    # The review chain, one view per step.
    path("pengajuan/<int:pk>/berita-acara/", submissions.submission_minutes, name="submission_minutes"),
    path("pengajuan/<int:pk>/submit/", submissions.submission_submit, name="submission_submit"),
    path("pengajuan/<int:pk>/verify/", submissions.submission_verify, name="submission_verify"),
    path("pengajuan/<int:pk>/approve/", submissions.submission_approve, name="submission_approve"),
    path("pengajuan/<int:pk>/finalise/", submissions.submission_finalise, name="submission_finalise"),
    path("pengajuan/<int:pk>/return/", submissions.submission_return, name="submission_return"),
    path("pengajuan/<int:pk>/take-back/", submissions.submission_take_back, name="submission_take_back"),
    path("cek-nik/", editor.nik_check, name="nik_check"),
    path("antrean/", rounds.review_queue, name="queue"),
    path("periode/", rounds.round_list, name="rounds"),
    path("periode/<int:pk>/", rounds.round_overview, name="round"),
    path("dasbor/", dashboard.dashboard, name="dashboard"),
    path("dasbor/peta.json", maps.dashboard_map, name="dashboard_map"),
    path("desa/<int:pk>/peta.json", maps.village_map, name="village_map"),
]
