"""Stage 5, events: code who did what to whom from the dependency parse.

For each verb the patterns know, the most specific matching pattern gives the CAMEO code
(and through the codebook the PLOVER type and mode, Goldstein value and QuadClass):

- **source** is the subject, or the "by" agent of a passive; subjects joined by "and" give one
  event each, and reciprocal events when there is no object ("Japan and China agreed");
- **target** is the direct object (the subject of a passive), else the object of a preposition
  such as to/with/against/on; an actor anywhere inside that phrase counts ("insists on the
  return of the islands ceded to the Soviet Union"). When the sentence names no target in the
  verb's phrases but names another actor, that actor is taken as the target with lower
  confidence and a note saying so;
- a pronoun subject under a speech verb is the speaker ("Tokyo said it wants ...");
- not coded: negated verbs, hypothetical modals (would, could, might, may, should),
  conditional clauses (if, unless, before, until), and the content of a proposal or demand
  ("proposed that the two leaders sign" codes the proposal, not a signing).

**Statements** (CAMEO 01, QuadClass 0, no PLOVER type): a speech act whose content holds no
event ("China said the talks were useful": 010; "Moscow denied the report": 016), from the
`statements` entries of the patterns. When what a speech verb reports holds an event, that
event is coded and the speech act is not: one sentence, one account of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from ...codebook import STATEMENT_CLASS, Code, Codebook, default_codebook
from ...types import Actor, Article, Event, Mention, Sentence
from ..actors.codes import compose, is_placed, is_state
from ..actors.discourse import antecedent, pair, situate
from ..actors.knowledge import ActorDictionary, default_dictionary
from .patterns import Pattern, Patterns, default_patterns

__all__ = ["EventCoder"]

NP_DEPS = {"compound", "amod", "poss", "nmod", "det", "case", "appos", "flat", "nummod", "quantmod", "punct", "cc", "conj"}
TRIGGER_GAP = 3  # trigger words further than this from the verb stay out of the evidence span
NP_PREPS = {"of", "from", "in", "throughout", "across"}  # "students throughout Indonesia"
TARGET_PREPS = ("to", "with", "against", "on", "toward", "towards", "at", "into", "upon", "over", "from", "for", "between", "among", "near", "along", "around", "outside")
NOUN_TARGET_PREPS = ("on", "against", "with", "to", "between", "toward", "towards", "for")
LOCATIVE_PREPS = ("at", "in", "inside", "near", "around", "outside")
OWNING_PRONOUNS = {"its", "their", "his", "her", "our"}
HYPOTHETICAL = {"could", "might", "may", "should", "'d"}
CONDITIONAL_MARKS = {"if", "unless", "before", "until", "whether"}
SKIP_DEPS = {"acl", "amod", "pcomp", "csubj", "csubjpass", "nmod"}
RELATIVE_PRONOUNS = {"which", "who", "that", "whom"}
PRONOUNS = {"he", "she", "it", "they", "we", "i", "him", "her", "them", "us"}

BASE_CONFIDENCE = 0.9
INFERRED_TARGET_PENALTY = 0.3
PRONOUN_PENALTY = 0.1
SUBORDINATE_PENALTY = 0.05
NOMINAL_CONFIDENCE = 0.7  # "Russia's attack on Ukraine": reported in passing, often not news itself  # an event in an adverbial clause is less likely the sentence's news


@dataclass
class _Context:
    article: Article
    sentence: Sentence
    by_token: dict[int, Mention]  # doc token index -> the mention starting there
    mention_tokens: dict[int, Mention]  # doc token index -> the mention covering it


class EventCoder:
    def __init__(self, patterns: Patterns | None = None, codebook: Codebook | None = None,
                 dictionary: ActorDictionary | None = None) -> None:
        self.patterns = patterns or default_patterns()
        self.codebook = codebook or default_codebook()
        self.dictionary = dictionary or default_dictionary()
        self._matches: dict[tuple[int, int], tuple[Pattern, list[Any]] | None] = {}

    def __call__(self, article: Article) -> Article:
        self._matches = {}  # per article: token positions are only unique within one parse
        article.events = []
        for sentence in article.sentences:
            if not sentence.parsed:
                continue
            ctx = _context(article, sentence)
            verbal = [e for token in sentence.span for e in self._code_token(token, ctx)]
            # a noun names the sentence's event only when no verb does: "Talks between China and
            # Japan ended without agreement"; next to a verbal event it is usually background,
            # unless it is what was agreed or planned ("agreed to work towards an October visit")
            nominal = [e for token in sentence.span for e in self._code_noun(token, ctx)
                       if not verbal or e.modality == "intended"]
            article.events.extend(verbal + nominal + self._statements(ctx, verbal + nominal))
        return article

    # -- nominal events ------------------------------------------------------------------

    def _code_noun(self, noun: Any, ctx: _Context) -> Iterator[Event]:
        """An event named by a noun that no verb codes: "Russia's attack on Ukraine", "talks
        between China and Japan", "the visit by the Chinese president to Seoul"."""
        if noun.pos_ != "NOUN":
            return
        planner = self._planned(noun)
        if planner is None and not (noun.dep_ == "ROOT" or (
                noun.dep_ in ("nsubj", "nsubjpass", "dobj") and noun.head.dep_ == "ROOT")):
            return  # only the main clause's subject or object: elsewhere a noun is background
        governor = self._match(noun.head) if noun.head.pos_ == "VERB" and noun.head.i != noun.i else None
        if governor is not None and any(t.i == noun.i for t in governor[1]):
            return  # the verb's pattern names this noun ("launched an attack", "imposed sanctions")
        compounds = [c for c in noun.children if c.dep_ in ("compound", "amod") and c.i < noun.i]
        keys = [f"{c.lower_} {f}" for c in compounds for f in (noun.lemma_.lower(), noun.lower_)] + [noun.lemma_.lower(), noun.lower_]
        pattern = next((p for k in keys for p in self.patterns.nouns.get(k, [])), None)
        if pattern is None:
            return
        preps = {p.lower_: p for p in _children(noun, "prep")}
        sources: list[Actor] = []
        for poss in _children(noun, "poss"):
            sources += self._actors(poss, ctx)
        for word in ("by", "of"):
            if not sources and word in preps:
                sources += [a for o in _children(preps[word], "pobj") for a in self._actors(o, ctx)]
        targets: list[Actor | None] = []
        if "between" in preps:
            pair_ = [a for o in _children(preps["between"], "pobj") for a in self._actors(o, ctx)]
            sources, targets = (pair_, []) if not sources else (sources, list(pair_))
        for word in ("on", "against", "to", "with", "toward", "towards", "in"):
            if not targets and word in preps:
                found = [a for o in _children(preps[word], "pobj") for a in self._actors(o, ctx)]
                targets = [a for a in found if is_placed(a) and (word != "in" or pattern.cameo.startswith(("18", "19", "20")))]
        sources = [s for s in sources if is_placed(s)]
        if not sources and planner is not None and _subject(planner) is not None:
            sources = [s for s in self._actors(_subject(planner), ctx) if is_placed(s)]
        if not sources:
            return
        cameo = self.patterns.intent(pattern.cameo) if planner is not None else pattern.cameo
        code = self.codebook[cameo]
        if code.plover_type is None:
            return
        if not targets:
            targets = [None]
        span = _token_span([noun], ctx)
        for source in sources:
            others: list[Actor | None] = [s for s in sources if s.code != source.code]
            for recipient in [t for t in targets if t is None or t.code != source.code] if targets != [None] else others or [None]:
                yield Event(
                    sentence=ctx.sentence.index, cameo=code.cameo, event_type=code.plover_type, mode=code.plover_mode,
                    context=code.plover_context, goldstein=code.goldstein, quad_class=code.quad_class, actor=source,
                    recipient=recipient, trigger=span, pattern=f"{pattern.ref} {noun.lemma_.lower()}",
                    confidence=NOMINAL_CONFIDENCE, modality="intended" if planner is not None else "asserted",
                    notes=["named by a noun, not a verb", *(["what was agreed or planned"] if planner is not None else []),
                           *source.notes],
                )

    def _planned(self, noun: Any) -> Any:
        """The verb of intention an event noun is the object of ("plans a visit", "agreed to
        work towards an October visit"), or None."""
        if noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.lower_ in ("towards", "toward", "for", "on"):
            node = noun.head.head
        elif noun.dep_ == "dobj":
            node = noun.head
        else:
            return None
        planner = None
        if node.pos_ == "VERB" and node.lemma_.lower() in self.patterns.intent_verbs:
            planner = node
        while planner is None and node.dep_ == "xcomp" and node.pos_ == "VERB":
            if self._intent_head(node.head):
                planner = node.head
            node = node.head
        if planner is None or planner.pos_ != "VERB" or self._modality(planner) != "asserted":
            return None  # "has not agreed to the proposal", "might plan": no plan stated
        return planner

    # -- which pattern ---------------------------------------------------------------

    def _match(self, token: Any) -> tuple[Pattern, list[Any]] | None:
        """`_find_match`, remembered per token: coding one verb asks about its neighbours'
        patterns too, so the same token is matched several times."""
        key = (id(token.doc), token.i)
        if key not in self._matches:
            self._matches[key] = self._find_match(token)
        return self._matches[key]

    def _find_match(self, token: Any) -> tuple[Pattern, list[Any]] | None:
        """The pattern a verb fires and the tokens that make up its trigger. A verb the
        patterns do not know but whose stem they do is read as the stem ("reimpose")."""
        lemma = self._lemma(token)
        fallback = None
        for pattern in self.patterns.verbs.get(lemma, []):
            trigger = _constraints_hold(pattern, token)
            if trigger is None:
                continue
            if pattern.specificity:
                return pattern, trigger
            fallback = fallback or (pattern, trigger)
        noun = self._noun_pattern(token) if lemma in self.patterns.light_verbs else None
        return noun or fallback

    def _lemma(self, token: Any) -> str:
        """The token's lemma as the patterns know it. The small model sometimes lemmatises a
        past form wrongly ("staged" -> "stag"); then the form's own stem is tried, and a "re-"
        verb the patterns do not know is read as its stem ("reimposed" -> "impose")."""
        lemma: str = str(token.lemma_).lower()
        known = self.patterns.verbs.keys() | self.patterns.light_verbs | self.patterns.statements.keys() | self.patterns.intent_verbs
        if lemma in known:
            return lemma
        text: str = str(token.lower_)
        for stem in (text[:-1], text[:-2]) if text.endswith(("ed", "es")) else ():
            if stem in known:
                return stem
        candidates: list[str] = [lemma, *((text[:-1], text[:-2]) if text.endswith("ed") else ())]
        for candidate in candidates:
            if candidate.startswith("re") and candidate[2:].lstrip("-") in known:
                return candidate[2:].lstrip("-")
        return lemma

    def _noun_pattern(self, verb: Any) -> tuple[Pattern, list[Any]] | None:
        for obj in [o for d in _children(verb, "dobj") for o in (d, *_conjuncts(d))]:  # "air and artillery strikes"
            compounds = [c for c in obj.children if c.dep_ in ("compound", "amod") and c.i < obj.i]
            keys = [f"{c.lower_} {form}" for c in compounds for form in (obj.lemma_.lower(), obj.lower_)]
            keys += [obj.lemma_.lower(), obj.lower_]
            for key in keys:  # "hunger strike" before "strike"
                for pattern in self.patterns.nouns.get(key, []):
                    return pattern, [verb, obj]
        return None

    # -- coding one verb -------------------------------------------------------------

    def _code_token(self, token: Any, ctx: _Context) -> Iterator[Event]:
        if token.pos_ == "VERB" and self._obligation(token) is not None:
            yield from self._demand(token, ctx)
            return
        modality = self._modality(token) if token.pos_ == "VERB" else None
        if modality is None:
            return
        match = self._match(token)
        if match is None or self._statement_wins(token, match):
            return
        pattern, trigger = match
        if self._defers_to_complement(token, pattern) or self._named_by_governor(token):
            return
        if token.lemma_.lower() in self.patterns.aspect_verbs and any(
                c.pos_ == "VERB" and self._match(c) is not None for c in _children(token, "xcomp")):
            return  # "began to withdraw": the complement is the event
        cameo, modality, notes = self.modal_code(token, pattern.cameo, modality)
        code = self.codebook[cameo]
        if code.plover_type is None:  # statements: the patterns should not point here
            return
        yield from self._emit(token, ctx, pattern, trigger, code, modality, notes)

    def modal_code(self, verb: Any, cameo: str, modality: str) -> tuple[str, str, list[str]]:
        """The code and modality of an event `cameo` stated by `verb`, whose modality is
        `modality`: "will not release" is a refusal (asserted), "will visit" and "agreed to
        visit" an intent to visit."""
        if modality == "negated" and self._future(verb) and self.patterns.refusal(cameo) is not None:
            refusal = self.patterns.refusal(cameo) or cameo
            return refusal, "asserted", [f"stated as refused: CAMEO {cameo} coded as {refusal}"]
        if modality == "asserted" and self._intended(verb):
            intent = self.patterns.intent(cameo)
            return intent, "intended", [f"stated as intended: CAMEO {cameo} coded as intent {intent}"] if intent != cameo else []
        return cameo, modality, []

    def _emit(self, token: Any, ctx: _Context, pattern: Pattern, trigger: list[Any], code: Code, modality: str,
              notes: list[str]) -> Iterator[Event]:
        """The events of one coded verb: one per source and target."""
        sources, pronoun = self._sources(token, ctx)
        if not sources and code.quad_class == STATEMENT_CLASS:  # "X could not be reached for comment"
            sources = [a for s in _children(token, "nsubjpass") for a in self._actors(s, ctx)]
        if not sources:
            return
        if pronoun:
            notes.append("source resolved from a pronoun")
        fired = f"{pattern.ref} {' '.join(t.lemma_.lower() for t in sorted(trigger, key=lambda t: t.i))}"
        targets: list[Actor | None] = list(self._targets(token, trigger, pattern, ctx, sources))
        if len(sources) > 1 and not any(t is not None and is_placed(t) for t in targets):
            targets = []  # "Saudi Arabia and Iran agreed to reopen embassies": towards each other
        if not targets and code.plover_type == "PROTEST":
            targets = self._protested(sources[0], ctx)
            if targets:
                notes.append("protest with no target named: taken to be against the protesters' own government")
        statement = code.quad_class == STATEMENT_CLASS
        if statement:  # said of one's own side is said to no one named
            targets = [t for t in targets if t is None or t.country is None or t.country not in {s.country for s in sources}]
        inferred = False
        if not targets:
            if len(sources) > 1 and len({s.code for s in sources}) > 1:
                targets = [None]  # reciprocal: each source acts towards the others below
            elif statement:
                targets = [None]  # a statement's recipient is one the sentence names, never inferred
            else:
                fallback = self._sentence_target(token, ctx, sources)
                targets = [fallback] if fallback else [None]
                inferred = fallback is not None
                if inferred:
                    notes.append("target inferred from another actor in the sentence")
        confidence = (BASE_CONFIDENCE - (INFERRED_TARGET_PENALTY if inferred else 0) - (PRONOUN_PENALTY if pronoun else 0)
                      - (SUBORDINATE_PENALTY if _subordinate(token) else 0))
        yield from self.events(ctx, code, sources, targets, _token_span(trigger, ctx), fired, confidence, modality, notes)

    def events(self, ctx: _Context, code: Code, sources: list[Actor], targets: list[Actor | None],
               span: tuple[int, int], fired: str, confidence: float, modality: str, notes: list[str]) -> Iterator[Event]:
        """One event per source and target (a target None: towards each other source, or to no
        one), each actor placed in its country (`discourse.situate`, `_place`)."""
        for source in sources:
            for target in targets:
                others: list[Actor | None] = [s for s in sources if s.code != source.code]
                for named in [target] if target is not None else others or [None]:
                    candidate = situate(named, ctx.article, self.dictionary, ctx.sentence.index) if named else None
                    placed = _place(situate(source, ctx.article, self.dictionary, ctx.sentence.index), candidate,
                                    domestic=code.quad_class in (3, 4))
                    if placed is None:
                        continue
                    actor, recipient, placing_notes = placed
                    if recipient is not None and recipient.sector is None and recipient.country == actor.country \
                            and actor.sector in NON_STATE_SECTORS:  # rebels fighting "Sudan": its government
                        recipient = replace(recipient, sector="GOV", code=f"{recipient.country}GOV")
                        placing_notes.append("a country facing its own people or rebels: its government")
                    if recipient is not None and _same_actor(actor, recipient, code.plover_type):
                        recipient, placing_notes = None, []
                    if recipient is not None and named is not None and _own_by_default(actor, named, recipient):
                        placing_notes = [f"no recipient: {named.text!r} names no country but the actor's own"]
                        recipient = None
                    if recipient is not None and code.quad_class == STATEMENT_CLASS and recipient.country == actor.country:
                        recipient = None  # "the Kremlin denied that Russian jets ...": about its own, to no one
                    yield Event(
                        sentence=ctx.sentence.index, cameo=code.cameo, event_type=code.plover_type,
                        mode=code.plover_mode, context=code.plover_context, goldstein=code.goldstein,
                        quad_class=code.quad_class, actor=actor, recipient=recipient, trigger=span,
                        pattern=fired, confidence=round(confidence, 2), modality=modality,
                        notes=notes + placing_notes + list(actor.notes) + list(recipient.notes if recipient else ()),
                    )

    # -- what the learned coder (`dyad.coding.events.combine`) reads with the parse ---------------------

    def context(self, article: Article, sentence: Sentence) -> _Context:
        return _context(article, sentence)

    def span_root(self, ctx: _Context, start: int, end: int) -> Any:
        """The head token of the words at article offsets [start, end) of a parsed sentence, or
        None when they hold no token."""
        offset = ctx.sentence.offset
        span = ctx.sentence.span.doc.char_span(start - offset, end - offset, alignment_mode="expand")
        return span.root if span is not None and len(span) else None

    def actors_at(self, ctx: _Context, start: int, end: int) -> tuple[list[Actor], list[str]]:
        """The actors a phrase names, its boundaries fixed by the parse: the actors of the phrase
        headed by its head word, those inside it first ("Japan" of "Japan and China" is Japan);
        a pronoun is resolved as a subject pronoun is. Returns the actors and notes on how."""
        root = self.span_root(ctx, start, end)
        if root is None:
            return [], []
        if root.lower_ in PRONOUNS and root.pos_ == "PRON":
            speaker = self._speaker(root.head, ctx) if root.dep_ in ("nsubj", "nsubjpass") else None
            mention = None if speaker else antecedent(root.lower_, ctx.article, ctx.sentence.index, root.idx + ctx.sentence.offset)
            actor = speaker or (compose([mention], self.dictionary, ctx.article.date, ctx.article.text) if mention else None)
            return ([actor], [f"{root.text!r} resolved to {actor.text!r}"]) if actor else ([], [])
        found = self._actors(_np_head(root), ctx)
        inside = [a for a in found if a.start < end and start < a.end]
        if inside or found:
            return inside or found, []
        for i in sorted(ctx.by_token):  # a phrase the parse splits: the mentions inside it
            if start <= ctx.by_token[i].start < end:
                found += [a for a in self._actors(_np_head(root.doc[i]), ctx) if a not in found]
        return found, []

    def governing_verb(self, token: Any) -> Any:
        """The verb that states what a phrase's actor does: the verb it is an argument of
        ("police" in "detained by police": detained), or the sentence's root; past a speech
        verb to what it reports ("Putin said he hoped to meet Abe": meet), and past a verb of
        intent to what is intended, which is what sets the modality."""
        node = token.head
        while node.pos_ not in ("VERB", "AUX") and node.head.i != node.i:
            node = node.head
        while True:
            reported = [c for c in node.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")]
            if node.lemma_.lower() in self.patterns.say_verbs and reported:
                node = reported[0]
                continue
            intended = [c for c in node.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
            if intended and (self._intent_head(node) or node.lemma_.lower() in self.patterns.aspect_verbs):
                node = intended[0]
                continue
            return node

    def verb_modality(self, verb: Any) -> str | None:
        """`_modality` for a verb the patterns need not know."""
        return self._modality(verb) if verb.pos_ in ("VERB", "AUX") else "asserted"

    def objects_of(self, verb: Any, ctx: _Context, sources: list[Actor], code: Code) -> list[Actor]:
        """Whom `verb` is done to, found as the patterns find it (its object, then its
        prepositions' objects), for an event whose code came from elsewhere."""
        pattern = Pattern(ref="model", lemmas=frozenset([verb.lemma_.lower()]), cameo=code.cameo)
        return self._targets(verb, [verb], pattern, ctx, sources)

    def trigger_of(self, verb: Any, ctx: _Context) -> tuple[int, int]:
        return _token_span([verb], ctx)

    # -- statements (CAMEO 01) --------------------------------------------------------

    def _statement_match(self, token: Any) -> tuple[Pattern, list[Any]] | None:
        """The most specific `statements` entry whose constraints hold for a verb; for a speech
        verb that reports something and fires none, the default statement (CAMEO 010)."""
        if token.pos_ != "VERB":
            return None
        negated = _negated(token)
        for pattern in self.patterns.statements.get(self._lemma(token), []):
            trigger = _constraints_hold(pattern, token)
            if trigger is not None and (negated or not pattern.negated):
                return pattern, trigger
        lemma = token.lemma_.lower()
        if lemma in self.patterns.say_verbs and _reports(token, self.patterns.say_verbs):
            return Pattern(ref="say_verbs", lemmas=frozenset([lemma]), cameo=self.patterns.statement_default), [token]
        return None

    def _statement_wins(self, token: Any, match: tuple[Pattern, list[Any]]) -> bool:
        """A statement entry more specific than the verb's event pattern codes the verb:
        "rejected claims that ..." is a denial, not a rejection."""
        statement = self._statement_match(token)
        return statement is not None and statement[0].specificity > match[0].specificity

    def _statements(self, ctx: _Context, events: list[Event]) -> list[Event]:
        """The sentence's statements: speech acts that report no event. A statement that
        reports another statement ("X said Y denied it") gives way to it as well."""
        found: list[tuple[Any, Event]] = []
        for token in ctx.sentence.span:
            found += [(token, e) for e in self._code_statement(token, ctx)]
        kept = []
        for token, statement in found:
            content = _content(token, ctx)
            reported = [e.trigger for e in events if _within(e.trigger, content + _inserted_into(token, ctx))]
            reported += [e.trigger for t, e in found if t.i != token.i and _within(e.trigger, content)]
            if not reported:
                kept.append(statement)
        return kept

    def _code_statement(self, token: Any, ctx: _Context) -> Iterator[Event]:
        found = self._statement_match(token)
        if found is None:
            return
        match = self._match(token)
        if match is not None and match[0].specificity >= found[0].specificity:
            return  # the verb is an event ("denied access": CAMEO 1245)
        pattern, trigger = found
        modality = self._modality(token)
        if modality is None:
            return
        notes = []
        if pattern.negated:  # "did not respond to requests for comment", "could not be reached for comment"
            modality = "asserted"
            notes.append(f"stated in the negative: CAMEO {pattern.cameo}")
        yield from self._emit(token, ctx, pattern, trigger, self.codebook[pattern.cameo], modality, notes)

    def _protested(self, source: Actor, ctx: _Context) -> list[Actor | None]:
        """Protesters who name no target protest against their own government."""
        source = situate(source, ctx.article, self.dictionary, ctx.sentence.index)
        if not is_state(source.country) or source.sector in ("GOV", "MIL", "COP", "JUD"):
            return []  # an organisation has no government to protest against
        name = self.dictionary.countries[source.country].name
        return [Actor(source.text, f"{source.country}GOV", source.country, "GOV", name, source.start, source.end)]

    def _obligation(self, verb: Any) -> str | None:
        """The CAMEO code of "Y must do Z" (a demand) or "Y should do Z" (an appeal) reported
        by a speech verb, or None."""
        if verb.dep_ != "ccomp" or verb.head.lemma_.lower() not in self.patterns.say_verbs:
            return None
        modals = {c.lower_ for c in verb.children if c.dep_ == "aux"}
        if modals & self.patterns.demand_modals:
            return "100"
        return "020" if "should" in modals else None

    def _demand(self, verb: Any, ctx: _Context) -> Iterator[Event]:
        """"A British minister said Libya must hand over the suspects": the speaker demands it
        of the complement's subject, whatever is demanded."""
        say = verb.head
        speaker, target = _subject(say), _subject(verb)
        if speaker is None or target is None or any(c.dep_ == "neg" for c in (*verb.children, *say.children)):
            return
        sources = self._actors(speaker, ctx)
        recipients: list[Actor | None] = [a for a in self._actors(target, ctx) if a.code != (sources[0].code if sources else None)]
        code = self.codebook[self._obligation(verb) or "100"]
        modal = next(c for c in verb.children if c.dep_ == "aux" and c.lower_ in (*self.patterns.demand_modals, "should"))
        for source in sources:
            source = situate(source, ctx.article, self.dictionary, ctx.sentence.index)
            if not is_placed(source) and source.ner is None:
                continue
            for recipient in recipients or [None]:
                yield Event(
                    sentence=ctx.sentence.index, cameo=code.cameo, event_type=code.plover_type, mode=code.plover_mode,
                    context=code.plover_context, goldstein=code.goldstein, quad_class=code.quad_class, actor=source,
                    recipient=recipient, trigger=_token_span([modal, verb], ctx), pattern=f"obligation {modal.lower_}",
                    confidence=BASE_CONFIDENCE - SUBORDINATE_PENALTY,
                    notes=[f"{say.text!r} that {target.text!r} {modal.text} ...: a demand of {target.text!r}",
                           *source.notes, *(recipient.notes if recipient else ())],
                )

    def _future(self, verb: Any) -> bool:
        return any(c.dep_ == "aux" and c.lower_ in self.patterns.intent_auxiliaries for c in verb.children)

    def _intended(self, verb: Any) -> bool:
        """Will do, would do, agreed to do, is willing to do."""
        return self._future(verb) or ((verb.dep_ == "xcomp" or _purpose(verb)) and self._intent_head(verb.head))

    def _intent_head(self, token: Any) -> bool:
        return (token.pos_ == "VERB" and self._lemma(token) in self.patterns.intent_verbs) or (
            token.pos_ == "ADJ" and token.lower_ in self.patterns.intent_adjectives)

    def _defers_to_complement(self, verb: Any, pattern: Pattern) -> bool:
        """"Threatened to impose sanctions": the complement says what is threatened, so the
        complement is coded (as intent) and the governing verb is not, unless its own
        pattern already names the complement."""
        if pattern.xcomp is not None or verb.lemma_.lower() not in self.patterns.intent_verbs:
            return False
        own = self.codebook[pattern.cameo].plover_type
        for complement in _children(verb, "xcomp"):
            match = self._match(complement) if complement.pos_ == "VERB" else None
            if match is None or self._modality(complement) != "asserted":
                continue
            intended = self.codebook[self.patterns.intent(match[0].cameo)].plover_type
            # "agreed to hold exercises" stays an agreement, "threatened to send refugees" a threat
            return not (own in ("AGREE", "THREATEN") and intended != own)
        return False

    def _named_by_governor(self, verb: Any) -> bool:
        """"Agreed to meet": when the governing verb codes the event itself (its pattern names
        this complement, or it does not defer to it), the complement is not coded again."""
        governor = verb.head
        if verb.dep_ != "xcomp" or governor.pos_ != "VERB" or not self._intent_head(governor):
            return False
        match = self._match(governor)
        return match is not None and (verb in match[1] or not self._defers_to_complement(governor, match[0]))

    def _modality(self, token: Any) -> str | None:
        """asserted, negated ("did not reject") or hypothetical ("might expel", "if Iran
        attacks"); None when the verb is no event of its own: a modifier, or the content of a
        proposal or demand ("proposed that the two leaders sign").

        A verb shares the negation and modals of the verb it is joined to ("did not meet or
        call") and of the verb it completes ("is not willing to negotiate"); a speech verb's
        own marks stop there ("might say X attacked" reports an attack)."""
        if token.dep_ in SKIP_DEPS:
            return None
        if token.dep_ == "relcl" and not any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in RELATIVE_PRONOUNS
                                             for c in token.children):
            return None  # "the deal that Russia signed": only "X, which attacked Y" names its actor
        if _purpose(token) and self._match(token.head) is not None:
            return None  # "staged protests to demand reforms": the demand is the protest's purpose
        modality = "asserted"
        node = token
        # "Beijing did not reject the offer, and both sides said ...": a joined clause with its own
        # subject does not share the first clause's negation or modals
        inherits = True
        while True:
            if inherits and (any(c.dep_ == "aux" and c.lower_ in HYPOTHETICAL for c in node.children) or (
                    node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for c in node.children))):
                modality = "hypothetical"
            elif inherits and modality == "asserted" and _negated(node):
                modality = "negated"
            if node.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children):
                inherits = False
            if node.dep_ not in ("ccomp", "xcomp", "conj") or node.head.i == node.i:
                return modality
            parent = node.head
            if node.dep_ == "xcomp" and parent.lemma_.lower() in self.patterns.aspect_verbs:
                node = parent  # "continued to send arms": the sending is the event
                continue
            if node.dep_ != "conj" and not (node.dep_ == "xcomp" and self._intent_head(parent)):
                return modality if parent.lemma_.lower() in self.patterns.say_verbs else None
            node = parent.head if parent.dep_ == "acomp" and parent.head.i != parent.i else parent

    # -- who ---------------------------------------------------------------------------

    def _sources(self, verb: Any, ctx: _Context) -> tuple[list[Actor], bool]:
        subject = _subject(verb)
        if subject is None:
            return [], False
        if subject.lower_ in PRONOUNS and subject.pos_ == "PRON":
            speaker = self._speaker(verb, ctx)
            if speaker is not None:
                return [speaker], True
            mention = antecedent(subject.lower_, ctx.article, ctx.sentence.index, subject.idx + ctx.sentence.offset)
            actor = compose([mention], self.dictionary, ctx.article.date, ctx.article.text) if mention else None
            if actor is not None:
                return [replace(actor, notes=(*actor.notes, f"{subject.text!r} resolved to {mention.text!r}" if mention else ""))], True
            return [], False
        return self._actors(subject, ctx), False

    def _speaker(self, verb: Any, ctx: _Context) -> Actor | None:
        head = verb
        while head.dep_ in ("ccomp", "conj", "xcomp", "acomp") and head.head.i != head.i:
            head = head.head
            if head.lemma_.lower() in self.patterns.say_verbs:
                subject = _subject(head)
                if subject is not None and subject.pos_ != "PRON":
                    actors = self._actors(subject, ctx)
                    return actors[0] if actors else None
        return None

    def _actors(self, head: Any, ctx: _Context) -> list[Actor]:
        """Actors of a noun phrase and of the phrases joined to it by "and"."""
        actors: list[Actor] = []
        for np_head in [head, *_conjuncts(head)]:
            for actor in self._np_actors(np_head, ctx):
                if all(a.code != actor.code or a.name != actor.name for a in actors):
                    actors.append(actor)
        return actors

    def _np_actor(self, head: Any, ctx: _Context) -> Actor | None:
        actors = self._np_actors(head, ctx)
        return actors[0] if actors else None

    def _np_actors(self, head: Any, ctx: _Context) -> list[Actor]:
        """Usually one actor; one per country when modifiers are joined by "and" inside the
        phrase ("Japanese and Chinese officials")."""
        tokens = _phrase(head)
        doc = head.doc
        mentions = [m for i, m in sorted(ctx.by_token.items()) if i in tokens and not (
            # "official contact", "military intelligence": an agent word modifying a plain noun
            m.kind == "agent" and doc[i].dep_ == "amod" and doc[i].head.i not in ctx.mention_tokens)]
        modifiers = [i for i, m in ctx.by_token.items()
                     if i in tokens and m.kind in ("country", "demonym") and ctx.sentence.span.doc[i].dep_ in ("amod", "compound", "conj", "nmod")]
        joined = [i for i in modifiers if ctx.sentence.span.doc[i].dep_ == "conj"]
        groups = [mentions]
        if joined and len(modifiers) > 1:
            others = [m for m in mentions if not (m.kind in ("country", "demonym") and _token_of(m, ctx) in modifiers)]
            groups = [[ctx.by_token[i], *others] for i in sorted(modifiers)]
        found = [compose(g, self.dictionary, ctx.article.date, ctx.article.text, head.idx + ctx.sentence.offset) for g in groups]
        actors = [a for a in found if a is not None]
        if not actors and _is_pair(head):
            return self._pair(head, ctx)
        if not actors:
            unknown = _named_entity(head, tokens, ctx)
            return [unknown] if unknown is not None else []
        return actors

    def _pair(self, head: Any, ctx: _Context) -> list[Actor]:
        """"The two countries", "both sides": the two countries named just before."""
        mentions = pair(ctx.article, self.dictionary, ctx.sentence.index, head.left_edge.idx + ctx.sentence.offset)
        sector = "GOV" if head.lemma_.lower() in ("government", "leader") else None
        actors = []
        for m in mentions:
            actor = compose([m], self.dictionary, ctx.article.date, ctx.article.text)
            if actor is not None:
                if sector and actor.country and actor.sector is None:
                    actor = replace(actor, sector=sector, code=f"{actor.country}{sector}")
                actors.append(replace(actor, notes=(*actor.notes, f"{_phrase_text(head)!r} resolved to {m.text!r}")))
        return actors

    def _targets(self, verb: Any, trigger: list[Any], pattern: Pattern, ctx: _Context, sources: list[Actor]) -> list[Actor]:
        """The direct object first ("accused Moscow of ..."), then the pattern's preposition
        ("called on NATO"), then an event noun's ("an attack on Kyiv"), then the others."""
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
        nouns = [t.i for t in trigger[1:] if t.pos_ in ("NOUN", "PROPN")]
        # an event noun's own prepositions first ("a stern reminder to Iraq that ..."), then its
        # object ("the withdrawal of Serbian forces")
        heads = [p for noun in trigger[1:] for p in _children(noun, "prep") if p.lower_ in NOUN_TARGET_PREPS]
        objects = _children(verb, "nsubjpass") if passive else _children(verb, "dobj", "dative")
        heads += sorted(objects, key=lambda o: o.i in nouns)
        if pattern.prep:
            heads += [p for p in _children(verb, "prep") if p.lower_ == pattern.prep]
        heads += sorted((p for p in _children(verb, "prep", "dative") if p.lower_ in TARGET_PREPS),
                        key=lambda p: TARGET_PREPS.index(p.lower_))
        # "... to demand the resignation of X", "agreed to open its borders to UN peacekeepers"
        heads += [c for c in verb.children if _purpose(c) or (c.dep_ == "xcomp" and c.pos_ == "VERB")]
        # "demanded that President Mugabe abandon the policy": the one asked is the clause's subject
        heads += [s for c in _children(verb, "ccomp") for s in _children(c, "nsubj", "nsubjpass")]
        code = self.codebook[pattern.cameo]
        kind = code.plover_type
        source_codes = {(s.code, s.name) for s in sources}
        # "arrived in Amman" visits Jordan and "struck targets in Syria" strikes Syria; otherwise
        # a place after "in" is where it happened ("a summit in Kazakhstan"), not with whom
        where_is_whom = code.plover_mode == "visit" or code.quad_class == 4
        for head in heads:
            if head.dep_ == "prep" and not where_is_whom and self._names_a_place(head, ctx, own=pattern.prep):
                continue  # "signed it at the White House", "signed an agreement in China"
            found = [a for a in self._search(head, ctx, events_at=set() if where_is_whom else {t.i for t in trigger[1:]})
                     if (a.code, a.name) not in source_codes and not (kind in OWN_FORCE_TYPES and _own_forces(sources[0], a))
                     and not self._owned_by_source(a, ctx)]
            if found:
                return found
        return []

    def _names_a_place(self, prep: Any, ctx: _Context, own: str | None = None) -> bool:
        """Whether a locative preposition names where something happened: a capital or place
        after "in", "at", "near" ...; a country after "in" too, unless "in" is the pattern's
        own preposition ("intervened in Syria")."""
        word = prep.lower_
        if word not in LOCATIVE_PREPS:
            return False
        kinds = {"capital", "metonym", "place"} | ({"country"} if word in ("in", "inside") and word != own else set())
        objects = _children(prep, "pobj")
        return any(m.kind in kinds for o in objects for i, m in ctx.by_token.items() if i in _phrase(o))

    def _owned_by_source(self, actor: Actor, ctx: _Context) -> bool:
        """"Russia recalled its envoy", "withdrew their ambassadors": a state agent with no
        country of its own, owned by "its"/"their", is the actor's own, not its recipient."""
        if is_placed(actor) or actor.sector in NON_STATE_SECTORS:
            return False
        index = _token_at(actor.start, ctx)
        if index is None:
            return False
        head = _np_head(ctx.sentence.span.doc[index])
        return any(c.dep_ == "poss" and c.lower_ in OWNING_PRONOUNS for c in head.children)

    def _search(self, head: Any, ctx: _Context, events_at: set[int] | None = None) -> list[Actor]:
        """The first actor-bearing phrase inside `head`'s subtree, nearest the head first.
        Below the head itself only actors that say whose they are count ("an agreement to
        reduce military tensions" names no recipient), nor does the place where an event noun
        of `events_at` happened ("held a summit in a third country"; but "evacuate settlements
        in Gaza" is done to what is in Gaza)."""
        events_at = events_at or set()
        queue = [head]
        seen = set()
        while queue:
            token = queue.pop(0)
            if token.i in seen:
                continue
            seen.add(token.i)
            if token.pos_ in ("NOUN", "PROPN", "PRON") or token.i in ctx.mention_tokens:
                actors = self._actors(token, ctx)
                direct = token.i == head.i or ((head.dep_ == "prep" or head.pos_ == "VERB") and token.head.i == head.i)
                if not direct:
                    actors = [a for a in actors if is_placed(a)]
                if token.i in events_at and token.i not in ctx.mention_tokens:  # "a summit in Kazakhstan": where
                    where = {i for c in _children(token, "prep") if self._names_a_place(c, ctx) for i in _phrase(c)}
                    actors = [a for a in actors if _token_at(a.start, ctx) not in where]
                if actors:
                    return actors
            queue.extend(c for c in token.children if c.dep_ not in ("relcl", "advcl", "ccomp")
                         and not (token.i in events_at and c.dep_ == "prep" and self._names_a_place(c, ctx)))
        return []

    def _sentence_target(self, verb: Any, ctx: _Context, sources: list[Actor]) -> Actor | None:
        """Another actor named in the sentence, nearest the verb, of another country."""
        countries = {s.country for s in sources}
        taken = {(s.start, s.end) for s in sources}
        candidates = []
        for i, mention in ctx.by_token.items():
            if mention.kind in ("agent", "place") or any(s <= mention.start < e for s, e in taken):
                continue
            if _is_location(verb.doc[i]):
                continue
            actor = self._np_actor(_np_head(verb.doc[i]), ctx)
            if actor is not None and actor.country is not None and actor.country not in countries:
                candidates.append((abs(i - verb.i), actor))
        return min(candidates, key=lambda c: c[0])[1] if candidates else None


NON_STATE_SECTORS = {"CVL", "OPP", "LAB", "REB", "PTY", "BUS", "MED", "EDU", "HLH", "REL", "CRM", "REF"}
# Events whose object is the actor's own forces ("withdrew its troops", "deployed troops").
OWN_FORCE_TYPES = {"MOBILIZE", "RETREAT", "AID", "COOPERATE"}


def _own_forces(source: Actor, actor: Actor) -> bool:
    """"Russia withdrew its troops": the troops are what moves, not whom it is done to."""
    return actor.sector in ("MIL", "COP") and actor.country in (None, source.country)


def _own_by_default(actor: Actor, named: Actor, recipient: Actor) -> bool:
    """A recipient that only got the actor's own country by inference ("Russia summoned the
    ambassador": the only country named is Russia's) is no recipient, unless one side is
    society facing the state at home (police and protesters)."""
    if is_placed(named) or recipient.country is None or recipient.country != actor.country:
        return False
    return actor.sector not in NON_STATE_SECTORS and recipient.sector not in NON_STATE_SECTORS


def _same_actor(source: Actor, recipient: Actor, event_type: str | None) -> bool:
    """A country acting on itself says nothing, unless sectors differ (police and protesters);
    a country mobilising its own forces has no recipient."""
    if (source.code, source.code or source.text) == (recipient.code, recipient.code or recipient.text):
        return True
    if source.country is None or source.country != recipient.country:
        return False
    return recipient.sector is None or event_type == "MOBILIZE"


# Sectors whose members act at home: a sector-only actor of these kinds, facing a country's
# actor, is taken to be of that country ("protesters rallied against the Israeli government").
DOMESTIC_SECTORS = {"CVL", "OPP", "LAB", "REB", "PTY", "BUS", "MED", "EDU", "HLH", "REL", "CRM", "REF", "COP", "MIL", "GOV", "JUD", "LEG"}


def _place(source: Actor, recipient: Actor | None, domestic: bool) -> tuple[Actor, Actor | None, list[str]] | None:
    """Give a sector-only actor ("protesters", "police") the country of the other side; drop the
    event when its source stays without a country or organisation. A sector-only recipient of
    cooperation ("reopen embassies") is dropped: conflict is what happens at home."""
    notes = []
    if recipient is not None and not is_placed(recipient) and recipient.ner is None and not domestic:
        recipient = None
    if recipient is not None and not is_placed(recipient) and is_state(source.country) \
            and recipient.sector in DOMESTIC_SECTORS:  # not an organisation's: "the UN urged police"
        recipient = replace(recipient, country=source.country, code=f"{source.country}{recipient.sector}")
        notes.append("recipient's country taken from the actor's")
    if not is_placed(source) and source.ner is None:
        if recipient is None or not is_state(recipient.country) or source.sector not in DOMESTIC_SECTORS:
            return None
        source = replace(source, country=recipient.country, code=f"{recipient.country}{source.sector}")
        notes.append("actor's country taken from the recipient's")
    return source, recipient, notes


def _context(article: Article, sentence: Sentence) -> _Context:
    span = sentence.span
    char_to_token = {t.idx + sentence.offset: t.i for t in span}
    by_token: dict[int, Mention] = {}
    mention_tokens: dict[int, Mention] = {}
    for mention in article.mentions_in(sentence.index):
        if mention.start not in char_to_token:
            continue
        first = char_to_token[mention.start]
        by_token[first] = mention
        # the mention's tokens run on from its first: visiting only those keeps this linear
        # in the sentence however many mentions it has
        for t in span.doc[first : span.end]:
            if t.idx + sentence.offset >= mention.end:
                break
            mention_tokens[t.i] = mention
    return _Context(article, sentence, by_token, mention_tokens)


NAMED_TYPES = {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"}


PAIR_NOUNS = {"country", "side", "nation", "government", "leader", "neighbour", "neighbor", "state", "party", "capital"}


def _is_pair(head: Any) -> bool:
    """"the two countries", "both sides", "the two leaders"."""
    if head.lemma_.lower() not in PAIR_NOUNS or head.tag_ not in ("NNS", "NNPS"):
        return False
    return any(c.lower_ in ("two", "both") and c.dep_ in ("nummod", "det", "predet", "amod", "quantmod") for c in head.children)


def _phrase_text(head: Any) -> str:
    return str(head.doc[head.left_edge.i : head.i + 1].text)


def _named_entity(head: Any, tokens: set[int], ctx: _Context) -> Actor | None:
    """A named actor the knowledge base does not know ("the Azadliq coalition"): kept with its
    text and entity type, code null, so nothing is lost."""
    for ent in ctx.sentence.span.ents:
        if ent.label_ in NAMED_TYPES and all(t.i in tokens for t in ent) and ent.start <= head.i:
            last = max(head.i, ent.end - 1)  # "the Azadliq coalition": from the name to the head
            start, end = ent.start_char + ctx.sentence.offset, head.doc[last].idx + len(head.doc[last]) + ctx.sentence.offset
            return Actor(ctx.article.text[start:end], None, None, None, None, start, end, ner=ent.label_,
                         notes=(f"{ent.text!r} is not in the knowledge base ({ent.label_})",))
    return None


def _negated(verb: Any) -> bool:
    """"did not", "never", and "no longer" (whose "no" the parser hangs on "longer")."""
    return any(c.dep_ == "neg" or (c.dep_ == "advmod" and any(g.dep_ == "neg" for g in c.children))
               for c in verb.children)


SPEECH_NOUNS = {"statement", "remark", "remarks", "comment", "comments", "speech", "address", "interview", "briefing", "post", "message"}


def _reports(verb: Any, say_verbs: frozenset[str]) -> bool:
    """A speech verb that reports something: a clause ("said the talks were useful"), a quote
    ("'...,' the minister said"), or a statement ("said in a statement")."""
    if any(c.dep_ in ("ccomp", "parataxis") for c in verb.children):
        return True
    if verb.dep_ in ("parataxis", "ccomp") and verb.i > verb.head.i and verb.head.lemma_.lower() not in say_verbs:
        return True  # "Russian forces attacked the village, officials said"; not "said Tokyo would respond"
    return any(o.lemma_.lower() in SPEECH_NOUNS for p in _children(verb, "prep") for o in _children(p, "pobj")) or any(
        o.lemma_.lower() in SPEECH_NOUNS for o in _children(verb, "dobj"))


def _content(verb: Any, ctx: _Context) -> list[tuple[int, int]]:
    """Article offsets of what a speech act reports: the phrases and clauses the verb governs,
    not its subject nor the clauses joined to it by "and"."""
    heads = [c for c in verb.children if c.dep_ not in ("conj", "cc", "nsubj", "nsubjpass", "aux", "auxpass", "neg", "punct")]
    return [_offsets(list(head.subtree), ctx) for head in heads]


def _inserted_into(verb: Any, ctx: _Context) -> list[tuple[int, int]]:
    """"Russian forces attacked the village, officials said": the clause a speech verb is
    inserted into (the parser makes the speech verb its dependent) is what it reports."""
    if verb.dep_ not in ("parataxis", "ccomp") or verb.head.i == verb.i or verb.i < verb.head.i:
        return []
    head = verb.head
    tokens = [head, *(t for c in head.children if c.i != verb.i and c.dep_ not in ("conj", "cc") for t in c.subtree)]
    return [_offsets(tokens, ctx)]


def _within(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] < end for start, end in spans)


def _offsets(tokens: list[Any], ctx: _Context) -> tuple[int, int]:
    return min(t.idx for t in tokens) + ctx.sentence.offset, max(t.idx + len(t) for t in tokens) + ctx.sentence.offset


def _subordinate(verb: Any) -> bool:
    node = verb
    while node.head.i != node.i:
        if node.dep_ in ("advcl", "pcomp", "relcl"):
            return True
        node = node.head
    return False


def _purpose(verb: Any) -> bool:
    """A clause of purpose or manner: "to demand reforms", "..., demanding compensation"."""
    if verb.dep_ != "advcl" or verb.pos_ != "VERB" or verb.head.pos_ != "VERB":
        return False
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
    participle = verb.tag_ == "VBG" and not any(c.dep_ in ("nsubj", "mark") for c in verb.children)
    return infinitive or participle


def _token_at(offset: int, ctx: _Context) -> int | None:
    """The doc index of the token starting at an article offset."""
    return next((t.i for t in ctx.sentence.span if t.idx + ctx.sentence.offset == offset), None)


def _token_of(mention: Mention, ctx: _Context) -> int | None:
    return next((i for i, m in ctx.by_token.items() if m is mention), None)


def _children(token: Any, *deps: str) -> list[Any]:
    return [c for c in token.children if c.dep_ in deps]


def _subject(verb: Any) -> Any:
    """The acting subject: nsubj, the "by" agent of a passive, or a governing verb's subject."""
    for child in verb.children:
        if child.dep_ == "agent":
            objects = _children(child, "pobj")
            if objects:
                return objects[0]
    subjects = _children(verb, "nsubj")
    if subjects and verb.dep_ == "relcl" and subjects[0].lower_ in RELATIVE_PRONOUNS:
        return verb.head  # "Russia, which attacked Ukraine in 2014, ...": the noun it describes
    if subjects:
        return subjects[0]
    if any(c.dep_ == "nsubjpass" for c in verb.children):
        return None  # a passive without its agent names no source
    if verb.dep_ in ("xcomp", "conj", "advcl", "acomp") and verb.head.i != verb.i:
        return _subject(verb.head)
    return None


def _conjuncts(token: Any) -> list[Any]:
    out = []
    for child in token.children:
        if child.dep_ == "conj":
            out.append(child)
            out.extend(_conjuncts(child))
    return out


def _phrase(head: Any) -> set[int]:
    """Token indices of the noun phrase headed by `head`, without clauses or its conjuncts."""
    tokens = {head.i}
    stack = [head]
    while stack:
        token = stack.pop()
        for child in token.children:
            if child.dep_ in ("conj", "cc") and token.i == head.i:
                continue  # "Japan and China": separate actors, see _actors
            if child.dep_ in NP_DEPS or (child.dep_ == "prep" and child.lower_ in NP_PREPS) or (child.dep_ == "pobj" and token.dep_ == "prep"):
                tokens.add(child.i)
                stack.append(child)
    return tokens


def _np_head(token: Any) -> Any:
    while token.dep_ in ("compound", "amod", "flat", "poss", "case") and token.head.i != token.i:
        token = token.head
    return token


def _is_location(token: Any) -> bool:
    head = _np_head(token)
    return head.dep_ == "pobj" and head.head.lower_ in ("in", "at", "near", "outside", "inside", "across", "throughout")


def _constraints_hold(pattern: Pattern, verb: Any) -> list[Any] | None:
    """The trigger tokens when every constraint of `pattern` holds for `verb`, else None."""
    trigger = [verb]
    if pattern.particle is not None:
        particles = [c for c in verb.children if c.dep_ == "prt" and c.lower_ == pattern.particle]
        if not particles:
            return None
        trigger += particles
    if pattern.object is not None:
        objects = [c for c in _objects(verb, "dobj", "nsubjpass") if _lemmas(c) & pattern.object]
        if not objects:
            return None
        trigger += objects
    if pattern.prep is not None:
        preps = [c for c in _children(verb, "prep", "dative") if c.lower_ == pattern.prep]
        if pattern.prep_object is not None:
            preps = [p for p in preps if any(_lemmas(o) & pattern.prep_object for o in _children(p, "pobj"))]
        if not preps:
            return None
        trigger += preps
    if pattern.xcomp is not None:
        comps = [c for c in _children(verb, "xcomp") if c.lemma_.lower() in pattern.xcomp]
        if not comps:
            return None
        trigger += comps
    return trigger


PARTITIVES = {"ton", "tonne", "kg", "kilogram", "million", "billion", "thousand", "hundred", "dozen", "number",
              "part", "some", "most", "lot", "batch", "tranche", "round", "series", "shipment", "package", "portion",
              "amount", "quantity", "load", "consignment", "wave", "barrage", "volley", "string", "%", "percent",
              "bulk", "share", "majority", "half", "third", "quarter", "worth"}


def _lemmas(token: Any) -> set[str]:
    """The words an object constraint can match: the head, its compounds, and for a quantity
    the thing counted ("25,000 tons of food aid", "part of a military aid program")."""
    found = {token.lemma_.lower(), token.lower_}
    found.update(c.lemma_.lower() for c in token.children if c.dep_ == "compound")
    if token.lemma_.lower() in PARTITIVES:
        for of in (c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"):
            for counted in _children(of, "pobj"):
                found |= _lemmas(counted)
    return found


def _objects(verb: Any, *deps: str) -> list[Any]:
    """The verb's objects and the objects joined to them ("photographs and intelligence")."""
    return [o for d in _children(verb, *deps) for o in (d, *_conjuncts(d))]


def _token_span(tokens: list[Any], ctx: _Context) -> tuple[int, int]:
    """Offsets of the verb and the trigger words next to it ("imposed sanctions", "insists on")."""
    first = last = tokens[0]
    for token in sorted(tokens[1:], key=lambda t: abs(t.i - tokens[0].i)):
        if token.i > last.i and token.i - last.i <= TRIGGER_GAP:
            last = token
        elif token.i < first.i and first.i - token.i <= TRIGGER_GAP:
            first = token
    return first.idx + ctx.sentence.offset, last.idx + len(last) + ctx.sentence.offset
