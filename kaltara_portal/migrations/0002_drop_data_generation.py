"""The page cache's counter table (kaltara_portal.DataGeneration) is gone with the page cache.

Databases created before its removal still hold the table: it is dropped here. A fresh database
never had it, so the statement is a no-op there.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS kaltara_portal_datageneration", reverse_sql=migrations.RunSQL.noop),
    ]
