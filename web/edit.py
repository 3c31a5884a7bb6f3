"""Corrections in the web app: a form per word and per line on the document view, a review queue,
export downloads.

No JavaScript: every correction is a plain HTML form posted to the server, which records it
(app.corrections), re-indexes the document and redirects back to the page (303). Only editors see
and may post the forms (:meth:`web.auth.AuthConfig.can_edit`: with ATHAR_WEB_EDITORS set, only those
signed in as one of them, even on localhost). Every form carries a CSRF token that must match a
SameSite=Strict cookie set with the page; a POST from another origin is refused. Every correction
is appended to the audit log.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from athar.errors import PermanentError
from athar.settings import Settings
from web import data
from web.audit import audit_path, record_event

CSRF_COOKIE = "athar_csrf"
MAX_FORM_BYTES = 16_384  # a correction form is a few short fields
EDITOR_REALM = 'Basic realm="athar-editors"'
REVIEW_PAGE = 50  # words per page of the review queue
MAX_REVIEW_PAGE = 100_000


class ForbiddenError(PermanentError):
    code = "forbidden"


def who(request: Request) -> str:
    return str(getattr(request.state, "who", "anonymous"))


def _client(request: Request) -> str | None:
    """The audited client address (the app's guard resolves trusted proxies)."""
    found = getattr(request.state, "client", None)
    return found if isinstance(found, str) else (request.client.host if request.client else None)


def editor_name(request: Request) -> str:
    """The name a correction is recorded under."""
    name = who(request)
    return name.split(":", 1)[1] if name.startswith("editor:") else name


def csrf_token(request: Request) -> str:
    """The page's CSRF token: the cookie's when there is one, else a new one (set with the page)."""
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)


def with_csrf(response: Response, token: str, request: Request) -> Response:
    response.set_cookie(
        CSRF_COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
    return response


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise data.BadParameterError("the form is too large.")
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[0] for k, v in fields.items()}


def _check_post(request: Request, form: dict[str, str], can_edit: bool) -> None:
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.url.netloc}"
    if origin not in (None, "null", own):
        raise ForbiddenError("the form was sent from another site; open the page here and send it again.")
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    if not cookie or not hmac.compare_digest(cookie, form.get("csrf", "")):
        raise ForbiddenError("the form has expired; reload the page and send it again.")
    if not can_edit:
        raise ForbiddenError("only editors may correct; sign in as an editor.")


def _number(form: dict[str, str], name: str) -> int:
    value = form.get(name, "")
    if not value.isdigit():
        raise data.BadParameterError(f"{name} must be a whole number.")
    return int(value)


def add_editing(app: FastAPI, settings: Settings, html: Any) -> None:
    """Register the correction, review and export routes on ``app``; ``html`` renders a template."""
    from app import corrections, exports

    auth = app.state.auth
    audit_file = audit_path(settings.data_dir)

    def _refuse(request: Request, exc: ForbiddenError) -> Response:
        response: Response = html(request, "error.html", {"error": exc.to_json()}, status=403)
        return response

    @app.post("/doc/{sha256}/correct", include_in_schema=False)
    async def post_correction(request: Request, sha256: str) -> Response:
        data.check_sha256(sha256)
        form = await _form(request)
        try:
            _check_post(request, form, auth.can_edit(who(request)))
        except ForbiddenError as exc:
            response = _refuse(request, exc)
            if auth.editors and not who(request).startswith("editor:"):
                response.status_code = 401
                response.headers["WWW-Authenticate"] = EDITOR_REALM
            return response
        page, text, why = _number(form, "page"), form.get("text", ""), form.get("why") or None
        kind = "line" if "line" in form and "word" not in form else "word"  # a line form, or a word's
        index = _number(form, kind)

        def record() -> Any:
            find = corrections.line if kind == "line" else corrections.word
            target = find(settings, sha256, page, index)
            return corrections.correct(settings, sha256, target, text, by=editor_name(request), why=why)

        done = await run_in_threadpool(record)
        record_event(audit_file, who=who(request), client=_client(request),
                     kind="correction", detail={"sha256": sha256, "page": page, kind: index,
                                                "version": done.version})  # fmt: skip
        anchor = f"#l{index}" if kind == "line" else f"#w{index}"
        back = f"/doc/{sha256}?" + urlencode({"page": page}) + anchor
        queue = form.get("next", "")
        if queue == "/review" or (queue.startswith("/review?page=") and queue[13:].isdigit()):
            return RedirectResponse(queue, 303)
        return RedirectResponse(back, 303)

    @app.post("/doc/{sha256}/person", include_in_schema=False)
    async def post_person(request: Request, sha256: str) -> Response:
        data.check_sha256(sha256)
        form = await _form(request)
        try:
            _check_post(request, form, auth.can_edit(who(request)))
        except ForbiddenError as exc:
            return _refuse(request, exc)
        page, start, end = _number(form, "page"), _number(form, "start"), _number(form, "end")
        field = form.get("field", "")

        def record() -> Any:
            target = corrections.person_at(settings, sha256, page, start, end, field)
            return corrections.correct(
                settings,
                sha256,
                target,
                form.get("text", ""),
                by=editor_name(request),
                why=form.get("why") or None,
            )

        done = await run_in_threadpool(record)
        detail = {"sha256": sha256, "page": page, "field": field, "version": done.version}
        client = request.client.host if request.client else None
        record_event(audit_file, who=who(request), client=client, kind="correction", detail=detail)
        return RedirectResponse(f"/doc/{sha256}?" + urlencode({"page": page}) + "#persons", 303)

    @app.post("/doc/{sha256}/revert", include_in_schema=False)
    async def post_revert(request: Request, sha256: str) -> Response:
        data.check_sha256(sha256)
        form = await _form(request)
        try:
            _check_post(request, form, auth.can_edit(who(request)))
        except ForbiddenError as exc:
            return _refuse(request, exc)
        version, page = _number(form, "version"), _number(form, "page")
        done = await run_in_threadpool(
            lambda: corrections.revert(
                settings, sha256, version, by=editor_name(request), why=form.get("why")
            )
        )
        detail = {"sha256": sha256, "reverts": version, "version": done.version}
        client = _client(request)
        record_event(audit_file, who=who(request), client=client, kind="revert", detail=detail)
        return RedirectResponse(f"/doc/{sha256}?" + urlencode({"page": page}), 303)

    @app.get("/edit/login", include_in_schema=False)
    def edit_login(request: Request, next: str = "/") -> Response:
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        if auth.can_edit(who(request)):
            return RedirectResponse(target, 303)
        response = html(request, "login.html", {"failed": False}, status=401)
        if auth.editors:
            response.headers["WWW-Authenticate"] = EDITOR_REALM
        return response

    @app.get("/review", response_class=HTMLResponse, include_in_schema=False)
    async def review_page(request: Request, page: int = 1) -> Response:
        pageno = max(1, min(page, MAX_REVIEW_PAGE))

        def fetch() -> tuple[list[dict[str, Any]], dict[str, int]]:
            found = corrections.review_queue(settings, REVIEW_PAGE + 1, (pageno - 1) * REVIEW_PAGE)
            return found, corrections.review_size(settings)

        items, size = await run_in_threadpool(fetch)
        more = len(items) > REVIEW_PAGE
        items = items[:REVIEW_PAGE]
        for item in items:
            x0, y0, x1, y1 = item["bbox"]
            item["crop"] = {"x": x0 - 8, "y": y0 - 8, "w": x1 - x0 + 16, "h": y1 - y0 + 16}
            item["image"] = f"/api/documents/{item['sha256']}/pages/{item['page']}/image"
            item["link"] = f"/doc/{item['sha256']}?" + urlencode({"page": item["page"]}) + f"#w{item['word']}"
        token = csrf_token(request)
        context = {"items": items, "editing": auth.can_edit(who(request)), "csrf": token, "pageno": pageno,
                   "more": more, "size": size, "first": (pageno - 1) * REVIEW_PAGE + 1}  # fmt: skip
        return with_csrf(html(request, "review.html", context), token, request)

    @app.get("/api/review/words", tags=["corrections"], summary="Low-confidence words to check, ranked")
    def api_review(limit: int = REVIEW_PAGE, offset: int = 0) -> dict[str, Any]:
        limit = max(1, min(limit, 500))
        return {
            "items": corrections.review_queue(settings, limit, max(0, offset)),
            **corrections.review_size(settings),
        }

    @app.get("/api/documents/{sha256}/history", tags=["documents"], summary="Engine readings and corrections")
    def api_history(sha256: str) -> list[dict[str, Any]]:
        data.check_sha256(sha256)
        return corrections.history(settings, sha256)

    @app.get("/api/documents/{sha256}/export/{kind}", tags=["documents"], summary="ALTO, hOCR, IIIF or PDF")
    def api_export(sha256: str, kind: str, page: int = 1) -> Response:
        data.check_sha256(sha256)
        name = f"{sha256[:12]}"
        if kind == "pdf":
            body, media, name = exports.pdf_bytes(settings, sha256), "application/pdf", name + ".pdf"
        elif kind == "iiif":
            # no CORS header: a manifest holds names, and another site must not read it through a browser
            return JSONResponse(exports.manifest(settings, sha256))
        elif kind in ("alto", "hocr"):
            from export import alto, hocr

            current = corrections.corrected_pages(settings, sha256).get(page)
            if current is None:
                raise data.DocumentNotFoundError(f"page {page} of this document has no OCR.")
            if kind == "alto":
                body, media, name = alto.alto_xml(current), "application/xml", f"{name}-p{page}.alto.xml"
            else:
                body, media = hocr.hocr_html(current).encode("utf-8"), "application/xhtml+xml"
                name = f"{name}-p{page}.hocr.html"
        else:
            raise data.BadParameterError("kind is one of pdf, iiif, alto, hocr.")
        return Response(
            body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )


def document_context(
    settings: Settings, request: Request, sha256: str, page: int, can_edit: bool
) -> dict[str, Any]:
    """What the document view adds for corrections: the engine's words with their corrections, the
    engine's text, the document's corrections, and whether (and with which token) it may edit."""
    from app import corrections

    try:
        words = corrections.word_view(settings, sha256, page)
        line_rows = corrections.line_view(settings, sha256, page)
        engine = corrections.engine_pages(settings, sha256).get(page)
        history = [e for e in corrections.history(settings, sha256) if e["kind"] != "reading"]
    except PermanentError:
        words, line_rows, engine, history = [], [], None, []
    for w in [*words, *line_rows]:
        x0, y0, x1, y1 = w["bbox"]
        w["crop"] = {"x": x0 - 8, "y": y0 - 8, "w": x1 - x0 + 16, "h": y1 - y0 + 16}
    return {
        "edit_words": words,
        "edit_lines": line_rows,
        "engine_text": engine.text if engine else "",
        "history": history,
        "editing": can_edit,
        "csrf": csrf_token(request),
        "edit_login": "/edit/login?" + urlencode({"next": f"/doc/{sha256}?page={page}"}),
    }
