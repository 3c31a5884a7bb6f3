"""Families' saved searches: a person search kept, re-run on every ingest, new matches on a watch list.

A saved search is a person search (name, mother, birth year, place: :func:`index.query.person`, the
same one `athar person` and the web run) with who saved it and when. Saving runs it over the whole
index once; after every batch the processing path re-runs every saved search on the documents it
just indexed (:func:`after_batch`), and each match not seen before goes on the watch list with its
reasons and its dossier. Matches on a part of the name only are left out (too loose to alert a family).

Notification is off by default: with ``ATHAR_WATCH_WEBHOOKS=1`` a search saved with a webhook URL
gets a POST of its new matches — ids, pages, dossiers and reasons, never names. With
``ATHAR_WATCH_EMAIL=1`` every saved search's new matches are e-mailed (:func:`_mail`) to
``ATHAR_SMTP_TO`` through ``ATHAR_SMTP_HOST``/``ATHAR_SMTP_PORT`` from ``ATHAR_SMTP_FROM`` — the same
facts as the webhook, never names; the password comes from ``ATHAR_SMTP_PASSWORD`` or its secret
block, never from a saved search. A failed alert is logged (without ids) and never fails an ingest.
The faces audit who saved, listed and removed what, in the same audit log as searches.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
import smtplib
import ssl
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from app.watch_store import WatchStore
from athar.errors import AtharError, PermanentError
from athar.log import short
from athar.settings import Settings

log = logging.getLogger(__name__)

LOOSE_ONLY = {"part of the name"}  # a hit matched on this alone is not put on the watch list
WEBHOOK_TIMEOUT = 10.0  # seconds; a slow receiver must not hold up the processing path
SMTP_TIMEOUT = 20.0  # seconds, likewise for the mail server
MAX_HITS = 100


def _store(settings: Settings) -> WatchStore:
    return WatchStore(settings.data_dir / "athar.db")


class SavedSearchError(PermanentError):
    code = "saved_search"


@dataclass(frozen=True)
class SavedSearch:
    """One family's saved person search."""

    id: str
    name: str
    mother: str | None
    born: str | None
    place: str | None
    by: str
    created: str
    notify: str | None = None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _check(
    name: str, mother: str | None, born: str | None, place: str | None, by: str, notify: str | None
) -> None:
    from index.query import person_query

    person_query(name, mother=mother, born=born, place=place)  # raises a specific error when unusable
    if not by.strip() or len(by) > 100:
        raise SavedSearchError("Say who saves the search (1-100 characters).")
    if notify and not notify.startswith(("https://", "http://")):
        raise SavedSearchError("The webhook must be an http(s) URL.")


def save(
    settings: Settings,
    name: str,
    *,
    by: str,
    mother: str | None = None,
    born: str | None = None,
    place: str | None = None,
    notify: str | None = None,
    client: Any | None = None,
) -> tuple[SavedSearch, list[dict[str, Any]]]:
    """Save a person search and run it once over the whole index; returns it and its first matches."""
    _check(name, mother, born, place, by, notify)
    query = {"name": name.strip(), "mother": mother or None, "born": born or None, "place": place or None}
    digest = hashlib.sha256(json.dumps([query, by], ensure_ascii=False).encode()).hexdigest()
    store = _store(settings)
    known = {s["id"] for s in store.searches()}
    search_id = "S" + digest[:10]
    if search_id in known:
        raise SavedSearchError(f"This search is saved already ({search_id}).")
    created = store.add_search(search_id, query, by.strip(), notify)
    saved = SavedSearch(
        search_id, name.strip(), query["mother"], query["born"], query["place"], by, created, notify
    )
    first = _run(settings, client, saved, None) if client is not None else []
    return saved, first


def searches(settings: Settings) -> list[SavedSearch]:
    """The saved searches in force, oldest first."""
    return [_from_row(r) for r in _store(settings).searches()]


def _from_row(r: dict[str, Any]) -> SavedSearch:
    q = r["query"]
    return SavedSearch(
        r["id"], q["name"], q.get("mother"), q.get("born"), q.get("place"), r["by"], r["created"], r["notify"]
    )


def remove(settings: Settings, search_id: str) -> None:
    """Stop re-running a saved search (kept as history)."""
    if not _store(settings).remove_search(search_id.strip()):
        raise SavedSearchError(f"There is no saved search {search_id!r} in force.")


def watch_list(settings: Settings, search_id: str | None = None) -> list[dict[str, Any]]:
    """Matches of the saved searches, newest first, each with its reasons and dossier."""
    return _store(settings).hits(search_id)


def _run(
    settings: Settings, client: Any, saved: SavedSearch, sha256s: Sequence[str] | None
) -> list[dict[str, Any]]:
    from index.query import person

    hits = person(
        client,
        saved.name,
        settings=settings,
        mother=saved.mother,
        born=saved.born,
        place=saved.place,
        size=MAX_HITS,
        sha256s=list(sha256s) if sha256s is not None else None,
    )
    found = [
        {
            "id": h.id,
            "sha256": h.sha256,
            "page": h.page,
            "name": h.name,
            "mother": h.mother,
            "birth_date": h.birth_date,
            "doc_type": h.doc_type,
            "dossier": h.dossier,
            "why": list(h.why),
            "score": round(h.score, 3),
        }
        for h in hits
        if h.id and set(h.why) - LOOSE_ONLY
    ]
    new = _store(settings).add_hits(saved.id, found)
    if new and saved.notify and settings.watch_webhooks:
        _notify(saved, new)
    if new and settings.watch_email:
        _mail(settings, saved, new)
    return new


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def alert_message(settings: Settings, saved: SavedSearch, new: list[dict[str, Any]]) -> EmailMessage:
    """The e-mail of a saved search's new matches: documents, pages, dossiers and reasons; no names."""
    message = EmailMessage()
    count = len(new)
    message["Subject"] = f"Athar: {count} new match{'es' if count != 1 else ''} for saved search {saved.id}"
    message["From"] = str(settings.smtp_from)
    message["To"] = ", ".join(settings.smtp_to)
    lines = [
        f"Saved search {saved.id} (saved {saved.created}) has {count} new match{'es' if count != 1 else ''}.",
        "Names are not sent by e-mail: open the watch list in Athar to read them.",
        "",
    ]
    base = (settings.public_url or "").rstrip("/")
    for h in new:
        dossier = h.get("dossier") or "(not linked yet)"
        lines.append(f"- document {h['sha256'][:12]}, page {h['page']}, dossier {dossier}")
        lines.append(f"  why: {', '.join(h.get('why') or [])}; found {h.get('found_at', '')}")
        if base and h.get("dossier"):
            lines.append(f"  {base}/dossier/{h['dossier']}")
    if base:
        lines += ["", f"Watch list: {base}/saved"]
    message.set_content("\n".join(lines) + "\n")
    return message


def _mail(settings: Settings, saved: SavedSearch, new: list[dict[str, Any]]) -> bool:
    """E-mail the new matches (see the module docstring); a failure is logged, never raised."""
    host = settings.smtp_host
    if not host or not settings.smtp_from or not settings.smtp_to:
        log.warning("e-mail alerts are on but ATHAR_SMTP_HOST, ATHAR_SMTP_FROM or ATHAR_SMTP_TO is not set")
        return False
    if settings.smtp_tls == "none" and not _loopback(host):
        log.warning("e-mail alert not sent: ATHAR_SMTP_TLS=none is allowed only for a server on this machine")
        return False
    message = alert_message(settings, saved, new)
    try:
        context = ssl.create_default_context()
        if settings.smtp_tls == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                host, settings.smtp_port, timeout=SMTP_TIMEOUT, context=context
            )
        else:
            server = smtplib.SMTP(host, settings.smtp_port, timeout=SMTP_TIMEOUT)
        with server:
            if settings.smtp_tls == "starttls":
                server.starttls(context=context)
            if settings.smtp_user and settings.smtp_password:
                server.login(settings.smtp_user, settings.smtp_password)
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("e-mail alert of a saved search not sent (%s)", type(exc).__name__)
        return False
    log.info("e-mail alert sent: %d new matches", len(new))
    return True


def _notify(saved: SavedSearch, new: list[dict[str, Any]]) -> None:
    """POST the new matches (no names) to the search's webhook; a failure is logged, never raised."""
    body = {
        "search": saved.id,
        "matches": [{k: h[k] for k in ("sha256", "page", "dossier", "why", "found_at")} for h in new],
    }
    request = urllib.request.Request(
        str(saved.notify),
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT):  # http(s) only: checked on save
            pass
    except OSError as exc:
        log.warning("webhook of saved search %s failed (%s)", saved.id, type(exc).__name__)


def rerun(settings: Settings, client: Any, sha256s: Sequence[str]) -> list[dict[str, Any]]:
    """Re-run every saved search on these (just indexed) documents; returns the new matches."""
    new: list[dict[str, Any]] = []
    if not sha256s:
        return new
    for saved in searches(settings):
        new += [{**h, "search": saved.id} for h in _run(settings, client, saved, sha256s)]
    return new


def after_batch(settings: Settings, sha256s: Sequence[str]) -> int:
    """The processing path's hook: re-run saved searches on a batch's documents (never fails it)."""
    try:
        from index.client import make_client

        found = rerun(settings, make_client(settings), sha256s)
    except AtharError as exc:
        log.warning(
            "saved searches not re-run on %d documents [%s]; they run on the next ingest",
            len(sha256s),
            exc.code,
        )
        return 0
    except Exception as exc:  # a fault here must not undo an ingest: the documents are indexed
        log.error("saved searches not re-run on %d documents (%s)", len(sha256s), type(exc).__name__)
        return 0
    if found:
        log.info("saved searches: %d new matches in %s", len(found), ",".join(short(s) for s in sha256s[:5]))
    return len(found)
