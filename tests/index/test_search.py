"""Full-text page search against a real node: analyzer, spelling variants, operators, filters,
highlighting, bad queries, idempotent re-indexing and alias migration."""

from __future__ import annotations

from typing import Any

import pytest

from athar.errors import SearchRequestError, SearchUnavailableError
from athar.settings import Settings
from index.load import load
from index.query import search
from index.schema import alias_name, current_index, migrate
from tests.index.records import document, mention, person

P_SAYDNAYA = (
    "سجن صيدنايا العسكري\nسجل الموقوفين\n"
    "الموقوف أحمد مصطفى الخطيب والدته فاطمة تولد حمص ١٩٨٥ تاريخ التوقيف ١٢/٠٣/٢٠١٣"
)
P_TRANSFER = "الموقوف إبراهيم علي الحموي والدته خديجة تولد حماة 1979 نقل إلى الفرع 215 بتاريخ 2014-06-01"
P_DEATH = (
    "تقرير وفاة: توفي المدعو يوسف حسن الزعبي في مشفى تشرين العسكري بتاريخ ٥ آب ٢٠١٤ نتيجة توقف القلب والتنفس"
)
P_COURT = (
    "محكمة قضايا الإرهاب: حكمت المحكمة على المتهم أحمد سعيد العمر بالسجن مدة خمس سنوات "
    "بتهمة تمويل الإرهاب في دمشق عام 2015"
)


def corpus() -> list[Any]:
    register = document(
        "register",
        [P_SAYDNAYA, P_TRANSFER],
        entities=(
            mention("FACILITY", "سجن صيدنايا العسكري", P_SAYDNAYA, value="Saydnaya Military Prison"),
            mention("LOCATION", "حمص", P_SAYDNAYA, value="SY-HI"),
            mention("DATE", "١٢/٠٣/٢٠١٣", P_SAYDNAYA, value="2013-03-12"),
            mention("FACILITY", "الفرع 215", P_TRANSFER, page=2, value="Branch 215"),
            mention("DATE", "2014-06-01", P_TRANSFER, page=2, value="2014-06-01"),
        ),
        persons=(
            person("أحمد مصطفى الخطيب", mother="فاطمة", born="1985", place="حمص", start=36),
            person("إبراهيم علي الحموي", mother="خديجة", born="1979", place="حماة", page=2, start=8),
        ),
    )
    death = document(
        "death",
        [P_DEATH],
        doc_type="death_report",
        entities=(
            mention("FACILITY", "مشفى تشرين العسكري", P_DEATH, value="Tishreen Military Hospital"),
            mention("DATE", "٥ آب ٢٠١٤", P_DEATH, value="2014-08-05"),
        ),
        persons=(person("يوسف حسن الزعبي", start=19),),
    )
    court = document(
        "court",
        [P_COURT],
        doc_type="court_record",
        entities=(
            mention("LOCATION", "دمشق", P_COURT, value="SY-DI"),
            mention("DATE", "2015", P_COURT, value="2015"),
        ),
        persons=(person("أحمد سعيد العمر", start=50),),
    )
    return [register, death, court]


@pytest.fixture(scope="module")
def loaded(client: Any, settings: Settings) -> Settings:
    report = load(client, settings, corpus(), refresh=True)
    assert report.ok, report.failures
    assert (report.documents, report.pages, report.persons) == (3, 4, 4)
    return settings


def pages(client: Any, settings: Settings, query: str, **kw: Any) -> list[tuple[str, int]]:
    return [(h.source, h.page) for h in search(client, query, settings=settings, **kw).hits]


def test_embedded_node_has_the_plugins(client: Any, search_node: tuple[str, Any]) -> None:
    if search_node[1] is None:
        pytest.skip("external cluster: its plugins are its operator's choice")
    components = {row["component"] for row in client.cat.plugins(format="json")}
    for plugin in (
        "Netty4Plugin",
        "CommonAnalysisPlugin",
        "PainlessPlugin",
        "MapperExtrasPlugin",
        "ReindexPlugin",
    ):
        assert any(c.endswith(plugin) for c in components), (plugin, components)


def test_arabic_analyzer_folds_variants(client: Any, loaded: Settings) -> None:
    index = alias_name(loaded, "pages")
    result = client.indices.analyze(
        index=index, body={"analyzer": "athar_arabic", "text": "أَحْمَـــد إبراهيم آمنة مصطفى ٢٠١٤ ۱۹۸۵ کریم"}
    )
    tokens = [t["token"] for t in result["tokens"]]
    assert tokens == ["احمد", "ابراهيم", "امنه", "مصطفي", "2014", "1985", "كريم"]


@pytest.mark.parametrize(
    "variants",
    [
        ("أحمد", "احمد", "أَحْمَد", "احـــمد", "إحمد"),
        ("وفاة", "وفاه"),
        ("توفي", "توفى"),
        ("٢٠١٤", "2014", "۲۰۱۴"),
        ('"سجن صيدنايا"', '"سجن صيدنايآ"', '"سِجْن صَيْدنايا"'),
    ],
)
def test_spelling_variants_give_identical_results(
    client: Any, loaded: Settings, variants: tuple[str, ...]
) -> None:
    results = [search(client, v, settings=loaded) for v in variants]
    first = [(h.sha256, h.page, round(h.score, 4)) for h in results[0].hits]
    assert first, variants[0]
    for variant, result in zip(variants[1:], results[1:], strict=True):
        assert [(h.sha256, h.page, round(h.score, 4)) for h in result.hits] == first, variant


def test_phrases_and_boolean_operators(client: Any, loaded: Settings) -> None:
    assert pages(client, loaded, '"سجن صيدنايا"') == [("register.pdf", 1)]
    assert pages(client, loaded, '"صيدنايا سجن"') == []  # word order matters inside a phrase
    assert sorted(pages(client, loaded, "أحمد")) == [("court.pdf", 1), ("register.pdf", 1)]
    assert pages(client, loaded, "أحمد -الخطيب") == [("court.pdf", 1)]
    assert pages(client, loaded, "أحمد NOT الخطيب") == [("court.pdf", 1)]
    assert sorted(pages(client, loaded, "الزعبي | الحموي")) == [("death.pdf", 1), ("register.pdf", 2)]
    assert sorted(pages(client, loaded, "الزعبي OR الحموي")) == [("death.pdf", 1), ("register.pdf", 2)]
    assert pages(client, loaded, "الزعبي الحموي") == []  # words are ANDed by default


def test_filters_by_type_date_and_place(client: Any, loaded: Settings) -> None:
    assert pages(client, loaded, "العسكري", doc_type="death_report") == [("death.pdf", 1)]
    in_2014 = pages(client, loaded, "بتاريخ", date_from="2014", date_to="2014")
    assert sorted(in_2014) == [("death.pdf", 1), ("register.pdf", 2)]
    assert pages(client, loaded, "بتاريخ", date_from="٢٠١٤-٠٧", date_to="2014-12-31") == [("death.pdf", 1)]
    assert pages(client, loaded, "الموقوف", place="صيدنايا") == [("register.pdf", 1)]
    assert pages(client, loaded, "الموقوف", place="Saydnaya") == [("register.pdf", 1)]
    assert pages(client, loaded, "المحكمة", place="دمشق") == [("court.pdf", 1)]
    assert pages(client, loaded, "المحكمة", place="حلب") == []


def test_snippets_highlight_the_match(client: Any, loaded: Settings) -> None:
    hit = search(client, "الزعبي", settings=loaded).hits[0]
    assert any("«الزعبي»" in s for s in hit.snippets), hit.snippets
    hit = search(client, "احمد", settings=loaded, doc_type="court_record").hits[0]
    assert any("«أحمد»" in s for s in hit.snippets), hit.snippets  # original spelling shown


@pytest.mark.parametrize(
    "query",
    [
        '"سجن صيدنايا',
        "((أحمد",
        "أحمد)) || && !",
        "الخطيب~~ ^2 *:* [1 TO 2] {x} <a> = / \\",
        "a:b OR c:(d",
        "-",
    ],
)
def test_bad_syntax_gives_results_or_a_clear_error(client: Any, loaded: Settings, query: str) -> None:
    try:
        result = search(client, query, settings=loaded)
    except SearchRequestError as exc:
        assert exc.code in ("empty_query", "query_too_long"), exc.code
        assert "Exception" not in exc.message and "\n" not in exc.message
    else:
        assert result.total >= 0


def test_unbalanced_quote_still_finds_the_words(client: Any, loaded: Settings) -> None:
    assert pages(client, loaded, '"سجن صيدنايا') == [("register.pdf", 1)]


def test_oversized_query_is_refused_clearly(client: Any, loaded: Settings) -> None:
    with pytest.raises(SearchRequestError) as info:
        search(client, "أحمد " * 2100, settings=loaded)  # about 10 KB
    assert info.value.code == "query_too_long"
    with pytest.raises(SearchRequestError) as info:
        search(client, "أحمد", settings=loaded, date_from="12/2014")
    assert info.value.code == "bad_date"


def test_unreachable_engine_is_retryable(settings: Settings) -> None:
    from index.client import make_client
    from index.node import free_port

    dead = make_client(settings.with_(search_url=f"http://127.0.0.1:{free_port()}"), timeout=2)
    with pytest.raises(SearchUnavailableError) as info:
        search(dead, "أحمد", settings=settings)
    assert info.value.retryable


def test_reindexing_overwrites_and_prunes(client: Any, loaded: Settings) -> None:
    def counts() -> tuple[int, ...]:
        return tuple(
            int(client.count(index=alias_name(loaded, k))["count"]) for k in ("documents", "pages", "persons")
        )

    before = counts()
    report = load(client, loaded, corpus(), refresh=True)
    assert report.ok and report.pruned == 0
    assert counts() == before == (3, 4, 4)
    # The register read again with one person fewer: the stale person disappears.
    register = corpus()[0]
    from dataclasses import replace

    assert register.analysis is not None
    fewer = replace(register, analysis=replace(register.analysis, persons=register.analysis.persons[:1]))
    report = load(client, loaded, [fewer], refresh=True)
    assert report.pruned == 1
    assert counts() == (3, 4, 3)
    load(client, loaded, corpus(), refresh=True)
    assert counts() == before


def test_migrate_swaps_the_alias_and_keeps_documents(client: Any, loaded: Settings) -> None:
    before = pages(client, loaded, "العسكري")
    old = current_index(client, loaded, "pages")
    done = migrate(client, loaded, delete_old=True)
    assert [m.kind for m in done] == ["documents", "pages", "persons"]
    new = current_index(client, loaded, "pages")
    assert old is not None and new is not None and new != old and new.endswith("-v2")
    assert not client.indices.exists(index=old)
    assert {m.kind: m.documents for m in done} == {"documents": 3, "pages": 4, "persons": 4}
    assert pages(client, loaded, "العسكري") == before
    assert pages(client, loaded, "احمد", place="صيدنايا") == [("register.pdf", 1)]


def test_refused_entries_are_reported_not_raised(client: Any, loaded: Settings) -> None:
    from dataclasses import replace

    good = corpus()[2]
    broken_page = replace(good.pages[0], confidence="not a number")  # type: ignore[arg-type]
    broken = replace(good, pages=(broken_page,))
    report = load(client, loaded, [broken], refresh=True)
    assert [(f.kind, f.status) for f in report.failures] == [("pages", 400)]
    assert report.failures[0].id.endswith(":1") and "parsing" in report.failures[0].reason
    assert report.documents == 1 and report.persons == 1  # the rest of the document went in
    load(client, loaded, corpus(), refresh=True)  # restore the page for the other tests
