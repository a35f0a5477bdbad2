"""Migrations on the largest tables do not lock writes while they run (docs/deployment.md)."""

from __future__ import annotations

import pytest
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AddIndex, RemoveIndex

BIG_TABLES = {("poverty_data", "family"), ("poverty_data", "member"), ("poverty_data", "submissionchange")}


def index_operations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        for operation in migration.operations:
            if isinstance(operation, AddIndex | RemoveIndex):
                yield app, name, migration, operation


def test_indexes_on_the_family_member_and_change_tables_are_built_without_locking_writes():
    plain = [
        f"{app}.{name}: {type(op).__name__} on {op.model_name}"
        for app, name, _migration, op in index_operations()
        if (app, op.model_name.lower()) in BIG_TABLES
        and not isinstance(op, AddIndexConcurrently | RemoveIndexConcurrently)
        and name != "0001_initial"  # an empty table: nothing to lock
    ]
    assert plain == []


def test_a_migration_that_builds_indexes_concurrently_runs_outside_a_transaction():
    inside = [
        f"{app}.{name}"
        for app, name, migration, op in index_operations()
        if isinstance(op, AddIndexConcurrently | RemoveIndexConcurrently) and migration.atomic
    ]
    assert inside == []


@pytest.mark.django_db(transaction=True)  # sqlmigrate outside a transaction, as migrate runs it
def test_postgresql_builds_the_family_list_index_concurrently(capsys):
    call_command("sqlmigrate", "poverty_data", "0003")
    sql = capsys.readouterr().out
    assert "CREATE INDEX CONCURRENTLY" in sql and "DROP INDEX CONCURRENTLY" in sql
