"""Region outlines for maps: simplified, quantised and delta-encoded, so a browser downloads little.

A stored outline (``Region.outline``) is a list of polygons; a polygon is a list of rings (the
outer ring first, then holes); a ring is a flat list of whole numbers ``[x0, y0, dx1, dy1, ...]``:
the first point in units of ``QUANTUM`` degrees (x = longitude, y = latitude), every later point
as the step from the one before. The ring is closed (its last point is its first). Steps are small
numbers, which is what makes the whole province at village level a small download once compressed.

``static/js/maps.js`` decodes the same form.
"""

from __future__ import annotations

from collections.abc import Sequence

QUANTUM = 0.0001  # degrees, about 11 m
# Douglas-Peucker tolerance in degrees per level: a kabupaten is drawn smaller than a village.
TOLERANCE = {2: 0.003, 3: 0.0015, 4: 0.001}
MIN_RING_POINTS = 4  # a closed triangle

Point = tuple[int, int]


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker: keep the points that lie farther than ``tolerance`` from the simplified line."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    limit = tolerance * tolerance
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        ax, ay = points[first]
        bx, by = points[last]
        dx, dy = bx - ax, by - ay
        length = dx * dx + dy * dy
        farthest, at = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                distance = (px - ax) ** 2 + (py - ay) ** 2
            else:
                t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
                distance = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2
            if distance > farthest:
                farthest, at = distance, i
        if farthest > limit:
            keep[at] = True
            stack += [(first, at), (at, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _quantise(ring: Sequence[Sequence[float]]) -> list[Point]:
    points: list[Point] = []
    for x, y, *_rest in ring:
        point = (round(x / QUANTUM), round(y / QUANTUM))
        if not points or points[-1] != point:
            points.append(point)
    if points and points[0] != points[-1]:
        points.append(points[0])
    return points


def _delta(points: list[Point]) -> list[int]:
    flat = [points[0][0], points[0][1]]
    for (px, py), (x, y) in zip(points, points[1:], strict=False):
        flat += [x - px, y - py]
    return flat


def encode_outline(polygons: Sequence[Sequence[Sequence[Sequence[float]]]], *, level: int) -> list[list[list[int]]]:
    """GeoJSON MultiPolygon coordinates ([lng, lat] in degrees) to the stored outline.

    Rings that simplify to less than a triangle are dropped (tiny islands, slivers); the
    largest outer ring is always kept, unsimplified if need be, so no region loses its shape.
    """
    tolerance = TOLERANCE.get(level, TOLERANCE[4]) / QUANTUM
    encoded: list[list[list[int]]] = []
    largest: tuple[int, list[Point]] = (0, [])
    for polygon in polygons:
        rings: list[list[int]] = []
        for index, ring in enumerate(polygon):
            points = _quantise(ring)
            if index == 0 and len(points) > largest[0]:
                largest = (len(points), points)
            points = simplify(points, tolerance)
            if len(points) < MIN_RING_POINTS:
                if index == 0:
                    break  # an outer ring gone: its holes go with it
                continue
            rings.append(_delta(points))
        if rings:
            encoded.append(rings)
    if not encoded and largest[0] >= MIN_RING_POINTS:
        encoded.append([_delta(largest[1])])
    return encoded


def decode_ring(flat: Sequence[int]) -> list[tuple[float, float]]:
    """A stored ring back to (lng, lat) degrees (for tests and checks; browsers use maps.js)."""
    x, y = flat[0], flat[1]
    points = [(x * QUANTUM, y * QUANTUM)]
    for i in range(2, len(flat), 2):
        x += flat[i]
        y += flat[i + 1]
        points.append((x * QUANTUM, y * QUANTUM))
    return points


def centroid_of(polygons: Sequence[Sequence[Sequence[Sequence[float]]]]) -> tuple[float, float] | None:
    """The area-weighted centroid (lat, lng) of the outer rings, for a file without lat/lng properties."""
    area_sum = cx = cy = 0.0
    for polygon in polygons:
        if not polygon:
            continue
        ring = polygon[0]
        for (x0, y0, *_a), (x1, y1, *_b) in zip(ring, ring[1:], strict=False):
            cross = x0 * y1 - x1 * y0
            area_sum += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if area_sum == 0:
        return None
    return cy / (3 * area_sum), cx / (3 * area_sum)
