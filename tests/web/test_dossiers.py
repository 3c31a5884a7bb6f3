"""Dossier pages and API on the real search node, over the web corpus (OCR'd for real) plus a few
hand-made records: the same results as the application functions, scans with boxed words, the review
queue deciding by form POST (same-site only), saved searches audited, hostile names escaped."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app import dossiers as dossier_app
from athar.records import Person
from athar.settings import Settings
from index.load import load
from tests.index.records import document
from tests.web.conftest import Corpus

HOSTILE = "<script>alert(1)</script> أحمد"


def _row(name: str, start: int, mother: str | None, born: str | None) -> Person:
    return Person(name=name, mother=mother, birth_date=born, page=1, start=start, end=start + len(name))


@pytest.fixture(scope="module")
def linked(web_settings: Settings, client: Any, corpus: Corpus) -> dict[str, Any]:
    extra = [
        document("web-a", ["سجل"], persons=(_row("سامر نزار قباني", 0, "سلمى", "1991"),)),
        document(
            "web-b", ["قائمة"], doc_type="transfer_list", persons=(_row("سامر نزار قباني", 0, None, None),)
        ),
        document("web-c", ["سجل"], persons=(_row(HOSTILE, 0, "<b>أم</b>", "1970"),)),
    ]
    assert load(client, web_settings, extra, refresh=True).ok
    report = dossier_app.link_pending(web_settings, client)
    client.indices.refresh(index=f"{web_settings.index_prefix}-persons")
    return {"report": report, "extra": extra}


@pytest.fixture(scope="module")
def http(app: Any, linked: dict[str, Any]) -> TestClient:
    return TestClient(app)


def _audit(settings: Settings) -> list[dict[str, Any]]:
    path = settings.data_dir / "audit.log"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_dossier_api_is_the_cli_function(http: TestClient, web_settings: Settings) -> None:
    expected = [d.summary_json() for d in dossier_app.dossiers(web_settings)]
    got = http.get("/api/dossiers", params={"size": 1000}).json()["dossiers"]
    assert got == expected and got
    one = got[0]["dossier"]
    assert http.get(f"/api/dossiers/{one}").json()["dossier"] == one
    assert http.get("/api/dossiers/Dnothing").status_code == 404


def test_dossier_page_shows_timeline_and_boxed_scans(
    http: TestClient, web_settings: Settings, corpus: Corpus
) -> None:
    target = next(
        d
        for d in dossier_app.dossiers(web_settings)
        if any(m.sha256 == corpus.flows_doc.sha256 for m in d.mentions)
    )
    page = http.get(f"/dossier/{target.id}", params={"lang": "en"})
    assert page.status_code == 200
    assert 'id="timeline"' in page.text and "<svg" in page.text and 'class="hitbox"' in page.text
    assert f"/doc/{corpus.flows_doc.sha256}?" in page.text
    assert "<script" not in page.text


def test_hostile_names_are_escaped(http: TestClient, web_settings: Settings) -> None:
    hostile = next(d for d in dossier_app.dossiers(web_settings) if "script" in d.name)
    for path in (f"/dossier/{hostile.id}", "/dossiers"):
        text = http.get(path).text
        assert "<script>alert" not in text and "&lt;script&gt;" in text and "<b>أم" not in text


def test_review_queue_side_by_side_and_decision_by_form(http: TestClient, web_settings: Settings) -> None:
    queue = dossier_app.review_queue(web_settings)
    item = next(i for i in queue if i.a.name == "سامر نزار قباني")
    page = http.get("/dossiers/review")
    assert page.status_code == 200 and item.pair in page.text and 'method="post"' in page.text
    assert http.get("/api/pairs").json()["pairs"][0]["pair"] == queue[0].pair
    foreign = http.post(
        f"/dossiers/review/{item.pair}",
        content="verdict=same&by=rana",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert foreign.status_code == 400 and "forbidden_post" in foreign.text
    done = http.post(
        f"/dossiers/review/{item.pair}",
        content="verdict=same&by=rana",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = dossier_app.dossier(
        web_settings, dossier_app.open_store(web_settings).dossiers_of([item.a.id])[item.a.id]
    )
    assert {m.id for m in after.mentions} >= {item.a.id, item.b.id}
    assert any(e["kind"] == "review:decide" and e["query"] == item.pair for e in _audit(web_settings))
    assert item.pair not in http.get("/dossiers/review").text


def test_saved_search_finds_and_is_audited(http: TestClient, web_settings: Settings, corpus: Corpus) -> None:
    person = corpus.person
    saved = http.post(
        "/api/saved-searches", json={"name": person.name, "mother": person.mother, "by": "family-7"}
    )
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["matches"] and body["matches"][0]["sha256"] == corpus.flows_doc.sha256
    search_id = body["saved"]["id"]
    assert any(s["id"] == search_id for s in http.get("/api/saved-searches").json()["searches"])
    assert http.get("/api/watch-list", params={"search": search_id}).json()["matches"]
    page = http.get("/saved", params={"search": search_id})
    assert page.status_code == 200 and 'class="watch-hit"' in page.text
    kinds = [e["kind"] for e in _audit(web_settings)]
    assert {"saved_search:add", "saved_search:list", "saved_search:hits"} <= set(kinds)
    assert http.delete(f"/api/saved-searches/{search_id}").status_code == 200
    assert all(s["id"] != search_id for s in http.get("/api/saved-searches").json()["searches"])
