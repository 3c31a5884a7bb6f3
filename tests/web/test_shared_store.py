"""A web app on another machine than the workers: with ``ATHAR_STORE_URL`` it finds originals and the
OCR cache in the shared store (versitygw, a real S3 server) and shows the scans; without, it cannot.

Real engines: the search node, versitygw, Tesseract, poppler.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from athar.settings import Settings, load_settings
from tests import synth
from tests.flows.conftest import S3_KEY, S3_SECRET, s3_server
from tests.web.conftest import _ingest_like_flows

__all__ = ["s3_server"]


@pytest.fixture
def shared(search_url: str, s3_server: str, tmp_path: Path) -> Iterator[Settings]:
    """Settings of the worker machine: its own data directory, the store in a fresh bucket."""
    import s3fs

    bucket = f"web{uuid.uuid4().hex[:10]}"
    s3fs.S3FileSystem(key=S3_KEY, secret=S3_SECRET, client_kwargs={"endpoint_url": s3_server}).mkdir(bucket)
    settings = load_settings().with_(
        search_url=search_url,
        index_prefix=f"s{uuid.uuid4().hex[:10]}",
        data_dir=tmp_path / "worker-machine",
        jobs=1,
        store_url=f"s3://{bucket}/athar",
        s3_endpoint=s3_server,
        s3_key=S3_KEY,
        s3_secret=S3_SECRET,
        s3_region="us-east-1",
    )
    yield settings
    from index.client import make_client

    client = make_client(settings)
    client.indices.delete(index=f"{settings.index_prefix}-*", ignore_unavailable=True)
    for kind in ("documents", "pages", "persons"):
        client.indices.delete_index_template(name=f"{settings.index_prefix}-{kind}", ignore=[404])
    client.close()


def _web(settings: Settings) -> TestClient:
    from index.client import make_client
    from web.app import create_app
    from web.auth import AuthConfig

    return TestClient(create_app(settings, auth=AuthConfig(), client=make_client(settings)))


def test_a_web_app_on_another_machine_shows_scans_from_the_shared_store(
    shared: Settings, tmp_path: Path
) -> None:
    from index.client import make_client

    scan = tmp_path / "scan.png"
    synth.render_page(synth.make_page(21, "prison_register", rows=2), seed=21, font="amiri").save(
        scan, dpi=(300, 300)
    )
    sha, extracted, _ = _ingest_like_flows(scan, shared, make_client(shared))
    shutil.rmtree(shared.data_dir)  # the worker machine keeps nothing the web machine could read
    page = extracted.pages[0]

    elsewhere = shared.with_(data_dir=tmp_path / "web-machine")
    http = _web(elsewhere)
    response = http.get(f"/api/documents/{sha}/pages/1/image")
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.content)) as img:  # drawn from the original, boxes' shape
        assert abs(img.width / img.height - page.width / page.height) < 0.01
    body = http.get(f"/api/documents/{sha}/pages/1").json()
    assert body["boxes_from"] == "ocr-cache"  # word boxes from the shared OCR cache
    assert (body["width"], body["height"]) == (page.width, page.height)
    original = http.get(f"/api/documents/{sha}/original")
    assert original.status_code == 200 and hashlib.sha256(original.content).hexdigest() == sha

    # the same web app without the shared store: neither the scan nor the word boxes
    alone = _web(shared.with_(data_dir=tmp_path / "no-store", store_url=None))
    assert alone.get(f"/api/documents/{sha}/pages/1/image").status_code == 404
    assert alone.get(f"/api/documents/{sha}/pages/1").json()["boxes_from"] == "none"
