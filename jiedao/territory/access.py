"""A person's duties, read once per request, and what they allow on the territory itself."""

from django.db.models import Q

from .models import Duty, Role, Unit

# Who may read the organisation page (the tree, the departments, the people), and who may import.
ORG_TREE_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.LEADER})
ORG_IMPORT_ROLES = frozenset({Role.SYSTEM_ADMIN})
FIELD_WORKER_ROLES = frozenset({Role.GRID_WORKER, Role.INSPECTOR})


def user_duties(user) -> list[Duty]:
    """The user's duties, read once per request (cached on the user object)."""
    if not user or not user.is_authenticated:
        return []
    cached = getattr(user, "_jiedao_duties", None)
    if cached is None:
        cached = list(Duty.objects.filter(user=user).select_related("unit", "organisation"))
        user._jiedao_duties = cached
    return cached


def user_roles(user) -> set[str]:
    return {duty.role for duty in user_duties(user)}


def role_labels(*, user) -> list[str]:
    labels: list[str] = []
    for duty in user_duties(user):
        label = str(Role(duty.role).label)
        if label not in labels:
            labels.append(label)
    return labels


def may_view_org_tree(*, user) -> bool:
    return user.is_superuser or bool(user_roles(user) & ORG_TREE_ROLES)


def may_import_org(*, user) -> bool:
    return user.is_superuser or bool(user_roles(user) & ORG_IMPORT_ROLES)


def is_field_worker_covering(*, user, path: str) -> bool:
    """A grid worker or inspector whose scope holds the place with this path (核实/核查 may go to them)."""
    return any(duty.role in FIELD_WORKER_ROLES and duty.unit is not None and path.startswith(duty.unit.path)
               for duty in user_duties(user))


def units_read_by(*, user, roles) -> list[Unit]:
    """The units `user` holds one of `roles` at, outermost first (a theme page's drill-down tops);
    the root of the tree for a superuser; none for anyone signed out."""
    if not user or not user.is_authenticated:
        return []
    if user.is_superuser:
        root = Unit.objects.filter(parent__isnull=True).order_by("path").first()
        return [root] if root is not None else []
    units = {duty.unit.pk: duty.unit for duty in user_duties(user) if duty.role in roles and duty.unit is not None}
    return sorted(units.values(), key=lambda unit: unit.path)


def territory_scope_filter(user, roles, *, organisation_roles=frozenset(), organisation_field: str = "") -> Q | None:
    """Rows with a `territory_path` under the units where `user` holds one of `roles` (a register's
    readers or keepers) — and, given `organisation_roles`, rows whose `organisation_field` names an
    organisation where `user` holds one of them (a maintainer's or a department's own); Q() for a
    superuser, None for nobody (no such duty, or signed out)."""
    if not user or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Q()
    clauses, any_duty = Q(pk__in=[]), False
    for duty in user_duties(user):
        if duty.role in roles and duty.unit is not None:
            clauses |= Q(territory_path__startswith=duty.unit.path)
            any_duty = True
        elif duty.role in organisation_roles and duty.organisation_id is not None:
            clauses |= Q(**{organisation_field: duty.organisation_id})
            any_duty = True
    return clauses if any_duty else None


def covers_path(*, user, path: str, roles) -> bool:
    """Does `user` hold one of `roles` at a unit above (or at) `path`? Superusers: always."""
    if not user or not user.is_authenticated:
        return False
    return user.is_superuser or any(duty.role in roles and duty.unit is not None and path.startswith(duty.unit.path)
                                    for duty in user_duties(user))
