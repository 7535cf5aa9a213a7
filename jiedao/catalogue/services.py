"""Writes to the catalogue: loading the standard's classes, the local extensions and the default
case rules. Every loader is idempotent and can run on every deploy."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from jiedao.territory.models import Organisation
from jiedao.territory.services import grid_classes_seed_default

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


# Defaults an earlier release seeded that the published rows replace (issue 11, standards.md §4.2):
# switched off by `case_rules_load_default` where they still hold the old default values, so that an
# administrator's edit is never undone. Nothing is deleted: the cases filed under them keep their
# rule and their category (Case.rule and Case.item are PROTECT), so their history and figures stand.
RETIRED_CASE_RULES = {
    # 积存垃圾渣土 per grid class (一类 2 工作日, 二类 4 工作日) → the published two conditions,
    # 建筑垃圾 4 工作时 and 渣土 2 工作日, for every class (济源's 4 工作日 stays for 二类).
    "matter:06011:1:1": ("建筑垃圾、渣土或生活垃圾积存", Decimal(2), "working_days"),
    "matter:06011:1:2": ("建筑垃圾、渣土或生活垃圾积存", Decimal(4), "working_days"),
    # 绿地养护 on the local extension 90008 绿化缺株 → the standard's 04013 绿地异常 and 04011 树池树穴异常.
    "matter:90008:1:*": ("绿地植物死亡、缺株或树穴塌陷", Decimal(5), "working_days"),
}
# Local extensions the standard's own codes replace (code → the codes to use instead): switched off
# for new reports, kept for the cases that already carry them.
RETIRED_LOCAL_EXTENSIONS = {"90008": ("04013", "04011")}


def case_rule_seed_key(*, kind: str, code: str, severity: int, grid_class: str) -> str:
    """`grid_class` is the class code of the "一类/二类" scheme the default rows name ("" = all classes)."""
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
    # The default rows name the classes of the default scheme by code; an office on another scheme
    # re-points or copies them in the admin.
    classes = grid_classes_seed_default()
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
            item=item, filing_condition=row["filing_condition"],
            grid_class=classes[row["grid_class"]] if row["grid_class"] else None,
            deadline_value=Decimal(row["deadline_value"]), deadline_unit=row["deadline_unit"],
            closing_condition=row["closing_condition"], department=departments.get(row["department_code"]),
            severity=severity, source=row["source"], seed_key=seed_key,
        ))
    CaseRule.objects.bulk_create(to_create)
    case_rules_retire_replaced()
    return len(to_create)


def case_rules_retire_replaced() -> int:
    """Switch off the retired defaults (RETIRED_CASE_RULES, RETIRED_LOCAL_EXTENSIONS) that nobody has
    edited; returns how many rows were switched off. Idempotent."""
    switched_off = 0
    for rule in CaseRule.objects.filter(seed_key__in=RETIRED_CASE_RULES, is_active=True):
        if (rule.filing_condition, rule.deadline_value, rule.deadline_unit) == RETIRED_CASE_RULES[rule.seed_key]:
            rule.is_active = False
            rule.save(update_fields=["is_active"])
            switched_off += 1
    switched_off += CatalogueItem.objects.filter(standard_ref=LOCAL_REF, code__in=RETIRED_LOCAL_EXTENSIONS,
                                                 is_active=True).update(is_active=False)
    return switched_off
