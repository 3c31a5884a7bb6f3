"""The ASGI app: JSON API under ``/api`` (OpenAPI at ``/api/openapi.json``) and server-rendered pages.

Build it with :func:`create_app`; `athar serve` runs it with uvicorn. Every response carries a
strict Content-Security-Policy (no scripts at all, only same-origin styles, fonts and images);
every search, from a page or the API, is appended to the audit log before results are returned.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import FastAPI, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup, escape

from athar.errors import AtharError, PermanentError
from athar.log import short
from athar.settings import Settings, load_settings
from web import data, edit, scan
from web.audit import audit_path, record_access, record_search
from web.auth import TOKEN_COOKIE, AuthConfig, LoginThrottle, auth_from_env, client_address, identify
from web.i18n import DOC_TYPES, pick_lang, translator

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
FONTS = {
    "amiri.ttf": Path("/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf"),
    "dejavu.ttf": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
}
CSP = (
    "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
PAGE_SIZE = 10
PUBLIC_PATHS = ("/static/", "/login")
_NOT_FOUND_CODES = {
    "document_not_found",
    "page_not_found",
    "original_corrupted",
    "dossier_not_found",
    "pair_not_found",
}


# ------------------------------------------------------------------ helpers


def mark_snippet(fragment: str) -> Markup:
    """A highlight fragment as safe HTML: all text escaped, the engine's highlight marks become <mark>."""
    from index.query import HIGHLIGHT_POST, HIGHLIGHT_PRE

    pattern = re.compile(re.escape(HIGHLIGHT_PRE) + "(.*?)" + re.escape(HIGHLIGHT_POST), re.DOTALL)
    out: list[str] = []
    pos = 0
    for match in pattern.finditer(fragment):
        out.append(str(escape(fragment[pos : match.start()])))
        out.append(f"<mark>{escape(match.group(1))}</mark>")
        pos = match.end()
    out.append(str(escape(fragment[pos:])))
    return Markup("".join(out))


def _snippets(hit: dict[str, Any]) -> list[str]:
    for key in ("snippets", "highlights", "highlight", "fragments"):
        value = hit.get(key)
        if isinstance(value, dict):
            return [f for frags in value.values() for f in (frags if isinstance(frags, list) else [frags])]
        if isinstance(value, list):
            return [str(v) for v in value]
        if isinstance(value, str):
            return [value]
    text = hit.get("text")
    return [str(text)[:300]] if text else []


def _client_host(request: Request) -> str | None:
    """The audited client address, as the guard resolved it (X-Forwarded-For only from a trusted proxy)."""
    resolved = getattr(request.state, "client", None)
    if resolved:
        return str(resolved)
    return request.client.host if request.client else None


_PAGE_NUMBER = re.compile(r"[0-9]{1,4}")  # ASCII digits only: "²" or a 5,000-digit number is refused


def page_number(raw: str | None) -> int:
    """A ``page`` parameter of the HTML pages: 1 when absent, else a whole number 1-9999."""
    if raw is None or raw == "":
        return 1
    if not _PAGE_NUMBER.fullmatch(raw) or int(raw) < 1:
        raise data.BadParameterError("page must be a whole number from 1 (written with the digits 0-9).")
    return int(raw)


def _local_target(path: str) -> str:
    """A redirect target on this site only: '//host/...' or '/\\host' would leave it."""
    return "/" + path.lstrip("/\\")


class _Engine:
    """The search client, made on first use (the node may start after the app)."""

    def __init__(self, settings: Settings, client: Any | None) -> None:
        self.settings = settings
        self._client = client
        self._lock = threading.Lock()

    def get(self) -> Any:
        with self._lock:
            if self._client is None:
                from index.client import make_client

                self._client = make_client(self.settings)
            return self._client


# ------------------------------------------------------------------ the app


def create_app(
    settings: Settings | None = None, *, auth: AuthConfig | None = None, client: Any | None = None
) -> FastAPI:
    """The app over ``settings`` (default: environment), ``auth`` (default: ATHAR_WEB_*) and a client."""
    settings = settings or load_settings()
    auth = auth if auth is not None else auth_from_env()
    engine = _Engine(settings, client)
    audit_file = audit_path(settings.data_dir)
    throttle = LoginThrottle()
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    templates.filters["snippet"] = mark_snippet
    templates.filters["short"] = short

    app = FastAPI(
        title="Athar search API",
        version="1",
        description="Full-text and person search over indexed detention archives. Every search is audited.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # the Swagger/ReDoc pages load scripts from a CDN: not served
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.auth = auth

    # ------------------------------------------------------------ middleware

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        path = request.url.path
        is_api = path.startswith("/api")
        token_param = request.query_params.get("token")
        peer = request.client.host if request.client else None
        client = client_address(peer, request.headers.get("x-forwarded-for"), settings.web_trusted_proxies)
        request.state.client = client
        authorization = request.headers.get("authorization")
        who = identify(
            auth,
            authorization=authorization,
            cookie=request.cookies.get(TOKEN_COOKIE),
            token_param=token_param,
        )
        response: Response
        wait = throttle.retry_after(client or "?") if auth.enabled else 0
        if who is None and auth.enabled and (authorization is not None or token_param is not None):
            failures = throttle.failed(client or "?")  # the attempt is never logged, only that it failed
            log.warning("web: failed login from %s (%d within %g s)", client, failures, throttle.window)
        if wait and not path.startswith("/static/"):
            message = "Too many failed logins from this address; try again later."
            response = (
                JSONResponse({"error": {"code": "too_many_failures", "message": message}}, status_code=429)
                if is_api
                else HTMLResponse(str(escape(message)), status_code=429)
            )
            response.headers["Retry-After"] = str(wait)
        elif who is None and not path.startswith(PUBLIC_PATHS):
            if is_api:
                response = JSONResponse(
                    {
                        "error": {
                            "code": "unauthorized",
                            "message": "Send the access token or the credentials.",
                        }
                    },
                    status_code=401,
                )
            else:
                response = _html(request, "login.html", {"failed": token_param is not None}, status=401)
            schemes = (["Bearer"] if auth.has_tokens else []) + (['Basic realm="athar"'] if auth.user else [])
            response.headers["WWW-Authenticate"] = ", ".join(schemes)
        elif token_param is not None and who and who.startswith("token") and request.method == "GET":
            # a ?token= link: remember the login in a cookie and drop the token from the address bar
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = "/" if path.startswith("/login") else _local_target(path)
            response = RedirectResponse(target + ("?" + urlencode(rest) if rest else ""), status_code=303)
            response.set_cookie(
                TOKEN_COOKIE,
                auth.cookie_value(who),
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
            )
        else:
            request.state.who = who or "anonymous"
            response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        if not path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    def _lang(request: Request) -> str:
        return pick_lang(request.query_params.get("lang") or request.cookies.get("athar_lang"))

    def _html(request: Request, name: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
        lang = _lang(request)
        params = {k: v for k, v in request.query_params.items() if k not in ("lang", "token")}
        other = "en" if lang == "ar" else "ar"
        page = templates.get_template(name).render(
            t=translator(lang),
            lang=lang,
            dir="rtl" if lang == "ar" else "ltr",
            path=request.url.path,
            lang_switch=request.url.path + "?" + urlencode({**params, "lang": other}),
            lang_q="" if lang == "ar" else "lang=en",
            doc_types=DOC_TYPES,
            **context,
        )
        response = HTMLResponse(page, status_code=status)
        if request.query_params.get("lang"):
            response.set_cookie("athar_lang", lang, samesite="strict", httponly=True)
        return response

    def _error_status(exc: AtharError) -> int:
        if exc.code in _NOT_FOUND_CODES or exc.code in ("search_index_missing", "unknown_document"):
            return 404
        if exc.code == "forbidden":
            return 403
        return 400 if isinstance(exc, PermanentError) else 503

    @app.exception_handler(AtharError)
    async def athar_error(request: Request, exc: AtharError) -> Response:
        status = _error_status(exc)
        log.warning("%s %s: [%s]", request.method, request.url.path, exc.code)
        if request.url.path.startswith("/api"):
            return JSONResponse({"error": exc.to_json()}, status_code=status)
        return _html(request, "error.html", {"error": exc.to_json()}, status=status)

    # ------------------------------------------------------------ shared steps

    @contextlib.contextmanager
    def _audit(
        request: Request, kind: str, via: str, query: str, filters: dict[str, Any]
    ) -> Iterator[dict[str, Any]]:
        """Audit one search: its result count, or the error code when the engine refused or failed."""
        note: dict[str, Any] = {"count": None}
        error: str | None = None
        try:
            yield note
        except AtharError as exc:
            error = exc.code
            raise
        finally:
            record_search(
                audit_file,
                who=request.state.who,
                client=_client_host(request),
                kind=kind,
                via=via,
                query=query,
                filters=filters,
                count=note["count"],
                error=error,
            )

    def _viewed(request: Request, kind: str, via: str, sha256: str, page: int | None = None) -> None:
        """Audit a view of stored content before it is served (a failed append refuses the view)."""
        record_access(
            audit_file,
            who=getattr(request.state, "who", "anonymous"),
            client=_client_host(request),
            kind=kind,
            via=via,
            sha256=sha256,
            page=page,
        )

    def _audited_search(
        request: Request,
        via: str,
        q: str | None,
        doc_type: str | None,
        date_from: str | None,
        date_to: str | None,
        place: str | None,
        page: int,
        size: int,
    ) -> dict[str, Any]:
        query = data.clean_text("q", q, required=True)
        assert query is not None
        if doc_type and doc_type not in DOC_TYPES:
            raise data.BadParameterError(f"type must be one of {', '.join(DOC_TYPES)}.")
        start, end = data.clean_text("from", date_from), data.clean_text("to", date_to)
        where = data.clean_text("place", place)
        filters: dict[str, Any] = {
            "type": doc_type or None,
            "from": start,
            "to": end,
            "place": where,
            "page": page,
            "size": size,
        }
        if not 1 <= size <= 100:
            raise data.BadParameterError("size must be between 1 and 100.")
        if not 1 <= page <= 1000 or (page - 1) * size >= 10_000:
            raise data.BadParameterError("page is out of range (at most the first 10,000 results).")
        with _audit(request, "search", via, query, filters) as note:
            result = data.run_search(
                engine.get(),
                settings,
                query,
                doc_type=doc_type or None,
                date_from=start,
                date_to=end,
                place=where,
                size=size,
                offset=(page - 1) * size,
            )
            count = note["count"] = data.result_count(result)
        data.flag_failed_originals(settings, result.get("hits") or [])
        return {**result, "total": count, "page": page, "size": size, "query": query, "filters": filters}

    def _audited_person(
        request: Request,
        via: str,
        name: str | None,
        mother: str | None,
        born: str | None,
        place: str | None,
        size: int,
    ) -> dict[str, Any]:
        who_name = data.clean_text("name", name, required=True)
        assert who_name is not None
        if not 1 <= size <= 100:
            raise data.BadParameterError("size must be between 1 and 100.")
        mother_name, year = data.clean_text("mother", mother), data.clean_text("born", born)
        where = data.clean_text("place", place)
        filters: dict[str, Any] = {"mother": mother_name, "born": year, "place": where, "size": size}
        with _audit(request, "person", via, who_name, filters) as note:
            result = data.run_person(
                engine.get(), settings, who_name, mother=mother_name, born=year, place=where, size=size
            )
            count = note["count"] = data.result_count(result)
        data.flag_failed_originals(settings, result.get("hits") or [])
        return {**result, "total": count, "query": who_name, "filters": filters}

    def _page_view(
        sha256: str, page: int, q: str | None, span: str | None, person: str | None = None
    ) -> dict[str, Any]:
        client = engine.get()
        doc = data.document_entry(client, settings, sha256)
        numbers = [p["page"] for p in doc["pages"]]
        if page not in numbers:
            if numbers and page == 1:
                page = numbers[0]
            else:
                raise scan.PageNotFoundError(f"Page {page} of this document is not in the index.")
        entry = data.page_entry(client, settings, sha256, page)
        layout = scan.page_layout(settings, sha256, page, hocr=entry.get("hocr"))
        marked = set(scan.matching_words(layout.words, scan.query_terms(q or "")))
        spans: list[tuple[int, int]] = []
        if span and (match := re.fullmatch(r"(\d+)-(\d+)", span)):
            spans.append((int(match[1]), int(match[2])))
        if person:
            spans += [
                (int(p["start"]), int(p["end"]))
                for p in entry.get("persons") or []
                if p.get("name") == person and p.get("end")
            ]
        by_span = {
            i for a, b in spans for i in scan.words_in_span(layout.words, entry.get("text") or "", a, b)
        }
        if by_span:
            marked = by_span  # the person's own words, not every word that shares a name part
        elif person:
            marked.update(scan.matching_words(layout.words, scan.query_terms(person)))
        return {
            "document": doc,
            "page": page,
            "text": entry.get("text") or "",
            "confidence": entry.get("confidence"),
            "dates": entry.get("dates") or [],
            "places": entry.get("places") or [],
            "persons": entry.get("persons") or [],
            "width": layout.width,
            "height": layout.height,
            "boxes_from": layout.origin,
            "words": [{"text": w.text, "conf": w.conf, "bbox": list(w.bbox)} for w in layout.words],
            "matched": sorted(marked),
            "image": f"/api/documents/{sha256}/pages/{page}/image",
            "original": f"/api/documents/{sha256}/original",
            "provenance": data.provenance(settings, sha256),
            "integrity_failed": sha256 in data.failed_originals(settings),
        }

    # ------------------------------------------------------------------ API

    @app.get(
        "/api/search", tags=["search"], summary="Full-text search (same syntax and results as `athar search`)"
    )
    def api_search(
        request: Request,
        q: Annotated[str, Query(description='query: words, "phrases", AND/OR/NOT')],
        type: Annotated[str | None, Query(description="document type")] = None,
        date_from: Annotated[str | None, Query(alias="from", description="YYYY[-MM[-DD]]")] = None,
        date_to: Annotated[str | None, Query(alias="to", description="YYYY[-MM[-DD]]")] = None,
        place: Annotated[str | None, Query(description="place or facility")] = None,
        page: Annotated[int, Query(ge=1)] = 1,
        size: Annotated[int, Query(ge=1, le=100)] = PAGE_SIZE,
    ) -> dict[str, Any]:
        return _audited_search(request, "api", q, type, date_from, date_to, place, page, size)

    @app.get("/api/person", tags=["search"], summary="Person search (same ranking as `athar person`)")
    def api_person(
        request: Request,
        name: Annotated[str, Query(description="name in Arabic or Latin letters")],
        mother: str | None = None,
        born: Annotated[str | None, Query(description="birth year; ±1 tolerated")] = None,
        place: str | None = None,
        size: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> dict[str, Any]:
        return _audited_person(request, "api", name, mother, born, place, size)

    @app.get(
        "/api/documents/{sha256}", tags=["documents"], summary="One document: index entry and provenance"
    )
    def api_document(request: Request, sha256: str) -> dict[str, Any]:
        data.check_sha256(sha256)
        _viewed(request, "document", "api", sha256)
        doc = data.document_entry(engine.get(), settings, sha256)
        return {
            **doc,
            "provenance": data.provenance(settings, sha256),
            "integrity_failed": sha256 in data.failed_originals(settings),
        }

    @app.get(
        "/api/documents/{sha256}/pages/{page}",
        tags=["documents"],
        summary="One page: OCR text, word boxes, matched words for q, persons, dates and places",
    )
    def api_page(
        request: Request,
        sha256: str,
        page: int,
        q: str | None = None,
        span: str | None = None,
        person: str | None = None,
    ) -> dict[str, Any]:
        data.check_sha256(sha256)
        _viewed(request, "page", "api", sha256, page)
        return _page_view(sha256, page, q, span, person)

    @app.get(
        "/api/documents/{sha256}/pages/{page}/image",
        tags=["documents"],
        summary="The page scan as JPEG, in the coordinates of the word boxes",
        response_class=FileResponse,
    )
    def api_page_image(request: Request, sha256: str, page: int) -> FileResponse:
        from app.originals import local_original, original_path

        data.check_sha256(sha256)
        data.refuse_failed_original(settings, sha256)
        if page < 1:
            raise scan.PageNotFoundError("Pages are numbered from 1.")
        _viewed(request, "image", "api", sha256, page)
        entry = data.page_entry(engine.get(), settings, sha256, page)
        layout = scan.page_layout(settings, sha256, page, hocr=entry.get("hocr"))
        kept = bool(layout.image and Path(layout.image).exists())
        original = (None if kept else local_original(settings, sha256)) or original_path(settings, sha256)
        if not original.exists() and not kept:
            raise data.DocumentNotFoundError("The original of this document is not in the originals store.")
        path = scan.page_image(settings, sha256, page, layout, original)
        return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})

    @app.get(
        "/api/documents/{sha256}/original",
        tags=["documents"],
        summary="Download the original file, checked against its sha256 first",
        response_class=FileResponse,
    )
    def api_original(request: Request, sha256: str) -> FileResponse:
        from app.originals import OriginalCorruptedError, verify_original

        data.check_sha256(sha256)
        _viewed(request, "original", "api", sha256)
        data.refuse_failed_original(settings, sha256)
        try:
            path = verify_original(settings, sha256)
        except OriginalCorruptedError:
            data.record_failed_original(settings, sha256)  # never silently served: flagged everywhere
            raise
        name = f"{sha256[:12]}"
        try:
            source = data.document_entry(engine.get(), settings, sha256)
            media_type = source.get("media_type") or "application/octet-stream"
            suffix = Path(str(source.get("source") or "")).suffix
            if re.fullmatch(r"\.[A-Za-z0-9]{1,5}", suffix):
                name += suffix.lower()
        except AtharError:
            media_type = "application/octet-stream"
        return FileResponse(path, media_type=media_type, filename=name)

    @app.get("/api/status", tags=["operator"], summary="Documents per state, recent runs, quarantine")
    def api_status() -> dict[str, Any]:
        return data.operator_status(settings)

    # ---------------------------------------------------------------- pages

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(
        request: Request,
        q: str | None = None,
        type: str | None = None,
        date_from: Annotated[str | None, Query(alias="from")] = None,
        date_to: Annotated[str | None, Query(alias="to")] = None,
        place: str | None = None,
        page: str | None = None,
    ) -> HTMLResponse:
        form = {
            "q": q or "",
            "type": type or "",
            "from": date_from or "",
            "to": date_to or "",
            "place": place or "",
        }
        context: dict[str, Any] = {"form": form, "result": None, "error": None, "links": {}}
        if q and q.strip():
            try:
                number = page_number(page)
                result = _audited_search(
                    request, "page", q, type, date_from, date_to, place, number, PAGE_SIZE
                )
                for hit in result.get("hits") or []:
                    hit["marked"] = _snippets(hit)
                    hit["link"] = (
                        "/doc/"
                        + str(hit.get("sha256"))
                        + "?"
                        + urlencode({"page": hit.get("page") or 1, "q": result["query"]})
                    )
                base = {k: v for k, v in form.items() if v}
                last = max(1, -(-result["total"] // PAGE_SIZE))
                context["links"] = {
                    "prev": "/?" + urlencode({**base, "page": number - 1}) if number > 1 else None,
                    "next": "/?" + urlencode({**base, "page": number + 1})
                    if number < min(last, 1000)
                    else None,
                    "last": last,
                }
                context["result"] = result
            except AtharError as exc:
                context["error"] = exc.to_json()
                context["status"] = _error_status(exc)
        return _html(request, "search.html", context, status=context.get("status", 200))

    @app.get("/person", response_class=HTMLResponse, include_in_schema=False)
    def person_page(
        request: Request,
        name: str | None = None,
        mother: str | None = None,
        born: str | None = None,
        place: str | None = None,
    ) -> HTMLResponse:
        form = {"name": name or "", "mother": mother or "", "born": born or "", "place": place or ""}
        context: dict[str, Any] = {"form": form, "result": None, "error": None}
        if name and name.strip():
            try:
                result = _audited_person(request, "page", name, mother, born, place, 20)
                for hit in result.get("hits") or []:
                    hit["link"] = f"/doc/{hit.get('sha256')}?" + urlencode(
                        {"page": hit.get("page") or 1, "person": hit.get("name") or ""}
                    )
                context["result"] = result
            except AtharError as exc:
                context["error"] = exc.to_json()
                context["status"] = _error_status(exc)
        return _html(request, "person.html", context, status=context.get("status", 200))

    @app.get("/doc/{sha256}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(
        request: Request,
        sha256: str,
        page: str | None = None,
        q: str | None = None,
        span: str | None = None,
        person: str | None = None,
    ) -> HTMLResponse:
        data.check_sha256(sha256)
        number = page_number(page)
        _viewed(request, "page", "page", sha256, number)
        view = _page_view(sha256, number, q, span, person)
        matched = set(view["matched"])
        boxes = [
            {
                "x": w["bbox"][0],
                "y": w["bbox"][1],
                "w": w["bbox"][2] - w["bbox"][0],
                "h": w["bbox"][3] - w["bbox"][1],
            }
            for i, w in enumerate(view["words"])
            if i in matched
        ]
        view["boxes"] = boxes
        view["q"] = q or ""
        view["page_links"] = [
            {"page": p["page"], "link": f"/doc/{sha256}?" + urlencode({"page": p["page"], "q": q or ""})}
            for p in view["document"]["pages"]
        ]
        view.update(
            edit.document_context(settings, request, sha256, view["page"], auth.can_edit(request.state.who))
        )
        return edit.with_csrf(_html(request, "document.html", view), view["csrf"], request)  # type: ignore[return-value]

    edit.add_editing(app, settings, _html)

    @app.get("/operator", response_class=HTMLResponse, include_in_schema=False)
    def operator_page(request: Request) -> HTMLResponse:
        return _html(request, "operator.html", {"status": data.operator_status(settings)})

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        return _html(request, "login.html", {"failed": False})

    from web import dossiers

    dossiers.register(app, settings, engine, _html, _page_view)  # dossiers, review, saved searches

    @app.get("/static/style.css", include_in_schema=False)
    def stylesheet() -> FileResponse:
        return FileResponse(HERE / "static" / "style.css", media_type="text/css")

    @app.get("/static/fonts/{name}", include_in_schema=False)
    def font(name: str) -> Response:
        path = FONTS.get(name)
        if path is None or not path.exists():
            return Response(status_code=404)
        return FileResponse(path, media_type="font/ttf", headers={"Cache-Control": "public, max-age=86400"})

    return app
