"""Who reads a campaign, at which level, and who changes it.

- Reading: the dashboard's audience (`may_view_dashboard`: leaders, area leaders, community
  secretaries, system administrators), each from the part of the campaign's scope they lead, and
  drilling down only below it, like the dashboard. The cases behind the figures are cut by
  `cases_in_reach` in the selectors.
- The campaign itself, its targets and key places: system administrators and leaders whose duty
  covers the campaign's whole scope (and superusers).
- Evidence figures: the same, and area leaders and community secretaries for a community their
  duty covers (the secretary: their own community).
"""

from jiedao.cases.access import DASHBOARD_ROLES, dashboard_tops, may_view_dashboard
from jiedao.territory.access import user_duties
from jiedao.territory.models import Role, Unit

EDITOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.LEADER})
FIGURE_ROLES = DASHBOARD_ROLES


def may_view_campaigns(*, user) -> bool:
    return may_view_dashboard(user=user)


def campaign_tops(*, user, campaign) -> list[Unit]:
    """The highest units of the campaign this person reads: its scope when they lead all of it, the
    units they lead inside it otherwise; none when they lead no part of it."""
    if not may_view_campaigns(user=user):
        return []
    scope = campaign.scope
    tops: dict[int, Unit] = {}
    for top in dashboard_tops(user=user):
        if scope.path.startswith(top.path):
            tops[scope.pk] = scope
        elif top.path.startswith(scope.path):
            tops[top.pk] = top
    # A unit under another top adds nothing.
    ordered = sorted(tops.values(), key=lambda unit: unit.path)
    return [unit for unit in ordered if not any(unit.path.startswith(other.path) and unit.pk != other.pk
                                                for other in ordered)]


def _covering_duty(user, unit: Unit, roles) -> bool:
    return any(duty.role in roles and duty.unit is not None and unit.path.startswith(duty.unit.path)
               for duty in user_duties(user))


def may_edit_campaign(*, user, campaign) -> bool:
    """Targets, key places, the campaign's own fields."""
    return user.is_superuser or _covering_duty(user, campaign.scope, EDITOR_ROLES)


def may_enter_figures(*, user, campaign, community: Unit) -> bool:
    """Evidence figures for one community of the campaign."""
    if not campaign.covers(community):
        return False
    return user.is_superuser or _covering_duty(user, community, FIGURE_ROLES)


def may_edit_campaigns_at_all(*, user) -> bool:
    """The admin's menu: someone who may edit some campaign (each object is checked again)."""
    return user.is_superuser or any(duty.role in EDITOR_ROLES for duty in user_duties(user))
