"""Dyad on the PETRARCH-2 unit-test suite: does it code the events PETRARCH's tests expect?

    python bench/petrarch_mechanics.py [--gold DIR] [--json]

Reads ``PETR.UnitTest.records.xml`` and the validation dictionaries
``PETR.Validate.actors.txt`` / ``PETR.Validate.agents.txt`` from the gold folder
(``../shared/gold/petrarch_mechanics`` by default; nothing is copied into the repository).
The dictionaries of fictional actors (ARNOR [ARN], GONDOR [GON], ...) are turned into a Dyad
user actor file in a temporary directory; every record's text is then coded with the record
date as the article date, and Dyad's factual events are compared with the expected
(source, target, event) codings:

- exact: Dyad's set of (source code, target code, CAMEO code) equals the expected set;
- root: the same on (source country, target country, CAMEO root), i.e. the first three
  letters of each actor code and the first two digits of the event code;
- no-event: of the records expecting no event (``noevents`` or an ``error`` coding), those
  where Dyad codes no factual event.

Dyad actors are written as PETRARCH writes them: ``actor.code`` (ARN, ARNMIL), ``---`` for a
missing recipient, ``---GOV`` for a sector without a country, and the quoted upper-case text
for a named actor the dictionary does not know. Prints a table per category and in total
(--json: JSON, with the dictionary conversion counts). Says so and exits 0 when the gold
folder is absent.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dyad.coding.actors.knowledge import default_dictionary
from dyad.coding.ingest.records import read_text_item
from dyad.coding.pipeline import Pipeline
from dyad.evaluation.measures import factual
from dyad.types import Actor, Article

GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold" / "petrarch_mechanics"
RECORDS = "PETR.UnitTest.records.xml"
ACTORS = "PETR.Validate.actors.txt"
AGENTS = "PETR.Validate.agents.txt"
NULL_CODES = {"---", "+++", "###"}

Triple = tuple[str, str, str]


@dataclass
class Record:
    id: str
    category: str
    date: str  # YYYY-MM-DD
    text: str
    expected: set[Triple]
    no_event: bool


@dataclass
class Entry:
    """One PETRARCH actor entry: its names (the first, then +synonyms) and code blocks."""

    names: list[str]
    codes: list[tuple[str, str]] = field(default_factory=list)  # (code, date restriction)


@dataclass
class Conversion:
    countries: dict[str, dict[str, Any]] = field(default_factory=dict)
    agents: dict[str, str] = field(default_factory=dict)
    organizations: dict[str, dict[str, Any]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def skip(self, reason: str, what: str) -> None:
        self.skipped[reason] += 1
        self.examples.setdefault(reason, []).append(what)

    def as_yaml(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "countries": list(self.countries.values()),
            "agents": [{"phrase": p, "sector": s} for p, s in self.agents.items()],
            "organizations": list(self.organizations.values()),
        }


# --- the records -------------------------------------------------------------------------

def read_records(path: Path) -> list[Record]:
    """The records, read one by one with regular expressions: the file is not well formed."""
    xml = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.S)
    records = []
    for chunk in re.split(r"(?=<Sentence\s)", xml)[1:]:
        head = re.match(r"<Sentence([^>]*)>", chunk)
        text = re.search(r"<Text>(.*?)</Text>", chunk, flags=re.S)
        if head is None or text is None:
            continue
        attrs = dict(re.findall(r'(\w+)\s*=\s*"([^"]*)"', head.group(1)))
        day = attrs.get("date", "")
        codings = re.findall(r"<EventCoding([^>]*)>", chunk)
        expected = set()
        for coding in codings:
            values = {k: a or b for k, a, b in re.findall(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')""", coding)}
            if "eventcode" in values:
                expected.add((values.get("sourcecode", "---"), values.get("targetcode", "---"), values["eventcode"]))
        records.append(Record(
            id=attrs.get("id", f"record-{len(records)}"),
            category=attrs.get("category", "?"),
            date=f"{day[:4]}-{day[4:6]}-{day[6:8]}" if re.fullmatch(r"\d{8}", day) else "",
            text=" ".join(text.group(1).split()),
            expected=expected,
            no_event=not expected,
        ))
    return records


# --- the dictionaries --------------------------------------------------------------------

def _strip_comments(raw: str) -> list[str]:
    raw = re.sub(r"<!.*?-->", "", raw, flags=re.S)  # also the malformed "<! -- ... -->"
    return [line.split("#", 1)[0].rstrip() for line in raw.splitlines()]


def read_actor_entries(path: Path) -> list[Entry]:
    """Entries as PETRARCH reads them: a name line opens an entry, `+NAME` lines add synonyms
    and indented `[CODE restriction]` lines add (date-restricted) codes."""
    entries: list[Entry] = []
    for line in _strip_comments(path.read_text(encoding="utf-8")):
        if not line.strip():
            continue
        blocks = [b.strip().split(None, 1) for b in re.findall(r"\[([^\]]*)\]", line)]
        codes = [(b[0], b[1] if len(b) > 1 else "") for b in blocks if b]
        name = line.split("[", 1)[0].strip()
        if line.startswith("+") and entries:
            entries[-1].names.append(name[1:].strip())
            entries[-1].codes.extend(codes)
        elif line[0].isspace() or not name:
            if entries:
                entries[-1].codes.extend(codes)
        else:
            entries.append(Entry([name], codes))
    return entries


def as_written(name: str, corpus: str) -> str:
    """A dictionary name (`MINAS_TIRITH`) as the records write it (`Minas Tirith`): the most
    common form in the texts, preferring one not in capitals; else title case."""
    words = name.replace("_", " ").split()
    if not words:
        return ""
    phrase = " ".join(words)
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)"
    found = Counter(" ".join(m.split()) for m in re.findall(pattern, corpus, flags=re.I))
    mixed = [form for form, _ in found.most_common() if not form.isupper()]
    if mixed:
        return mixed[0]
    if found:
        return found.most_common(1)[0][0]
    letters = [c for c in phrase if c.isalpha()]
    return phrase if len(letters) <= 3 else phrase.title()


def entry_code(entry: Entry, conv: Conversion) -> str | None:
    """The one code to give an entry: its unrestricted code, or the country every
    date-restricted code shares; None (counted) when there is none."""
    label = entry.names[0]
    if not entry.codes:
        conv.skip("no code", label)
        return None
    plain = [c for c, when in entry.codes if not when]
    if plain:
        if len(entry.codes) > len(plain):
            conv.counts["date restrictions dropped (default code kept)"] += 1
        return plain[-1]
    countries = {c[:3] for c, _ in entry.codes}
    if len(countries) == 1:
        conv.counts["date-restricted codes coded as their country"] += 1
        return countries.pop()
    conv.skip("date-restricted codes of different countries", label)
    return None


def convert_actors(entries: list[Entry], corpus: str, conv: Conversion) -> None:
    dictionary = default_dictionary()
    known_countries = set(dictionary.countries)
    sectors = set(dictionary.agents.values())
    generic = set(dictionary.agents) | set(conv.agents)
    names_of: dict[str, set[str]] = {}
    for alias, kind, key in dictionary.aliases:
        if kind in ("country", "demonym"):
            names_of.setdefault(key, set()).add(alias.lower())

    coded: list[tuple[Entry, str]] = []
    for entry in entries:
        code = entry_code(entry, conv)
        if code is None:
            continue
        label = f"{entry.names[0]} [{code}]"
        if code in NULL_CODES or code.startswith(("---", "+++")):
            conv.skip("null or discard code (---, +++)", label)
        elif "/" in code:
            conv.skip("several codes (A/B)", label)
        elif not re.fullmatch(r"[A-Z]{3}[A-Z]*", code):
            conv.skip("code not capital letters", label)
        else:
            coded.append((entry, code))

    def country(iso3: str, name: str) -> dict[str, Any]:
        if iso3 not in conv.countries:
            new = iso3 not in known_countries
            conv.countries[iso3] = {"iso3": iso3, "name": name, "aliases": []} if new else {"iso3": iso3, "aliases": []}
            conv.counts["new countries" if new else "known countries extended"] += 1
        return conv.countries[iso3]

    def alias(iso3: str, name: str) -> None:
        item = country(iso3, name)
        if name != item.get("name") and name not in item["aliases"]:
            item["aliases"].append(name)
        names_of.setdefault(iso3, set()).add(name.lower())

    # Three-letter codes first, so that longer codes find their country made.
    for entry, code in sorted(coded, key=lambda ec: len(ec[1]) > 3):
        names = [n for n in (as_written(n, corpus) for n in entry.names) if n]
        iso3, rest = code[:3], code[3:]
        if not rest:
            for name in names:
                alias(iso3, name)
            conv.counts["country names"] += len(names)
            continue
        if iso3 in ("IGO", "NGO"):
            if len(rest) == 3:
                conv.organizations[rest] = {"code": rest, "name": names[0], "aliases": names[1:], "sector": iso3}
                conv.counts["organisations"] += 1
            else:
                conv.skip("IGO/NGO code longer than six letters", f"{entry.names[0]} [{code}]")
            continue
        for name in names:
            lower = name.lower()
            tail = _generic_tail(lower, names_of.get(iso3, set()), generic)
            if rest in sectors and lower in generic:
                conv.agents.setdefault(lower, rest)
                conv.counts["sector names as agents"] += 1
            elif rest in sectors and tail is not None:
                # "Israeli troops" [ISRMIL]: Dyad composes country + agent word itself; an
                # alias of the whole phrase would lose the sector.
                if tail not in dictionary.agents:
                    conv.agents.setdefault(tail, rest)
                conv.counts["sector names left to Dyad (country + agent word)"] += 1
            else:
                alias(iso3, name)
                conv.counts["sector names as country aliases" if rest in sectors
                            else "other long codes as country aliases"] += 1


def _generic_tail(phrase: str, country_names: set[str], generic: set[str]) -> str | None:
    words = phrase.split()
    for cut in range(1, len(words)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        if head in country_names and tail in generic:
            return tail
    return None


def _plural(phrase: str) -> str:
    head, _, last = phrase.rpartition(" ")
    if re.search(r"[^aeiou]y$", last):
        last = last[:-1] + "ies"
    elif re.search(r"(s|x|z|ch|sh)$", last):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}".strip()


def convert_agents(path: Path, conv: Conversion) -> None:
    """Agent words with a three-letter sector (`[~MIL]`) become `agents` entries, with their
    plurals: those in `{...}`, or made as PETRARCH makes them when there are no braces."""
    substitutions: dict[str, list[str]] = {}
    for line in _strip_comments(path.read_text(encoding="utf-8")):
        if not line.strip():
            continue
        marker = re.match(r"\s*(![A-Z]+!)\s*=\s*(.+)", line)
        if marker:
            substitutions[marker.group(1)] = [w.strip() for w in marker.group(2).split(",") if w.strip()]
            continue
        match = re.match(r"\s*([^{\[]+?)\s*(\{[^}]*\})?\s*\[([^\]]*)\]", line)
        if match is None:
            conv.skip("agent line without a code", line.strip())
            continue
        name, braces, code = match.group(1), match.group(2), match.group(3).replace(" ", "")
        sector = code[1:] if code.startswith("~") else ""
        if not re.fullmatch(r"[A-Z]{3}", sector):
            conv.skip("agent code not ~ and three letters", f"{name} [{code}]")
            continue
        plurals = [p for p in (braces or "{}")[1:-1].split(",") if p.strip()]
        forms = [name, *plurals] if braces else [name, _plural(name)]
        for form in forms:
            for phrase in _expand(form, substitutions):
                conv.agents[" ".join(phrase.replace("_", " ").lower().split())] = sector
        conv.counts["agent words"] += 1


def _expand(phrase: str, substitutions: dict[str, list[str]]) -> list[str]:
    for marker, words in substitutions.items():
        if marker in phrase:
            return [p for w in words for p in _expand(phrase.replace(marker, w, 1), substitutions)]
    return [phrase]


def build_actor_file(gold: Path, corpus: str, folder: Path) -> tuple[Path, Conversion]:
    conv = Conversion()
    convert_agents(gold / AGENTS, conv)
    convert_actors(read_actor_entries(gold / ACTORS), corpus, conv)
    path = folder / "petrarch_validate.yaml"
    path.write_text(yaml.safe_dump(conv.as_yaml(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path, conv


# --- coding and scoring ------------------------------------------------------------------

def petrarch_code(actor: Actor | None) -> str:
    """A Dyad actor written as PETRARCH writes actor codes."""
    if actor is None or actor.code == "UNK":
        return "---"
    if actor.code is None:
        return '"' + " ".join(actor.text.upper().split()) + '"'
    if actor.country is None and actor.sector and actor.code == actor.sector:
        return "---" + actor.code
    return actor.code


def coded_triples(article: Article) -> set[Triple]:
    return {(petrarch_code(e.actor), petrarch_code(e.recipient), e.cameo) for e in factual(article)}


def root(triples: set[Triple]) -> set[Triple]:
    return {(s[:3], t[:3], c[:2]) for s, t, c in triples}


def score(records: list[Record], articles: list[Article]) -> tuple[dict[str, Counter[str]], list[dict[str, Any]]]:
    table: dict[str, Counter[str]] = {}
    details = []
    for record, article in zip(records, articles, strict=True):
        got = coded_triples(article)
        for key in (record.category, "TOTAL"):
            row = table.setdefault(key, Counter())
            row["records"] += 1
            row["exact"] += got == record.expected
            row["root"] += root(got) == root(record.expected)
            row["no_event_records"] += record.no_event
            row["no_event_correct"] += record.no_event and not got
            row["expected_triples"] += len(record.expected)
            row["coded_triples"] += len(got)
            row["exact_triple_hits"] += len(got & record.expected)
            row["root_triple_hits"] += len(root(got) & root(record.expected))
        details.append({"id": record.id, "category": record.category, "expected": sorted(record.expected),
                        "coded": sorted(got)})
    return table, details


COLUMNS = (("records", "records"), ("exact", "exact"), ("root", "root"), ("no_event_records", "no-ev"),
           ("no_event_correct", "no-ev ok"), ("expected_triples", "exp trip"), ("coded_triples", "coded trip"),
           ("exact_triple_hits", "exact hits"), ("root_triple_hits", "root hits"))


def print_table(table: dict[str, Counter[str]], conv: Conversion) -> None:
    print("Dictionary conversion:", ", ".join(f"{k} {v}" for k, v in sorted(conv.counts.items())))
    print("Skipped:", ", ".join(f"{k} {v} ({'; '.join(conv.examples[k][:4])})" for k, v in sorted(conv.skipped.items())))
    print()
    order = sorted(k for k in table if k != "TOTAL") + ["TOTAL"]
    print(f"{'category':<11}" + "".join(f"{title:>11}" for _, title in COLUMNS))
    for key in order:
        row = table[key]
        print(f"{key:<11}" + "".join(f"{row[c]:>11}" for c, _ in COLUMNS))
    total = table["TOTAL"]
    print()
    print(f"exact {total['exact']}/{total['records']} = {total['exact'] / total['records']:.1%}, "
          f"root {total['root']}/{total['records']} = {total['root'] / total['records']:.1%}, "
          f"no-event {total['no_event_correct']}/{total['no_event_records']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=GOLD, help="folder with the PETRARCH unit-test files")
    parser.add_argument("--json", action="store_true", help="print JSON (with every record's codings)")
    args = parser.parse_args()
    if not all((args.gold / name).is_file() for name in (RECORDS, ACTORS, AGENTS)):
        print(f"No PETRARCH unit-test suite in {args.gold}; nothing to score.")
        return
    records = read_records(args.gold / RECORDS)
    corpus = "\n".join(r.text for r in records)
    with tempfile.TemporaryDirectory() as folder:
        actor_file, conv = build_actor_file(args.gold, corpus, Path(folder))
        pipeline = Pipeline(actors=[actor_file])
        articles = pipeline.pipe([read_text_item(r.text, id=r.id, date=r.date or None) for r in records])
    table, details = score(records, articles)
    if args.json:
        print(json.dumps({
            "dictionary": {"converted": dict(conv.counts), "skipped": dict(conv.skipped), "skipped_examples": conv.examples},
            "categories": {k: dict(v) for k, v in sorted(table.items())},
            "records": details,
        }, indent=2))
    else:
        print_table(table, conv)


if __name__ == "__main__":
    main()
