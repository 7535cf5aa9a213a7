"""Who reads and who keeps the register of assets and cleaning zones. Checked on every object.

- Reading: system administrators, leaders, area leaders and community secretaries over the part of
  the territory their duty covers; the staff (handlers and department administrators) of the
  asset's maintainer; the staff of its contractor (a cleaning zone: of its contractor or of the
  department supervising it).
- Keeping (edit, state, import): system administrators of a unit covering it, and the department
  administrator of its maintainer (a zone: of its supervising department). Imports and new assets
  are the system administrators' (they may name any maintainer).
- Maintenance records: whoever keeps it, and the handlers and contractor staff of its maintainer or
  contractor (the people who do the work).
- The nearest assets (a small JSON of identifier, class and distance) are read by whoever may
  report, so the report forms can offer them."""

from django.db.models import Q

from jiedao.cases.access import may_report
from jiedao.territory.access import user_duties
from jiedao.territory.models import Role

TERRITORIAL_READERS = frozenset({Role.SYSTEM_ADMIN, Role.LEADER, Role.AREA_LEADER, Role.FIRST_RESPONSIBLE})
ORGANISATION_READERS = frozenset({Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_ADMIN, Role.CONTRACTOR_STAFF})
TERRITORIAL_KEEPERS = frozenset({Role.SYSTEM_ADMIN})
ORGANISATION_KEEPERS = frozenset({Role.DEPARTMENT_ADMIN})
WORKERS = frozenset({Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_ADMIN, Role.CONTRACTOR_STAFF})


def _organisations_of(thing) -> set[int]:
    """The organisations whose staff read the thing: an asset's maintainer and contractor, a zone's
    contractor and supervising department."""
    ids = {getattr(thing, "maintainer_id", None), getattr(thing, "contractor_id", None),
           getattr(thing, "supervisor_id", None)}
    return {pk for pk in ids if pk is not None}


def _keeping_organisations_of(thing) -> set[int]:
    ids = {getattr(thing, "maintainer_id", None), getattr(thing, "supervisor_id", None)}
    return {pk for pk in ids if pk is not None}


def visible_register_filter(user, *, organisation_fields: tuple[str, ...]) -> Q | None:
    """The rows of the register this user reads (None: none at all)."""
    if not user or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Q()
    clauses = Q(pk__in=[])
    any_duty = False
    for duty in user_duties(user):
        if duty.role in TERRITORIAL_READERS and duty.unit is not None:
            clauses |= Q(territory_path__startswith=duty.unit.path)
            any_duty = True
        elif duty.role in ORGANISATION_READERS and duty.organisation_id is not None:
            for name in organisation_fields:
                clauses |= Q(**{f"{name}_id": duty.organisation_id})
            any_duty = True
    return clauses if any_duty else None


def visible_assets_filter(user) -> Q | None:
    return visible_register_filter(user, organisation_fields=("maintainer", "contractor"))


def visible_zones_filter(user) -> Q | None:
    return visible_register_filter(user, organisation_fields=("contractor", "supervisor"))


def may_read_register(*, user) -> bool:
    """The menu and the list pages: someone who reads some asset or zone (each one is checked again)."""
    return visible_assets_filter(user) is not None


def _covers(user, thing, roles) -> bool:
    return any(duty.role in roles and duty.unit is not None and thing.territory_path.startswith(duty.unit.path)
               for duty in user_duties(user))


def _of_organisation(user, organisations: set[int], roles) -> bool:
    return any(duty.role in roles and duty.organisation_id in organisations for duty in user_duties(user))


def may_view(*, user, thing) -> bool:
    """An asset or a cleaning zone."""
    if not user or not user.is_authenticated:
        return False
    return user.is_superuser or _covers(user, thing, TERRITORIAL_READERS) or \
        _of_organisation(user, _organisations_of(thing), ORGANISATION_READERS)


def may_edit(*, user, thing) -> bool:
    if not user or not user.is_authenticated:
        return False
    return user.is_superuser or _covers(user, thing, TERRITORIAL_KEEPERS) or \
        _of_organisation(user, _keeping_organisations_of(thing), ORGANISATION_KEEPERS)


def may_import(*, user) -> bool:
    return user.is_authenticated and (user.is_superuser or any(duty.role in TERRITORIAL_KEEPERS
                                                               for duty in user_duties(user)))


def may_record_maintenance(*, user, asset) -> bool:
    if may_edit(user=user, thing=asset):
        return True
    return _of_organisation(user, _organisations_of(asset), WORKERS)


def may_find_nearest(*, user) -> bool:
    return user.is_authenticated and (may_report(user=user) or may_read_register(user=user))


def reach_key(user) -> str:
    """What `visible_assets_filter` depends on, as text: people with the same reach share cached
    answers (the map's points)."""
    if user.is_superuser:
        return "all"
    parts = sorted(f"{duty.role}:{duty.unit.path if duty.unit else ''}:{duty.organisation_id or ''}"
                   for duty in user_duties(user)
                   if duty.role in TERRITORIAL_READERS or duty.role in ORGANISATION_READERS)
    return "|".join(parts)
