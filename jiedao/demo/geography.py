"""The fictional 青溪街道 on the map: its outline, six communities and their grids, and the affine
transform that moves Boston points into it. Pure functions of fixed seeds (no database), so the same
polygons come out on every run and the sample builder can use them too.

The grids are a Voronoi partition clipped to each community, and the communities a Voronoi
partition clipped to the outline, so the grids tile the sub-district without gaps or overlaps and
every community is one contiguous block of grids (standards.md §1.2, 横向到边).
"""

import math
import random
from dataclasses import dataclass

import shapely
from shapely.geometry import MultiPoint, Point, Polygon, mapping

DISTRICT_CODE, DISTRICT_NAME = "330199", "清江区"
SUBDISTRICT_CODE, SUBDISTRICT_NAME = "330199001", "青溪街道"
# Where the sub-district lies (WGS-84): roughly the size of a real urban 街道 (about 20 km²).
WEST, SOUTH, EAST, NORTH = 120.10, 30.20, 120.16, 30.25
# Grid vertices are snapped to 1e-6° (about 0.1 m) so the stored GeoJSON stays small.
PRECISION = 1e-6


@dataclass(frozen=True)
class AreaPlan:
    code: str
    name: str


@dataclass(frozen=True)
class CommunityPlan:
    code: str
    name: str
    area_code: str
    is_village: bool
    # Where the community's Voronoi seed sits, as a fraction of the sub-district's bounding box.
    seed: tuple[float, float]
    grid_count: int
    roads: tuple[str, ...]


AREAS = (
    AreaPlan(f"{SUBDISTRICT_CODE}A01", "东片"),
    AreaPlan(f"{SUBDISTRICT_CODE}A02", "西片"),
    AreaPlan(f"{SUBDISTRICT_CODE}A03", "北片"),
)

# The dense core lies where Boston's points are densest (north and centre); the two villages take
# the sparse south-west, so the transformed reports fall in a believable pattern.
COMMUNITIES = (
    CommunityPlan(f"{SUBDISTRICT_CODE}001", "桃源社区", f"{SUBDISTRICT_CODE}A03", False, (0.52, 0.80), 9,
                  ("桃源路", "青溪大街", "文昌巷", "桃花弄")),
    CommunityPlan(f"{SUBDISTRICT_CODE}002", "柳岸社区", f"{SUBDISTRICT_CODE}A03", False, (0.22, 0.74), 8,
                  ("柳岸街", "青溪大街", "杨柳巷", "新塘路")),
    CommunityPlan(f"{SUBDISTRICT_CODE}003", "南湖社区", f"{SUBDISTRICT_CODE}A01", False, (0.62, 0.38), 8,
                  ("南湖路", "湖滨街", "荷花巷", "清江路")),
    CommunityPlan(f"{SUBDISTRICT_CODE}004", "望江社区", f"{SUBDISTRICT_CODE}A01", False, (0.84, 0.64), 8,
                  ("望江路", "江滨大道", "观潮巷", "清江路")),
    CommunityPlan(f"{SUBDISTRICT_CODE}005", "石桥村", f"{SUBDISTRICT_CODE}A02", True, (0.18, 0.38), 6,
                  ("石桥路", "村中路", "溪口组", "上塘组")),
    CommunityPlan(f"{SUBDISTRICT_CODE}006", "梅园村", f"{SUBDISTRICT_CODE}A02", True, (0.42, 0.12), 6,
                  ("梅园路", "村东路", "梅岭组", "下塘组")),
)


@dataclass(frozen=True)
class GridPlan:
    code: str
    name: str
    community_code: str
    is_village: bool
    polygon: Polygon


def outline() -> Polygon:
    """An irregular, gently lobed outline filling the bounding box with a small margin."""
    points = []
    for step in range(96):
        angle = 2 * math.pi * step / 96
        radius = (1 + 0.07 * math.sin(3 * angle + 0.6) + 0.045 * math.sin(5 * angle + 2.1)
                  + 0.02 * math.sin(9 * angle + 0.3))
        points.append((radius * math.cos(angle), radius * math.sin(angle)))
    xs, ys = [x for x, _ in points], [y for _, y in points]
    margin = 0.001
    scale_x = (EAST - WEST - 2 * margin) / (max(xs) - min(xs))
    scale_y = (NORTH - SOUTH - 2 * margin) / (max(ys) - min(ys))
    ring = [(WEST + margin + (x - min(xs)) * scale_x, SOUTH + margin + (y - min(ys)) * scale_y) for x, y in points]
    return shapely.set_precision(Polygon(ring), PRECISION)


def _voronoi_cells(seeds: list[tuple[float, float]], within: Polygon) -> list[Polygon]:
    """One cell per seed, in the seeds' order, clipped to `within`."""
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=within.envelope.buffer(0.01))
    by_seed = []
    for seed in seeds:
        point = Point(seed)
        cell = next(cell for cell in cells.geoms if cell.covers(point))
        by_seed.append(cell.intersection(within))
    return by_seed


def _only_polygon(geometry) -> Polygon:
    if geometry.geom_type == "Polygon":
        return geometry
    # A clip can leave a sliver beside the main piece; keep the main piece.
    return max(geometry.geoms, key=lambda part: part.area)


def _relaxed_seeds(polygon: Polygon, count: int, rng: random.Random, rounds: int = 12) -> list[tuple[float, float]]:
    """Random seeds inside the polygon, spread evenly by Lloyd relaxation (each seed moves to its
    cell's centroid), so grids come out of similar size but irregular shape."""
    minx, miny, maxx, maxy = polygon.bounds
    seeds: list[tuple[float, float]] = []
    while len(seeds) < count:
        candidate = (rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if polygon.contains(Point(candidate)):
            seeds.append(candidate)
    for _round in range(rounds):
        cells = _voronoi_cells(seeds, polygon)
        seeds = [(cell.centroid.x, cell.centroid.y) for cell in cells]
    return seeds


def communities(shape: Polygon | None = None) -> dict[str, Polygon]:
    shape = shape or outline()
    minx, miny, maxx, maxy = shape.bounds
    seeds = [(minx + (maxx - minx) * fx, miny + (maxy - miny) * fy) for fx, fy in (c.seed for c in COMMUNITIES)]
    cells = _voronoi_cells(seeds, shape)
    return {plan.code: _only_polygon(cell) for plan, cell in zip(COMMUNITIES, cells, strict=True)}


def _reading_order(cells: list[Polygon], community: Polygon) -> list[Polygon]:
    """West→east, then north→south (standards.md §1.2): rows of about one grid's height."""
    row_height = math.sqrt(community.area / len(cells))
    top = community.bounds[3]
    return sorted(cells, key=lambda cell: (int((top - cell.centroid.y) / row_height), cell.centroid.x))


def _snapped_coverage(cells: list[Polygon]) -> list[Polygon]:
    """The same cells with every vertex on the 1e-6° lattice and the shared edges still identical.

    Snapping each polygon on its own would move a vertex that sits on a neighbour's straight edge
    off that edge, leaving slivers of gap and overlap. Instead the line work of all cells is noded
    once, snap-rounded once and polygonized, and each face goes back to the cell it came from."""
    lines = shapely.set_precision(shapely.union_all([cell.boundary for cell in cells]), PRECISION)
    faces = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(lines))))
    tree = shapely.STRtree(cells)
    pieces: list[list[Polygon]] = [[] for _cell in cells]
    for face in faces:
        inside = face.representative_point()
        owner = next(index for index in tree.query(inside) if cells[index].covers(inside))
        pieces[owner].append(face)
    return [_only_polygon(shapely.union_all(parts)) for parts in pieces]


def grids() -> list[GridPlan]:
    """Every grid of the sub-district, numbered inside its community. The communities' own
    boundaries and the sub-district's are the unions of their grids (see `union_of`)."""
    shape = outline()
    ordered: list[tuple[CommunityPlan, Polygon]] = []
    for plan, community in zip(COMMUNITIES, communities(shape).values(), strict=True):
        rng = random.Random(f"jiedao-demo-{plan.code}")
        seeds = _relaxed_seeds(community, plan.grid_count, rng)
        cells = [_only_polygon(cell) for cell in _voronoi_cells(seeds, community)]
        ordered += [(plan, cell) for cell in _reading_order(cells, community)]
    snapped = _snapped_coverage([cell for _plan, cell in ordered])
    plans, sequence = [], {}
    for (plan, _cell), polygon in zip(ordered, snapped, strict=True):
        sequence[plan.code] = sequence.get(plan.code, 0) + 1
        number = sequence[plan.code]
        plans.append(GridPlan(code=f"{plan.code}{number:03d}", name=f"{plan.name}第{number}网格",
                              community_code=plan.code, is_village=plan.is_village,
                              polygon=shapely.normalize(polygon)))
    return plans


def union_of(polygons: list[Polygon]) -> Polygon:
    """The union of adjacent grids; their shared edges are identical, so nothing needs snapping."""
    return shapely.normalize(_only_polygon(shapely.union_all(polygons)))


def geojson(polygon: Polygon) -> dict:
    """GeoJSON with plain lists (what a JSONField gives back), so comparing with a stored boundary
    tells whether anything changed."""
    data = mapping(polygon)
    return {"type": "Polygon",
            "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring] for ring in data["coordinates"]]}


# ---------------------------------------------------------------- Boston → 青溪街道

# The 1st–99th percentile box of the Boston 2015 points (placeholder point excluded), measured by
# data/build_sample.py; it is stretched onto the outline's bounding box.
BOSTON_WEST, BOSTON_SOUTH, BOSTON_EAST, BOSTON_NORTH = -71.1685, 42.2490, -71.0068, 42.3866


def boston_to_local(longitude: float, latitude: float, shape: Polygon | None = None) -> tuple[float, float]:
    """The affine map of Boston's box onto the sub-district's box (a scale and a shift per axis)."""
    minx, miny, maxx, maxy = (shape or outline()).bounds
    x = (longitude - BOSTON_WEST) / (BOSTON_EAST - BOSTON_WEST)
    y = (latitude - BOSTON_SOUTH) / (BOSTON_NORTH - BOSTON_SOUTH)
    return round(minx + x * (maxx - minx), 6), round(miny + y * (maxy - miny), 6)
