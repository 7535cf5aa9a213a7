"""manage.py backup and restore, the way an office would use them: the demo backed up, then
restored by a separate process into an empty database (an SQLite file, or a new PostgreSQL database
when the suite runs on PostgreSQL) and an empty file store; every case, event and photo is there
again, byte for byte, and so is the security log with its guard.

The round trip runs once per module (seeding the demo takes seconds); the database it seeded is
emptied afterwards, as after any transactional test."""

import io
import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from jiedao.assets.models import MaintenancePhoto
from jiedao.audit.models import EventKind, Outcome, SecurityEvent
from jiedao.audit.services import security_event_record
from jiedao.benchmarks.models import EvidenceFile
from jiedao.campaigns.models import EvidencePhoto
from jiedao.cases.models import Case, CaseEvent, CasePhoto
from jiedao.projects.models import ProgressPhoto

LIMIT = 40
# Every test here in pytest-django's first group (with a database), so the module's round trip is
# made, and its database emptied, before the browser tests: a test database opened after those
# on PostgreSQL keeps a second session, and the suite's teardown can then not drop it.
pytestmark = pytest.mark.django_db


@dataclass
class RoundTrip:
    backup: Path
    source_media: Path
    restored_media: Path
    restored_url: str
    source: dict  # what the seeded database held, read before the backup
    backup_events: list  # the security log of the source after the backup
    restore_output: str


def _query(url: str, sql: str) -> list[tuple]:
    """Rows from the restored database, through its own driver (not this suite's connection)."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as database:
            return database.execute(sql).fetchall()
    with psycopg.connect(url) as database:
        return database.execute(sql).fetchall()


def _facts() -> dict:
    from jiedao.demo.replay import CLIENT_KEY_PREFIX
    from jiedao.inspections.models import InspectionPhoto

    photos = CasePhoto.objects.order_by("pk")
    return {
        "cases": list(Case.objects.order_by("pk").values_list("pk", "number", "state")),
        "replayed": Case.objects.filter(client_key__startswith=CLIENT_KEY_PREFIX).count(),
        # the demo's inspections: their photos are files of the backup too
        "inspection_photos": list(InspectionPhoto.objects.order_by("pk").values_list("pk", "image", "thumbnail")),
        "events": list(CaseEvent.objects.order_by("pk").values_list("pk", "case_id", "action")),
        "photos": list(photos.values_list("pk", "image", "thumbnail")),
        # the demo's evidence for its benchmark criteria (对标创建): documents, and photos with thumbnails
        "evidence": sorted(name for pair in EvidenceFile.objects.values_list("file", "thumbnail") for name in pair
                           if name),
        # the demo campaign's evidence photos (专项行动), each with a thumbnail
        "campaign_photos": list(EvidencePhoto.objects.order_by("pk").values_list("pk", "image", "thumbnail")),
        # the demo's maintenance photos of assets (部件养护巡检), each with a thumbnail
        "maintenance_photos": list(MaintenancePhoto.objects.order_by("pk").values_list("pk", "image", "thumbnail")),
        # the demo's progress photos of projects (项目库), each with a thumbnail
        "progress_photos": list(ProgressPhoto.objects.order_by("pk").values_list("pk", "image", "thumbnail")),
        "security": list(SecurityEvent.objects.order_by("pk").values_list("pk", "kind", "actor_name")),
    }


def _empty_database(tmp_path: Path, suffix: str = "restored") -> tuple[str, callable]:
    """A new empty database beside the suite's own, and how to drop it."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / f'{suffix}.sqlite3'}", lambda: None

    name = f"{settings['NAME']}_{suffix}"
    server = (f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:{settings['PORT']}")

    def run(sql: str) -> None:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}"')
    run(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}", lambda: run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(*arguments: str, url: str, var: Path, media: Path) -> subprocess.CompletedProcess:
    """manage.py in a process of its own, configured the way a deployment is: by its environment."""
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="jiedao.settings", DATABASE_URL=url, JIEDAO_VAR_DIR=str(var),
               MEDIA_ROOT=str(media), JIEDAO_BACKUP_DIR=str(var / "backups"), LANGUAGE_CODE="zh-hans")
    return subprocess.run([sys.executable, "manage.py", *arguments], env=env, capture_output=True, text=True,
                          timeout=600, check=False, cwd=Path(__file__).resolve().parents[3])


@pytest.fixture(scope="module")
def round_trip(django_db_setup, django_db_blocker, tmp_path_factory):
    from jiedao.audit.guard import guard_lifted

    tmp_path = tmp_path_factory.mktemp("backup")
    source_media, restored_media = tmp_path / "media", tmp_path / "restored-media"
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=source_media):
        url, drop = _empty_database(tmp_path)
        try:
            call_command("seed_demo", limit=LIMIT, verbosity=0)
            security_event_record(kind=EventKind.SIGN_IN, actor_name="leader", target="accounts.user:1")
            source = _facts()
            call_command("backup", into=tmp_path / "backups", verbosity=0, stdout=io.StringIO())
            backup_events = list(SecurityEvent.objects.filter(kind=EventKind.BACKUP)
                                 .values_list("outcome", "target", "detail"))
            (backup,) = (tmp_path / "backups").iterdir()
            restored = _manage("restore", str(backup), url=url, var=tmp_path / "var", media=restored_media)
            assert restored.returncode == 0, restored.stderr[-3000:]
            yield RoundTrip(backup=backup, source_media=source_media, restored_media=restored_media,
                            restored_url=url, source=source, backup_events=backup_events,
                            restore_output=restored.stdout)
        finally:
            drop()
            with guard_lifted(connection):
                call_command("flush", interactive=False, verbosity=0)


def test_every_case_event_and_photo_of_the_demo_is_in_the_restored_database(round_trip):
    url, source = round_trip.restored_url, round_trip.source

    assert source["replayed"] == LIMIT  # the demo's own count (seed_demo's tests check it); its inspections add more
    assert _query(url, "SELECT id, number, state FROM cases_case ORDER BY id") == source["cases"]
    assert _query(url, "SELECT id, case_id, action FROM cases_caseevent ORDER BY id") == source["events"]
    assert _query(url, "SELECT id, image, thumbnail FROM cases_casephoto ORDER BY id") == source["photos"]
    assert len(source["photos"]) > 0


def test_every_photo_and_thumbnail_file_is_restored_byte_for_byte(round_trip):
    rows = round_trip.source["photos"] + round_trip.source["inspection_photos"]
    names = [name for _pk, image, thumbnail in rows for name in (image, thumbnail)]

    assert len(names) == 2 * len(rows)
    assert round_trip.source["evidence"]
    names += round_trip.source["evidence"]
    for name in names:
        assert (round_trip.restored_media / name).read_bytes() == (round_trip.source_media / name).read_bytes()


def test_every_table_has_as_many_rows_as_the_manifest_says(round_trip):
    manifest = json.loads((round_trip.backup / "manifest.json").read_text())

    for label, entry in manifest["tables"].items():
        written_since = 1 if label == "audit.securityevent" else 0  # the restore's own record
        assert _query(round_trip.restored_url, f'SELECT COUNT(*) FROM "{entry["table"]}"') == [
            (entry["rows"] + written_since,)]
    assert manifest["tables"]["cases.case"]["rows"] == len(round_trip.source["cases"])
    photo_rows = len(round_trip.source["photos"]) + len(round_trip.source["inspection_photos"])
    assert manifest["media"]["files"] == (2 * photo_rows + len(round_trip.source["evidence"])
                                          + 2 * len(round_trip.source["campaign_photos"])
                                          + 2 * len(round_trip.source["maintenance_photos"])
                                          + 2 * len(round_trip.source["progress_photos"]))
    assert manifest["media"]["missing"] == []


def test_the_backup_is_readable_by_its_owner_only(round_trip):
    assert round_trip.backup.stat().st_mode & 0o777 == 0o700
    assert {path.name: path.stat().st_mode & 0o777 for path in round_trip.backup.iterdir()} == {
        "manifest.json": 0o600, "media.tar": 0o600,
        "database.pgdump" if round_trip.restored_url.startswith("postgres") else "database.sqlite3": 0o600,
    }


def test_the_security_log_comes_back_with_its_guard_and_both_acts_are_in_it(round_trip):
    url = round_trip.restored_url
    restored = _query(url, "SELECT kind, outcome, actor_name, target FROM audit_securityevent ORDER BY id")

    assert [row[:3] for row in restored[:-1]] == [(kind, "success", actor) for _pk, kind, actor
                                                  in round_trip.source["security"]]
    assert restored[-1][:2] == (EventKind.RESTORE, Outcome.SUCCESS)
    assert restored[-1][3] == f"backup:{round_trip.backup.name}"
    ((outcome, target, detail),) = round_trip.backup_events
    assert (outcome, target) == (Outcome.SUCCESS, f"backup:{round_trip.backup.name}")
    assert (detail["cases"], detail["photos"]) == (len(round_trip.source["cases"]), len(round_trip.source["photos"]))
    with pytest.raises((sqlite3.Error, psycopg.Error), match="append-only"):
        _query(url, "UPDATE audit_securityevent SET actor_name = 'someone else'")


def test_the_restore_says_what_it_found(round_trip):
    cases, events, photos = (len(round_trip.source[key]) for key in ("cases", "events", "photos"))

    assert f"案件 {cases} 件，事件 {events} 条，照片 {photos} 张" in round_trip.restore_output


def test_replacing_a_database_that_has_data_backs_that_data_up_first(round_trip, tmp_path):
    url, drop = _empty_database(tmp_path, "replaced")
    place = dict(url=url, var=tmp_path / "var", media=tmp_path / "media")
    try:
        assert _manage("restore", str(round_trip.backup), **place).returncode == 0
        refused = _manage("restore", str(round_trip.backup), **place)
        assert refused.returncode == 1 and "不是空的" in refused.stderr

        replaced = _manage("restore", str(round_trip.backup), "--replace", **place)

        assert replaced.returncode == 0, replaced.stderr[-3000:]
        (saved,) = (tmp_path / "var" / "backups").iterdir()
        saved_log = json.loads((saved / "manifest.json").read_text())["tables"]["audit.securityevent"]["rows"]
        assert saved_log == len(round_trip.source["security"]) + 2  # the first restore, the refusal
        log = _query(url, "SELECT kind, outcome, detail FROM audit_securityevent ORDER BY id")
        assert len(log) == len(round_trip.source["security"]) + 1
        kind, outcome, detail = log[-1]
        detail = json.loads(detail) if isinstance(detail, str) else detail
        assert (kind, outcome, detail["replaced_data_saved_as"]) == (EventKind.RESTORE, Outcome.SUCCESS, saved.name)
    finally:
        drop()
