from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiedao.territory.services import ImportRejected, units_import_geojson


class Command(BaseCommand):
    help = "Create or update units (with WGS-84 boundaries) from a GeoJSON FeatureCollection; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a .geojson file")

    def handle(self, *args, file, **options):
        try:
            result = units_import_geojson(data=Path(file).read_bytes())
        except OSError as error:
            raise CommandError(str(error)) from error
        except ImportRejected as rejected:
            for error in rejected.errors:
                where = "" if error.row is None else f"features[{error.row}] "
                self.stderr.write(f"{where}{error.field}: {error.message}")
            raise CommandError(f"{len(rejected.errors)} error(s); nothing was imported") from None
        self.stdout.write(self.style.SUCCESS(f"created: {result.created}; updated: {result.updated}"))
