from django.urls import path

from .views import companies, maps, matches, programmes, proposals, reports

app_name = "csr"

urlpatterns = [
    path("", proposals.proposal_list, name="proposal_list"),
    path("usulan/baru/", proposals.proposal_create, name="proposal_create"),
    path("usulan/<int:pk>/", proposals.proposal_detail, name="proposal_detail"),
    path("usulan/<int:pk>/ubah/", proposals.proposal_edit, name="proposal_edit"),
    path("usulan/<int:pk>/langkah/<slug:step>/", proposals.proposal_step, name="proposal_step"),
    path("usulan/<int:pk>/lampiran/", proposals.attachment_upload, name="attachment_upload"),
    path("usulan/<int:pk>/lampiran/<int:attachment_pk>/", proposals.attachment_download, name="attachment_download"),
    path("usulan/<int:pk>/pencocokan/", proposals.proposal_matching, name="proposal_matching"),
    path("program/", programmes.programme_list, name="programme_list"),
    path("program/baru/", programmes.programme_create, name="programme_create"),
    path("program/<int:pk>/", programmes.programme_detail, name="programme_detail"),
    path("program/<int:pk>/ubah/", programmes.programme_edit, name="programme_edit"),
    path("program/<int:pk>/status/", programmes.programme_status, name="programme_status"),
    path("program/<int:pk>/pencocokan/", programmes.programme_matching, name="programme_matching"),
    path("perusahaan/", companies.company_list, name="company_list"),
    path("perusahaan/<int:pk>/", companies.company_detail, name="company_detail"),
    path("perusahaan/<int:pk>/ubah/", companies.company_edit, name="company_edit"),
    path("kecocokan/", matches.match_list, name="match_list"),
    path("kecocokan/<int:pk>/keputusan/", matches.match_decide, name="match_decide"),
    path("kecocokan/<int:pk>/realisasi/", matches.realisation_create, name="realisation_create"),
    path("rencana-realisasi/", reports.plan_vs_realisation, name="plan_vs_realisation"),
    path("papan-sinkronisasi/", reports.board, name="board"),
    path("katalog/", reports.catalogue, name="catalogue"),
    path("perencana-alokasi/", reports.planner, name="planner"),
    path("dampak/", reports.impact, name="impact"),
    path("papan-sinkronisasi/peta.json", maps.board_map, name="board_map"),
]
