"""The registry's lists: each one's selector, filter form and export columns, declared once.

A list view checks the policy, calls ``core.lists.list_page(request, <LIST>)`` and renders; the
same declaration serves its page and its ``?export=csv|xlsx``.
"""

from __future__ import annotations

from core.lists import Column, ListSpec

from . import forms, selectors

# Export rows: selectors.export_source (an organisation with its kabupaten and kecamatan names).
ORGANISATIONS = ListSpec(
    selector=selectors.organisation_list,
    filter_form=forms.OrganisationFilterForm,
    warn_invalid=False,
    filename="karang-taruna",
    sheet_title="Karang Taruna",
    page_rows=selectors.list_rows,
    export_source=selectors.export_source,
    export_columns=[
        Column("Kode wilayah", "org.region.code"),
        Column("Wilayah", "org.region.display_name"),
        Column("Tingkat", "org.region.get_level_display"),
        Column("Kabupaten/kota", "kabupaten"),
        Column("Kecamatan", "kecamatan"),
        Column("Nama Karang Taruna", "org.name"),
        Column("Status", "org.get_status_display"),
        Column("Klasifikasi", "org.get_classification_display"),
        Column("Ketua", "org.ketua_name"),
        Column("Akhir masa bakti", "org.current_term_ends_on"),
        Column("Telepon", "org.phone"),
        Column("Email", "org.email"),
        Column("Perkiraan anggota", "org.estimated_members"),
    ],
)

EVENTS = ListSpec(
    selector=selectors.events_list,
    filename="kegiatan-penguatan",
    export_columns=[
        Column("Judul", "title"),
        Column("Mulai", "starts_on"),
        Column("Selesai", "ends_on"),
        Column("Tempat", "place"),
        Column("Penyelenggara", "organiser"),
        Column("Tujuan", lambda event: ", ".join(event.aims)),
        Column("Diundang", "invited"),
        Column("Hadir", "attended"),
    ],
)
