"""Validate the news test set: python eval/news/check.py (stdlib only; exits 1 on any problem).

Checks articles.jsonl, events.jsonl and expected.jsonl: JSON on every line, the fields and
their types, dates in range, CAMEO codes among src/dyad/data/cameo.tsv with the codebook's
PLOVER type and mode, actor codes and countries against the knowledge base, evidence that occurs
exactly in its article's text, word counts, and expected.jsonl agreeing with the events.
"""
import collections
import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parents[1] / "src" / "dyad" / "data"
MODALITIES = {"asserted", "intended", "historical"}
PRECISIONS = {"day": 10, "month": 7, "year": 4}
errors = []


def months(date):
    """Months since year 0 of a YYYY, YYYY-MM or YYYY-MM-DD date (a bare year counts as its June)."""
    return int(date[:4]) * 12 + (int(date[5:7]) if len(date) >= 7 else 6)


def err(msg):
    errors.append(msg)


def tsv(path):
    rows = []
    header = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        f = line.split("\t")
        if header is None:
            header = f
            continue
        rows.append(dict(zip(header, f)))
    return rows


def load(name):
    out = []
    for n, line in enumerate((HERE / name).read_text(encoding="utf-8").splitlines(), 1):
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as e:
            err(f"{name}:{n}: not JSON ({e})")
    return out


def main():
    cameo = {r["cameo"]: r for r in tsv(DATA / "cameo.tsv")}
    countries = {r["iso3"] for r in tsv(DATA / "actors" / "countries.tsv")}
    sectors = {r["sector"] for r in tsv(DATA / "actors" / "agents.tsv")} | {"IGO", "NGO", "PTY", "OPP", "REB"}
    orgs = {r["code"]: r for r in tsv(DATA / "actors" / "organizations.tsv")}
    org_codes = {f"{r['sector']}{c}" for c, r in orgs.items() if not r.get("country")}

    arts = load("articles.jsonl")
    by_id = {}
    for a in arts:
        for k, t in (("id", str), ("outlet", str), ("title", str), ("date", str), ("url", str), ("text", str)):
            if not isinstance(a.get(k), t):
                err(f"article {a.get('id')}: field {k} missing or not {t.__name__}")
        if "cluster" not in a or not (a["cluster"] is None or isinstance(a["cluster"], str)):
            err(f"article {a.get('id')}: cluster must be a string or null")
        if a.get("id") in by_id:
            err(f"article {a['id']}: duplicate id")
        by_id[a.get("id")] = a
        if not ("2026-09-01" <= a.get("date", "") <= "2026-12-01"):
            err(f"article {a.get('id')}: date {a.get('date')} outside 2026-09-01..2026-12-01")
        words = len(a.get("text", "").split())
        if not 250 <= words <= 700:
            err(f"article {a.get('id')}: {words} words, 250-700 wanted")
        if a.get("cluster") and not a["id"].startswith(a["cluster"] + "-"):
            err(f"article {a['id']}: id does not start with its cluster {a['cluster']}")

    evs = load("events.jsonl")
    reports = collections.defaultdict(set)
    for i, e in enumerate(evs, 1):
        where = f"events.jsonl:{i} ({e.get('event')})"
        a = by_id.get(e.get("article"))
        if a is None:
            err(f"{where}: unknown article {e.get('article')}")
            continue
        reports[e.get("event")].add(e["article"])
        if not re.fullmatch(r"n\d\d-e\d+", str(e.get("event"))):
            err(f"{where}: event id should look like n01-e1")
        c = cameo.get(e.get("cameo"))
        if c is None:
            err(f"{where}: CAMEO {e.get('cameo')} not in cameo.tsv")
        else:
            if e.get("type") != (c["plover_type"] or None):
                err(f"{where}: type {e.get('type')} but the codebook says {c['plover_type'] or None}")
            if e.get("mode") != (c["plover_mode"] or None):
                err(f"{where}: mode {e.get('mode')} but the codebook says {c['plover_mode'] or None}")
        if e.get("modality") not in MODALITIES:
            err(f"{where}: modality {e.get('modality')} (gold lists asserted, intended, historical only)")
        for role in ("actor", "recipient"):
            p = e.get(role)
            if p is None:
                if role == "actor":
                    err(f"{where}: no actor")
                continue
            code, cty, text = p.get("code"), p.get("country"), p.get("text")
            if not isinstance(text, str) or not text:
                err(f"{where}: {role} has no text")
            if cty is not None and cty not in countries:
                err(f"{where}: {role} country {cty} unknown")
            if not isinstance(code, str):
                err(f"{where}: {role} has no code")
            elif cty:
                if not code.startswith(cty) or (code[3:] and code[3:] not in sectors):
                    err(f"{where}: {role} code {code} does not read as {cty} + a sector")
            elif code not in org_codes:
                err(f"{where}: {role} code {code} with no country is not an organisation code (IGOUNO...)")
        d, prec = e.get("date"), e.get("date_precision")
        if prec not in PRECISIONS or not isinstance(d, str) or len(d) != PRECISIONS[prec]:
            err(f"{where}: date {d} does not match precision {prec}")
        elif e.get("modality") == "historical" and months(a["date"]) - months(d) < 12:
            err(f"{where}: historical event dated {d}, less than a year before the article ({a['date']})")
        elif e.get("modality") != "historical" and months(a["date"]) - months(d) > 12:
            err(f"{where}: event dated {d}, over a year before the article ({a['date']}), is not historical")
        elif prec == "day" and d > a["date"] and e.get("modality") == "asserted":
            err(f"{where}: asserted event dated {d}, after the article ({a['date']})")
        pl = e.get("place")
        if pl is not None and (not pl.get("name") or (pl.get("country") and pl["country"] not in countries)):
            err(f"{where}: bad place {pl}")
        ev = e.get("evidence")
        if not isinstance(ev, str) or not ev or ev not in a["text"]:
            err(f"{where}: evidence not found in {a['id']}: {ev!r}")

    exp = load("expected.jsonl")
    got = {x.get("event"): x.get("sources") for x in exp}
    if len(got) != len(exp):
        err("expected.jsonl: an event listed twice")
    for ev, arts_ in reports.items():
        if got.get(ev) != len(arts_):
            err(f"expected.jsonl: {ev} has sources {got.get(ev)}, events.jsonl has {len(arts_)} articles")
    for ev in got:
        if ev not in reports:
            err(f"expected.jsonl: {ev} has no reports in events.jsonl")
    for ev, arts_ in reports.items():
        clusters = {by_id[x]["cluster"] or x for x in arts_}
        if len(clusters) > 1:
            err(f"{ev}: reported across articles of different clusters {sorted(arts_)}")
    for a in arts:
        if not any(e.get("article") == a["id"] for e in evs):
            err(f"article {a['id']}: no gold events")

    types = collections.Counter(e.get("type") or "statement" for e in evs)
    print(f"{len(arts)} articles in {len({a['cluster'] for a in arts if a['cluster']})} clusters and "
          f"{sum(1 for a in arts if not a['cluster'])} singles; {len(evs)} event reports; {len(got)} real-world events "
          f"({sum(1 for v in got.values() if v > 1)} reported more than once)")
    print("reports by type:", dict(sorted(types.items())))
    print("by modality:", dict(collections.Counter(e.get("modality") for e in evs)))
    for m in errors:
        print("ERROR", m)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
