from django.core.management.base import BaseCommand, CommandError

from jiedao.territory.services import ImportRejected, people_import_xlsx


class Command(BaseCommand):
    help = "Create or update people and their duties from an .xlsx sheet; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to an .xlsx file")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as handle:
                result = people_import_xlsx(file=handle)
        except OSError as error:
            raise CommandError(str(error)) from error
        except ImportRejected as rejected:
            for error in rejected.errors:
                where = "" if error.row is None else f"row {error.row} "
                self.stderr.write(f"{where}{error.field}: {error.message}")
            raise CommandError(f"{len(rejected.errors)} error(s); nothing was imported") from None
        self.stdout.write(self.style.SUCCESS(
            f"people created: {result.created}; updated: {result.updated}; "
            f"duties created: {result.extra.get('duties_created', 0)}"
        ))
