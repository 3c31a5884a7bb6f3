"""Who may use the web app: a bearer token or HTTP basic credentials from the environment.

``ATHAR_WEB_TOKEN`` enables token login (``Authorization: Bearer``, a ``?token=`` link that sets a
cookie, or the cookie itself); ``ATHAR_WEB_USER`` + ``ATHAR_WEB_PASSWORD`` enable basic auth. With
neither, the app is open and may only listen on a loopback address.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

from athar.errors import ConfigurationError
from athar.settings import Settings, load_settings

TOKEN_COOKIE = "athar_token"
MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True)
class AuthConfig:
    """Configured credentials; empty means no authentication."""

    token: str | None = None
    user: str | None = None
    password: str | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.token or self.user)

    def cookie_value(self) -> str:
        """What the login cookie holds: a digest of the token, never the token itself."""
        return hashlib.sha256(f"athar-web:{self.token}".encode()).hexdigest()


def auth_from_env(environ: Mapping[str, str] | None = None) -> AuthConfig:
    """``ATHAR_WEB_TOKEN`` / ``ATHAR_WEB_USER`` / ``ATHAR_WEB_PASSWORD`` (read by athar.settings)."""
    return auth_from_settings(load_settings(environ))


def auth_from_settings(settings: Settings) -> AuthConfig:
    """The web authentication of ``settings``; rejects half or weak set-ups."""
    token, user, password = settings.web_token, settings.web_user, settings.web_password
    if bool(user) != bool(password):
        raise ConfigurationError(
            "Set both ATHAR_WEB_USER and ATHAR_WEB_PASSWORD, or neither.", code="web_auth"
        )
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise ConfigurationError(
            f"ATHAR_WEB_TOKEN is too short; use at least {MIN_TOKEN_LENGTH} random characters"
            " (e.g. `python3 -c 'import secrets; print(secrets.token_urlsafe(24))'`).",
            code="web_auth",
        )
    return AuthConfig(token=token, user=user, password=password)


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
    """Who is calling ("token", "basic:<user>", or "local" when auth is off); None when refused."""
    if not auth.enabled:
        return "local"
    scheme, _, value = (authorization or "").partition(" ")
    scheme = scheme.lower()
    if auth.token:
        if scheme == "bearer" and _same(value.strip(), auth.token):
            return "token"
        if token_param is not None and _same(token_param, auth.token):
            return "token"
        if cookie is not None and _same(cookie, auth.cookie_value()):
            return "token"
    if auth.user and auth.password and scheme == "basic":
        try:
            user, _, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        if _same(user, auth.user) & _same(password, auth.password):
            return f"basic:{user}"
    return None
