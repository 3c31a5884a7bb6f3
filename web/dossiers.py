"""Dossier pages and their JSON API: dossiers, one dossier's timeline with its scans, the review queue
(both records side by side with their words boxed on the scans), saved searches and the watch list.

The same application functions as the CLI (:mod:`app.dossiers`, :mod:`app.watchlist`). No JavaScript:
decisions and saved searches are plain form POSTs, accepted only from this site (the Origin or
Sec-Fetch-Site header must say so; API POSTs must be JSON). Every saved-search action and every
judgement is written to the audit log, with who and when.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app import dossiers as dossier_app
from app import watchlist
from athar.errors import AtharError, PermanentError
from athar.settings import Settings
from link.cluster import pair_id
from link.score import describe
from web.audit import audit_path, record_search

MAX_SCANS = 12  # scans drawn on a dossier page (the rest are linked)
PAGE = 50


class ForbiddenPostError(PermanentError):
    code = "forbidden_post"


def _same_site(request: Request) -> None:
    """Refuse a form POST another site made the browser send (no JavaScript, so no tokens in pages)."""
    site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    host = request.headers.get("host", "")
    if site and site not in ("same-origin", "none"):
        raise ForbiddenPostError("This form may only be sent from Athar's own pages.")
    if origin and origin != "null" and origin.split("://", 1)[-1] != host:
        raise ForbiddenPostError("This form may only be sent from Athar's own pages.")


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[0].strip() for k, v in parse_qs(body, keep_blank_values=True).items()}


async def _json(request: Request) -> dict[str, Any]:
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise ForbiddenPostError("Send a JSON body (Content-Type: application/json).")
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise ForbiddenPostError("The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ForbiddenPostError("The body must be a JSON object.")
    return body


def _boxes(view: dict[str, Any]) -> list[dict[str, int]]:
    matched = set(view["matched"])
    return [
        {
            "x": w["bbox"][0],
            "y": w["bbox"][1],
            "w": w["bbox"][2] - w["bbox"][0],
            "h": w["bbox"][3] - w["bbox"][1],
        }
        for i, w in enumerate(view["words"])
        if i in matched
    ]


def register(
    app: FastAPI,
    settings: Settings,
    engine: Any,
    html: Callable[..., HTMLResponse],
    page_view: Callable[..., dict[str, Any]],
) -> None:
    """Add the dossier routes to the app (called by :func:`web.app.create_app`)."""
    audit_file = audit_path(settings.data_dir)

    def audit(request: Request, kind: str, query: str, filters: dict[str, Any], count: int | None) -> None:
        client = request.client.host if request.client else None
        who = getattr(request.state, "who", "anonymous")
        record_search(
            audit_file,
            who=who,
            client=client,
            kind=kind,
            via="web",
            query=query,
            filters=filters,
            count=count,
        )

    def scan_of(sha256: str, page: int, start: int, end: int) -> dict[str, Any] | None:
        try:
            view = page_view(sha256, page, None, f"{start}-{end}")
        except AtharError:
            return None
        return {
            "image": view["image"],
            "width": view["width"],
            "height": view["height"],
            "boxes": _boxes(view),
            "link": f"/doc/{sha256}?" + urlencode({"page": page, "span": f"{start}-{end}"}),
            "text": view["text"][start:end],
        }

    def saved_form(
        request: Request, form: dict[str, str]
    ) -> tuple[watchlist.SavedSearch, list[dict[str, Any]]]:
        saved, first = watchlist.save(
            settings,
            form.get("name", ""),
            by=str(form.get("by") or getattr(request.state, "who", "anonymous")),
            mother=form.get("mother") or None,
            born=form.get("born") or None,
            place=form.get("place") or None,
            notify=form.get("webhook") or None,
            client=engine.get(),
        )
        filters = {k: form.get(k) for k in ("mother", "born", "place")} | {"id": saved.id}
        audit(request, "saved_search:add", saved.name, filters, len(first))
        return saved, first

    # ------------------------------------------------------------------ API

    @app.get("/api/dossiers", tags=["dossiers"], summary="Dossiers (as `athar dossiers --json`), paged")
    def api_dossiers(
        offset: Annotated[int, Query(ge=0)] = 0, size: Annotated[int, Query(ge=1, le=1000)] = 100
    ) -> dict[str, Any]:
        found = []
        for i, d in enumerate(dossier_app.dossiers(settings)):
            if i >= offset + size:
                break
            if i >= offset:
                found.append(d.summary_json())
        return {"offset": offset, "size": size, "dossiers": found}

    @app.get(
        "/api/dossiers/{dossier_id}", tags=["dossiers"], summary="One dossier (as `athar dossier ID --json`)"
    )
    def api_dossier(dossier_id: str) -> dict[str, Any]:
        data = dossier_app.dossier(settings, dossier_id).to_json()
        for link in data["links"]:
            link["pair"] = pair_id(link["a"], link["b"])
        return data

    @app.get(
        "/api/pairs", tags=["dossiers"], summary="Pairs waiting for a reviewer (as `athar review --json`)"
    )
    def api_review(limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
        return {"pairs": [i.to_json() for i in dossier_app.review_queue(settings, limit=limit)]}

    @app.post("/api/pairs/{pair}", tags=["dossiers"], summary="Judge a pair: same, different or unsure")
    async def api_decide(request: Request, pair: str) -> dict[str, Any]:
        body = await _json(request)
        by = str(body.get("by") or getattr(request.state, "who", ""))
        made = dossier_app.decide(settings, pair, str(body.get("verdict", "")), by, client=engine.get())
        audit(request, "review:decide", pair, {"verdict": made.verdict, "by": made.by}, None)
        return made.to_json()

    @app.get("/api/saved-searches", tags=["saved searches"], summary="Saved person searches in force")
    def api_saved(request: Request) -> dict[str, Any]:
        found = [s.to_json() for s in watchlist.searches(settings)]
        audit(request, "saved_search:list", "", {}, len(found))
        return {"searches": found}

    @app.post("/api/saved-searches", tags=["saved searches"], summary="Save a person search")
    async def api_save(request: Request) -> dict[str, Any]:
        body = await _json(request)
        saved, first = saved_form(request, {k: str(v) for k, v in body.items() if v is not None})
        return {"saved": saved.to_json(), "matches": first}

    @app.delete("/api/saved-searches/{search_id}", tags=["saved searches"], summary="Stop a saved search")
    def api_unsave(request: Request, search_id: str) -> dict[str, Any]:
        watchlist.remove(settings, search_id)
        audit(request, "saved_search:remove", "", {"id": search_id}, None)
        return {"removed": search_id}

    @app.get("/api/watch-list", tags=["saved searches"], summary="New matches of the saved searches")
    def api_watch(request: Request, search: str | None = None) -> dict[str, Any]:
        found = watchlist.watch_list(settings, search)
        audit(request, "saved_search:hits", "", {"id": search}, len(found))
        return {"matches": found}

    # ---------------------------------------------------------------- pages

    @app.get("/dossiers", response_class=HTMLResponse, include_in_schema=False)
    def dossiers_page(request: Request, review: str | None = None, page: int = 1) -> HTMLResponse:
        page = max(1, page)
        shown, more = [], False
        listed = (d for d in dossier_app.dossiers(settings) if not review or d.review == review)
        for i, d in enumerate(listed):
            if i >= page * PAGE:
                more = True
                break
            if i >= (page - 1) * PAGE:
                shown.append(d)
        return html(
            request,
            "dossiers.html",
            {
                "dossiers": shown,
                "review": review or "",
                "pageno": page,
                "more": more,
                "counts": dossier_app.counts(settings),
            },
        )

    @app.get("/dossier/{dossier_id}", response_class=HTMLResponse, include_in_schema=False)
    def dossier_page(request: Request, dossier_id: str) -> HTMLResponse:
        d = dossier_app.dossier(settings, dossier_id)
        scans = {}
        for m in d.mentions[:MAX_SCANS]:
            scans[m.id] = scan_of(m.sha256, m.page, m.start, m.end)
        links = [
            {
                "pair": pair_id(j.a, j.b),
                "kind": j.kind,
                "why": [describe(r) for r in j.reasons],
                "a": j.a,
                "b": j.b,
            }
            for j in d.joins
        ]
        return html(request, "dossier.html", {"d": d, "scans": scans, "links": links})

    @app.get("/dossiers/review", response_class=HTMLResponse, include_in_schema=False)
    def review_page(request: Request, done: str | None = None) -> HTMLResponse:
        queue = dossier_app.review_queue(settings, limit=20)
        items = []
        for item in queue:
            items.append(
                {
                    "item": item,
                    "why": [describe(r) for r in item.reasons],
                    "scans": [scan_of(m.sha256, m.page, m.start, m.end) for m in (item.a, item.b)],
                }
            )
        return html(
            request,
            "pairs.html",
            {"items": items, "done": done or "", "who": getattr(request.state, "who", "")},
        )

    @app.post("/dossiers/review/{pair}", include_in_schema=False)
    async def review_post(request: Request, pair: str) -> Response:
        _same_site(request)
        form = await _form(request)
        made = dossier_app.decide(
            settings, pair, form.get("verdict", ""), form.get("by", ""), client=engine.get()
        )
        audit(request, "review:decide", pair, {"verdict": made.verdict, "by": made.by}, None)
        return RedirectResponse("/dossiers/review?" + urlencode({"done": made.pair}), status_code=303)

    @app.get("/saved", response_class=HTMLResponse, include_in_schema=False)
    def saved_page(request: Request, search: str | None = None) -> HTMLResponse:
        found = watchlist.searches(settings)
        hits = watchlist.watch_list(settings, search)
        audit(request, "saved_search:hits", "", {"id": search}, len(hits))
        return html(
            request,
            "saved.html",
            {
                "searches": found,
                "hits": hits,
                "search": search or "",
                "who": getattr(request.state, "who", ""),
            },
        )

    @app.post("/saved", include_in_schema=False)
    async def saved_post(request: Request) -> Response:
        _same_site(request)
        saved, _first = saved_form(request, await _form(request))
        return RedirectResponse("/saved?" + urlencode({"search": saved.id}), status_code=303)

    @app.post("/saved/{search_id}/remove", include_in_schema=False)
    async def saved_remove(request: Request, search_id: str) -> Response:
        _same_site(request)
        watchlist.remove(settings, search_id)
        audit(request, "saved_search:remove", "", {"id": search_id}, None)
        return RedirectResponse("/saved", status_code=303)
