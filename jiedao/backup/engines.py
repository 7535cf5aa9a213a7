"""How each database is copied out and loaded back: PostgreSQL with its own tools (pg_dump's custom
format, taken from a snapshot this connection exports; pg_restore in one transaction), SQLite with
its online backup API (a consistent copy while the site keeps running). The row counts and the
names of the stored files that go into the manifest are read from the very same snapshot, so
every file a row names is in the backup, however busy the site is."""

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import connection, models, transaction
from django.db.backends.postgresql.client import DatabaseClient

DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class EngineError(Exception):
    """A database tool failed; the message is its own (pg_dump's, pg_restore's, SQLite's)."""


@dataclass
class Snapshot:
    tables: dict[str, dict]  # "app.model" → {"table": name, "rows": count}
    files: list[str]  # the stored files the rows name, each once
    migrations: list[list[str]]  # [app, name] as applied, in order


def _models():
    return [model for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy]


def _snapshot_read(cursor, *, existing: set[str]) -> Snapshot:
    quote = connection.ops.quote_name
    tables, files = {}, set()
    for model in _models():
        table = model._meta.db_table
        if table not in existing:  # a model whose migration this database has not had yet
            continue
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        tables[model._meta.label_lower] = {"table": table, "rows": cursor.fetchone()[0]}
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                column = quote(field.column)
                cursor.execute(f"SELECT DISTINCT {column} FROM {quote(table)} "
                               f"WHERE {column} IS NOT NULL AND {column} <> ''")
                files.update(row[0] for row in cursor.fetchall())
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    migrations = [[app, name] for app, name in cursor.fetchall()]
    return Snapshot(tables=tables, files=sorted(files), migrations=migrations)


def _libpq_environment() -> dict[str, str]:
    """The connection's settings for pg_dump and pg_restore, the way `manage.py dbshell` passes
    them (password, SSL and service through libpq's variables, never on the command line)."""
    settings = connection.settings_dict
    _arguments, environment = DatabaseClient.settings_to_cmd_args_env(settings, [])
    environment = {**os.environ, **(environment or {})}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings.get(key):
            environment[variable] = str(settings[key])
    return environment


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, env=_libpq_environment(), capture_output=True, text=True, check=True)
    except FileNotFoundError as error:
        raise EngineError(f"{command[0]}: not installed ({error})") from error
    except subprocess.CalledProcessError as error:
        raise EngineError(f"{command[0]}: {error.stderr.strip()[-2000:]}") from error


def database_copy(target: Path) -> Snapshot:
    """Copy the default database into `target`; what it holds, read from the same snapshot."""
    if connection.vendor == "postgresql":
        return _postgresql_copy(target)
    if connection.vendor == "sqlite":
        return _sqlite_copy(target)
    raise EngineError(f"{connection.vendor}: no backup for this database")


def _postgresql_copy(target: Path) -> Snapshot:
    if connection.in_atomic_block:
        raise EngineError("a backup cannot run inside a transaction")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot_id,) = cursor.fetchone()
        # pg_dump reads the database as this transaction sees it, while the transaction is open.
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}",
              f"--dbname={connection.settings_dict['NAME']}"])
        return _snapshot_read(cursor, existing=set(connection.introspection.table_names(cursor)))


def _sqlite_copy(target: Path) -> Snapshot:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        # One self-contained file: the copy keeps no write-ahead log beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        cursor = copy.cursor()
        existing = {name for (name,) in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return _snapshot_read(cursor, existing=existing)
    except sqlite3.Error as error:
        raise EngineError(f"sqlite: {error}") from error
    finally:
        copy.close()


def database_is_empty() -> bool:
    return not connection.introspection.table_names()


def database_load(source: Path, *, vendor: str, replace: bool) -> None:
    """Load a copy made by `database_copy` into the default database, all or nothing."""
    if vendor != connection.vendor:
        raise EngineError(f"a {vendor} backup cannot be loaded into {connection.vendor}")
    name = connection.settings_dict["NAME"]
    connection.close()
    if vendor == "postgresql":
        # Owners are the restoring role's; grants (the security log's INSERT/SELECT-only role) are
        # kept, so their roles must exist on the server first.
        command = ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", f"--dbname={name}"]
        if replace:
            command += ["--clean", "--if-exists"]
        _run([*command, str(source)])
        return
    copy = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    database = sqlite3.connect(name)
    try:
        copy.backup(database)  # replaces every page of the database, in one step
    except sqlite3.Error as error:
        raise EngineError(f"sqlite: {error}") from error
    finally:
        copy.close()
        database.close()


def rows_counted(tables: dict[str, dict]) -> dict[str, int]:
    """Rows per table named in a manifest, counted in the default database now."""
    quote = connection.ops.quote_name
    counted = {}
    with connection.cursor() as cursor:
        for label, entry in tables.items():
            cursor.execute(f"SELECT COUNT(*) FROM {quote(entry['table'])}")
            counted[label] = cursor.fetchone()[0]
    return counted
