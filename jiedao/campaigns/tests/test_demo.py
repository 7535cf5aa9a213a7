"""The demo's running 三清三拆三整治 campaign (seed_demo on a slice of the sample, rolled back after)."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from jiedao import clock
from jiedao.campaigns.models import Campaign, EvidenceFigure, EvidencePhoto, KeyPlace, PhaseKind
from jiedao.campaigns.selectors import campaign_progress
from jiedao.demo.campaigns import CODE, demo_campaign_seed
from jiedao.territory.models import Duty, Role


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), \
            transaction.atomic():
        call_command("seed_demo", limit=80, verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def campaign(seeded, db):
    return Campaign.objects.get(code=CODE)


def test_the_demo_campaign_is_sample_content_in_its_concentrated_phase(campaign):
    today = timezone.localtime(clock.now()).date()

    assert campaign.is_sample and "示例内容" in campaign.description
    assert campaign.phase_on(today).kind == PhaseKind.CONCENTRATED
    assert [group.name for group in campaign.groups.order_by("order")] == ["三清", "三拆", "三整治"]
    assert campaign.lines.count() == 6 and all(line.items.exists() for line in campaign.lines.all())


def test_its_key_places_are_valid_and_marked_as_samples(campaign):
    places = list(campaign.key_places.all())

    assert len(places) == 9
    assert {place.kind for place in places} == {"back_street", "farmers_market", "urban_fringe"}
    for place in places:
        place.full_clean()  # geometry, kind and community all hold
    assert all(place.is_sample for place in places)


def test_its_progress_is_under_way_with_targets_and_evidence(campaign):
    progress = campaign_progress(campaign=campaign, level=campaign.scope, until=clock.now())

    assert campaign.targets.count() >= 12
    assert 0 < progress.completion < 100
    assert progress.total.figure_count > 0 and progress.total.done_cases > 0
    figures = EvidenceFigure.objects.filter(campaign=campaign)
    assert EvidencePhoto.objects.filter(figure__in=figures).count() == figures.count()
    for figure in figures.select_related("community", "entered_by"):
        assert Duty.objects.filter(user=figure.entered_by, role=Role.FIRST_RESPONSIBLE, unit=figure.community).exists()
        assert figure.case_id is None or figure.count == 0


def test_a_second_seed_writes_nothing(campaign, seeded):
    from jiedao.demo.territory import demo_people_seed, demo_territory_seed

    territory, _written = demo_territory_seed()
    people, _roster, _written = demo_people_seed(territory=territory)
    before = (Campaign.objects.count(), KeyPlace.objects.count(), EvidenceFigure.objects.count(),
              campaign.targets.count())

    said = demo_campaign_seed(territory=territory, people=people)

    assert said == f"campaign {CODE} already there, nothing to do"
    assert (Campaign.objects.count(), KeyPlace.objects.count(), EvidenceFigure.objects.count(),
            campaign.targets.count()) == before


def test_a_reset_detaches_the_figures_from_the_wiped_cases_and_builds_the_campaign_again(campaign, seeded):
    from jiedao.demo.replay import demo_cases_wipe
    from jiedao.demo.territory import demo_people_seed, demo_territory_seed

    territory, _written = demo_territory_seed()
    people, _roster, _written = demo_people_seed(territory=territory)

    demo_cases_wipe()
    said = demo_campaign_seed(territory=territory, people=people, reset=True)

    assert EvidenceFigure.objects.filter(case__isnull=False).count() == 0
    assert said.startswith(f"campaign {CODE}: 9 key places")
    rebuilt = Campaign.objects.get(code=CODE)
    assert rebuilt.pk != campaign.pk and KeyPlace.objects.count() == 9
