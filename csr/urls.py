from django.urls import path

from . import maps, views

app_name = "csr"

urlpatterns = [
    path("", views.proposal_list, name="proposal_list"),
    path("usulan/baru/", views.proposal_create, name="proposal_create"),
    path("usulan/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("usulan/<int:pk>/ubah/", views.proposal_edit, name="proposal_edit"),
    path("usulan/<int:pk>/langkah/<slug:step>/", views.proposal_step, name="proposal_step"),
    path("usulan/<int:pk>/lampiran/", views.attachment_upload, name="attachment_upload"),
    path("usulan/<int:pk>/lampiran/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path("usulan/<int:pk>/pencocokan/", views.proposal_matching, name="proposal_matching"),
    path("program/", views.programme_list, name="programme_list"),
    path("program/baru/", views.programme_create, name="programme_create"),
    path("program/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("program/<int:pk>/ubah/", views.programme_edit, name="programme_edit"),
    path("program/<int:pk>/status/", views.programme_status, name="programme_status"),
    path("program/<int:pk>/pencocokan/", views.programme_matching, name="programme_matching"),
    path("perusahaan/", views.company_list, name="company_list"),
    path("perusahaan/<int:pk>/", views.company_detail, name="company_detail"),
    path("perusahaan/<int:pk>/ubah/", views.company_edit, name="company_edit"),
    path("kecocokan/", views.match_list, name="match_list"),
    path("kecocokan/<int:pk>/keputusan/", views.match_decide, name="match_decide"),
    path("kecocokan/<int:pk>/realisasi/", views.realisation_create, name="realisation_create"),
    path("rencana-realisasi/", views.plan_vs_realisation, name="plan_vs_realisation"),
    path("papan-sinkronisasi/", views.board, name="board"),
    path("katalog/", views.catalogue, name="catalogue"),
    path("perencana-alokasi/", views.planner, name="planner"),
    path("dampak/", views.impact, name="impact"),
    path("papan-sinkronisasi/peta.json", maps.board_map, name="board_map"),
]
