"""Draw the field app's home-screen icons (committed PNGs in static/field/icons/).

    .venv/bin/python -m jiedao.field.make_icons

A white map pin with a dashed patrol path on the site's dark blue; the maskable icon keeps its
drawing inside the central 80 % circle that launchers never crop. Drawn at 4× and scaled down
for smooth edges. No font is needed, so the result is the same on every machine."""

import itertools
from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent / "static" / "field" / "icons"
BLUE_900 = (15, 47, 87)
BLUE_600 = (45, 111, 190)
WHITE = (255, 255, 255)
GREEN = (50, 164, 103)
SCALE = 4


def _draw(size: int, *, maskable: bool) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=BLUE_900)
        content = 0.62  # the safe zone is a circle of 80 %; keep the drawing well inside it
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=int(big * 0.2), fill=BLUE_900)
        content = 0.8
    unit = big * content
    left = (big - unit) / 2
    top = (big - unit) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        return left + x * unit, top + y * unit

    # the patrol path: a dashed curve from bottom left to the pin
    path = [(0.05, 0.92), (0.18, 0.80), (0.32, 0.86), (0.46, 0.78), (0.55, 0.70)]
    width = int(unit * 0.045)
    for (x1, y1), (x2, y2) in itertools.pairwise(path):
        for step in range(4):
            if step % 2:
                continue
            a, b = step / 4, (step + 1) / 4
            draw.line([at(x1 + (x2 - x1) * a, y1 + (y2 - y1) * a), at(x1 + (x2 - x1) * b, y1 + (y2 - y1) * b)],
                      fill=GREEN, width=width)
    start = at(*path[0])
    r = unit * 0.05
    draw.ellipse((start[0] - r, start[1] - r, start[0] + r, start[1] + r), fill=GREEN)

    # the pin: a circle with a point below it, and a hole
    cx, cy, radius = 0.6, 0.36, 0.26
    centre = at(cx, cy)
    pr = radius * unit
    draw.ellipse((centre[0] - pr, centre[1] - pr, centre[0] + pr, centre[1] + pr), fill=WHITE)
    draw.polygon([at(cx - radius * 0.78, cy + radius * 0.62), at(cx + radius * 0.78, cy + radius * 0.62),
                  at(cx, cy + radius * 2.15)], fill=WHITE)
    hole = pr * 0.42
    draw.ellipse((centre[0] - hole, centre[1] - hole, centre[0] + hole, centre[1] + hole), fill=BLUE_600)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    outputs = {
        "icon-192.png": _draw(192, maskable=False),
        "icon-512.png": _draw(512, maskable=False),
        "icon-maskable-512.png": _draw(512, maskable=True),
        "apple-touch-icon.png": _draw(180, maskable=True).convert("RGB"),
    }
    for name, image in outputs.items():
        image.save(ICONS / name, format="PNG", optimize=True)


if __name__ == "__main__":
    main()
