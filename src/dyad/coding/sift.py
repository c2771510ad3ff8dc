"""The pre-pass before parsing: which sentences can hold an event.

The full parse (tagger, parser, entities) is most of Dyad's time, and most of a news story's
sentences cannot be coded: background, figures, reactions. A sentence is worth parsing only
when it names an actor and has a word that can trigger an event. Both are checked on the
tokens alone, with the actor dictionary's phrase matchers and a set of word forms:

- **an actor**: a dictionary match (country, demonym, capital, person, organisation, agent such
  as "police"), a pronoun, a pair phrase's noun ("the two countries", "both sides"), the
  surname of a person the article named in an earlier sentence, or a capitalised name the
  dictionary does not know (the parse may find an actor in it);
- **an event cue**: any form of a verb or event noun the patterns know ("proposed",
  "sanctions", "re-imposed"), of a statement verb ("denied", "said": statements are coded
  too), or a demand modal ("must", "should").

A sentence that sets the scene of what is told around it ("The remarks came at the forum in
Vladivostok": a venue noun, a venue verb and a locative preposition, `dyad.coding.attributes.where.Places.venues`)
is parsed too, whoever it names: it gives no event, but a place to the events beside it.

Sentences that fail these tests keep their text and offsets (they are stored and searchable),
their dictionary mentions (later pronouns can refer to them) and their direct quotes, but are
not parsed, so they give no events, no indirect quotes and no speakers.
`dyad code --parse-all` turns the pre-pass off.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .actors.tagger import ActorTagger
from .attributes.dates import MONTHS, WEEKDAYS
from .attributes.where import LOCATIVE_PREPS, VENUE_NOUNS, VENUE_VERBS
from .events.patterns import Patterns
from .events.phrases import PAIR_NOUNS, PRONOUNS

__all__ = ["Sifter", "inflections"]

_VOWELS = set("aeiou")
_QUOTE_MARKS = ('"', "“", "”")
_NOT_NAMES = {*WEEKDAYS, *MONTHS, "i"}  # capitalised, but nobody


def inflections(lemma: str, verb: bool) -> set[str]:
    """Regular English forms of a lemma, generously: extra forms only cost a parse."""
    forms = {lemma, lemma + "s", lemma + "es"}
    if lemma.endswith("y") and len(lemma) > 1 and lemma[-2] not in _VOWELS:
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if lemma.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(lemma + "es")
    if not verb:
        return forms
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    forms |= {stem + "ed", stem + "ing", lemma + "d", lemma + "ing"}
    if lemma[-1] not in _VOWELS and lemma[-1] not in "wxy":  # "ban" -> "banned", "banning"
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


class Sifter:
    """Says whether a tokenised sentence is worth a full parse (see the module docstring)."""

    def __init__(self, nlp: Any, tagger: ActorTagger, patterns: Patterns) -> None:
        self.tagger = tagger
        irregular = _irregular_forms(nlp)

        def forms(lemma: str) -> set[str]:
            return inflections(lemma, verb=True) | irregular.get(lemma, set())

        cues: set[str] = set()
        # a verb whose every pattern needs a particular object, particle, preposition or
        # complement ("be on alert") is a cue only beside one of those words
        self.needs: dict[str, frozenset[str]] = {}
        verbs = {lemma: [*patterns.verbs.get(lemma, []), *patterns.statements.get(lemma, [])]
                 for lemma in patterns.verbs.keys() | patterns.statements.keys()}
        for lemma, candidates in verbs.items():
            if any(p.specificity == 0 for p in candidates):
                cues |= forms(lemma)
                continue
            words = {w for p in candidates for group in (p.object, p.prep_object, p.xcomp) if group
                     for phrase in group for w in phrase.split()}
            words |= {w for p in candidates for w in (p.prep, p.particle) if w}
            required = frozenset(f for w in words for f in forms(w) | inflections(w, verb=False))
            for form in forms(lemma):
                for prefixed in (form, "re" + form, "re-" + form):
                    self.needs[prefixed] = self.needs.get(prefixed, frozenset()) | required
        cues |= {prefix + form for form in set(cues) for prefix in ("re", "re-")}  # "reimposed": impose
        for noun in patterns.nouns:
            head = noun.split()[-1]
            cues |= inflections(head, verb=False) | irregular.get(head, set())
        cues |= patterns.demand_modals | {"should"}
        cues |= {f for verb in patterns.say_verbs for f in forms(verb)}  # a statement when it reports no event
        self.cues = frozenset(cues)
        self.speech = frozenset(f for verb in patterns.say_verbs
                                for f in inflections(verb, verb=True) | irregular.get(verb, set()))
        self.venue_nouns = frozenset(f for noun in VENUE_NOUNS for f in inflections(noun, verb=False))
        self.venue_verbs = frozenset(f for verb in VENUE_VERBS for f in forms(verb))
        self.actor_words = frozenset(PRONOUNS | {w for noun in PAIR_NOUNS for w in inflections(noun, verb=False)})

    def matches(self, doc: Any) -> list[tuple[str, str, int, int, dict[str, Any]]]:
        """The dictionary's matches in a tokenised block, as the actor stage finds them."""
        return self.tagger._dictionary_matches(doc)

    def keep(self, sentence: Any, matches: Iterable[tuple[str, str, int, int, dict[str, Any]]],
             surnames: set[str]) -> bool:
        """Whether `sentence` (a Span of a tokenised block) names an actor and has an event cue;
        `matches` are dictionary matches of its block (those inside it count), `surnames` those
        of people the article named before it."""
        words = [t.lower_ for t in sentence]
        if self._sets_scene(words):
            return True
        if not self._cued(words) and not (
                any(w in self.speech for w in words) and any(q in sentence.text for q in _QUOTE_MARKS)):
            return False
        if any(sentence.start <= s and e <= sentence.end for _, _, s, e, _ in matches):
            return True
        return (any(w in self.actor_words for w in words) or any(t.text in surnames for t in sentence)
                or _names_someone(sentence))

    def _sets_scene(self, words: list[str]) -> bool:
        """A venue noun, a venue verb and a locative preposition: the parse decides the rest."""
        present = set(words)
        return (bool(present & self.venue_nouns) and bool(present & self.venue_verbs)
                and bool(present & LOCATIVE_PREPS))

    def _cued(self, words: list[str]) -> bool:
        """An event cue, or a word some verb's patterns need beside that verb."""
        if any(w in self.cues for w in words):
            return True
        conditional = [self.needs[w] for w in words if w in self.needs]
        return bool(conditional) and any(w in needed for needed in conditional for w in words)


def _names_someone(sentence: Any) -> bool:
    """A capitalised name the dictionary does not know ("Reliance Jio has agreed ...", "talks
    with the Azadliq coalition"): the parse's entity recogniser may make an actor of it. A
    sentence's first word counts only when the next is capitalised too."""
    tokens = list(sentence)
    for i, token in enumerate(tokens):
        if not (token.is_title or (token.is_upper and len(token) > 1)) or token.lower_ in _NOT_NAMES:
            continue
        if i > 0 or (len(tokens) > 1 and tokens[1].is_title and tokens[1].lower_ not in _NOT_NAMES):
            return True
    return False


def _irregular_forms(nlp: Any) -> dict[str, set[str]]:
    """lemma -> irregular forms ("meet" -> "met"), from the model's own lemmatizer exceptions."""
    forms: dict[str, set[str]] = {}
    if "lemmatizer" not in nlp.component_names:
        return forms
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_exc"):
        return forms
    table = lookups.get_table("lemma_exc")
    for pos in ("verb", "noun"):
        for form, lemmas in (table.get(pos) or {}).items():
            for lemma in lemmas:
                forms.setdefault(lemma, set()).add(form)
    return forms
