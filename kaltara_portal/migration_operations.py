"""Migration operations that build indexes without locking writes, on any database.

``AddIndexConcurrently`` / ``RemoveIndexConcurrently`` (django.contrib.postgres) build or drop an
index with ``CONCURRENTLY``: reads and writes go on during the build, which on the family tables
takes minutes. They exist only on PostgreSQL; the zero-setup SQLite default gets the plain
operation. Use them in a migration with ``atomic = False`` (docs/deployment.md, "Migrations
without downtime"; tests/portal/test_migrations.py holds the big tables to it).
"""

from __future__ import annotations

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db.migrations.operations import AddIndex, RemoveIndex


class _ConcurrentOnPostgres:
    """The concurrent operation on PostgreSQL, the ``plain`` one on any other database."""

    plain: type

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return self.plain.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return self.plain.database_backwards(self, app_label, schema_editor, from_state, to_state)


class AddIndexWithoutLocking(_ConcurrentOnPostgres, AddIndexConcurrently):
    plain = AddIndex


class RemoveIndexWithoutLocking(_ConcurrentOnPostgres, RemoveIndexConcurrently):
    plain = RemoveIndex
