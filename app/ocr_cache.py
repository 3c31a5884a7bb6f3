"""The OCR cache: one owner of the recognised text of every page.

The OCR result of every page is persisted as JSON under
``data_dir/cache/ocr/<sha256>/p<page>-<key>.json``, where ``key`` depends on the
pipeline version and the settings that change recognition. A crashed or killed
run therefore resumes without recognising finished pages again, and a new
pipeline version (or model, or DPI) never reuses an old page. Nothing outside this
module knows that layout: the web app asks :func:`latest_cached_page`.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from app import shared_store
from athar import PIPELINE_VERSION
from athar.log import short
from athar.records import OcrPage, OcrWord
from athar.settings import Settings

log = logging.getLogger(__name__)


def ocr_cache_key(settings: Settings) -> str:
    """Short hash of what changes a page's recognition: pipeline version, the OCR stage's reading
    version, language, model dir, DPI, and the content of the models and of Tesseract's word list."""
    from ocr.recognize import READING_VERSION
    from ocr.tesseract import model_path

    models = [_file_digest(str(model_path(lang, settings.tessdata_dir))) for lang in settings.lang.split("+")]
    basis = json.dumps(
        [
            PIPELINE_VERSION,
            READING_VERSION,
            settings.lang,
            settings.digit_pass,
            settings.tessdata_dir,
            settings.dpi,
            _file_digest(settings.user_words) if settings.user_words else None,
            models,
        ],
        sort_keys=True,
    )
    return hashlib.sha256(basis.encode()).hexdigest()[:12]


def _file_digest(path: str) -> str:
    """sha256 of a file's content, recomputed only when its size or modification time changes."""
    try:
        stat = Path(path).stat()
    except OSError:
        return "missing"
    return _content_digest(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _content_digest(path: str, size: int, mtime_ns: int) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "missing"


def ocr_cache_dir(settings: Settings, sha256: str) -> Path:
    """Folder of a document's cached OCR pages."""
    return settings.data_dir / "cache" / "ocr" / sha256


def ocr_cache_path(settings: Settings, sha256: str, page: int) -> Path:
    """Cached OcrPage JSON for one page under the current cache key."""
    return ocr_cache_dir(settings, sha256) / f"p{page:05d}-{ocr_cache_key(settings)}.json"


_WORD_FIELDS = ("text", "conf", "bbox", "line", "block")


def _word(w: dict[str, Any]) -> OcrWord:
    x0, y0, x1, y1 = w["bbox"]  # written by to_json: ints, a float confidence
    return OcrWord(w["text"], float(w["conf"]), (x0, y0, x1, y1), w.get("line", 0), w.get("block", 0))


def ocr_page_from_json(data: dict[str, Any]) -> OcrPage:
    """Rebuild an OcrPage from its ``to_json`` form. The words (most of a page) are built directly:
    the generic decoder took 14 ms a page, most of exporting 100,000 persons; the rest of the page
    goes through it, so fields added later still round-trip."""
    if tuple(f.name for f in dataclasses.fields(OcrWord)) != _WORD_FIELDS:  # a new word field
        return OcrPage.from_json(data)
    page = OcrPage.from_json({**data, "words": []})
    return dataclasses.replace(page, words=tuple(_word(w) for w in data.get("words") or ()))


def read_cached_page(settings: Settings, sha256: str, page: int) -> OcrPage | None:
    """The cached OCR of a page, or None if absent or unreadable (then it is recognised again)."""
    path = ocr_cache_path(settings, sha256, page)
    if not path.exists() and not shared_store.fetch(settings, _shared_key(path), path):
        return None
    try:
        return ocr_page_from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        log.warning("cached OCR of %s page %d is unreadable; recognising it again", short(sha256), page)
        return None


def write_cached_page(settings: Settings, page: OcrPage) -> Path:
    """Persist a page's OCR atomically (a crash never leaves half a JSON file)."""
    path = ocr_cache_path(settings, page.sha256, page.page)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".page-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(page.to_json(), out, ensure_ascii=False)
    os.replace(tmp, path)
    shared_store.publish(settings, _shared_key(path), path)
    return path


def _shared_key(path: Path) -> str:
    """A cached page's key in the shared store: ``ocr-cache/<sha256>/<file>``."""
    return f"ocr-cache/{path.parent.name}/{path.name}"


def forget_cached_pages(settings: Settings, sha256: str, pages: list[int] | None = None) -> int:
    """Delete cached OCR (all pages, or some) of a document under the current key; returns how many."""
    removed = 0
    folder = ocr_cache_dir(settings, sha256)
    suffix = f"-{ocr_cache_key(settings)}.json"
    targets = (
        [ocr_cache_path(settings, sha256, p) for p in pages]
        if pages is not None
        else sorted(
            {*folder.glob(f"p*{suffix}")}
            | {folder / n for n in shared_store.names(settings, f"ocr-cache/{sha256}") if n.endswith(suffix)}
        )
    )
    for path in targets:
        shared_store.remove(settings, _shared_key(path))
        if path.exists():
            path.unlink()
            removed += 1
    return removed


def cached_page_confidences(settings: Settings, sha256: str) -> dict[int, float]:
    """Page -> mean confidence of a document's cached pages under the current key."""
    result = {}
    for path in sorted(ocr_cache_dir(settings, sha256).glob(f"p*-{ocr_cache_key(settings)}.json")):
        page = read_cached_page(settings, sha256, int(path.name[1:6]))
        if page is not None:
            result[page.page] = page.confidence
    return result


def latest_cached_page(settings: Settings, sha256: str, page: int) -> OcrPage | None:
    """The most recent cached OCR of a page under any cache key (for display), or None.

    The web app shows whatever OCR the index was built from, even after the pipeline version or
    the model changed; unlike :func:`read_cached_page` this never triggers recognition. A page
    this machine does not have is fetched from the shared store (``ATHAR_STORE_URL``), if any.
    """
    folder = ocr_cache_dir(settings, sha256)
    if settings.store_url and not any(folder.glob(f"p{page:05d}-*.json")):
        _fetch_shared(settings, sha256, page)
    try:
        candidates = sorted(folder.glob(f"p{page:05d}-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return None
    if not candidates:
        return None
    try:
        return ocr_page_from_json(json.loads(candidates[0].read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        log.warning("cached OCR of %s page %d is unreadable; no word boxes", short(sha256), page)
        return None


def _fetch_shared(settings: Settings, sha256: str, page: int) -> None:
    """Copy a page's cached OCR (under every key the shared store holds) into this machine's cache."""
    folder = ocr_cache_dir(settings, sha256)
    prefix = f"p{page:05d}-"
    for name in shared_store.names(settings, f"ocr-cache/{sha256}"):
        if name.startswith(prefix) and name.endswith(".json"):
            shared_store.fetch(settings, f"ocr-cache/{sha256}/{name}", folder / name)
