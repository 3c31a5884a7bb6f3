"""`athar serve`: the researchers' web search (pages and JSON API), on 127.0.0.1 by default.

Listening on any other address is refused unless authentication is configured
(ATHAR_WEB_TOKEN, or ATHAR_WEB_USER and ATHAR_WEB_PASSWORD).
"""

from __future__ import annotations

import argparse
from typing import Any

from athar.settings import load_settings


def register(sub: Any) -> None:
    parser = sub.add_parser("serve", help="web search for researchers (pages + JSON API under /api)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default ATHAR_WEB_PORT, 8000)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from athar.errors import ConfigurationError, ToolMissingError
    from web.auth import auth_from_env, check_bind

    settings = load_settings()
    args.port = args.port or settings.web_port
    auth = auth_from_env()
    check_bind(args.host, auth)
    if not 0 < args.port < 65536:
        raise ConfigurationError(f"--port {args.port} is not a TCP port (1-65535).", code="web_port")
    try:
        import uvicorn
    except ImportError:
        raise ToolMissingError(
            "uvicorn is not installed; run 'make' to install the project's packages."
        ) from None
    from web.app import create_app

    app = create_app(settings, auth=auth)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"athar serve: http://{shown}:{args.port}/  (API: /api/openapi.json; audit log: "
        f"{settings.data_dir / 'audit.log'}; Ctrl-C stops)",
        flush=True,
    )
    try:
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level="warning",
            access_log=False,
            server_header=False,
            # X-Forwarded-For is believed only from ATHAR_WEB_TRUSTED_PROXIES (web.auth.client_address)
            proxy_headers=False,
        )
    except OSError as exc:
        raise ConfigurationError(
            f"cannot listen on {args.host}:{args.port} ({exc.strerror}); pick another --port.",
            code="web_port",
        ) from None
    return 0
