"""The extensions behind the misspelt-name search of families (``families_of_village``).

``pg_trgm`` compares names by trigrams ("Muhamad Rizki" finds "Muhammad Rizky") and ``unaccent``
drops accents ("Zulkarnaen" finds "Zulkarnaén"). Both ship with PostgreSQL's contrib modules and are
trusted extensions: the portal's database owner may create them without being a superuser.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("poverty_data", "0005_village_stats_quality_index")]

    operations = [TrigramExtension(), UnaccentExtension()]
