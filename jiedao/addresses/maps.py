"""What every map of the site draws under its own layers: the office's tile service if one is
configured (`JIEDAO_TILE_URL`, several templates separated by spaces: a base and its labels), and
always, with no tile server at all, the roads of the address register with their names and each
grid's name at its centre."""

from django.conf import settings

from .selectors import grid_labels, roads_geojson


def tile_settings() -> dict:
    return {"tileUrl": settings.JIEDAO_TILE_URL, "tileSubdomains": settings.JIEDAO_TILE_SUBDOMAINS,
            "attribution": settings.JIEDAO_TILE_ATTRIBUTION}


def map_reference(**extra) -> dict:
    """The map data every Leaflet map reads (static/js/map.js `baseMap`), plus the caller's own."""
    return {**tile_settings(), "roads": roads_geojson(), "gridLabels": grid_labels(), **extra}
