"""`manage.py backup`: the database and the stored files into one new folder (services.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jiedao.backup.services import HEADLINE, BackupError, backup_make, manifest_read, operator_name


class Command(BaseCommand):
    help = "Back up the database and the stored files (photos) into a new folder (ARCHITECTURE.md, Backups)."

    def add_arguments(self, parser):
        parser.add_argument("--into", type=Path, default=None,
                            help="where to put the folder (default: JIEDAO_BACKUP_DIR)")

    def handle(self, *args, into: Path | None, **options):
        try:
            made = backup_make(into=into or Path(settings.JIEDAO_BACKUP_DIR), actor_name=operator_name())
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = manifest_read(made)
        rows = {key: manifest["tables"].get(label, {}).get("rows", 0) for key, label in HEADLINE.items()}
        self.stdout.write(_("备份完成：%(path)s（案件 %(cases)s 件，事件 %(events)s 条，照片 %(photos)s 张，"
                            "文件 %(files)s 个）") % {"path": made, "files": manifest["media"]["files"], **rows})
        for name in manifest["media"]["missing"]:
            self.stderr.write(_("找不到文件，未能备份：%(name)s") % {"name": name})
