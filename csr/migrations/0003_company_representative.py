"""A company representative's scope moves from accounts.RoleAssignment.company to CompanyRepresentative.

So accounts (below csr) no longer names a csr model, and its migrations no longer depend on csr's
(accounts.0001_initial was edited to drop the field). A database migrated before that edit still has
the column ``accounts_roleassignment.company_id``: its rows become CompanyRepresentative rows (user,
company, active, created), the role assignments that held them are deleted, and the column goes, with
its foreign key and the partial unique indexes that named it; ``role_unique_global`` is then made again
on the region alone, as the edited 0001 makes it. A fresh database never had the column: only the table
is created. One way: unapplying drops the new table, and with it the representatives.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVE_COMPANY_SCOPES = """
DO $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'accounts_roleassignment' AND column_name = 'company_id'
    ) THEN
        INSERT INTO csr_companyrepresentative (user_id, company_id, active, created_at)
        SELECT DISTINCT ON (user_id, company_id) user_id, company_id, active, created_at
        FROM accounts_roleassignment
        WHERE company_id IS NOT NULL
        ORDER BY user_id, company_id, active DESC, created_at;
        DELETE FROM accounts_roleassignment WHERE company_id IS NOT NULL;
        ALTER TABLE accounts_roleassignment DROP COLUMN company_id;
    END IF;
    CREATE UNIQUE INDEX IF NOT EXISTS role_unique_global ON accounts_roleassignment (user_id, role)
    WHERE region_id IS NULL;
END
$$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('csr', '0002_programmes_proposals_matching'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CompanyRepresentative',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='representatives', to='csr.company', verbose_name='company')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='company_representations', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'company representative',
                'verbose_name_plural': 'company representatives',
                'ordering': ['company_id', 'user_id'],
                'indexes': [models.Index(fields=['user', 'active'], name='company_rep_user_active_idx')],
                'constraints': [models.UniqueConstraint(fields=('user', 'company'), name='company_rep_unique')],
            },
        ),
        migrations.RunSQL(MOVE_COMPANY_SCOPES, reverse_sql=migrations.RunSQL.noop),
    ]
