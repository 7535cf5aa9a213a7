"""Issue 11, point 4: an administrator defines a grid class scheme and chooses it for the office."""

from django.urls import reverse

from jiedao.territory.models import GridClassScheme
from jiedao.territory.services import grid_classes_seed_default


def test_choosing_a_new_scheme_in_the_admin_sets_the_old_one_aside(admin_client):
    grid_classes_seed_default()

    response = admin_client.post(reverse("admin:territory_gridclassscheme_add"), {
        "name": "核心区/一般区", "is_in_use": "on",
        "classes-TOTAL_FORMS": "2", "classes-INITIAL_FORMS": "0", "classes-MIN_NUM_FORMS": "0",
        "classes-MAX_NUM_FORMS": "1000",
        "classes-0-order": "1", "classes-0-code": "core", "classes-0-name": "核心区",
        "classes-1-order": "2", "classes-1-code": "general", "classes-1-name": "一般区",
    })

    assert response.status_code == 302
    assert list(GridClassScheme.objects.filter(is_in_use=True).values_list("name", flat=True)) == ["核心区/一般区"]
    assert list(GridClassScheme.objects.get(name="核心区/一般区").classes.values_list("code", "name", "order")) == [
        ("core", "核心区", 1), ("general", "一般区", 2)]
    assert GridClassScheme.objects.get(name="一类/二类").is_in_use is False


def test_grid_class_pages_render(admin_client):
    grid_classes_seed_default()
    scheme = GridClassScheme.objects.get(name="一类/二类")

    assert admin_client.get(reverse("admin:territory_gridclassscheme_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:territory_gridclassscheme_change", args=[scheme.pk])).status_code == 200
