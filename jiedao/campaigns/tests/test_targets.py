"""Targets: set by the leaders, refused with a clear reason when they do not fit the campaign."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jiedao.campaigns.models import Campaign, CampaignGroup, CampaignLine, CampaignTarget, TargetMeasure
from jiedao.campaigns.services import line_items_conflicts, phases_overlapping, target_set
from jiedao.territory.models import Unit, UnitLevel

pytestmark = pytest.mark.django_db


def _set(campaign_world, world, **overrides):
    values = {"campaign": campaign_world.campaign, "by": world.people.leader, "line_id": campaign_world.garbage.pk,
              "unit_id": world.taoyuan.pk, "value": "12"}
    values.update(overrides)
    return target_set(**values)


def test_a_leader_sets_and_then_changes_a_target(world, clock, campaign_world):
    _set(campaign_world, world)
    target = _set(campaign_world, world, value="15.5", note="追加")

    assert CampaignTarget.objects.get() == target
    assert (target.value, target.unit, target.measure, target.note) == (Decimal("15.5"), world.taoyuan, "count", "追加")


def test_a_target_for_a_key_place_lies_in_the_places_community(world, clock, campaign_world):
    target = _set(campaign_world, world, unit_id=None, key_place_id=campaign_world.market.pk, value="3")

    assert (target.unit, target.key_place) == (world.liuan, campaign_world.market)


@pytest.fixture
def other_campaign(world, campaign_world):
    other = Campaign.objects.create(name="另一行动", code="other", scope=world.subdistrict,
                                    starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 30))
    group = CampaignGroup.objects.create(campaign=other, name="三清")
    return CampaignLine.objects.create(campaign=other, group=group, code="x", name="别的分项")


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"value": "-1"}, "value", "目标值不能为负数"),
    ({"value": "十二"}, "value", "目标值应为数字"),
    ({"value": "NaN"}, "value", "目标值应为数字"),
    ({"line_id": 999_999}, "line", "未知的行动分项"),
    ({"line_id": "other"}, "line", "未知的行动分项"),  # a line of another campaign
    ({"unit_id": "grid"}, "unit", "目标应下达到社区（村）"),
    ({"unit_id": 999_999}, "unit", "未知的单位"),
    ({"measure": "quantity"}, "measure", "分项“清积存垃圾”没有工程量单位，只能按数量下达目标"),
    ({"measure": "weight"}, "measure", "未知的计量方式"),
    ({"key_place_id": 999_999}, "key_place", "未知的重点区域"),
])
def test_a_target_that_does_not_fit_is_refused_and_nothing_saved(world, clock, campaign_world, other_campaign,
                                                                 overrides, field, message):
    if overrides.get("line_id") == "other":
        overrides = {**overrides, "line_id": other_campaign.pk}
    if overrides.get("unit_id") == "grid":
        overrides = {**overrides, "unit_id": world.grids[0].pk}

    with pytest.raises(ValidationError) as refused:
        _set(campaign_world, world, **overrides)

    assert refused.value.message_dict[field] == [message]
    assert CampaignTarget.objects.count() == 0


def test_a_target_for_a_unit_outside_the_campaigns_scope_is_refused(world, clock, campaign_world):
    campaign_world.campaign.scope = world.taoyuan
    campaign_world.campaign.save()

    with pytest.raises(ValidationError) as refused:
        _set(campaign_world, world, unit_id=world.liuan.pk)

    assert refused.value.message_dict["unit"] == ["柳岸社区不在本行动的实施范围（桃源社区）内"]
    assert CampaignTarget.objects.count() == 0


def test_the_admin_path_applies_the_same_rules(world, clock, campaign_world, other_campaign):
    """The admin saves through the model's full_clean: a line of another campaign, a negative value."""
    target = CampaignTarget(campaign=campaign_world.campaign, line=other_campaign, unit=world.taoyuan,
                            measure=TargetMeasure.COUNT, value=Decimal(-3))

    with pytest.raises(ValidationError) as refused:
        target.full_clean()

    assert set(refused.value.message_dict) >= {"line", "value"}


@pytest.mark.parametrize("person", ["secretary", "area_leader", "other_handler"])
def test_only_leaders_and_administrators_set_targets(world, clock, campaign_world, person):
    with pytest.raises(PermissionDenied):
        _set(campaign_world, world, by=getattr(world.people, person))

    assert CampaignTarget.objects.count() == 0


def test_a_category_belongs_to_one_line_of_a_campaign(world, clock, campaign_world):
    conflicts = line_items_conflicts(campaign=campaign_world.campaign, line=campaign_world.buildings,
                                     items=[world.item, world.no_rule_item])

    assert conflicts == ["“暴露垃圾”已属于分项“清积存垃圾”"]


def test_overlapping_phases_are_named():
    days = [("动员部署", date(2026, 11, 1), date(2026, 11, 10)), ("集中整治", date(2026, 11, 5), date(2026, 11, 8)),
            ("巩固提升", date(2026, 11, 9), date(2026, 11, 20)), ("验收", date(2026, 11, 21), date(2026, 11, 30))]

    assert phases_overlapping(days) == ["“动员部署”与“集中整治”的日期重叠", "“动员部署”与“巩固提升”的日期重叠"]


def test_a_campaign_cannot_end_before_it_starts_nor_be_one_grid(world, clock):
    grid = Unit.objects.filter(level=UnitLevel.GRID).first()
    campaign = Campaign(name="x", code="x", scope=grid, starts_on=date(2026, 11, 2), ends_on=date(2026, 11, 1))

    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()

    assert set(refused.value.message_dict) == {"ends_on", "scope"}
