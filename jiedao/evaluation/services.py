"""Writes of the evaluation: editing a scoring scheme, seeding the defaults, computing and
publishing a ranking snapshot."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiedao import clock
from jiedao.territory.models import UnitLevel

from .defaults import GRADES, SCHEMES, STANDARD
from .models import GradeScale, ObjectType, RankingPublication, RankingRule, ScoringScheme, VolumeBasis
from .selectors import ranking


def scoring_scheme_save(*, scheme: ScoringScheme, weights: dict, stepped_tables: dict | None = None) -> ScoringScheme:
    """Change a scheme's weights (and tables); refused, with the reason, unless weights sum to 100 %."""
    scheme.weights = weights
    if stepped_tables is not None:
        scheme.stepped_tables = stepped_tables
    scheme.full_clean()
    scheme.save()
    return scheme


def evaluation_seed_defaults() -> tuple[int, int]:
    """Create the schemes and grades of standards.md §3.3 that do not exist yet (idempotent; an
    administrator's edits are kept). Returns (schemes created, grades created)."""
    schemes = grades = 0
    with transaction.atomic():
        for object_type, values in SCHEMES.items():
            _scheme, created = ScoringScheme.objects.get_or_create(
                object_type=object_type,
                defaults={"weights": values["weights"], "stepped_tables": values["stepped_tables"],
                          "source": STANDARD, "note": values["note"],
                          "volume_basis": values.get("volume_basis", VolumeBasis.FILED)},
            )
            schemes += created
        for grade, minimum in GRADES:
            _grade, created = GradeScale.objects.get_or_create(grade=grade, defaults={"min_score": minimum})
            grades += created
        # standards.md §7: a monthly 红黑榜 of the communities — top 2 and bottom 2; vetoes (e.g. too
        # many overdue pending cases) are off until an administrator sets them.
        RankingRule.objects.get_or_create(
            name=str(_("社区月度红黑榜")),
            defaults={"object_type": ObjectType.REGION, "level": UnitLevel.COMMUNITY, "period_type": "month",
                      "red_top_n": 2, "black_bottom_n": 2})
    return schemes, grades


def may_publish_rankings(*, user) -> bool:
    """Publishing a 红黑榜 is the office leadership's act."""
    from jiedao.territory.access import user_roles
    from jiedao.territory.models import Role

    return user.is_superuser or bool(user_roles(user) & {Role.LEADER, Role.SYSTEM_ADMIN})


def ranking_compute(*, rule: RankingRule, start: datetime, end: datetime,
                    previous: tuple[datetime, datetime] | None = None) -> RankingPublication:
    """Compute (or recompute) the snapshot of a period; a published snapshot is frozen."""
    rows = [item.as_json() for item in ranking(rule=rule, start=start, end=end, previous=previous)]
    with transaction.atomic():
        publication = (RankingPublication.objects.select_for_update()
                       .filter(rule=rule, period_start=start, period_end=end).first())
        if publication is not None and publication.is_published:
            raise ValidationError(_("该期排名已发布，不能重新计算"), code="published")
        if publication is None:
            publication = RankingPublication(rule=rule, period_start=start, period_end=end)
        publication.rows, publication.computed_at = rows, clock.now()
        publication.save()
    return publication


def ranking_publish(*, publication: RankingPublication, by) -> RankingPublication:
    """Publish a computed snapshot: from now on its rows never change."""
    updated = RankingPublication.objects.filter(pk=publication.pk, is_published=False).update(
        is_published=True, published_at=clock.now(), published_by=by)
    if updated != 1:
        raise ValidationError(_("该期排名已发布"), code="published")
    publication.refresh_from_db()
    return publication
