"""数据备份与恢复: one backup is one folder, `jiedao-YYYYMMDD-HHMMSS/`, holding

- `database.pgdump` (PostgreSQL, pg_dump's custom format) or `database.sqlite3` (SQLite's online
  backup): every table, the security log's triggers and functions included;
- `media.tar`: every stored file a row names (the case photos and their thumbnails), read
  through the storage, so local files and S3 alike;
- `manifest.json`, written last: when, which database, the rows of every table, the files, the
  migrations applied, and the SHA-256 of both files.

The folder is written as `….partial` and renamed when complete, and readable by its owner only.
A restore checks the checksums and the migrations first, refuses a database that has tables (or a
file store holding different files under the same names) unless told to replace them, loads the
files, then the database in one transaction, and counts every table against the manifest. Both
are written to the security log. Copies elsewhere, encryption of those copies and how long to
keep them are the deployment's (ARCHITECTURE.md, "Backups")."""

import getpass
import hashlib
import json
import os
import shutil
import socket
import tarfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from jiedao import clock
from jiedao.audit.models import EventKind, Outcome, SecurityEvent
from jiedao.audit.services import security_event_record

from . import engines

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media.tar"
CHUNK = 1024 * 1024
# What the security log and the command's summary name: the loop's own records.
HEADLINE = {"cases": "cases.case", "events": "cases.caseevent", "photos": "cases.casephoto"}


class BackupError(Exception):
    """Refused or failed; the message says why, in the operator's language."""


@dataclass
class Restored:
    manifest: dict
    counted: dict[str, int]
    pending_migrations: int


def operator_name() -> str:
    """Who ran the command, for the security log: the system account and the machine."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    return f"{user}@{socket.gethostname()}"[:150]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _file_entry(path: Path) -> dict:
    return {"file": path.name, "bytes": path.stat().st_size, "sha256": _sha256(path)}


def _headline(tables: dict) -> dict[str, int]:
    return {key: tables.get(label, {}).get("rows", 0) for key, label in HEADLINE.items()}


def _media_archive(names: list[str], target: Path) -> tuple[int, list[str]]:
    """The named files of the storage into one tar; the names it could not find."""
    written, missing = 0, []
    with tarfile.open(target, "w") as archive:
        for name in names:
            if not default_storage.exists(name):
                missing.append(name)
                continue
            try:
                size = default_storage.size(name)
                stream = default_storage.open(name, "rb")
            except (FileNotFoundError, OSError):
                missing.append(name)
                continue
            with stream:
                member = tarfile.TarInfo(name)
                member.size, member.mode = size, 0o600
                member.mtime = int(clock.now().timestamp())
                archive.addfile(member, stream)
            written += 1
    return written, missing


def backup_make(*, into: Path, actor_name: str) -> Path:
    """Back up the database and the stored files into a new folder under `into`; its path."""
    name = f"jiedao-{timezone.localtime(clock.now()):%Y%m%d-%H%M%S}"
    final, partial = into / name, into / f"{name}.partial"
    try:
        if final.exists() or partial.exists():
            raise BackupError(_("备份 %(name)s 已存在，请稍后再试") % {"name": name})
        into.mkdir(parents=True, exist_ok=True)
        partial.mkdir(mode=0o700)
        database_file = partial / engines.DATABASE_FILES.get(connection.vendor, "database")
        snapshot = engines.database_copy(database_file)
        media_file = partial / MEDIA
        stored, missing = _media_archive(snapshot.files, media_file)
        manifest = {
            "format": FORMAT,
            "made_at": clock.now().isoformat(),
            "jiedao": metadata.version("jiedao"),
            "database": {"vendor": connection.vendor, **_file_entry(database_file)},
            "media": {**_file_entry(media_file), "files": stored, "missing": missing},
            "migrations": snapshot.migrations,
            "tables": snapshot.tables,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        for path in partial.iterdir():
            path.chmod(0o600)  # personal data: the backup's owner reads it, nobody else
        partial.rename(final)
    except (BackupError, engines.EngineError, OSError, DatabaseError) as error:
        shutil.rmtree(partial, ignore_errors=True)
        _record_failure(EventKind.BACKUP, actor_name=actor_name, target=f"backup:{name}", error=error)
        if isinstance(error, BackupError):
            raise
        raise BackupError(_("备份失败：%(error)s") % {"error": error}) from error
    security_event_record(kind=EventKind.BACKUP, actor_name=actor_name, target=f"backup:{name}",
                          target_label=str(final),
                          detail={**_headline(snapshot.tables), "files": stored, "missing_files": len(missing),
                                  "database_bytes": manifest["database"]["bytes"],
                                  "media_bytes": manifest["media"]["bytes"]})
    return final


def _record_failure(kind: EventKind, *, actor_name: str, target: str, error: Exception) -> None:
    """Into the security log, when the database has one (a failed restore's may not)."""
    try:
        if SecurityEvent._meta.db_table not in connection.introspection.table_names():
            return
        security_event_record(kind=kind, outcome=Outcome.FAILURE, actor_name=actor_name, target=target,
                              detail={"error": str(error)[:500]})
    except DatabaseError:
        pass


def manifest_read(source: Path) -> dict:
    """The backup's manifest, once both files are checked against it."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(_("%(path)s 不是完整的备份（没有可读的 manifest.json）") % {"path": source}) from error
    if manifest.get("format") != FORMAT:
        raise BackupError(_("备份格式 %(format)s 不受支持") % {"format": manifest.get("format")})
    for entry in (manifest["database"], manifest["media"]):
        path = source / entry["file"]
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise BackupError(_("%(file)s 已损坏或缺失（校验和不符）") % {"file": entry["file"]})
    return manifest


def _migrations_unknown(manifest: dict) -> list[str]:
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    return [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known]


def _media_members(source: Path):
    with tarfile.open(source / MEDIA) as archive:
        for member in archive:
            if member.isfile():
                yield member, archive.extractfile(member)


def _stream_sha256(stream) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _stored_differently(name: str, stream) -> bool:
    """True when the storage holds another file under this name (the same bytes are no conflict)."""
    if not default_storage.exists(name):
        return False
    with default_storage.open(name, "rb") as stored:
        return _stream_sha256(stored) != _stream_sha256(stream)


def _media_restore(source: Path, *, replace: bool) -> int:
    conflicts = [member.name for member, stream in _media_members(source) if _stored_differently(member.name, stream)]
    if conflicts and not replace:
        raise BackupError(_("文件存储中已有 %(count)s 个同名而内容不同的文件（如 %(name)s）；确认覆盖请加 --replace")
                          % {"count": len(conflicts), "name": conflicts[0]})
    written = 0
    for member, stream in _media_members(source):
        if default_storage.exists(member.name):
            if member.name not in conflicts:
                continue  # already there, the same bytes
            default_storage.delete(member.name)
        saved = default_storage.save(member.name, File(stream, name=member.name))
        if saved != member.name:
            raise BackupError(_("文件 %(name)s 被存为 %(saved)s") % {"name": member.name, "saved": saved})
        written += 1
    return written


def backup_restore(*, source: Path, replace: bool, actor_name: str, backups: Path) -> Restored:
    """Restore a backup folder into the configured database and file storage. Replacing a
    database that has data first backs that data up into `backups` (its security log included),
    and refuses if it cannot: a restore never destroys what it cannot give back."""
    target = f"backup:{source.name}"
    replaced_by = ""
    try:
        manifest = manifest_read(source)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(_("这是 %(backup)s 数据库的备份，不能恢复到 %(here)s 数据库")
                              % {"backup": vendor, "here": connection.vendor})
        if unknown := _migrations_unknown(manifest):
            raise BackupError(_("备份来自更新的版本（本程序不认识迁移 %(names)s），请先升级程序")
                              % {"names": ", ".join(unknown[:5])})
        if not engines.database_is_empty():
            if not replace:
                raise BackupError(_("数据库 %(name)s 不是空的；请恢复到新建的空数据库，确认覆盖请加 --replace")
                                  % {"name": connection.settings_dict["NAME"]})
            replaced_by = backup_make(into=backups, actor_name=actor_name).name
        _media_restore(source, replace=replace)
        engines.database_load(source / manifest["database"]["file"], vendor=vendor, replace=replace)
        counted = engines.rows_counted(manifest["tables"])
        expected = {label: entry["rows"] for label, entry in manifest["tables"].items()}
        if counted != expected:
            differing = sorted(label for label in expected if counted.get(label) != expected[label])
            raise BackupError(_("恢复后的行数与备份不符：%(tables)s") % {"tables": ", ".join(differing)})
    except (BackupError, engines.EngineError, OSError, DatabaseError, tarfile.TarError) as error:
        _record_failure(EventKind.RESTORE, actor_name=actor_name, target=target, error=error)
        if isinstance(error, BackupError):
            raise
        raise BackupError(_("恢复失败：%(error)s") % {"error": error}) from error
    executor = MigrationExecutor(connection)
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    security_event_record(kind=EventKind.RESTORE, actor_name=actor_name, target=target, target_label=str(source),
                          detail={**_headline(manifest["tables"]), "files": manifest["media"]["files"],
                                  "made_at": manifest["made_at"], "replaced_data_saved_as": replaced_by})
    return Restored(manifest=manifest, counted=counted, pending_migrations=pending)
