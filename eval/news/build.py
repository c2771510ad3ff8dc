"""Build articles.jsonl, events.jsonl and expected.jsonl from the hand-written sources in src/.

src/<id>.txt: a header of `key: value` lines (id, cluster, outlet, title, date, url), a line
`---`, then the page text as scraped. src/gold*.txt: one gold event a line,
`article | event | cameo | modality | CODE/CTY/actor text | CODE/CTY/recipient text or - |
date (YYYY-MM-DD, YYYY-MM or YYYY) | place name/CTY or - | evidence`; `-` for a null country.
`{nbsp}` stands for a non-breaking space in texts and evidence. Type and mode come from the
codebook (src/dyad/data/cameo.tsv); expected.jsonl counts the distinct articles of each event.
Stdlib only: python eval/news/build.py
"""
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
CODEBOOK = HERE.parents[1] / "src" / "dyad" / "data" / "cameo.tsv"
NBSP = "{nbsp}"


def codebook():
    out = {}
    for line in CODEBOOK.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("cameo\t"):
            continue
        f = line.split("\t")
        out[f[0]] = (f[4] or None, f[5] or None)
    return out


def article(path):
    head, _, text = path.read_text(encoding="utf-8").partition("\n---\n")
    meta = dict(line.split(": ", 1) for line in head.splitlines() if line.strip())
    cluster = meta.get("cluster", "null")
    return {"id": meta["id"], "cluster": None if cluster == "null" else cluster, "outlet": meta["outlet"],
            "title": meta["title"], "date": meta["date"], "url": meta["url"],
            "text": text.rstrip("\n").replace(NBSP, "\u00a0")}


def party(field):
    if field.strip() == "-":
        return None
    code, country, text = field.strip().split("/", 2)
    return {"code": code, "country": None if country == "-" else country, "text": text}


def event(line, cb):
    f = [x.strip() for x in line.split(" | ")]
    if len(f) != 9:
        raise ValueError(f"9 fields wanted, {len(f)} in: {line}")
    art, ev, cameo, modality, actor, recipient, date, place, evidence = f
    ptype, mode = cb[cameo] if cameo in cb else (None, None)
    prec = {10: "day", 7: "month", 4: "year"}[len(date)]
    if place == "-":
        pl = None
    else:
        name, _, cty = place.rpartition("/")
        pl = {"name": name, "country": None if cty == "-" else cty}
    return {"article": art, "event": ev, "cameo": cameo, "type": ptype, "mode": mode, "modality": modality,
            "actor": party(actor), "recipient": party(recipient), "date": date, "date_precision": prec,
            "place": pl, "evidence": evidence.replace(NBSP, "\u00a0")}


def main():
    cb = codebook()
    arts = sorted((article(p) for p in (HERE / "src").glob("*.txt") if not p.name.startswith("gold")),
                  key=lambda a: a["id"])
    evs = []
    for g in sorted((HERE / "src").glob("gold*.txt")):
        for line in g.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                evs.append(event(line, cb))
    order = {a["id"]: i for i, a in enumerate(arts)}
    evs.sort(key=lambda e: order.get(e["article"], 10**6))
    seen = {}
    for e in evs:
        seen.setdefault(e["event"], set()).add(e["article"])
    ids = sorted(seen, key=lambda x: (x.split("-e")[0], int(x.split("-e")[1])))
    with open(HERE / "articles.jsonl", "w", encoding="utf-8") as f:
        for a in arts:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
    with open(HERE / "events.jsonl", "w", encoding="utf-8") as f:
        for e in evs:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
    with open(HERE / "expected.jsonl", "w", encoding="utf-8") as f:
        for i in ids:
            f.write(json.dumps({"event": i, "sources": len(seen[i])}) + "\n")
    print(f"{len(arts)} articles, {len(evs)} event reports, {len(ids)} real-world events")


if __name__ == "__main__":
    main()
