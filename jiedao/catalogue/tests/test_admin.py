import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from jiedao.catalogue.models import CaseRule, CatalogueItem
from jiedao.territory.tests.factories import small_tree


@pytest.mark.parametrize("name", [
    "admin:catalogue_catalogueitem_changelist", "admin:catalogue_caserule_changelist",
    "admin:territory_unit_changelist", "admin:territory_organisation_changelist",
    "admin:territory_duty_changelist",
])
def test_admin_lists_render(admin_client, name):
    call_command("seed_catalogue", stdout=io.StringIO())
    small_tree()

    response = admin_client.get(reverse(name), {"q": "bllj"} if "catalogueitem" in name else {})

    assert response.status_code == 200


def test_admin_search_by_pinyin_finds_the_item(admin_client):
    call_command("seed_catalogue", stdout=io.StringIO())

    response = admin_client.get(reverse("admin:catalogue_catalogueitem_changelist"), {"q": "bllj"})

    assert list(response.context["cl"].result_list) == [CatalogueItem.objects.get(code="06010", kind="matter")]
    assert CaseRule.objects.filter(item__code="06010").count() == 2
