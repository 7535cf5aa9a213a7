"""What a plan (or a contract) covers, resolved through the registry, in bulk: one query for every
plan's explicit items and one per register for the subjects themselves, however many plans."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from jiedao.territory.models import Unit

from .registry import UnknownFilter, subject_kind


@dataclass(frozen=True)
class Subject:
    """A resolved subject: its id in its register, its label and its unit (None: the register does
    not place it in one unit, e.g. a street crossing grids)."""

    id: int
    label: str
    unit_id: int | None
    unit_path: str | None


def _subjects_of(kind, objects) -> list[Subject]:
    """unit_of may give a Unit, a unit's id or None; the ids are read in one query."""
    pairs = [(obj, kind.unit(obj)) for obj in objects]
    wanted = {unit for _obj, unit in pairs if unit is not None and not isinstance(unit, Unit)}
    paths = dict(Unit.objects.filter(pk__in=wanted).values_list("pk", "path")) if wanted else {}
    subjects = []
    for obj, unit in pairs:
        unit_id = unit.pk if isinstance(unit, Unit) else unit
        unit_path = unit.path if isinstance(unit, Unit) else paths.get(unit)
        subjects.append(Subject(id=obj.pk, label=str(obj), unit_id=unit_id, unit_path=unit_path))
    return subjects


def subjects_of_target_sets(target_sets: Iterable) -> dict[int, list[Subject]]:
    """For plans or contracts (anything with pk, subject_kind, target_filter and `targets`): their
    subjects by pk. An unknown key or a filter its register does not offer covers nothing."""
    target_sets = list(target_sets)
    if not target_sets:
        return {}
    target_model = target_sets[0].targets.model
    owner_field = "plan_id" if hasattr(target_model, "plan_id") else "contract_id"
    explicit: dict[int, list[int]] = defaultdict(list)
    for owner_id, object_id in target_model.objects.filter(
            **{f"{owner_field}__in": [item.pk for item in target_sets]}).values_list(owner_field, "object_id"):
        explicit[owner_id].append(object_id)

    result: dict[int, list[Subject]] = {}
    by_kind: dict[str, list] = defaultdict(list)
    for item in target_sets:
        by_kind[item.subject_kind].append(item)
    for key, items in by_kind.items():
        kind = subject_kind(key)
        if kind is None:
            for item in items:
                result[item.pk] = []
            continue
        wanted_ids = {object_id for item in items for object_id in explicit.get(item.pk, [])}
        loaded = {subject.id: subject for subject in _subjects_of(kind, kind.queryset(items=wanted_ids))} \
            if wanted_ids else {}
        filtered_cache: dict[str, list[Subject]] = {}
        for item in items:
            if item.pk in explicit:
                result[item.pk] = [loaded[object_id] for object_id in sorted(explicit[item.pk])
                                   if object_id in loaded]
                continue
            cache_key = repr(sorted((item.target_filter or {}).items()))
            if cache_key not in filtered_cache:
                try:
                    filtered_cache[cache_key] = _subjects_of(
                        kind, kind.queryset(filters=item.target_filter or {}).order_by("pk"))
                except UnknownFilter:
                    filtered_cache[cache_key] = []
            result[item.pk] = filtered_cache[cache_key]
    return result


def subject_in_target_set(target_set, subject_pk: int) -> bool:
    kind = subject_kind(target_set.subject_kind)
    if kind is None:
        return False
    if target_set.targets.exists():
        return target_set.targets.filter(object_id=subject_pk).exists()
    try:
        return kind.queryset(filters=target_set.target_filter or {}).filter(pk=subject_pk).exists()
    except UnknownFilter:
        return False
