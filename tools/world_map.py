"""Write src/dyad/data/world-110m.tsv, the offline base map of `dyad serve`, from world-atlas.

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/world_map.py package/countries-110m.json

world-atlas (ISC licence) redistributes Natural Earth's 1:110m Admin 0 boundaries (public
domain) as TopoJSON. Each output line is a country: ISO3 code (from the ISO numeric id; "-"
where it has none), name, and its outline as an SVG path in an equirectangular projection
whose viewBox is 0 0 360 180 (x = longitude + 180, y = 90 - latitude).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parent.parent / "src" / "dyad" / "data" / "world-110m.tsv"


def main(source: str) -> None:
    topology = json.loads(Path(source).read_text())
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded, quantized
            x, y = x + dx, y + dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)

    def ring(indices: list[int]) -> str:
        points: list[tuple[float, float]] = []
        for i in indices:
            part = arcs[i] if i >= 0 else arcs[~i][::-1]
            points += part[1:] if points else part
        pieces: list[list[tuple[float, float]]] = [[]]
        for lon, lat in points:  # a ring crossing the antimeridian is cut there, not drawn across the map
            if pieces[-1] and abs(lon - pieces[-1][-1][0]) > 180:
                pieces.append([])
            pieces[-1].append((lon, lat))
        return "".join("M" + "L".join(f"{lon + 180:.1f},{90 - lat:.1f}" for lon, lat in piece) + "Z"
                       for piece in pieces if len(piece) > 2)

    lines = ["# iso3\tname\tpath (SVG, viewBox 0 0 360 180; from Natural Earth 1:110m via world-atlas 2.0.2; "
             "written by tools/world_map.py)"]
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs") or []
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        path = "".join(ring(r) for polygon in polygons for r in polygon)
        country = pycountry.countries.get(numeric=geometry.get("id", "")) if geometry.get("id") else None
        lines.append(f"{country.alpha_3 if country else '-'}\t{geometry['properties']['name']}\t{path}")
    OUT.write_text("\n".join(lines) + "\n")
    print(f"{len(lines) - 1} countries written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
