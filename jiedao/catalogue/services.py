"""Writes to the catalogue: loading the standard's classes, the local extensions and the default
case rules. Every loader is idempotent and can run on every deploy."""

import csv
from pathlib import Path

from django.db import transaction

from jiedao.territory.models import Organisation

from .models import CaseRule, CatalogueItem, CatalogueKind
from .search_text import search_text_of

DATA_DIR = Path(__file__).resolve().parent / "data"
STANDARD_CSV = DATA_DIR / "gbt47678.5-catalogue.csv"
LOCAL_EXTENSIONS_CSV = DATA_DIR / "local_extensions.csv"
CASE_RULES_CSV = DATA_DIR / "case_rules.csv"

STANDARD_REF = "GB/T 47678.5-2026"
LOCAL_REF = "local"

# The CSV files name the kind in Chinese, as the standard's tables do.
_KIND_BY_LABEL = {"部件": CatalogueKind.COMPONENT, "事项": CatalogueKind.MATTER, "事件": CatalogueKind.EVENT}


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]


def _kind_of(label: str) -> str:
    if label in _KIND_BY_LABEL:
        return _KIND_BY_LABEL[label]
    if label in CatalogueKind.values:
        return label
    raise ValueError(f"unknown catalogue kind {label!r}")


@transaction.atomic
def _catalogue_upsert(*, rows: list[dict[str, str]], standard_ref: str, is_local_extension: bool) -> int:
    existing = {(item.kind, item.code): item for item in CatalogueItem.objects.filter(standard_ref=standard_ref)}
    to_create: list[CatalogueItem] = []
    to_update: list[CatalogueItem] = []
    fields = ("major_code", "major_name", "name", "search_text", "is_local_extension")
    for row in rows:
        values = {
            "major_code": row["major_code"],
            "major_name": row["major_name"],
            "name": row["name"],
            "search_text": search_text_of(row["name"]),
            "is_local_extension": is_local_extension,
        }
        key = (_kind_of(row["kind"]), row["code"])
        item = existing.get(key)
        if item is None:
            to_create.append(CatalogueItem(kind=key[0], code=key[1], standard_ref=standard_ref, **values))
        elif any(getattr(item, field) != values[field] for field in fields):
            # `is_active` is left alone: an administrator may have switched a class off.
            for field in fields:
                setattr(item, field, values[field])
            to_update.append(item)
    CatalogueItem.objects.bulk_create(to_create)
    CatalogueItem.objects.bulk_update(to_update, fields)
    return len(rows)


def catalogue_load_standard(*, path: Path | str | None = None) -> int:
    """Create or update the GB/T 47678.5 components and matters; returns the number of rows read."""
    return _catalogue_upsert(rows=_csv_rows(Path(path or STANDARD_CSV)), standard_ref=STANDARD_REF,
                             is_local_extension=False)


def catalogue_load_local_extensions(*, path: Path | str | None = None) -> int:
    """Create or update the local categories the standard lacks (major class 90 本地扩展)."""
    return _catalogue_upsert(rows=_csv_rows(Path(path or LOCAL_EXTENSIONS_CSV)), standard_ref=LOCAL_REF,
                             is_local_extension=True)


def case_rule_seed_key(*, kind: str, code: str, severity: int, grid_class: str) -> str:
    return f"{kind}:{code}:{severity}:{grid_class or '*'}"


@transaction.atomic
def case_rules_load_default(*, path: Path | str | None = None) -> int:
    """Create the default case rules that do not exist yet; returns how many were created.

    A default row is recognised by its `seed_key`, so a row an administrator edited (or switched
    off) is never overwritten and never duplicated. A deleted row comes back: switch it off instead.
    """
    items = {(item.kind, item.code): item
             for item in CatalogueItem.objects.filter(standard_ref__in=[STANDARD_REF, LOCAL_REF])}
    departments = {organisation.code: organisation for organisation in Organisation.objects.all()}
    seeded = set(CaseRule.objects.exclude(seed_key="").values_list("seed_key", flat=True))
    to_create: list[CaseRule] = []
    for line, row in enumerate(_csv_rows(Path(path or CASE_RULES_CSV)), start=2):
        kind = _kind_of(row["item_kind"])
        item = items.get((kind, row["item_code"]))
        if item is None:
            raise ValueError(f"case rules line {line}: no catalogue item {row['item_kind']} {row['item_code']}; "
                             "load the catalogue first")
        severity = int(row["severity"])
        seed_key = case_rule_seed_key(kind=kind, code=item.code, severity=severity, grid_class=row["grid_class"])
        if seed_key in seeded:
            continue
        seeded.add(seed_key)
        to_create.append(CaseRule(
            item=item, filing_condition=row["filing_condition"], grid_class=row["grid_class"],
            deadline_value=int(row["deadline_value"]), deadline_unit=row["deadline_unit"],
            closing_condition=row["closing_condition"], department=departments.get(row["department_code"]),
            severity=severity, source=row["source"], seed_key=seed_key,
        ))
    CaseRule.objects.bulk_create(to_create)
    return len(to_create)
