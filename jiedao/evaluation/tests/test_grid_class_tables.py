"""Issue 11, point 4: the region 立案数 tables are keyed by the grid class's code, so an office on
another scheme (A/B/C) writes its tables under its own codes and they apply to its grids."""

from decimal import Decimal

from jiedao.evaluation.models import ObjectType, ScoringScheme
from jiedao.evaluation.selectors import evaluation_for
from jiedao.evaluation.services import scoring_scheme_save
from jiedao.territory.models import GridClass, GridClassScheme, Unit, UnitLevel
from jiedao.territory.services import grid_class_scheme_choose

from .conftest import END, START


def table(zero_score: int, six_score: int) -> dict:
    return {"steps": [{"op": "<=", "value": 0, "score": zero_score}, {"op": "<=", "value": 6, "score": six_score}],
            "otherwise": 0}


def volumes() -> dict[int, Decimal]:
    return {row.key: row.scores["filed_volume"]
            for row in evaluation_for(object_type=ObjectType.REGION, level=UnitLevel.GRID, start=START, end=END)}


def test_an_abc_scheme_scores_each_grid_on_its_own_classes_table(world, week):
    # Given an office on A/B/C: grid 1 (6 filed) is B, grid 2 (nothing filed) is A
    scheme = GridClassScheme.objects.create(name="A/B/C")
    a, b, _c = (GridClass.objects.create(scheme=scheme, code=code, name=f"{code}类", order=order)
                for order, code in enumerate("ABC", start=1))
    grid_class_scheme_choose(scheme=scheme)
    Unit.objects.filter(pk=world.grids[0].pk).update(grid_class=b)
    Unit.objects.filter(pk=world.grids[1].pk).update(grid_class=a)
    Unit.objects.filter(pk__in=[world.grids[2].pk, world.grids[3].pk]).update(grid_class=None)
    region = ScoringScheme.objects.get(object_type=ObjectType.REGION)
    scoring_scheme_save(scheme=region, weights=region.weights,
                        stepped_tables={"filed_volume": {"A": table(100, 50), "B": table(90, 70)}})

    scores = volumes()

    assert scores[world.grids[0].pk] == Decimal("70.00")  # B's table: 6 filed → 70
    assert scores[world.grids[1].pk] == Decimal("100.00")  # A's table: 0 filed → 100
    # No class (1 filed in grid 3): the strictest class's table, A's: ≤ 6 → 50
    assert scores[world.grids[2].pk] == Decimal("50.00")


def test_the_default_tables_still_apply_to_the_first_and_second_class(world, week):
    scores = volumes()

    # 一类 grid 1, 6 filed → 60 (< 7); 二类 grid 2, none → 100; 一类 grid 3, 1 filed → 90 (< 3)
    assert [scores[grid.pk] for grid in world.grids[:3]] == [Decimal("60.00"), Decimal("100.00"), Decimal("90.00")]
    # and a 二类 grid with 1 filed would still score 100 (≤ 1 for 二类): the table is read by the class code
    Unit.objects.filter(pk=world.grids[2].pk).update(grid_class=world.grid_classes["2"])
    assert volumes()[world.grids[2].pk] == Decimal("100.00")
