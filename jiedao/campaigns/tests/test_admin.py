"""The campaign as data in the admin: editors (staff holding a system administrator's or a leader's
duty over the campaign's scope) edit it; other staff do not see it; the models' rules refuse."""

import json

import pytest
from django.test import Client

from jiedao.campaigns.models import KeyPlace
from jiedao.territory.models import Duty, Role

from .conftest import line_geometry

pytestmark = pytest.mark.django_db

PAGES = ["campaign", "campaignline", "keyplace", "campaigntarget", "evidencefigure"]


def _staff(django_user_model, username, role, unit):
    person = django_user_model.objects.create_user(username=username, password="pass-1234", full_name=username,
                                                   is_staff=True)
    django_user_model.objects.filter(pk=person.pk).update(must_change_password=False)
    if role:
        Duty.objects.create(user=person, role=role, unit=unit)
    client = Client()
    client.force_login(person)
    return client


@pytest.mark.parametrize("model", PAGES)
def test_an_editor_opens_every_campaign_page_of_the_admin(world, campaign_world, django_user_model, model):
    client = _staff(django_user_model, "editor", Role.LEADER, world.subdistrict)

    listing = client.get(f"/admin/campaigns/{model}/")

    assert listing.status_code == 200
    if model != "evidencefigure":  # figures are entered on the campaign page, with their evidence
        assert client.get(f"/admin/campaigns/{model}/add/").status_code == 200


def test_staff_without_an_editors_duty_do_not_see_campaigns(world, campaign_world, django_user_model):
    client = _staff(django_user_model, "clerk", Role.INTAKE_CLERK, world.subdistrict)

    assert client.get("/admin/campaigns/campaign/").status_code == 403
    assert client.get(f"/admin/campaigns/campaign/{campaign_world.campaign.pk}/change/").status_code == 403


def test_a_key_place_drawn_wrong_is_refused_in_the_admin(world, campaign_world, django_user_model):
    client = _staff(django_user_model, "editor", Role.SYSTEM_ADMIN, world.subdistrict)

    response = client.post("/admin/campaigns/keyplace/add/", {
        "kind": "farmers_market", "name": "画成线的市场", "geometry": json.dumps(line_geometry()),
        "buffer_m": "20", "community": world.taoyuan.pk, "note": "", "is_active": "on"})

    assert response.status_code == 200
    assert "农贸市场、城乡结合部应画成面（Polygon）" in response.content.decode()
    assert not KeyPlace.objects.filter(name="画成线的市场").exists()
