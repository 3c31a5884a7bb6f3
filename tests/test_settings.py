"""athar.settings: every ATHAR_* knob is read in one place and bad values say what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from athar.errors import ConfigurationError
from athar.settings import Settings, load_settings
from index.node import java_options


def test_defaults_without_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ATHAR_NODE_HEAP", "ATHAR_NODE_JAVA_OPTS", "ATHAR_NLP_MAX_CHARS", "ATHAR_RETRY_DELAYS"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.node_heap == "1g" and settings.node_java_options == ()
    assert settings.nlp_max_chars == 2_000_000 and settings.retry_delays == (2.0, 10.0, 30.0)
    assert java_options(settings) == ["-XX:TieredStopAtLevel=1"]


def test_values_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATHAR_NODE_HEAP", "2g")
    monkeypatch.setenv("ATHAR_NODE_JAVA_OPTS", "-XX:TieredStopAtLevel=4 -Dx='a b'")
    monkeypatch.setenv("ATHAR_NLP_MAX_CHARS", "5000")
    monkeypatch.setenv("ATHAR_RETRY_DELAYS", "1, 5")
    settings = load_settings()
    assert settings.node_heap == "2g"
    # the project's default first, the operator's options after it (the JVM takes the last one)
    assert java_options(settings) == ["-XX:TieredStopAtLevel=1", "-XX:TieredStopAtLevel=4", "-Dx=a b"]
    assert settings.nlp_max_chars == 5000 and settings.retry_delays == (1.0, 5.0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ATHAR_NODE_HEAP", "lots"),
        ("ATHAR_NLP_MAX_CHARS", "2MB"),
        ("ATHAR_RETRY_DELAYS", "soon"),
        ("ATHAR_RETRY_DELAYS", "2,-1"),
    ],
)
def test_bad_values_are_refused_with_what_to_do(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as info:
        load_settings()
    message = info.value.message
    assert name in message and ("e.g." in message or "such as" in message)


def test_settings_are_plain_values() -> None:
    changed = Settings().with_(retry_delays=(0.1,), nlp_max_chars=10)
    assert changed.retry_delays == (0.1,) and changed.nlp_max_chars == 10


def test_tesseract_word_list_is_shipped_and_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ocr_cache import ocr_cache_key

    monkeypatch.delenv("ATHAR_USER_WORDS", raising=False)
    settings = load_settings()
    assert settings.user_words is not None
    words = Path(settings.user_words).read_text(encoding="utf-8").split()
    assert len(words) > 1000 and "سهام" in words and "زينب" in words
    monkeypatch.setenv("ATHAR_USER_WORDS", "none")
    assert load_settings().user_words is None
    # cached OCR made with another word list is not reused
    assert ocr_cache_key(settings) != ocr_cache_key(settings.with_(user_words=None))


def test_cached_ocr_is_not_reused_after_the_model_changes(tmp_path: Path) -> None:
    from app.ocr_cache import ocr_cache_key

    model = tmp_path / "ara.traineddata"
    model.write_bytes(b"one model")
    settings = Settings().with_(tessdata_dir=str(tmp_path), lang="ara")
    before = ocr_cache_key(settings)
    assert ocr_cache_key(settings) == before
    model.write_bytes(b"another model, same folder and name")
    assert ocr_cache_key(settings) != before


def test_faces_settings_and_secrets_never_printed() -> None:
    env = {
        "ATHAR_PREFECT_PORT": "4300",
        "ATHAR_WEB_PORT": "8100",
        "ATHAR_WATCH_INTERVAL": "2.5",
        "ATHAR_WEB_TOKEN": "canary-token-0123456789",
        "ATHAR_SEARCH_PASSWORD": "canary-password",
        "ATHAR_S3_SECRET": "canary-secret",
    }
    settings = load_settings(env)
    assert (settings.prefect_port, settings.web_port, settings.watch_interval) == (4300, 8100, 2.5)
    assert settings.web_token == "canary-token-0123456789"
    assert "canary" not in repr(settings)
    with pytest.raises(ConfigurationError):
        load_settings({"ATHAR_WEB_PORT": "eighty"})


def test_override_settings_is_what_a_run_reads(tmp_path: Path) -> None:
    from athar.settings import current_settings, override_settings

    mine = load_settings({}).with_(data_dir=tmp_path)
    with override_settings(mine):
        assert current_settings() is mine
    assert current_settings().data_dir != tmp_path


SHIPPED = ("athar", "app", "cli", "flows", "web", "ocr", "nlp", "index")
ENV_READ = r"""(environ\.get\(|environ\[|getenv\()\s*["']ATHAR_"""


def test_only_athar_settings_reads_athar_variables() -> None:
    import re

    from athar.settings import PROJECT_ROOT

    readers = [
        str(path.relative_to(PROJECT_ROOT))
        for package in SHIPPED
        for path in (PROJECT_ROOT / package).rglob("*.py")
        if path.name != "settings.py" and re.search(ENV_READ, path.read_text(encoding="utf-8"))
    ]
    assert readers == [], "read ATHAR_* variables in athar/settings.py only"
    assert re.search(ENV_READ, 'os.environ.get("ATHAR_JOBS")')  # the pattern does find a read
