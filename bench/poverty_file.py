"""Deterministic poverty-list files for the import benchmark (and large-file tests).

``write_members(path, n_members, villages)`` writes a valid BNBA CSV of about n/4 families:
NIKs agree with birth dates and sex and start with the village's kecamatan code.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Sequence
from pathlib import Path

HEADER = [
    "no_kk",
    "nik",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "hubungan_keluarga",
    "kode_desa",
    "tempat_lahir",
    "alamat",
    "dusun",
    "rt",
    "rw",
    "desil",
    "status_kehadiran",
]
FIRST = [
    "Budi",
    "Siti",
    "Andi",
    "Nur",
    "Rizky",
    "Dewi",
    "Yohanes",
    "Maria",
    "Agus",
    "Rina",
    "Hendra",
    "Wati",
    "Joko",
    "Sri",
    "Fajar",
    "Lestari",
    "Dedi",
    "Ayu",
    "Bayu",
    "Intan",
]
LAST = [
    "Santoso",
    "Aminah",
    "Saputra",
    "Hidayah",
    "Ramadhan",
    "Lawing",
    "Pratama",
    "Sari",
    "Wijaya",
    "Lestari",
    "Kurniawan",
    "Utami",
    "Gunawan",
    "Rahayu",
    "Setiawan",
    "Anggraini",
]


def _nik(kecamatan: str, birth: dt.date, female: bool, serial: int) -> str:
    day = birth.day + (40 if female else 0)
    return f"{kecamatan}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial % 9999 + 1:04d}"


def write_members(path: Path, n_members: int, villages: Sequence[str], seed: int = 2026) -> int:
    """Write about ``n_members`` member rows; returns the number written."""
    rng = random.Random(seed)
    written = 0
    family = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        while written < n_members:
            family += 1
            village = villages[family % len(villages)]
            kecamatan = village.replace(".", "")[:6]
            # The family number in digits 7-16 keeps each No. KK unique; the serial is never 0000.
            no_kk = f"{kecamatan}{family // 9999:06d}{family % 9999 + 1:04d}"
            size = min(rng.randint(1, 6), n_members - written)
            desil = rng.randint(1, 10)
            dusun, rt, rw = f"Dusun {rng.randint(1, 4)}", f"{rng.randint(1, 20):03d}", f"{rng.randint(1, 5):03d}"
            surname = rng.choice(LAST)
            for k in range(size):
                relationship = "Kepala Keluarga" if k == 0 else ("Istri" if k == 1 else "Anak")
                female = k == 1 or (k > 1 and rng.random() < 0.5)
                year = rng.randint(1950, 1995) if k < 2 else rng.randint(1996, 2024)
                birth = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
                written += 1
                writer.writerow(
                    [
                        no_kk,
                        _nik(kecamatan, birth, female, written),
                        f"{rng.choice(FIRST)} {surname}",
                        "P" if female else "L",
                        birth.strftime("%d-%m-%Y"),
                        relationship,
                        village,
                        "Tanjung Selor",
                        f"Jl. Contoh No. {family % 300}",
                        dusun,
                        rt,
                        rw,
                        desil,
                        "Ada",
                    ]
                )
    return written
