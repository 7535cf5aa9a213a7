"""Boston 311 requests turned into report forms for the intake bench: each Boston type becomes our
catalogue item (the demo's mapping), Boston's source our source, and the point is moved by an
affine map of the sample's bounding box onto the bench's grid area. No Django here."""

import csv
import gzip
from pathlib import Path

from . import common

DEMO_DATA = common.ROOT / "jiedao" / "demo" / "data"
SAMPLE_CSV = DEMO_DATA / "boston-sample.csv.gz"
SHARED_CSV = Path("/work/shared/data/boston-311-2015.csv.gz")
MAPPING_CSV = DEMO_DATA / "type_mapping.csv"
KIND_BY_LABEL = {"部件": "component", "事项": "matter", "事件": "event"}
SOURCE_BY_BOSTON = {
    "Constituent Call": "hotline", "Citizens Connect App": "resident", "Self Service": "resident",
    "Twitter": "resident", "Employee Generated": "patrol", "City Worker App": "patrol",
}


def report_forms(limit: int | None = None) -> list[dict[str, str]]:
    """The sample's requests, in the order Boston opened them, as POST /api/v1/cases form fields."""
    from .world import EAST, NORTH, SOUTH, WEST

    path = SAMPLE_CSV if SAMPLE_CSV.exists() else SHARED_CSV
    with open(MAPPING_CSV, encoding="utf-8", newline="") as handle:
        mapping = {row["boston_type"]: row for row in csv.DictReader(handle)}
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle)
                if row.get("type") in mapping and row.get("latitude") and row.get("longitude")]
    rows.sort(key=lambda row: (row["opened"], row["case_id"]))
    lons = sorted(float(row["longitude"]) for row in rows)
    lats = sorted(float(row["latitude"]) for row in rows)
    # The 1st–99th percentile box, so a few far-off points do not squeeze the rest together.
    lon_low, lon_high = lons[len(lons) // 100], lons[-len(lons) // 100]
    lat_low, lat_high = lats[len(lats) // 100], lats[-len(lats) // 100]
    margin = 1e-6
    forms = []
    for row in rows[:limit]:
        u = min(max((float(row["longitude"]) - lon_low) / (lon_high - lon_low), 0.0), 1.0)
        v = min(max((float(row["latitude"]) - lat_low) / (lat_high - lat_low), 0.0), 1.0)
        item = mapping[row["type"]]
        forms.append({
            "item_code": item["item_code"],
            "item_kind": KIND_BY_LABEL[item["item_kind"]],
            "longitude": f"{WEST + margin + u * (EAST - WEST - 2 * margin):.6f}",
            "latitude": f"{SOUTH + margin + v * (NORTH - SOUTH - 2 * margin):.6f}",
            "description": f"{item['description']}（波士顿 311 #{row['case_id']} 回放）",
            "source": SOURCE_BY_BOSTON.get(row["source"], "video"),
        })
    return forms
