"""Corrections in the web app: a no-JavaScript form per word, CSRF, editors, audit, queue, exports."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from athar.settings import Settings
from tests.web.conftest import Corpus
from web.auth import AuthConfig, parse_editors

NEW_WORD = "زنبقات"  # no generated page holds it: a hit comes from the correction only
EDITOR = ("amal", "editor-password-0123")


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, "no correction form on the page"
    return match.group(1)


@pytest.fixture()
def open_http(app: Any) -> TestClient:
    return TestClient(app)


def test_a_word_corrected_on_the_document_view_is_searchable_then_reverted(
    open_http: TestClient, corpus: Corpus, web_settings: Settings
) -> None:
    sha = corpus.flows_doc.sha256
    page = open_http.get(f"/doc/{sha}")
    assert page.status_code == 200 and 'id="w0"' in page.text and "<script" not in page.text
    token = _csrf(page.text)
    form = {"page": "1", "word": "0", "text": NEW_WORD, "why": "read on the scan"}

    refused = open_http.post(f"/doc/{sha}/correct", data={**form, "csrf": "forged"}, follow_redirects=False)
    assert refused.status_code == 403
    other_site = open_http.post(
        f"/doc/{sha}/correct", data={**form, "csrf": token}, headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )  # fmt: skip
    assert other_site.status_code == 403
    done = open_http.post(f"/doc/{sha}/correct", data={**form, "csrf": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith(f"/doc/{sha}?page=1")

    hits = open_http.get("/api/search", params={"q": NEW_WORD}).json()["hits"]
    assert [h["sha256"] for h in hits] == [sha]
    view = open_http.get(f"/doc/{sha}").text
    engine_word = corpus.flows_doc.extracted.pages[0].words[0].text
    assert NEW_WORD in view and engine_word in view  # corrected text and the engine's reading
    history = open_http.get(f"/api/documents/{sha}/history").json()
    (entry,) = [e for e in history if e["kind"] == "correction"]
    assert entry["before"] == engine_word and entry["by"] == "local" and entry["why"] == "read on the scan"
    audit = [json.loads(x) for x in (web_settings.data_dir / "audit.log").read_text().splitlines()]
    assert any(a["kind"] == "correction" and a["sha256"] == sha and a["word"] == 0 for a in audit)

    reverted = open_http.post(
        f"/doc/{sha}/revert", data={"csrf": token, "version": str(entry["version"]), "page": "1"},
        follow_redirects=False,
    )  # fmt: skip
    assert reverted.status_code == 303
    assert open_http.get("/api/search", params={"q": NEW_WORD}).json()["hits"] == []


def test_editors_must_sign_in_even_on_localhost(web_settings: Settings, client: Any, corpus: Corpus) -> None:
    from web.app import create_app

    http = TestClient(create_app(web_settings, auth=AuthConfig(editors=(EDITOR,)), client=client))
    sha = corpus.flows_doc.sha256
    page = http.get(f"/doc/{sha}")
    assert page.status_code == 200 and 'action="/doc/' not in page.text  # readers get no form
    assert "/edit/login" in page.text
    token = http.cookies.get("athar_csrf")
    form = {"csrf": token, "page": "1", "word": "1", "text": NEW_WORD}
    anonymous = http.post(f"/doc/{sha}/correct", data=form, follow_redirects=False)
    assert anonymous.status_code == 401 and "athar-editors" in anonymous.headers["www-authenticate"]
    wrong = base64.b64encode(f"{EDITOR[0]}:not-the-password-1234".encode()).decode()
    assert http.get("/edit/login", headers={"Authorization": f"Basic {wrong}"}).status_code == 401
    good = {"Authorization": "Basic " + base64.b64encode(f"{EDITOR[0]}:{EDITOR[1]}".encode()).decode()}
    assert 'action="/doc/' in http.get(f"/doc/{sha}", headers=good).text
    done = http.post(f"/doc/{sha}/correct", data=form, headers=good, follow_redirects=False)
    assert done.status_code == 303
    history = http.get(f"/api/documents/{sha}/history").json()
    last = history[-1]
    assert last["by"] == EDITOR[0] and last["text"] == NEW_WORD
    http.post(f"/doc/{sha}/revert", data={"csrf": token, "version": str(last["version"]), "page": "1"},
              headers=good, follow_redirects=False)  # fmt: skip
    assert http.get("/api/search", params={"q": NEW_WORD}).json()["hits"] == []
    with pytest.raises(Exception, match="ATHAR_WEB_EDITORS"):
        parse_editors("amal:short")


def test_the_review_queue_puts_mothers_names_and_dates_first(open_http: TestClient) -> None:
    from app.corrections import PRIORITY

    page = open_http.get("/review")
    assert page.status_code == 200
    from app import corrections

    settings = open_http.app.state.settings  # type: ignore[attr-defined]
    items = corrections.review_queue(settings)
    priorities = [i["priority"] for i in items]
    assert priorities == sorted(priorities)
    assert all(i["conf"] < corrections.LOW_CONFIDENCE for i in items)
    assert set(PRIORITY) >= {i["role"] for i in items}
    size = corrections.review_size(settings)
    assert size["unscanned"] == 0 and size["words"] >= len(items)  # every indexed document is in it
    assert 'id="queue-size"' in page.text
    api = open_http.get("/api/review/words", params={"limit": 3, "offset": 1}).json()
    assert api["items"] == corrections.review_queue(settings, 3, 1) and api["words"] == size["words"]
    later = open_http.get("/review", params={"page": 2})
    assert later.status_code == 200 and ('rel="prev"' in later.text)


def test_exports_download_from_the_document_view(open_http: TestClient, corpus: Corpus) -> None:
    from export.iiif import validate

    sha = corpus.flows_doc.sha256
    pdf = open_http.get(f"/api/documents/{sha}/export/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    validate(open_http.get(f"/api/documents/{sha}/export/iiif").json())
    alto = open_http.get(f"/api/documents/{sha}/export/alto", params={"page": 1})
    assert alto.status_code == 200 and b"alto" in alto.content[:500]
    assert open_http.get(f"/api/documents/{sha}/export/docx").status_code == 400


def test_a_corrected_mother_is_what_person_search_finds(open_http: TestClient, corpus: Corpus) -> None:
    sha = corpus.flows_doc.sha256
    name = corpus.person.name
    view = open_http.get(f"/api/documents/{sha}/pages/1").json()
    person = next(p for p in view["persons"] if p["name"] and p["name"].split()[0] == name.split()[0])
    token = _csrf(open_http.get(f"/doc/{sha}").text)
    form = {"csrf": token, "page": "1", "start": str(person["start"]), "end": str(person["end"]),
            "field": "mother", "text": NEW_WORD, "why": "the register's margin"}  # fmt: skip
    done = open_http.post(f"/doc/{sha}/person", data=form, follow_redirects=False)
    assert done.status_code == 303
    hits = open_http.get("/api/person", params={"name": name, "mother": NEW_WORD}).json()["hits"]
    assert hits[0]["sha256"] == sha and hits[0]["mother"] == NEW_WORD
    last = open_http.get(f"/api/documents/{sha}/history").json()[-1]
    assert last["target"]["kind"] == "person" and last["target"]["field"] == "mother"
    assert last["before"] == (person["mother"] or "")
    open_http.post(f"/doc/{sha}/revert", data={"csrf": token, "version": str(last["version"]), "page": "1"})
    hits = open_http.get("/api/person", params={"name": name}).json()["hits"]
    assert all(h["mother"] != NEW_WORD for h in hits)


def test_a_line_corrected_on_the_document_view_splits_words_and_is_searchable(
    open_http: TestClient, corpus: Corpus, web_settings: Settings
) -> None:
    sha = corpus.flows_doc.sha256
    engine = corpus.flows_doc.extracted.pages[0]
    number = engine.words[-1].line
    page = open_http.get(f"/doc/{sha}")
    assert f'id="l{number}"' in page.text and 'name="line"' in page.text
    token = _csrf(page.text)
    text = f"{NEW_WORD}ي {NEW_WORD}ي"
    form = {"csrf": token, "page": "1", "line": str(number), "text": text, "why": "whole line misread"}
    done = open_http.post(f"/doc/{sha}/correct", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith(f"#l{number}")
    hits = open_http.get("/api/search", params={"q": f'"{text}"'}).json()["hits"]
    assert [h["sha256"] for h in hits] == [sha]
    view = open_http.get(f"/doc/{sha}").text
    assert text in view  # the line's corrected text beside the engine's
    last = open_http.get(f"/api/documents/{sha}/history").json()[-1]
    assert last["target"]["kind"] == "line" and last["target"]["index"] == number and last["text"] == text
    audit = [json.loads(x) for x in (web_settings.data_dir / "audit.log").read_text().splitlines()]
    assert any(a["kind"] == "correction" and a.get("line") == number for a in audit)
    reverted = open_http.post(
        f"/doc/{sha}/revert", data={"csrf": token, "version": str(last["version"]), "page": "1"},
        follow_redirects=False,
    )  # fmt: skip
    assert reverted.status_code == 303
    assert open_http.get("/api/search", params={"q": f'"{text}"'}).json()["hits"] == []
