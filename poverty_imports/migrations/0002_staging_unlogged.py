from django.db import migrations


class Migration(migrations.Migration):
    # The staging table was transient: it skipped the write-ahead log (faster COPY). Removed in 0003.
    dependencies = [("poverty_imports", "0001_initial")]
    operations = [migrations.RunSQL("ALTER TABLE poverty_imports_stagedrow SET UNLOGGED", migrations.RunSQL.noop)]
