"""Hostile or careless queries on a real node: invisible characters inside words, pure-negative
queries, impossible birth years."""

from __future__ import annotations

from typing import Any

import pytest

from athar.errors import SearchRequestError
from athar.settings import Settings
from index.load import load
from index.query import person, search
from tests.index.records import document
from tests.index.records import person as person_record

PLAIN = "الموقوف محمد الخطيب نقل إلى سجن صيدنايا"
JOINED = "الموقوف مح\u200cمود الخط\u200dيب نقل إلى سجن تدمر"  # ZWNJ and ZWJ inside two words


@pytest.fixture(scope="module")
def loaded(client: Any, settings: Settings) -> Settings:
    docs = [
        document("plain", [PLAIN]),
        document("joined", [JOINED]),
        document(
            "born",
            ["الموقوف سامر قباني تولد ١٩٩١"],
            persons=(person_record("سامر قباني", born="1991", start=8),),
        ),
    ]
    assert load(client, settings, docs, refresh=True).ok
    return settings


def _sources(client: Any, settings: Settings, query: str) -> set[str]:
    return {hit.source for hit in search(client, query, settings=settings).hits}


def test_invisible_joiners_inside_a_word_do_not_defeat_matching(client: Any, loaded: Settings) -> None:
    # the page holds مح<ZWNJ>مود: a plain query finds it
    assert _sources(client, loaded, "محمود") == {"joined.pdf"}
    assert _sources(client, loaded, "الخطيب") == {"plain.pdf", "joined.pdf"}
    # a query with invisible characters (pasted from a word processor) finds the plain page
    for hidden in ("\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2066", "\u2069", "\ufeff"):
        assert _sources(client, loaded, f"مح{hidden}مد") == {"plain.pdf"}, hex(ord(hidden))


@pytest.mark.parametrize(
    "query", ["NOT zzz", "-zzz", "NOT zzz NOT yyy", '-"سجن تدمر"', "-(zzz yyy)", "محمد | -zzz"]
)
def test_a_query_of_only_excluded_words_is_refused(client: Any, loaded: Settings, query: str) -> None:
    with pytest.raises(SearchRequestError) as info:
        search(client, query, settings=loaded)
    assert info.value.code == "negative_query" and "every page" in info.value.message


def test_exclusion_with_a_word_still_works(client: Any, loaded: Settings) -> None:
    assert _sources(client, loaded, "الخطيب NOT تدمر") == {"plain.pdf"}
    assert _sources(client, loaded, "الخطيب -صيدنايا") == {"joined.pdf"}


@pytest.mark.parametrize("born", ["99999999999999999999", "19911", "0001", "1200", "3000", "²⁰⁰⁰"])
def test_impossible_birth_years_are_refused(client: Any, loaded: Settings, born: str) -> None:
    with pytest.raises(SearchRequestError) as info:
        person(client, "سامر قباني", settings=loaded, born=born)
    assert info.value.code == "bad_date"


def test_valid_birth_years_in_any_digit_set(client: Any, loaded: Settings) -> None:
    for born in ("1991", "١٩٩١", "1991-03-02"):
        hits = person(client, "سامر قباني", settings=loaded, born=born)
        assert hits and "birth year" in hits[0].why


def test_born_flag_of_the_cli_says_what_is_wrong(
    loaded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli.main import main

    assert main(["person", "--name", "سامر", "--born", "99999999999999999999"]) == 2
    err = capsys.readouterr().err
    assert "bad_date" in err and "Traceback" not in err


def test_the_index_analyzer_drops_invisible_characters(client: Any, loaded: Settings) -> None:
    from index.schema import alias_name

    for analyzer in ("athar_arabic", "athar_arabic_stem"):
        tokens = client.indices.analyze(
            index=alias_name(loaded, "pages"),
            body={"analyzer": analyzer, "text": "مح\u200cمود\u200b \ufeffالخط\u200dيب\u2066"},
        )["tokens"]
        assert [t["token"] for t in tokens][:1] == ["محمود"], analyzer
    settings = client.indices.get_settings(index=alias_name(loaded, "pages"))
    analysis = next(iter(settings.values()))["settings"]["index"]["analysis"]
    assert "athar_invisible" in analysis["analyzer"]["athar_arabic"]["char_filter"]
