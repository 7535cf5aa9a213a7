"""Registers of things declare themselves here as duty subjects (streets, river segments, cleaning
zones, assets …), so that a plan can name its subjects by the register's key and the duties app
never imports the registers. Call `subject_kind_register` from the register's AppConfig.ready():

    subject_kind_register(key="cleaning_zone", model=CleaningZone, label=_("保洁区域"),
                          filters={"grade": _("保洁等级")}, unit_of=lambda zone: zone.unit,
                          geometry_of=lambda zone: zone.geometry)

`unit_of` may return a Unit, a unit's id (cheapest: `lambda zone: zone.unit_id`) or None; `related`
names relations to load with the subjects (select_related) when unit_of or str() reads them.

A plan whose key no register has declared (the register's app not installed yet) resolves to no
subject and shows "未登记": it counts nothing and never fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

UNREGISTERED_LABEL = _("未登记")


@dataclass(frozen=True)
class SubjectKind:
    key: str
    model: type[models.Model]
    label: str
    # The filters a plan or contract may select by: model lookup → its label ({"grade": "保洁等级"}).
    filters: dict[str, str] = field(default_factory=dict)
    unit_of: Callable[[Any], Any] | None = None
    geometry_of: Callable[[Any], dict | None] | None = None
    # Relations unit_of and str() read, loaded with the subjects (select_related).
    related: tuple[str, ...] = ()

    def unit(self, obj) -> Any:
        return self.unit_of(obj) if self.unit_of else None

    def geometry(self, obj) -> dict | None:
        return self.geometry_of(obj) if self.geometry_of else None

    def queryset(self, *, items: Iterable[int] | None = None, filters: dict | None = None) -> models.QuerySet:
        """The subjects: the explicit items if any are given, otherwise those matching `filters`
        (only the lookups this kind declares; an unknown one raises `UnknownFilter`)."""
        manager = self.model._default_manager.select_related(*self.related) if self.related \
            else self.model._default_manager.all()
        if items is not None:
            return manager.filter(pk__in=list(items))
        lookups = filter_lookups(self, filters or {})
        return manager.filter(**lookups)


class UnknownFilter(ValueError):
    def __init__(self, kind: str, name: str):
        self.kind, self.name = kind, name
        super().__init__(f"{kind} has no filter {name!r}")


def filter_lookups(kind: SubjectKind, filters: dict) -> dict:
    for name in filters:
        if name not in kind.filters:
            raise UnknownFilter(kind.key, name)
    return dict(filters)


_KINDS: dict[str, SubjectKind] = {}


def subject_kind_register(*, key: str, model: type[models.Model], label: str, filters: dict[str, str] | None = None,
                          unit_of: Callable[[Any], Any] | None = None,
                          geometry_of: Callable[[Any], dict | None] | None = None,
                          related: tuple[str, ...] = ()) -> SubjectKind:
    """Declare a register's model as a kind of duty subject. Declaring a key again replaces it
    for the same model (a reloaded app, a test); another model under a taken key is refused."""
    existing = _KINDS.get(key)
    if existing is not None and existing.model is not model:
        raise ValueError(f"duty subject kind {key!r} is already {existing.model._meta.label}")
    kind = SubjectKind(key=key, model=model, label=label, filters=dict(filters or {}), unit_of=unit_of,
                       geometry_of=geometry_of, related=tuple(related))
    _KINDS[key] = kind
    return kind


def subject_kind_unregister(key: str) -> None:
    """For tests that declare a kind of their own."""
    _KINDS.pop(key, None)


def subject_kinds() -> list[SubjectKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.key)


def subject_kind(key: str) -> SubjectKind | None:
    """The declared kind, or None when no register has declared `key` (yet)."""
    return _KINDS.get(key)


def subject_kind_of(obj_or_model) -> SubjectKind | None:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    model = model._meta.concrete_model
    for kind in _KINDS.values():
        if kind.model._meta.concrete_model is model:
            return kind
    return None


def subject_kind_label(key: str) -> str:
    kind = _KINDS.get(key)
    return str(kind.label) if kind else f"{key}（{UNREGISTERED_LABEL}）"


def subjects_resolve(*, key: str, items: Iterable[int] | None = None, filters: dict | None = None) -> list:
    """The subject objects a target set names; [] for an unknown key (nothing counts, nothing fails)."""
    kind = _KINDS.get(key)
    if kind is None:
        return []
    return list(kind.queryset(items=items, filters=filters))
