"""Who reads and who keeps the address register."""

from jiedao.cases.access import may_report
from jiedao.territory.access import user_roles
from jiedao.territory.models import Role

# The register is kept by the office: its system administrators and leaders.
REGISTER_EDIT_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.LEADER})


def may_edit_register(*, user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(user_roles(user) & REGISTER_EDIT_ROLES))


def may_search_register(*, user) -> bool:
    """Everyone who picks a location (whoever may report) and those who keep the register."""
    return user.is_authenticated and (may_report(user=user) or may_edit_register(user=user))
