"""The JSON API against the real search node and a corpus OCR'd for real (see conftest)."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from athar.arabic import normalize_arabic
from athar.settings import Settings
from tests.web.conftest import Corpus


@pytest.fixture(scope="module")
def http(app: Any) -> TestClient:
    return TestClient(app)


def _audit(settings: Settings) -> list[dict[str, Any]]:
    path = settings.data_dir / "audit.log"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_openapi_describes_the_api(http: TestClient) -> None:
    spec = http.get("/api/openapi.json").json()
    for path in ("/api/search", "/api/person", "/api/documents/{sha256}", "/api/status"):
        assert path in spec["paths"]
    assert http.get("/docs").status_code == 404  # the Swagger page would load scripts from a CDN


def test_search_returns_what_the_cli_function_returns_and_is_audited(
    http: TestClient, client: Any, web_settings: Settings, corpus: Corpus
) -> None:
    from index.query import search

    response = http.get("/api/search", params={"q": corpus.word})
    assert response.status_code == 200
    body = response.json()
    expected = search(client, corpus.word, settings=web_settings).to_json()
    assert body["total"] == expected["total"] >= 1
    assert [(h["sha256"], h["page"]) for h in body["hits"]] == [
        (h["sha256"], h["page"]) for h in expected["hits"]
    ]
    assert corpus.flows_doc.sha256 in {h["sha256"] for h in body["hits"]}
    entry = _audit(web_settings)[-1]
    assert entry["kind"] == "search" and entry["via"] == "api" and entry["who"] == "local"
    assert entry["query"] == corpus.word and entry["count"] == body["total"]


def test_search_filters_by_document_type(http: TestClient, corpus: Corpus) -> None:
    words = corpus.ingest_doc.extracted.pages[0].text.split()
    common = "الرقم"  # header word of both layouts
    assert any(normalize_arabic(w) == normalize_arabic(common) for w in words)
    both = {h["sha256"] for h in http.get("/api/search", params={"q": common}).json()["hits"]}
    only = http.get("/api/search", params={"q": common, "type": "transfer_list"}).json()
    assert {corpus.flows_doc.sha256, corpus.ingest_doc.sha256} <= both
    assert {h["sha256"] for h in only["hits"]} == {corpus.ingest_doc.sha256}


def test_person_search_matches_the_cli_and_says_why(
    http: TestClient, client: Any, web_settings: Settings, corpus: Corpus
) -> None:
    from index.query import person

    name = corpus.person.name
    body = http.get("/api/person", params={"name": name, "mother": corpus.person.mother}).json()
    expected = [h.to_json() for h in person(client, name, settings=web_settings, mother=corpus.person.mother)]
    assert body["hits"] == expected
    top = body["hits"][0]
    assert top["sha256"] == corpus.flows_doc.sha256 and top["why"]
    assert _audit(web_settings)[-1]["kind"] == "person"


def test_page_view_marks_the_words_of_the_query(http: TestClient, corpus: Corpus) -> None:
    sha = corpus.flows_doc.sha256
    body = http.get(f"/api/documents/{sha}/pages/1", params={"q": corpus.word}).json()
    assert body["boxes_from"] == "ocr-cache"
    assert body["matched"], "no word box matched the query word"
    for i in body["matched"]:
        word = body["words"][i]
        assert normalize_arabic(corpus.word) in normalize_arabic(word["text"])
        x0, y0, x1, y1 = word["bbox"]
        assert 0 <= x0 < x1 <= body["width"] and 0 <= y0 < y1 <= body["height"]
    assert body["provenance"]["state"] == "indexed"
    assert body["document"]["source"] == "register scan.png"


def test_page_view_of_a_cli_ingested_document_uses_hocr(http: TestClient, corpus: Corpus) -> None:
    sha = corpus.ingest_doc.sha256
    page = corpus.ingest_doc.extracted.pages[0]
    body = http.get(f"/api/documents/{sha}/pages/1").json()
    assert body["boxes_from"] == "hocr"
    assert (body["width"], body["height"]) == (page.width, page.height)
    assert len(body["words"]) >= len(page.words) // 2


def test_page_image_is_drawn_in_the_coordinates_of_the_boxes(http: TestClient, corpus: Corpus) -> None:
    for doc in (corpus.flows_doc, corpus.ingest_doc):
        page = doc.extracted.pages[0]
        response = http.get(f"/api/documents/{doc.sha256}/pages/1/image")
        assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
        img = Image.open(io.BytesIO(response.content))
        assert abs(img.width / img.height - page.width / page.height) < 0.01


def test_original_download_is_the_stored_file(http: TestClient, corpus: Corpus) -> None:
    response = http.get(f"/api/documents/{corpus.flows_doc.sha256}/original")
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == corpus.flows_doc.sha256
    assert "attachment" in response.headers["content-disposition"]


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/api/documents/not-a-sha", {}, 400, "bad_parameter"),
        ("/api/documents/" + "0" * 64, {}, 404, "document_not_found"),
        ("/api/documents/" + "0" * 64 + "/original", {}, 404, "original_corrupted"),
        ("/api/search", {"q": "   "}, 400, "bad_parameter"),
        ("/api/search", {"q": "سجن", "from": "last year"}, 400, "bad_date"),
        ("/api/search", {"q": "سجن " * 400}, 400, "query_too_long"),
        ("/api/search", {"q": "سجن", "type": "<script>"}, 400, "bad_parameter"),
        ("/api/person", {"name": "محمد", "born": "abc"}, 400, "bad_date"),
    ],
)
def test_bad_input_gets_a_code_and_a_message(
    http: TestClient, corpus: Corpus, path: str, params: dict[str, str], status: int, code: str
) -> None:
    response = http.get(path, params=params)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"] and "Traceback" not in response.text


def test_unbalanced_quotes_still_search(http: TestClient, corpus: Corpus) -> None:
    response = http.get("/api/search", params={"q": f'"{corpus.word}'})
    assert response.status_code == 200 and response.json()["total"] >= 1


def test_status_lists_counts_and_the_quarantine(http: TestClient, web_settings: Settings) -> None:
    from app.state import QUARANTINED, open_state

    store = open_state(web_settings)
    bad = "f" * 64
    store.add_document(bad, 10)
    store.set_state(bad, QUARANTINED, code="corrupt_pdf", message="The PDF is damaged; rescan it.")
    body = http.get("/api/status").json()
    assert body["counts"]["indexed"] == 1 and body["counts"]["quarantined"] == 1
    assert body["quarantined"][0]["code"] == "corrupt_pdf"
    page = http.get("/operator?lang=en").text
    assert "corrupt_pdf" in page and "The PDF is damaged; rescan it." in page


def test_person_link_marks_that_persons_words_only(http: TestClient, corpus: Corpus) -> None:
    hit = http.get("/api/person", params={"name": corpus.person.name}).json()["hits"][0]
    body = http.get(
        f"/api/documents/{hit['sha256']}/pages/{hit['page']}", params={"person": hit["name"]}
    ).json()
    marked = [body["words"][i]["text"] for i in body["matched"]]
    name_words = {normalize_arabic(w) for w in hit["name"].split()}
    assert name_words <= {normalize_arabic(w) for w in marked}
    boxes = [body["words"][i]["bbox"] for i in body["matched"]]
    heights = sorted(w["bbox"][3] - w["bbox"][1] for w in body["words"])
    band = max(b[3] for b in boxes) - min(b[1] for b in boxes)
    assert band <= 3 * heights[len(heights) // 2], "words of other rows were marked"


def test_pagination_walks_the_same_hits_as_one_big_page(http: TestClient, corpus: Corpus) -> None:
    everything = http.get("/api/search", params={"q": "الرقم", "size": 10}).json()
    assert everything["total"] >= 2
    walked = [
        (h["sha256"], h["page"])
        for number in range(1, everything["total"] + 1)
        for h in http.get("/api/search", params={"q": "الرقم", "size": 1, "page": number}).json()["hits"]
    ]
    assert walked == [(h["sha256"], h["page"]) for h in everything["hits"]]


def test_engine_down_is_a_503_with_a_code_and_is_still_audited(
    web_settings: Settings, corpus: Corpus
) -> None:
    import os
    import stat

    from index.client import make_client
    from web.app import create_app
    from web.auth import AuthConfig

    dead = web_settings.with_(search_url="http://127.0.0.1:9")  # discard port: nothing listens
    http = TestClient(create_app(web_settings, auth=AuthConfig(), client=make_client(dead, timeout=2)))
    response = http.get("/api/search", params={"q": corpus.word})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "search_unavailable"
    page = http.get("/person", params={"name": corpus.person.name})
    assert page.status_code == 503 and "search_unavailable" in page.text
    last = _audit(web_settings)[-1]
    assert last["error"] == "search_unavailable" and last["count"] is None and last["kind"] == "person"
    mode = stat.S_IMODE(os.stat(web_settings.data_dir / "audit.log").st_mode)
    assert mode == 0o600
