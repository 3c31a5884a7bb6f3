"""Index templates and versioned indices behind aliases.

Three kinds — ``documents``, ``pages``, ``persons`` — each an alias ``{prefix}-{kind}``
over one concrete index ``{prefix}-{kind}-v{N}`` created from the composable index
template ``{prefix}-{kind}`` (pattern ``{prefix}-{kind}-v*``). :func:`migrate`
creates ``v{N+1}`` from the current template, reindexes into it and swaps the
alias in one atomic request. Only REST calls shared by Elasticsearch 8 and
OpenSearch 2 are used.

Arabic analysis (``athar_arabic``): standard tokenizer, Persian letter forms
folded, lowercase, decimal digit folding (Eastern/Persian digits -> 0-9),
``arabic_normalization`` (hamza forms of alef, ى -> ي, ة -> ه, tatweel, diacritics)
and ICU folding when the engine has it. No stemming on the main fields (names
must match as written); a light-stemmed sub-field helps prose search.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

from athar.errors import SearchRequestError
from athar.settings import Settings
from index.client import engine_errors

log = logging.getLogger(__name__)

KINDS = ("documents", "pages", "persons")
SCHEMA_VERSION = 3  # bump when a mapping changes, then run `athar index migrate`
# 2: invisible format characters (ZWNJ, ZWJ, bidi marks, BOM) removed before tokenizing
# 3: persons title, role, facility

# The characters athar.arabic.INVISIBLE removes from queries, removed from indexed text too: a ZWNJ
# inside a word would otherwise make it a different token (without ICU folding, which drops them).
_INVISIBLE = "[\\u00AD\\u061C\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u2069\\uFEFF]"
_PERSIAN_FORMS = ["ی=>ي", "ې=>ي", "ک=>ك", "ڪ=>ك", "ھ=>ه", "ہ=>ه", "ٱ=>ا", "ٲ=>ا", "ٳ=>ا"]


def analysis_settings(icu: bool) -> dict[str, Any]:
    """The ``index.analysis`` block; ``icu`` adds the ``icu_folding`` filter."""
    arabic_filters = ["lowercase", "decimal_digit", "arabic_normalization"]
    if icu:
        arabic_filters.append("icu_folding")
    return {
        "char_filter": {
            "athar_invisible": {"type": "pattern_replace", "pattern": _INVISIBLE, "replacement": ""},
            "athar_letters": {"type": "mapping", "mappings": _PERSIAN_FORMS},
        },
        "filter": {"athar_stem": {"type": "stemmer", "language": "arabic"}},
        "analyzer": {
            "athar_arabic": {
                "type": "custom",
                "tokenizer": "standard",
                "char_filter": ["athar_invisible", "athar_letters"],
                "filter": arabic_filters,
            },
            "athar_arabic_stem": {
                "type": "custom",
                "tokenizer": "standard",
                "char_filter": ["athar_invisible", "athar_letters"],
                "filter": [*arabic_filters, "athar_stem"],
            },
            "athar_latin": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["lowercase", "asciifolding"],
            },
            "athar_skeleton": {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]},
        },
        "normalizer": {
            "athar_norm": {
                "type": "custom",
                "char_filter": ["athar_invisible", "athar_letters"],
                "filter": ["lowercase", "decimal_digit", "arabic_normalization"],
            }
        },
    }


_KEYWORD = {"type": "keyword"}
_STORED_ONLY = {"type": "keyword", "index": False, "doc_values": False}
_ARABIC = {"type": "text", "analyzer": "athar_arabic"}
_ARABIC_WITH_KEY = {
    "type": "text",
    "analyzer": "athar_arabic",
    "fields": {"key": {"type": "keyword", "normalizer": "athar_norm", "ignore_above": 512}},
}
_NAME_PART = {"type": "keyword", "normalizer": "athar_norm", "ignore_above": 256}
_DATES = {"type": "date", "format": "strict_date_optional_time||yyyy-MM||yyyy", "ignore_malformed": True}


def mappings(kind: str) -> dict[str, Any]:
    """Field mappings of one index kind."""
    common = {
        "sha256": _KEYWORD,
        "source": _KEYWORD,
        "doc_type": _KEYWORD,
        "ingested_at": {"type": "date"},
    }
    if kind == "documents":
        props: dict[str, Any] = {
            **common,
            "media_type": _KEYWORD,
            "size": {"type": "long"},
            "page_count": {"type": "integer"},
            "pages_indexed": {"type": "integer"},
            "pages_failed": {"type": "integer"},
            "doc_type_confidence": {"type": "float"},
            "persons": {"type": "integer"},
            "status": _KEYWORD,
            "pipeline_version": _KEYWORD,
            "engine": _KEYWORD,
            "model": _KEYWORD,
            "dates": _DATES,
            "places": _ARABIC_WITH_KEY,
        }
    elif kind == "pages":
        props = {
            **common,
            "page": {"type": "integer"},
            "text": {
                "type": "text",
                "analyzer": "athar_arabic",
                "fields": {"stemmed": {"type": "text", "analyzer": "athar_arabic_stem"}},
            },
            "confidence": {"type": "float"},
            "image": _STORED_ONLY,
            "hocr": _STORED_ONLY,
            "engine": _KEYWORD,
            "model": _KEYWORD,
            "dates": _DATES,
            "places": _ARABIC_WITH_KEY,
        }
    elif kind == "persons":
        props = {
            **common,
            "page": {"type": "integer"},
            "start": {"type": "integer"},
            "end": {"type": "integer"},
            "name": _ARABIC,
            "name_norm": {"type": "keyword", "normalizer": "athar_norm", "ignore_above": 512},
            "name_skeleton": {"type": "text", "analyzer": "athar_skeleton"},
            "name_latin": {"type": "text", "analyzer": "athar_latin"},
            # name parts: exact (normalised) keys; partial-name search goes through `name`
            "first": _NAME_PART,
            "father": _NAME_PART,
            "grandfather": _NAME_PART,
            "family": _NAME_PART,
            "mother": _ARABIC_WITH_KEY,
            "mother_skeleton": {"type": "text", "analyzer": "athar_skeleton"},
            "birth_date": _DATES,
            "birth_date_text": _STORED_ONLY,
            "birth_year": {"type": "integer"},
            "birth_place": _ARABIC_WITH_KEY,
            "national_id": _KEYWORD,
            "title": _KEYWORD,
            "role": _KEYWORD,
            "facility": _KEYWORD,
            "dossier": _KEYWORD,  # written by the linker (index/persons.py); added in place, no reindex
            "events": {
                "type": "nested",
                "properties": {
                    "type": _KEYWORD,
                    "date": _DATES,
                    "date_text": _STORED_ONLY,
                    "place": _ARABIC_WITH_KEY,
                },
            },
        }
    else:
        raise ValueError(f"unknown index kind {kind!r}")
    return {"dynamic": "strict", "_meta": {"schema_version": SCHEMA_VERSION}, "properties": props}


def alias_name(settings: Settings, kind: str) -> str:
    """The alias every reader and writer uses, e.g. ``athar-pages``."""
    return f"{settings.index_prefix}-{kind}"


def replicas(settings: Settings) -> dict[str, Any]:
    """``ATHAR_INDEX_REPLICAS`` copies of each shard; 0 (the default): none on one node, one as soon
    as a second node joins (auto-expanded)."""
    if settings.index_replicas > 0:
        return {"number_of_replicas": settings.index_replicas, "auto_expand_replicas": False}
    return {"auto_expand_replicas": "0-1"}


def template_body(settings: Settings, kind: str, *, icu: bool) -> dict[str, Any]:
    """The composable index template for ``kind``."""
    return {
        "index_patterns": [f"{alias_name(settings, kind)}-v*"],
        "priority": 200,
        "version": SCHEMA_VERSION,
        "_meta": {"owner": "athar", "schema_version": SCHEMA_VERSION},
        "template": {
            "settings": {
                "index": {
                    "number_of_shards": 1,
                    **replicas(settings),
                    "refresh_interval": "1s",
                    "max_result_window": 10000,
                },
                "analysis": analysis_settings(icu),
            },
            "mappings": mappings(kind),
        },
    }


def has_icu_folding(client: Any) -> bool:
    """Whether the engine offers the ``icu_folding`` token filter."""
    from opensearchpy import exceptions as ox

    try:
        client.indices.analyze(body={"tokenizer": "standard", "filter": ["icu_folding"], "text": "a"})
    except ox.RequestError:
        return False
    return True


def put_templates(client: Any, settings: Settings) -> None:
    """Create or update the three index templates."""
    with engine_errors():
        icu = has_icu_folding(client)
        for kind in KINDS:
            client.indices.put_index_template(
                name=alias_name(settings, kind), body=template_body(settings, kind, icu=icu)
            )


def current_index(client: Any, settings: Settings, kind: str) -> str | None:
    """The concrete index behind the alias, or None when the alias does not exist yet."""
    alias = alias_name(settings, kind)
    with engine_errors():
        found = client.indices.get_alias(name=alias, ignore=[404])
    if not isinstance(found, dict) or found.get("status") == 404:
        return None
    names = sorted(k for k, v in found.items() if isinstance(v, dict) and alias in v.get("aliases", {}))
    if len(names) != 1:
        raise SearchRequestError(
            f"Alias {alias} points at {len(names)} indices ({', '.join(names)}); it must point at one.",
            code="search_alias",
        )
    return names[0]


def _version_of(index: str) -> int:
    match = re.search(r"-v(\d+)$", index)
    return int(match.group(1)) if match else 0


def ensure_indices(client: Any, settings: Settings) -> dict[str, str]:
    """Templates in place and one index per kind behind its alias; returns kind -> concrete index."""
    put_templates(client, settings)
    result: dict[str, str] = {}
    with engine_errors():
        for kind in KINDS:
            index = current_index(client, settings, kind)
            if index is None:
                index = f"{alias_name(settings, kind)}-v1"
                if not client.indices.exists(index=index):
                    client.indices.create(index=index, body={"aliases": {alias_name(settings, kind): {}}})
                else:
                    client.indices.put_alias(index=index, name=alias_name(settings, kind))
                log.info("created index %s", index)
            result[kind] = index
        client.cluster.health(index=",".join(result.values()), wait_for_status="yellow", request_timeout=60)
    return result


_READY: set[tuple[str, str]] = set()
_READY_LOCK = threading.Lock()


def ensure_indices_once(client: Any, settings: Settings, *, again: bool = False) -> None:
    """:func:`ensure_indices` once per process for an engine URL and index prefix.

    Later calls return at once. ``again`` forgets that it was done and does it again: the loader calls
    it when the engine says an alias is missing (e.g. the node was restarted on an empty data
    directory), since every write names the alias with ``require_alias``.
    """
    key = (settings.search_url, settings.index_prefix)
    with _READY_LOCK:
        if again:
            _READY.discard(key)
        if key in _READY:
            return
        ensure_indices(client, settings)
        _READY.add(key)


@dataclass(frozen=True)
class Migration:
    """One alias moved from an old index to a new one."""

    kind: str
    old_index: str
    new_index: str
    documents: int
    deleted_old: bool


def migrate(
    client: Any, settings: Settings, *, kinds: tuple[str, ...] = KINDS, delete_old: bool = False
) -> list[Migration]:
    """Reindex each kind into ``v{N+1}`` (from the current template) and swap the alias atomically.

    Readers keep using the alias throughout; the old index is kept unless ``delete_old``.
    """
    ensure_indices(client, settings)
    done: list[Migration] = []
    with engine_errors():
        for kind in kinds:
            alias = alias_name(settings, kind)
            old = current_index(client, settings, kind)
            assert old is not None
            new = f"{alias}-v{_version_of(old) + 1}"
            if client.indices.exists(index=new):
                raise SearchRequestError(
                    f"Index {new} exists but {alias} points at {old}; delete {new} or point the alias "
                    "at it, then run the migration again.",
                    code="search_migration",
                )
            client.indices.create(index=new)
            client.cluster.health(index=new, wait_for_status="yellow", request_timeout=60)
            result = client.reindex(
                body={"source": {"index": old}, "dest": {"index": new, "op_type": "index"}},
                wait_for_completion=True,
                refresh=True,
                request_timeout=3600,
            )
            failures = result.get("failures") or []
            if failures:
                client.indices.delete(index=new)
                raise SearchRequestError(
                    f"Reindexing {old} -> {new} failed for {len(failures)} documents; the alias still points "
                    f"at {old}. First failure: {str(failures[0])[:200]}",
                    code="search_migration",
                )
            client.indices.update_aliases(
                body={
                    "actions": [
                        {"remove": {"index": old, "alias": alias}},
                        {"add": {"index": new, "alias": alias}},
                    ]
                }
            )
            if delete_old:
                client.indices.delete(index=old)
            count = int(client.count(index=new)["count"])
            log.info("migrated %s: %s -> %s (%d docs)", kind, old, new, count)
            done.append(Migration(kind, old, new, count, delete_old))
    return done
