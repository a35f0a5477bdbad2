from django.db import migrations


def unlogged(apps, schema_editor):
    # The staging table is transient: on PostgreSQL it skips the write-ahead log (faster COPY).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE poverty_imports_stagedrow SET UNLOGGED")


class Migration(migrations.Migration):
    dependencies = [("poverty_imports", "0001_initial")]
    operations = [migrations.RunPython(unlogged, migrations.RunPython.noop)]
