from jiedao.territory.models import Role
from jiedao.territory.selectors import (
    community_of,
    duties_of,
    first_responsible_of,
    people_covering,
    people_in_scope,
    units_tree,
)
from jiedao.territory.services import duty_assign, unit_update
from jiedao.territory.tests.factories import UnitFactory, small_tree


def test_units_tree_nests_children_under_parents(db):
    small_tree()

    roots = units_tree()

    assert [node.unit.code for node in roots] == ["440305"]
    community = roots[0].children[0].children[0].children[0]
    assert (community.unit.code, [node.unit.code for node in community.children]) == (
        "440305001001", ["440305001001001", "440305001001002"])


def test_units_tree_hides_inactive_units(db):
    *_, east = small_tree()
    unit_update(unit=east, is_active=False)

    community = units_tree()[0].children[0].children[0].children[0]

    assert [node.unit.code for node in community.children] == ["440305001001001"]


def test_people_in_scope_and_covering(db, django_user_model):
    _district, subdistrict, _area, community, west, east = small_tree()
    wang, li, zhou = (django_user_model.objects.create_user(username=name) for name in ("wang", "li", "zhou"))
    duty_assign(user=wang, role=Role.GRID_WORKER, unit=west)
    duty_assign(user=li, role=Role.GRID_WORKER, unit=east)
    duty_assign(user=zhou, role=Role.DISPATCHER, unit=subdistrict)

    assert [user.username for user in people_in_scope(unit=west, role=Role.GRID_WORKER)] == ["wang"]
    assert [user.username for user in people_in_scope(unit=community, role=Role.GRID_WORKER)] == ["li", "wang"]
    assert [user.username for user in people_covering(unit=west, role=Role.DISPATCHER)] == ["zhou"]
    assert [(duty.role, duty.unit.code) for duty in duties_of(user=zhou)] == [("dispatcher", "440305001")]


def test_first_responsible_is_the_nearest_holder_above(db, django_user_model):
    _district, subdistrict, _area, community, west, _east = small_tree()
    secretary = django_user_model.objects.create_user(username="secretary")
    deputy = django_user_model.objects.create_user(username="deputy", is_active=False)
    duty_assign(user=secretary, role=Role.FIRST_RESPONSIBLE, unit=community)
    duty_assign(user=deputy, role=Role.FIRST_RESPONSIBLE, unit=west)

    assert first_responsible_of(unit=west) == secretary
    assert first_responsible_of(unit=subdistrict) is None
    assert community_of(unit=west) == community
    assert community_of(unit=UnitFactory(level="district", code="440306")) is None
