"""Who may use the web app: bearer tokens or HTTP basic credentials from the environment.

``ATHAR_WEB_TOKEN`` enables token login (``Authorization: Bearer``, a ``?token=`` link that sets a
cookie, or the cookie itself), audited as ``"token"``; ``ATHAR_WEB_TOKENS=name:token,...`` gives
each person their own token, audited as ``"token:<name>"``; ``ATHAR_WEB_USER`` +
``ATHAR_WEB_PASSWORD`` enable basic auth. With none, the app is open and may only listen on a
loopback address. Weak secrets (short, whitespace, one character repeated, few distinct
characters) are refused at start-up.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import re
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from athar.errors import ConfigurationError
from athar.settings import Settings, load_settings

TOKEN_COOKIE = "athar_token"
MIN_TOKEN_LENGTH = 16
MIN_TOKEN_DISTINCT = 8  # a random 16-character token has ~14 distinct characters; 8 rules out "abababab..."
MIN_PASSWORD_LENGTH = 12
MIN_PASSWORD_DISTINCT = 6
TOKEN_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
_MAKE_ONE = "e.g. `python3 -c 'import secrets; print(secrets.token_urlsafe(24))'`"


@dataclass(frozen=True)
class AuthConfig:
    """Configured credentials; empty means no authentication.

    ``token`` is the shared token (audited as "token"); ``tokens`` maps a person's name to their own.
    """

    token: str | None = None
    user: str | None = None
    password: str | None = None
    tokens: tuple[tuple[str, str], ...] = ()
    editors: tuple[tuple[str, str], ...] = ()  # (name, password) of who may correct (ATHAR_WEB_EDITORS)

    @property
    def enabled(self) -> bool:
        return bool(self.token or self.user or self.tokens)

    @property
    def has_tokens(self) -> bool:
        return bool(self.token or self.tokens)

    def all_tokens(self) -> list[tuple[str, str]]:
        """(who, token) for every configured token."""
        shared = [("token", self.token)] if self.token else []
        return shared + [(f"token:{name}", token) for name, token in self.tokens]

    def can_edit(self, who: str) -> bool:
        """Editors: with ATHAR_WEB_EDITORS set, only those signed in as one (even on localhost); without
        it, only the local single-user set-up (no authentication at all, loopback only) may correct."""
        if self.editors:
            return who.startswith("editor:")
        return who == "local"

    def cookie_value(self, who: str = "token") -> str:
        """What the login cookie holds for ``who``: a digest of their token, never the token itself."""
        token = dict(self.all_tokens()).get(who) or self.token
        return hashlib.sha256(f"athar-web:{who}:{token}".encode()).hexdigest()


def weak_secret(secret: str, *, min_length: int, min_distinct: int) -> str | None:
    """Why ``secret`` is too weak to protect an open port, or None when it is acceptable."""
    if len(secret) < min_length:
        return f"it is shorter than {min_length} characters"
    if any(c.isspace() for c in secret) and len(secret.strip()) < min_length:
        return "it is mostly whitespace"
    if secret != secret.strip():
        return "it starts or ends with whitespace"
    if len(set(secret)) < min_distinct:
        return f"it has fewer than {min_distinct} different characters"
    return None


def _check_token(label: str, token: str) -> None:
    why = weak_secret(token, min_length=MIN_TOKEN_LENGTH, min_distinct=MIN_TOKEN_DISTINCT)
    if why is None and any(c.isspace() for c in token):
        why = "it contains whitespace"
    if why:
        raise ConfigurationError(
            f"{label} is too weak ({why}); use at least {MIN_TOKEN_LENGTH} random characters ({_MAKE_ONE}).",
            code="web_auth",
        )


def _named_tokens(raw: str | None) -> tuple[tuple[str, str], ...]:
    """``name:token,name:token`` as pairs; names unique, tokens checked and unique."""
    pairs: list[tuple[str, str]] = []
    for item in (raw or "").split(","):
        if not item.strip():
            continue
        name, sep, token = item.strip().partition(":")
        if not sep or not TOKEN_NAME.match(name):
            raise ConfigurationError(
                "ATHAR_WEB_TOKENS: write name:token pairs separated by commas"
                " (names: letters, digits, . _ -).",
                code="web_auth",
            )
        _check_token(f"the token of {name!r} in ATHAR_WEB_TOKENS", token)
        pairs.append((name, token))
    names, tokens = [n for n, _ in pairs], [t for _, t in pairs]
    if len(set(names)) != len(names) or len(set(tokens)) != len(tokens):
        raise ConfigurationError("ATHAR_WEB_TOKENS: every name and every token once.", code="web_auth")
    return tuple(pairs)


def auth_from_env(environ: Mapping[str, str] | None = None) -> AuthConfig:
    """``ATHAR_WEB_TOKEN(S)`` / ``ATHAR_WEB_USER`` / ``ATHAR_WEB_PASSWORD`` (read by athar.settings)."""
    return auth_from_settings(load_settings(environ))


def auth_from_settings(settings: Settings) -> AuthConfig:
    """The web authentication of ``settings``; refuses half or weak set-ups (never echoing a secret)."""
    token, user, password = settings.web_token, settings.web_user, settings.web_password
    if bool(user) != bool(password):
        raise ConfigurationError(
            "Set both ATHAR_WEB_USER and ATHAR_WEB_PASSWORD, or neither.", code="web_auth"
        )
    if token is not None:
        _check_token("ATHAR_WEB_TOKEN", token)
    if password is not None:
        why = weak_secret(password, min_length=MIN_PASSWORD_LENGTH, min_distinct=MIN_PASSWORD_DISTINCT)
        if why:
            raise ConfigurationError(
                f"ATHAR_WEB_PASSWORD is too weak ({why}); use at least {MIN_PASSWORD_LENGTH} characters,"
                f" or a token ({_MAKE_ONE}).",
                code="web_auth",
            )
    return AuthConfig(
        token=token,
        user=user,
        password=password,
        tokens=_named_tokens(settings.web_tokens),
        editors=parse_editors(settings.web_editors),
    )


def parse_editors(spec: str | None) -> tuple[tuple[str, str], ...]:
    """``name:password,name:password`` -> pairs; refuses short passwords and malformed entries."""
    pairs: list[tuple[str, str]] = []
    for entry in (spec or "").split(","):
        if not entry.strip():
            continue
        name, sep, password = entry.strip().partition(":")
        if not sep or not name or len(password) < MIN_TOKEN_LENGTH:
            raise ConfigurationError(
                "ATHAR_WEB_EDITORS is a comma-separated list of name:password, each password at least "
                f"{MIN_TOKEN_LENGTH} characters.",
                code="web_auth",
            )
        pairs.append((name, password))
    return tuple(pairs)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts local connections (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, auth: AuthConfig) -> None:
    """Refuse to listen beyond loopback without authentication."""
    if not is_loopback(host) and not auth.enabled:
        raise ConfigurationError(
            f"Refusing to listen on {host} without authentication: set ATHAR_WEB_TOKEN (or ATHAR_WEB_USER and"
            " ATHAR_WEB_PASSWORD), or keep the default --host 127.0.0.1.",
            code="web_unprotected",
        )


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def identify(
    auth: AuthConfig, *, authorization: str | None, cookie: str | None, token_param: str | None
) -> str | None:
    """Who is calling ("editor:<name>", "token", "token:<name>", "basic:<user>", or "local" when auth is
    off); None when refused. Every configured token is compared, so the time taken does not tell which
    one came close."""
    scheme, _, value = (authorization or "").partition(" ")
    scheme = scheme.lower()
    if auth.editors and scheme == "basic":  # an editor's credentials are accepted wherever a reader's are
        name = _editor(auth, value)
        if name is not None:
            return f"editor:{name}"
    if not auth.enabled:
        return "local"
    found: str | None = None
    for who, token in auth.all_tokens():
        hit = scheme == "bearer" and _same(value.strip(), token)
        hit |= token_param is not None and _same(token_param, token)
        hit |= cookie is not None and _same(cookie, auth.cookie_value(who))
        if hit and found is None:
            found = who
    if found:
        return found
    if auth.user and auth.password and scheme == "basic":
        try:
            user, _, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        if _same(user, auth.user) & _same(password, auth.password):
            return f"basic:{user}"
    return None


class LoginThrottle:
    """Failed logins per client address: after ``limit`` failures within ``window`` seconds the client
    is refused (429) until its oldest failure leaves the window. Thread-safe; in memory (a restart
    forgets, which only helps the rightful user)."""

    def __init__(self, limit: int = 10, window: float = 300.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failures.setdefault(client, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, client: str) -> int:
        """Seconds until ``client`` may try again; 0 when it is not blocked."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(client, now)
            if len(times) < self.limit:
                if not times:
                    self._failures.pop(client, None)
                return 0
            return max(1, int(times[0] + self.window - now) + 1)

    def failed(self, client: str) -> int:
        """Record one failure; the number within the window."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(client, now)
            times.append(now)
            return len(times)


def client_address(peer: str | None, forwarded_for: str | None, trusted: tuple[str, ...]) -> str | None:
    """The audited client: the connecting address, or, only when that is a trusted proxy, the
    right-most address of ``X-Forwarded-For`` that is not itself a trusted proxy."""
    if not peer or not trusted or not forwarded_for or not _in_networks(peer, trusted):
        return peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer  # a malformed chain: keep what we know
        if not _in_networks(hop, trusted):
            return hop
    return peer


def _in_networks(address: str, networks: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)


def _editor(auth: AuthConfig, value: str) -> str | None:
    try:
        name, _, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    found = None
    for editor, secret in auth.editors:  # compare with every editor: the time taken says nothing
        if _same(name, editor) & _same(password, secret):
            found = editor
    return found
