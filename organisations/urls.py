from django.urls import path

from . import maps, views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("dasbor/", views.registry_dashboard, name="dashboard"),
    path("baru/", views.organisation_create, name="create"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/ubah/", views.organisation_edit, name="edit"),
    path("<int:pk>/riwayat/", views.organisation_history, name="history"),
    path("<int:organisation_pk>/masa-bakti/baru/", views.term_form, name="term_create"),
    path("masa-bakti/<int:pk>/ubah/", views.term_form, name="term_edit"),
    path("masa-bakti/<int:term_pk>/pengurus/baru/", views.officer_form, name="officer_create"),
    path("pengurus/<int:pk>/ubah/", views.officer_form, name="officer_edit"),
    path("pengurus/<int:pk>/hapus/", views.officer_delete, name="officer_delete"),
    path("<int:pk>/penilaian/baru/", views.assessment_create, name="assessment_create"),
    path("<int:organisation_pk>/program/baru/", views.programme_form, name="programme_create"),
    path("program/<int:pk>/ubah/", views.programme_form, name="programme_edit"),
    path("<int:organisation_pk>/bantuan/baru/", views.assistance_form, name="assistance_create"),
    path("bantuan/<int:pk>/ubah/", views.assistance_form, name="assistance_edit"),
    path("<int:organisation_pk>/jaringan/baru/", views.partnership_form, name="partnership_create"),
    path("jaringan/<int:pk>/ubah/", views.partnership_form, name="partnership_edit"),
    path("<int:pk>/dokumen/unggah/", views.document_upload, name="document_upload"),
    path("dokumen/<int:pk>/", views.document_download, name="document_download"),
    path("dokumen/<int:pk>/hapus/", views.document_delete, name="document_delete"),
    path("kegiatan/", views.event_list, name="event_list"),
    path("kegiatan/baru/", views.event_form, name="event_create"),
    path("kegiatan/<int:pk>/", views.event_detail, name="event_detail"),
    path("kegiatan/<int:pk>/ubah/", views.event_form, name="event_edit"),
    path("kegiatan/<int:pk>/undang/", views.event_invite, name="event_invite"),
    path("kegiatan/<int:pk>/kehadiran/", views.event_attendance, name="event_attendance"),
    path("kegiatan/<int:pk>/peserta/baru/", views.attendee_add, name="attendee_add"),
    path("kegiatan/<int:event_pk>/tindak-lanjut/baru/", views.follow_up_form, name="follow_up_create"),
    path("tindak-lanjut/<int:pk>/ubah/", views.follow_up_form, name="follow_up_edit"),
    path("dasbor/peta.json", maps.dashboard_map, name="dashboard_map"),
]
