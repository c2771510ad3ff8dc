"""A corpus of news-style articles for the throughput benchmark, generated from team-written
templates and sentence banks (no outside text).

    python bench/corpus.py --articles 2000 --out corpus.jsonl

Each article has a title, a dateline, two to four event sentences between two countries'
leaders, ministers or forces, and background sentences with no event, as wire stories do.
The generator is seeded: the same arguments give the same corpus.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path

# country, demonym, capital, a leader's title
COUNTRIES = [
    ("Russia", "Russian", "Moscow", "President"), ("Japan", "Japanese", "Tokyo", "Prime Minister"),
    ("China", "Chinese", "Beijing", "President"), ("India", "Indian", "New Delhi", "Prime Minister"),
    ("Pakistan", "Pakistani", "Islamabad", "Prime Minister"), ("Turkey", "Turkish", "Ankara", "President"),
    ("Greece", "Greek", "Athens", "Prime Minister"), ("France", "French", "Paris", "President"),
    ("Germany", "German", "Berlin", "Chancellor"), ("Brazil", "Brazilian", "Brasilia", "President"),
    ("Egypt", "Egyptian", "Cairo", "President"), ("Kenya", "Kenyan", "Nairobi", "President"),
    ("Poland", "Polish", "Warsaw", "Prime Minister"), ("Mexico", "Mexican", "Mexico City", "President"),
    ("Indonesia", "Indonesian", "Jakarta", "President"), ("Nigeria", "Nigerian", "Abuja", "President"),
]
EVENTS = [
    "The {d1} foreign minister met his {d2} counterpart in {city} on {day} to discuss trade and security.",
    "{c1} accused {c2} of violating its airspace on {day}, the {d1} defence ministry said.",
    "{c1} agreed to resume talks with {c2} on a new fisheries deal, officials said on {day}.",
    "The {d1} {title} urged {c2} to release two detained journalists.",
    "{c1} imposed sanctions on {d2} steel exports on {day}, citing unfair subsidies.",
    "{d1} troops shelled positions near the border with {c2} overnight, a local official said.",
    "{c1} expelled three {d2} diplomats on {day}, accusing them of spying.",
    "The {d1} government pledged $40 million in humanitarian aid to {c2} after the floods.",
    "{c1} rejected a {d2} proposal for joint patrols in the disputed waters.",
    "{d1} police arrested a {d2} businessman in {city1} on {day} on charges of fraud.",
    "The {d1} {title} threatened to cut diplomatic ties with {c2} over the dispute.",
    "{c1} and {c2} signed an agreement on {day} to build a rail link between the two countries.",
    "The {d1} navy deployed two frigates to waters off {c2} on {day}.",
    "{c1} praised {c2} for its role in brokering the ceasefire.",
    "Thousands of people protested outside the {d2} embassy in {city1} on {day}.",
]
BACKGROUND = [
    "Relations between the two countries have been strained for years.",
    "The talks were the first at this level since the spring.",
    "Analysts said the move was likely to raise tensions in the region.",
    "Trade between the two reached a record last year, according to official figures.",
    "The ministry gave no further details.",
    "The announcement came a week before a regional summit.",
    "Markets fell slightly after the news.",
    "The dispute dates back several decades.",
    "Officials on both sides declined to comment further.",
    "Local media reported the story earlier in the day.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def article(i: int, rng: random.Random) -> dict[str, str]:
    (c1, d1, city1, title), (c2, d2, city2, _) = rng.sample(COUNTRIES, 2)
    published = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(2000))
    fill = {"c1": c1, "d1": d1, "city1": city1, "title": title, "c2": c2, "d2": d2, "city": rng.choice([city1, city2]),
            "day": rng.choice(DAYS)}
    sentences = [s.format(**fill) for s in rng.sample(EVENTS, rng.randint(2, 4))]
    sentences += rng.sample(BACKGROUND, rng.randint(2, 5))
    rng.shuffle(sentences[1:])
    paragraphs = [f"{city1.upper()}, {published:%b} {published.day} - {sentences[0]}"]
    paragraphs += [" ".join(sentences[k : k + 2]) for k in range(1, len(sentences), 2)]
    return {"id": f"bench-{i:06d}", "date": published.isoformat(), "title": f"{c1} and {c2}: story {i}",
            "source": "Bench Wire", "text": f"{c1} and {c2}: story {i}\n\n" + "\n\n".join(paragraphs)}


def write(out: Path, articles: int, seed: int = 11) -> int:
    rng = random.Random(seed)
    with out.open("w", encoding="utf-8") as f:
        for i in range(articles):
            f.write(json.dumps(article(i, rng)) + "\n")
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=Path("corpus.jsonl"))
    args = parser.parse_args()
    print(f"{write(args.out, args.articles)} articles written to {args.out}")


if __name__ == "__main__":
    main()
