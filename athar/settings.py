"""Settings from environment variables (``ATHAR_*``), with embedded-default values.

Production points at an external search cluster, an S3 bucket or a remote
Prefect server by setting variables, never by changing code.
"""

from __future__ import annotations

import contextlib
import os
import shlex
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from athar.errors import ConfigurationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NAME_WORDS = PROJECT_ROOT / "ocr" / "data" / "name-words.txt"


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number; set it to e.g. {default}.") from None


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a number; set it to e.g. {default}.") from None


def _str(env: Mapping[str, str], name: str, default: str | None) -> str | None:
    raw = env.get(name)
    return default if raw is None or raw == "" else raw


def _user_words(env: Mapping[str, str], name: str, default: str | None) -> str | None:
    raw = _str(env, name, default)
    return None if raw is None or raw.lower() in ("none", "0", "off", "no") else raw


def _heap(env: Mapping[str, str], name: str, default: str) -> str:
    heap = _str(env, name, default) or default
    if not heap[:-1].isdigit() or heap[-1].lower() not in "mg":
        raise ConfigurationError(f"{name}={heap!r}: use a size such as 512m or 1g.")
    return heap


def _delays(env: Mapping[str, str], name: str, default: tuple[float, ...]) -> tuple[float, ...]:
    raw = _str(env, name, None)
    if raw is None:
        return default
    try:
        delays = tuple(float(x) for x in raw.split(",") if x.strip())
    except ValueError:
        delays = ()
    if not delays or any(d < 0 for d in delays):
        raise ConfigurationError(
            f"{name}={raw!r}: give seconds between retries separated by commas, e.g. 2,10,30."
        )
    return delays


def _networks(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    import ipaddress

    items = tuple(x.strip() for x in (_str(env, name, "") or "").split(",") if x.strip())
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ConfigurationError(
                f"{name}: {item!r} is not an address or network; give e.g. 127.0.0.1,10.0.0.0/8."
            ) from None
    return items


def _words(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list (blanks dropped)."""
    return tuple(w.strip() for w in (_str(env, name, "") or "").split(",") if w.strip())


def _choice(env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = _str(env, name, default) or default
    if value not in allowed:
        raise ConfigurationError(f"{name}={value!r}: use one of {', '.join(allowed)}.")
    return value


def _default_tessdata() -> str | None:
    """The project's 'best_int' ara model dir, installed by `make`, if present."""
    candidate = PROJECT_ROOT / ".cache" / "tessdata"
    return str(candidate) if (candidate / "ara.traineddata").exists() else None


@dataclass(frozen=True)
class Settings:
    """All knobs in one place. Build with :func:`load_settings`."""

    data_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "var")
    # OCR
    lang: str = "ara"
    dpi: int = 300
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    tessdata_dir: str | None = None
    psm: int = 4  # Tesseract page segmentation: 4 keeps table rows and narrow columns (see README)
    digit_pass: bool = True  # re-read number words glyph by glyph (ocr/digits.py)
    prose_second_reading: bool = False  # book prose read again with the stock model (ocr.recognize; README)
    max_pixels: int = 120_000_000  # per page image; larger is treated as a decompression bomb
    max_pages: int = 2000  # per PDF
    max_file_bytes: int = 2 * 1024**3
    tesseract_timeout: float = 180.0  # seconds per page call
    # words Tesseract prefers when a reading is close (ocr/data/make_name_words.py); None: none
    user_words: str | None = field(default_factory=lambda: str(NAME_WORDS))
    # NLP
    ner_model_dir: str | None = None
    tagger: bool = True  # the CRF tagger for names in running text (nlp/tagger.py)
    nlp_max_chars: int = 2_000_000  # largest text the NLP stage accepts per document
    # Search engine
    search_url: str = "http://127.0.0.1:9200"
    search_user: str | None = None
    search_password: str | None = field(default=None, repr=False)  # a secret: never printed
    search_ca: str | None = None
    search_verify: bool = True
    index_prefix: str = "athar"
    node_port: int = 9200
    node_heap: str = "1g"  # embedded node's JVM heap, e.g. 512m or 2g
    node_java_options: tuple[str, ...] = ()  # extra JVM options, after the defaults of index/node.py
    # Flows
    retry_delays: tuple[float, ...] = (2.0, 10.0, 30.0)  # seconds between retries of a retryable failure
    # Bucket / intake
    inbox: str = "./inbox"
    s3_endpoint: str | None = None
    s3_key: str | None = field(default=None, repr=False)  # a secret: never printed
    s3_secret: str | None = field(default=None, repr=False)  # a secret: never printed
    s3_region: str | None = None
    after_intake: str = "move"  # "move" to processed/ or "keep" (remember by key)
    # a local inbox file is taken in once unchanged this long (a copy in progress is left alone)
    settle_seconds: float = 3.0
    # Faces: the local Prefect server, the web app and its authentication, the watcher
    prefect_port: int = 4200
    web_port: int = 8000
    web_token: str | None = field(default=None, repr=False)  # a secret: never printed
    web_user: str | None = None
    web_password: str | None = field(default=None, repr=False)  # a secret: never printed
    watch_interval: float = 10.0  # seconds between checks of `athar watch` (`athar up` checks every 5)
    web_tokens: str | None = field(default=None, repr=False)  # name:token,... (secrets: never printed)
    # Web: addresses/networks of reverse proxies whose X-Forwarded-For is believed (none by default)
    web_trusted_proxies: tuple[str, ...] = ()
    # Corrections and exports
    web_editors: str | None = field(default=None, repr=False)  # "name:password,..." who may correct (web)
    public_url: str | None = None  # the web app's address as others reach it (links in exports, IIIF ids)
    signing_key: str | None = None  # path of an Ed25519 PEM private key that signs evidence packages
    # Families' saved searches: new matches may be POSTed to the search's webhook (off by default)
    watch_webhooks: bool = False
    # ... and e-mailed (off by default): to these addresses, through this SMTP server
    watch_email: bool = False
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_from: str | None = None
    smtp_to: tuple[str, ...] = ()
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)  # a secret: never printed
    smtp_tls: str = "starttls"  # starttls, ssl, or none (none: only to a server on this machine)
    # Many machines (README, "Production: many machines")
    # postgresql://… (it may hold a password, so it is a secret); None: SQLite in the data dir
    state_url: str | None = field(default=None, repr=False)
    store_url: str | None = None  # originals and OCR cache: None: data_dir; s3://bucket/prefix: shared
    fanout: str = "local"  # "local": the watcher processes what it takes in; "workers": workers claim it
    lease_seconds: float = 120.0  # a claim on a document lasts this long unless renewed (a third of it)
    worker_name: str | None = None  # the claimant's name in the state store; None: host:pid
    # `athar up` with fanout "workers": worker processes it starts (they share ATHAR_JOBS OCR processes)
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    cluster_name: str = "athar"  # embedded search node: cluster to form or join
    node_name: str | None = None  # embedded search node's name; None: athar-node
    seed_hosts: tuple[str, ...] = ()  # host:transport_port of other nodes; empty: a single-node cluster
    cluster_managers: tuple[str, ...] = ()  # names of the nodes that bootstrap a new cluster
    node_transport_port: int = 0  # embedded node's transport port (peers' seed hosts name it); 0: any free
    index_replicas: int = 0  # replicas of each index shard (1 or more on a cluster)

    @property
    def originals_dir(self) -> Path:
        return self.data_dir / "originals"

    @property
    def pages_dir(self) -> Path:
        return self.data_dir / "pages"

    @property
    def node_dir(self) -> Path:
        return self.data_dir / "search-node"

    def with_(self, **changes: object) -> Settings:
        """A copy with some fields changed (CLI flags override the environment)."""
        return replace(self, **changes)  # type: ignore[arg-type]


# Secrets may come from a secret store instead of the environment: ``ATHAR_S3_SECRET_BLOCK=name`` names
# a secret the resolver hook reads (the Prefect faces install one for Prefect Secret blocks; the kernel
# itself never imports Prefect). A variable set directly wins over its ``_BLOCK``.
SECRET_VARIABLES = (
    "ATHAR_SEARCH_PASSWORD",
    "ATHAR_S3_KEY",
    "ATHAR_S3_SECRET",
    "ATHAR_WEB_TOKEN",
    "ATHAR_WEB_PASSWORD",
    "ATHAR_STATE_URL",
    "ATHAR_SMTP_PASSWORD",
)
_SECRET_RESOLVER: list[Callable[[str], str]] = []


def set_secret_resolver(resolver: Callable[[str], str] | None) -> None:
    """Install (or, with None, remove) the hook that reads a named secret from a secret store."""
    _SECRET_RESOLVER[:] = [resolver] if resolver else []


def _with_secrets(env: Mapping[str, str]) -> Mapping[str, str]:
    """``env`` with every ``ATHAR_<SECRET>_BLOCK`` replaced by the secret it names (read through the hook)."""
    wanted = {v: env[f"{v}_BLOCK"] for v in SECRET_VARIABLES if not env.get(v) and env.get(f"{v}_BLOCK")}
    if not wanted:
        return env
    if not _SECRET_RESOLVER:
        names = ", ".join(f"{v}_BLOCK" for v in wanted)
        raise ConfigurationError(
            f"{names} names a secret block, but no secret store is available in this process; "
            "run it as a Prefect flow (the flows read Secret blocks) or set the variable itself."
        )
    resolved = dict(env)
    for variable, block in wanted.items():
        resolved[variable] = _SECRET_RESOLVER[0](block)
    return resolved


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read ``ATHAR_*`` environment variables (or ``environ``) over the embedded defaults."""
    env = _with_secrets(os.environ if environ is None else environ)
    base = Settings()
    data_dir = Path(_str(env, "ATHAR_DATA_DIR", str(base.data_dir)) or base.data_dir)
    after = _str(env, "ATHAR_AFTER_INTAKE", base.after_intake) or base.after_intake
    if after not in ("move", "keep"):
        raise ConfigurationError(f"ATHAR_AFTER_INTAKE={after!r}: use 'move' or 'keep'.")
    return Settings(
        data_dir=data_dir,
        lang=_str(env, "ATHAR_LANG", base.lang) or base.lang,
        dpi=_int(env, "ATHAR_DPI", base.dpi),
        jobs=max(1, _int(env, "ATHAR_JOBS", base.jobs)),
        tessdata_dir=_str(env, "ATHAR_TESSDATA_DIR", _default_tessdata()),
        psm=_int(env, "ATHAR_PSM", base.psm),
        digit_pass=(_str(env, "ATHAR_DIGIT_PASS", "1") or "1") not in ("0", "false", "no"),
        prose_second_reading=(_str(env, "ATHAR_PROSE_SECOND_READING", "0") or "0")
        not in ("0", "false", "no"),
        max_pixels=_int(env, "ATHAR_MAX_PIXELS", base.max_pixels),
        max_pages=_int(env, "ATHAR_MAX_PAGES", base.max_pages),
        max_file_bytes=_int(env, "ATHAR_MAX_FILE_BYTES", base.max_file_bytes),
        tesseract_timeout=_float(env, "ATHAR_TESSERACT_TIMEOUT", base.tesseract_timeout),
        user_words=_user_words(env, "ATHAR_USER_WORDS", base.user_words),
        ner_model_dir=_str(env, "ATHAR_NER_MODEL_DIR", None),
        tagger=(_str(env, "ATHAR_TAGGER", "1") or "1") not in ("0", "false", "no"),
        search_url=_str(env, "ATHAR_SEARCH_URL", base.search_url) or base.search_url,
        search_user=_str(env, "ATHAR_SEARCH_USER", None),
        search_password=_str(env, "ATHAR_SEARCH_PASSWORD", None),
        search_ca=_str(env, "ATHAR_SEARCH_CA", None),
        search_verify=(_str(env, "ATHAR_SEARCH_VERIFY", "1") or "1") not in ("0", "false", "no"),
        index_prefix=_str(env, "ATHAR_INDEX_PREFIX", base.index_prefix) or base.index_prefix,
        node_port=_int(env, "ATHAR_NODE_PORT", base.node_port),
        node_heap=_heap(env, "ATHAR_NODE_HEAP", base.node_heap),
        node_java_options=tuple(shlex.split(_str(env, "ATHAR_NODE_JAVA_OPTS", "") or "")),
        nlp_max_chars=max(1, _int(env, "ATHAR_NLP_MAX_CHARS", base.nlp_max_chars)),
        retry_delays=_delays(env, "ATHAR_RETRY_DELAYS", base.retry_delays),
        inbox=_str(env, "ATHAR_INBOX", base.inbox) or base.inbox,
        s3_endpoint=_str(env, "ATHAR_S3_ENDPOINT", None),
        s3_key=_str(env, "ATHAR_S3_KEY", None),
        s3_secret=_str(env, "ATHAR_S3_SECRET", None),
        s3_region=_str(env, "ATHAR_S3_REGION", None),
        after_intake=after,
        settle_seconds=max(0.0, _float(env, "ATHAR_SETTLE_SECONDS", base.settle_seconds)),
        prefect_port=_int(env, "ATHAR_PREFECT_PORT", base.prefect_port),
        web_port=_int(env, "ATHAR_WEB_PORT", base.web_port),
        web_token=_str(env, "ATHAR_WEB_TOKEN", None),
        web_user=_str(env, "ATHAR_WEB_USER", None),
        web_password=_str(env, "ATHAR_WEB_PASSWORD", None),
        watch_interval=_float(env, "ATHAR_WATCH_INTERVAL", base.watch_interval),
        web_tokens=_str(env, "ATHAR_WEB_TOKENS", None),
        web_trusted_proxies=_networks(env, "ATHAR_WEB_TRUSTED_PROXIES"),
        web_editors=_str(env, "ATHAR_WEB_EDITORS", None),
        public_url=_str(env, "ATHAR_PUBLIC_URL", None),
        signing_key=_str(env, "ATHAR_SIGNING_KEY", None),
        watch_webhooks=(_str(env, "ATHAR_WATCH_WEBHOOKS", "0") or "0") in ("1", "true", "yes"),
        watch_email=(_str(env, "ATHAR_WATCH_EMAIL", "0") or "0") in ("1", "true", "yes"),
        smtp_host=_str(env, "ATHAR_SMTP_HOST", None),
        smtp_port=_int(env, "ATHAR_SMTP_PORT", base.smtp_port),
        smtp_from=_str(env, "ATHAR_SMTP_FROM", None),
        smtp_to=tuple(a.strip() for a in (_str(env, "ATHAR_SMTP_TO", "") or "").split(",") if a.strip()),
        smtp_user=_str(env, "ATHAR_SMTP_USER", None),
        smtp_password=_str(env, "ATHAR_SMTP_PASSWORD", None),
        smtp_tls=_choice(env, "ATHAR_SMTP_TLS", base.smtp_tls, ("starttls", "ssl", "none")),
        state_url=_str(env, "ATHAR_STATE_URL", None),
        store_url=_str(env, "ATHAR_STORE_URL", None),
        fanout=_choice(env, "ATHAR_FANOUT", base.fanout, ("local", "workers")),
        lease_seconds=max(1.0, _float(env, "ATHAR_LEASE_SECONDS", base.lease_seconds)),
        worker_name=_str(env, "ATHAR_WORKER_NAME", None),
        workers=max(1, _int(env, "ATHAR_WORKERS", base.workers)),
        cluster_name=_str(env, "ATHAR_CLUSTER_NAME", base.cluster_name) or base.cluster_name,
        node_name=_str(env, "ATHAR_NODE_NAME", None),
        seed_hosts=_words(env, "ATHAR_SEED_HOSTS"),
        cluster_managers=_words(env, "ATHAR_CLUSTER_MANAGERS"),
        node_transport_port=_int(env, "ATHAR_NODE_TRANSPORT_PORT", base.node_transport_port),
        index_replicas=max(0, _int(env, "ATHAR_INDEX_REPLICAS", base.index_replicas)),
    )


_OVERRIDES: list[Settings] = []


@contextlib.contextmanager
def override_settings(settings: Settings) -> Iterator[Settings]:
    """Within the block, :func:`current_settings` returns ``settings`` (in-process runs, tests)."""
    _OVERRIDES.append(settings)
    try:
        yield settings
    finally:
        _OVERRIDES.remove(settings)


def current_settings() -> Settings:
    """The settings of the current run: an :func:`override_settings` in force, else the environment.

    Flow runs read their settings here, inside the run: settings (and the secrets in them) are
    never flow parameters.
    """
    return _OVERRIDES[-1] if _OVERRIDES else load_settings()


def prefect_ui_url(environ: Mapping[str, str] | None = None) -> str:
    """The Prefect UI: ``PREFECT_UI_URL``, else derived from ``PREFECT_API_URL``, else the local default."""
    env = os.environ if environ is None else environ
    ui = env.get("PREFECT_UI_URL")
    if ui:
        return ui
    api = env.get("PREFECT_API_URL", "")
    if api.rstrip("/").endswith("/api"):
        return api.rstrip("/")[: -len("/api")]
    return f"http://127.0.0.1:{load_settings(env).prefect_port}"
