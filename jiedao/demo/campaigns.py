"""The demo's running 三清三拆三整治 special action (the speech's "地毯式"清理, "雷霆式"拆除, "常态化"
整治 in the back streets, the urban-rural fringe and the farmers' markets): sample content, marked
so, for 青溪街道.

The campaign began 30 days before the seed and runs 60 days, so it is in its 集中整治 phase. Its
lines map the speech's words to the catalogue categories the replayed Boston cases carry. Key
places lie where those cases are (a back street through each community's densest strip, two
markets, two stretches of urban-rural fringe). The targets are set by the leader through the
service: for each community and line, what was found so far, doubled for the whole period and
raised by a seeded 0–50 %, so about half is done, some communities behind. The demolitions no case
carries are entered as evidence figures by the community secretaries, on their days (the replayed
clock), each with a photo.

Idempotent: an existing demo campaign is left alone, unless `reset` (seed_demo --reset, which
replays the cases) asks for it to be built again around the new cases."""

import math
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from jiedao import clock
from jiedao.campaigns.models import (
    Campaign,
    CampaignGroup,
    CampaignLine,
    CampaignPhase,
    EvidenceFigure,
    KeyPlace,
    KeyPlaceKind,
    PhaseKind,
    TargetMeasure,
)
from jiedao.campaigns.selectors import campaign_progress
from jiedao.campaigns.services import figure_record, target_set
from jiedao.cases.models import Case, CaseState
from jiedao.catalogue.models import CatalogueItem, CatalogueKind
from jiedao.territory.models import Duty, Organisation, Role

from .replay import demo_photo_bytes
from .territory import DemoPeople, DemoTerritory

CODE = "sanqing-sanchai-sanzhengzhi"
SAMPLE_NOTE = "（示例内容：目标、重点区域和佐证为演示数据，请按实际修改）"
DAYS, STARTED_DAYS_AGO = 60, 30

PHASES = [  # (kind, first day, last day) counted from the start, and what the phase asks
    (PhaseKind.MOBILISATION, 0, 6, "制定方案，摸底建档，召开部署会，明确包片领导和社区责任"),
    (PhaseKind.CONCENTRATED, 7, 44, "集中力量攻坚重点区域：地毯式清理、雷霆式拆除、常态化整治"),
    (PhaseKind.CONSOLIDATION, 45, 54, "查漏补缺，建立长效保洁机制，防止反弹"),
    (PhaseKind.ACCEPTANCE, 55, 59, "对照目标逐项验收，通报结果"),
]

# (group, approach, [(line code, name, count label, quantity unit, catalogue codes)])
GROUPS = [
    ("三清", "“地毯式”清理", [
        ("clear-garbage", "清积存垃圾", "处", "", ["06010", "06011", "06032"]),
        ("clear-dead-corners", "清卫生死角", "处", "", ["06042", "06017", "06005", "06035"]),
    ]),
    ("三拆", "“雷霆式”拆除", [
        ("demolish-buildings", "拆乱搭乱建", "处", "m²", ["06001", "06003", "90015"]),
        ("demolish-clutter", "拆乱堆乱放", "处", "", ["06036", "08006", "06040"]),
    ]),
    ("三整治", "“常态化”整治", [
        ("rectify-vending", "整治占道经营", "处", "", ["09006", "09005", "09001", "09022", "09021"]),
        ("rectify-parking", "整治乱停乱放", "处", "", ["09009", "09010", "09011", "06034"]),
    ]),
]


def _line(points):
    return {"type": "LineString", "coordinates": [list(point) for point in points]}


def _area(points):
    ring = [list(point) for point in points]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


# Drawn where the replayed cases are densest (a search over the sample, done once).
KEY_PLACES = [
    # (name, kind, community code, buffer in metres, geometry, owner codes)
    ("文昌巷", KeyPlaceKind.BACK_STREET, "330199001001", 35,
     _line([(120.13488, 30.23957), (120.13791, 30.2399), (120.14096, 30.23978)]), ["D02", "D01"]),
    ("桃源农贸市场", KeyPlaceKind.FARMERS_MARKET, "330199001001", 20,
     _area([(120.13663, 30.2391), (120.13823, 30.2391), (120.13823, 30.2403), (120.13663, 30.2403)]), ["D08", "D02"]),
    ("杨柳巷", KeyPlaceKind.BACK_STREET, "330199001002", 35,
     _line([(120.12138, 30.22687), (120.12194, 30.23031), (120.1229, 30.23366)]), ["D02", "D01"]),
    ("柳岸—石桥城乡结合部", KeyPlaceKind.URBAN_FRINGE, "330199001002", 0,
     _area([(120.115, 30.2235), (120.1244, 30.223), (120.1244, 30.23), (120.116, 30.2305)]), ["D01", "D04", "D07"]),
    ("荷花巷", KeyPlaceKind.BACK_STREET, "330199001003", 35,
     _line([(120.14002, 30.21789), (120.14043, 30.22124), (120.13982, 30.22457)]), ["D02", "D01"]),
    ("南湖农贸市场", KeyPlaceKind.FARMERS_MARKET, "330199001003", 20,
     _area([(120.1411, 30.21622), (120.1427, 30.21622), (120.1427, 30.21742), (120.1411, 30.21742)]), ["D08", "D02"]),
    ("观潮巷", KeyPlaceKind.BACK_STREET, "330199001004", 35,
     _line([(120.15015, 30.23074), (120.1465, 30.23181), (120.14269, 30.2321)]), ["D02", "D01"]),
    ("石桥村东南城乡结合部", KeyPlaceKind.URBAN_FRINGE, "330199001005", 0,
     _area([(120.1165, 30.2085), (120.125, 30.208), (120.1262, 30.215), (120.1215, 30.219), (120.116, 30.216)]),
     ["D01", "D04", "D07"]),
    ("梅园老街", KeyPlaceKind.BACK_STREET, "330199001006", 35,
     _line([(120.12557, 30.20841), (120.12752, 30.21052), (120.12985, 30.21228)]), ["D02", "D01"]),
]

# Lines whose work is mostly done without a case: their targets are set by hand (处, and m²).
FIGURE_LINES = {"demolish-buildings": (3, 8, 300, 1200), "demolish-clutter": (6, 18, 0, 0)}


def _items(codes: list[str]) -> list[CatalogueItem]:
    return list(CatalogueItem.objects.filter(code__in=codes, kind=CatalogueKind.MATTER, is_active=True))


@transaction.atomic
def demo_campaign_seed(*, territory: DemoTerritory, people: DemoPeople, reset: bool = False) -> str:
    """Build the demo campaign; returns what it did, for the command's progress line."""
    existing = Campaign.objects.filter(code=CODE).first()
    if existing is not None and not reset:
        return f"campaign {CODE} already there, nothing to do"
    if existing is not None:
        _campaign_wipe(existing)
    today = timezone.localtime(clock.now()).date()
    starts_on = today - timedelta(days=STARTED_DAYS_AGO)
    campaign = Campaign(
        name="三清三拆三整治专项行动", code=CODE, scope=territory.subdistrict, starts_on=starts_on,
        ends_on=starts_on + timedelta(days=DAYS - 1), is_sample=True,
        description=("对积存垃圾、卫生死角进行“地毯式”清理，对乱搭乱建、乱堆乱放进行“雷霆式”拆除，对占道经营、"
                     "乱停乱放进行“常态化”整治，重点是背街小巷、城乡结合部、农贸市场。" + SAMPLE_NOTE))
    campaign.full_clean()
    campaign.save()
    for kind, first, last, note in PHASES:
        CampaignPhase.objects.create(campaign=campaign, kind=kind, starts_on=starts_on + timedelta(days=first),
                                     ends_on=starts_on + timedelta(days=last), note=note)
    lines = {}
    for group_order, (name, approach, group_lines) in enumerate(GROUPS, start=1):
        group = CampaignGroup.objects.create(campaign=campaign, name=name, approach=approach, order=group_order)
        for order, (code, line_name, count_label, quantity_unit, codes) in enumerate(group_lines, start=1):
            line = CampaignLine.objects.create(campaign=campaign, group=group, code=code, name=line_name,
                                               count_label=count_label, quantity_unit=quantity_unit, order=order)
            line.items.set(_items(codes))
            lines[code] = line
    organisations = {organisation.code: organisation for organisation in Organisation.objects.all()}
    places = []
    for name, kind, community_code, buffer_m, geometry, owners in KEY_PLACES:
        place = KeyPlace.objects.filter(name=name, is_sample=True).first() or KeyPlace(name=name, is_sample=True)
        place.kind, place.geometry, place.buffer_m = kind, geometry, buffer_m
        place.community = territory.communities[community_code]
        place.note = SAMPLE_NOTE
        place.full_clean()
        place.save()
        place.owners.set([organisations[code] for code in owners if code in organisations])
        places.append(place)
    campaign.key_places.set(places)

    leader = people.by_username["leader"]
    rng = random.Random("jiedao-demo-campaign")
    figures = _figures_enter(campaign, territory, lines, rng, today=today)
    targets = _targets_set(campaign, leader, lines, rng)
    return f"campaign {CODE}: {len(places)} key places, {targets} targets, {figures} evidence figures"


def _targets_set(campaign: Campaign, leader, lines: dict[str, CampaignLine], rng: random.Random) -> int:
    """Targets from what was found so far: doubled for the whole period, raised by 0–50 %."""
    progress = campaign_progress(campaign=campaign, level=campaign.scope, until=clock.now())
    written = 0
    for row in progress.communities:
        for line in progress.lines:
            found = row.cells[line.pk].tally.found
            hand = FIGURE_LINES.get(line.code)
            if hand is not None:
                low, high, area_low, area_high = hand
                target_set(campaign=campaign, by=leader, line_id=line.pk, unit_id=row.unit.pk,
                           value=rng.randint(low, high) + found)
                written += 1
                if line.quantity_unit and area_high:
                    target_set(campaign=campaign, by=leader, line_id=line.pk, unit_id=row.unit.pk,
                               measure=TargetMeasure.QUANTITY, value=rng.randrange(area_low, area_high, 50))
                    written += 1
            elif found:
                target_set(campaign=campaign, by=leader, line_id=line.pk, unit_id=row.unit.pk,
                           value=max(2, math.ceil(found * 2 * rng.uniform(1.0, 1.5))))
                written += 1
    for row in progress.key_places:
        for line in progress.lines:
            found = row.cells[line.pk].tally.found
            if found >= 2:
                target_set(campaign=campaign, by=leader, line_id=line.pk, key_place_id=row.place.pk,
                           value=math.ceil(found * 2 * rng.uniform(1.0, 1.4)))
                written += 1
    return written


def _secretary_of(community):
    duty = (Duty.objects.filter(role=Role.FIRST_RESPONSIBLE, unit=community, user__is_active=True)
            .select_related("user").order_by("pk").first())
    return duty.user if duty else None


def _figures_enter(campaign: Campaign, territory: DemoTerritory, lines: dict[str, CampaignLine],
                   rng: random.Random, *, today) -> int:
    """Each community's secretary enters the demolitions of the campaign so far, on their days: a few
    batches of 拆乱搭乱建 (处 and m²; where a closed case is the demolition, only its m²) and of
    拆乱堆乱放 (处), each with a photo."""
    photo = demo_photo_bytes()
    buildings, clutter = lines["demolish-buildings"], lines["demolish-clutter"]
    place_of = {place.community_id: place for place in campaign.key_places.filter(kind=KeyPlaceKind.URBAN_FRINGE)}
    entered = 0
    tz = timezone.get_current_timezone()
    for community in territory.communities.values():
        secretary = _secretary_of(community)
        if secretary is None:
            continue
        closed = list(Case.objects.filter(item__in=buildings.items.all(), territory_path__startswith=community.path,
                                          state=CaseState.CLOSED, closed_at__date__gte=campaign.starts_on)
                      .order_by("closed_at")[:2])
        plans = [(case.closed_at, buildings, 0, Decimal(rng.randrange(20, 160)), case) for case in closed]
        for _batch in range(rng.randint(2, 3)):
            day = campaign.starts_on + timedelta(days=rng.randint(7, max(7, (today - campaign.starts_on).days - 1)))
            at = datetime.combine(day, time(16, rng.randint(0, 59)), tzinfo=tz)
            plans.append((at, buildings, rng.randint(1, 3), Decimal(rng.randrange(40, 260)), None))
            plans.append((at + timedelta(minutes=20), clutter, rng.randint(2, 6), Decimal(0), None))
        for at, line, count, quantity, case in sorted(plans, key=lambda plan: plan[0]):
            at = max(at, datetime.combine(campaign.starts_on, time(9), tzinfo=tz))
            place = place_of.get(community.pk) if line is buildings and rng.random() < 0.4 and not case else None
            what = "拆除违章搭建" if line is buildings else "清理拆除乱堆乱放"
            with clock.frozen(at):
                figure_record(
                    campaign=campaign, by=secretary, line_id=line.pk, community_id=community.pk,
                    key_place_id=place.pk if place else None, case_number=case.number if case else "",
                    on_date=timezone.localtime(at).date(), count=count, quantity=quantity,
                    note=(f"{what}，已拍照留存" + (f"（案件 {case.number} 的拆除面积）" if case else "")
                          + "。演示数据"),
                    photos=[SimpleUploadedFile("demo.jpg", photo, content_type="image/jpeg")])
            entered += 1
    return entered


def _campaign_wipe(campaign: Campaign) -> None:
    """The demo campaign with everything under it (its photos' files too), to be built again."""
    figures = EvidenceFigure.objects.filter(campaign=campaign)
    for figure in figures.prefetch_related("photos"):
        for photo in figure.photos.all():
            photo.image.delete(save=False)
            photo.thumbnail.delete(save=False)
        if figure.document:
            figure.document.delete(save=False)
    figures.delete()
    campaign.targets.all().delete()
    places = list(campaign.key_places.filter(is_sample=True))
    campaign.delete()
    KeyPlace.objects.filter(pk__in=[place.pk for place in places], campaigns__isnull=True, targets__isnull=True,
                            figures__isnull=True).delete()
