"""The opensearch-py client built from settings, and translation of its failures.

Production points ``ATHAR_SEARCH_URL`` (plus user, password and CA file) at a real
cluster; the embedded node is only the default. Every engine failure becomes a
project error: unreachable, timed out, 429 or 5xx -> :class:`SearchUnavailableError`
(retryable); 4xx -> :class:`SearchRequestError` with a short message, never the
engine's stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from athar.errors import ConfigurationError, SearchRequestError, SearchUnavailableError
from athar.private import search_credentials
from athar.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")


CONNECTION_RETRIES = 3  # opensearch-py's default: a dead node is marked and the request sent to another


def make_client(settings: Settings, *, timeout: float = 30.0) -> Any:
    """An ``OpenSearch`` client for ``settings.search_url`` (credentials and CA from settings).

    Credentials: ``ATHAR_SEARCH_USER``/``ATHAR_SEARCH_PASSWORD``, else (loopback URLs only) the
    embedded node's generated secret (:func:`athar.private.search_credentials`).
    """
    from opensearchpy import OpenSearch

    engine_log = logging.getLogger("opensearch")
    if not engine_log.isEnabledFor(logging.DEBUG):
        # The client logs every failed request with a traceback at WARNING; ours become one-line errors.
        engine_log.setLevel(logging.ERROR)
    hosts = [u.strip() for u in settings.search_url.split(",") if u.strip()]
    for url in hosts or [settings.search_url]:
        if not url.startswith(("http://", "https://")):
            raise ConfigurationError(f"ATHAR_SEARCH_URL={url!r} must start with http:// or https://.")
    kwargs: dict[str, Any] = {
        # several URLs (a cluster, comma-separated): a request that cannot connect goes to the next node
        "hosts": hosts,
        "retry_on_timeout": True,
        "max_retries": max(CONNECTION_RETRIES, len(hosts)),
        "timeout": timeout,
        "verify_certs": settings.search_verify,
        "ssl_show_warn": settings.search_verify,
    }
    credentials = search_credentials(settings)
    if credentials:
        kwargs["http_auth"] = credentials
    if settings.search_ca:
        kwargs["ca_certs"] = settings.search_ca
    return OpenSearch(**kwargs)


def _reason(info: Any) -> str:
    """The engine's one-line reason (root cause type + reason), without stack traces."""
    if isinstance(info, dict):
        error = info.get("error", info)
        if isinstance(error, dict):
            causes = error.get("root_cause") or []
            cause = causes[0] if causes and isinstance(causes[0], dict) else error
            kind = str(cause.get("type", "error"))
            reason = str(cause.get("reason", ""))[:300]
            return f"{kind}: {reason}" if reason else kind
        return str(error)[:300]
    return str(info)[:300]


def translate(exc: Exception) -> Exception:
    """The project error for an opensearch-py exception (other exceptions are returned unchanged)."""
    from opensearchpy import exceptions as ox

    if isinstance(exc, (ox.ConnectionTimeout,)):
        return SearchUnavailableError("The search engine timed out; try again, or check its load.")
    if isinstance(exc, ox.SSLError):
        return ConfigurationError(
            "TLS to the search engine failed; check ATHAR_SEARCH_CA or ATHAR_SEARCH_VERIFY.",
            code="search_tls",
        )
    if isinstance(exc, ox.ConnectionError):
        return SearchUnavailableError(
            "The search engine is not reachable; start it with 'athar node start' or check ATHAR_SEARCH_URL."
        )
    if isinstance(exc, ox.TransportError):
        status = exc.status_code if isinstance(exc.status_code, int) else 0
        reason = _reason(exc.info)
        if status in (401, 403):
            return ConfigurationError(
                f"The search engine refused the credentials ({status}); check ATHAR_SEARCH_USER/PASSWORD.",
                code="search_auth",
            )
        if status == 429 or status >= 500:
            return SearchUnavailableError(
                f"The search engine is overloaded or failing ({status}); try again."
            )
        if status == 404 and "index_not_found" in reason:
            return SearchRequestError(
                "The search index does not exist yet; index documents first with 'athar ingest'.",
                code="search_index_missing",
            )
        return SearchRequestError(f"The search engine rejected the request ({status} {reason}).")
    return exc


@contextmanager
def engine_errors() -> Iterator[None]:
    """Run a block of client calls, translating engine failures into project errors."""
    from opensearchpy import exceptions as ox

    try:
        yield
    except ox.OpenSearchException as exc:
        translated = translate(exc)
        log.debug("search engine error: %r", exc)
        if translated is exc:
            raise
        raise translated from None


def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` with engine failures translated."""
    with engine_errors():
        return fn(*args, **kwargs)
