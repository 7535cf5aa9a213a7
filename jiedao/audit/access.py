"""Who reads the security log: the security auditor (安全审计员), and superusers. Nobody writes it
but the application itself; nobody at all edits or deletes it (models.py, guard.py)."""

from jiedao.territory.access import user_roles
from jiedao.territory.models import Role

READER_ROLES = frozenset({Role.AUDITOR})


def may_read_security_log(*, user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(user_roles(user) & READER_ROLES))
