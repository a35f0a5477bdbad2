from django.urls import path

from .views import events, maps, records, registry

app_name = "organisations"

urlpatterns = [
    path("", registry.organisation_list, name="list"),
    path("dasbor/", registry.registry_dashboard, name="dashboard"),
    path("baru/", registry.organisation_create, name="create"),
    path("<int:pk>/", registry.organisation_detail, name="detail"),
    path("<int:pk>/ubah/", registry.organisation_edit, name="edit"),
    path("<int:pk>/riwayat/", registry.organisation_history, name="history"),
    path("<int:organisation_pk>/masa-bakti/baru/", records.term_form, name="term_create"),
    path("masa-bakti/<int:pk>/ubah/", records.term_form, name="term_edit"),
    path("masa-bakti/<int:term_pk>/pengurus/baru/", records.officer_form, name="officer_create"),
    path("pengurus/<int:pk>/ubah/", records.officer_form, name="officer_edit"),
    path("pengurus/<int:pk>/hapus/", records.officer_delete, name="officer_delete"),
    path("<int:pk>/penilaian/baru/", records.assessment_create, name="assessment_create"),
    path("<int:organisation_pk>/program/baru/", records.programme_form, name="programme_create"),
    path("program/<int:pk>/ubah/", records.programme_form, name="programme_edit"),
    path("<int:organisation_pk>/bantuan/baru/", records.assistance_form, name="assistance_create"),
    path("bantuan/<int:pk>/ubah/", records.assistance_form, name="assistance_edit"),
    path("<int:organisation_pk>/jaringan/baru/", records.partnership_form, name="partnership_create"),
    path("jaringan/<int:pk>/ubah/", records.partnership_form, name="partnership_edit"),
    path("<int:pk>/dokumen/unggah/", records.document_upload, name="document_upload"),
    path("dokumen/<int:pk>/", records.document_download, name="document_download"),
    path("dokumen/<int:pk>/hapus/", records.document_delete, name="document_delete"),
    path("kegiatan/", events.event_list, name="event_list"),
    path("kegiatan/baru/", events.event_form, name="event_create"),
    path("kegiatan/<int:pk>/", events.event_detail, name="event_detail"),
    path("kegiatan/<int:pk>/ubah/", events.event_form, name="event_edit"),
    path("kegiatan/<int:pk>/undang/", events.event_invite, name="event_invite"),
    path("kegiatan/<int:pk>/kehadiran/", events.event_attendance, name="event_attendance"),
    path("kegiatan/<int:pk>/peserta/baru/", events.attendee_add, name="attendee_add"),
    path("kegiatan/<int:event_pk>/tindak-lanjut/baru/", events.follow_up_form, name="follow_up_create"),
    path("tindak-lanjut/<int:pk>/ubah/", events.follow_up_form, name="follow_up_edit"),
    path("dasbor/peta.json", maps.dashboard_map, name="dashboard_map"),
]
