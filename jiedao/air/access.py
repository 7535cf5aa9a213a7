"""Who reads and who enters air-pollution sources. Checked on every object.

- Reading the register, a source, the leaders' page: system administrators, leaders, area leaders,
  community secretaries (第一责任人), inspectors (监督员) and 督查员, over the part of the territory
  their duty covers.
- Entering readings and site checks: system administrators, leaders and inspectors over the
  source's territory; a monitor posting through the API signs in with an ApiToken of such a person.
- Superusers: everything. Anyone else: nothing (the pages are a 404, a source out of reach a 404,
  an unknown source in a batch)."""

from django.db.models import Q

from jiedao.territory.access import covers_path, territory_scope_filter, user_duties
from jiedao.territory.models import Role

READERS = frozenset({Role.SYSTEM_ADMIN, Role.LEADER, Role.AREA_LEADER, Role.FIRST_RESPONSIBLE, Role.INSPECTOR,
                     Role.SUPERVISOR})
KEEPERS = frozenset({Role.SYSTEM_ADMIN, Role.LEADER, Role.INSPECTOR})


def visible_sources_filter(user) -> Q | None:
    return territory_scope_filter(user, READERS)


def enterable_sources_filter(user) -> Q | None:
    return territory_scope_filter(user, KEEPERS)


def may_read_air(*, user) -> bool:
    return visible_sources_filter(user) is not None


def may_enter_air(*, user) -> bool:
    return enterable_sources_filter(user) is not None


def may_view_source(*, user, source) -> bool:
    return covers_path(user=user, path=source.territory_path, roles=READERS)


def may_enter_at_source(*, user, source) -> bool:
    return covers_path(user=user, path=source.territory_path, roles=KEEPERS)


def reader_tops(*, user) -> list:
    """The units whose sources `user` reads, tops of the leaders' page drill-down; the root for a
    superuser."""
    from jiedao.territory.models import Unit

    if not user or not user.is_authenticated:
        return []
    if user.is_superuser:
        top = Unit.objects.filter(parent__isnull=True).order_by("path").first()
        return [top] if top is not None else []
    units = [duty.unit for duty in user_duties(user) if duty.role in READERS and duty.unit is not None]
    tops = sorted({unit.pk: unit for unit in units}.values(), key=lambda unit: unit.path)
    return [unit for unit in tops if not any(unit.path != other.path and unit.path.startswith(other.path)
                                             for other in tops)]
