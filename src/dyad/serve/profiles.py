"""What the actor and article pages show: an actor's (or country's) events over time, partners,
types and places; and an article's text cut into pieces, each marked with the evidence it is
and the cleaner's reason when it was removed.

An actor page counts the events stated as happening (`types.FACTUAL`), statements left out, as
the trend and the overview do, with the actor on either side unless a count says "as actor".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from ..store.parties import country_sql, parse_party, party_condition
from ..store.store import Store
from ..store.views import NOT_STATEMENT
from ..types import FACTUAL

__all__ = ["Piece", "actor_profile", "article_pieces", "party_name"]

# evidence kinds, the one shown first where two overlap (a place inside an actor's name)
KINDS = ("event", "actor", "recipient", "location", "date")


def actor_profile(store: Store, code: str, top: int = 12) -> dict[str, Any]:
    """An actor code's events (either side): by month and QuadClass, its busiest partners (the
    other side's country or organisation, each way), its types, its places (busiest first) and its
    names."""
    party = parse_party(code)
    (as_actor, a_params), (as_recipient, r_params) = party_condition("actor", party), party_condition("recipient", party)
    base = f"list_contains(?, modality) AND {NOT_STATEMENT}"
    either = f"({as_actor} OR {as_recipient})"
    factual = list(FACTUAL)
    cursor = store.db.cursor()

    def rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
        found = cursor.execute(sql, params)
        columns = [d[0] for d in found.description]
        return [dict(zip(columns, row, strict=True)) for row in found.fetchall()]

    both = [factual, *a_params, *r_params]
    # a date known to the year only would pile into January: counted apart
    months = rows(f"""SELECT strftime(date, '%Y-%m') AS month, min(date_trunc('month', date))::DATE AS since,
                             last_day(min(date)) AS until, count(*) AS events,
                             {', '.join(f'count(*) FILTER (WHERE quad_class = {q}) AS q{q}' for q in (1, 2, 3, 4))},
                             round(avg(goldstein), 2) AS mean_goldstein
                      FROM events WHERE {base} AND {either} AND date IS NOT NULL AND date_precision IS DISTINCT FROM 'year'
                      GROUP BY 1 ORDER BY 1""", both)
    coarse = rows(f"""SELECT count(*) FILTER (WHERE date IS NULL) AS undated,
                             count(*) FILTER (WHERE date_precision = 'year') AS year_only,
                             count(*) FILTER (WHERE {as_actor}) AS as_actor, count(*) FILTER (WHERE {as_recipient}) AS as_recipient,
                             count(*) AS events
                      FROM events WHERE {base} AND {either}""", [*a_params, *r_params, factual, *a_params, *r_params])[0]
    partner_a, partner_r = country_sql("recipient"), country_sql("actor")
    partners = rows(f"""SELECT partner, count(*) FILTER (WHERE outgoing) AS outgoing, count(*) FILTER (WHERE NOT outgoing) AS incoming,
                               count(*) AS events, round(avg(goldstein), 2) AS mean_goldstein
                        FROM (SELECT {partner_a} AS partner, TRUE AS outgoing, goldstein FROM events WHERE {base} AND {as_actor}
                              UNION ALL
                              SELECT {partner_r}, FALSE, goldstein FROM events WHERE {base} AND {as_recipient})
                        WHERE partner IS NOT NULL AND partner <> ?
                        GROUP BY 1 ORDER BY events DESC, 1 LIMIT ?""", [factual, *a_params, factual, *r_params, party.country, top])
    types = rows(f"""SELECT event_type, count(*) FILTER (WHERE {as_actor}) AS as_actor,
                            count(*) FILTER (WHERE {as_recipient}) AS as_recipient, count(*) AS events
                     FROM events WHERE {base} AND {either} GROUP BY 1 ORDER BY events DESC, 1 LIMIT ?""",
                 [*a_params, *r_params, *both, top])
    # the busiest places, counted as the events list each links counts them (the map is `query.places`)
    places = rows(f"""SELECT location_name AS name, location_country AS country, count(*) AS events
                      FROM events WHERE {base} AND {either} AND location_name IS NOT NULL
                      GROUP BY 1, 2 ORDER BY events DESC, 1 LIMIT ?""", [*both, top])
    names = rows(f"""SELECT actor_name AS name, count(*) AS events FROM events
                     WHERE {base} AND {as_actor} AND actor_name IS NOT NULL GROUP BY 1 ORDER BY events DESC, 1 LIMIT 5""",
                 [factual, *a_params])
    return {"code": party.code, "country": party.country, "name": party_name(party.code), "months": months, "partners": partners, "types": types,
            "places": places, "names": names, **coarse, "busiest_month": max((m["events"] for m in months), default=0)}


def party_name(code: str) -> str | None:
    """What an actor code names, from the knowledge base (with the user's DYAD_ACTORS files):
    its country's or organisation's name, then its sectors (RUSMIL: "Russia · MIL"); None for
    a party the knowledge base does not hold. Never a person's name: one person is not the
    whole of a code."""
    from ..coding.actors.loading import env_actor_paths

    party = parse_party(code)
    name = _party_names(tuple(env_actor_paths())).get(party.country)
    sectors = [party.code[i : i + 3] for i in range(len(party.country), len(party.code), 3)]
    return " · ".join([name, *sectors]) if name else None


@functools.lru_cache(maxsize=4)
def _party_names(extra: tuple[str, ...]) -> dict[str, str]:
    """The names of the knowledge base's countries and international organisations, by code."""
    from ..coding.actors.codes import org_code
    from ..coding.actors.knowledge import ActorDictionary

    dictionary = ActorDictionary.load(extra=extra)
    return {**{iso3: country.name for iso3, country in dictionary.countries.items()},
            **{org_code(org): org.name for org in dictionary.orgs.values() if org.country is None}}


@dataclass(frozen=True)
class Piece:
    """A stretch of an article's text: the evidence kind it is (the first of `KINDS` among the
    spans over it), the event whose trigger it is, and the reason the cleaner removed it."""

    text: str
    kind: str | None = None
    event_id: str | None = None
    removed: str | None = None
    starts_block: bool = False  # the first piece of a removed block, where its reason is shown


def article_pieces(text: str, removed: list[dict[str, Any]], events: list[dict[str, Any]]) -> list[Piece]:
    """`text` cut at every edge of a removed block and of every event's evidence span."""
    spans = [(s, e, kind, event["id"]) for event in events for kind, span in event["evidence"].items()
             if span and kind in KINDS for s, e in [span] if 0 <= s < e <= len(text)]
    blocks = [(b["start"], b["end"], b["reason"]) for b in removed if 0 <= b["start"] < b["end"] <= len(text)]
    edges = sorted({0, len(text), *(x for s, e, *_ in spans for x in (s, e)), *(x for s, e, _ in blocks for x in (s, e))})
    pieces = []
    for start, end in zip(edges, edges[1:], strict=False):
        over = [(KINDS.index(kind), kind, event) for s, e, kind, event in spans if s <= start and end <= e]
        kind = min(over)[1] if over else None
        trigger = next((event for _, k, event in sorted(over) if k == "event"), None)
        block = next((b for b in blocks if b[0] <= start and end <= b[1]), None)
        pieces.append(Piece(text[start:end], kind, trigger, block[2] if block else None,
                            starts_block=block is not None and block[0] == start))
    return pieces
