from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from dyad.coding.actors.codes import compose
from dyad.coding.actors.knowledge import ActorDictionary, default_dictionary
from dyad.data import data_path
from dyad.errors import DataFileError
from dyad.types import Mention

G20 = ["ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA", "JPN", "MEX", "RUS", "SAU", "ZAF", "KOR", "TUR", "GBR", "USA"]


def test_dictionary_covers_every_country_and_the_named_metonyms() -> None:
    d = default_dictionary()
    assert len(d.countries) >= 195
    aliases = {(a.lower(), kind): key for a, kind, key in d.aliases}
    for name, iso3 in [("kremlin", "RUS"), ("white house", "USA"), ("moscow", "RUS"), ("tokyo", "JPN"),
                       ("beijing", "CHN"), ("pyongyang", "PRK"), ("washington", "USA")]:
        assert iso3 in {key.partition(":")[0] for (alias, _), key in aliases.items() if alias in (name, f"the {name}")}, name


def test_heads_of_state_or_government_for_g20_and_the_koreas_in_2018_and_2024() -> None:
    d = default_dictionary()
    for day in (dt.date(2018, 9, 12), dt.date(2024, 3, 6)):
        covered = {r.country for p in d.people.values() for r in p.roles if r.holds_on(day) and r.sector == "GOV"}
        missing = [c for c in [*G20, "PRK"] if c not in covered]
        assert not missing, (day, missing)


def test_roles_are_dated() -> None:
    putin = default_dictionary().people["Vladimir Putin"]
    assert putin.role_on(dt.date(2010, 1, 1)).title == "Prime Minister"
    assert putin.role_on(dt.date(2018, 9, 12)).title == "President"
    abe = default_dictionary().people["Shinzo Abe"]
    assert abe.role_on(dt.date(2018, 9, 12)) is not None
    assert abe.role_on(dt.date(2022, 1, 1)) is None  # left office in 2020


def _mention(kind: str, key: str, start: int, end: int, **kw: Any) -> Mention:
    return Mention(start=start, end=end, text="", kind=kind, key=key, sentence=0, **kw)


@pytest.mark.parametrize(
    ("mentions", "code", "country", "sector"),
    [
        ([("demonym", "RUS"), ("agent", "troops")], "RUSMIL", "RUS", "MIL"),
        ([("capital", "JPN")], "JPNGOV", "JPN", "GOV"),
        ([("metonym", "RUS")], "RUSGOV", "RUS", "GOV"),
        ([("country", "CHN"), ("agent", "foreign ministry")], "CHNGOV", "CHN", "GOV"),
        ([("country", "IND")], "IND", "IND", None),
        ([("agent", "protesters")], "CVL", None, "CVL"),
        ([("demonym", "JPN"), ("agent", "prime minister"), ("person", "Shinzo Abe")], "JPNGOV", "JPN", "GOV"),
    ],
)
def test_compose(mentions: list[tuple[str, str]], code: str, country: str | None, sector: str | None) -> None:
    text = "x" * 100
    ms = [_mention(kind, key, i * 10, i * 10 + 5) for i, (kind, key) in enumerate(mentions)]
    actor = compose(ms, default_dictionary(), dt.date(2018, 9, 12), text)
    assert actor is not None
    assert (actor.code, actor.country, actor.sector) == (code, country, sector)
    assert (actor.start, actor.end) == (0, ms[-1].end)


def test_a_person_out_of_office_keeps_the_country_but_no_sector() -> None:
    actor = compose([_mention("person", "Shinzo Abe", 0, 10)], default_dictionary(), dt.date(2023, 1, 1), "x" * 10)
    assert actor is not None and (actor.code, actor.country, actor.sector) == ("JPN", "JPN", None)


def test_un_secretary_general_is_an_igo_actor() -> None:
    actor = compose([_mention("person", "António Guterres", 0, 10)], default_dictionary(), dt.date(2021, 2, 26), "x" * 10)
    assert actor is not None and actor.code == "IGOUNO" and actor.country == "IGOUNO"  # the organisation is its own party


def test_bad_dictionary_files_fail_with_the_line(tmp_path: Path) -> None:
    folder = tmp_path / "actors"
    shutil.copytree(data_path("actors"), folder)
    with (folder / "countries.tsv").open("a") as f:
        f.write("ru\tRussia again\t\t\t\t\t\t\t\t\n")
    lines = len((folder / "countries.tsv").read_text().splitlines())
    with pytest.raises(DataFileError, match=f"countries.tsv:{lines}: iso3 must be three capital letters"):
        ActorDictionary.load(folder)


@pytest.mark.model
class TestTagger:
    def test_mentions_surnames_and_titled_people(self, pipeline: Any) -> None:
        article = pipeline.code_text(
            "Japan's Chief Cabinet Secretary Yoshihide Suga met Russian President Vladimir Putin in Moscow on Monday. "
            "Suga later thanked Putin, and Abe was not there.",
            date="2018-09-12",
        )
        found = {(m.text, m.kind, m.key) for m in article.mentions}
        assert ("Yoshihide Suga", "person", "Yoshihide Suga") in found
        assert ("Suga", "person", "Yoshihide Suga") in found  # named in full earlier
        assert ("Putin", "person", "Vladimir Putin") in found
        assert not any(m.text == "Abe" for m in article.mentions)  # never named in full: unresolved
        for m in article.mentions:
            assert article.text[m.start : m.end] == m.text

    def test_case_sensitive_short_aliases(self, pipeline: Any) -> None:
        article = pipeline.code_text("US troops told us they would leave.", date="2020-01-01")
        assert [(m.text, m.key) for m in article.mentions if m.kind == "country"] == [("US", "USA")]


def _actors_of(article: Any) -> list[tuple[str | None, str, str | None]]:
    return [(e.actor.code, e.event_type, e.recipient.code if e.recipient else None) for e in article.events]


@pytest.mark.model
class TestResolver:
    @pytest.mark.parametrize(
        ("text", "date", "actor", "name"),
        [
            ("Suga criticised China on Monday.", "2018-09-12", None, None),  # never named in full: code null
            ("Japan's Chief Cabinet Secretary Yoshihide Suga criticised China.", "2018-09-12", "JPNGOV", "Yoshihide Suga"),
            ("Japanese Prime Minister Yoshihide Suga criticised China.", "2021-03-01", "JPNGOV", "Yoshihide Suga"),
            ("The Japanese prime minister criticised China.", "2018-09-12", "JPNGOV", "Shinzo Abe"),
            ("The Japanese prime minister criticised China.", "2021-03-01", "JPNGOV", "Yoshihide Suga"),
            ("Russia's president criticised Ukraine.", "2010-06-01", "RUSGOV", "Dmitry Medvedev"),
            ("Vladimir Putin criticised Ukraine.", "2010-06-01", "RUSGOV", "Vladimir Putin"),
        ],
    )
    def test_roles_over_time(self, code: Any, text: str, date: str, actor: str | None, name: str | None) -> None:
        events = code(text, date).events
        assert [(e.actor.code, e.actor.name) for e in events] == [(actor, name)]

    def test_role_is_recorded(self, code: Any) -> None:
        [event] = code("Vladimir Putin criticised Ukraine.", "2010-06-01").events
        assert event.actor.role == "Prime Minister"

    @pytest.mark.parametrize(
        ("text", "date", "code_"),
        [
            ("The Soviet Union invaded Afghanistan.", "1979-12-28", "SUN"),
            ("Japan demanded islands from the Soviet Union.", "2018-09-12", "RUS"),
            ("East Germany expelled two West German diplomats.", "1985-03-01", "DDR"),
        ],
    )
    def test_historical_states(self, code: Any, text: str, date: str, code_: str) -> None:
        countries = {e.actor.country for e in code(text, date).events} | {
            e.recipient.country for e in code(text, date).events if e.recipient}
        assert code_ in countries

    @pytest.mark.parametrize(
        ("text", "actor"),
        [
            ("The Pentagon accused Iran of arming rebels.", "USAMIL"),
            ("The Kremlin accused Ukraine of sabotage.", "RUSGOV"),
            ("Downing Street criticised France.", "GBRGOV"),
            ("Chinese firms signed a deal with Kenya.", "CHNBUS"),
            ("UN peacekeepers arrested two Congolese rebels.", "IGOUNOMIL"),
        ],
    )
    def test_metonyms_and_agents(self, code: Any, text: str, actor: str) -> None:
        assert actor in [a for a, _, _ in _actors_of(code(text))]

    def test_he_resolves_to_the_only_person_named_before(self, code: Any) -> None:
        article = code("Turkish President Recep Tayyip Erdogan spoke in Ankara. He criticised Sweden.", "2023-01-20")
        [event] = article.events
        assert (event.actor.code, event.actor.name, event.recipient.code if event.recipient else None) == ("TURGOV", "Recep Tayyip Erdogan", "SWE")
        assert article.text[event.actor.start : event.actor.end] == "Recep Tayyip Erdogan"

    def test_he_with_two_candidates_stays_unresolved(self, code: Any) -> None:
        article = code("Erdogan met Swedish Prime Minister Ulf Kristersson in Ankara. He criticised Finland.", "2023-01-20")
        assert all(e.event_type != "ACCUSE" for e in article.events)

    def test_it_resolves_to_the_only_country(self, code: Any) -> None:
        [event] = code("Canada is worried. It criticised India on Monday.", "2023-09-20").events
        assert (event.actor.code, event.recipient.code if event.recipient else None) == ("CAN", "IND")

    def test_the_two_countries(self, code: Any) -> None:
        article = code("Armenia and Azerbaijan met in Brussels. The two countries agreed to reopen the border.", "2023-05-14")
        found = _actors_of(article)
        assert ("ARM", "AGREE", "AZE") in found and ("AZE", "AGREE", "ARM") in found

    def test_a_government_spokesman_in_a_japan_story(self, code: Any) -> None:
        article = code("Japan was angered by the report. A government spokesman accused China of provocation.", "2023-05-14")
        assert ("JPNGOV", "ACCUSE", "CHN") in _actors_of(article)

    def test_unknown_named_actors_are_kept_with_code_null(self, code: Any) -> None:
        [event] = code("The Azadliq coalition accused Ilham Aliyev of fraud.", "2005-11-07").events
        assert event.actor.code is None and event.actor.ner is not None
        assert event.actor.text == "Azadliq coalition"


USER_FILE = """
people:
  - name: Jane Example
    aliases: [Example]
    roles:
      - {country: NOR, sector: GOV, title: Foreign Minister, start: 2020-01-01, end: null}
organizations:
  - {code: AZQ, name: Azadliq coalition, aliases: [Azadliq], sector: OPP, country: AZE}
agents:
  - {phrase: border guards, sector: MIL}
metonyms:
  - {phrase: Nagatacho, country: JPN, sector: GOV}
countries:
  - {iso3: JPN, aliases: [Nippon]}
  - {iso3: SML, name: Somaliland}
"""


def test_user_files_extend_and_override(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(USER_FILE)
    d = ActorDictionary.load(extra=[path])
    assert d.people["Jane Example"].role_on(dt.date(2024, 1, 1)).country == "NOR"
    assert d.orgs["AZQ"].country == "AZE" and d.agents["border guards"] == "MIL"
    assert ("Nippon", "country", "JPN") in d.aliases
    assert d.countries["SML"].name == "Somaliland"
    assert ("org", "AZQ") in d.preferred
    assert "Jane Example" not in default_dictionary().people  # the built-ins are untouched


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("orgs: []", "expected a mapping with sections"),
        ("agents:\n  - {phrase: guards, sector: '1'}", r"agents\[1\].*sector must be a letter code"),
        ("people:\n  - {name: X, roles: [{country: ZZQ, sector: GOV, title: King, start: 2020-01-01}]}", "unknown country 'ZZQ'"),
        ("places:\n  - {name: Nowhere, lat: 95, lon: 0}", "a place needs lat"),
    ],
)
def test_bad_user_files_say_where(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(body)
    with pytest.raises(DataFileError, match=message):
        ActorDictionary.load(extra=[path])


def test_missing_user_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no such actor file"):
        ActorDictionary.load(extra=[tmp_path / "nope.yaml"])


@pytest.mark.model
def test_user_actors_through_the_cli(tmp_path: Path, nlp: Any) -> None:
    from dyad.cli.main import main
    from dyad.store.store import Store

    (tmp_path / "actors").mkdir()
    (tmp_path / "actors" / "mine.yaml").write_text(USER_FILE)
    article = tmp_path / "a.txt"
    article.write_text("The Azadliq coalition accused Nagatacho of interference.")
    db = tmp_path / "d.duckdb"
    assert main(["code", str(article), "--db", str(db), "--quiet", "--actors", str(tmp_path / "actors"), "--date", "2024-01-02"]) == 0
    with Store(db, read_only=True) as store:
        [event] = store.events()
    assert (event["actor"]["code"], event["recipient"]["code"]) == ("AZEOPP", "JPNGOV")


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "date", "actor", "name"),
    [
        ("Chancellor Merkel criticised Russia.", "2015-01-10", "DEUGOV", "Angela Merkel"),
        ("President Bush criticised Iraq.", None, "USAGOV", None),  # two Presidents Bush: the country is still sure
        ("President Bush criticised Iraq.", "2003-03-01", "USAGOV", "George W. Bush"),
        ("NATO-member Norway criticised Russia.", "2015-01-10", "NOR", "Norway"),
        ("Opposition groups in Zimbabwe condemned President Mugabe.", "2008-01-10", "ZWEOPP", None),
    ],
)
def test_titles_heads_and_context(code: Any, text: str, date: str | None, actor: str, name: str | None) -> None:
    events = code(text, date).events
    assert events and events[0].actor.code == actor
    if name is not None:
        assert events[0].actor.name == name


@pytest.mark.model
def test_a_place_named_as_target_stands_for_its_country(code: Any) -> None:
    [event] = code("Israeli jets bombed the Gaza Strip on Monday.", "2023-10-10").events
    assert event.recipient is not None and event.recipient.country == "PSE"


@pytest.mark.model
def test_an_unknown_titled_person_takes_the_only_country_named_before(code: Any) -> None:
    events = code("Protesters in Zimbabwe marched on Monday. President Obert Example criticised Britain.", "2008-01-10").events
    [event] = [e for e in events if e.event_type == "ACCUSE"]
    assert (event.actor.code, event.actor.name) == ("ZWEGOV", "Obert Example")
    assert any("taken to be of ZWE" in n for n in event.notes)


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Ethnic Albanians in Macedonia protested against the government.", "MKDCVL"),
        ("Planning Minister Tran Example praised the reforms in Vietnam.", "VNMGOV"),
    ],
)
def test_context_gives_the_country(code: Any, text: str, actor: str) -> None:
    assert actor in [a for a, _, _ in _actors_of(code(text, "2001-03-01"))]


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "is_country"),
    [
        ("Georgia accused Russia of occupying its territory.", True),
        ("Protesters marched in Atlanta, Georgia on Monday.", False),
        ("The state of Georgia sued the company.", False),
    ],
)
def test_georgia_the_country_or_the_us_state(code: Any, text: str, is_country: bool) -> None:
    article = code(text, "2023-05-02")
    assert any(m.key == "GEO" for m in article.mentions) is is_country
