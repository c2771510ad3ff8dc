"""Stage 4, actors: find who is named in each sentence. The tagger records every match of the
actor dictionary as a `Mention`, and people it does not know: a surname alone ("Abe")
resolves to the person named in full earlier in the article, whether the dictionary knows
them or they were introduced with a country and title ("Japan's Chief Cabinet Secretary
Yoshihide Suga ... Suga said"); a title and a surname ("President Bush") to the holder of
that office. `codes.compose` turns the mentions of a noun phrase into an actor."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from typing import Any

from ...types import Article, Mention
from .entries import COUNTRY_KINDS, fold, short_forms
from .knowledge import ActorDictionary, default_dictionary

__all__ = ["KIND_PRIORITY", "ActorTagger", "Match"]

# Where two matches overlap and are as long, the earlier kind in this list wins.
KIND_PRIORITY = ("person", "org", "place", "metonym", "capital", "country", "demonym", "agent")


def _case_sensitive(alias: str) -> bool:
    """Short or all-capital aliases ("US", "UN", "DPRK") must match their case exactly."""
    letters = [c for c in alias if c.isalpha()]
    return len(letters) <= 3 or alias.isupper()


class ActorTagger:
    """Sets `Article.mentions` from the dictionary, surnames and titled unknown people."""

    def __init__(self, nlp: Any, dictionary: ActorDictionary | None = None) -> None:
        from spacy.matcher import PhraseMatcher

        self.dictionary = dictionary or default_dictionary()
        self.tokenizer = nlp.tokenizer
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.labels: dict[str, tuple[str, str]] = {}
        by_label: dict[tuple[str, str], list[Any]] = {}
        for alias, kind, key in self.dictionary.aliases:
            by_label.setdefault((kind, key), []).append(alias)
        for (kind, key), aliases in by_label.items():
            label = f"{kind}\t{key}"
            self.labels[label] = (kind, key)
            exact = [nlp.make_doc(a) for a in aliases if _case_sensitive(a) or a in self.dictionary.exact]
            folded = [nlp.make_doc(a) for a in aliases if not (_case_sensitive(a) or a in self.dictionary.exact)]
            if exact:
                self.exact.add(label, exact)
            if folded:
                self.folded.add(label, folded)

    def __call__(self, article: Article) -> Article:
        article.mentions = []
        known = _ShortNames(self.tokenizer)  # short forms of the people named in full so far
        doc_matches: dict[int, tuple[list[int], list[Match]]] = {}  # by start, for bisect
        for sentence in article.sentences:
            span = sentence.span
            if id(span.doc) not in doc_matches:
                ordered = sorted(self._dictionary_matches(span.doc), key=lambda m: m[2])
                doc_matches[id(span.doc)] = ([m[2] for m in ordered], ordered)
            starts, matches = doc_matches[id(span.doc)]
            found = [_ethnic(m, span.doc) for m in matches[bisect.bisect_left(starts, span.start) : bisect.bisect_left(starts, span.end)]
                     if m[3] <= span.end and not _us_state(m, span.doc)]
            if sentence.parsed:  # the entity recogniser's people
                found += self._unknown_people(span, found)
            found += self._surnames(span, found, known, sentence.parsed)
            found += self._titled_surnames(span, found, article.date, sentence.parsed)
            for kind, key, s, e, fields in sorted(found, key=lambda m: m[2]):
                # the match's own text: `doc.text` would join the whole block for every mention
                start, end = span.doc[s].idx, span.doc[e - 1].idx + len(span.doc[e - 1])
                article.mentions.append(Mention(
                    start=start + sentence.offset, end=end + sentence.offset, text=span.doc[s:e].text,
                    kind=kind, key=key, sentence=sentence.index, **fields,
                ))
                if kind == "person" and " " in key:
                    known.add(key, fields)
        return article

    def _dictionary_matches(self, doc: Any) -> list[Match]:
        """The dictionary's matches in a doc, kept on the doc: the pre-pass matches each block
        and this stage then reads the unparsed sentences' matches from it."""
        cached = doc.user_data.get("dyad.matches")
        if cached is not None and cached[0] == id(self):
            return list(cached[1])
        spans: list[Match] = []
        for label_id, s, e in [*self.exact(doc), *self.folded(doc)]:
            kind, key = self.labels[doc.vocab.strings[label_id]]
            spans.append((kind, key, s, e, {}))
        found = _longest(spans, self.dictionary.preferred)
        doc.user_data["dyad.matches"] = (id(self), tuple(found))
        return found

    def _unknown_people(self, span: Any, found: list[Match]) -> list[Match]:
        """A PERSON entity after a title in its noun phrase is an actor too: "Japan's Chief
        Cabinet Secretary Yoshihide Suga" -> a JPN GOV person, Yoshihide Suga; without a
        country the events stage looks for one in the context (`discourse.situate`)."""
        taken = {i for _, _, s, e, _ in found for i in range(s, e)}
        extra: list[Match] = []
        for ent in span.ents:
            if ent.label_ != "PERSON" or len(ent) < 2 or any(t.i in taken for t in ent):
                continue
            before = [m for m in found if m[3] <= ent.start and m[2] >= ent.root.left_edge.i]
            countries = [m for m in before if m[0] in COUNTRY_KINDS]
            agents = [m for m in before if m[0] == "agent"]
            if agents:  # "President Obert Example": a person of that sector, country from the context
                country = countries[-1][1].partition(":")[0] if countries else None
                fields = {"country": country, "sector": self.dictionary.agents[agents[-1][1]]}
                extra.append(("person", ent.text, ent.start, ent.end, fields))
        return extra

    def _surnames(self, span: Any, found: list[Match], known: _ShortNames, parsed: bool) -> list[Match]:
        """A short form of someone named in full earlier in the article is that person:
        "Lee" for Lee Jae-myung, "bin Salman", "von der Leyen", "Sisi" for el-Sisi."""
        taken = {i for _, _, s, e, _ in found for i in range(s, e)}
        extra: list[Match] = []
        i = span.start
        while i < span.end:
            hit = None if i in taken else known.match(span.doc, i, span.end, taken, parsed)
            if hit is None:
                i += 1
                continue
            key, fields, end = hit
            extra.append(("person", key, i, end, fields))
            i = end
        return extra

    def _titled_surnames(self, span: Any, found: list[Match], day: dt.date | None, parsed: bool) -> list[Match]:
        """A title and a surname ("President Bush", "Chancellor Merkel") name the one person
        with that surname who held that office on the article's date (with no date: the one
        person who ever held it)."""
        taken = {i for _, _, s, e, _ in found for i in range(s, e)}
        titles = {e: key for kind, key, s, e, _ in found if kind == "agent" and key in self.dictionary.agent_roles}
        extra: list[Match] = []
        for token in span:
            if token.i in taken or not _proper(token, parsed) or token.i not in titles:
                continue
            kind = self.dictionary.agent_roles[titles[token.i]]
            holders = {(p.name, r.country) for p in self.dictionary.by_surname.get(token.text, ()) for r in p.roles
                       if r.kind == kind and (day is None or r.holds_on(day))}
            people = {name for name, _ in holders}
            countries = {country for _, country in holders}
            if len(people) == 1:
                extra.append(("person", people.pop(), token.i, token.i + 1, {}))
            elif len(countries) == 1 and None not in countries:  # two President Bushes: still the USA
                sector = self.dictionary.agents[titles[token.i]]
                extra.append(("person", token.text, token.i, token.i + 1, {"country": countries.pop(), "sector": sector}))
        return extra


Match = tuple[str, str, int, int, dict[str, Any]]


class _ShortNames:
    """The short forms (`short_forms`) of the people an article has named in full so far.
    A family name placed last wins over a first word; the first person named with a form
    keeps it, except that a first word two people share means neither."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.forms: dict[str, tuple[str, dict[str, Any], int] | None] = {}
        self.longest = 1

    def add(self, key: str, fields: dict[str, Any]) -> None:
        for form, rank in short_forms(key):
            folded = fold(" ".join(t.text for t in self.tokenizer(form)))
            self.longest = max(self.longest, len(folded.split()))
            held = self.forms.get(folded, ...)
            if held is ...:
                self.forms[folded] = (key, fields, rank)
            elif held is not None and held[0] != key and held[2] == rank == 1:
                self.forms[folded] = None  # "Kim" after Kim Jong-un and Kim Yo-jong: either
            elif held is not None and held[2] > rank:
                self.forms[folded] = (key, fields, rank)

    def match(self, doc: Any, i: int, end: int, taken: set[int], parsed: bool) -> tuple[str, dict[str, Any], int] | None:
        """The person whose short form starts at token `i`, longest form first, with the
        token after it; a first word only when no other name follows ("Kim Yo-jong")."""
        for n in range(min(self.longest, end - i), 0, -1):
            tokens = doc[i : i + n]
            if any(t.i in taken for t in tokens) or not _proper(tokens[-1], parsed):
                continue
            held = self.forms.get(fold(tokens.text))
            if held is None:
                continue
            key, fields, rank = held
            after = doc[i + n] if i + n < end else None
            if rank == 1 and after is not None and (_proper(after, parsed) or after.text == "-"):
                continue
            return key, fields, i + n
        return None


def _proper(token: Any, parsed: bool) -> bool:
    """A proper noun: by its part of speech in a parsed sentence, by its capital otherwise."""
    return bool(token.pos_ == "PROPN") if parsed else bool(token.is_title)


US_STATE_NAMES = {"Georgia"}  # country names that are also US states


def _us_state(match: Match, doc: Any) -> bool:
    """"Atlanta, Georgia", "the state of Georgia", "Georgia state": the US state, not the country."""
    kind, _, start, end, _ = match
    if kind != "country" or doc[start:end].text not in US_STATE_NAMES:
        return False
    before = [t.lower_ for t in doc[max(0, start - 2) : start]]
    if before[-2:] == ["state", "of"] or (end < len(doc) and doc[end].lower_ in ("state", "governor", "senator")):
        return True
    if len(before) == 2 and before[-1] == "," and doc[start - 2].pos_ == "PROPN":
        from ..attributes.gazetteer import find_city

        city = find_city(doc[start - 2].text, ["USA"])
        return city is not None and city.country == "USA"
    return False


def _ethnic(match: Match, doc: Any) -> Match:
    """"Ethnic Albanians" in Macedonia are not Albania: the demonym names a group, whose
    country the context gives (agents.tsv: "ethnic")."""
    kind, _, start, end, fields = match
    if kind == "demonym" and start > 0 and doc[start - 1].lower_ == "ethnic":
        return ("agent", "ethnic", start, end, fields)
    return match


def _longest(spans: Iterable[Match], preferred: set[tuple[str, str]]) -> list[Match]:
    """Keep the longest of overlapping matches; on ties the user's own entries, then the kind
    earlier in KIND_PRIORITY."""
    ranked = sorted(spans, key=lambda m: (-(m[3] - m[2]), (m[0], m[1]) not in preferred, KIND_PRIORITY.index(m[0]), m[2]))
    kept: list[Match] = []
    used: set[int] = set()
    for match in ranked:
        if used.isdisjoint(range(match[2], match[3])):
            kept.append(match)
            used.update(range(match[2], match[3]))
    return sorted(kept, key=lambda m: m[2])
