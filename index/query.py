"""Full-text page search and person search.

Query text goes through :func:`athar.arabic.normalize_arabic` (the same
normalisation the NLP stage uses) and through the index's ``athar_arabic``
analyzer, so spelling variants (أ/ا/إ/آ, ة/ه, ى/ي, diacritics, tatweel, digit
sets) give the same results. Full text uses ``simple_query_string``, which never
fails on bad syntax: ``"..."`` phrases, ``+``/``AND``, ``|``/``OR``, ``-``/``NOT``,
parentheses. Person search ranks by name similarity (normalised name,
consonant skeleton shared by Arabic and Latin spellings, Latin variants, fuzzy
parts) and boosts mother's name, birth year (±1) and place; each hit lists why
it matched, from the engine's named queries.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from athar.arabic import name_keys, normalize_arabic, normalize_digits, skeleton
from athar.errors import SearchRequestError
from athar.settings import Settings, load_settings
from index.client import engine_errors
from index.schema import alias_name

MAX_QUERY_CHARS = 1000
MAX_QUERY_TERMS = 64
MAX_RESULTS = 100
HIGHLIGHT_PRE = "«"
HIGHLIGHT_POST = "»"

_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class PageHit:
    """One page that matched, with highlighted snippets of its text."""

    sha256: str
    source: str
    page: int
    doc_type: str | None
    score: float
    snippets: tuple[str, ...]
    dates: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    confidence: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            **self.__dict__,
            "snippets": list(self.snippets),
            "dates": list(self.dates),
            "places": list(self.places),
        }


@dataclass(frozen=True)
class SearchResult:
    """Total number of matching pages and the requested slice of them."""

    total: int
    hits: tuple[PageHit, ...]

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "hits": [h.to_json() for h in self.hits]}


@dataclass(frozen=True)
class PersonHit:
    """One person record that matched, and why."""

    name: str
    mother: str | None
    birth_date: str | None
    birth_place: str | None
    sha256: str
    source: str
    page: int
    score: float
    why: tuple[str, ...]
    national_id: str | None = None
    doc_type: str | None = None
    id: str | None = None  # the person entry's id
    dossier: str | None = None  # the dossier the linker put it in, once linked

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "mother": self.mother,
            "birth_date": self.birth_date,
            "birth_place": self.birth_place,
            "sha256": self.sha256,
            "source": self.source,
            "page": self.page,
            "score": round(self.score, 3),
            "why": list(self.why),
        }


def _check_size(size: int, offset: int = 0) -> None:
    if not 1 <= size <= MAX_RESULTS:
        raise SearchRequestError(f"size must be between 1 and {MAX_RESULTS} (got {size}).", code="bad_query")
    if not 0 <= offset <= 10_000 - size:
        raise SearchRequestError(
            f"offset must be between 0 and {10_000 - size} (got {offset}).", code="bad_query"
        )


def clean_query(text: str) -> str:
    """Normalised query text; operator words AND/OR/NOT become ``+``/``|``/``-``; limits enforced."""
    if len(text) > MAX_QUERY_CHARS:
        raise SearchRequestError(
            f"The query is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}. "
            "Search for a few distinctive words or a short phrase instead.",
            code="query_too_long",
        )
    text = normalize_arabic(_CONTROL.sub(" ", text))
    text = re.sub(r"(?<!\S)AND(?!\S)", "+", text)
    text = re.sub(r"(?<!\S)OR(?!\S)", "|", text)
    text = re.sub(r"(?<!\S)NOT\s+", "-", text)
    if text.count('"') % 2:
        text = text.replace('"', " ")  # an unbalanced quote: search the words instead of failing
    if len(text.split()) > MAX_QUERY_TERMS:
        raise SearchRequestError(
            f"The query has {len(text.split())} words; the limit is {MAX_QUERY_TERMS}.", code="query_too_long"
        )
    if not re.search(r"\w", text):
        raise SearchRequestError("The query has no letters or digits to search for.", code="empty_query")
    if not _has_positive_terms(text):
        raise SearchRequestError(
            "The query only excludes words (NOT/-), so it would match every page; "
            "add a word or phrase to search for, e.g. 'سجن NOT عدرا'.",
            code="negative_query",
        )
    return text


_NEGATED = re.compile(r'-\s*(?:"[^"]*"|\([^()]*\)|[^\s|()"]+)')


def _has_positive_terms(text: str) -> bool:
    """Whether every alternative of the query (split at ``|``) asks for at least one word.

    A pure-negative query (``NOT zzz``, ``-a -b``, ``a | -b``) would match every page that lacks
    the excluded words: refused rather than answered with the whole archive.
    """
    stripped = text
    while True:  # innermost negated groups first, so -(a -(b)) is removed whole
        shorter = _NEGATED.sub("\x00", stripped)  # NUL marks an exclusion (control characters are gone)
        if shorter == stripped:
            break
        stripped = shorter
    for alternative in stripped.split("|"):
        if "\x00" in alternative and not re.search(r"\w", alternative):
            return False  # this alternative only excludes (an empty one, as in "a || b", is ignored)
    return True


_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_date_bound(value: str, *, end: bool) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (any digit set) as a full ISO date; ``end`` rounds up."""
    match = _DATE.match(normalize_digits(value.strip()).replace("/", "-"))
    if not match:
        raise SearchRequestError(
            f"Date {value!r} is not understood; use YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2013-05).",
            code="bad_date",
        )
    year = int(match.group(1))
    month = int(match.group(2) or (12 if end else 1))
    if not 1 <= month <= 12:
        raise SearchRequestError(f"Date {value!r} has month {month}; use 1-12.", code="bad_date")
    last = calendar.monthrange(year, month)[1]
    day = int(match.group(3) or (last if end else 1))
    if not 1 <= day <= last:
        raise SearchRequestError(
            f"Date {value!r} has day {day}; that month has {last} days.", code="bad_date"
        )
    return f"{year:04d}-{month:02d}-{day:02d}"


def search(
    client: Any,
    query: str,
    *,
    settings: Settings | None = None,
    doc_type: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    place: str | None = None,
    size: int = 10,
    offset: int = 0,
) -> SearchResult:
    """Pages matching ``query`` (phrases and boolean operators allowed), best first, with snippets."""
    settings = settings or load_settings()
    _check_size(size, offset)
    text = clean_query(query)
    filters: list[dict[str, Any]] = []
    if doc_type:
        filters.append({"term": {"doc_type": doc_type}})
    if date_from or date_to:
        bounds: dict[str, str] = {}
        if date_from:
            bounds["gte"] = parse_date_bound(date_from, end=False)
        if date_to:
            bounds["lte"] = parse_date_bound(date_to, end=True)
        if "gte" in bounds and "lte" in bounds and bounds["gte"] > bounds["lte"]:
            raise SearchRequestError(f"--from {date_from} is after --to {date_to}.", code="bad_date")
        filters.append({"range": {"dates": {**bounds, "format": "strict_date_optional_time"}}})
    if place:
        filters.append({"match": {"places": {"query": normalize_arabic(place), "operator": "and"}}})
    text_query = {
        "simple_query_string": {
            "query": text,
            "fields": ["text^2", "text.stemmed"],
            "default_operator": "and",
            "flags": "AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE",
            "analyze_wildcard": False,
        }
    }
    body = {
        "query": {"bool": {"must": [text_query], "filter": filters}},
        "from": offset,
        "size": size,
        "track_total_hits": True,
        "_source": ["sha256", "source", "page", "doc_type", "dates", "places", "confidence"],
        "highlight": {
            "pre_tags": [HIGHLIGHT_PRE],
            "post_tags": [HIGHLIGHT_POST],
            "encoder": "default",
            "fields": {
                "text": {"type": "unified", "fragment_size": 160, "number_of_fragments": 3},
                "text.stemmed": {"type": "unified", "fragment_size": 160, "number_of_fragments": 3},
            },
        },
    }
    with engine_errors():
        response = client.search(index=alias_name(settings, "pages"), body=body)
    hits = []
    for hit in response["hits"]["hits"]:
        src = hit["_source"]
        highlight = hit.get("highlight", {})
        snippets = highlight.get("text") or highlight.get("text.stemmed") or []
        hits.append(
            PageHit(
                sha256=src["sha256"],
                source=src.get("source") or "",
                page=int(src["page"]),
                doc_type=src.get("doc_type"),
                score=float(hit.get("_score") or 0.0),
                snippets=tuple(" ".join(s.split()) for s in snippets),
                dates=tuple(src.get("dates") or ()),
                places=tuple(src.get("places") or ()),
                confidence=src.get("confidence"),
            )
        )
    return SearchResult(total=int(response["hits"]["total"]["value"]), hits=tuple(hits))


# ------------------------------------------------------------------ persons

_WHY = {
    "name_exact": "exact name",
    "name_parts": "all name parts",
    "name_skeleton": "same name skeleton (spelling variant)",
    "name_latin": "Latin spelling",
    "name_fuzzy": "similar name",
    "name_partial": "part of the name",
    "mother": "mother's name",
    "mother_skeleton": "mother's name (spelling variant)",
    "mother_fuzzy": "mother's name, one letter off (as OCR may misread it)",
    "born_exact": "birth year",
    "born_near": "birth year ±1",
    "place_birth": "birth place",
    "place_event": "place of an event",
}


def _named(query: dict[str, Any], name: str) -> dict[str, Any]:
    kind, spec = next(iter(query.items()))
    field, params = next(iter(spec.items()))
    if isinstance(params, dict):
        return {kind: {field: {**params, "_name": name}}}
    return {kind: {field: {"value" if kind == "term" else "query": params, "_name": name}}}


# Birth years a record can hold: no one born before 1850 is searched for in these archives, and no
# one is born after this year.
MIN_BIRTH_YEAR = 1850


def _born_year(born: str | int) -> int:
    """A birth year (four digits, any digit set, optionally followed by -MM-DD) within the valid range."""
    match = re.match(r"^\s*([0-9]{4})(?![0-9])", normalize_digits(str(born)))
    if not match:
        raise SearchRequestError(
            f"Birth year {str(born)[:20]!r} is not understood; give a year such as 1985.", code="bad_date"
        )
    year = int(match.group(1))
    this_year = datetime.now(UTC).year
    if not MIN_BIRTH_YEAR <= year <= this_year:
        raise SearchRequestError(
            f"Birth year {year} is out of range; give a year from {MIN_BIRTH_YEAR} to {this_year}.",
            code="bad_date",
        )
    return year


_GLUED_ARTICLE = re.compile(r"\b(al|el)(?=[a-z]{3,})", re.IGNORECASE)
_GLUED_DIN = re.compile(r"\b([a-z]{2,}?)(?:ed|ud|id|ad|el|al|ul)din\b", re.IGNORECASE)


def latin_alternative(text: str) -> str:
    """Latin spellings that glue what Arabic writes apart: ``Alhasan`` -> ``al-hasan``,
    ``Seifeddin`` -> ``Seif al-din``. Queried as an alternative, never instead of the input."""
    text = _GLUED_ARTICLE.sub(lambda m: f"{m.group(1)}-", text)
    return _GLUED_DIN.sub(lambda m: f"{m.group(1)} al-din", text)


def person_query(
    name: str, *, mother: str | None = None, born: str | int | None = None, place: str | None = None
) -> dict[str, Any]:
    """The engine query behind :func:`person` (exposed for inspection and the benchmark)."""
    if len(name) > 300 or (mother and len(mother) > 300) or (place and len(place) > 300):
        raise SearchRequestError("Names and places are limited to 300 characters.", code="query_too_long")
    keys = name_keys(_CONTROL.sub(" ", name))
    if not keys.normalized or not keys.skeleton:
        raise SearchRequestError("The name has no letters to search for.", code="empty_query")
    latin_input = not _ARABIC_LETTER.search(keys.normalized)
    skeletons = [keys.skeleton]
    if latin_input:
        alternative = skeleton(latin_alternative(keys.normalized))
        if alternative and alternative != keys.skeleton:
            skeletons.append(alternative)
    name_clauses: list[dict[str, Any]] = [
        _named({"match": {"name_skeleton": {"query": skel, "operator": "and", "boost": 3}}}, "name_skeleton")
        for skel in skeletons
    ]
    name_clauses += [
        _named(
            {
                "match": {
                    "name_skeleton": {"query": keys.skeleton, "minimum_should_match": "2<75%", "boost": 0.5}
                }
            },
            "name_partial",
        ),
    ]
    if latin_input:
        name_clauses += [
            _named(
                {"match": {"name_latin": {"query": keys.normalized, "operator": "and", "boost": 3}}},
                "name_latin",
            ),
            _named(_fuzzy_match("name_latin", keys.normalized), "name_fuzzy"),
        ]
    else:
        name_clauses += [
            _named({"term": {"name_norm": {"value": keys.normalized, "boost": 6}}}, "name_exact"),
            _named(
                {"match": {"name": {"query": keys.normalized, "operator": "and", "boost": 3}}}, "name_parts"
            ),
            _named(_fuzzy_match("name", keys.normalized), "name_fuzzy"),
        ]
    boosts: list[dict[str, Any]] = []
    if mother:
        mother_norm = normalize_arabic(mother)
        if _ARABIC_LETTER.search(mother_norm):
            boosts.append(
                _named({"match": {"mother": {"query": mother_norm, "operator": "and", "boost": 4}}}, "mother")
            )
            # One letter off (two for long names): OCR misreads short names (سهام read as سبام). Weaker
            # than an exact match, so a namesake whose mother reads exactly still ranks above.
            boosts.append(
                _named(
                    {
                        "match": {
                            "mother": {
                                "query": mother_norm,
                                "fuzziness": "AUTO:3,6",
                                "prefix_length": 0,
                                "max_expansions": 20,
                                "operator": "and",
                                "boost": 2,
                            }
                        }
                    },
                    "mother_fuzzy",
                )
            )
        mother_skel = skeleton(mother)
        if mother_skel:
            boosts.append(
                _named(
                    {"match": {"mother_skeleton": {"query": mother_skel, "operator": "and", "boost": 3}}},
                    "mother_skeleton",
                )
            )
    if born is not None and str(born).strip():
        year = _born_year(born)
        boosts.append({"term": {"birth_year": {"value": year, "boost": 2, "_name": "born_exact"}}})
        boosts.append(
            {"range": {"birth_year": {"gte": year - 1, "lte": year + 1, "boost": 2, "_name": "born_near"}}}
        )
    if place:
        place_norm = normalize_arabic(place)
        boosts.append(
            _named(
                {"match": {"birth_place": {"query": place_norm, "operator": "and", "boost": 2}}},
                "place_birth",
            )
        )
        boosts.append(
            {
                "nested": {
                    "path": "events",
                    "score_mode": "max",
                    "query": {"match": {"events.place": {"query": place_norm, "operator": "and"}}},
                    "boost": 1,
                    "_name": "place_event",
                }
            }
        )
    return {
        "bool": {
            "must": [{"bool": {"should": name_clauses, "minimum_should_match": 1}}],
            "should": boosts,
        }
    }


def _why(matched: list[str], born: str | int | None) -> tuple[str, ...]:
    names = set(matched)
    if "born_exact" in names:
        names.discard("born_near")
    if "name_exact" in names:
        names -= {"name_parts", "name_fuzzy", "name_partial", "name_skeleton"}
    elif "name_parts" in names or "name_skeleton" in names or "name_latin" in names:
        names -= {"name_fuzzy", "name_partial"}
    if "mother" in names:
        names -= {"mother_skeleton", "mother_fuzzy"}
    elif "mother_skeleton" in names:
        names.discard("mother_fuzzy")
    return tuple(_WHY[n] for n in _WHY if n in names)


def _fuzzy_match(field: str, query: str) -> dict[str, Any]:
    """A typo-tolerant match on a name field: most name parts must be there, one edit each."""
    return {
        "match": {
            field: {
                "query": query,
                "fuzziness": "AUTO",
                "max_expansions": 10,
                "prefix_length": 1,
                "minimum_should_match": "2<75%",
                "boost": 1,
            }
        }
    }


def person(
    client: Any,
    name: str,
    *,
    settings: Settings | None = None,
    mother: str | None = None,
    born: str | int | None = None,
    place: str | None = None,
    size: int = 10,
    sha256s: list[str] | None = None,
) -> tuple[PersonHit, ...]:
    """Person records for a name in Arabic or Latin script, best first, each saying why it matched.

    ``sha256s`` limits the search to these documents (a saved search re-run on what was just ingested).
    """
    settings = settings or load_settings()
    _check_size(size)
    query = person_query(name, mother=mother, born=born, place=place)
    if sha256s is not None:
        query = {"bool": {"must": [query], "filter": [{"terms": {"sha256": sha256s}}]}}
    body = {
        "query": query,
        "size": size,
        "_source": [
            "name",
            "mother",
            "birth_date",
            "birth_place",
            "sha256",
            "source",
            "page",
            "national_id",
            "doc_type",
            "dossier",
        ],
    }
    with engine_errors():
        response = client.search(index=alias_name(settings, "persons"), body=body)
    hits = []
    for hit in response["hits"]["hits"]:
        src = hit["_source"]
        hits.append(
            PersonHit(
                name=src["name"],
                mother=src.get("mother"),
                birth_date=src.get("birth_date"),
                birth_place=src.get("birth_place"),
                sha256=src["sha256"],
                source=src.get("source") or "",
                page=int(src.get("page") or 0),
                score=float(hit.get("_score") or 0.0),
                why=_why(list(hit.get("matched_queries") or []), born),
                national_id=src.get("national_id"),
                doc_type=src.get("doc_type"),
                id=str(hit.get("_id")),
                dossier=src.get("dossier"),
            )
        )
    return tuple(hits)
