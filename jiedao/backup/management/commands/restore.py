"""`manage.py restore FOLDER`: a backup back into the configured (empty) database and file storage."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jiedao.backup.services import HEADLINE, BackupError, backup_restore, operator_name


class Command(BaseCommand):
    help = "Restore a backup folder into the configured, empty database and file storage."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="a folder made by manage.py backup")
        parser.add_argument("--replace", action="store_true",
                            help="restore into a database that has data too: that data is backed up first, then replaced")

    def handle(self, *args, source: Path, replace: bool, **options):
        try:
            restored = backup_restore(source=source, replace=replace, actor_name=operator_name(),
                                      backups=Path(settings.JIEDAO_BACKUP_DIR))
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = {key: restored.counted.get(label, 0) for key, label in HEADLINE.items()}
        self.stdout.write(_("恢复完成：%(path)s（案件 %(cases)s 件，事件 %(events)s 条，照片 %(photos)s 张，"
                            "文件 %(files)s 个；各表行数与备份一致）")
                          % {"path": source, "files": restored.manifest["media"]["files"], **rows})
        if restored.pending_migrations:
            self.stdout.write(_("本程序比备份新：请接着运行 manage.py migrate（%(count)s 个迁移）")
                              % {"count": restored.pending_migrations})
