"""Build boston-sample.csv.gz, the compact slice of real Boston 311 data the demo replays.

Run once by hand when the sample should change (the demo itself never reads the full file):

    .venv/bin/python jiedao/demo/data/build_sample.py [path/to/boston-311-2015.csv.gz]

Source: City of Boston "311 Service Requests", calendar year 2015, as republished in
johnsliao/bostonservicemap; licence: Open Data Commons Public Domain Dedication and License (PDDL).
See ../README.md.

What it keeps: requests of the types in type_mapping.csv, opened in the last 70 days of 2015 (the
demo shows 60 of them; the extra days let the weekday-preserving time shift choose its window),
with a real location (not the placeholder 42.3594, -71.0587) that lands inside the demo
sub-district after the affine transform, and that did not close before opening. Of those, a
random 4,000 (fixed seed), sorted by opening time, with only the columns the demo uses.
"""

import csv
import gzip
import random
import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the repository root, for jiedao.demo.geography

from shapely import prepared  # noqa: E402
from shapely.geometry import Point  # noqa: E402

from jiedao.demo.geography import boston_to_local, outline  # noqa: E402

DEFAULT_SOURCE = HERE.parents[3] / "shared" / "data" / "boston-311-2015.csv.gz"
TARGET = HERE / "boston-sample.csv.gz"
MAPPING = HERE / "type_mapping.csv"
SAMPLE_SIZE = 4000
FIRST_DAY = datetime(2015, 10, 23)  # noqa: DTZ001 (Boston local wall time, kept naive on purpose)
PLACEHOLDER = ("42.3594", "-71.0587")
BOSTON_FORMAT = "%m/%d/%Y %I:%M:%S %p"
COLUMNS = ["case_id", "opened", "target", "closed", "on_time", "status", "closure", "type", "source",
           "latitude", "longitude"]


def _parse(text: str) -> datetime | None:
    return datetime.strptime(text, BOSTON_FORMAT) if text else None  # noqa: DTZ007 (Boston local time)


def _closure(reason: str, status: str) -> str:
    """Boston's closure reason, reduced to what the replay needs."""
    if status != "Closed":
        return "open"
    for marker, code in (("Duplicate", "duplicate"), ("Invalid", "invalid"), ("Case Noted", "noted"),
                         ("Referred", "referred")):
        if marker in reason:
            return code
    return "resolved"


def main(source: Path) -> None:
    with open(MAPPING, encoding="utf-8", newline="") as handle:
        types = {row["boston_type"] for row in csv.DictReader(handle)}
    shape = prepared.prep(outline())
    kept = []
    with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["TYPE"] not in types or (row["LATITUDE"], row["LONGITUDE"]) == PLACEHOLDER:
                continue
            if not row["LATITUDE"] or not row["LONGITUDE"]:
                continue
            opened, target, closed = _parse(row["OPEN_DT"]), _parse(row["TARGET_DT"]), _parse(row["CLOSED_DT"])
            if opened < FIRST_DAY or (closed is not None and closed < opened):
                continue
            if not shape.contains(Point(boston_to_local(float(row["LONGITUDE"]), float(row["LATITUDE"])))):
                continue
            kept.append({
                "case_id": row["CASE_ENQUIRY_ID"],
                "opened": opened.isoformat(sep=" "),
                "target": target.isoformat(sep=" ") if target else "",
                "closed": closed.isoformat(sep=" ") if closed else "",
                "on_time": row["OnTime_Status"],
                "status": row["CASE_STATUS"],
                "closure": _closure(row["CLOSURE_REASON"], row["CASE_STATUS"]),
                "type": row["TYPE"],
                "source": row["Source"],
                "latitude": row["LATITUDE"],
                "longitude": row["LONGITUDE"],
            })
    sample = random.Random(2015).sample(kept, min(SAMPLE_SIZE, len(kept)))
    sample.sort(key=lambda row: (row["opened"], row["case_id"]))
    # mtime=0 keeps the file byte-identical when rebuilt from the same input.
    with open(TARGET, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as zipped:
        text = _csv_text(sample)
        zipped.write(text.encode("utf-8"))
    print(f"{len(kept)} eligible rows, {len(sample)} written to {TARGET.name} ({TARGET.stat().st_size} bytes)")  # noqa: T201


def _csv_text(rows: list[dict]) -> str:
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
