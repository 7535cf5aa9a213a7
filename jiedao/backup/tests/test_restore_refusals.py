"""manage.py restore refuses, and changes nothing, when the backup is damaged, incomplete or from a
newer version, or when the database already has tables; the attempt is in the security log."""

import hashlib
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from jiedao.audit.models import EventKind, Outcome, SecurityEvent
from jiedao.cases.models import Case
from jiedao.conftest import report

pytestmark = pytest.mark.django_db




def _backup_by_hand(folder: Path, *, vendor: str, migrations: list) -> Path:
    """A small, well-formed backup folder (checksums right), for the refusals."""
    folder.mkdir()
    (folder / "database.sqlite3").write_bytes(b"not looked at before the checks pass")
    with tarfile.open(folder / "media.tar", "w"):
        pass

    def entry(name: str) -> dict:
        data = (folder / name).read_bytes()
        return {"file": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}

    manifest = {"format": 1, "made_at": "2026-12-01T02:00:00+00:00", "jiedao": "0.1.0",
                "database": {"vendor": vendor, **entry("database.sqlite3")},
                "media": {**entry("media.tar"), "files": 0, "missing": []},
                "migrations": migrations, "tables": {}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def _restore_refused(folder: Path, *extra: str) -> str:
    before = (Case.objects.count(), SecurityEvent.objects.exclude(kind=EventKind.RESTORE).count())
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(folder), *extra)
    assert (Case.objects.count(), SecurityEvent.objects.exclude(kind=EventKind.RESTORE).count()) == before
    return str(refused.value)


def test_a_database_with_tables_is_not_overwritten_and_the_attempt_is_logged(world, tmp_path):
    report(world)
    folder = _backup_by_hand(tmp_path / "b", vendor=connection.vendor, migrations=[])

    message = _restore_refused(folder)

    assert "不是空的" in message and "--replace" in message
    logged = SecurityEvent.objects.get(kind=EventKind.RESTORE)
    assert (logged.outcome, logged.target) == (Outcome.FAILURE, "backup:b")


def test_a_damaged_backup_is_refused(tmp_path):
    folder = _backup_by_hand(tmp_path / "b", vendor=connection.vendor, migrations=[])
    with (folder / "media.tar").open("ab") as archive:
        archive.write(b"\0")

    assert "media.tar 已损坏或缺失" in _restore_refused(folder, "--replace")


def test_a_backup_from_a_newer_version_is_refused(tmp_path):
    folder = _backup_by_hand(tmp_path / "b", vendor=connection.vendor,
                             migrations=[["cases", "0001_initial"], ["cases", "9999_from_the_future"]])

    message = _restore_refused(folder, "--replace")

    assert "cases.9999_from_the_future" in message and "cases.0001_initial" not in message


def test_a_folder_without_a_manifest_is_refused(tmp_path):
    (tmp_path / "b").mkdir()

    assert "manifest.json" in _restore_refused(tmp_path / "b")
