from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from dyad.actors import ActorDictionary, compose, default_dictionary
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
    assert actor is not None and actor.code == "IGOUNO" and actor.country is None


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
